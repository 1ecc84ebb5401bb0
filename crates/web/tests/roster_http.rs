//! The roster and delegation pages and API in process (no socket), on both backends: pages
//! render for a signed-in person, bad form or JSON input is answered 422 naming the field (and
//! the row) and stores nothing, good input goes through, CSRF is required.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use ungcuu_app::Actor;
use ungcuu_app::registry::roster::{MemberInput, RosterInput};
use ungcuu_store::testing::TestDb;

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

#[tokio::test]
async fn the_roster_pages_render_for_a_signed_in_person() {
    for e in envs().await {
        let admin = sign_in(&e.router, "admin@bn.gov.vn").await;
        let ld = sign_in(&e.router, "ld@bn.gov.vn").await;

        let r = page(&e.router, &admin, "/registry/roster").await;
        assert_eq!(r.status, StatusCode::OK, "{}", e.t.name);
        assert!(r.body.contains("Chưa có quyết định kiện toàn Đội nào."));
        assert!(
            r.body.contains("href=\"/registry/roster/new\""),
            "admin may re-issue"
        );
        let r = page(&e.router, &admin, "/registry/roster/new").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.body.matches("name=\"members[").count(),
            5 * 7,
            "five blank rows"
        );
        assert_eq!(
            page(&e.router, &admin, "/registry/delegations")
                .await
                .status,
            StatusCode::OK
        );

        issue_roster(&e).await;
        for b in [&admin, &ld] {
            let r = page(&e.router, b, "/registry/roster").await;
            assert_eq!(r.status, StatusCode::OK, "{}", e.t.name);
            for text in [
                "Quyết định kiện toàn số 100/QĐ-UBND ngày 01/01/2025",
                "Đặng Quốc Khánh — Chủ tịch Ủy ban nhân dân tỉnh",
                "Phạm Đức Phó",
                "Người đang giữ thẩm quyền của Đội trưởng",
                "dt@bn.gov.vn",
                "Các quyết định kiện toàn",
            ] {
                assert!(r.body.contains(text), "{}: {text}", e.t.name);
            }
            let r = page(&e.router, b, "/registry/delegations").await;
            assert_eq!(r.status, StatusCode::OK);
        }
        let r = page(&e.router, &ld, "/registry/roster").await;
        assert!(
            !r.body.contains("href=\"/registry/roster/new\""),
            "leadership only reads"
        );
        assert_eq!(
            page(&e.router, &ld, "/registry/roster/new").await.status,
            StatusCode::FORBIDDEN
        );
        let r = page(&e.router, &ld, "/registry/delegations").await;
        assert!(
            !r.body.contains("name=\"delegate_user_id\""),
            "leadership does not delegate"
        );

        // The form starts from the current roster, plus blank rows.
        let r = page(&e.router, &admin, "/registry/roster/new").await;
        assert!(r.body.contains("value=\"Phạm Đức Phó\""));
        assert_eq!(r.body.matches("name=\"members[").count(), 7 * 7);
        assert!(r.body.contains(
            "<label class=\"sr-only\" for=\"f-members[2]-name\">Họ và tên (dòng 3)</label>"
        ));

        // A past date, a date with nothing in force, a date that is not one.
        let r = page(&e.router, &admin, "/registry/roster?at=2025-06-01").await;
        assert!(r.body.contains("Danh sách có hiệu lực vào ngày 01/06/2025"));
        assert!(r.body.contains("Phạm Đức Phó"));
        let r = page(&e.router, &admin, "/registry/roster?at=2020-01-01").await;
        assert!(
            r.body
                .contains("Không có danh sách nào có hiệu lực vào ngày 01/01/2020.")
        );
        let r = page(&e.router, &admin, "/registry/roster?at=hôm-qua").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("Ngày: không phải ngày hợp lệ"),
            "{}",
            r.body
        );
        let id = e.app.rosters(&Actor::cli()).await.unwrap()[0].id;
        let r = page(&e.router, &admin, &format!("/registry/roster/{id}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("100/QĐ-UBND"));
        assert_eq!(
            page(&e.router, &admin, "/registry/roster/999").await.status,
            StatusCode::NOT_FOUND
        );
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_roster_form_names_the_bad_field_and_row_stores_nothing_and_then_goes_through() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let before = audit_rows(&e.app).await;
        let head = [
            ("decision_number", "1008/QĐ-UBND"),
            ("decision_date", "2025-09-25"),
            ("signer_name", "Đặng Quốc Khánh"),
            ("signer_title", "Chủ tịch Ủy ban nhân dân tỉnh"),
            ("effective_from", ""),
            ("note", ""),
        ];
        let row = |i: usize, name: &'static str, role: &'static str| {
            vec![
                (format!("members[{i}].name"), name),
                (format!("members[{i}].role"), role),
                (format!("members[{i}].agency"), "Công an tỉnh Bắc Ninh"),
                (format!("members[{i}].phone"), ""),
                (format!("members[{i}].user_id"), ""),
            ]
        };
        let with = |head: &[(&'static str, &'static str)],
                    rows: Vec<Vec<(String, &'static str)>>| {
            let mut v: Vec<(String, String)> = head
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            for r in rows {
                v.extend(r.into_iter().map(|(k, v)| (k, v.to_string())));
            }
            v
        };
        let send_pairs = |pairs: Vec<(String, String)>| {
            let refs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            post_form(&b, "/registry/roster/new", &refs)
        };
        type Case = (Vec<(String, String)>, Vec<&'static str>);
        let mut no_number = head;
        no_number[0].1 = "";
        let mut bad_phone = row(1, "Phạm Đức Phó", "doi_pho");
        bad_phone[3].1 = "gọi 113";
        let cases: Vec<Case> = vec![
            (
                with(
                    &head,
                    vec![
                        row(0, "Lê Văn Trưởng", "doi_truong"),
                        row(1, "Trần Văn Bình", "doi_truong"),
                    ],
                ),
                vec![
                    "Vai trò (dòng 2): chỉ được có đúng một Đội trưởng",
                    "id=\"f-members[1]-role-err\"",
                ],
            ),
            (
                with(
                    &head,
                    vec![row(0, "Phạm Đức Phó", "doi_pho"), row(1, "", "")],
                ),
                vec!["Danh sách thành viên: danh sách phải có một Đội trưởng"],
            ),
            (
                with(&no_number, vec![row(0, "Lê Văn Trưởng", "doi_truong")]),
                vec!["Số quyết định: không được để trống"],
            ),
            (
                with(
                    &head,
                    vec![
                        row(0, "Lê Văn Trưởng", "doi_truong"),
                        bad_phone,
                        row(2, "", "đội viên"),
                    ],
                ),
                vec![
                    "Điện thoại (dòng 2): không phải số điện thoại hợp lệ",
                    "Họ và tên (dòng 3): không được để trống",
                    "Vai trò (dòng 3): giá trị không có trong danh sách",
                    "value=\"gọi 113\"",
                ],
            ),
        ];
        for (pairs, wants) in cases {
            let r = send(&e.router, send_pairs(pairs)).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {}",
                e.t.name,
                r.body
            );
            assert!(r.body.contains("role=\"alert\""));
            for want in wants {
                assert!(r.body.contains(want), "{}: {want} in\n{}", e.t.name, r.body);
            }
        }
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "{}: nothing stored",
            e.t.name
        );
        assert!(e.app.rosters(&Actor::cli()).await.unwrap().is_empty());

        let r = send(
            &e.router,
            send_pairs(with(
                &head,
                vec![
                    row(0, "Lê Văn Trưởng", "doi_truong"),
                    row(1, "", "").into_iter().map(|(k, _)| (k, "")).collect(),
                    row(2, "Phạm Đức Phó", "doi_pho"),
                ],
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/registry/roster?ok=roster.created");
        let r = page(&e.router, &b, "/registry/roster?ok=roster.created").await;
        assert!(r.body.contains("Đã ghi nhận quyết định kiện toàn Đội."));
        assert!(r.body.contains("1008/QĐ-UBND"));
        // The agency was written exactly as a registered organisation: it is linked.
        let r = &e.app.rosters(&Actor::cli()).await.unwrap()[0];
        assert_eq!(r.members.len(), 2);
        assert!(r.members[0].org_id.is_some(), "{}", e.t.name);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_lead_delegates_through_the_form_and_withdraws_it_with_a_reason() {
    for e in envs().await {
        issue_roster(&e).await;
        let b = sign_in(&e.router, "dt@bn.gov.vn").await;
        let r = page(&e.router, &b, "/registry/delegations").await;
        assert!(
            r.body.contains("Phạm Đức Phó — Đội phó"),
            "the deputy is offered"
        );
        let before = audit_rows(&e.app).await;
        let deputy = e.deputy.to_string();
        let good = [
            ("delegate_user_id", deputy.as_str()),
            ("starts_at", "2026-01-05T08:00"),
            ("ends_at", "2099-01-09T17:30"),
            ("scope", "coordination_only"),
            ("reason", "Đội trưởng đi công tác"),
        ];
        let mut backwards = good;
        backwards[2].1 = "2025-12-31T08:00";
        let mut no_reason = good;
        no_reason[4].1 = "";
        let mut no_scope = good;
        no_scope[3].1 = "";
        for (pairs, want) in [
            (
                backwards,
                "Đến: thời điểm kết thúc phải sau thời điểm bắt đầu",
            ),
            (no_reason, "Lý do: không được để trống"),
            (no_scope, "Phạm vi: không được để trống"),
        ] {
            let r = send(&e.router, post_form(&b, "/registry/delegations", &pairs)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.t.name);
            assert!(r.body.contains(want), "{}: {want}", e.t.name);
        }
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "{}: nothing stored",
            e.t.name
        );

        let r = send(&e.router, post_form(&b, "/registry/delegations", &good)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = page(&e.router, &b, "/registry/roster").await;
        assert!(
            r.body
                .contains("Phạm Đức Phó (Đội phó) — theo ủy quyền, đến 09/01/2099 17:30"),
            "{}: the deputy holds coordination\n{}",
            e.t.name,
            r.body
        );
        let id = e.app.delegations(&Actor::cli()).await.unwrap()[0].id;
        let path = format!("/registry/delegations/{id}/revoke");
        let r = page(&e.router, &b, "/registry/delegations").await;
        assert!(r.body.contains(&format!("action=\"{path}\" data-confirm=")));

        let r = send(&e.router, post_form(&b, &path, &[("reason", " ")])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Lý do thu hồi: không được để trống"));
        let r = send(
            &e.router,
            post_form(&b, &path, &[("reason", "Đội trưởng đã về")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = page(&e.router, &b, "/registry/delegations?ok=delegation.revoked").await;
        assert!(r.body.contains("Đã thu hồi ủy quyền."));
        assert!(r.body.contains("Đội trưởng đã về"));
        let r = send(&e.router, post_form(&b, &path, &[("reason", "lần nữa")])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Ủy quyền: đã kết thúc hoặc đã bị thu hồi"));

        // The deputy may not delegate.
        let d = sign_in(&e.router, "dp@bn.gov.vn").await;
        let r = send(&e.router, post_form(&d, "/registry/delegations", &good)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_roster_api_issues_reads_delegates_and_names_every_bad_field() {
    for e in envs().await {
        let b = sign_in(&e.router, "admin@bn.gov.vn").await;
        let r = page(&e.router, &b, "/api/v1/roster").await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{}: nothing in force yet",
            e.t.name
        );
        assert!(r.json()["error"].is_string());
        let before = audit_rows(&e.app).await;

        let bad = serde_json::json!({
            "decision_number": "1008/QĐ-UBND",
            "decision_date": "31/02/2025",
            "signer_name": "Đặng Quốc Khánh",
            "signer_title": "Chủ tịch",
            "members": [
                {"name": "Lê Văn Trưởng", "role": "doi_truong", "agency": "Công an tỉnh"},
                {"name": "Trần Văn Bình", "role": "doi_truong", "agency": "Công an tỉnh", "email": "x@"},
                {"name": "Phạm Đức Phó", "role": "doi_pho", "agency": "Sở KH&CN", "user_id": "424242"}
            ]
        });
        let r = send(
            &e.router,
            post_json(&b, "/api/v1/rosters", bad.clone(), "en"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let errors = r.json()["errors"].as_array().unwrap().clone();
        let fields: Vec<&str> = errors
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for f in [
            "roster.decision_date",
            "members[1].role",
            "members[1].email",
            "members[2].user_id",
        ] {
            assert!(fields.contains(&f), "{}: {f} in {fields:?}", e.t.name);
        }
        let msg = |f: &str| {
            errors.iter().find(|e| e["field"] == f).unwrap()["message"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            msg("members[1].role"),
            "Role (row 2): there must be exactly one team lead at a time"
        );
        let r = send(
            &e.router,
            post_json(
                &b,
                "/api/v1/rosters",
                serde_json::json!({"members": 3}),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "members");
        assert_eq!(
            audit_rows(&e.app).await,
            before,
            "{}: nothing stored",
            e.t.name
        );

        let good = serde_json::json!({
            "decision_number": "1008/QĐ-UBND",
            "decision_date": "2025-09-25",
            "signer_name": "Đặng Quốc Khánh",
            "signer_title": "Chủ tịch Ủy ban nhân dân tỉnh",
            "members": [
                {"name": "Lê Văn Trưởng", "role": "doi_truong", "agency": "Công an tỉnh", "user_id": e.lead.to_string()},
                {"name": "Phạm Đức Phó", "role": "doi_pho", "agency": "Sở Khoa học và Công nghệ", "user_id": e.deputy.to_string()}
            ]
        });
        let r = send(&e.router, post_json(&b, "/api/v1/rosters", good, "vi")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["members"][1]["role"], "doi_pho");
        assert_eq!(r.json()["decision_date"], "2025-09-25");
        let r = page(&e.router, &b, "/api/v1/roster?at=2025-09-25").await;
        assert_eq!(r.json()["decision_number"], "1008/QĐ-UBND");
        let r = page(&e.router, &b, "/api/v1/roster?at=2025-09-24").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = page(&e.router, &b, "/api/v1/rosters").await;
        assert_eq!(r.json().as_array().unwrap().len(), 1);

        let r = send(
            &e.router,
            post_json(
                &b,
                "/api/v1/delegations",
                serde_json::json!({
                    "delegate_user_id": e.deputy.to_string(),
                    "starts_at": "2026-01-05T08:00:00+07:00",
                    "ends_at": "2099-01-01T00:00:00Z",
                    "scope": "coordination_only",
                    "reason": "Đội trưởng đi công tác"
                }),
                "vi",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let r = page(&e.router, &b, "/api/v1/authority?action=coordinate").await;
        assert_eq!(r.json()["name"], "Phạm Đức Phó", "{}", r.body);
        assert_eq!(r.json()["delegation"]["id"], id);
        let r = page(
            &e.router,
            &b,
            "/api/v1/authority?action=sign&at=2026-02-01T00:00:00Z",
        )
        .await;
        assert_eq!(r.json()["name"], "Lê Văn Trưởng");
        let r = page(&e.router, &b, "/api/v1/authority?action=ky&at=yesterday").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<_> = r.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, vec!["action", "at"]);
        let r = page(
            &e.router,
            &b,
            "/api/v1/authority?action=sign&at=2001-01-01T00:00:00Z",
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let path = format!("/api/v1/delegations/{id}/revoke");
        let r = send(&e.router, post_json(&b, &path, serde_json::json!({}), "vi")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "delegation.revoked_reason");
        let r = send(
            &e.router,
            post_json(&b, &path, serde_json::json!({"reason": "Đã về"}), "vi"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.json()["revoked_at"].is_string());
        let r = page(&e.router, &b, "/api/v1/delegations").await;
        assert_eq!(r.json()[0]["revoked_reason"], "Đã về");

        // A machine client acts as a focal point: it reads, it does not issue.
        let org = e.app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap();
        let (_, token) = e
            .app
            .create_token(
                &Actor::cli(),
                &ungcuu_app::accounts::tokens::TokenInput {
                    name: "tích hợp".into(),
                    org_id: org.id.to_string(),
                },
            )
            .await
            .unwrap();
        let r = send(
            &e.router,
            get("/api/v1/roster")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = send(
            &e.router,
            Request::post("/api/v1/rosters")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(bad.to_string()))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        e.t.cleanup().await;
    }
}

#[tokio::test]
async fn every_roster_route_that_changes_something_wants_the_csrf_token() {
    let e = env_with(TestDb::sqlite().await, ungcuu_web::Limits::default()).await;
    issue_roster(&e).await;
    let b = sign_in(&e.router, "admin@bn.gov.vn").await;
    let before = audit_rows(&e.app).await;
    for path in [
        "/registry/roster/new",
        "/registry/delegations",
        "/registry/delegations/1/revoke",
    ] {
        let r = send(
            &e.router,
            Request::post(path)
                .header(header::COOKIE, &b.cookies)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form(&[("reason", "x")])))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(audit_rows(&e.app).await, before);
    e.t.cleanup().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_roster_api() {
    let e = env_with(TestDb::sqlite().await, ungcuu_web::Limits::default()).await;
    let r = send(
        &e.router,
        get("/api/v1/openapi.json").body(Body::empty()).unwrap(),
    )
    .await;
    let doc = r.json();
    for p in [
        "/api/v1/roster",
        "/api/v1/rosters",
        "/api/v1/delegations",
        "/api/v1/delegations/{id}/revoke",
        "/api/v1/authority",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    for s in [
        "RosterInput",
        "MemberInput",
        "Roster",
        "Member",
        "DelegationInput",
        "Delegation",
        "AuthorityHolder",
    ] {
        assert!(doc["components"]["schemas"][s].is_object(), "{s} missing");
    }
    e.t.cleanup().await;
}
