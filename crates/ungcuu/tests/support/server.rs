//! The real `ungcuu` binary: commands run to completion, and `ungcuu serve` started on free
//! ports, awaited by polling `/readyz` within a deadline, and stopped with SIGTERM (it must
//! log a graceful shutdown and exit 0). Nothing from the environment the tests run in reaches
//! it; its output is collected, and echoed to the test's stderr when `TEST_LOG` is set.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use ungcuu_store::testing::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_ungcuu");
/// How long a command may run, a server may take to become ready, and to stop.
pub const COMMAND_WITHIN: Duration = Duration::from_secs(120);
pub const READY_WITHIN: Duration = Duration::from_secs(60);
pub const STOP_WITHIN: Duration = Duration::from_secs(30);

/// What a finished command left behind.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or("").trim()
    }

    /// The command succeeded; returns itself for a look at its output.
    #[track_caller]
    pub fn ok(self, what: &str) -> Out {
        assert_eq!(
            self.code, 0,
            "{what}: expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// The command refused, with an error and not a crash (Rust exits 101 on a panic).
    #[track_caller]
    pub fn refused(self, what: &str) -> Out {
        assert_ne!(
            self.code, 0,
            "{what}: expected a refusal\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert_ne!(
            self.code, 101,
            "{what}: the command panicked\nstderr: {}",
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "{what}: the command panicked\nstderr: {}",
            self.stderr
        );
        self
    }

    /// The id a create command prints on its last line.
    #[track_caller]
    pub fn id(&self) -> i64 {
        self.last_line()
            .parse()
            .unwrap_or_else(|_| panic!("no id on the last line of: {:?}", self.stdout))
    }
}

/// The binary pointed at one database, with a data directory of its own and the settings a
/// test gives it with [`Ungcuu::env`].
pub struct Ungcuu {
    pub url: String,
    data: tempfile::TempDir,
    name: &'static str,
    env: Vec<(String, String)>,
}

/// How to start `ungcuu serve`, beyond its database and settings.
#[derive(Default)]
pub struct Serve<'a> {
    /// Arguments after `serve --listen ADDR`, such as `--demo`.
    pub args: &'a [&'a str],
    /// Also accept mail over SMTP, on a free port of its own ([`Server::smtp`]).
    pub smtp: bool,
}

impl Ungcuu {
    pub fn on(t: &TestDb) -> Ungcuu {
        Ungcuu::at(&t.url, t.name)
    }

    /// The binary on the database at `url`, `name` in messages.
    pub fn at(url: &str, name: &'static str) -> Ungcuu {
        Ungcuu {
            url: url.to_string(),
            data: tempfile::tempdir().expect("temp data dir"),
            name,
            env: Vec::new(),
        }
    }

    /// One more `UNGCUU_*` setting for every command and server started from here.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Ungcuu {
        self.env.push((key.to_string(), value.into()));
        self
    }

    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        // Only what the test sets: nothing from the environment the tests run in.
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("UNGCUU_") {
                c.env_remove(k);
            }
        }
        c.env("UNGCUU_DATABASE_URL", &self.url)
            .env("UNGCUU_DATA_DIR", self.data.path())
            .env("UNGCUU_LOG_FORMAT", "text")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        c
    }

    pub async fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        self.run_with_stdin(args, None).await
    }

    pub async fn run_with_stdin<S: AsRef<OsStr>>(&self, args: &[S], input: Option<&str>) -> Out {
        let mut c = self.command();
        c.args(args);
        if input.is_some() {
            c.stdin(Stdio::piped());
        }
        let mut child = c.spawn().expect("start ungcuu");
        if let Some(input) = input {
            let mut stdin = child.stdin.take().expect("stdin");
            // The command may refuse before reading; a closed pipe is not the test's concern.
            stdin.write_all(input.as_bytes()).await.ok();
            drop(stdin);
        }
        let out = tokio::time::timeout(COMMAND_WITHIN, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("ungcuu did not finish within {COMMAND_WITHIN:?}"))
            .expect("wait for ungcuu");
        Out {
            code: out
                .status
                .code()
                .unwrap_or_else(|| panic!("ungcuu was killed by a signal: {}", out.status)),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `audit verify` succeeds; returns the number of rows it checked.
    pub async fn audit_rows(&self) -> u64 {
        let out = self.run(&["audit", "verify"]).await.ok("audit verify");
        audit_count(&out.stdout)
            .unwrap_or_else(|| panic!("audit verify printed no row count: {:?}", out.stdout))
    }

    /// Starts `ungcuu serve` with `args` on a free port and waits until `/readyz` answers 200.
    pub async fn serve(&self, args: &[&str]) -> Server {
        self.serve_with(Serve {
            args,
            ..Serve::default()
        })
        .await
    }

    /// Starts `ungcuu serve` as `how` says, on free ports, and waits until `/readyz` answers
    /// 200.
    pub async fn serve_with(&self, how: Serve<'_>) -> Server {
        let mut earlier: Vec<String> = Vec::new();
        for attempt in 1..=3 {
            let port = free_port();
            let smtp = how.smtp.then(|| format!("127.0.0.1:{}", free_port()));
            let mut c = self.command();
            if let Some(smtp) = &smtp {
                c.env("UNGCUU_SMTP_LISTEN", smtp);
            }
            c.arg("serve")
                .arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .args(how.args);
            let mut child = c.spawn().expect("start ungcuu serve");
            let (stdout, stdout_task) = collect(child.stdout.take().expect("stdout"), earlier);
            let (stderr, stderr_task) = collect(child.stderr.take().expect("stderr"), Vec::new());
            let mut server = Server {
                child,
                base: format!("http://127.0.0.1:{port}"),
                smtp,
                stdout,
                stderr,
                readers: vec![stdout_task, stderr_task],
                http: client(),
            };
            match server.wait_ready().await {
                Ok(()) => return server,
                Err(status) => {
                    server.drain().await;
                    let err = server.stderr_text();
                    // A free port was taken between choosing it and binding it: try others.
                    if attempt < 3 && err.contains("cannot listen") {
                        earlier = server.stdout.borrow().clone();
                        continue;
                    }
                    panic!(
                        "{}: ungcuu serve exited before it was ready ({status})\nstdout: {}\nstderr: {err}",
                        self.name,
                        server.stdout_text()
                    );
                }
            }
        }
        unreachable!("three attempts either returned or panicked")
    }
}

/// "audit chain intact: N rows" → N.
pub fn audit_count(stdout: &str) -> Option<u64> {
    let line = stdout.lines().find(|l| l.contains("audit chain intact"))?;
    line.split(':')
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The last `n` lines of `s`, for messages about a long log.
pub fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// Arguments as the OS strings a command takes.
pub fn strs(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// Reads a pipe line by line into a watch channel, so a test can wait for a given line and
/// the pipe never fills up and blocks the server. With `TEST_LOG` set, each line is also
/// echoed to the test's stderr.
fn collect(
    pipe: impl AsyncRead + Unpin + Send + 'static,
    initial: Vec<String>,
) -> (watch::Receiver<Vec<String>>, JoinHandle<()>) {
    let echo = std::env::var_os("TEST_LOG").is_some();
    let (tx, rx) = watch::channel(initial);
    let task = tokio::spawn(async move {
        let mut r = BufReader::new(pipe);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf).trim_end().to_string();
                    if echo {
                        eprintln!("{line}");
                    }
                    tx.send_modify(|v| v.push(line));
                }
            }
        }
    });
    (rx, task)
}

