//! Finding reports: a reader's list, newest first, narrowed by subtree, confidentiality,
//! status and a search text (diacritics optional), and the background indexer that keeps
//! SQLite's trigram index up to date.

use super::{COLS, Report};
use crate::db::{Backend, Db, on_db};
use crate::error::StoreResult;
use ungcuu_domain::OrgId;
use ungcuu_domain::org::OrgPath;

/// Which confidential reports a reader may see in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidential {
    /// All of them (the desk, the lead and deputy).
    All,
    /// Only those filed by this organisation (or none, for no organisation).
    OnlyOf(Option<OrgId>),
}

/// What a report list shows.
#[derive(Debug, Clone)]
pub struct ReportFilter {
    /// Only reports filed within this subtree (a focal point's reach).
    pub within: Option<OrgPath>,
    pub confidential: Confidential,
    /// Folded search text (see [`ungcuu_domain::text::fold`]).
    pub query: Option<String>,
    pub status: Option<String>,
    pub unverified_only: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Default for ReportFilter {
    fn default() -> Self {
        ReportFilter {
            within: None,
            confidential: Confidential::OnlyOf(None),
            query: None,
            status: None,
            unverified_only: false,
            limit: 50,
            offset: 0,
        }
    }
}

/// How far the newest reports are read in order, looking for a search's matches, before the
/// trigram index is asked instead. A word found in one report in a hundred fills the first
/// page within this window; a rarer one is answered by the index, which is quick exactly when
/// matches are few.
const SEARCH_WINDOW: i64 = 8_000;

/// Up to this many organisations in a reader's subtree, a page is read from each one's own
/// rows and merged; above it, from the newest reports of all, filtered (a large subtree holds
/// a large share of them, and a deep page would cost a page per organisation).
const PER_ORG_MAX: i64 = 16;

/// How a search text narrows a list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Search {
    /// No search.
    None,
    /// Read the rows the other conditions allow, newest first, and keep those containing the
    /// text: for a unit's own reports (bounded by its size), never the index.
    Scan,
    /// As `Scan`, but only over the newest rows, this many ([`SEARCH_WINDOW`]).
    Window(i64),
    /// The trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) finds every match first.
    Index,
}

/// The newest reports first, as the filter says. Confidentiality is applied in the query, so a
/// page is always full and its count is right.
pub async fn list(db: &Db, f: &ReportFilter) -> StoreResult<Vec<Report>> {
    let searching = f.query.as_deref().is_some_and(|q| !q.is_empty());
    if !searching {
        return page(db, f, Search::None).await;
    }
    if f.within.is_some() {
        return page(db, f, Search::Scan).await;
    }
    // A full page from the window is exactly the page the index would give: every match
    // outside the window is older than every row inside it.
    let first = page(db, f, Search::Window(SEARCH_WINDOW)).await?;
    if first.len() as i64 >= f.limit {
        return Ok(first);
    }
    page(db, f, Search::Index).await
}

