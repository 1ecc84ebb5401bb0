//! `ungcuu-bench`: measures ungcuu's read paths at scale on SQLite and PostgreSQL, each next
//! to the fastest the database itself answers the same question (the ceiling), in the same
//! run. Writes a JSON result file and prints a table.
//!
//! `cargo run --release -p ungcuu-bench -- --out bench.json [--quick]` (the `server`
//! subcommand, the default): the real server end to end, see [`suite`].
//! `cargo run --release -p ungcuu-bench -- registry --systems 100000 --out bench-registry.json`

mod docs;
mod intake;
mod load;
mod server;
mod suite;

use anyhow::Context;
use axum::body::Body;
use axum::http::Request;
use clap::{Parser, Subcommand};
use std::time::{Duration, Instant};
use tower::ServiceExt;
use ungcuu_app::registry::systems::{SystemInput, SystemQuery};
use ungcuu_app::{Actor, App, AppConfig};
use ungcuu_store::Db;
use ungcuu_store::testing::TestDb;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// The real server on loopback: intake next to the raw-driver ceiling, incident lists and
    /// search at scale, memory, disk and cold start (the default).
    Server(suite::Args),
    /// Rendering official documents (Phụ lục I) to PDF and DOCX, alone and many at once.
    Docs(docs::Args),
    /// Registry lists and search at scale.
    Registry {
        #[arg(long, default_value_t = 100_000)]
        systems: usize,
        /// Timed repetitions of each query.
        #[arg(long, default_value_t = 200)]
        reps: usize,
        #[arg(long, default_value = "bench-registry.json")]
        out: std::path::PathBuf,
        /// Only this backend (sqlite or postgres); both by default.
        #[arg(long)]
        backend: Option<String>,
    },
}

struct Stats {
    p50: f64,
    p95: f64,
    p99: f64,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    Stats {
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
    }
}

async fn time<F, Fut>(reps: usize, mut f: F) -> anyhow::Result<Stats>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    for i in 0..reps.min(10) {
        f(i).await?; // warm-up
    }
    let mut v = Vec::with_capacity(reps);
    for i in 0..reps {
        let t = Instant::now();
        f(i).await?;
        v.push(t.elapsed());
    }
    Ok(stats(v))
}

/// Kinds of unit the benchmark's organisations are named after.
const UNITS: &[&str] = &[
    "Sở Tài chính",
    "UBND phường",
    "Bệnh viện Đa khoa",
    "Trường Trung học phổ thông",
    "UBND xã",
    "Chi cục Thuế",
    "Trung tâm Y tế",
    "Ban Quản lý dự án",
];

const WORDS: &[&str] = &[
    "Cổng thông tin",
    "Hệ thống quản lý văn bản",
    "Cơ sở dữ liệu",
    "Hệ thống một cửa",
    "Thư điện tử",
    "Hệ thống giám sát",
    "Phần mềm kế toán",
    "Hệ thống hội nghị",
];

