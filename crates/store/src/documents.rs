//! Official documents, their per-body numbering, signed copies, and the final reports
//! (Phụ lục II) they are drafted from.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Serialize;
use ungcuu_domain::documents::{DocKind, DocState};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FinalReportRow {
    pub id: i64,
    pub report_id: i64,
    #[serde(skip)]
    pub form_json: String,
    pub filed_by: String,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const FINAL_COLS: &str = "id, report_id, form_json, filed_by, filed_at, updated_at";

/// Records the final report of `report_id`, or replaces it while no issued document froze it
/// (the app checks that).
pub async fn save_final(
    tx: &mut Tx,
    report_id: i64,
    form_json: &str,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<FinalReportRow> {
    let sql = format!(
        "INSERT INTO final_reports (report_id, form_json, filed_by, filed_at, updated_at) VALUES ($1,$2,$3,$4,$4) \
         ON CONFLICT (report_id) DO UPDATE SET form_json = excluded.form_json, filed_by = excluded.filed_by, \
         updated_at = excluded.updated_at RETURNING {FINAL_COLS}"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(report_id).bind(form_json).bind(by).bind(now).fetch_one(c).await?))
}

pub async fn final_for_report(db: &Db, report_id: i64) -> StoreResult<Option<FinalReportRow>> {
    let sql = format!("SELECT {FINAL_COLS} FROM final_reports WHERE report_id = $1");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(report_id).fetch_optional(c).await?),
    )
}

/// A document without its PDF bytes.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DocumentRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: DocKind,
    pub issuing_body: String,
    pub type_code: String,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub state: DocState,
    pub report_id: Option<i64>,
    pub corrects_document_id: Option<i64>,
    pub upper_coordination: bool,
    #[serde(skip)]
    pub recipients_json: String,
    #[serde(skip)]
    pub content_json: Option<String>,
    pub year: Option<i64>,
    pub number: Option<i64>,
    pub pdf_sha256: Option<String>,
    pub issued_by_user_id: Option<i64>,
    pub signer_name: Option<String>,
    pub signer_prefix: Option<String>,
    pub issued_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

const DOC_COLS: &str = "id, kind, issuing_body, type_code, title, state, report_id, corrects_document_id, \
     upper_coordination, recipients_json, content_json, year, number, pdf_sha256, issued_by_user_id, \
     signer_name, signer_prefix, issued_at, created_by, created_at";

pub struct NewDocument<'a> {
    pub kind: DocKind,
    pub issuing_body: &'a str,
    pub type_code: &'a str,
    pub title: &'a str,
    pub report_id: Option<i64>,
    pub corrects_document_id: Option<i64>,
    pub upper_coordination: bool,
    pub recipients_json: &'a str,
    pub created_by: &'a str,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_draft(tx: &mut Tx, d: &NewDocument<'_>) -> StoreResult<DocumentRow> {
    let sql = format!(
        "INSERT INTO documents (kind, issuing_body, type_code, title, state, report_id, corrects_document_id, \
         upper_coordination, recipients_json, created_by, created_at) \
         VALUES ($1,$2,$3,$4,'draft',$5,$6,$7,$8,$9,$10) RETURNING {DOC_COLS}"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(d.kind.code()).bind(d.issuing_body).bind(d.type_code).bind(d.title).bind(d.report_id)
        .bind(d.corrects_document_id).bind(d.upper_coordination).bind(d.recipients_json)
        .bind(d.created_by).bind(d.created_at).fetch_one(c).await?))
}

pub async fn get(db: &Db, id: i64) -> StoreResult<DocumentRow> {
    let sql = format!("SELECT {DOC_COLS} FROM documents WHERE id = $1");
    let row: Option<DocumentRow> =
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

pub async fn get_in(tx: &mut Tx, id: i64) -> StoreResult<DocumentRow> {
    let sql = format!("SELECT {DOC_COLS} FROM documents WHERE id = $1");
    let row: Option<DocumentRow> =
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

/// The documents drafted from a report, oldest first.
pub async fn for_report(db: &Db, report_id: i64) -> StoreResult<Vec<DocumentRow>> {
    let sql = format!("SELECT {DOC_COLS} FROM documents WHERE report_id = $1 ORDER BY id");
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(report_id).fetch_all(c).await?),
    )
}

/// The issued PDF, base64.
pub async fn pdf_base64(db: &Db, id: i64) -> StoreResult<Option<String>> {
    let row: Option<Option<String>> = on_db!(db, c => sqlx::query_scalar(
        "SELECT pdf_base64 FROM documents WHERE id = $1").bind(id).fetch_optional(c).await?);
    row.ok_or(StoreError::NotFound)
}

/// The next number of `body`'s documents of `type_code` in `year`. The counter row is bumped
/// inside the issuing transaction: on PostgreSQL its row lock makes concurrent issuers wait
/// for each other (across server instances too), on SQLite the single writer does; a rolled
/// back issue rolls the counter back with it, so numbers have no gaps and no duplicates.
pub async fn next_number(tx: &mut Tx, body: &str, type_code: &str, year: i32) -> StoreResult<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO document_counters (issuing_body, type_code, year, last_number) VALUES ($1,$2,$3,1) \
         ON CONFLICT (issuing_body, type_code, year) DO UPDATE SET last_number = document_counters.last_number + 1 \
         RETURNING last_number")
        .bind(body).bind(type_code).bind(i64::from(year)).fetch_one(c).await?))
}

pub struct Issue<'a> {
    pub year: i32,
    pub number: i64,
    pub title: &'a str,
    pub content_json: &'a str,
    pub pdf_base64: &'a str,
    pub pdf_sha256: &'a str,
    pub issued_by_user_id: Option<i64>,
    pub signer_name: &'a str,
    pub signer_prefix: &'a str,
    pub issued_at: DateTime<Utc>,
}

