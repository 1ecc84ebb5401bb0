//! Official documents over HTTP on both backends: Phụ lục I and II downloaded as PDF and DOCX,
//! the final report form with field-named errors, drafting, issuing under the signing rule of
//! 002 Đ6.5 (the lead signs all, the deputy what executes an upper-level request), gap-free
//! numbers under parallel issuers, the stored PDF's SHA-256, signed copies, corrections.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use ungcuu_app::Actor;
use ungcuu_app::registry::roster::{MemberInput, RosterInput};

async fn issue_roster(e: &Env) {
    let m = |name: &str, role: &str, user: i64| MemberInput {
        name: name.into(),
        role: role.into(),
        agency: "Công an tỉnh Bắc Ninh".into(),
        user_id: user.to_string(),
        ..Default::default()
    };
    e.app
        .issue_roster(
            &Actor::cli(),
            &RosterInput {
                decision_number: "100/QĐ-UBND".into(),
                decision_date: "01/01/2025".into(),
                signer_name: "Đặng Quốc Khánh".into(),
                signer_title: "Chủ tịch Ủy ban nhân dân tỉnh".into(),
                members: vec![
                    m("Lê Văn Trưởng", "doi_truong", e.lead),
                    m("Phạm Đức Phó", "doi_pho", e.deputy),
                ],
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

fn report() -> serde_json::Value {
    serde_json::json!({
        "reporter": {"org_name": "Công an tỉnh Bắc Ninh", "address": "Đường Hùng Vương, phường Tân Tiến, tỉnh Bắc Ninh", "phone": "0222 3822 111", "email": "pa05@bacninh.gov.vn"},
        "contact": {"name": "Vũ Anh Đức", "title": "Thành viên thường trực", "phone": "0982 072 102", "email": "duc@bacninh.gov.vn"},
        "system": {"operator_name": "Phòng An ninh mạng", "owner_name": "Công an tỉnh Bắc Ninh", "name": "Cổng thông tin điện tử", "domains": ["congan.bacninh.gov.vn"], "ips": ["203.162.10.21"], "security_level": 3, "services": ["web", "database"], "measures": ["firewall", "other:Tường lửa ứng dụng web"], "os": "Ubuntu Server", "os_version": "22.04"},
        "description": "Máy chủ bị nhiễm mã độc mã hóa dữ liệu; dịch vụ gián đoạn.",
        "detected_at": "2026-05-04T08:30:00+07:00",
        "handled": false,
        "detection_methods": ["log_review", "notified_by:Trung tâm Giám sát quốc gia"],
        "already_notified": ["coordinator"],
        "attachments_note": "Nhật ký máy chủ",
        "support_requested": "Đề nghị hỗ trợ phân tích mã độc.",
        "confidential": false,
        "reported_at": "2026-05-04T09:15:00+07:00"
    })
}

async fn file_report(e: &Env) -> String {
    let tok = token(&e.app).await;
    let r = send(
        &e.router,
        Request::post("/api/v1/reports")
            .header("authorization", format!("Bearer {tok}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(report().to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["tracking_code"].as_str().unwrap().to_string()
}

/// A GET returning the raw bytes and headers.
async fn fetch(e: &Env, b: &Browser, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = e
        .router
        .clone()
        .oneshot(
            get(path)
                .header(header::COOKIE, &b.cookies)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", p.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn docx_text(docx: &[u8]) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a DOCX is a zip");
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

async fn api_post(e: &Env, b: &Browser, path: &str, body: serde_json::Value) -> Res {
    send(&e.router, post_json(b, path, body, "vi")).await
}

#[tokio::test]
async fn a_report_becomes_numbered_signed_documents_under_the_signing_rule() {
    for e in envs().await {
        let name = e.t.name.to_string();
        issue_roster(&e).await;
        let code = file_report(&e).await;
        let admin = sign_in(&e.router, "admin@bn.gov.vn").await;
        let lead = sign_in(&e.router, "dt@bn.gov.vn").await;
        let deputy = sign_in(&e.router, "dp@bn.gov.vn").await;
        let ld = sign_in(&e.router, "ld@bn.gov.vn").await;

        // Phụ lục I of the stored report, unnumbered, as PDF and DOCX.
        let (s, h, pdf) = fetch(
            &e,
            &admin,
            &format!("/reports/{code}/forms/initial_report/pdf"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{name}");
        assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
        assert!(
            h[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        let text = pdf_text(&pdf);
        for want in [
            "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG",
            "Công an tỉnh Bắc Ninh",
            "Vũ Anh Đức",
            "Phòng An ninh mạng",
            "Cổng thông tin điện tử — congan.bacninh.gov.vn, 203.162.10.21",
            "☒ Cấp độ 3",
            "☒ Chưa được xử lý",
            "☒ Kiểm tra dữ liệu lưu lại (Log File)",
            "☒ Nhận được thông báo từ: Trung tâm Giám sát quốc gia",
            "☒ Cơ quan điều phối",
            "☒ Khác: Tường lửa ứng dụng web",
            "04/05/2026",
            "08 giờ 30 phút",
            "04/05/2026/09/15",
            "Máy chủ bị nhiễm mã độc mã hóa dữ liệu; dịch vụ gián đoạn.",
            "“[TBSC]”",
            "Số: /BC-ĐUCSC",
        ] {
            assert!(text.contains(want), "{name}: {want:?} not in {text}");
        }
        let (s, _, docx) = fetch(
            &e,
            &admin,
            &format!("/reports/{code}/forms/initial_report/docx"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let xml = docx_text(&docx);
        assert!(xml.contains("Vũ Anh Đức") && xml.contains("BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG"));
        // The API gives the same file.
        let (s, _, api_pdf) = fetch(
            &e,
            &admin,
            &format!("/api/v1/reports/{code}/forms/initial_report/pdf"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(api_pdf.starts_with(b"%PDF"));
        // API.md's path for the same document.
        let (s, _, contract_pdf) = fetch(
            &e,
            &admin,
            &format!("/api/v1/reports/{code}/document?format=pdf"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(contract_pdf.starts_with(b"%PDF"));
        let (s, _, contract_docx) = fetch(
            &e,
            &admin,
            &format!("/api/v1/reports/{code}/document?format=docx"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(docx_text(&contract_docx).contains("BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG"));

        // The final report: bad input names its fields and changes nothing.
        let before = audit_rows(&e.app).await;
        let r = api_post(&e, &lead, &format!("/api/v1/reports/{code}/final-report"), serde_json::json!({
            "reporter": {"org_name": "", "address": "x", "phone": "abc", "email": "không-phải-email"},
            "system": {"operator_name": "Phòng An ninh mạng", "security_level": 9},
            "detected_at": "hôm qua"
        })).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            r.body
        );
        for f in [
            "reporter.org_name",
            "reporter.phone",
            "reporter.email",
            "system.security_level",
            "detected_at",
        ] {
            assert!(r.body.contains(f), "{name}: {f} in {}", r.body);
        }
        assert_eq!(audit_rows(&e.app).await, before, "nothing changed");
        let final_ok = serde_json::json!({
            "reporter": {"org_name": "Công an tỉnh Bắc Ninh", "address": "Đường Hùng Vương, Bắc Ninh", "phone": "0222 3822 111", "email": "pa05@bacninh.gov.vn"},
            "system": {"operator_name": "Phòng An ninh mạng", "owner_name": "Công an tỉnh Bắc Ninh", "name": "Cổng thông tin điện tử", "security_level": 3},
            "incident_name": "Mã độc mã hóa dữ liệu",
            "detected_at": "2026-05-04T08:30",
            "result": "Đã cô lập máy chủ, khôi phục từ bản sao lưu, vá lỗ hổng.",
            "attachments": "Biên bản xử lý sự cố; nhật ký máy chủ."
        });
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/reports/{code}/final-report"),
            final_ok.clone(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);

        // Leadership reads but never drafts.
        let r = api_post(
            &e,
            &ld,
            &format!("/api/v1/reports/{code}/documents"),
            serde_json::json!({"kind": "initial_report"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
        // An unknown kind is named.
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/reports/{code}/documents"),
            serde_json::json!({"kind": "cong_van"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("\"kind\""), "{}", r.body);

        // A draft; the deputy may not sign it (no delegation, not an upper-level request).
        let r = api_post(&e, &lead, &format!("/api/v1/reports/{code}/documents"), serde_json::json!({
            "kind": "initial_report", "recipients": ["Bộ Công an (Cục A05);", "UBND tỉnh (để báo cáo);"]
        })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.body);
        let first = r.json()["id"].as_i64().unwrap();
        let r = api_post(
            &e,
            &deputy,
            &format!("/api/v1/documents/{first}/issue"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.body);
        // An administrator is not on the roster: no signature either.
        let r = api_post(
            &e,
            &admin,
            &format!("/api/v1/documents/{first}/issue"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");

        // The lead signs: number 1 of the year, content frozen, PDF kept with its SHA-256.
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/documents/{first}/issue"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
        let v = r.json();
        assert_eq!(v["number_line"], "Số: 01/BC-ĐUCSC");
        assert_eq!(v["document"]["state"], "issued");
        assert_eq!(v["document"]["signer_prefix"], "own");
        let sha = v["document"]["pdf_sha256"].as_str().unwrap().to_string();
        let (s, h, pdf) = fetch(&e, &lead, &format!("/api/v1/documents/{first}/file/pdf")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(hex::encode(Sha256::digest(&pdf)), sha, "the stored bytes");
        assert_eq!(h["x-content-sha256"], sha.as_str());
        let text = pdf_text(&pdf);
        for want in [
            "Số: 01/BC-ĐUCSC",
            "ĐỘI TRƯỞNG",
            "Lê Văn Trưởng",
            "Nơi nhận:",
            "- Bộ Công an (Cục A05);",
            "- Lưu: VT.",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
        ] {
            assert!(text.contains(want), "{name}: {want:?} not in {text}");
        }
        // Issued once only; the same PDF comes back every time.
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/documents/{first}/issue"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let (_, _, again) = fetch(&e, &lead, &format!("/documents/{first}/file/pdf")).await;
        assert_eq!(again, pdf);
        let (s, _, docx) = fetch(&e, &lead, &format!("/documents/{first}/file/docx")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(docx_text(&docx).contains("Số: 01/BC-ĐUCSC"));

        // Executing an upper-level request, the deputy signs: KT. ĐỘI TRƯỞNG, number 2.
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/reports/{code}/documents"),
            serde_json::json!({
                "kind": "initial_report", "upper_coordination": true
            }),
        )
        .await;
        let second = r.json()["id"].as_i64().unwrap();
        let r = api_post(
            &e,
            &deputy,
            &format!("/api/v1/documents/{second}/issue"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
        assert_eq!(r.json()["number_line"], "Số: 02/BC-ĐUCSC");
        let (_, _, pdf2) = fetch(&e, &deputy, &format!("/documents/{second}/file/pdf")).await;
        let text = pdf_text(&pdf2);
        assert!(
            text.contains("KT. ĐỘI TRƯỞNG ĐỘI PHÓ") && text.contains("Phạm Đức Phó"),
            "{name}: {text}"
        );

        // Phụ lục II from the final report, number 3; the final report is then frozen.
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/reports/{code}/documents"),
            serde_json::json!({"kind": "final_report"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let third = r.json()["id"].as_i64().unwrap();
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/documents/{third}/issue"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.json()["number_line"], "Số: 03/BC-ĐUCSC", "{}", r.body);
        let (_, _, pdf3) = fetch(&e, &lead, &format!("/documents/{third}/file/pdf")).await;
        let text = pdf_text(&pdf3);
        for want in [
            "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ",
            &code,
            "Đã cô lập máy chủ, khôi phục từ bản sao lưu, vá lỗ hổng.",
            "Mã độc mã hóa dữ liệu",
            "Biên bản xử lý sự cố; nhật ký máy chủ.",
        ] {
            assert!(text.contains(want), "{name}: {want:?} not in {text}");
        }
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/reports/{code}/final-report"),
            final_ok,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "frozen once issued"
        );

        // A signed copy comes back with its SHA-256; a draft takes none.
        let scan = b"%PDF-1.4 scanned copy with the seal".to_vec();
        let r = send(
            &e.router,
            Request::post(format!(
                "/api/v1/documents/{first}/signed-copies?name=ban-ky.pdf"
            ))
            .header(header::COOKIE, &lead.cookies)
            .header("x-csrf-token", &lead.csrf)
            .header(header::CONTENT_TYPE, "application/pdf")
            .body(Body::from(scan.clone()))
            .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.body);
        assert_eq!(r.json()["sha256"], hex::encode(Sha256::digest(&scan)));
        let copy = r.json()["id"].as_i64().unwrap();
        let (s, _, got) = fetch(
            &e,
            &lead,
            &format!("/documents/{first}/signed-copies/{copy}"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(got, scan);

        // A correction is a new document naming the old one; the old one is untouched.
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/reports/{code}/documents"),
            serde_json::json!({
                "kind": "initial_report", "corrects_document_id": first
            }),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let fix = r.json()["id"].as_i64().unwrap();
        let r = api_post(
            &e,
            &lead,
            &format!("/api/v1/documents/{fix}/issue"),
            serde_json::json!({}),
        )
        .await;
        assert_eq!(r.json()["number_line"], "Số: 04/BC-ĐUCSC");
        let (_, _, pdf4) = fetch(&e, &lead, &format!("/documents/{fix}/file/pdf")).await;
        assert!(pdf_text(&pdf4).contains("(Đính chính văn bản số 1/BC-ĐUCSC)"));
        let (_, _, still) = fetch(&e, &lead, &format!("/documents/{first}/file/pdf")).await;
        assert_eq!(still, pdf);

        // The pages.
        let r = page(&e.router, &lead, &format!("/reports/{code}/documents")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("1/BC-ĐUCSC") && r.body.contains("data-form-pdf"),
            "{name}"
        );
        let r = page(&e.router, &lead, &format!("/documents/{first}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(&sha) && r.body.contains("ban-ky.pdf"));
        let r = page(&e.router, &lead, &format!("/reports/{code}/final-report")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Đã cô lập máy chủ"));
        let r = page(&e.router, &lead, &format!("/intake/{code}")).await;
        if r.status == StatusCode::OK {
            assert!(
                r.body.contains(&format!("/reports/{code}/documents")),
                "a link from the report"
            );
        }
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_final_report_form_names_bad_fields_in_vietnamese_and_saves_good_ones() {
    for e in envs().await {
        issue_roster(&e).await;
        let code = file_report(&e).await;
        let lead = sign_in(&e.router, "dt@bn.gov.vn").await;
        let before = audit_rows(&e.app).await;
        let r = send(
            &e.router,
            post_form(
                &lead,
                &format!("/reports/{code}/final-report"),
                &[
                    ("reporter.org_name", "Công an tỉnh Bắc Ninh"),
                    ("reporter.address", "Bắc Ninh"),
                    ("reporter.phone", "0222 3822 111"),
                    ("reporter.email", "sai"),
                    ("system.operator_name", ""),
                    ("detected_at", "2026-05-04T08:30"),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("Tên đơn vị vận hành") || r.body.contains("system.operator_name"),
            "{}",
            r.body
        );
        assert_eq!(audit_rows(&e.app).await, before);
        let r = send(
            &e.router,
            post_form(
                &lead,
                &format!("/reports/{code}/final-report"),
                &[
                    ("reporter.org_name", "Công an tỉnh Bắc Ninh"),
                    ("reporter.address", "Bắc Ninh"),
                    ("reporter.phone", "0222 3822 111"),
                    ("reporter.email", "pa05@bacninh.gov.vn"),
                    ("system.operator_name", "Phòng An ninh mạng"),
                    ("system.security_level", "3"),
                    ("detected_at", "2026-05-04T08:30"),
                    ("result", "Đã khắc phục."),
                ],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(r.location().contains("/documents"));
        let (s, _, pdf) = fetch(
            &e,
            &lead,
            &format!("/reports/{code}/forms/final_report/pdf"),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(pdf_text(&pdf).contains("Đã khắc phục."));
        e.t.cleanup().await;
    }
}

/// Several issuers at once, through the HTTP stack: every number from 1 to N exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_issuing_gives_every_number_once() {
    for e in envs().await {
        issue_roster(&e).await;
        let code = file_report(&e).await;
        let lead = sign_in(&e.router, "dt@bn.gov.vn").await;
        let n = 8;
        let mut ids = Vec::new();
        for _ in 0..n {
            let r = api_post(
                &e,
                &lead,
                &format!("/api/v1/reports/{code}/documents"),
                serde_json::json!({"kind": "initial_report"}),
            )
            .await;
            ids.push(r.json()["id"].as_i64().unwrap());
        }
        let mut tasks = Vec::new();
        for id in ids {
            let router = e.router.clone();
            let req = post_json(
                &lead,
                &format!("/api/v1/documents/{id}/issue"),
                serde_json::json!({}),
                "vi",
            );
            tasks.push(tokio::spawn(async move { send(&router, req).await }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            let r = t.await.unwrap();
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            numbers.push(r.json()["document"]["number"].as_i64().unwrap());
        }
        numbers.sort();
        assert_eq!(numbers, (1..=n).collect::<Vec<i64>>(), "{}", e.t.name);
        e.t.cleanup().await;
    }
}

/// The issuing body is the App's configuration, not the process's: two Apps on one database
/// draft under their own.
#[tokio::test]
async fn two_apps_in_one_process_draft_under_their_own_issuing_body() {
    use ungcuu_app::documents::{DraftInput, IssuingBody};
    let e = env_with(
        ungcuu_store::testing::TestDb::sqlite().await,
        ungcuu_web::Limits::default(),
    )
    .await;
    let code = file_report(&e).await;
    let other = ungcuu_app::App::new(
        e.t.db.clone(),
        ungcuu_app::AppConfig {
            issuing_body: IssuingBody {
                code: "STTTT".into(),
                ..IssuingBody::default()
            },
            ..ungcuu_app::AppConfig::default()
        },
    );
    let draft = DraftInput {
        kind: "initial_report".into(),
        ..DraftInput::default()
    };
    let ours = e.app.draft_document(&Actor::cli(), &code, &draft).await;
    let theirs = other.draft_document(&Actor::cli(), &code, &draft).await;
    assert_eq!(ours.unwrap().issuing_body, "ĐUCSC");
    assert_eq!(theirs.unwrap().issuing_body, "STTTT");
}