/// Loads `n` systems under 200 organisations, in batches of one transaction each (with one
/// audit row per batch, as the store requires), about 1% of them named "phòng chống mã độc".
async fn load(db: &Db, n: usize) -> anyhow::Result<()> {
    let app = App::new(db.clone(), AppConfig::default());
    let cli = Actor::cli();
    let mut owners = Vec::new();
    for i in 0..200 {
        let o = app
            .create_org(
                &cli,
                &ungcuu_app::registry::orgs::OrgInput {
                    name: format!("Đơn vị số {i}"),
                    kind: "department".into(),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        owners.push(o.id);
    }
    let batch = 5000;
    let mut done = 0;
    while done < n {
        let mut tx = db.begin().await?;
        for i in done..(done + batch).min(n) {
            let name = if i % 100 == 7 {
                format!("Hệ thống phòng chống mã độc số {i}")
            } else {
                format!("{} số {i}", WORDS[i % WORDS.len()])
            };
            let input = SystemInput {
                owner_org_id: owners[i % owners.len()].to_string(),
                operator_name: "Trung tâm Chuyển đổi số".into(),
                name,
                domains: format!("he-thong-{i}.bacninh.gov.vn"),
                ips: format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
                security_level: ((i % 5) + 1).to_string(),
                critical: (i % 97 == 0).to_string(),
                ..Default::default()
            };
            let f = input.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            ungcuu_store::registry::systems::insert(&mut tx, &f).await?;
        }
        let note = ungcuu_store::audit::NewAudit {
            actor_user_id: None,
            actor: "bench".into(),
            action: "bench.load".into(),
            object_type: "system".into(),
            object_id: done.to_string(),
            before: None,
            after: None,
        };
        ungcuu_store::audit::append(&mut tx, note).await?;
        tx.commit().await?;
        done = (done + batch).min(n);
        eprint!("\r  loaded {done}/{n}");
    }
    eprintln!();
    // What a server that has run for a while has: the planner knows the tables (and on
    // PostgreSQL the visibility map lets index-only scans skip the heap).
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

/// The ceiling: the page's rows and the count, straight from the driver in the best query
/// shape (ids from an index walk, then 50 rows joined), no app, no rendering.
async fn raw_page(db: &Db, offset: i64, like: Option<&str>) -> anyhow::Result<()> {
    let filter = if like.is_some() {
        "s.search LIKE '%' || $1 || '%' AND"
    } else {
        "($1 IS NULL) AND"
    };
    let sql = format!(
        "SELECT s.id, s.name, o.name FROM systems s JOIN orgs o ON o.id = s.owner_org_id WHERE s.id IN \
         (SELECT s.id FROM systems s WHERE {filter} s.status = 'in_service' ORDER BY s.name, s.id LIMIT 50 OFFSET $2) ORDER BY s.name, s.id"
    );
    let count = format!("SELECT COUNT(*) FROM systems s WHERE {filter} s.status = 'in_service'");
    let sql = sqlx::AssertSqlSafe(sql);
    let count = sqlx::AssertSqlSafe(count);
    match db {
        Db::Sqlite { read, .. } => {
            sqlx::query(sql)
                .bind(like)
                .bind(offset)
                .fetch_all(read)
                .await?;
            sqlx::query_scalar::<_, i64>(count)
                .bind(like)
                .fetch_one(read)
                .await?;
        }
        Db::Postgres { pool: p, .. } => {
            sqlx::query(sql)
                .bind(like)
                .bind(offset)
                .fetch_all(p)
                .await?;
            sqlx::query_scalar::<_, i64>(count)
                .bind(like)
                .fetch_one(p)
                .await?;
        }
    }
    Ok(())
}

async fn registry(
    backend: &str,
    db: &Db,
    n: usize,
    reps: usize,
) -> anyhow::Result<serde_json::Value> {
    eprintln!("{backend}: loading {n} systems");
    let t = Instant::now();
    load(db, n).await?;
    let load_s = t.elapsed().as_secs_f64();
    let app = App::new(db.clone(), AppConfig::default());
    let cli = Actor::cli();
    let mut results = serde_json::Map::new();
    let mut row = |name: &str, s: &Stats, ceiling: Option<&Stats>| {
        let ratio = ceiling.map(|c| s.p50 / c.p50.max(1e-6));
        println!(
            "{backend:<9} {name:<34} p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms{}",
            s.p50,
            s.p95,
            s.p99,
            ratio
                .map(|r| format!("  ×{r:.1} of raw"))
                .unwrap_or_default()
        );
        results.insert(name.into(), serde_json::json!({"p50_ms": s.p50, "p95_ms": s.p95, "p99_ms": s.p99, "ratio_to_raw_p50": ratio}));
    };
    let list = |q: SystemQuery| {
        let app = app.clone();
        let cli = cli.clone();
        move |_| {
            let app = app.clone();
            let cli = cli.clone();
            let q = q.clone();
            async move {
                app.list_systems(&cli, &q)
                    .await
                    .map(|_| ())
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
        }
    };
    let raw_first = time(reps, |_| raw_page(db, 0, None)).await?;
    row("raw: first page", &raw_first, None);
    let s = time(reps, list(SystemQuery::default())).await?;
    row("app: first page + count", &s, Some(&raw_first));
    let raw_deep = time(reps, |_| raw_page(db, (n as i64 / 2 / 50) * 50, None)).await?;
    row("raw: page in the middle", &raw_deep, None);
    let s = time(
        reps,
        list(SystemQuery {
            page: Some((n as i64 / 2 / 50) + 1),
            ..Default::default()
        }),
    )
    .await?;
    row("app: page in the middle + count", &s, Some(&raw_deep));
    let s = time(
        reps,
        list(SystemQuery {
            owner: Some(5),
            ..Default::default()
        }),
    )
    .await?;
    row("app: one organisation's systems", &s, None);
    let raw_search = time(reps, |_| raw_page(db, 0, Some("ma doc"))).await?;
    row("raw: LIKE 'ma doc' scan", &raw_search, None);
    let s = time(
        reps,
        list(SystemQuery {
            q: "ma doc".into(),
            ..Default::default()
        }),
    )
    .await?;
    row("app: search \"ma doc\" (≈1%)", &s, Some(&raw_search));
    let s = time(
        reps,
        list(SystemQuery {
            q: "he-thong-4242".into(),
            ..Default::default()
        }),
    )
    .await?;
    row("app: search one domain", &s, None);
    let s = time(
        reps,
        list(SystemQuery {
            level: Some(4),
            critical: Some(true),
            ..Default::default()
        }),
    )
    .await?;
    row("app: level 4 and critical", &s, None);
    // The whole page as a person gets it: HTML rendered by the web layer, in process.
    let router = ungcuu_web::router(ungcuu_web::AppState::new(
        app.clone(),
        ungcuu_web::SecureCookies::Never,
        ungcuu_web::Limits {
            signin_per_minute: 1000,
            api_per_minute: 1_000_000,
        },
    ));
    let (_, token) = app
        .create_token(
            &cli,
            &ungcuu_app::accounts::tokens::TokenInput {
                name: "bench".into(),
                org_id: "1".into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // A token acts as the focal point of its organisation: these measure a scoped list.
    let api = |path: &'static str| {
        let router = router.clone();
        let tok = token.clone();
        move |_| {
            let router = router.clone();
            let tok = tok.clone();
            async move {
                let res = router
                    .oneshot(
                        Request::get(path)
                            .header("authorization", format!("Bearer {tok}"))
                            .body(Body::empty())?,
                    )
                    .await?;
                anyhow::ensure!(res.status().is_success(), "{path}: {}", res.status());
                axum::body::to_bytes(res.into_body(), usize::MAX).await?;
                Ok(())
            }
        }
    };
    let s = time(reps, api("/api/v1/systems")).await?;
    row("api: GET /api/v1/systems (one org)", &s, None);
    let s = time(reps, api("/api/v1/systems?q=ma+doc")).await?;
    row("api: search \"ma doc\" (one org)", &s, None);
    results.insert("load_seconds".into(), load_s.into());
    results.insert("systems".into(), n.into());
    Ok(serde_json::Value::Object(results))
}

/// The arguments, with `server` assumed when no subcommand is named, so that
/// `ungcuu-bench --out bench.json` is the whole run.
fn args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let named = args.get(1).is_some_and(|a| {
        let a = a.to_string_lossy();
        !a.starts_with('-') || ["-h", "--help", "-V", "--version"].contains(&a.as_ref())
    });
    if !named {
        args.insert(1.min(args.len()), "server".into());
    }
    args
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse_from(args()).cmd {
        Cmd::Server(args) => suite::run(args).await?,
        Cmd::Docs(args) => docs::run(args).await?,
        Cmd::Registry {
            systems,
            reps,
            out,
            backend,
        } => {
            let mut all = serde_json::Map::new();
            for name in ["sqlite", "postgres"] {
                if backend.as_deref().is_some_and(|b| b != name) {
                    continue;
                }
                let t = if name == "sqlite" {
                    TestDb::sqlite().await
                } else {
                    TestDb::postgres().await
                };
                let r = registry(name, &t.db, systems, reps)
                    .await
                    .with_context(|| name.to_string());
                t.cleanup().await;
                all.insert(name.into(), r?);
            }
            std::fs::write(&out, serde_json::to_string_pretty(&all)?)?;
            println!("written: {}", out.display());
        }
    }
    Ok(())
}
