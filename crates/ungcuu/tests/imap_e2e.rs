//! Mail intake over IMAP end to end: a real Dovecot (Debian's `dovecot-imapd`) on loopback with
//! its own configuration, users and Maildir in a temporary directory; two messages put into its
//! INBOX over IMAP; the real `ungcuu serve` with only `UNGCUU_IMAP_URL` set (no SMTP listener).
//! The [TBSC] mail must become a report, the other mail an inbox item, both must be `\Seen`
//! afterwards, and later rounds must create nothing — even when a message is made unseen again,
//! as after a crash between the commit and the STORE. On SQLite and PostgreSQL.
//!
//! Needs Dovecot: `apt-get install -y dovecot-imapd` (the test fails, it does not skip).

mod support;

use futures::TryStreamExt;
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::db::count;
use support::seed::{FOCAL, FORM, Seed, seed};
use support::server::{Ungcuu, free_port};
use tokio::net::TcpStream;
use ungcuu_domain::intake::Channel;
use ungcuu_store::testing::TestDb;
use ungcuu_store::{Db, intake::inbox, intake::reports};

const WITHIN: Duration = Duration::from_secs(60);
const USER: &str = "tiepnhan";
const PASSWORD: &str = "mật-khẩu 2026";
const MAX_BYTES: usize = 100_000;

fn output(cmd: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Dovecot's master binary: in /usr/sbin, which an unprivileged PATH may lack.
fn dovecot_binary() -> PathBuf {
    let from_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    from_path
        .into_iter()
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|d| d.join("dovecot"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "dovecot is not installed: this test needs a real IMAP server; \
                 install it with `apt-get install -y dovecot-imapd`"
            )
        })
}

