//! Logical backup and restore, portable between SQLite and PostgreSQL.
//!
//! A backup is JSON lines: a header, one line per row (tables in dependency order, rows in
//! key order), and a trailer with the row count, so a cut-off file is refused. All tables
//! are read in one snapshot (a read transaction under WAL on SQLite, REPEATABLE READ on
//! PostgreSQL), so a backup taken while the server runs is consistent.

use crate::db::{Backend, Db, Tx, on_tx};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::TryStreamExt;
use serde_json::{Value, json};
use sqlx::Row;
use std::io::{BufRead, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Int,
    Text,
    Bool,
    Time,
    /// A calendar date, `YYYY-MM-DD` in the file.
    Date,
}

pub struct Table {
    pub name: &'static str,
    pub key: &'static str,
    /// Has an identity column whose sequence must be moved past restored ids (PostgreSQL).
    pub identity: bool,
    pub cols: &'static [(&'static str, Col)],
}

use Col::*;

/// Every table and column of the schema, in an order where referenced rows come first.
/// A test compares this with the live schema on both backends, so a migration that adds a
/// column cannot be forgotten here.
pub const TABLES: &[Table] = &[
    Table {
        name: "roles",
        key: "code",
        identity: false,
        cols: &[("code", Text), ("name_vi", Text), ("name_en", Text)],
    },
    Table {
        name: "orgs",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("parent_id", Int),
            ("path", Text),
            ("name", Text),
            ("name_fold", Text),
            ("kind", Text),
            ("address", Text),
            ("phone", Text),
            ("email", Text),
            ("website", Text),
            ("archived_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    },
    Table {
        name: "users",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("org_id", Int),
            ("email", Text),
            ("name", Text),
            ("role", Text),
            ("password_hash", Text),
            ("totp_secret", Text),
            ("totp_pending_secret", Text),
            ("totp_last_step", Int),
            ("failed_logins", Int),
            ("locked_until", Time),
            ("disabled_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    },
    Table {
        name: "recovery_codes",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("user_id", Int),
            ("code_hash", Text),
            ("used_at", Time),
        ],
    },
    Table {
        name: "sessions",
        key: "id_hash",
        identity: false,
        cols: &[
            ("id_hash", Text),
            ("user_id", Int),
            ("csrf_token", Text),
            ("mfa_pending", Bool),
            ("created_at", Time),
            ("last_seen_at", Time),
            ("expires_at", Time),
            ("ip", Text),
            ("user_agent", Text),
        ],
    },
    Table {
        name: "api_tokens",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("org_id", Int),
            ("name", Text),
            ("prefix", Text),
            ("token_hash", Text),
            ("created_by", Int),
            ("created_at", Time),
            ("last_used_at", Time),
            ("revoked_at", Time),
        ],
    },
    Table {
        name: "audit_log",
        key: "seq",
        identity: false,
        cols: &[
            ("seq", Int),
            ("at", Time),
            ("actor_user_id", Int),
            ("actor", Text),
            ("action", Text),
            ("object_type", Text),
            ("object_id", Text),
            ("before_json", Text),
            ("after_json", Text),
            ("prev_hash", Text),
            ("hash", Text),
        ],
    },
    Table {
        name: "audit_head",
        key: "id",
        identity: false,
        cols: &[("id", Int), ("last_seq", Int), ("last_hash", Text)],
    },
    Table {
        name: "org_contacts",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("org_id", Int),
            ("kind", Text),
            ("name", Text),
            ("title", Text),
            ("phone", Text),
            ("email", Text),
            ("since", Date),
            ("until", Date),
            ("created_at", Time),
        ],
    },
    Table {
        name: "systems",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("owner_org_id", Int),
            ("operator_name", Text),
            ("name", Text),
            ("domains", Text),
            ("public_ip_ranges", Text),
            ("ips", Text),
            ("security_level", Int),
            ("level_state", Text),
            ("level_doc_number", Text),
            ("level_doc_date", Date),
            ("critical", Bool),
            ("security_provider", Text),
            ("connectivity_provider", Text),
            ("os", Text),
            ("os_version", Text),
            ("services", Text),
            ("measures", Text),
            ("purpose", Text),
            ("status", Text),
            ("search", Text),
            ("created_at", Time),
            ("updated_at", Time),
        ],
    },
    Table {
        name: "incidents",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("code", Text),
            ("title", Text),
            ("org_id", Int),
            ("confidential", Bool),
            ("serious", Bool),
            ("state", Text),
            ("opened_at", Time),
            ("opened_by", Text),
            ("updated_at", Time),
        ],
    },
    Table {
        name: "incident_scope",
        key: "org_id, incident_id",
        identity: false,
        cols: &[
            ("org_id", Int),
            ("incident_id", Int),
            ("opened_at", Time),
            ("confidential", Bool),
        ],
    },
    Table {
        name: "reports",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("tracking_code", Text),
            ("org_id", Int),
            ("channel", Text),
            ("verified", Bool),
            ("confidential", Bool),
            ("reporter_org_name", Text),
            ("system_name", Text),
            ("description", Text),
            ("security_level", Int),
            ("handled", Bool),
            ("detected_at", Time),
            ("reported_at", Time),
            ("received_at", Time),
            ("form_json", Text),
            ("status", Text),
            ("status_reason", Text),
            ("incident_id", Int),
            ("serious", Bool),
            ("search", Text),
        ],
    },
    Table {
        name: "report_verifications",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("report_id", Int),
            ("method", Text),
            ("note", Text),
            ("verified_by", Text),
            ("verifier", Text),
            ("verified_at", Time),
        ],
    },
    Table {
        name: "notifications",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("user_id", Int),
            ("kind", Text),
            ("report_id", Int),
            ("params", Text),
            ("created_at", Time),
            ("read_at", Time),
        ],
    },
    Table {
        name: "outbox",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("kind", Text),
            ("payload", Text),
            ("created_at", Time),
            ("attempts", Int),
            ("next_attempt_at", Time),
            ("delivered_at", Time),
            ("last_error", Text),
            ("claimed_until", Time),
            ("gave_up_at", Time),
        ],
    },
    Table {
        name: "rosters",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("decision_number", Text),
            ("decision_date", Date),
            ("signer_name", Text),
            ("signer_title", Text),
            ("effective_from", Date),
            ("note", Text),
            ("created_at", Time),
            ("created_by", Int),
        ],
    },
    Table {
        name: "roster_members",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("roster_id", Int),
            ("position", Int),
            ("name", Text),
            ("role", Text),
            ("agency", Text),
            ("org_id", Int),
            ("title", Text),
            ("phone", Text),
            ("email", Text),
            ("user_id", Int),
        ],
    },
    Table {
        name: "delegations",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("lead_user_id", Int),
            ("delegate_user_id", Int),
            ("starts_at", Time),
            ("ends_at", Time),
            ("scope", Text),
            ("reason", Text),
            ("revoked_at", Time),
            ("revoked_reason", Text),
            ("created_at", Time),
            ("created_by", Int),
        ],
    },
    Table {
        name: "attachments",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("report_id", Int),
            ("file_name", Text),
            ("content_type", Text),
            ("size_bytes", Int),
            ("sha256", Text),
            ("storage_key", Text),
            ("kind", Text),
            ("uploaded_by", Text),
            ("created_at", Time),
        ],
    },
    Table {
        name: "inbound_mail",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("message_key", Text),
            ("message_id", Text),
            ("from_address", Text),
            ("from_name", Text),
            ("subject", Text),
            ("sent_at", Time),
            ("received_at", Time),
            ("size_bytes", Int),
            ("raw_sha256", Text),
            ("raw_base64", Text),
            ("body_text", Text),
            ("tbsc", Bool),
            ("extracted_json", Text),
            ("attachments_json", Text),
            ("truncated", Bool),
            ("malformed", Bool),
            ("problems_json", Text),
            ("status", Text),
            ("sender_org_id", Int),
            ("report_id", Int),
            ("reviewed_by", Text),
            ("reviewed_at", Time),
            ("review_note", Text),
        ],
    },
    Table {
        name: "final_reports",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("report_id", Int),
            ("form_json", Text),
            ("filed_by", Text),
            ("filed_at", Time),
            ("updated_at", Time),
        ],
    },
    Table {
        name: "document_counters",
        key: "issuing_body, type_code, year",
        identity: false,
        cols: &[
            ("issuing_body", Text),
            ("type_code", Text),
            ("year", Int),
            ("last_number", Int),
        ],
    },
    Table {
        name: "documents",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("kind", Text),
            ("issuing_body", Text),
            ("type_code", Text),
            ("title", Text),
            ("state", Text),
            ("report_id", Int),
            ("corrects_document_id", Int),
            ("upper_coordination", Bool),
            ("recipients_json", Text),
            ("content_json", Text),
            ("year", Int),
            ("number", Int),
            ("pdf_base64", Text),
            ("pdf_sha256", Text),
            ("issued_by_user_id", Int),
            ("signer_name", Text),
            ("signer_prefix", Text),
            ("issued_at", Time),
            ("created_by", Text),
            ("created_at", Time),
        ],
    },
    Table {
        name: "document_signed_copies",
        key: "id",
        identity: true,
        cols: &[
            ("id", Int),
            ("document_id", Int),
            ("file_name", Text),
            ("content_type", Text),
            ("size_bytes", Int),
            ("sha256", Text),
            ("content_base64", Text),
            ("uploaded_by", Text),
            ("uploaded_at", Time),
        ],
    },
];

