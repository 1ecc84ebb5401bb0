//! Bulk load of incidents and their reports, straight through SQL in large transactions
//! (multi-row INSERTs), shaped like what intake and the desk produce: every incident opened
//! from one report of the same organisation, about 1% of them about ransomware ("mã độc …
//! đòi tiền chuộc"), 10% confidential, spread over three years.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::QueryBuilder;
use std::time::Instant;
use ungcuu_store::Db;

const KINDS: &[&str] = &[
    "Tấn công từ chối dịch vụ phân tán vào cổng thông tin",
    "Thay đổi giao diện trang thông tin điện tử",
    "Thư điện tử lừa đảo giả mạo lãnh đạo",
    "Dò quét và khai thác lỗ hổng ứng dụng web",
    "Lộ lọt dữ liệu cá nhân trên diễn đàn",
    "Tài khoản quản trị bị chiếm đoạt",
    "Máy trạm kết nối tới máy chủ điều khiển botnet",
];

/// Rows per INSERT statement: well under SQLite's 32,766 bound variables at 17 columns.
const ROWS_PER_STATEMENT: usize = 500;
/// Rows per transaction.
const ROWS_PER_TX: usize = 20_000;

struct Gen {
    i: i64,
    org: i64,
    code: String,
    title: String,
    at: DateTime<Utc>,
    confidential: bool,
    serious: bool,
    description: String,
    system: String,
    org_name: String,
}

fn gen_row(i: i64, span_rows: i64, orgs: &[(i64, String)], now: DateTime<Utc>) -> Gen {
    let (org, org_name) = orgs[(i as usize * 7919) % orgs.len()].clone();
    // Oldest first: ids and time grow together, as they do in service.
    let span = Duration::days(3 * 365).num_seconds();
    let at = now - Duration::seconds(span - span * i / span_rows.max(1)) - Duration::hours(1);
    let ransom = i % 100 == 42;
    let title = if ransom {
        format!("Mã độc mã hóa dữ liệu, đòi tiền chuộc tại {org_name}")
    } else {
        format!("{} tại {org_name}", KINDS[i as usize % KINDS.len()])
    };
    let description = format!(
        "{title}. Sự cố số {i}: cán bộ trực phát hiện khi kiểm tra nhật ký hệ thống; đã cô lập máy chủ khỏi \
         mạng nội bộ, giữ nguyên hiện trạng và sao lưu nhật ký để phục vụ điều tra, đề nghị Đội ứng cứu hỗ trợ."
    );
    Gen {
        i,
        org,
        code: format!("SC-2026-B{i:07}"),
        title,
        at,
        confidential: i % 10 == 0,
        serious: i % 50 == 0,
        description,
        system: format!("Cổng thông tin điện tử số {}", i % 5000),
        org_name,
    }
}

/// The form as filed (about 1 KB, like the API's): kept whole in `form_json`.
fn form_json(g: &Gen) -> String {
    let v = crate::intake::report(g.i as u64, g.at + Duration::hours(1));
    let mut v = v;
    v["reporter"]["org_name"] = g.org_name.clone().into();
    v["description"] = g.description.clone().into();
    v.to_string()
}

