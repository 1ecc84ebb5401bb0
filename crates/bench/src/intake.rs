//! Intake throughput: `POST /api/v1/reports` on the real server with N concurrent clients,
//! next to the ceiling — the same rows written straight through the driver, one durable
//! transaction per report, with the server's durability settings — in the same run.

use crate::{Stats, stats};
use anyhow::{Context, ensure};
use chrono::{DateTime, Duration as Days, Utc};
use serde_json::json;
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use ungcuu_domain::audit::AuditRow;

const ORGS: &[&str] = &[
    "Sở Tài chính tỉnh Bắc Ninh",
    "UBND phường Kinh Bắc",
    "Bệnh viện Đa khoa tỉnh Bắc Ninh",
    "Sở Giáo dục và Đào tạo",
    "UBND xã Phù Chẩn",
    "Kho bạc Nhà nước Bắc Ninh",
    "Sở Y tế tỉnh Bắc Ninh",
    "Trung tâm Phục vụ hành chính công",
];
const SYSTEMS: &[&str] = &[
    "Cổng thông tin điện tử",
    "Hệ thống quản lý văn bản và điều hành",
    "Hệ thống thư điện tử công vụ",
    "Cơ sở dữ liệu hộ tịch",
    "Hệ thống một cửa điện tử",
    "Phần mềm kế toán hành chính sự nghiệp",
];
const WHAT: &[&str] = &[
    "Phát hiện mã độc mã hóa dữ liệu, kẻ tấn công để lại thư đòi tiền chuộc bằng tiền mã hóa",
    "Trang chủ bị thay đổi giao diện, chèn nội dung quảng cáo cờ bạc trực tuyến",
    "Nhiều tài khoản thư điện tử gửi thư lừa đảo giả mạo lãnh đạo đơn vị",
    "Lưu lượng bất thường từ máy chủ cơ sở dữ liệu tới địa chỉ IP nước ngoài",
    "Tấn công từ chối dịch vụ làm gián đoạn dịch vụ công trực tuyến mức độ 4",
    "Phát hiện tài khoản quản trị lạ được tạo trên máy chủ ứng dụng",
];

/// A distinct, realistic initial report (Phụ lục I) of about 1 KB, as API.md defines it.
pub fn report(i: u64, now: DateTime<Utc>) -> serde_json::Value {
    let n = i as usize;
    let org = ORGS[n % ORGS.len()];
    let sys = SYSTEMS[(n / 7) % SYSTEMS.len()];
    let what = WHAT[(n / 3) % WHAT.len()];
    let detected = now - Days::minutes(30 + (i % 600) as i64);
    json!({
        "reporter": {
            "org_name": org,
            "address": format!("Số {} Lý Thái Tổ, Suối Hoa, Bắc Ninh", 1 + i % 300),
            "phone": format!("0222 38{:05}", i % 100_000),
            "email": format!("vanthu{}@bacninh.gov.vn", i % 1000),
        },
        "contact": {
            "name": format!("Nguyễn Thị Hương {i}"),
            "title": "Chuyên viên",
            "phone": format!("09{:08}", i % 100_000_000),
            "email": format!("huong.nt{i}@bacninh.gov.vn"),
        },
        "system": {
            "operator_name": "Trung tâm Chuyển đổi số",
            "owner_name": org,
            "name": sys,
            "domains": [format!("dichvucong{}.bacninh.gov.vn", i % 5000)],
            "ips": [format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)],
            "security_level": 1 + i % 5,
            "connectivity_provider": "Viettel Bắc Ninh",
            "os": "Ubuntu Server",
            "services": ["web", "database"],
            "measures": ["antivirus", "firewall"],
        },
        "description": format!(
            "{what}. Sự việc số {i}: phát hiện lúc {} khi kiểm tra nhật ký; đã cô lập máy chủ.",
            detected.format("%H:%M %d/%m/%Y")
        ),
        "detected_at": detected.to_rfc3339(),
        "handled": i.is_multiple_of(4),
        "detection_methods": ["ids", "log_review"],
        "already_notified": ["isp"],
        "attachments_note": "Nhật ký tường lửa",
        "confidential": i.is_multiple_of(10),
        "support_requested": "Đề nghị hỗ trợ phân tích mã độc",
        "reported_at": (detected + Days::minutes(20)).to_rfc3339(),
    })
}

/// Throughput and latency of one load level.
pub struct Level {
    pub clients: usize,
    pub requests: u64,
    pub errors: u64,
    pub per_second: f64,
    pub latency: Stats,
}