/// A running `ungcuu serve`. Dropped without [`Server::stop`] (a failed test), it is killed.
pub struct Server {
    pub child: Child,
    base: String,
    smtp: Option<String>,
    stdout: watch::Receiver<Vec<String>>,
    stderr: watch::Receiver<Vec<String>>,
    readers: Vec<JoinHandle<()>>,
    pub http: reqwest::Client,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The address its SMTP listener accepts mail on (started with [`Serve::smtp`]).
    pub fn smtp(&self) -> &str {
        self.smtp.as_deref().expect("started with an SMTP listener")
    }

    pub fn stdout_text(&self) -> String {
        self.stdout.borrow().join("\n")
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.borrow().join("\n")
    }

    /// Polls `/readyz` until it answers 200; `Err` with the exit status if the server quit.
    async fn wait_ready(&mut self) -> Result<(), std::process::ExitStatus> {
        let deadline = Instant::now() + READY_WITHIN;
        let probe = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("http client");
        loop {
            if let Some(status) = self.child.try_wait().expect("server status") {
                return Err(status);
            }
            let last = match probe.get(self.url("/readyz")).send().await {
                Ok(r) if r.status() == reqwest::StatusCode::OK => return Ok(()),
                Ok(r) => format!("{} {}", r.status(), r.text().await.unwrap_or_default()),
                Err(e) => e.to_string(),
            };
            assert!(
                Instant::now() < deadline,
                "the server was not ready within {READY_WITHIN:?}; GET /readyz last answered: {last}\nstdout: {}\nstderr (end): {}",
                self.stdout_text(),
                tail(&self.stderr_text(), 20)
            );
            // The poll interval of the readiness probe, not a wait for the server.
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The first line of standard output that contains `needle`, waiting for it (bounded).
    pub async fn stdout_line(&mut self, needle: &str) -> String {
        let found = tokio::time::timeout(
            READY_WITHIN,
            self.stdout
                .wait_for(|lines| lines.iter().any(|l| l.contains(needle))),
        )
        .await;
        let line = found
            .ok()
            .and_then(Result::ok)
            .and_then(|lines| lines.iter().find(|l| l.contains(needle)).cloned());
        match line {
            Some(line) => line,
            None => panic!(
                "the server never printed {needle:?}\nstdout: {}\nstderr: {}",
                self.stdout_text(),
                tail(&self.stderr_text(), 20)
            ),
        }
    }

    /// Waits until both pipes are closed and read to the end.
    async fn drain(&mut self) {
        for task in self.readers.drain(..) {
            tokio::time::timeout(STOP_WITHIN, task)
                .await
                .expect("output readers finish once the process has exited")
                .expect("output reader");
        }
    }

    /// SIGTERM, then the server must finish in-flight work and exit 0. Returns its stdout.
    pub async fn stop(mut self) -> String {
        let pid = self.child.id().expect("the server is still running");
        let kill = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()
            .expect("run kill");
        assert!(kill.success(), "kill -TERM {pid} failed");
        let status = tokio::time::timeout(STOP_WITHIN, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the server did not stop within {STOP_WITHIN:?}"))
            .expect("wait for the server");
        self.drain().await;
        assert!(
            status.success(),
            "the server did not shut down cleanly ({status})\nstderr: {}",
            tail(&self.stderr_text(), 20)
        );
        assert!(
            self.stderr_text().contains("shutting down"),
            "the server logged no graceful shutdown\nstderr: {}",
            tail(&self.stderr_text(), 20)
        );
        self.stdout_text()
    }
}