const FORMAT: &str = "ungcuu-backup";
const VERSION: i64 = 1;

fn time_json(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(t.to_rfc3339_opts(SecondsFormat::Micros, true)))
        .unwrap_or(Value::Null)
}

macro_rules! row_json {
    ($row:expr, $cols:expr) => {{
        let mut vals = Vec::with_capacity($cols.len());
        for (i, (_, col)) in $cols.iter().enumerate() {
            vals.push(match col {
                Col::Int => $row
                    .try_get::<Option<i64>, _>(i)?
                    .map(Value::from)
                    .unwrap_or(Value::Null),
                Col::Text => $row
                    .try_get::<Option<String>, _>(i)?
                    .map(Value::from)
                    .unwrap_or(Value::Null),
                Col::Bool => $row
                    .try_get::<Option<bool>, _>(i)?
                    .map(Value::from)
                    .unwrap_or(Value::Null),
                Col::Time => time_json($row.try_get::<Option<DateTime<Utc>>, _>(i)?),
                Col::Date => $row
                    .try_get::<Option<chrono::NaiveDate>, _>(i)?
                    .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                    .unwrap_or(Value::Null),
            });
        }
        Value::Array(vals)
    }};
}

/// Writes a consistent copy of every table to `out`; returns the number of rows.
pub async fn backup(db: &Db, out: &mut impl Write) -> StoreResult<u64> {
    let header = json!({
        "format": FORMAT, "version": VERSION, "backend": format!("{:?}", db.backend()).to_lowercase(),
        "created_at": time_json(Some(Utc::now())),
        "tables": TABLES.iter().map(|t| t.name).collect::<Vec<_>>(),
    });
    writeln!(out, "{header}")?;
    let mut n: u64 = 0;
    macro_rules! dump {
        ($conn:expr) => {
            for t in TABLES {
                let cols: Vec<&str> = t.cols.iter().map(|(c, _)| *c).collect();
                let sql = format!("SELECT {} FROM {} ORDER BY {}", cols.join(", "), t.name, t.key);
                let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *$conn);
                while let Some(row) = rows.try_next().await? {
                    let line = json!({"t": t.name, "r": row_json!(row, t.cols)});
                    writeln!(out, "{line}")?;
                    n += 1;
                }
            }
        };
    }
    match db {
        Db::Sqlite { read, .. } => {
            let mut tx = read.begin().await?;
            dump!(&mut *tx);
            tx.rollback().await?;
        }
        Db::Postgres { pool: p, .. } => {
            let mut tx = p
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?;
            dump!(&mut *tx);
            tx.rollback().await?;
        }
    }
    writeln!(out, "{}", json!({"end": true, "rows": n}))?;
    out.flush()?;
    Ok(n)
}