impl Level {
    pub fn json(&self) -> serde_json::Value {
        json!({
            "clients": self.clients, "requests": self.requests, "errors": self.errors,
            "per_second": self.per_second, "p50_ms": self.latency.p50,
            "p95_ms": self.latency.p95, "p99_ms": self.latency.p99,
        })
    }
}

/// Runs `work` from `clients` concurrent loops for `warmup` (not counted), then `measure`.
/// Each call gets its client index and a sequence number unique across the run.
pub async fn drive<W, Fut>(
    clients: usize,
    warmup: Duration,
    measure: Duration,
    seq: Arc<AtomicU64>,
    work: W,
) -> anyhow::Result<Level>
where
    W: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let work = Arc::new(work);
    let counting = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (work, counting, stop, seq) =
            (work.clone(), counting.clone(), stop.clone(), seq.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut first_error = None;
            while !stop.load(Ordering::Relaxed) {
                let i = seq.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let r = work(c, i).await;
                let el = t.elapsed();
                if counting.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed) {
                    match r {
                        Ok(()) => lat.push(el),
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert(e);
                        }
                    }
                } else if let Err(e) = r {
                    first_error.get_or_insert(e);
                    errors += 1;
                }
            }
            (lat, errors, first_error)
        }));
    }
    tokio::time::sleep(warmup).await;
    counting.store(true, Ordering::Relaxed);
    let t = Instant::now();
    tokio::time::sleep(measure).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = t.elapsed();
    let mut all = Vec::new();
    let mut errors = 0;
    let mut first = None;
    for task in tasks {
        let (lat, e, f) = task.await?;
        all.extend(lat);
        errors += e;
        if first.is_none() {
            first = f;
        }
    }
    if let Some(e) = first {
        eprintln!("  {errors} errors; first: {e:#}");
    }
    ensure!(!all.is_empty(), "no request succeeded");
    Ok(Level {
        clients,
        requests: all.len() as u64,
        errors,
        per_second: all.len() as f64 / elapsed.as_secs_f64(),
        latency: stats(all),
    })
}

/// Files reports through the API with `clients` concurrent clients, each with its own
/// connection and its own organisation's token.
pub async fn http_level(
    base: &str,
    tokens: &[String],
    clients: usize,
    warmup: Duration,
    measure: Duration,
    seq: Arc<AtomicU64>,
) -> anyhow::Result<Level> {
    let mut https = Vec::new();
    for _ in 0..clients {
        https.push(
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(30))
                .build()?,
        );
    }
    let url = format!("{base}/api/v1/reports");
    let tokens = tokens.to_vec();
    drive(clients, warmup, measure, seq, move |c, i| {
        let http = https[c].clone();
        let auth = format!("Bearer {}", tokens[c % tokens.len()]);
        let body = serde_json::to_vec(&report(i, Utc::now()));
        let url = url.clone();
        async move {
            let res = http
                .post(&url)
                .header("authorization", auth)
                .header("content-type", "application/json")
                .body(body?)
                .send()
                .await?;
            let status = res.status();
            let text = res.bytes().await?;
            ensure!(
                status == reqwest::StatusCode::CREATED,
                "{status}: {}",
                String::from_utf8_lossy(&text)
            );
            Ok(())
        }
    })
    .await
}

/// The ceiling's connection: a pool like the server's (one writer on SQLite, `clients`
/// connections on PostgreSQL) with the same durability settings, set here explicitly.
#[derive(Clone)]
pub enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    pub async fn open(url: &str, clients: usize) -> anyhow::Result<Raw> {
        if url.starts_with("postgres") {
            // Default fsync=on and synchronous_commit=on: each COMMIT waits for its WAL flush.
            let opts = PgConnectOptions::from_str(url)?.disable_statement_logging();
            let pool = PgPoolOptions::new()
                .max_connections(clients as u32)
                .connect_with(opts)
                .await?;
            let sc: String = sqlx::query_scalar("SHOW synchronous_commit")
                .fetch_one(&pool)
                .await?;
            let fsync: String = sqlx::query_scalar("SHOW fsync").fetch_one(&pool).await?;
            ensure!(
                sc == "on" && fsync == "on",
                "PostgreSQL runs with synchronous_commit={sc}, fsync={fsync}: not durable"
            );
            Ok(Raw::Postgres(pool))
        } else {
            let path = url.trim_start_matches("sqlite://");
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                .disable_statement_logging();
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(opts)
                .await?;
            Ok(Raw::Sqlite(pool))
        }
    }

    pub async fn close(&self) {
        match self {
            Raw::Sqlite(p) => p.close().await,
            Raw::Postgres(p) => p.close().await,
        }
    }

    /// Brings the database to rest before a level, so that upkeep left from earlier work
    /// (SQLite's WAL checkpoint; PostgreSQL's autovacuum of the rows just written, and its
    /// checkpoint, after which every page's first change writes the whole page to the WAL)
    /// does not run during the level, and every level starts at the same point of the
    /// checkpoint cycle, whoever it measures.
    pub async fn settle(&self) -> anyhow::Result<()> {
        match self {
            Raw::Sqlite(p) => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await?;
            }
            Raw::Postgres(p) => {
                sqlx::query("VACUUM ANALYZE").execute(p).await?;
                // Cluster-wide; needs a superuser or pg_checkpoint, else the level just starts
                // wherever the cycle is.
                if let Err(e) = sqlx::query("CHECKPOINT").execute(p).await {
                    eprintln!("CHECKPOINT before the level failed ({e}); measuring anyway");
                }
            }
        }
        Ok(())
    }
}

