//! The whole server measured end to end, per backend: the real `ungcuu serve` on loopback,
//! intake through the API next to the raw-driver ceiling, read paths over bulk-loaded
//! incidents, resident memory, disk use and cold start. Everything it starts, it stops; every
//! database it creates, it drops.

use crate::intake::{self, Level};
use crate::load;
use crate::server::{self, Server};
use crate::{Stats, time};
use anyhow::{Context, ensure};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};
use ungcuu_app::accounts::tokens::TokenInput;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_app::{Actor, App, AppConfig};
use ungcuu_store::Db;
use ungcuu_store::testing::TestDb;

#[derive(clap::Args, Clone)]
pub struct Args {
    /// Where the machine-readable results go.
    #[arg(long, default_value = "bench.json")]
    pub out: PathBuf,
    /// CI smoke run, under two minutes: small data, short levels. Timings mean little.
    #[arg(long)]
    pub quick: bool,
    /// Only this backend (sqlite or postgres); both by default.
    #[arg(long)]
    pub backend: Option<String>,
    /// Incidents (each with its report) loaded for the read paths, comma-separated.
    /// Default 100000,1000000 (2000 with --quick).
    #[arg(long, value_delimiter = ',')]
    pub scales: Vec<i64>,
    /// Seconds measured at each intake level (after a warm-up). Default 10 (2 with --quick).
    #[arg(long)]
    pub seconds: Option<f64>,
    /// Timed repetitions of each read. Default 200 (20 with --quick).
    #[arg(long)]
    pub reps: Option<usize>,
    /// Concurrent intake clients, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,4,16")]
    pub clients: Vec<usize>,
    /// The `ungcuu` binary; by default the one next to this executable (rebuilt first when
    /// run through cargo).
    #[arg(long)]
    pub ungcuu: Option<PathBuf>,
    /// Keep the read-path database afterwards (its URL is printed), to look at query plans.
    #[arg(long)]
    pub keep: bool,
}

const PASSWORD: &str = "bench-password-2026";
const DESK: &str = "thuongtruc@bench.ungcuu.vn";
const FOCAL: &str = "daumoi@bench.ungcuu.vn";
const ORGS: usize = 200;

impl Args {
    fn scales(&self) -> Vec<i64> {
        if !self.scales.is_empty() {
            self.scales.clone()
        } else if self.quick {
            vec![2000]
        } else {
            vec![100_000, 1_000_000]
        }
    }
    fn level_time(&self) -> (Duration, Duration) {
        let s = self.seconds.unwrap_or(if self.quick { 1.5 } else { 10.0 });
        (
            Duration::from_secs_f64((s / 5.0).min(2.0)),
            Duration::from_secs_f64(s),
        )
    }
    fn reps(&self) -> usize {
        self.reps.unwrap_or(if self.quick { 20 } else { 200 })
    }
}

/// What the bench knows about the database it set up.
struct Setup {
    tokens: Vec<String>,
    orgs: Vec<(i64, String)>,
    /// The focal point's organisation: the one the org-filtered reads are about.
    focal_org: i64,
    /// The standing desk's user id (told of every report).
    desk: i64,
}