async fn page(db: &Db, f: &ReportFilter, search: Search) -> StoreResult<Vec<Report>> {
    enum Arg<'a> {
        Text(&'a str),
        Int(i64),
    }
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    fn next<'a>(args: &mut Vec<Arg<'a>>, a: Arg<'a>) -> String {
        args.push(a);
        format!("${}", args.len())
    }
    // A small subtree's organisations are read one by one, each from its own
    // (org_id, received_at, confidential) index range, and merged (see `ids` below): both
    // planners otherwise misjudge a unit's share of the rows, SQLite sorting all of them and
    // PostgreSQL walking every report newest first (80 ms for a unit's search at 100,000
    // reports, against 2 ms). A large subtree is a large share: its rows are filtered.
    let mut per_org = None;
    if let Some(p) = &f.within {
        let ids = crate::registry::orgs::ids_within(db, p, PER_ORG_MAX + 1).await?;
        if ids.len() as i64 <= PER_ORG_MAX {
            per_org = Some(ids);
        } else {
            let n = next(&mut args, Arg::Text(p.as_str()));
            conds.push(format!(
                "r.org_id IN (SELECT o.id FROM orgs o WHERE o.path LIKE {n} || '%')"
            ));
        }
    }
    match f.confidential {
        Confidential::All => {}
        Confidential::OnlyOf(None) => conds.push("r.confidential = false".into()),
        Confidential::OnlyOf(Some(org)) => {
            let n = next(&mut args, Arg::Int(org.0));
            conds.push(format!("(r.confidential = false OR r.org_id = {n})"));
        }
    }
    if let Some(s) = &f.status {
        let n = next(&mut args, Arg::Text(s));
        conds.push(format!("r.status = {n}"));
    }
    if f.unverified_only {
        conds.push("r.verified = false".into());
    }
    let q = f.query.as_deref().unwrap_or("");
    // A substring test no index can serve, so the planner keeps to the ordered walk.
    let contains = |col: &str, n: &str| match db.backend() {
        Backend::Sqlite => format!("instr({col}, {n}) > 0"),
        Backend::Postgres => format!("strpos({col}, {n}) > 0"),
    };
    match search {
        Search::None => {}
        Search::Scan => {
            let n = next(&mut args, Arg::Text(q));
            conds.push(contains("r.search", &n));
        }
        Search::Window(window) => {
            let n = next(&mut args, Arg::Text(q));
            // The window is bounded by the time of its oldest row, so the walk newest first
            // stops at the page's last match instead of reading the whole window first.
            conds.push(format!(
                "r.received_at >= (SELECT MIN(t.received_at) FROM (SELECT x.received_at FROM reports x \
                 ORDER BY x.received_at DESC LIMIT {window}) t)"
            ));
            conds.push(contains("r.search", &n));
        }
        Search::Index => {
            let n = next(&mut args, Arg::Text(q));
            // Trigram indexes need three characters; shorter queries scan the folded column.
            if db.backend() == Backend::Sqlite && q.chars().count() >= 3 {
                // The index's candidates (only if it was built for this database), the
                // reports it has not taken yet and those changed since, each checked against
                // the report's text as it is now (see `index_pending`).
                conds.push(format!(
                    "r.id IN (SELECT rowid FROM search.reports_fts WHERE reports_fts MATCH '\"' || replace({n}, '\"', '\"\"') || '\"' \
                     AND EXISTS ({UPTO}) \
                     UNION ALL SELECT w.id FROM reports w WHERE w.id > COALESCE(({UPTO}), 0) \
                     UNION ALL SELECT d.report_id FROM reports_fts_dirty d)"
                ));
                conds.push(contains("r.search", &n));
            } else {
                conds.push(format!("r.search LIKE '%' || {n} || '%'"));
            }
        }
    }
    let lim = next(&mut args, Arg::Int(f.limit));
    let off = next(&mut args, Arg::Int(f.offset));
    let cond = crate::sql::all(&conds);
    // The page's ids first, from the indexes where they cover the filter, then its 50 whole
    // rows: a report row carries the whole form, and sorting thousands of them to keep 50
    // would read them all.
    let order = "ORDER BY r.received_at DESC, r.id DESC";
    let ids = match per_org {
        // Organisation ids come from the database, never from the reader.
        Some(orgs) if orgs.is_empty() => "SELECT r.id FROM reports r WHERE false".to_string(),
        Some(orgs) => {
            let arms: Vec<String> = orgs
                .iter()
                .map(|o| {
                    format!(
                        "SELECT * FROM (SELECT r.id, r.received_at FROM reports r \
                         WHERE r.org_id = {o} AND {cond} {order} LIMIT {lim} + {off}) a{o}"
                    )
                })
                .collect();
            format!(
                "SELECT r.id FROM ({}) r {order} LIMIT {lim} OFFSET {off}",
                arms.join(" UNION ALL ")
            )
        }
        None => format!("SELECT r.id FROM reports r WHERE {cond} {order} LIMIT {lim} OFFSET {off}"),
    };
    let sql = format!(
        "SELECT {COLS} FROM reports r WHERE r.id IN ({ids}) ORDER BY r.received_at DESC, r.id DESC"
    );
    Ok(on_db!(db, c => {
        let mut q = sqlx::query_as::<_, Report>(sqlx::AssertSqlSafe(sql));
        for a in &args {
            q = match a {
                Arg::Text(t) => q.bind(*t),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q.fetch_all(c).await?
    }))
}

/// Every report up to this id is in the index; no row when the index file belongs to another
/// database (see [`index_pending`]).
const UPTO: &str =
    "SELECT s.upto FROM search.reports_fts_state s JOIN reports_fts_owner o ON o.key = s.owner";

/// Creates the search index's file (SQLite): a contentless trigram index of `reports.search`,
/// and how far it has read, for which database.
pub(crate) async fn search_schema(search: &sqlx::SqlitePool) -> StoreResult<()> {
    sqlx::raw_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search.reports_fts USING fts5 \
             (search, content = '', contentless_delete = 1, tokenize = 'trigram'); \
         CREATE TABLE IF NOT EXISTS search.reports_fts_state \
             (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, upto INTEGER NOT NULL)",
    )
    .execute(search)
    .await?;
    Ok(())
}