/// True when the database holds nothing a person made (a fresh, migrated database).
pub async fn is_empty(db: &Db) -> StoreResult<bool> {
    let n: i64 = crate::db::on_db!(db, c => sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit_log)")
        .fetch_one(c).await?);
    Ok(n == 0)
}

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::BadBackup(msg.into())
}

/// Loads a backup into an empty, migrated database, in one transaction; returns the number
/// of rows. The caller appends its own audit row for the restore before committing.
pub async fn restore(db: &Db, input: impl BufRead) -> StoreResult<(Tx, u64)> {
    if !is_empty(db).await? {
        return Err(StoreError::NotEmpty);
    }
    let mut lines = input.lines();
    let header: Value = serde_json::from_str(&lines.next().ok_or_else(|| bad("empty file"))??)
        .map_err(|e| bad(format!("header: {e}")))?;
    if header["format"] != FORMAT || header["version"] != VERSION {
        return Err(bad("not an ungcuu backup of a known version"));
    }
    let mut tx = db.begin().await?;
    // Rows the migrations seeded are replaced by the backup's.
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM audit_head").execute(&mut *c).await?;
        sqlx::query("DELETE FROM roles").execute(&mut *c).await?;
    });
    let mut n: u64 = 0;
    let mut ended = false;
    for (i, line) in lines.enumerate() {
        let line = line?;
        let lineno = i + 2;
        let v: Value =
            serde_json::from_str(&line).map_err(|e| bad(format!("line {lineno}: {e}")))?;
        if v["end"] == true {
            if v["rows"].as_u64() != Some(n) {
                return Err(bad(format!(
                    "trailer says {} rows, file has {n}",
                    v["rows"]
                )));
            }
            ended = true;
            break;
        }
        let name = v["t"]
            .as_str()
            .ok_or_else(|| bad(format!("line {lineno}: no table")))?;
        let table = TABLES
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| bad(format!("line {lineno}: unknown table {name}")))?;
        let vals = v["r"]
            .as_array()
            .filter(|a| a.len() == table.cols.len())
            .ok_or_else(|| bad(format!("line {lineno}: wrong number of columns for {name}")))?;
        insert_row(&mut tx, table, vals)
            .await
            .map_err(|e| match e {
                StoreError::BadBackup(m) => bad(format!("line {lineno}: {m}")),
                e => e,
            })?;
        n += 1;
    }
    if !ended {
        return Err(bad("the file ends before its trailer: it is incomplete"));
    }
    if tx.backend() == Backend::Postgres {
        for t in TABLES.iter().filter(|t| t.identity) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {0}",
                t.name
            );
            on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await?.rows_affected());
        }
    }
    Ok((tx, n))
}