/// [`Raw::settle`] on the database at `url`.
pub async fn settle(url: &str) -> anyhow::Result<()> {
    let raw = Raw::open(url, 1).await?;
    let r = raw.settle().await;
    raw.close().await;
    r
}

/// What one report writes besides the form: the columns lists and search need.
struct Row {
    code: String,
    body: String,
    org: String,
    system: String,
    description: String,
    level: i64,
    handled: bool,
    confidential: bool,
    detected: DateTime<Utc>,
    reported: DateTime<Utc>,
    search: String,
}

fn row(i: u64, now: DateTime<Utc>) -> Row {
    let v = report(i, now);
    let s = |p: &str| {
        v.pointer(p)
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string()
    };
    let t = |p: &str| {
        DateTime::parse_from_rfc3339(&s(p))
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(now)
    };
    let code = format!("SC-2026-R{i:07}");
    let (org, system, description) = (
        s("/reporter/org_name"),
        s("/system/name"),
        s("/description"),
    );
    let search = ungcuu_domain::text::fold(&format!("{code} {org} {system} {description}"));
    Row {
        body: v.to_string(),
        level: v["system"]["security_level"].as_i64().unwrap_or(3),
        handled: v["handled"].as_bool().unwrap_or(false),
        confidential: v["confidential"].as_bool().unwrap_or(false),
        detected: t("/detected_at"),
        reported: t("/reported_at"),
        code,
        org,
        system,
        description,
        search,
    }
}

const INSERT: &str = "INSERT INTO reports (tracking_code, org_id, channel, verified, confidential, reporter_org_name, \
     system_name, description, security_level, handled, detected_at, reported_at, received_at, form_json, status, \
     serious, search) VALUES ($1,$2,'api',false,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'received',$13,$14) RETURNING id";
const INSERT_NOTICE: &str = "INSERT INTO notifications (user_id, kind, report_id, params, created_at) \
     VALUES ($1, 'report.new', $2, $3, $4) RETURNING id";
const INSERT_MAIL: &str = "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) \
     VALUES ('mail', $1, $2, $2) RETURNING id";

/// The notice and the two mails (to the desk, and the acknowledgement to the reporter) the
/// server writes with every report, about as long.
fn notices(r: &Row) -> (String, [String; 2]) {
    let params = json!({"tracking_code": r.code, "org": r.org, "serious": r.level >= 4,
        "confidential": r.confidential})
    .to_string();
    let mail = |to: &str, subject: &str| {
        json!({"to": to, "subject": format!("{subject}: {}", r.code),
            "body": format!("Mã theo dõi / tracking code: {}\nĐơn vị / organisation: {}\nHệ thống / system: {}\n\
                Xem tại / open: http://127.0.0.1:8080/intake/{}", r.code, r.org, r.system, r.code)})
        .to_string()
    };
    (
        params,
        [
            mail(
                "thuongtruc@bench.ungcuu.vn",
                "Báo cáo sự cố mới / New incident report",
            ),
            mail(
                "huong.nt@bacninh.gov.vn",
                "Đã nhận báo cáo / Report received",
            ),
        ],
    )
}

const INSERT_AUDIT: &str = "INSERT INTO audit_log (seq, at, actor_user_id, actor, action, object_type, object_id, \
     before_json, after_json, prev_hash, hash) VALUES ($1,$2,NULL,$3,'report.file','report',$4,NULL,$5,$6,$7)";

fn audit_row(last: (i64, String), id: i64, code: &str, confidential: bool) -> AuditRow {
    let mut a = AuditRow {
        seq: last.0 + 1,
        at: Utc::now(),
        actor_user_id: None,
        actor: "token:bench".into(),
        action: "report.file".into(),
        object_type: "report".into(),
        object_id: id.to_string(),
        before: None,
        after: Some(
            json!({"tracking_code": code, "channel": "api", "confidential": confidential})
                .to_string(),
        ),
        prev_hash: last.1,
        hash: String::new(),
    };
    a.hash = a.compute_hash();
    a
}