/// Loads incidents and reports with ids `from..to` (one report per incident, same id), for
/// organisations `orgs`; `span_rows` rows cover three years up to now.
pub async fn load(
    db: &Db,
    orgs: &[(i64, String)],
    from: i64,
    to: i64,
    span_rows: i64,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let now = Utc::now();
    // Reports filed through the API since the last load took ids of their own: continue
    // after them (incidents are only ever bulk-loaded here, so theirs stay `from..to`).
    let max_report: i64 = match db {
        Db::Sqlite { read, .. } => {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM reports")
                .fetch_one(read)
                .await?
        }
        Db::Postgres { pool: p, .. } => {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM reports")
                .fetch_one(p)
                .await?
        }
    };
    let shift = max_report - (from - 1);
    let mut done = from;
    while done < to {
        let end = (done + ROWS_PER_TX as i64).min(to);
        let rows: Vec<Gen> = (done..end)
            .map(|i| gen_row(i, span_rows, orgs, now))
            .collect();
        match db {
            Db::Sqlite { write, .. } => {
                let mut tx = write.begin().await?;
                for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                    incidents_sql(chunk).build().execute(&mut *tx).await?;
                    reports_sql(chunk, shift).build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            Db::Postgres { pool: p, .. } => {
                let mut tx = p.begin().await?;
                for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                    incidents_sql(chunk).build().execute(&mut *tx).await?;
                    reports_sql(chunk, shift).build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
        }
        // Into the search index now, as the server's indexer would soon after.
        while ungcuu_store::intake::reports::index_pending(db, ROWS_PER_TX as i64).await? > 0 {}
        // Who sees them, written by the store's own rule.
        let mut tx = db.begin().await?;
        ungcuu_store::response::incidents::rescope_range(&mut tx, done, end - 1).await?;
        ungcuu_store::audit::append(
            &mut tx,
            ungcuu_store::audit::NewAudit {
                actor_user_id: None,
                actor: "ungcuu-bench".into(),
                action: "bench.load".into(),
                object_type: "incident".into(),
                object_id: format!("{done}-{}", end - 1),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        done = end;
        eprint!(
            "\r  loaded {}/{} incidents and reports ({:.0} s)",
            done - 1,
            to - 1,
            t.elapsed().as_secs_f64()
        );
    }
    eprintln!();
    // What a server that has run for a while has: planner statistics (and on PostgreSQL a
    // visibility map, so index-only scans skip the heap).
    match db {
        Db::Sqlite { write, .. } => {
            sqlx::query("ANALYZE").execute(write).await?;
        }
        Db::Postgres { pool: p, .. } => {
            sqlx::query("VACUUM ANALYZE").execute(p).await?;
        }
    }
    Ok(())
}

fn incidents_sql<DB: sqlx::Database>(rows: &[Gen]) -> QueryBuilder<DB>
where
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(
        "INSERT INTO incidents (id, code, title, org_id, confidential, serious, state, opened_at, opened_by, updated_at) ",
    );
    q.push_values(rows, |mut b, g| {
        b.push_bind(g.i)
            .push_bind(format!("SCM-2026-{:06}", g.i))
            .push_bind(g.title.clone())
            .push_bind(g.org)
            .push_bind(g.confidential)
            .push_bind(g.serious)
            .push_bind("open".to_string())
            .push_bind(g.at + Duration::minutes(40))
            .push_bind("user:thuongtruc@bench".to_string())
            .push_bind(g.at + Duration::minutes(40));
    });
    q
}

fn reports_sql<DB: sqlx::Database>(rows: &[Gen], shift: i64) -> QueryBuilder<DB>
where
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(
        "INSERT INTO reports (id, tracking_code, org_id, channel, verified, confidential, reporter_org_name, \
         system_name, description, security_level, handled, detected_at, reported_at, received_at, form_json, \
         status, incident_id, serious, search) ",
    );
    q.push_values(rows, |mut b, g| {
        let search = ungcuu_domain::text::fold(&format!(
            "{} {} {} {}",
            g.code, g.org_name, g.system, g.description
        ));
        b.push_bind(g.i + shift)
            .push_bind(g.code.clone())
            .push_bind(g.org)
            .push_bind("api".to_string())
            .push_bind(true)
            .push_bind(g.confidential)
            .push_bind(g.org_name.clone())
            .push_bind(g.system.clone())
            .push_bind(g.description.clone())
            .push_bind(1 + g.i % 5)
            .push_bind(g.i % 4 == 0)
            .push_bind(g.at - Duration::minutes(30))
            .push_bind(g.at - Duration::minutes(10))
            .push_bind(g.at)
            .push_bind(form_json(g))
            .push_bind("accepted".to_string())
            .push_bind(g.i)
            .push_bind(g.serious)
            .push_bind(search);
    });
    q
}

/// Moves PostgreSQL's identity sequences past the bulk-loaded ids, so the server's own
/// inserts do not collide with them. (SQLite's rowids follow the largest id by themselves.)
pub async fn fix_sequences(db: &Db) -> anyhow::Result<()> {
    if let Db::Postgres { pool: p, .. } = db {
        for table in ["incidents", "reports"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )))
            .fetch_one(p)
            .await
            .with_context(|| format!("sequence of {table}"))?;
        }
    }
    Ok(())
}

/// Bytes the database takes on disk: the SQLite file with its WAL, or the PostgreSQL
/// database as `pg_database_size` counts it.
pub async fn size_on_disk(db: &Db, url: &str) -> anyhow::Result<u64> {
    match db {
        Db::Sqlite { .. } => {
            let path = url.trim_start_matches("sqlite://");
            let mut total = 0;
            // The search index's own file counts too.
            for ext in ["", "-wal", "-shm", "-search", "-search-wal", "-search-shm"] {
                if let Ok(m) = std::fs::metadata(format!("{path}{ext}")) {
                    total += m.len();
                }
            }
            Ok(total)
        }
        Db::Postgres { pool: p, .. } => Ok(sqlx::query_scalar::<_, i64>(
            "SELECT pg_database_size(current_database())",
        )
        .fetch_one(p)
        .await? as u64),
    }
}
