//! Use cases end to end over both backends: sign-in, second factor, lock-out, scope of a
//! focal point, tokens, and the audit row every change leaves.

use ungcuu_app::accounts::signin::{SignIn, SignInError};
use ungcuu_app::accounts::tokens::TokenInput;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_app::{Actor, App, AppConfig, AppError};
use ungcuu_domain::OrgId;
use ungcuu_store::testing::TestDb;

const PW: &str = "mật khẩu rất dài 2026";

async fn org(app: &App, name: &str, parent: Option<OrgId>) -> OrgId {
    let input = OrgInput {
        name: name.into(),
        kind: "department".into(),
        parent_id: parent.map(|p| p.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    app.create_org(&Actor::cli(), &input).await.unwrap().id
}

async fn user(app: &App, email: &str, role: &str, org: OrgId) -> Actor {
    let u = app
        .create_user(
            &Actor::cli(),
            &UserInput {
                name: "Nguyễn Văn An".into(),
                email: email.into(),
                org_id: org.to_string(),
                role: role.into(),
                password: PW.into(),
            },
        )
        .await
        .unwrap();
    Actor::from_user(&u)
}

async fn apps() -> Vec<(App, TestDb)> {
    let mut v = Vec::new();
    for t in TestDb::both().await {
        v.push((App::new(t.db.clone(), AppConfig::default()), t));
    }
    v
}

#[tokio::test]
async fn a_focal_point_acts_for_its_own_organisation_and_those_below_only() {
    for (app, t) in apps().await {
        let ubnd = org(&app, "UBND tỉnh", None).await;
        let so = org(&app, "Sở Tài chính", Some(ubnd)).await;
        let phong = org(&app, "Phòng Kế hoạch", Some(so)).await;
        let other = org(&app, "Sở Y tế", Some(ubnd)).await;
        let dm = user(&app, "dm@stc.gov.vn", "dau_moi", so).await;

        let seen: Vec<OrgId> = app
            .list_orgs(&dm, None, false)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(seen, vec![so, phong], "{}", t.name);
        assert!(
            matches!(app.get_org(&dm, other).await, Err(AppError::NotFound)),
            "{}",
            t.name
        );
        // May add a unit under its own organisation, not under another.
        let ok = OrgInput {
            name: "Phòng Tin học".into(),
            kind: "department".into(),
            parent_id: so.to_string(),
            ..Default::default()
        };
        assert!(app.create_org(&dm, &ok).await.is_ok(), "{}", t.name);
        let bad = OrgInput {
            parent_id: other.to_string(),
            name: "Phòng lạ".into(),
            ..ok.clone()
        };
        match app.create_org(&dm, &bad).await {
            Err(AppError::Invalid(i)) => assert!(i.has("org.parent"), "{}", t.name),
            r => panic!("{}: {r:?}", t.name),
        }
        // May archive below, never its own organisation.
        assert!(app.set_org_archived(&dm, phong, true).await.is_ok());
        assert!(matches!(
            app.set_org_archived(&dm, so, true).await,
            Err(AppError::Forbidden)
        ));
        // Cannot make users.
        let nu = UserInput {
            name: "X".into(),
            email: "x@stc.gov.vn".into(),
            org_id: so.to_string(),
            role: "dau_moi".into(),
            password: PW.into(),
        };
        assert!(matches!(
            app.create_user(&dm, &nu).await,
            Err(AppError::Forbidden)
        ));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn leadership_reads_everything_and_changes_nothing() {
    for (app, t) in apps().await {
        let ubnd = org(&app, "UBND tỉnh", None).await;
        let ld = user(&app, "ld@bacninh.gov.vn", "lanh_dao", ubnd).await;
        let rows_before = ungcuu_store::audit::count(&app.db).await.unwrap();
        assert_eq!(app.list_orgs(&ld, None, false).await.unwrap().len(), 1);
        let input = OrgInput {
            name: "Sở mới".into(),
            kind: "department".into(),
            ..Default::default()
        };
        assert!(
            matches!(app.create_org(&ld, &input).await, Err(AppError::Forbidden)),
            "{}",
            t.name
        );
        assert!(
            matches!(
                app.update_org(&ld, ubnd, &input).await,
                Err(AppError::Forbidden)
            ),
            "{}",
            t.name
        );
        assert_eq!(
            ungcuu_store::audit::count(&app.db).await.unwrap(),
            rows_before,
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_organisation_input_names_every_field_and_changes_nothing() {
    for (app, t) in apps().await {
        let before = ungcuu_store::audit::count(&app.db).await.unwrap();
        let input = OrgInput {
            name: "<script>alert(1)</script>".into(),
            kind: "bakery".into(),
            parent_id: "abc".into(),
            phone: "call me".into(),
            email: "not-an-email".into(),
            website: "javascript:alert(1)".into(),
            address: "x".repeat(301),
        };
        match app.create_org(&Actor::cli(), &input).await {
            Err(AppError::Invalid(i)) => {
                let fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(
                    fields,
                    [
                        "org.name",
                        "org.kind",
                        "org.parent",
                        "org.address",
                        "org.phone",
                        "org.email",
                        "org.website"
                    ],
                    "{}",
                    t.name
                );
            }
            r => panic!("{r:?}"),
        }
        assert_eq!(ungcuu_store::audit::count(&app.db).await.unwrap(), before);
        assert_eq!(
            ungcuu_store::registry::orgs::count(&app.db).await.unwrap(),
            0
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_duplicate_name_or_email_is_named() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Tư pháp", None).await;
        user(&app, "a@stp.gov.vn", "dau_moi", o).await;
        let dup = OrgInput {
            name: "Sở Tư pháp".into(),
            kind: "department".into(),
            ..Default::default()
        };
        match app.create_org(&Actor::cli(), &dup).await {
            Err(AppError::Invalid(i)) => assert!(i.has("org.name"), "{}", t.name),
            r => panic!("{r:?}"),
        }
        let u = UserInput {
            name: "B".into(),
            email: "A@STP.gov.vn".into(),
            org_id: o.to_string(),
            role: "dau_moi".into(),
            password: PW.into(),
        };
        match app.create_user(&Actor::cli(), &u).await {
            Err(AppError::Invalid(i)) => assert!(i.has("user.email"), "{}", t.name),
            r => panic!("{r:?}"),
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_even_against_the_right_one() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Y tế", None).await;
        user(&app, "yte@bacninh.gov.vn", "dau_moi", o).await;
        for i in 1..=4 {
            assert!(
                matches!(
                    app.sign_in("yte@bacninh.gov.vn", "sai", None, None).await,
                    Err(SignInError::Failed)
                ),
                "try {i}"
            );
        }
        assert!(matches!(
            app.sign_in("yte@bacninh.gov.vn", "sai", None, None).await,
            Err(SignInError::Locked { minutes: 1 })
        ));
        assert!(
            matches!(
                app.sign_in("yte@bacninh.gov.vn", PW, None, None).await,
                Err(SignInError::Locked { .. })
            ),
            "{}",
            t.name
        );
        // Unknown accounts fail the same way as wrong passwords.
        assert!(matches!(
            app.sign_in("nobody@x.vn", PW, None, None).await,
            Err(SignInError::Failed)
        ));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn sign_in_with_totp_needs_a_fresh_code_or_a_recovery_code_once() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Nội vụ", None).await;
        let a = user(&app, "nv@bacninh.gov.vn", "dau_moi", o).await;
        let enrol = app.start_totp(&a).await.unwrap();
        assert!(enrol.qr_svg.contains("<svg"));
        assert!(enrol.otpauth_url.starts_with("otpauth://totp/"));
        let now = chrono::Utc::now();
        let code = |at: chrono::DateTime<chrono::Utc>| {
            let bytes = totp_rs::Secret::Encoded(enrol.secret.clone())
                .to_bytes()
                .unwrap();
            totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into())
                .unwrap()
                .generate(at.timestamp() as u64)
        };
        assert!(
            matches!(
                app.confirm_totp(&a, "000000").await,
                Err(AppError::Invalid(_))
            ) || code(now) == "000000"
        );
        let recovery = app.confirm_totp(&a, &code(now)).await.unwrap();
        assert_eq!(recovery.len(), 10);

        let half = match app.sign_in("nv@bacninh.gov.vn", PW, None, None).await {
            Ok(SignIn::NeedSecondFactor(s)) => s,
            r => panic!("{r:?}"),
        };
        // The half-session is not a session.
        let s = app.session(&half.token).await.unwrap().unwrap();
        assert!(s.mfa_pending);
        // The code used to confirm cannot be replayed.
        assert!(
            app.second_factor(&half.token, &code(now)).await.is_err(),
            "{}",
            t.name
        );
        let full = app
            .second_factor(&half.token, &code(now + chrono::Duration::seconds(30)))
            .await
            .unwrap();
        assert!(
            app.session(&half.token).await.unwrap().is_none(),
            "old token void"
        );
        let s = app.session(&full.token).await.unwrap().unwrap();
        assert!(!s.mfa_pending);
        app.sign_out(&s).await.unwrap();
        assert!(app.session(&full.token).await.unwrap().is_none());

        // A recovery code works once.
        for expect_ok in [true, false] {
            let half = match app.sign_in("nv@bacninh.gov.vn", PW, None, None).await {
                Ok(SignIn::NeedSecondFactor(s)) => s,
                r => panic!("{r:?}"),
            };
            assert_eq!(
                app.second_factor(&half.token, &recovery[0].to_uppercase())
                    .await
                    .is_ok(),
                expect_ok,
                "{}",
                t.name
            );
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_api_token_is_shown_once_works_until_revoked_and_is_tied_to_its_organisation() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Công Thương", None).await;
        let (tok, secret) = app
            .create_token(
                &Actor::cli(),
                &TokenInput {
                    name: "Hệ thống một cửa".into(),
                    org_id: o.to_string(),
                },
            )
            .await
            .unwrap();
        assert!(secret.starts_with("ucu_") && secret.len() > 40);
        let actor = app.token_actor(&secret).await.unwrap().unwrap();
        assert_eq!(actor.org_id, Some(o));
        assert!(app.token_actor("ucu_wrong").await.unwrap().is_none());
        // The secret is not stored anywhere in the database.
        let mut dump = Vec::new();
        ungcuu_store::backup::backup(&app.db, &mut dump)
            .await
            .unwrap();
        assert!(
            !String::from_utf8(dump).unwrap().contains(&secret),
            "{}",
            t.name
        );
        app.revoke_token(&Actor::cli(), tok.id).await.unwrap();
        assert!(
            app.token_actor(&secret).await.unwrap().is_none(),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn every_change_leaves_one_audit_row_and_the_chain_holds() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Xây dựng", None).await;
        let a = user(&app, "xd@bacninh.gov.vn", "dau_moi", o).await;
        let mut upd = OrgInput::from_org(&app.get_org(&a, o).await.unwrap());
        upd.phone = "0222 3822 345".into();
        app.update_org(&a, o, &upd).await.unwrap();
        let rows = app.audit_page(&Actor::cli(), 10, 0).await.unwrap();
        let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            actions,
            ["org.update", "user.create", "org.create"],
            "{}",
            t.name
        );
        assert_eq!(rows[0].actor, "xd@bacninh.gov.vn");
        assert!(
            rows[0]
                .before
                .as_deref()
                .unwrap()
                .contains("\"phone\":null")
        );
        assert!(rows[0].after.as_deref().unwrap().contains("0222 3822 345"));
        assert!(
            !rows[1].after.as_deref().unwrap().contains("argon2"),
            "no password hash in the audit trail"
        );
        assert_eq!(app.verify_audit(&Actor::cli()).await.unwrap(), Ok(3));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_demo_province_loads_once_with_every_role() {
    let t = TestDb::sqlite().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    let s = app.load_demo().await.unwrap().unwrap();
    assert!(s.orgs > 100, "{}", s.orgs);
    let roles: std::collections::HashSet<&str> = s.users.iter().map(|u| u.role).collect();
    assert_eq!(roles.len(), ungcuu_domain::Role::ALL.len());
    for u in &s.users {
        assert!(
            matches!(
                app.sign_in(u.email, s.password, None, None).await,
                Ok(SignIn::Done(_))
            ),
            "{}",
            u.email
        );
    }
    assert!(
        app.load_demo().await.unwrap().is_none(),
        "a second load does nothing"
    );
    // Every organisation, its two contacts, every system and user, and each sign-in above
    // left an audit row, and the chain holds.
    let rows = app.verify_audit(&Actor::cli()).await.unwrap().unwrap() as usize;
    assert!(rows >= s.orgs * 3 + s.systems + s.users.len() * 2, "{rows}");
    assert!(
        (350..=450).contains(&s.systems),
        "about 400 systems: {}",
        s.systems
    );
    use ungcuu_app::registry::systems::SystemQuery;
    for level in 1..=4 {
        let q = SystemQuery {
            level: Some(level),
            ..Default::default()
        };
        assert!(
            app.list_systems(&Actor::cli(), &q).await.unwrap().1 > 0,
            "no system of level {level}"
        );
    }
    // Organisations carry what the report form asks of the reporter.
    let stc = app.resolve_org("Sở Tài chính").await.unwrap();
    assert!(stc.phone.is_some() && stc.email.is_some() && stc.address.is_some());
    let critical = SystemQuery {
        critical: Some(true),
        ..Default::default()
    };
    assert!(app.list_systems(&Actor::cli(), &critical).await.unwrap().1 >= 5);
    t.cleanup().await;
}