/// Binds the report's columns in the order of [`INSERT`]; one text for both backends.
macro_rules! bind_report {
    ($q:expr, $r:expr, $org:expr, $now:expr) => {
        $q.bind(&$r.code)
            .bind($org)
            .bind($r.confidential)
            .bind(&$r.org)
            .bind(&$r.system)
            .bind(&$r.description)
            .bind($r.level)
            .bind($r.handled)
            .bind($r.detected)
            .bind($r.reported)
            .bind($now)
            .bind(&$r.body)
            .bind($r.level >= 4)
            .bind(&$r.search)
    };
}

macro_rules! bind_audit {
    ($q:expr, $a:expr) => {
        $q.bind($a.seq)
            .bind($a.at)
            .bind(&$a.actor)
            .bind(&$a.object_id)
            .bind(&$a.after)
            .bind(&$a.prev_hash)
            .bind(&$a.hash)
    };
}

/// One report, one transaction, committed durably, with the rows the server writes: the
/// report, the desk's notice (`desk` is its user), two mails in the outbox, the audit row
/// chained to the head (locked on PostgreSQL, as the server does), the head moved on.
pub async fn raw_file(raw: &Raw, i: u64, org: i64, desk: i64) -> anyhow::Result<()> {
    let now = Utc::now();
    let r = row(i, now);
    match raw {
        Raw::Sqlite(p) => {
            let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
            let id: i64 = bind_report!(sqlx::query_scalar(INSERT), r, org, now)
                .fetch_one(&mut *tx)
                .await?;
            // The notice and the mails first, the audit row last: on PostgreSQL the chain's
            // head stays locked from its read to the commit, so the best order locks it last.
            let (params, mails) = notices(&r);
            sqlx::query_scalar::<_, i64>(INSERT_NOTICE)
                .bind(desk)
                .bind(id)
                .bind(&params)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            for m in &mails {
                sqlx::query_scalar::<_, i64>(INSERT_MAIL)
                    .bind(m)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
            }
            let last: (i64, String) =
                sqlx::query_as("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await?;
            let a = audit_row(last, id, &r.code, r.confidential);
            bind_audit!(sqlx::query(INSERT_AUDIT), a)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
                .bind(a.seq)
                .bind(&a.hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Raw::Postgres(p) => {
            let mut tx = p.begin().await?;
            let id: i64 = bind_report!(sqlx::query_scalar(INSERT), r, org, now)
                .fetch_one(&mut *tx)
                .await?;
            // The notice and the mails first, the audit row last: on PostgreSQL the chain's
            // head stays locked from its read to the commit, so the best order locks it last.
            let (params, mails) = notices(&r);
            sqlx::query_scalar::<_, i64>(INSERT_NOTICE)
                .bind(desk)
                .bind(id)
                .bind(&params)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            for m in &mails {
                sqlx::query_scalar::<_, i64>(INSERT_MAIL)
                    .bind(m)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
            }
            let last: (i64, String) = sqlx::query_as(
                "SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE",
            )
            .fetch_one(&mut *tx)
            .await?;
            let a = audit_row(last, id, &r.code, r.confidential);
            bind_audit!(sqlx::query(INSERT_AUDIT), a)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
                .bind(a.seq)
                .bind(&a.hash)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }
    Ok(())
}

/// The ceiling at `clients`: as many concurrent writers, each one durable transaction per
/// report.
pub async fn raw_level(
    url: &str,
    org: i64,
    desk: i64,
    clients: usize,
    warmup: Duration,
    measure: Duration,
    seq: Arc<AtomicU64>,
) -> anyhow::Result<Level> {
    let raw = Raw::open(url, clients).await.context("ceiling pool")?;
    let r = {
        let raw = raw.clone();
        drive(clients, warmup, measure, seq, move |_, i| {
            let raw = raw.clone();
            async move { raw_file(&raw, i, org, desk).await }
        })
        .await
    };
    raw.close().await;
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_report_is_about_a_kilobyte_and_valid_for_the_api() {
        let now = chrono::Utc::now();
        for i in [0u64, 1, 77, 123_456] {
            let v = super::report(i, now);
            let len = v.to_string().len();
            assert!((900..1300).contains(&len), "{len} bytes");
            let input: ungcuu_app::intake::reports::ReportInput =
                serde_json::from_value(v).unwrap();
            input.parse(now).unwrap();
        }
        assert_ne!(super::report(1, now), super::report(2, now));
    }
}
