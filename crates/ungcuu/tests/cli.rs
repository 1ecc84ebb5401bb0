//! The `ungcuu` command end to end (API.md, "Command line"): the real binary, started as an
//! operator would start it, on SQLite and on PostgreSQL.
//!
//! Every database is fresh (`TestDb`), every server listens on a free port, is awaited by
//! polling `/readyz` within a deadline, and is stopped with SIGTERM and must exit 0 (the
//! harness, shared with the mail tests, is in `support`).

mod support;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use support::db::{BACKENDS, count, exec, fresh, int, text};
use support::sample_report;
use support::server::{Ungcuu, audit_count, strs};
use ungcuu_store::Db;

// ---------------------------------------------------------------------------------------
// Looking into the database directly
// ---------------------------------------------------------------------------------------

/// Rows of the tables a person changes: organisations, users, tokens, audit.
async fn counts(db: &Db) -> [i64; 4] {
    [
        count(db, "orgs").await,
        count(db, "users").await,
        count(db, "api_tokens").await,
        count(db, "audit_log").await,
    ]
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
                let w = Ungcuu::at(&url, "writer");
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
