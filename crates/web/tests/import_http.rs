//! Bulk import and export over HTTP, on both backends: the upload page (multipart, its CSRF
//! token in the form's action), a file refused whole with its bad line shown and then
//! imported, downloads with their type and name, the API's report, and the refusals (no
//! token, no right, too large).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use ungcuu_store::registry::orgs;

const BOUNDARY: &str = "ungcuu-test-boundary-7MA4YWxk";

/// A multipart body as a browser sends a form with a file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: text/csv\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload(b: &Browser, action: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(action)
        .header(header::COOKIE, &b.cookies)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// The upload form's action, as the page writes it.
fn form_action(html: &str) -> String {
    let i = html
        .find("enctype=\"multipart/form-data\"")
        .expect("an upload form");
    let form = &html[..i];
    let a = form.rfind("action=\"").expect("an action") + 8;
    form[a..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#x3D;", "=")
}

const BAD: &str = "Tên tổ chức,Loại tổ chức,Tổ chức cấp trên,Email\n\
                   Sở Nội vụ,\"Sở, ban, ngành\",,snv@bacninh.gov.vn\n\
                   Phòng Tổ chức cán bộ,Khác,Sở Nội vụ,không-phải-email\n";

const GOOD: &str = "Tên tổ chức,Loại tổ chức,Tổ chức cấp trên,Email\n\
                    Sở Nội vụ,\"Sở, ban, ngành\",,snv@bacninh.gov.vn\n\
                    Phòng Tổ chức cán bộ,Khác,Sở Nội vụ,tccb@bacninh.gov.vn\n";

#[tokio::test]
async fn the_upload_page_checks_a_file_shows_its_bad_line_then_imports_the_fixed_one() {
    for env in envs().await {
        let b = sign_in(&env.router, "admin@bn.gov.vn").await;
        let page = send(
            &env.router,
            get("/registry/import?kind=orgs")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{}", env.t.name);
        assert!(page.body.contains("Chỉ kiểm tra, không nhập (chạy thử)"));
        assert!(page.body.contains("/registry/templates/systems.xlsx"));
        let action = form_action(&page.body);
        assert!(action.starts_with("/registry/import?_csrf="), "{action}");
        let before = audit_rows(&env.app).await;

        // A dry run of a file with one bad row: that row's line and column, nothing stored.
        let dry = send(
            &env.router,
            upload(
                &b,
                &action,
                multipart(
                    &[("kind", "orgs"), ("dry_run", "1")],
                    ("to-chuc.csv", BAD.as_bytes()),
                ),
            ),
        )
        .await;
        assert_eq!(dry.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", dry.body);
        assert!(dry.body.contains("role=\"alert\""));
        assert!(
            dry.body
                .contains("<tr><td>3</td><td>Email</td><td>không phải địa chỉ email hợp lệ"),
            "{}",
            dry.body
        );
        // The real run of the same file also refuses.
        let real = send(
            &env.router,
            upload(
                &b,
                &action,
                multipart(&[("kind", "orgs")], ("to-chuc.csv", BAD.as_bytes())),
            ),
        )
        .await;
        assert_eq!(real.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(audit_rows(&env.app).await, before);
        assert!(
            orgs::find_by_name(&env.app.db, "Sở Nội vụ")
                .await
                .unwrap()
                .is_none()
        );

        // Fixed: a dry run says it is good, then the import writes both rows.
        let dry = send(
            &env.router,
            upload(
                &b,
                &action,
                multipart(
                    &[("kind", "orgs"), ("dry_run", "1")],
                    ("to-chuc.csv", GOOD.as_bytes()),
                ),
            ),
        )
        .await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
        assert!(dry.body.contains("2 dòng sẵn sàng để nhập"), "{}", dry.body);
        assert_eq!(audit_rows(&env.app).await, before);
        let done = send(
            &env.router,
            upload(
                &b,
                &action,
                multipart(&[("kind", "orgs")], ("to-chuc.csv", GOOD.as_bytes())),
            ),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("Đã nhập 2 dòng."), "{}", done.body);
        assert_eq!(audit_rows(&env.app).await, before + 3);
        let parent = orgs::find_by_name(&env.app.db, "Sở Nội vụ")
            .await
            .unwrap()
            .unwrap();
        let child = orgs::find_by_name(&env.app.db, "Phòng Tổ chức cán bộ")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(child.parent_id, Some(parent.id));
        env.t.cleanup().await;
    }
}

#[tokio::test]
async fn an_upload_without_its_csrf_token_is_refused() {
    for env in envs().await {
        let b = sign_in(&env.router, "admin@bn.gov.vn").await;
        let before = audit_rows(&env.app).await;
        for action in [
            "/registry/import".to_string(),
            "/registry/import?_csrf=not-the-token".to_string(),
        ] {
            let res = send(
                &env.router,
                upload(
                    &b,
                    &action,
                    multipart(&[("kind", "orgs")], ("to-chuc.csv", GOOD.as_bytes())),
                ),
            )
            .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{} {action}", env.t.name);
        }
        // The query token is no way around the form's token for an ordinary form.
        let res = send(
            &env.router,
            Request::post(format!("/registry/import?_csrf={}", b.csrf))
                .header(header::COOKIE, &b.cookies)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("kind=orgs"))
                .unwrap(),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(audit_rows(&env.app).await, before);
        env.t.cleanup().await;
    }
}

#[tokio::test]
async fn templates_and_exports_download_with_their_type_and_name() {
    for env in envs().await {
        let b = sign_in(&env.router, "ld@bn.gov.vn").await;
        let fetch = |path: &str| {
            send(
                &env.router,
                get(path)
                    .header(header::COOKIE, &b.cookies)
                    .body(Body::empty())
                    .unwrap(),
            )
        };
        let t = fetch("/registry/templates/systems.xlsx").await;
        assert_eq!(t.status, StatusCode::OK, "{}", env.t.name);
        assert_eq!(
            t.headers[header::CONTENT_TYPE],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            t.headers[header::CONTENT_DISPOSITION],
            "attachment; filename=\"mau-he-thong-thong-tin.xlsx\""
        );
        assert!(t.body.starts_with("PK"));

        let e = fetch("/registry/export/orgs.csv").await;
        assert_eq!(e.status, StatusCode::OK);
        assert_eq!(e.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        let cd = e.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            cd.starts_with("attachment; filename=\"to-chuc-") && cd.ends_with(".csv\""),
            "{cd}"
        );
        assert!(e.body.starts_with('\u{feff}'), "Excel needs the BOM");
        assert!(e.body.contains("Tên tổ chức,Loại tổ chức"));
        assert!(e.body.contains("Công an tỉnh Bắc Ninh,Công an"));

        assert_eq!(
            fetch("/registry/export/people.csv").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            fetch("/registry/templates/orgs.pdf").await.status,
            StatusCode::NOT_FOUND
        );
        // Leadership reads and exports, but does not import.
        assert_eq!(
            fetch("/registry/import").await.status,
            StatusCode::FORBIDDEN
        );
        env.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_api_answers_an_import_with_its_report() {
    for env in envs().await {
        let b = sign_in(&env.router, "admin@bn.gov.vn").await;
        let post = |path: &str, ct: &str, body: Vec<u8>| {
            Request::post(path)
                .header(header::COOKIE, &b.cookies)
                .header("x-csrf-token", &b.csrf)
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap()
        };
        let before = audit_rows(&env.app).await;
        let bad = send(
            &env.router,
            post(
                "/api/v1/import/orgs?dry_run=true",
                "text/csv",
                BAD.as_bytes().to_vec(),
            ),
        )
        .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            env.t.name,
            bad.body
        );
        let j = bad.json();
        assert_eq!(j["errors"][0]["line"], 3);
        assert_eq!(j["errors"][0]["column"], "Email");
        assert_eq!(j["errors"][0]["field"], "line 3: Email");
        assert_eq!(j["created"], 0);
        let dry = send(
            &env.router,
            post(
                "/api/v1/import/orgs?dry_run=true",
                "text/csv; charset=utf-8",
                GOOD.as_bytes().to_vec(),
            ),
        )
        .await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
        assert_eq!(dry.json()["rows_total"], 2);
        assert_eq!(audit_rows(&env.app).await, before);
        let done = send(
            &env.router,
            post(
                "/api/v1/import/orgs",
                "application/octet-stream",
                GOOD.as_bytes().to_vec(),
            ),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(done.json()["created"], 2);
        assert_eq!(done.json()["dry_run"], false);

        let x = send(
            &env.router,
            get("/api/v1/export/orgs?format=xlsx")
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(x.status, StatusCode::OK);
        assert_eq!(
            x.headers[header::CONTENT_TYPE],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(x.body.starts_with("PK"));

        // A machine client acts as its organisation's focal point: no bulk import.
        let token = token(&env.app).await;
        let res = send(
            &env.router,
            Request::post("/api/v1/import/systems")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(GOOD))
                .unwrap(),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);

        // Past 20 MB: 413, before anything is read.
        let huge = vec![b'a'; 21 * 1024 * 1024];
        let res = send(&env.router, post("/api/v1/import/orgs", "text/csv", huge)).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);

        let doc = send(
            &env.router,
            get("/api/v1/openapi.json").body(Body::empty()).unwrap(),
        )
        .await
        .json();
        assert!(doc["paths"]["/api/v1/import/{kind}"]["post"].is_object());
        assert!(doc["paths"]["/api/v1/export/{kind}"]["get"].is_object());
        env.t.cleanup().await;
    }
}