async fn insert_row(tx: &mut Tx, table: &Table, vals: &[Value]) -> StoreResult<()> {
    let cols: Vec<&str> = table.cols.iter().map(|(c, _)| *c).collect();
    let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name,
        cols.join(", "),
        params.join(", ")
    );
    let mut typed = Vec::with_capacity(vals.len());
    for ((col, ty), v) in table.cols.iter().zip(vals) {
        typed.push(
            Typed::from_json(*ty, v)
                .ok_or_else(|| bad(format!("{}.{col}: wrong type", table.name)))?,
        );
    }
    on_tx!(tx, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in typed {
            q = match v {
                Typed::Int(x) => q.bind(x),
                Typed::Text(x) => q.bind(x),
                Typed::Bool(x) => q.bind(x),
                Typed::Time(x) => q.bind(x),
                Typed::Date(x) => q.bind(x),
            };
        }
        q.execute(c).await?;
    });
    Ok(())
}

enum Typed {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<chrono::NaiveDate>),
}

impl Typed {
    fn from_json(ty: Col, v: &Value) -> Option<Typed> {
        if v.is_null() {
            return Some(match ty {
                Int => Typed::Int(None),
                Text => Typed::Text(None),
                Bool => Typed::Bool(None),
                Time => Typed::Time(None),
                Date => Typed::Date(None),
            });
        }
        Some(match ty {
            Int => Typed::Int(Some(v.as_i64()?)),
            Text => Typed::Text(Some(v.as_str()?.to_string())),
            Bool => Typed::Bool(Some(v.as_bool()?)),
            Time => Typed::Time(Some(
                DateTime::parse_from_rfc3339(v.as_str()?)
                    .ok()?
                    .with_timezone(&Utc),
            )),
            Date => Typed::Date(Some(
                chrono::NaiveDate::parse_from_str(v.as_str()?, "%Y-%m-%d").ok()?,
            )),
        })
    }
}

/// The live schema's tables and columns (sorted), for checking [`TABLES`] against it.
pub async fn live_schema(db: &Db) -> StoreResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = match db {
        Db::Sqlite { read, .. } => {
            sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%' AND m.name NOT LIKE '%_fts%'",
            )
            .fetch_all(read)
            .await?
        }
        Db::Postgres { pool: p, .. } => {
            sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%'",
            )
            .fetch_all(p)
            .await?
        }
    };
    out.sort();
    Ok(out)
}