/// Brings the search index (SQLite's FTS5; PostgreSQL's trigram index keeps itself) up to
/// date by up to `limit` reports, oldest first, in one transaction; returns how many it took.
///
/// The index has a file of its own, written on its own connection: this takes that file's
/// write lock and only reads the database, so filing never waits for indexing. The server
/// calls it in the background; until it has, searches read the reports it has not taken
/// directly. Reports whose text changed or which were removed (listed by triggers in
/// `reports_fts_dirty`) are redone first. An index file built for another database (a
/// restored or copied one) is emptied and rebuilt.
pub async fn index_pending(db: &Db, limit: i64) -> StoreResult<u64> {
    let Db::Sqlite { write, search, .. } = db else {
        return Ok(0);
    };
    let mut c = search.acquire().await?;
    let migrated: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'reports_fts_owner'",
    )
    .fetch_one(&mut *c)
    .await?;
    if migrated == 0 {
        return Ok(0);
    }
    // A deferred BEGIN: its first write locks the index's file only (BEGIN IMMEDIATE would
    // lock every attached file, the database's too).
    let mut t = sqlx::Connection::begin(&mut *c).await?;
    let key: String = sqlx::query_scalar("SELECT key FROM main.reports_fts_owner WHERE id = 1")
        .fetch_one(&mut *t)
        .await?;
    let state: Option<(String, i64)> =
        sqlx::query_as("SELECT owner, upto FROM search.reports_fts_state WHERE id = 1")
            .fetch_optional(&mut *t)
            .await?;
    let mut upto = match state {
        Some((owner, upto)) if owner == key => upto,
        _ => {
            sqlx::query("INSERT INTO search.reports_fts (reports_fts) VALUES ('delete-all')")
                .execute(&mut *t)
                .await?;
            0
        }
    };
    // Changed and removed reports already taken: their terms out, their text as it is now
    // back in. Those past `upto` come with the rest below.
    let dirty: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT report_id, n FROM main.reports_fts_dirty ORDER BY report_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *t)
    .await?;
    if !dirty.is_empty() {
        let ids = dirty
            .iter()
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM search.reports_fts WHERE rowid IN ({ids}) AND rowid <= $1"
        )))
        .bind(upto)
        .execute(&mut *t)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO search.reports_fts (rowid, search) SELECT id, search FROM main.reports \
             WHERE id IN ({ids}) AND id <= $1"
        )))
        .bind(upto)
        .execute(&mut *t)
        .await?;
    }
    // A removed newest report frees its id for the next one: never count past the newest.
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM main.reports")
        .fetch_one(&mut *t)
        .await?;
    upto = upto.min(newest.unwrap_or(0));
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(id) FROM (SELECT id FROM main.reports WHERE id > $1 ORDER BY id LIMIT $2)",
    )
    .bind(upto)
    .bind(limit)
    .fetch_one(&mut *t)
    .await?;
    let mut taken = dirty.len() as u64;
    if let Some(last) = last {
        taken += sqlx::query(
            "INSERT INTO search.reports_fts (rowid, search) SELECT id, search FROM main.reports \
             WHERE id > $1 AND id <= $2",
        )
        .bind(upto)
        .bind(last)
        .execute(&mut *t)
        .await?
        .rows_affected();
        upto = last;
    }
    sqlx::query(
        "INSERT OR REPLACE INTO search.reports_fts_state (id, owner, upto) VALUES (1, $1, $2)",
    )
    .bind(&key)
    .bind(upto)
    .execute(&mut *t)
    .await?;
    t.commit().await?;
    drop(c);
    // Then, on the database's writer, the changes just redone are crossed off, unless they
    // changed again meanwhile. Derived-data bookkeeping, like the index: not audited.
    for (id, n) in &dirty {
        sqlx::query("DELETE FROM reports_fts_dirty WHERE report_id = $1 AND n = $2")
            .bind(id)
            .bind(n)
            .execute(write)
            .await?;
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use super::super::{NewReport, insert};
    use super::*;
    use crate::audit;
    use crate::testing::{TestDb, note, report};

    /// Thirty reports, one a minute, every third about ransomware; `n` names each.
    async fn file_thirty(db: &Db) {
        let mut tx = db.begin().await.unwrap();
        let start = ungcuu_domain::time::now() - chrono::Duration::hours(1);
        for n in 0..30 {
            let description = if n % 3 == 0 {
                format!("Mã độc đòi tiền chuộc số {n}")
            } else {
                format!("Thư lừa đảo số {n}")
            };
            let at = start + chrono::Duration::minutes(n);
            let code = format!("SC-2026-T{n:04}");
            let search = ungcuu_domain::text::fold(&format!("{code} {description}"));
            insert(
                &mut tx,
                &NewReport {
                    confidential: n % 5 == 0,
                    ..report(&code, None, at, &description, &search)
                },
            )
            .await
            .unwrap();
        }
        audit::append(&mut tx, note("report.file", "report"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// Files one report now, with its audit row.
    async fn file_one(db: &Db, code: &str, description: &str, search: &str) {
        let mut tx = db.begin().await.unwrap();
        let at = ungcuu_domain::time::now();
        insert(&mut tx, &report(code, None, at, description, search))
            .await
            .unwrap();
        audit::append(&mut tx, note("report.file", "report"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// Runs the indexer until it has nothing left; how many reports it took.
    async fn index_all(db: &Db) -> u64 {
        let mut taken = 0;
        loop {
            match index_pending(db, 64).await.unwrap() {
                0 => return taken,
                n => taken += n,
            }
        }
    }

    fn codes(rows: &[Report]) -> Vec<String> {
        rows.iter().map(|r| r.tracking_code.clone()).collect()
    }

    #[tokio::test]
    async fn a_search_reads_the_newest_rows_first_and_asks_the_index_when_they_run_dry() {
        for t in TestDb::both().await {
            file_thirty(&t.db).await;
            for confidential in [Confidential::All, Confidential::OnlyOf(None)] {
                let f = |limit, offset| ReportFilter {
                    confidential,
                    query: Some("ma doc doi tien".into()),
                    limit,
                    offset,
                    ..Default::default()
                };
                // What the index alone answers, newest first: every match, none other.
                let all = page(&t.db, &f(100, 0), Search::Index).await.unwrap();
                let expected: Vec<String> = (0..30)
                    .rev()
                    .filter(|n| n % 3 == 0)
                    .filter(|n| confidential == Confidential::All || n % 5 != 0)
                    .map(|n| format!("SC-2026-T{n:04}"))
                    .collect();
                assert_eq!(codes(&all), expected, "{}", t.name);
                for offset in [0, 2, 4, 6] {
                    let want =
                        &expected[offset.min(expected.len())..(offset + 2).min(expected.len())];
                    // A window of twelve rows holds the first pages, not the later ones...
                    let windowed = page(&t.db, &f(2, offset as i64), Search::Window(12))
                        .await
                        .unwrap();
                    if windowed.len() == 2 {
                        assert_eq!(codes(&windowed), want, "{} window at {offset}", t.name);
                    }
                    // ...and the list gives the same page whichever answered it.
                    let listed = list(&t.db, &f(2, offset as i64)).await.unwrap();
                    assert_eq!(codes(&listed), want, "{} list at {offset}", t.name);
                }
                let short = page(&t.db, &f(2, 6), Search::Window(12)).await.unwrap();
                assert!(short.len() < 2, "{}: the window ran dry", t.name);
            }
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn a_report_is_found_before_and_after_the_indexer_takes_it() {
        for t in TestDb::both().await {
            file_thirty(&t.db).await;
            let f = ReportFilter {
                confidential: Confidential::All,
                query: Some("doi tien chuoc so 2".into()),
                limit: 100,
                ..Default::default()
            };
            // 21, 24, 27: filed, not yet indexed on SQLite.
            let want = ["SC-2026-T0027", "SC-2026-T0024", "SC-2026-T0021"];
            let before = page(&t.db, &f, Search::Index).await.unwrap();
            assert_eq!(codes(&before), want, "{}", t.name);
            let mut taken = 0;
            loop {
                let n = index_pending(&t.db, 7).await.unwrap();
                assert!(n <= 7, "{}: at most the limit at a time", t.name);
                if n == 0 {
                    break;
                }
                taken += n;
            }
            let expected = if t.name == "sqlite" { 30 } else { 0 };
            assert_eq!(
                taken, expected,
                "{}: every filed report indexed once",
                t.name
            );
            let after = page(&t.db, &f, Search::Index).await.unwrap();
            assert_eq!(codes(&after), want, "{}: the index answers alike", t.name);
            if t.name == "sqlite" {
                // Now from the index alone: nothing left to read directly.
                let (upto, newest): (i64, i64) = on_db!(&t.db, c => sqlx::query_as(
                    "SELECT (SELECT upto FROM search.reports_fts_state), (SELECT MAX(id) FROM reports)")
                    .fetch_one(c).await.unwrap());
                assert_eq!(upto, newest);
                let indexed: i64 = on_db!(&t.db, c => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM search.reports_fts WHERE reports_fts MATCH '\"tien chuoc so 2\"'").fetch_one(c).await.unwrap());
                assert_eq!(indexed, 3);
            }
            t.cleanup().await;
        }
    }

    /// The SQLite index in its own file: changes and removals are redone, an index built for
    /// another database is never trusted, and indexing leaves the database's writer free.
    #[tokio::test]
    async fn the_search_index_follows_changes_and_its_own_database_only() {
        let t = TestDb::sqlite().await;
        file_thirty(&t.db).await;
        index_all(&t.db).await;
        let found = |q: &'static str| {
            let db = t.db.clone();
            async move {
                let f = ReportFilter {
                    confidential: Confidential::All,
                    query: Some(q.into()),
                    limit: 100,
                    ..Default::default()
                };
                codes(&page(&db, &f, Search::Index).await.unwrap())
            }
        };
        assert_eq!(found("tien chuoc so 27").await, ["SC-2026-T0027"]);

        // While the indexer holds the index's write lock, a report is still filed.
        let Db::Sqlite { search, .. } = &t.db else {
            unreachable!()
        };
        let mut held = search.begin().await.unwrap();
        sqlx::query("INSERT INTO search.reports_fts (rowid, search) VALUES (-1, 'x')")
            .execute(&mut *held)
            .await
            .unwrap();
        file_one(
            &t.db,
            "SC-2026-T0100",
            "Mã độc mới",
            "sc-2026-t0100 ma doc moi",
        )
        .await;
        held.rollback().await.unwrap();
        assert_eq!(
            found("ma doc moi").await,
            ["SC-2026-T0100"],
            "found before indexing"
        );

        // A changed text and a removed report, by hand (the app does neither).
        let on_write = |sql: &'static str| {
            let db = t.db.clone();
            async move {
                let Db::Sqlite { write, .. } = &db else {
                    unreachable!()
                };
                sqlx::query(sql).execute(write).await.unwrap();
            }
        };
        on_write("UPDATE reports SET search = 'sc-2026-t0027 tep la' WHERE tracking_code = 'SC-2026-T0027'").await;
        on_write("DELETE FROM reports WHERE tracking_code = 'SC-2026-T0024'").await;
        assert!(
            found("tien chuoc so 27").await.is_empty(),
            "old text no longer matches"
        );
        assert_eq!(
            found("tep la").await,
            ["SC-2026-T0027"],
            "new text found before indexing"
        );
        index_all(&t.db).await;
        assert_eq!(found("tep la").await, ["SC-2026-T0027"]);
        assert!(found("tien chuoc so 24").await.is_empty());
        let (dirty, terms): (i64, i64) = on_db!(&t.db, c => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM reports_fts_dirty), \
                    (SELECT COUNT(*) FROM search.reports_fts WHERE reports_fts MATCH '\"tien chuoc so 2\"')")
            .fetch_one(c).await.unwrap());
        assert_eq!(
            (dirty, terms),
            (0, 1),
            "redone and crossed off; only 21 left"
        );

        // The newest report removed: the next one takes its id and is indexed all the same.
        on_write("DELETE FROM reports WHERE tracking_code = 'SC-2026-T0100'").await;
        index_all(&t.db).await;
        file_one(
            &t.db,
            "SC-2026-T0101",
            "Lộ lọt",
            "sc-2026-t0101 lo lot du lieu",
        )
        .await;
        index_all(&t.db).await;
        assert_eq!(found("lo lot du lieu").await, ["SC-2026-T0101"]);
        assert!(found("ma doc moi").await.is_empty());

        // The database now claims another index file: this one is not trusted, then rebuilt.
        on_write("UPDATE reports_fts_owner SET key = 'another'").await;
        assert_eq!(
            found("tep la").await,
            ["SC-2026-T0027"],
            "read directly meanwhile"
        );
        assert_eq!(index_all(&t.db).await, 30, "every report indexed again");
        assert_eq!(found("tep la").await, ["SC-2026-T0027"]);
        t.cleanup().await;
    }

    #[tokio::test]
    async fn a_unit_pages_through_its_subtree_newest_first_whatever_its_size() {
        use crate::registry::orgs::{self, OrgFields};
        for t in TestDb::both().await {
            let mut tx = t.db.begin().await.unwrap();
            let fields = |name: &str, parent| OrgFields {
                name: name.into(),
                kind: ungcuu_domain::OrgKind::Department,
                parent_id: parent,
                address: None,
                phone: None,
                email: None,
                website: None,
            };
            let province = orgs::insert(&mut tx, &fields("Tỉnh", None)).await.unwrap();
            // More units than PER_ORG_MAX under the province, one of them with a child.
            let mut units = Vec::new();
            for i in 0..(PER_ORG_MAX + 2) {
                let o = orgs::insert(&mut tx, &fields(&format!("Sở {i}"), Some(province.id)))
                    .await
                    .unwrap();
                units.push(o);
            }
            let child = orgs::insert(&mut tx, &fields("Phòng", Some(units[0].id)))
                .await
                .unwrap();
            let start = ungcuu_domain::time::now() - chrono::Duration::hours(2);
            // Report n from a rotating organisation; every fourth mentions ransomware.
            let mut filed = Vec::new();
            for n in 0..60i64 {
                let org = match n % 4 {
                    0 => &child,
                    1 => &units[0],
                    _ => &units[(n as usize) % units.len()],
                };
                let code = format!("SC-2026-U{n:04}");
                let description = if n % 4 == 0 {
                    "mã độc đòi tiền chuộc"
                } else {
                    "thư rác"
                };
                let search = ungcuu_domain::text::fold(&format!("{code} {description}"));
                let at = start + chrono::Duration::minutes(n);
                insert(
                    &mut tx,
                    &report(&code, Some(org.id), at, description, &search),
                )
                .await
                .unwrap();
                filed.push((n, org.path.clone(), search));
            }
            audit::append(&mut tx, note("report.file", "report"))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            for within in [&units[0].path, &province.path, &child.path] {
                for query in [None, Some("tien chuoc")] {
                    let expected: Vec<String> = filed
                        .iter()
                        .rev()
                        .filter(|(_, p, search)| {
                            p.is_within(within) && query.is_none_or(|q| search.contains(q))
                        })
                        .map(|(n, _, _)| format!("SC-2026-U{n:04}"))
                        .collect();
                    assert!(!expected.is_empty());
                    for offset in [0usize, 3, 14] {
                        let f = ReportFilter {
                            within: Some(within.clone()),
                            confidential: Confidential::All,
                            query: query.map(String::from),
                            limit: 4,
                            offset: offset as i64,
                            ..Default::default()
                        };
                        let got = list(&t.db, &f).await.unwrap();
                        let want =
                            &expected[offset.min(expected.len())..(offset + 4).min(expected.len())];
                        assert_eq!(
                            codes(&got),
                            want,
                            "{} within {within:?} {query:?} at {offset}",
                            t.name
                        );
                    }
                }
            }
            t.cleanup().await;
        }
    }
}