/// A Dovecot of its own; stopped (TERM, then waited for) when dropped.
struct Dovecot {
    child: Option<std::process::Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl Dovecot {
    async fn start() -> Dovecot {
        let bin = dovecot_binary();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let port = free_port();
        // Dovecot refuses to run its login processes as root and refuses uid 0 for mail. As
        // root, the unprivileged parts run as nobody and the mailbox belongs to nobody; as
        // anyone else, everything runs as that user.
        let root = output("id", &["-u"]) == "0";
        let (user, group, uid, gid) = if root {
            (
                "nobody".to_string(),
                output("id", &["-gn", "nobody"]),
                output("id", &["-u", "nobody"]),
                output("id", &["-g", "nobody"]),
            )
        } else {
            (
                output("id", &["-un"]),
                output("id", &["-gn"]),
                output("id", &["-u"]),
                output("id", &["-g"]),
            )
        };
        let home = d.join("home");
        for sub in ["run", "state", "home"] {
            std::fs::create_dir(d.join(sub)).unwrap();
        }
        if root {
            use std::os::unix::fs::PermissionsExt;
            // nobody must get through the temp dir (0700) to its home and the passwd file.
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
            std::os::unix::fs::chown(
                &home,
                Some(uid.parse().unwrap()),
                Some(gid.parse().unwrap()),
            )
            .unwrap();
        }
        std::fs::write(
            d.join("passwd"),
            format!(
                "{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{}::\n",
                home.display()
            ),
        )
        .unwrap();
        let conf = format!(
            r#"protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = ungcuu-imap-e2e-{port}
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
first_valid_gid = 1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {d}/dovecot.log
mail_location = maildir:{home}/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {d}/passwd
}}
userdb {{
  driver = passwd-file
  args = {d}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"#,
            d = d.display(),
            home = home.display(),
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        let child = std::process::Command::new(&bin)
            .arg("-F")
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut dovecot = Dovecot {
            child: Some(child),
            port,
            dir,
        };
        let deadline = Instant::now() + WITHIN;
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            if let Some(s) = dovecot.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("dovecot exited: {s}\n{}", dovecot.log());
            }
            assert!(
                Instant::now() < deadline,
                "dovecot not listening\n{}",
                dovecot.log()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        dovecot
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    fn url(&self) -> String {
        // The password is percent-encoded: it has a space and non-ASCII letters.
        let pw: String = url_encode(PASSWORD);
        format!("imap://{USER}:{pw}@127.0.0.1:{}/INBOX", self.port)
    }

    async fn session(&self) -> async_imap::Session<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.unwrap().expect("greeting");
        client
            .login(USER, PASSWORD)
            .await
            .map_err(|(e, _)| e)
            .expect("login")
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A plain text mail as it lies in the mailbox, with the envelope sender it was delivered for.
fn mail(from: &str, subject: &str, id: &str, body: &str) -> String {
    format!(
        "Return-Path: <{FOCAL}>\r\n{}",
        support::mail::plain(from, subject, id, body)
    )
}

/// The binary polling the mailbox at `imap_url` every second, with no SMTP listener.
fn polling(t: &TestDb, imap_url: &str) -> Ungcuu {
    Ungcuu::on(t)
        .env("UNGCUU_IMAP_URL", imap_url)
        .env("UNGCUU_IMAP_POLL_SECS", "1")
        .env("UNGCUU_SMTP_MAX_BYTES", MAX_BYTES.to_string())
}

async fn uids(s: &mut async_imap::Session<TcpStream>, query: &str) -> HashSet<u32> {
    s.select("INBOX").await.unwrap();
    s.uid_search(query).await.unwrap()
}

/// The messages not yet `\Seen`, asked over a session of its own.
async fn unseen(dovecot: &Dovecot) -> HashSet<u32> {
    let mut s = dovecot.session().await;
    let unseen = uids(&mut s, "UNSEEN").await;
    let _ = s.logout().await;
    unseen
}

/// Reports and inbound mails in the database.
async fn counts(db: &Db) -> (i64, i64) {
    (count(db, "reports").await, count(db, "inbound_mail").await)
}

/// Waits until `f` holds, polling the database (not a fixed sleep).
async fn until<F: AsyncFn() -> bool>(what: &str, dovecot: &Dovecot, f: F) {
    let deadline = Instant::now() + WITHIN;
    while !f().await {
        assert!(
            Instant::now() < deadline,
            "{what} within {WITHIN:?}\n{}",
            dovecot.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn story(t: TestDb) {
    let dovecot = Dovecot::start().await;
    seed(&t.url, Seed::default()).await;

    let mut imap = dovecot.session().await;
    let form = mail(
        &format!("Nguyễn Văn An <{FOCAL}>"),
        "[TBSC] Cổng thông tin Sở Tư pháp bị thay đổi giao diện",
        "imap-form-1@bacninh.gov.vn",
        FORM,
    );
    let plain = mail(
        "Trần Thị Hỏi <hoi@x.vn>",
        "Xin hướng dẫn cách báo cáo sự cố",
        "imap-ask-2@x.vn",
        "Kính gửi Đội ứng cứu,\nĐơn vị chúng tôi cần mẫu báo cáo ban đầu.\nTrân trọng.\n",
    );
    // Over the size limit: left unseen for a person to read in the mailbox, never taken.
    let big = mail(
        "Lê Văn Lớn <lon@x.vn>",
        "Nhật ký máy chủ",
        "imap-big-3@x.vn",
        &"nhật ký truy cập máy chủ web\n".repeat(MAX_BYTES / 20),
    );
    for m in [&form, &plain, &big] {
        imap.append("INBOX", None, None, m.as_bytes())
            .await
            .unwrap();
    }
    let all = uids(&mut imap, "UNSEEN").await;
    assert_eq!(all.len(), 3);
    let big_uid = *all.iter().max().unwrap();

    let u = polling(&t, &dovecot.url());
    let server = u.serve(&[]).await;
    let db = Db::connect(&t.url).await.unwrap();
    until("both mails taken", &dovecot, async || {
        let a = inbox::by_key(&db, "imap-form-1@bacninh.gov.vn")
            .await
            .unwrap();
        let b = inbox::by_key(&db, "imap-ask-2@x.vn").await.unwrap();
        a.is_some_and(|a| a.report_id.is_some()) && b.is_some()
    })
    .await;
    let row1 = inbox::by_key(&db, "imap-form-1@bacninh.gov.vn")
        .await
        .unwrap()
        .unwrap();
    let r1 = reports::get(&db, row1.report_id.unwrap()).await.unwrap();
    assert_eq!(r1.channel, Channel::Email);
    assert!(r1.verified, "from the registered focal point");
    assert_eq!(r1.reporter_org_name, "Sở Tư pháp tỉnh Bắc Ninh");
    assert!(
        r1.description
            .starts_with("Trang chủ cổng thông tin bị thay đổi giao diện")
    );
    let row2 = inbox::by_key(&db, "imap-ask-2@x.vn")
        .await
        .unwrap()
        .unwrap();
    assert!(
        row2.report_id.is_none() && !row2.tbsc,
        "plain mail waits in the inbox"
    );
    assert_eq!(row2.from_address.as_deref(), Some("hoi@x.vn"));

    // Seen only after the commit: wait for the STORE that follows it.
    until("both marked seen", &dovecot, async || {
        unseen(&dovecot).await == HashSet::from([big_uid])
    })
    .await;
    assert_eq!(uids(&mut imap, "SEEN").await.len(), 2);

    let before = counts(&t.db).await;
    assert_eq!(before, (1, 2));
    // As after a crash between the commit and the STORE: the form mail is unseen again. The
    // next round hands it over again; the app knows its Message-ID, so no second report.
    let form_uid = *uids(&mut imap, "SEEN").await.iter().min().unwrap();
    let _: Vec<_> = imap
        .uid_store(form_uid.to_string(), "-FLAGS (\\Seen)")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    until("taken again and marked seen", &dovecot, async || {
        unseen(&dovecot).await == HashSet::from([big_uid])
    })
    .await;
    // A few more rounds (one a second) with nothing to take.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(counts(&t.db).await, before, "later rounds create nothing");
    assert!(
        inbox::by_key(&db, "imap-big-3@x.vn")
            .await
            .unwrap()
            .is_none(),
        "oversize mail is not taken"
    );
    assert_eq!(uids(&mut imap, "UNSEEN").await, HashSet::from([big_uid]));
    let _ = imap.logout().await;

    server.stop().await;
    db.close().await;
    t.cleanup().await;
    let log = dovecot.log();
    assert!(
        log.contains(&format!("Login: user=<{USER}>")),
        "ungcuu logged in to dovecot:\n{log}"
    );
}

#[tokio::test]
async fn mail_polled_over_imap_becomes_a_report_and_an_inbox_item_and_is_marked_seen_once_on_sqlite()
 {
    story(TestDb::sqlite_empty().await).await;
}

#[tokio::test]
async fn mail_polled_over_imap_becomes_a_report_and_an_inbox_item_and_is_marked_seen_once_on_postgres()
 {
    story(TestDb::postgres_empty().await).await;
}

/// A refused login is logged and retried with a growing wait; the server stays up and stops
/// cleanly.
#[tokio::test]
async fn a_refused_imap_login_is_retried_and_never_stops_the_server() {
    let dovecot = Dovecot::start().await;
    let t = TestDb::sqlite_empty().await;
    seed(&t.url, Seed::default()).await;
    let wrong = dovecot.url().replace(&url_encode(PASSWORD), "sai-mat-khau");
    let u = polling(&t, &wrong);
    let mut server = u.serve(&[]).await;
    let deadline = Instant::now() + WITHIN;
    while dovecot.log().matches("auth failed").count() < 2 {
        assert!(
            Instant::now() < deadline,
            "retried login\n{}",
            dovecot.log()
        );
        assert!(server.child.try_wait().unwrap().is_none(), "serve exited");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.stop().await;
    t.cleanup().await;
}
