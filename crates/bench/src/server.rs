//! The real `ungcuu serve`, started from the same target directory as this benchmark, on a
//! loopback port of its own; ready when `/readyz` answers 200; stopped with SIGTERM.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

pub struct Server {
    child: Child,
    pub base: String,
    /// From spawning the process to the first 200 from `/readyz`.
    pub cold_start: Duration,
    log: PathBuf,
}

/// `ungcuu` next to this executable (`target/release/ungcuu` for a release run). Under
/// `cargo run` it is (re)built first, so the server measured is the code checked out.
pub fn find_binary(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let me = std::env::current_exe()?;
    let dir = me.parent().context("executable without a directory")?;
    let bin = dir.join("ungcuu");
    if let Ok(cargo) = std::env::var("CARGO") {
        // `target/<profile>/ungcuu-bench`: build the server with the same profile.
        let profile = dir
            .file_name()
            .and_then(|p| p.to_str())
            .unwrap_or("release");
        let profile = if profile == "debug" { "dev" } else { profile };
        eprintln!("building ungcuu ({profile}) for the benchmark");
        let status = std::process::Command::new(cargo)
            .args([
                "build",
                "--profile",
                profile,
                "-p",
                "ungcuu",
                "--bin",
                "ungcuu",
            ])
            .status()
            .context("cargo build -p ungcuu")?;
        if !status.success() {
            bail!("cargo build -p ungcuu failed");
        }
    }
    if !bin.exists() {
        bail!(
            "{} not found: build it (cargo build --release -p ungcuu) or pass --ungcuu PATH",
            bin.display()
        );
    }
    Ok(bin)
}

fn free_port() -> anyhow::Result<u16> {
    // The port is free now; the server binds it a moment later. Good enough on loopback.
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Server {
    /// Starts the server on `db_url` and waits for readiness. Rate limits are raised out of
    /// the way: the benchmark measures throughput, not the limiter.
    pub async fn start(bin: &Path, db_url: &str, data_dir: &Path) -> anyhow::Result<Server> {
        let port = free_port()?;
        let listen = format!("127.0.0.1:{port}");
        let log = data_dir.join(format!("server-{port}.log"));
        std::fs::create_dir_all(data_dir)?;
        let err = std::fs::File::create(&log)?;
        let t = Instant::now();
        let mut child = Command::new(bin)
            .arg("serve")
            .env("UNGCUU_DATABASE_URL", db_url)
            .env("UNGCUU_LISTEN", &listen)
            .env("UNGCUU_DATA_DIR", data_dir.join("files"))
            .env("UNGCUU_API_RATE", "1000000000")
            .env("UNGCUU_SIGNIN_RATE", "1000000")
            .env("UNGCUU_SECURE_COOKIES", "never")
            .env("UNGCUU_LOG", "warn")
            .env_remove("UNGCUU_SMTP_LISTEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("spawn {}", bin.display()))?;
        let base = format!("http://{listen}");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        loop {
            if let Some(status) = child.try_wait()? {
                bail!(
                    "ungcuu serve exited ({status}) before ready; see {}",
                    log.display()
                );
            }
            if let Ok(r) = http.get(format!("{base}/readyz")).send().await
                && r.status().is_success()
            {
                break;
            }
            if t.elapsed() > Duration::from_secs(120) {
                bail!("ungcuu serve not ready after 120 s; see {}", log.display());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Ok(Server {
            child,
            base,
            cold_start: t.elapsed(),
            log,
        })
    }

    /// Resident set now and at its peak (VmRSS, VmHWM), in bytes.
    pub fn rss(&self) -> anyhow::Result<(u64, u64)> {
        let pid = self.child.id().context("server gone")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0)
                * 1024
        };
        Ok((field("VmRSS:"), field("VmHWM:")))
    }

    /// SIGTERM, then up to 15 s for a clean exit, then SIGKILL.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        match tokio::time::timeout(Duration::from_secs(15), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                if !status.success() {
                    eprintln!(
                        "ungcuu serve exited with {status}; see {}",
                        self.log.display()
                    );
                }
            }
            Err(_) => {
                self.child.kill().await?;
                eprintln!("ungcuu serve did not stop in 15 s; killed");
            }
        }
        Ok(())
    }
}
