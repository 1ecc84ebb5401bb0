//! Attachments over HTTP on both database backends, each with a file store: SQLite with the
//! local directory, PostgreSQL with S3 (`s3s-fs` in this process on loopback). Uploads through
//! the report's page and the API, downloads that are never shown inline, the malware zip, the
//! size limit, bad input, and confidential reports.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use ungcuu_app::{Actor, App, AppConfig};
use ungcuu_files::FileStore;
use ungcuu_web::{AppState, Limits, SecureCookies};

const BOUNDARY: &str = "----ungcuu-test-boundary-7d1f";

struct Setup {
    e: Env,
    /// Where the file store keeps its bytes on disk (the directory, or the S3 server's root).
    files_root: PathBuf,
    store: &'static str,
    _dir: tempfile::TempDir,
}

/// An S3 server on 127.0.0.1 keeping the bucket `ungcuu` under `root`.
async fn s3_server(root: &Path) -> String {
    std::fs::create_dir_all(root.join("ungcuu")).unwrap();
    let fs = s3s_fs::FileSystem::new(root).unwrap();
    let mut b = s3s::service::S3ServiceBuilder::new(fs);
    b.set_auth(s3s::auth::SimpleAuth::from_single(
        "test-access",
        "test-secret-key",
    ));
    let service = b.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let http =
            hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
        while let Ok((socket, _)) = listener.accept().await {
            let conn = http
                .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
                .into_owned();
            tokio::spawn(conn);
        }
    });
    format!(
        "s3://ungcuu?endpoint=http://{addr}&region=us-east-1&access_key_id=test-access&secret_access_key=test-secret-key"
    )
}

/// The app of `e` again, with a file store of its own and `max` as the attachment limit.
fn with_files(mut e: Env, files: FileStore, max: u64) -> Env {
    let cfg = AppConfig {
        files,
        attachment_max_bytes: max,
        ..AppConfig::default()
    };
    e.app = App::new(e.t.db.clone(), cfg);
    e.router = ungcuu_web::router(AppState::new(
        e.app.clone(),
        SecureCookies::Auto,
        Limits::default(),
    ));
    e
}

async fn setups(max: u64) -> Vec<Setup> {
    let mut v = Vec::new();
    for e in envs().await {
        let dir = tempfile::tempdir().unwrap();
        let (files, store) = if e.t.name == "sqlite" {
            (FileStore::local(dir.path().join("files")), "local")
        } else {
            (
                FileStore::from_url(&s3_server(dir.path()).await).unwrap(),
                "s3",
            )
        };
        v.push(Setup {
            e: with_files(e, files, max),
            files_root: dir.path().to_path_buf(),
            store,
            _dir: dir,
        });
    }
    v
}

impl Setup {
    fn name(&self) -> String {
        format!("{}+{}", self.e.t.name, self.store)
    }

    /// Stored objects: files named by a store key (32 hex digits), wherever they sit.
    fn objects(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self.files_root.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.len() == 32 && n.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    n += 1;
                }
            }
        }
        n
    }
}

fn report(confidential: bool) -> serde_json::Value {
    serde_json::json!({
        "reporter": {"org_name": "Công an tỉnh Bắc Ninh", "address": "Đường Lý Thái Tổ, Bắc Ninh", "phone": "0222 3822 111", "email": "pa05@bacninh.gov.vn"},
        "contact": {"name": "Nguyễn Văn An", "phone": "0912 000 111", "email": "an@bacninh.gov.vn"},
        "system": {"operator_name": "Phòng Tham mưu", "name": "Cổng thông tin"},
        "description": "Máy chủ bị nhiễm mã độc mã hóa dữ liệu.",
        "detected_at": "2026-05-04T08:30:00+07:00",
        "handled": false,
        "detection_methods": ["ids"],
        "already_notified": [],
        "confidential": confidential,
        "reported_at": "2026-05-04T09:00:00+07:00"
    })
}

