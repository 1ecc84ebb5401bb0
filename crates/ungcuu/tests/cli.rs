//! The `ungcuu` command end to end (API.md, "Command line"): the real binary, started as an
//! operator would start it, on SQLite and on PostgreSQL.
//!
//! Every database is fresh (`TestDb`), every server listens on a free port, is awaited by
//! polling `/readyz` within a deadline, and is stopped with SIGTERM and must exit 0.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use ungcuu_store::Db;
use ungcuu_store::testing::TestDb;

const BIN: &str = env!("CARGO_BIN_EXE_ungcuu");
/// How long a command may run, a server may take to become ready, and to stop.
const COMMAND_WITHIN: Duration = Duration::from_secs(120);
const READY_WITHIN: Duration = Duration::from_secs(60);
const STOP_WITHIN: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

async fn fresh(b: Backend) -> TestDb {
    match b {
        Backend::Sqlite => TestDb::sqlite_empty().await,
        Backend::Postgres => TestDb::postgres_empty().await,
    }
}

// ---------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------

/// What a finished command left behind.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or("").trim()
    }

    /// The command succeeded; returns itself for a look at its output.
    #[track_caller]
    fn ok(self, what: &str) -> Out {
        assert_eq!(
            self.code, 0,
            "{what}: expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// The command refused, with an error and not a crash (Rust exits 101 on a panic).
    #[track_caller]
    fn refused(self, what: &str) -> Out {
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
    fn id(&self) -> i64 {
        self.last_line()
            .parse()
            .unwrap_or_else(|_| panic!("no id on the last line of: {:?}", self.stdout))
    }
}

/// The binary pointed at one database, with a data directory of its own.
struct Ungcuu {
    url: String,
    data: tempfile::TempDir,
    name: &'static str,
}

impl Ungcuu {
    fn on(t: &TestDb) -> Ungcuu {
        Ungcuu {
            url: t.url.clone(),
            data: tempfile::tempdir().expect("temp data dir"),
            name: t.name,
        }
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
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        c
    }

    async fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        self.run_with_stdin(args, None).await
    }

    async fn run_with_stdin<S: AsRef<OsStr>>(&self, args: &[S], input: Option<&str>) -> Out {
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
    async fn audit_rows(&self) -> u64 {
        let out = self.run(&["audit", "verify"]).await.ok("audit verify");
        audit_count(&out.stdout)
            .unwrap_or_else(|| panic!("audit verify printed no row count: {:?}", out.stdout))
    }

    /// Starts `ungcuu serve` on a free port and waits until `/readyz` answers 200.
    async fn serve(&self, extra: &[&str]) -> Server {
        let mut earlier: Vec<String> = Vec::new();
        for attempt in 1..=3 {
            let port = free_port();
            let mut c = self.command();
            c.arg("serve")
                .arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .args(extra);
            let mut child = c.spawn().expect("start ungcuu serve");
            let (stdout, stdout_task) = collect(child.stdout.take().expect("stdout"), earlier);
            let (stderr, stderr_task) = collect(child.stderr.take().expect("stderr"), Vec::new());
            let mut server = Server {
                child,
                base: format!("http://127.0.0.1:{port}"),
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
                    // The free port was taken between choosing it and binding it: try another.
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
fn audit_count(stdout: &str) -> Option<u64> {
    let line = stdout.lines().find(|l| l.contains("audit chain intact"))?;
    line.split(':')
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The last `n` lines of `s`, for messages about a long log.
fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// Reads a pipe line by line into a watch channel, so a test can wait for a given line and
/// the pipe never fills up and blocks the server.
fn collect(
    pipe: impl AsyncRead + Unpin + Send + 'static,
    initial: Vec<String>,
) -> (watch::Receiver<Vec<String>>, JoinHandle<()>) {
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
                    tx.send_modify(|v| v.push(line));
                }
            }
        }
    });
    (rx, task)
}

/// A running `ungcuu serve`. Dropped without [`Server::stop`] (a failed test), it is killed.
struct Server {
    child: Child,
    base: String,
    stdout: watch::Receiver<Vec<String>>,
    stderr: watch::Receiver<Vec<String>>,
    readers: Vec<JoinHandle<()>>,
    http: reqwest::Client,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn stdout_text(&self) -> String {
        self.stdout.borrow().join("\n")
    }

    fn stderr_text(&self) -> String {
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
    async fn stdout_line(&mut self, needle: &str) -> String {
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
    async fn stop(mut self) -> String {
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

// ---------------------------------------------------------------------------------------
// Looking into the database directly
// ---------------------------------------------------------------------------------------

/// Runs `$body` with `$pool` bound to the pool of `$db` (for SQLite, its `$which` pool).
macro_rules! on_pool {
    ($db:expr, $pool:ident, $which:ident => $body:expr) => {
        match $db {
            Db::Sqlite { $which, .. } => {
                let $pool = $which;
                $body
            }
            Db::Postgres { pool: $pool, .. } => $body,
        }
    };
}

async fn exec(db: &Db, sql: &str) -> u64 {
    let safe = || sqlx::AssertSqlSafe(sql.to_string());
    on_pool!(db, pool, write => sqlx::query(safe()).execute(pool).await.map(|r| r.rows_affected()))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn int(db: &Db, sql: &str) -> Option<i64> {
    let safe = || sqlx::AssertSqlSafe(sql.to_string());
    on_pool!(db, pool, read => sqlx::query_scalar::<_, Option<i64>>(safe()).fetch_one(pool).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn text(db: &Db, sql: &str) -> String {
    let safe = || sqlx::AssertSqlSafe(sql.to_string());
    on_pool!(db, pool, read => sqlx::query_scalar::<_, String>(safe()).fetch_one(pool).await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn count(db: &Db, table: &str) -> i64 {
    int(db, &format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap_or(0)
}

/// Rows of the tables a person changes: organisations, users, tokens, audit.
async fn counts(db: &Db) -> [i64; 4] {
    [
        count(db, "orgs").await,
        count(db, "users").await,
        count(db, "api_tokens").await,
        count(db, "audit_log").await,
    ]
}

fn strs(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

const DEPT: &str = "Sở Thông tin và Truyền thông tỉnh Bắc Ninh";
const CENTRE: &str = "Trung tâm Giám sát an toàn không gian mạng";
const PASSWORD: &str = "một mật khẩu đủ dài 2026";

// ---------------------------------------------------------------------------------------
// 1. Setting up: migrate, organisations, a user, a token the API accepts
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_operator_creates_organisations_a_user_and_a_token_that_the_api_then_accepts_on_both_backends()
 {
    for b in BACKENDS {
        let t = fresh(b).await;
        let u = Ungcuu::on(&t);
        let n = t.name;

        let out = u.run(&["migrate"]).await.ok("migrate");
        assert!(
            out.stdout.contains("schema up to date"),
            "{n}: {}",
            out.stdout
        );
        u.run(&["migrate"]).await.ok("migrate is repeatable");

        let dept = u
            .run(&[
                "admin",
                "create-org",
                "--name",
                DEPT,
                "--kind",
                "department",
            ])
            .await
            .ok("create-org")
            .id();
        // The parent by its exact name, and by its id.
        let centre = u
            .run(&["admin", "create-org", "--name", CENTRE, "--parent", DEPT])
            .await
            .ok("create-org --parent NAME")
            .id();
        let team = u
            .run(&[
                "admin",
                "create-org",
                "--name",
                "Đội ứng cứu sự cố tỉnh Bắc Ninh",
                "--parent",
                &dept.to_string(),
            ])
            .await
            .ok("create-org --parent ID")
            .id();
        for child in [centre, team] {
            assert_eq!(
                int(
                    &t.db,
                    &format!("SELECT parent_id FROM orgs WHERE id = {child}")
                )
                .await,
                Some(dept),
                "{n}: org {child} sits under {dept}"
            );
        }
        assert_eq!(
            text(&t.db, &format!("SELECT kind FROM orgs WHERE id = {dept}")).await,
            "department"
        );

        let out = u
            .run_with_stdin(
                &[
                    "admin",
                    "create-user",
                    "--email",
                    "DauMoi@BacNinh.gov.vn",
                    "--name",
                    "Trần Thị Đầu Mối",
                    "--org",
                    CENTRE,
                    "--role",
                    "dau_moi",
                    "--password-stdin",
                ],
                Some(&format!("{PASSWORD}\n")),
            )
            .await
            .ok("create-user --password-stdin");
        let user = out.id();
        assert!(
            !out.stdout.contains(PASSWORD) && !out.stdout.contains("password"),
            "{n}: a password given on stdin is not echoed: {}",
            out.stdout
        );
        assert_eq!(
            text(&t.db, &format!("SELECT email FROM users WHERE id = {user}")).await,
            "daumoi@bacninh.gov.vn"
        );
        assert_eq!(
            text(&t.db, &format!("SELECT role FROM users WHERE id = {user}")).await,
            "dau_moi"
        );
        assert_eq!(
            int(
                &t.db,
                &format!("SELECT org_id FROM users WHERE id = {user}")
            )
            .await,
            Some(centre)
        );

        let out = u
            .run(&[
                "admin",
                "create-token",
                "--org",
                CENTRE,
                "--name",
                "Cổng tiếp nhận báo cáo",
            ])
            .await
            .ok("create-token");
        let token = out.last_line().to_string();
        assert!(
            token.starts_with("ucu_") && !token.contains(char::is_whitespace) && token.len() > 20,
            "{n}: the token alone on the last line: {:?}",
            out.stdout
        );
        assert_eq!(
            int(
                &t.db,
                &format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'")
            )
            .await,
            Some(0),
            "{n}: the token itself is not stored"
        );
        assert_eq!(u.audit_rows().await, 5, "{n}: one audit row per change");

        let server = u.serve(&[]).await;
        let res = server
            .http
            .get(server.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET /api/v1/me");
        assert_eq!(res.status(), 200, "{n}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let me: serde_json::Value = res.json().await.expect("JSON");
        assert_eq!(me["role"], "dau_moi", "{n}: {me}");
        assert_eq!(me["org_id"], centre, "{n}: {me}");
        for bad in [None, Some("ucu_not-a-real-token")] {
            let mut req = server.http.get(server.url("/api/v1/me"));
            if let Some(bad) = bad {
                req = req.bearer_auth(bad);
            }
            let res = req.send().await.expect("GET /api/v1/me");
            assert_eq!(res.status(), 401, "{n}: token {bad:?}");
        }
        server.stop().await;
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------
// 2. Bad input is refused, named, and leaves nothing behind
// ---------------------------------------------------------------------------------------

struct Bad {
    what: &'static str,
    args: Vec<OsString>,
    stdin: Option<&'static str>,
    /// Exit code, when it is fixed (clap's usage errors exit 2).
    code: Option<i32>,
    says: &'static [&'static str],
    never: &'static [&'static str],
}

fn bad_inputs() -> Vec<Bad> {
    let long = "Đ".repeat(201);
    let user = |email: &str, org: &str, role: &str| {
        strs(&[
            "admin",
            "create-user",
            "--email",
            email,
            "--name",
            "Nguyễn Văn An",
            "--org",
            org,
            "--role",
            role,
            "--password-stdin",
        ])
    };
    let good_password = Some("một mật khẩu đủ dài 2026\n");
    let mut invalid_utf8 = strs(&["admin", "create-org", "--name"]);
    invalid_utf8.push(OsStr::from_bytes(&[0x53, 0xff, 0xfe]).to_os_string());
    vec![
        Bad {
            what: "empty --name",
            args: strs(&["admin", "create-org", "--name", ""]),
            stdin: None,
            code: None,
            says: &["--name", "Tên tổ chức", "không được để trống"],
            never: &[],
        },
        Bad {
            what: "--name of 201 characters",
            args: strs(&["admin", "create-org", "--name", &long]),
            stdin: None,
            code: None,
            says: &["--name", "Tên tổ chức", "200"],
            never: &[],
        },
        Bad {
            what: "markup in --name",
            args: strs(&["admin", "create-org", "--name", "<script>alert(1)</script>"]),
            stdin: None,
            code: None,
            says: &["--name", "Tên tổ chức", "ký tự không hợp lệ"],
            never: &[],
        },
        Bad {
            what: "a name already in use",
            args: strs(&["admin", "create-org", "--name", DEPT]),
            stdin: None,
            code: None,
            says: &["--name", "Tên tổ chức", "đã được sử dụng"],
            never: &[],
        },
        Bad {
            what: "--kind bakery",
            args: strs(&[
                "admin",
                "create-org",
                "--name",
                "Tiệm bánh mì",
                "--kind",
                "bakery",
            ]),
            stdin: None,
            code: None,
            says: &["--kind", "Loại"],
            never: &[],
        },
        Bad {
            what: "a --parent that does not exist",
            args: strs(&[
                "admin",
                "create-org",
                "--name",
                "Phòng Kỹ thuật",
                "--parent",
                "Sở Không Tồn Tại",
            ]),
            stdin: None,
            code: None,
            says: &["--parent", "Sở Không Tồn Tại", "không có tổ chức nào"],
            never: &[],
        },
        Bad {
            what: "a --parent id that does not exist",
            args: strs(&[
                "admin",
                "create-org",
                "--name",
                "Phòng Kỹ thuật",
                "--parent",
                "987654",
            ]),
            stdin: None,
            code: None,
            says: &["--parent", "987654", "không có tổ chức nào"],
            never: &[],
        },
        Bad {
            what: "a bad email",
            args: user("not-an-email", DEPT, "dau_moi"),
            stdin: good_password,
            code: None,
            says: &["--email", "Email", "không phải địa chỉ email hợp lệ"],
            never: &["--role", "--password-stdin"],
        },
        Bad {
            what: "--role root",
            args: user("an@bacninh.gov.vn", DEPT, "root"),
            stdin: good_password,
            code: None,
            says: &["--role", "Vai trò"],
            never: &["--email"],
        },
        Bad {
            what: "a short password on stdin",
            args: user("an@bacninh.gov.vn", DEPT, "dau_moi"),
            stdin: Some("short\n"),
            code: None,
            says: &["--password-stdin", "Mật khẩu", "12"],
            never: &["short"],
        },
        Bad {
            what: "an --org that does not exist",
            args: user("an@bacninh.gov.vn", "Sở Không Tồn Tại", "dau_moi"),
            stdin: good_password,
            code: None,
            says: &["--org", "Sở Không Tồn Tại", "không có tổ chức nào"],
            never: &[],
        },
        Bad {
            what: "a token for an --org that does not exist",
            args: strs(&[
                "admin",
                "create-token",
                "--org",
                "Sở Không Tồn Tại",
                "--name",
                "Cổng báo cáo",
            ]),
            stdin: None,
            code: None,
            says: &["--org", "không có tổ chức nào"],
            never: &["ucu_"],
        },
        Bad {
            what: "a token with an empty --name",
            args: strs(&["admin", "create-token", "--org", DEPT, "--name", " "]),
            stdin: None,
            code: None,
            says: &["--name", "Tên khóa"],
            never: &["ucu_"],
        },
        Bad {
            what: "invalid UTF-8 in --name",
            args: invalid_utf8,
            stdin: None,
            code: Some(2),
            says: &["UTF-8"],
            never: &[],
        },
        Bad {
            what: "empty --name, in English",
            args: strs(&["--lang", "en", "admin", "create-org", "--name", ""]),
            stdin: None,
            code: None,
            says: &["--name", "Organisation name", "must not be empty"],
            never: &["Tên tổ chức"],
        },
        Bad {
            what: "a short password, in English",
            args: strs(&[
                "admin",
                "create-user",
                "--lang",
                "en",
                "--email",
                "an@bacninh.gov.vn",
                "--name",
                "Nguyễn Văn An",
                "--org",
                DEPT,
                "--role",
                "dau_moi",
                "--password-stdin",
            ]),
            stdin: Some("short\n"),
            code: None,
            says: &["--password-stdin", "Password", "12"],
            never: &["Mật khẩu"],
        },
    ]
}

#[tokio::test]
async fn bad_input_at_the_command_line_is_refused_naming_the_flag_and_nothing_is_created() {
    for b in BACKENDS {
        let t = fresh(b).await;
        let u = Ungcuu::on(&t);
        let n = t.name;
        u.run(&["migrate"]).await.ok("migrate");
        u.run(&["admin", "create-org", "--name", DEPT])
            .await
            .ok("create-org");
        let audit_before = u.audit_rows().await;
        let before = counts(&t.db).await;
        assert_eq!(before, [1, 0, 0, 1], "{n}");

        for row in bad_inputs() {
            let what = format!("{n}: {}", row.what);
            let out = u.run_with_stdin(&row.args, row.stdin).await.refused(&what);
            if let Some(code) = row.code {
                assert_eq!(out.code, code, "{what}: exit code\nstderr: {}", out.stderr);
            }
            for s in row.says {
                assert!(
                    out.stderr.contains(s),
                    "{what}: stderr should say {s:?}\nstderr: {}",
                    out.stderr
                );
            }
            for s in row.never {
                assert!(
                    !out.stderr.contains(s) && !out.stdout.contains(s),
                    "{what}: the output should not say {s:?}\nstdout: {}\nstderr: {}",
                    out.stdout,
                    out.stderr
                );
            }
            assert_eq!(
                out.stdout.trim(),
                "",
                "{what}: nothing made, nothing printed"
            );
            assert_eq!(
                u.audit_rows().await,
                audit_before,
                "{what}: no audit row was added"
            );
            assert_eq!(counts(&t.db).await, before, "{what}: nothing was created");
        }
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------
// 3. audit verify notices changed and deleted rows
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn audit_verify_passes_an_intact_chain_and_names_the_first_altered_or_missing_row_on_both_backends()
 {
    for b in BACKENDS {
        let t = fresh(b).await;
        let u = Ungcuu::on(&t);
        let n = t.name;
        u.run(&["migrate"]).await.ok("migrate");
        assert_eq!(u.audit_rows().await, 0, "{n}: an empty chain is intact");

        u.run(&["admin", "create-org", "--name", DEPT])
            .await
            .ok("create-org");
        u.run(&["admin", "create-org", "--name", CENTRE, "--parent", DEPT])
            .await
            .ok("create-org");
        u.run_with_stdin(
            &[
                "admin",
                "create-user",
                "--email",
                "thuongtruc@bacninh.gov.vn",
                "--name",
                "Lê Văn Thường Trực",
                "--org",
                CENTRE,
                "--role",
                "thuong_truc",
                "--password-stdin",
            ],
            Some(PASSWORD),
        )
        .await
        .ok("create-user");
        u.run(&["admin", "create-token", "--org", DEPT, "--name", "Cổng"])
            .await
            .ok("create-token");

        let out = u.run(&["audit", "verify"]).await.ok("audit verify");
        assert!(out.stdout.contains("intact"), "{n}: {}", out.stdout);
        assert_eq!(audit_count(&out.stdout), Some(4), "{n}: {}", out.stdout);

        // Someone with database access rewrites who did something.
        let actor = text(&t.db, "SELECT actor FROM audit_log WHERE seq = 2").await;
        assert_ne!(actor, "mallory");
        assert_eq!(
            exec(
                &t.db,
                "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"
            )
            .await,
            1
        );
        let out = u.run(&["audit", "verify"]).await.refused("altered row");
        assert!(
            out.stderr.contains("row 2 "),
            "{n}: names row 2\nstderr: {}",
            out.stderr
        );
        assert!(!out.stdout.contains("intact"), "{n}: {}", out.stdout);

        // Put back, the chain is whole again.
        exec(
            &t.db,
            &format!("UPDATE audit_log SET actor = '{actor}' WHERE seq = 2"),
        )
        .await;
        assert_eq!(u.audit_rows().await, 4, "{n}: restored row verifies");

        // A deleted row breaks the link of the one after it.
        assert_eq!(exec(&t.db, "DELETE FROM audit_log WHERE seq = 2").await, 1);
        let out = u.run(&["audit", "verify"]).await.refused("deleted row");
        assert!(
            out.stderr.contains("row 3 "),
            "{n}: names row 3\nstderr: {}",
            out.stderr
        );
        t.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------
// 4. Backup of a running server, restore onto either backend
// ---------------------------------------------------------------------------------------

/// What a backup file holds, read line by line.
struct BackupFile {
    lines: Vec<String>,
    rows: u64,
    orgs: i64,
    users: i64,
    audit: u64,
    max_org_id: i64,
    /// The chain head's last sequence number.
    head_seq: i64,
    /// Audit rows recording an organisation or a user being created.
    org_creates: i64,
    user_creates: i64,
}

fn read_backup(path: &Path) -> BackupFile {
    let body = std::fs::read_to_string(path).expect("read the backup");
    let lines: Vec<String> = body.lines().map(str::to_string).collect();
    assert!(lines.len() >= 2, "header and trailer at least");
    let header: serde_json::Value = serde_json::from_str(&lines[0]).expect("header is JSON");
    assert_eq!(header["format"], "ungcuu-backup", "{header}");
    let trailer: serde_json::Value =
        serde_json::from_str(lines.last().unwrap()).expect("trailer is JSON");
    assert_eq!(trailer["end"], true, "{trailer}");
    let rows = trailer["rows"].as_u64().expect("trailer row count");
    assert_eq!(
        rows as usize,
        lines.len() - 2,
        "the trailer counts the rows"
    );
    let (mut orgs, mut users, mut audit, mut max_org_id) = (0, 0, 0, 0);
    let (mut head_seq, mut org_creates, mut user_creates) = (-1, 0, 0);
    for l in &lines[1..lines.len() - 1] {
        let v: serde_json::Value = serde_json::from_str(l).expect("row is JSON");
        let r = &v["r"];
        match v["t"].as_str().expect("table name") {
            "orgs" => {
                orgs += 1;
                max_org_id = max_org_id.max(r[0].as_i64().expect("org id"));
            }
            "users" => users += 1,
            "audit_log" => {
                audit += 1;
                match r[4].as_str().expect("audit action") {
                    "org.create" => org_creates += 1,
                    "user.create" => user_creates += 1,
                    _ => {}
                }
            }
            "audit_head" => head_seq = r[1].as_i64().expect("last_seq"),
            _ => {}
        }
    }
    BackupFile {
        lines,
        rows,
        orgs,
        users,
        audit,
        max_org_id,
        head_seq,
        org_creates,
        user_creates,
    }
}

/// One snapshot of every table: the chain head, the audit rows and the rows they record
/// all agree (a backup read table by table without a snapshot would not).
#[track_caller]
fn assert_consistent(b: &BackupFile, what: &str) {
    assert_eq!(
        b.head_seq, b.audit as i64,
        "{what}: chain head and audit rows"
    );
    assert_eq!(
        b.org_creates, b.orgs,
        "{what}: organisations and their audit rows"
    );
    assert_eq!(
        b.user_creates, b.users,
        "{what}: users and their audit rows"
    );
}

#[tokio::test]
async fn a_backup_taken_while_the_server_takes_writes_restores_onto_either_backend_with_its_audit_chain_intact()
 {
    for source in BACKENDS {
        let src = fresh(source).await;
        let u = Ungcuu::on(&src);
        let n = src.name;

        let mut server = u.serve(&["--demo"]).await;
        server.stdout_line("demo loaded").await;
        let demo_orgs = count(&src.db, "orgs").await;
        let demo_users = count(&src.db, "users").await;
        assert!(
            demo_orgs >= 100,
            "{n}: the demo province ({demo_orgs} orgs)"
        );
        assert!(demo_users >= 8, "{n}: the demo team ({demo_users} users)");

        // Organisations are added one after another, each by its own process, while backups
        // are taken one after another and the server answers requests.
        const ADDED: i64 = 8;
        let (first_tx, first_rx) = tokio::sync::oneshot::channel();
        let writer = {
            let url = u.url.clone();
            tokio::spawn(async move {
                let w = Ungcuu {
                    url,
                    data: tempfile::tempdir().expect("temp dir"),
                    name: "writer",
                };
                let mut first = Some(first_tx);
                let mut outs = Vec::new();
                for i in 1..=ADDED {
                    let name = format!("Ban Chỉ huy quân sự xã bổ sung số {i}");
                    outs.push(w.run(&["admin", "create-org", "--name", &name]).await);
                    if let Some(tx) = first.take() {
                        tx.send(()).ok();
                    }
                }
                outs
            })
        };
        first_rx.await.expect("the first write finished");
        let dir = tempfile::tempdir().expect("temp dir");
        let mut backups = Vec::new();
        let mut writer = Some(writer);
        loop {
            // The last backup starts only after every write has finished.
            let last_round = match writer.take() {
                Some(w) if w.is_finished() || backups.len() >= 50 => {
                    for (i, o) in w.await.expect("writer").into_iter().enumerate() {
                        o.ok(&format!("{n}: concurrent create-org {}", i + 1));
                    }
                    true
                }
                w => {
                    writer = w;
                    false
                }
            };
            let file = dir
                .path()
                .join(format!("ungcuu-{}.backup", backups.len() + 1));
            let args = [OsStr::new("backup"), file.as_os_str()];
            let (out, api) =
                tokio::join!(u.run(&args), server.http.get(server.url("/readyz")).send());
            let what = format!("{n}: backup {} while serving", backups.len() + 1);
            let out = out.ok(&what);
            assert_eq!(api.expect("GET /readyz").status(), 200, "{what}");
            let b = read_backup(&file);
            assert!(
                out.stdout.contains("backup written")
                    && out.stdout.contains(&format!("({} rows)", b.rows)),
                "{what}: {}",
                out.stdout
            );
            assert_consistent(&b, &what);
            assert!(
                b.orgs > demo_orgs && b.orgs <= demo_orgs + ADDED,
                "{what}: {} orgs, {demo_orgs} before the writes, {ADDED} added",
                b.orgs
            );
            assert_eq!(b.users, demo_users, "{what}");
            backups.push((file, b));
            if last_round {
                break;
            }
        }
        server.stop().await;
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list the backup directory")
            .map(|e| e.expect("entry").file_name())
            .filter(|f| f.to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{n}: partial files left: {leftovers:?}"
        );
        let (_, last) = backups.last().expect("a backup");
        assert_eq!(
            last.orgs,
            demo_orgs + ADDED,
            "{n}: the last backup has every write"
        );

        // The first backup, taken while the writes were under way, is the one restored.
        let (file, backup) = backups.swap_remove(0);
        let mut truncated = backup.lines[..backup.lines.len() - 3].join("\n");
        truncated.push('\n');
        let cut = dir.path().join("cut.backup");
        std::fs::write(&cut, truncated).expect("write the cut backup");

        for target in BACKENDS {
            let dst = fresh(target).await;
            let d = Ungcuu::on(&dst);
            let what = format!("{n} → {}", dst.name);

            let out = d
                .run(&[OsStr::new("restore"), file.as_os_str()])
                .await
                .ok(&what);
            assert!(
                out.stdout
                    .contains(&format!("restored {} rows;", backup.rows)),
                "{what}: {}",
                out.stdout
            );
            assert!(
                out.stdout.contains("audit chain intact"),
                "{what}: {}",
                out.stdout
            );
            // The restore is itself audited: one row more than the backup holds.
            assert_eq!(d.audit_rows().await, backup.audit + 1, "{what}");
            assert_eq!(count(&dst.db, "orgs").await, backup.orgs, "{what}");
            assert_eq!(count(&dst.db, "users").await, backup.users, "{what}");
            assert_eq!(
                count(&dst.db, "audit_log").await as u64,
                backup.audit + 1,
                "{what}"
            );

            // The restored database keeps working: new ids follow the restored ones.
            let id = d
                .run(&[
                    "admin",
                    "create-org",
                    "--name",
                    "Đơn vị thêm sau khi khôi phục",
                ])
                .await
                .ok(&format!("{what}: create-org after restore"))
                .id();
            assert!(id > backup.max_org_id, "{what}: new id {id}");
            assert_eq!(d.audit_rows().await, backup.audit + 2, "{what}");

            // Restoring over data is refused and changes nothing.
            let before = counts(&dst.db).await;
            let out = d
                .run(&[OsStr::new("restore"), file.as_os_str()])
                .await
                .refused(&format!("{what}: restore into a non-empty database"));
            assert!(out.stderr.contains("not empty"), "{what}: {}", out.stderr);
            assert_eq!(counts(&dst.db).await, before, "{what}: nothing changed");
            assert_eq!(d.audit_rows().await, backup.audit + 2, "{what}");
            dst.cleanup().await;

            // A cut-off file is refused and leaves the target empty.
            let dst = fresh(target).await;
            let d = Ungcuu::on(&dst);
            let out = d
                .run(&[OsStr::new("restore"), cut.as_os_str()])
                .await
                .refused(&format!("{what}: a truncated backup"));
            assert!(out.stderr.contains("incomplete"), "{what}: {}", out.stderr);
            assert_eq!(
                counts(&dst.db).await,
                [0, 0, 0, 0],
                "{what}: the target stays empty"
            );
            assert!(
                ungcuu_store::backup::is_empty(&dst.db).await.unwrap(),
                "{what}"
            );
            assert_eq!(d.audit_rows().await, 0, "{what}");
            dst.cleanup().await;
        }
        src.cleanup().await;
    }
}

// ---------------------------------------------------------------------------------------
// 5. The first administrator
// ---------------------------------------------------------------------------------------

/// The value of `<input ... name="NAME" value="...">` in a page.
fn hidden_input(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in the page:\n{html}"))
        + marker.len();
    let len = html[start..].find('"').expect("closing quote");
    html[start..start + len].to_string()
}

fn set_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn the_first_start_prints_an_administrator_whose_password_signs_in_on_both_backends() {
    for b in BACKENDS {
        let t = fresh(b).await;
        let u = Ungcuu::on(&t);
        let n = t.name;

        let mut server = u.serve(&[]).await;
        let line = server.stdout_line("admin@ungcuu.local").await;
        let password = line
            .rsplit_once("password:")
            .map(|(_, p)| p.trim().to_string())
            .unwrap_or_else(|| panic!("{n}: no password in {line:?}"));
        assert!(password.len() >= 12, "{n}: {line:?}");
        assert_eq!(count(&t.db, "users").await, 1, "{n}");

        // The sign-in page sets the pre-session CSRF cookie and puts the same token in the form.
        let res = server
            .http
            .get(server.url("/login"))
            .send()
            .await
            .expect("GET /login");
        assert_eq!(res.status(), 200, "{n}");
        assert!(
            set_cookies(&res).iter().any(|c| c.starts_with("ucu_csrf=")),
            "{n}: {:?}",
            set_cookies(&res)
        );
        let html = res.text().await.expect("the page");
        let csrf = hidden_input(&html, "_csrf");

        // A wrong password is turned away.
        let res = server
            .http
            .post(server.url("/login"))
            .form(&[
                ("email", "admin@ungcuu.local"),
                ("password", "not the password"),
                ("_csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(res.status(), 401, "{n}");
        assert!(
            !set_cookies(&res)
                .iter()
                .any(|c| c.starts_with("ucu_session=")),
            "{n}"
        );

        // The printed password signs in.
        let res = server
            .http
            .post(server.url("/login"))
            .form(&[
                ("email", "admin@ungcuu.local"),
                ("password", &password),
                ("_csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(res.status(), 303, "{n}");
        assert_eq!(res.headers()["location"], "/", "{n}");
        let session = set_cookies(&res)
            .into_iter()
            .find(|c| c.starts_with("ucu_session="))
            .unwrap_or_else(|| panic!("{n}: no session cookie"));
        assert!(session.len() > "ucu_session=".len() + 20, "{n}: {session}");
        assert!(
            session.to_ascii_lowercase().contains("httponly"),
            "{n}: {session}"
        );
        // Signed in, the home page answers instead of sending back to /login.
        let res = server
            .http
            .get(server.url("/"))
            .send()
            .await
            .expect("GET /");
        assert_eq!(res.status(), 200, "{n}");
        server.stop().await;

        // Only the first start prints it.
        let mut server = u.serve(&[]).await;
        server.stdout_line("ungcuu: http://").await;
        let stdout = server.stop().await;
        assert!(
            !stdout.contains("admin@ungcuu.local"),
            "{n}: printed again:\n{stdout}"
        );
        assert_eq!(count(&t.db, "users").await, 1, "{n}");
        t.cleanup().await;
    }
}

/// The intake body of API.md, filled in.
fn sample_report() -> serde_json::Value {
    serde_json::json!({
        "reporter": {"org_name": "Sở Khoa học và Công nghệ", "address": "Số 10 Phó Đức Chính, Bắc Ninh", "phone": "0222 3822 345", "email": "skhcn@bacninh.gov.vn"},
        "contact": {"name": "Lê Thị Minh Châu", "title": "Chuyên viên", "phone": "0912 345 678", "email": "chau.ltm@bacninh.gov.vn"},
        "system": {
            "operator_name": "Trung tâm Chuyển đổi số", "owner_name": "Sở Khoa học và Công nghệ", "name": "Cổng dịch vụ công",
            "domains": ["dichvucong.bacninh.gov.vn"], "ips": ["203.113.0.10"], "public_ip_ranges": ["203.113.0.0/24"],
            "security_level": 3, "security_provider": "", "connectivity_provider": "VNPT Bắc Ninh",
            "os": "Ubuntu Server", "os_version": "22.04", "services": ["web", "database"], "measures": ["firewall", "other:WAF"],
            "purpose": "Dịch vụ công trực tuyến"
        },
        "description": "Phát hiện mã độc mã hóa dữ liệu (ransomware) trên máy chủ ứng dụng; dịch vụ bị gián đoạn.",
        "detected_at": "2026-05-04T08:30:00+07:00",
        "handled": false,
        "detection_methods": ["ids", "notified_by:VNCERT/CC"],
        "already_notified": ["isp", "coordinator"],
        "attachments_note": "Nhật ký hệ thống",
        "confidential": true,
        "support_requested": "Đề nghị hỗ trợ phân tích mẫu mã độc.",
        "reported_at": "2026-05-04T09:00:00+07:00"
    })
}

#[tokio::test]
async fn a_report_acknowledged_with_201_survives_the_server_being_killed_at_once_on_both_backends()
{
    for b in BACKENDS {
        let t = fresh(b).await;
        let u = Ungcuu::on(&t);
        let n = t.name;
        u.run(&["migrate"]).await.ok("migrate");
        u.run(&[
            "admin",
            "create-org",
            "--name",
            "Sở Khoa học và Công nghệ",
            "--kind",
            "department",
        ])
        .await
        .ok("create-org");
        let token = u
            .run(&[
                "admin",
                "create-token",
                "--org",
                "Sở Khoa học và Công nghệ",
                "--name",
                "Cổng báo cáo",
            ])
            .await
            .ok("create-token")
            .last_line()
            .to_string();

        let mut server = u.serve(&[]).await;
        let res = server
            .http
            .post(server.url("/api/v1/reports"))
            .bearer_auth(&token)
            .json(&sample_report())
            .send()
            .await
            .expect("POST report");
        assert_eq!(res.status(), 201, "{n}");
        let receipt: serde_json::Value = res.json().await.expect("JSON");
        // SIGKILL straight after the answer: no shutdown, no flush, no second chance.
        server.child.start_kill().expect("SIGKILL");
        server.child.wait().await.expect("killed");
        let code = receipt["tracking_code"]
            .as_str()
            .expect("a tracking code")
            .to_string();
        assert!(code.starts_with("SC-"), "{n}: {receipt}");
        assert!(
            receipt["id"].as_i64().is_some() && receipt["received_at"].is_string(),
            "{n}: {receipt}"
        );

        let server = u.serve(&[]).await;
        let res = server
            .http
            .get(server.url(&format!("/api/v1/reports/{code}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET report");
        assert_eq!(res.status(), 200, "{n}");
        let back: serde_json::Value = res.json().await.expect("JSON");
        assert_eq!(back["tracking_code"], code.as_str(), "{n}");
        assert_eq!(
            back["form"]["description"],
            sample_report()["description"],
            "{n}"
        );
        assert_eq!(
            back["form"]["system"]["measures"],
            serde_json::json!(["firewall", "other:WAF"]),
            "{n}"
        );
        assert_eq!(back["phase"], "received");
        server.stop().await;
        assert!(
            u.run(&["audit", "verify"])
                .await
                .ok("audit verify")
                .stdout
                .contains("intact")
        );
        t.cleanup().await;
    }
}