fn app_err(e: ungcuu_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// A province: a root, `ORGS` units under it, an API token for each of the first 16, a
/// standing-desk account and a focal point of one unit.
async fn setup(db: &Db) -> anyhow::Result<Setup> {
    let app = App::new(db.clone(), AppConfig::default());
    let cli = Actor::cli();
    let root = app
        .create_org(
            &cli,
            &OrgInput {
                name: "UBND tỉnh Bắc Ninh".into(),
                kind: "department".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(app_err)?;
    let mut orgs = Vec::new();
    for i in 0..ORGS {
        let name = format!("{} số {i}", crate::UNITS[i % crate::UNITS.len()]);
        let o = app
            .create_org(
                &cli,
                &OrgInput {
                    name: name.clone(),
                    kind: "department".into(),
                    parent_id: root.id.to_string(),
                    ..Default::default()
                },
            )
            .await
            .map_err(app_err)?;
        orgs.push((o.id.0, name));
    }
    let mut tokens = Vec::new();
    for (id, _) in orgs.iter().take(16) {
        let (_, secret) = app
            .create_token(
                &cli,
                &TokenInput {
                    name: "bench".into(),
                    org_id: id.to_string(),
                },
            )
            .await
            .map_err(app_err)?;
        tokens.push(secret);
    }
    let focal_org = orgs[5].0;
    let people = [
        (DESK, "thuong_truc", root.id.0),
        (FOCAL, "dau_moi", focal_org),
    ];
    let mut desk = 0;
    for (email, role, org) in people {
        let u = app
            .create_user(
                &cli,
                &UserInput {
                    name: "Cán bộ đo hiệu năng".into(),
                    email: email.into(),
                    org_id: org.to_string(),
                    role: role.into(),
                    password: PASSWORD.into(),
                },
            )
            .await
            .map_err(app_err)?;
        if email == DESK {
            desk = u.id.0;
        }
    }
    Ok(Setup {
        tokens,
        orgs,
        focal_org,
        desk,
    })
}

/// A browser's session: signs in through the login form (CSRF token from its cookie).
async fn sign_in(base: &str, email: &str) -> anyhow::Result<reqwest::Client> {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()?;
    let page = http.get(format!("{base}/login")).send().await?;
    let csrf = page
        .cookies()
        .find(|c| c.name() == "ucu_csrf")
        .map(|c| c.value().to_string())
        .context("no CSRF cookie on /login")?;
    let res = http
        .post(format!("{base}/login"))
        .header("x-csrf-token", &csrf)
        .form(&[("email", email), ("password", PASSWORD), ("next", "/")])
        .send()
        .await?;
    ensure!(res.status().is_success(), "sign-in: {}", res.status());
    let me = http.get(format!("{base}/")).send().await?;
    ensure!(
        me.url().path() == "/",
        "sign-in of {email} did not stick (at {})",
        me.url()
    );
    Ok(http)
}

async fn get_ok(http: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let res = http.get(url).send().await?;
    let status = res.status();
    let body = res.bytes().await?;
    ensure!(status.is_success(), "{url}: {status}");
    ensure!(!body.is_empty(), "{url}: empty body");
    Ok(())
}

fn stats_json(s: &Stats) -> serde_json::Value {
    serde_json::json!({"p50_ms": s.p50, "p95_ms": s.p95, "p99_ms": s.p99})
}

fn print_read(backend: &str, scale: i64, name: &str, s: &Stats) {
    println!(
        "{backend:<9} {scale:>8} {name:<44} p50 {:>7.2}  p95 {:>7.2}  p99 {:>7.2} ms{}",
        s.p50,
        s.p95,
        s.p99,
        if s.p95 > 20.0 { "  (> 20 ms)" } else { "" }
    );
}

/// The pages a person reads, by who reads them: `true` the standing desk (sees everything),
/// `false` the focal point of one unit (its own subtree: about 1/200 of the rows).
fn read_paths(s: &Setup, scale: i64) -> Vec<(&'static str, bool, String)> {
    // Deep pages: the desk's page 100 (rows 4,951–5,000), and the last page of one unit's
    // list (its oldest rows).
    let deep_desk = 100.min((scale / 50).max(1));
    let deep_org = (scale / ORGS as i64 / 50).max(1);
    vec![
        ("dashboard (desk)", true, "/".into()),
        ("incidents, first page (desk)", true, "/incidents".into()),
        (
            "incidents, page 100 (desk)",
            true,
            format!("/incidents?page={deep_desk}"),
        ),
        (
            "incidents, first page (one unit)",
            false,
            "/incidents".into(),
        ),
        (
            "incidents, last page (one unit)",
            false,
            format!("/incidents?page={deep_org}"),
        ),
        ("reports, first page (desk)", true, "/intake".into()),
        ("reports, first page (one unit)", false, "/intake".into()),
        (
            "reports, last page (one unit)",
            false,
            format!("/intake?page={deep_org}"),
        ),
        (
            "search \"ma doc\" (desk)",
            true,
            "/intake?query=ma+doc".into(),
        ),
        (
            "search \"doi tien chuoc\" (desk)",
            true,
            "/intake?query=doi+tien+chuoc".into(),
        ),
        (
            "search \"ma doc\" (one unit)",
            false,
            "/intake?query=ma+doc".into(),
        ),
        (
            "organisation's page",
            true,
            format!("/registry/orgs/{}", s.focal_org),
        ),
    ]
}

async fn measure_reads(
    backend: &str,
    scale: i64,
    srv: &Server,
    s: &Setup,
    reps: usize,
) -> anyhow::Result<serde_json::Value> {
    let desk = sign_in(&srv.base, DESK).await?;
    let focal = sign_in(&srv.base, FOCAL).await?;
    let mut out = serde_json::Map::new();
    for (name, as_desk, path) in read_paths(s, scale) {
        let http = if as_desk { desk.clone() } else { focal.clone() };
        let url = format!("{}{path}", srv.base);
        // A page this build does not have yet is noted, not fatal: the harness outlives them.
        if http.get(&url).send().await?.status() == reqwest::StatusCode::NOT_FOUND {
            println!("{backend:<9} {scale:>8} {name:<44} not in this build ({path}: 404)");
            out.insert(
                name.into(),
                serde_json::json!({"path": path, "missing": true}),
            );
            continue;
        }
        let st = time(reps, |_| {
            let http = http.clone();
            let url = url.clone();
            async move { get_ok(&http, &url).await }
        })
        .await
        .with_context(|| name.to_string())?;
        print_read(backend, scale, name, &st);
        let mut j = stats_json(&st);
        j["path"] = path.into();
        out.insert(name.into(), j);
    }
    Ok(serde_json::Value::Object(out))
}

fn print_level(backend: &str, what: &str, l: &Level, ceiling: Option<&Level>) {
    println!(
        "{backend:<9} {what:<14} {:>2} clients {:>8.0} /s  p50 {:>7.2}  p95 {:>7.2}  p99 {:>7.2} ms{}",
        l.clients,
        l.per_second,
        l.latency.p50,
        l.latency.p95,
        l.latency.p99,
        ceiling
            .map(|c| format!("  {:.2}× ceiling", l.per_second / c.per_second))
            .unwrap_or_default()
    );
}

fn mib(b: u64) -> f64 {
    b as f64 / 1024.0 / 1024.0
}

async fn fresh(backend: &str) -> TestDb {
    if backend == "sqlite" {
        TestDb::sqlite().await
    } else {
        TestDb::postgres().await
    }
}

async fn run_backend(backend: &str, bin: &Path, args: &Args) -> anyhow::Result<serde_json::Value> {
    let mut out = serde_json::Map::new();
    let work = std::env::temp_dir().join(format!("ungcuu-bench-{}-{backend}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let (warmup, measure) = args.level_time();

    // --- intake: the server on a fresh database, the ceiling on another --------------------
    let srv_db = fresh(backend).await;
    let ceil_db = fresh(backend).await;
    let result = async {
        let s = setup(&srv_db.db).await?;
        let ceiling = setup(&ceil_db.db).await?;
        srv_db.db.close().await;
        ceil_db.db.close().await;
        let srv = Server::start(bin, &srv_db.url, &work).await?;
        eprintln!(
            "{backend}: server ready in {:.0} ms",
            srv.cold_start.as_secs_f64() * 1000.0
        );
        let seq = Arc::new(AtomicU64::new(1));
        let mut levels = Vec::new();
        for &c in &args.clients {
            intake::settle(&ceil_db.url).await?;
            let ceiling = intake::raw_level(
                &ceil_db.url,
                ceiling.orgs[0].0,
                ceiling.desk,
                c,
                warmup,
                measure,
                seq.clone(),
            )
            .await
            .with_context(|| format!("ceiling at {c}"))?;
            print_level(backend, "ceiling", &ceiling, None);
            intake::settle(&srv_db.url).await?;
            let api = intake::http_level(&srv.base, &s.tokens, c, warmup, measure, seq.clone())
                .await
                .with_context(|| format!("intake at {c}"))?;
            print_level(backend, "POST /reports", &api, Some(&ceiling));
            levels.push(serde_json::json!({
                "clients": c,
                "server": api.json(),
                "ceiling": ceiling.json(),
                "ratio": api.per_second / ceiling.per_second,
            }));
        }
        let (_, hwm) = srv.rss()?;
        srv.stop().await?;
        out.insert("intake".into(), levels.into());
        out.insert("intake_server_peak_rss_mib".into(), mib(hwm).into());
        anyhow::Ok(())
    }
    .await;
    srv_db.cleanup().await;
    ceil_db.cleanup().await;
    result?;

    // --- read paths over bulk-loaded incidents -------------------------------------------
    let reads_db = fresh(backend).await;
    let result = async {
        let s = setup(&reads_db.db).await?;
        let scales = args.scales();
        let span = scales.iter().copied().max().unwrap_or(1);
        let mut loaded = 0i64;
        let mut per_scale = serde_json::Map::new();
        for &scale in &scales {
            let db = Db::connect(&reads_db.url).await?;
            eprintln!("{backend}: loading {scale} incidents and reports");
            let t = Instant::now();
            load::load(&db, &s.orgs, loaded + 1, scale + 1, span).await?;
            load::fix_sequences(&db).await?;
            let load_s = t.elapsed().as_secs_f64();
            loaded = scale;
            let size = load::size_on_disk(&db, &reads_db.url).await?;
            db.close().await;
            let srv = Server::start(bin, &reads_db.url, &work).await?;
            let cold = srv.cold_start.as_secs_f64() * 1000.0;
            println!("{backend:<9} {scale:>8} cold start to /readyz: {cold:.0} ms");
            let mut r = serde_json::Map::new();
            r.insert(
                "reads".into(),
                measure_reads(backend, scale, &srv, &s, args.reps()).await?,
            );
            // Intake while the tables are large: indexes and search upkeep cost more.
            let api = intake::http_level(
                &srv.base,
                &s.tokens,
                16,
                warmup,
                measure,
                Arc::new(AtomicU64::new(10_000_000 + scale as u64)),
            )
            .await?;
            print_level(backend, "POST /reports", &api, None);
            let (rss, hwm) = srv.rss()?;
            srv.stop().await?;
            println!(
                "{backend:<9} {scale:>8} server RSS {:.0} MiB now, {:.0} MiB peak; database {:.0} MiB on disk",
                mib(rss),
                mib(hwm),
                mib(size)
            );
            r.insert("intake_16_clients".into(), api.json());
            r.insert("load_seconds".into(), load_s.into());
            r.insert("cold_start_ms".into(), cold.into());
            r.insert("server_rss_mib".into(), mib(rss).into());
            r.insert("server_peak_rss_mib".into(), mib(hwm).into());
            r.insert("database_mib".into(), mib(size).into());
            per_scale.insert(scale.to_string(), r.into());
        }
        out.insert("scales".into(), per_scale.into());
        anyhow::Ok(())
    }
    .await;
    if args.keep {
        eprintln!("{backend}: kept {}", reads_db.url);
    } else {
        reads_db.cleanup().await;
    }
    std::fs::remove_dir_all(&work).ok();
    result?;
    Ok(serde_json::Value::Object(out))
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let bin = server::find_binary(args.ungcuu.as_deref())?;
    let mut all = serde_json::Map::new();
    all.insert("quick".into(), args.quick.into());
    all.insert(
        "machine".into(),
        serde_json::json!({
            "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            "note": "shared machine: other builds may run at the same time",
        }),
    );
    for backend in ["sqlite", "postgres"] {
        if args.backend.as_deref().is_some_and(|b| b != backend) {
            continue;
        }
        let r = run_backend(backend, &bin, &args)
            .await
            .with_context(|| backend.to_string())?;
        all.insert(backend.into(), r);
    }
    all.insert("seconds".into(), started.elapsed().as_secs_f64().into());
    std::fs::write(&args.out, serde_json::to_string_pretty(&all)?)?;
    println!(
        "written: {} ({:.0} s)",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
