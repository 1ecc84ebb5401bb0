//! `ungcuu-bench docs`: rendering official documents (Phụ lục I, two pages) to PDF and DOCX,
//! one at a time for latency, then many at once through the app's bounded render pool while a
//! probe measures how long the async runtime takes to answer (it must not be blocked).

use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Timed renders of each format.
    #[arg(long, default_value_t = 200)]
    reps: usize,
    /// Renders started at once in the parallel phase.
    #[arg(long, default_value_t = 64)]
    parallel: usize,
    #[arg(long, default_value = "bench-docs.json")]
    out: std::path::PathBuf,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn pct(mut v: Vec<Duration>) -> serde_json::Value {
    v.sort();
    let at = |p: f64| ms(v[((v.len() as f64 - 1.0) * p).round() as usize]);
    serde_json::json!({"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0), "n": v.len()})
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let t = Instant::now();
    let faces = ungcuu_app::documents::warm_up_renderer();
    let warm_up = t.elapsed();
    let doc = ungcuu_docs::sample::initial_document();
    let pages = ungcuu_docs::page_count(&doc)?;
    let mut out = serde_json::Map::new();
    out.insert("font_faces".into(), faces.into());
    out.insert("warm_up_ms".into(), ms(warm_up).into());
    out.insert("pages".into(), pages.into());
    for (name, f) in [
        (
            "pdf",
            ungcuu_docs::render_pdf as fn(&ungcuu_docs::Document) -> _,
        ),
        ("docx", ungcuu_docs::render_docx),
    ] {
        for _ in 0..10 {
            f(&doc)?;
        }
        let mut v = Vec::with_capacity(args.reps);
        let mut bytes = 0;
        for _ in 0..args.reps {
            let t = Instant::now();
            bytes = f(&doc)?.len();
            v.push(t.elapsed());
        }
        let mut s = pct(v);
        s["bytes"] = bytes.into();
        println!("{name}: {s}");
        out.insert(name.into(), s);
    }

    // Many renders at once through the pool, with a probe on the runtime every millisecond.
    let started = Instant::now();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let probe = tokio::spawn(async move {
        let mut lags = Vec::new();
        while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
            let t = Instant::now();
            tokio::time::sleep(Duration::from_millis(1)).await;
            lags.push(t.elapsed().saturating_sub(Duration::from_millis(1)));
            if lags.len() > 200_000 {
                break;
            }
        }
        lags
    });
    let mut tasks = Vec::new();
    for _ in 0..args.parallel {
        let d = doc.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            ungcuu_app::documents::render(d, ungcuu_app::documents::Format::Pdf)
                .await
                .map(|_| t.elapsed())
        }));
    }
    let mut each = Vec::new();
    for t in tasks {
        each.push(t.await?.map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let wall = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let lags = probe.await.unwrap_or_default();
    let mut par = serde_json::json!({
        "renders": args.parallel,
        "wall_ms": ms(wall),
        "per_second": args.parallel as f64 / wall.as_secs_f64(),
        "queued_latency": pct(each),
    });
    if !lags.is_empty() {
        par["runtime_probe_lag"] = pct(lags);
    }
    println!("parallel pdf: {par}");
    out.insert("parallel_pdf".into(), par);
    std::fs::write(&args.out, serde_json::to_string_pretty(&out)?)?;
    println!("written: {}", args.out.display());
    Ok(())
}