async fn file_report(e: &Env, tok: &str, confidential: bool) -> String {
    let r = send(
        &e.router,
        Request::post("/api/v1/reports")
            .header("authorization", format!("Bearer {tok}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(report(confidential).to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["tracking_code"].as_str().unwrap().to_string()
}

/// A multipart body: text fields, then files (name, content type, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, ty, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {ty}\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn api_upload(tok: &str, code: &str, body: Vec<u8>, lang: &str) -> Request<Body> {
    Request::post(format!("/api/v1/reports/{code}/attachments"))
        .header("authorization", format!("Bearer {tok}"))
        .header("accept-language", lang)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap()
}

fn page_upload(b: &Browser, code: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(format!(
        "/reports/{code}/attachments?_csrf={}",
        urlencode(&b.csrf)
    ))
    .header(header::COOKIE, &b.cookies)
    .header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    )
    .body(Body::from(body))
    .unwrap()
}

fn api_get(tok: &str, path: &str) -> Request<Body> {
    Request::get(path)
        .header("authorization", format!("Bearer {tok}"))
        .body(Body::empty())
        .unwrap()
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_string()
}

/// The raw bytes of a response (the helpers' `Res` keeps text).
async fn bytes(
    router: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, body.to_vec())
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A focal point (đầu mối) of `org`, signed in.
async fn focal_point(e: &Env, org: &str, email: &str) -> Browser {
    user_of(e, org, email, "dau_moi").await
}

/// A user of `org` with `role`, signed in.
async fn user_of(e: &Env, org: &str, email: &str, role: &str) -> Browser {
    let org = e.app.resolve_org(org).await.unwrap();
    e.app
        .create_user(
            &Actor::cli(),
            &ungcuu_app::accounts::users::UserInput {
                name: "Đỗ Thị Đầu Mối".into(),
                email: email.into(),
                org_id: org.id.to_string(),
                role: role.into(),
                password: PW.into(),
            },
        )
        .await
        .unwrap();
    sign_in(&e.router, email).await
}

async fn other_org_token(e: &Env) -> String {
    let other = e
        .app
        .create_org(
            &Actor::cli(),
            &ungcuu_app::registry::orgs::OrgInput {
                name: "Sở Y tế".into(),
                kind: "department".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    e.app
        .create_token(
            &Actor::cli(),
            &ungcuu_app::accounts::tokens::TokenInput {
                name: "y tế".into(),
                org_id: other.id.to_string(),
            },
        )
        .await
        .unwrap()
        .1
}

fn header<'a>(h: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn files_go_up_through_the_page_and_the_api_and_come_down_as_downloads_only() {
    for s in setups(ungcuu_app::intake::attachments::DEFAULT_MAX_BYTES).await {
        let e = &s.e;
        let n = s.name();
        let tok = token(&e.app).await;
        let code = file_report(e, &tok, false).await;
        let dm = focal_point(e, "Công an tỉnh Bắc Ninh", "dm@bn.gov.vn").await;

        // The report's page offers the upload to its filer.
        let p = page(&e.router, &dm, &format!("/reports/{code}/attachments")).await;
        assert_eq!(p.status, StatusCode::OK, "{n}: {}", p.body);
        assert!(p.body.contains("enctype=\"multipart/form-data\""), "{n}");
        assert!(
            p.body.contains("type=\"file\" name=\"file\" multiple"),
            "{n}"
        );

        // Two logs from the page, one a little over the global 1 MiB body limit: attachment
        // routes have their own limit.
        let log = "2026-05-04 08:29:58 POST /wp-admin/admin-ajax.php 200 10.0.0.5\n"
            .repeat(20_000)
            .into_bytes();
        assert!(log.len() > ungcuu_web::BODY_LIMIT);
        let audit_before = audit_rows(&e.app).await;
        let r = send(
            &e.router,
            page_upload(
                &dm,
                &code,
                multipart(
                    &[("kind", "log")],
                    &[
                        ("access.log", "text/plain", &log),
                        ("nhật ký hệ thống.txt", "text/plain", b"dong 1\ndong 2\n"),
                    ],
                ),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{n}: {}", r.body);
        assert!(r.location().ends_with("?ok=attachments.created"), "{n}");
        let p = page(&e.router, &dm, r.location()).await;
        assert!(p.body.contains("access.log") && p.body.contains("nhật ký hệ thống.txt"));
        assert!(p.body.contains(&sha(&log)), "{n}: the SHA-256 is shown");
        assert_eq!(
            audit_rows(&e.app).await,
            audit_before + 2,
            "{n}: one audit row per file"
        );

        // A malware sample through the API: 201 with the SHA-256 measured on receipt.
        let sample: &[u8] =
            b"MZ\x90\x00\x03\x00\x00\x00 pretend PE; would be a sample \xde\xad\xbe\xef";
        let r = send(
            &e.router,
            api_upload(
                &tok,
                &code,
                multipart(
                    &[("kind", "malware")],
                    &[("invoice.pdf.exe", "application/x-msdownload", sample)],
                ),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.body);
        let a = r.json();
        assert_eq!(a["sha256"], sha(sample));
        assert_eq!(a["size_bytes"], sample.len());
        assert_eq!(a["kind"], "malware");
        assert_eq!(a["file_name"], "invoice.pdf.exe");
        let id = a["id"].as_i64().unwrap();
        assert!(r.location().ends_with(&format!("/attachments/{id}")));

        let list = send(
            &e.router,
            api_get(&tok, &format!("/api/v1/reports/{code}/attachments")),
        )
        .await;
        assert_eq!(list.status, StatusCode::OK);
        let list = list.json();
        assert_eq!(list.as_array().unwrap().len(), 3, "{n}");
        assert!(
            list[0].get("storage_key").is_none(),
            "the store's key stays inside"
        );
        let log_id = list[0]["id"].as_i64().unwrap();

        // A log downloads at once, as an attachment, with its exact bytes.
        let (st, h, body) = bytes(
            &e.router,
            get(&format!("/reports/{code}/attachments/{log_id}"))
                .header(header::COOKIE, &dm.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{n}");
        assert!(
            header(&h, "content-disposition").starts_with("attachment;"),
            "{n}"
        );
        assert!(header(&h, "content-disposition").contains("filename=\"access.log\""));
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
        assert_eq!(header(&h, "content-length"), log.len().to_string());
        assert_eq!(body, log, "{n}");

        // A malware sample is never shown: first a warning page…
        let w = page(&e.router, &dm, &format!("/reports/{code}/attachments/{id}")).await;
        assert_eq!(w.status, StatusCode::OK);
        assert!(header(&w.headers, "content-type").starts_with("text/html"));
        assert!(
            w.body.contains("?as=zip") && w.body.contains("?as=raw"),
            "{n}"
        );
        assert!(w.body.contains("infected") && w.body.contains(&sha(sample)));
        assert!(
            !w.body.contains("pretend PE"),
            "{n}: the sample's bytes are not in the page"
        );
        // …then the raw file as opaque bytes…
        let (st, h, body) = bytes(
            &e.router,
            get(&format!("/reports/{code}/attachments/{id}?as=raw"))
                .header(header::COOKIE, &dm.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(header(&h, "content-type"), "application/octet-stream");
        assert!(header(&h, "content-disposition").starts_with("attachment;"));
        assert_eq!(header(&h, "x-content-type-options"), "nosniff");
        assert_eq!(body, sample);
        // …or in a zip with the password `infected` (the API serves the same).
        for (path, req) in [
            (
                "page",
                get(&format!("/reports/{code}/attachments/{id}?as=zip"))
                    .header(header::COOKIE, &dm.cookies)
                    .body(Body::empty())
                    .unwrap(),
            ),
            (
                "api",
                api_get(
                    &tok,
                    &format!("/api/v1/reports/{code}/attachments/{id}?as=zip"),
                ),
            ),
        ] {
            let (st, h, zipped) = bytes(&e.router, req).await;
            assert_eq!(st, StatusCode::OK, "{n} {path}");
            assert_eq!(header(&h, "content-type"), "application/zip");
            assert!(header(&h, "content-disposition").contains("invoice.pdf.exe.zip"));
            assert_eq!(header(&h, "content-length"), zipped.len().to_string());
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
            let mut f = z.by_index_decrypt(0, b"infected").unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            assert_eq!(out, sample, "{n} {path}");
        }
        // The API's raw download of a sample is opaque bytes too.
        let (_, h, body) = bytes(
            &e.router,
            api_get(&tok, &format!("/api/v1/reports/{code}/attachments/{id}")),
        )
        .await;
        assert_eq!(header(&h, "content-type"), "application/octet-stream");
        assert!(header(&h, "content-disposition").starts_with("attachment;"));
        assert_eq!(body, sample);
        assert_eq!(s.objects(), 3, "{n}");
        s.e.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_file_past_the_limit_is_413_naming_the_field_and_nothing_is_kept() {
    for s in setups(4096).await {
        let e = &s.e;
        let n = s.name();
        let tok = token(&e.app).await;
        let code = file_report(e, &tok, false).await;
        let dm = focal_point(e, "Công an tỉnh Bắc Ninh", "dm@bn.gov.vn").await;
        let audit_before = audit_rows(&e.app).await;
        let big = vec![b'A'; 10_000];
        let r = send(
            &e.router,
            api_upload(
                &tok,
                &code,
                multipart(&[("kind", "log")], &[("big.log", "text/plain", &big)]),
                "en",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{n}: {}", r.body);
        assert_eq!(r.json()["errors"][0]["field"], "file");
        let msg = r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            msg.contains("larger than allowed") && msg.contains("4.0 KB"),
            "{msg}"
        );

        // From the page, with a small good file before the big one: neither is kept.
        let r = send(
            &e.router,
            page_upload(
                &dm,
                &code,
                multipart(
                    &[("kind", "log")],
                    &[
                        ("small.log", "text/plain", b"ok"),
                        ("big.log", "text/plain", &big),
                    ],
                ),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{n}");
        assert!(
            r.body.contains("vượt quá dung lượng cho phép"),
            "{n}: {}",
            r.body
        );

        // Staged objects are removed in the background; give it a moment.
        for _ in 0..50 {
            if s.objects() == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(s.objects(), 0, "{n}: nothing stored");
        assert_eq!(
            audit_rows(&e.app).await,
            audit_before,
            "{n}: nothing recorded"
        );
        let list = send(
            &e.router,
            api_get(&tok, &format!("/api/v1/reports/{code}/attachments")),
        )
        .await;
        assert_eq!(list.json().as_array().unwrap().len(), 0);
        s.e.t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_gets_422_naming_the_field_and_changes_nothing() {
    for s in setups(1 << 20).await {
        let e = &s.e;
        let n = s.name();
        let tok = token(&e.app).await;
        let code = file_report(e, &tok, false).await;
        let dm = focal_point(e, "Công an tỉnh Bắc Ninh", "dm@bn.gov.vn").await;
        let audit_before = audit_rows(&e.app).await;
        for (body, field, lang, says) in [
            (
                multipart(&[("kind", "video")], &[("a.log", "text/plain", b"x")]),
                "kind",
                "vi",
                "không có trong danh sách",
            ),
            (
                multipart(&[("kind", "log")], &[("a.log", "text/plain", b"")]),
                "file",
                "en",
                "Attached file: must not be empty",
            ),
            (
                multipart(
                    &[("kind", "log")],
                    &[("", "text/plain", b"bytes without a name")],
                ),
                "file",
                "vi",
                "Tệp đính kèm",
            ),
            (
                multipart(&[("kind", "log")], &[]),
                "file",
                "vi",
                "không được để trống",
            ),
        ] {
            let r = send(&e.router, api_upload(&tok, &code, body, lang)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{n} {field}: {}",
                r.body
            );
            assert_eq!(r.json()["errors"][0]["field"], field, "{n}");
            let msg = r.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(msg.contains(says), "{n}: {msg}");
        }
        // Two files where the API takes one.
        let r = send(
            &e.router,
            api_upload(
                &tok,
                &code,
                multipart(&[], &[("a", "text/plain", b"1"), ("b", "text/plain", b"2")]),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{n}");
        // An unknown report.
        let r = send(
            &e.router,
            api_upload(
                &tok,
                "SC-2026-NOSUCHXX",
                multipart(&[], &[("a", "text/plain", b"1")]),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{n}");
        // A page upload without its CSRF token is refused before anything is read.
        let r = send(
            &e.router,
            Request::post(format!("/reports/{code}/attachments"))
                .header(header::COOKIE, &dm.cookies)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&[], &[("a", "text/plain", b"1")])))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{n}");
        for _ in 0..50 {
            if s.objects() == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(s.objects(), 0, "{n}: nothing stored");
        assert_eq!(audit_rows(&e.app).await, audit_before, "{n}");
        s.e.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_confidential_reports_attachments_are_seen_only_within_its_circle() {
    for s in setups(1 << 20).await {
        let e = &s.e;
        let n = s.name();
        let tok = token(&e.app).await;
        let code = file_report(e, &tok, true).await;
        let r = send(
            &e.router,
            api_upload(
                &tok,
                &code,
                multipart(
                    &[("kind", "malware")],
                    &[("mau.bin", "application/octet-stream", b"\x7fELF")],
                ),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.body);
        let id = r.json()["id"].as_i64().unwrap();

        // Another organisation: its token and its focal point find nothing, and cannot add.
        let other_tok = other_org_token(e).await;
        for path in [
            format!("/api/v1/reports/{code}/attachments"),
            format!("/api/v1/reports/{code}/attachments/{id}"),
            format!("/api/v1/reports/{code}/attachments/{id}?as=zip"),
        ] {
            let r = send(&e.router, api_get(&other_tok, &path)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{n} {path}");
        }
        let r = send(
            &e.router,
            api_upload(
                &other_tok,
                &code,
                multipart(&[], &[("x", "text/plain", b"x")]),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{n}");
        let other_dm = focal_point(e, "Sở Y tế", "dm@syt.gov.vn").await;
        for path in [
            format!("/reports/{code}/attachments"),
            format!("/reports/{code}/attachments/{id}"),
            format!("/reports/{code}/attachments/{id}?as=raw"),
        ] {
            let r = page(&e.router, &other_dm, &path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{n} {path}");
        }
        // Leadership (lãnh đạo) of another organisation is outside the confidential circle.
        let ld = user_of(e, "Sở Y tế", "ld@syt.gov.vn", "lanh_dao").await;
        let r = page(
            &e.router,
            &ld,
            &format!("/reports/{code}/attachments/{id}?as=raw"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{n}");
        // The deputy and the lead read it, without the upload form (they do not file).
        for email in ["dp@bn.gov.vn", "dt@bn.gov.vn"] {
            let b = sign_in(&e.router, email).await;
            let p = page(&e.router, &b, &format!("/reports/{code}/attachments")).await;
            assert_eq!(p.status, StatusCode::OK, "{n} {email}");
            assert!(p.body.contains("mau.bin"));
            assert!(!p.body.contains("type=\"file\""), "{n} {email}");
        }
        // The filer's own focal point sees it and may add to it.
        let dm = focal_point(e, "Công an tỉnh Bắc Ninh", "dm@bn.gov.vn").await;
        let p = page(&e.router, &dm, &format!("/reports/{code}/attachments")).await;
        assert!(
            p.body.contains("mau.bin") && p.body.contains("type=\"file\""),
            "{n}"
        );
        s.e.t.cleanup().await;
    }
}