/// Freezes a draft as issued. False when it was not a draft any more (issued meanwhile).
pub async fn issue(tx: &mut Tx, id: i64, i: &Issue<'_>) -> StoreResult<bool> {
    let done = on_tx!(tx, c => sqlx::query(
        "UPDATE documents SET state = 'issued', year = $1, number = $2, title = $3, content_json = $4, \
         pdf_base64 = $5, pdf_sha256 = $6, issued_by_user_id = $7, signer_name = $8, signer_prefix = $9, \
         issued_at = $10 WHERE id = $11 AND state = 'draft'")
        .bind(i64::from(i.year)).bind(i.number).bind(i.title).bind(i.content_json).bind(i.pdf_base64)
        .bind(i.pdf_sha256).bind(i.issued_by_user_id).bind(i.signer_name).bind(i.signer_prefix)
        .bind(i.issued_at).bind(id).execute(c).await?.rows_affected());
    Ok(done == 1)
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SignedCopy {
    pub id: i64,
    pub document_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

const COPY_COLS: &str =
    "id, document_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at";

pub struct NewSignedCopy<'a> {
    pub document_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub content_base64: &'a str,
    pub uploaded_by: &'a str,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn add_signed_copy(tx: &mut Tx, s: &NewSignedCopy<'_>) -> StoreResult<SignedCopy> {
    let sql = format!(
        "INSERT INTO document_signed_copies (document_id, file_name, content_type, size_bytes, sha256, \
         content_base64, uploaded_by, uploaded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING {COPY_COLS}"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(s.document_id).bind(s.file_name).bind(s.content_type).bind(s.size_bytes).bind(s.sha256)
        .bind(s.content_base64).bind(s.uploaded_by).bind(s.uploaded_at).fetch_one(c).await?))
}

pub async fn signed_copies(db: &Db, document_id: i64) -> StoreResult<Vec<SignedCopy>> {
    let sql = format!(
        "SELECT {COPY_COLS} FROM document_signed_copies WHERE document_id = $1 ORDER BY id"
    );
    Ok(
        on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(document_id).fetch_all(c).await?),
    )
}

/// A signed copy with its bytes (base64).
pub async fn signed_copy_content(
    db: &Db,
    document_id: i64,
    copy_id: i64,
) -> StoreResult<(SignedCopy, String)> {
    let sql = format!(
        "SELECT {COPY_COLS} FROM document_signed_copies WHERE document_id = $1 AND id = $2"
    );
    let meta: Option<SignedCopy> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(document_id).bind(copy_id).fetch_optional(c).await?);
    let meta = meta.ok_or(StoreError::NotFound)?;
    let content: String = on_db!(db, c => sqlx::query_scalar(
        "SELECT content_base64 FROM document_signed_copies WHERE id = $1").bind(copy_id).fetch_one(c).await?);
    Ok((meta, content))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[tokio::test]
    async fn numbers_run_per_body_type_and_year_without_gaps_even_after_a_rollback() {
        for t in TestDb::both().await {
            let db = &t.db;
            let mut tx = db.begin().await.unwrap();
            assert_eq!(next_number(&mut tx, "ĐUCSC", "BC", 2026).await.unwrap(), 1);
            assert_eq!(next_number(&mut tx, "ĐUCSC", "BC", 2026).await.unwrap(), 2);
            assert_eq!(next_number(&mut tx, "ĐUCSC", "CV", 2026).await.unwrap(), 1);
            assert_eq!(next_number(&mut tx, "ĐUCSC", "BC", 2027).await.unwrap(), 1);
            assert_eq!(next_number(&mut tx, "SOTTTT", "BC", 2026).await.unwrap(), 1);
            tx.rollback().await.unwrap();
            // Nothing was committed: the next issue takes 1 again.
            let mut tx = db.begin().await.unwrap();
            assert_eq!(next_number(&mut tx, "ĐUCSC", "BC", 2026).await.unwrap(), 1);
            tx.rollback().await.unwrap();
            t.cleanup().await;
        }
    }

    /// Many writers at once, each in its own transaction as the issuing use case runs it:
    /// every number from 1 to N exactly once. On PostgreSQL they really run in parallel on
    /// separate connections, as several server instances would.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn parallel_issuers_get_every_number_once() {
        for t in TestDb::both().await {
            let n = 40;
            let mut tasks = Vec::new();
            for i in 0..n {
                let db = t.db.clone();
                tasks.push(tokio::spawn(async move {
                    let mut tx = db.begin().await.unwrap();
                    let number = next_number(&mut tx, "ĐUCSC", "BC", 2026).await.unwrap();
                    crate::audit::append(
                        &mut tx,
                        crate::audit::NewAudit {
                            actor_user_id: None,
                            actor: format!("writer-{i}"),
                            action: "document.issue".into(),
                            object_type: "document".into(),
                            object_id: number.to_string(),
                            before: None,
                            after: None,
                        },
                    )
                    .await
                    .unwrap();
                    // Every fifth writer fails after taking its number: it must not leave a gap.
                    if i % 5 == 4 {
                        tx.rollback().await.unwrap();
                        None
                    } else {
                        tx.commit().await.unwrap();
                        Some(number)
                    }
                }));
            }
            let mut got: Vec<i64> = Vec::new();
            for task in tasks {
                got.extend(task.await.unwrap());
            }
            got.sort();
            let want: Vec<i64> = (1..=got.len() as i64).collect();
            assert_eq!(got, want, "{}", t.name);
            t.cleanup().await;
        }
    }
}
