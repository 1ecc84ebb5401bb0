//! The response team roster and delegation (ủy quyền) end to end over both backends: issuing by
//! decision, exactly one lead, the roster at a past date, the history, who may delegate to
//! whom and for how long, withdrawing, who holds the lead's authority at an instant, and the
//! audit row every change leaves.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_app::registry::roster::{
    DelegationInput, MemberInput, RevokeInput, RosterInput, date_vn, today_vn,
};
use ungcuu_app::{Actor, App, AppConfig, AppError};
use ungcuu_domain::delegation::LeadAction;
use ungcuu_domain::roster::MemberRole;
use ungcuu_domain::validate::Reason;
use ungcuu_domain::{OrgId, UserId};
use ungcuu_store::testing::TestDb;

const PW: &str = "mật khẩu rất dài 2026";

async fn apps() -> Vec<(App, TestDb)> {
    let mut v = Vec::new();
    for t in TestDb::both().await {
        v.push((App::new(t.db.clone(), AppConfig::default()), t));
    }
    v
}

async fn org(app: &App, name: &str) -> OrgId {
    let input = OrgInput {
        name: name.into(),
        kind: "police".into(),
        ..Default::default()
    };
    app.create_org(&Actor::cli(), &input).await.unwrap().id
}

async fn user(app: &App, email: &str, name: &str, role: &str, org: OrgId) -> Actor {
    let u = app
        .create_user(
            &Actor::cli(),
            &UserInput {
                name: name.into(),
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

fn uid(a: &Actor) -> UserId {
    a.user_id.unwrap()
}

fn member(name: &str, role: &str, account: Option<&Actor>) -> MemberInput {
    MemberInput {
        name: name.into(),
        role: role.into(),
        title: "Cán bộ".into(),
        agency: "Công an tỉnh Bắc Ninh".into(),
        phone: "0912 345 678".into(),
        email: String::new(),
        org_id: String::new(),
        user_id: account.map(|a| uid(a).to_string()).unwrap_or_default(),
    }
}

fn decision(number: &str, date: &str, members: Vec<MemberInput>) -> RosterInput {
    RosterInput {
        decision_number: number.into(),
        decision_date: date.into(),
        signer_name: "Đặng Quốc Khánh".into(),
        signer_title: "Chủ tịch Ủy ban nhân dân tỉnh".into(),
        effective_from: String::new(),
        note: String::new(),
        members,
    }
}

fn invalid(r: Result<impl std::fmt::Debug, AppError>, who: &str) -> ungcuu_domain::Invalid {
    match r {
        Err(AppError::Invalid(i)) => i,
        other => panic!("{who}: expected bad input, got {other:?}"),
    }
}

fn reason_of(i: &ungcuu_domain::Invalid, field: &str) -> Reason {
    i.0.iter()
        .find(|e| e.field == field)
        .unwrap_or_else(|| panic!("no error on {field}: {i:?}"))
        .reason
        .clone()
}

async fn audit_actions(app: &App) -> Vec<String> {
    ungcuu_store::audit::list(&app.db, None, 1000, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect()
}

fn vn(t: DateTime<Utc>) -> String {
    t.with_timezone(&ungcuu_domain::time::vietnam())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// A team: the lead, a deputy, a standing member, a secretary and a member, each with an
/// account; the roster in force since 01/01/2025 names them all.
struct Team {
    admin: Actor,
    lead: Actor,
    deputy: Actor,
    standing: Actor,
    secretary: Actor,
    member: Actor,
}

async fn team(app: &App) -> Team {
    let police = org(app, "Công an tỉnh Bắc Ninh").await;
    let t = Team {
        admin: user(app, "qt@bn.gov.vn", "Trần Quản Trị", "admin", police).await,
        lead: user(app, "dt@bn.gov.vn", "Lê Văn Trưởng", "doi_truong", police).await,
        deputy: user(app, "dp@bn.gov.vn", "Phạm Đức Phó", "doi_pho", police).await,
        standing: user(
            app,
            "tt@bn.gov.vn",
            "Nguyễn Thị Thường",
            "thuong_truc",
            police,
        )
        .await,
        secretary: user(app, "tk@bn.gov.vn", "Trịnh Thu Trang", "thanh_vien", police).await,
        member: user(
            app,
            "tv@bn.gov.vn",
            "Hoàng Minh Thành",
            "thanh_vien",
            police,
        )
        .await,
    };
    app.issue_roster(
        &t.admin,
        &decision(
            "100/QĐ-UBND",
            "01/01/2025",
            vec![
                member("Lê Văn Trưởng", "doi_truong", Some(&t.lead)),
                member("Phạm Đức Phó", "doi_pho", Some(&t.deputy)),
                member("Nguyễn Thị Thường", "thuong_truc", Some(&t.standing)),
                member("Trịnh Thu Trang", "thu_ky", Some(&t.secretary)),
                member("Hoàng Minh Thành", "thanh_vien", Some(&t.member)),
            ],
        ),
    )
    .await
    .unwrap();
    t
}

fn delegation(
    to: &Actor,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    scope: &str,
) -> DelegationInput {
    DelegationInput {
        delegate_user_id: uid(to).to_string(),
        starts_at: from.to_rfc3339(),
        ends_at: until.to_rfc3339(),
        scope: scope.into(),
        reason: "Đội trưởng đi công tác".into(),
    }
}

#[tokio::test]
async fn issuing_a_roster_records_the_decision_and_its_members_in_order() {
    for (app, t) in apps().await {
        let police = org(&app, "Công an tỉnh Bắc Ninh").await;
        let khcn = org(&app, "Sở Khoa học và Công nghệ").await;
        let tt = user(
            &app,
            "tt@bn.gov.vn",
            "Nguyễn Thị Thường",
            "thuong_truc",
            police,
        )
        .await;
        let mut deputy = member("Phạm Đức Phó", "doi_pho", None);
        deputy.agency = String::new();
        deputy.org_id = khcn.to_string();
        deputy.email = "Pho.PD@BacNinh.gov.vn".into();
        let input = decision(
            "1008/QĐ-UBND",
            "25/09/2025",
            vec![
                member("Lê Văn Trưởng", "doi_truong", None),
                MemberInput::default(),
                deputy,
                member("Nguyễn Thị Thường", "thuong_truc", Some(&tt)),
                MemberInput::default(),
            ],
        );
        let r = app.issue_roster(&tt, &input).await.unwrap();
        assert_eq!(r.decision_number, "1008/QĐ-UBND", "{}", t.name);
        assert_eq!(
            r.decision_date,
            NaiveDate::from_ymd_opt(2025, 9, 25).unwrap()
        );
        assert_eq!(
            r.effective_from, r.decision_date,
            "in force from the day it is signed unless the decision says otherwise"
        );
        let names: Vec<_> = r.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["Lê Văn Trưởng", "Phạm Đức Phó", "Nguyễn Thị Thường"],
            "blank rows are ignored, the order is kept"
        );
        assert_eq!(
            r.members[1].agency, "Sở Khoa học và Công nghệ",
            "agency from the registry"
        );
        assert_eq!(r.members[1].org_id, Some(khcn));
        assert_eq!(r.members[1].email.as_deref(), Some("pho.pd@bacninh.gov.vn"));
        assert_eq!(r.members[2].user_id, tt.user_id, "a user of the system");
        assert_eq!(r.members[2].user_email.as_deref(), Some("tt@bn.gov.vn"));
        assert_eq!(r.members[0].user_id, None);
        assert_eq!(r.lead().unwrap().role, MemberRole::DoiTruong);

        let (day, now) = app.roster_at(&tt, "").await.unwrap();
        assert_eq!(day, today_vn());
        assert_eq!(now.unwrap(), r, "{}", t.name);
        assert_eq!(audit_actions(&app).await[0], "roster.issue");

        // The same decision twice is refused on its number.
        let i = invalid(app.issue_roster(&tt, &input).await, t.name);
        assert_eq!(reason_of(&i, "roster.decision_number"), Reason::Taken);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_roster_needs_exactly_one_lead_and_every_bad_row_is_named() {
    for (app, t) in apps().await {
        let police = org(&app, "Công an tỉnh Bắc Ninh").await;
        let admin = user(&app, "qt@bn.gov.vn", "Trần Quản Trị", "admin", police).await;
        let before = audit_actions(&app).await.len();

        // Two leads: the second lead's role is refused, naming its row.
        let two = decision(
            "1/QĐ-UBND",
            "01/02/2026",
            vec![
                member("Lê Văn Trưởng", "doi_truong", None),
                member("Phạm Đức Phó", "doi_pho", None),
                MemberInput::default(),
                member("Trần Văn Bình", "doi_truong", None),
            ],
        );
        let i = invalid(app.issue_roster(&admin, &two).await, t.name);
        assert_eq!(i.0.len(), 1, "{i:?}");
        assert_eq!(reason_of(&i, "members[3].role"), Reason::OverlappingLead);
        assert_eq!(
            i.0[0].message(ungcuu_domain::Lang::Vi),
            "Vai trò (dòng 4): chỉ được có đúng một Đội trưởng tại một thời điểm"
        );

        // No lead at all.
        let none = decision(
            "2/QĐ-UBND",
            "01/02/2026",
            vec![member("Phạm Đức Phó", "doi_pho", None)],
        );
        let i = invalid(app.issue_roster(&admin, &none).await, t.name);
        assert_eq!(reason_of(&i, "roster.members"), Reason::NoLead);
        let empty = decision("3/QĐ-UBND", "01/02/2026", vec![MemberInput::default(); 5]);
        let i = invalid(app.issue_roster(&admin, &empty).await, t.name);
        assert_eq!(reason_of(&i, "roster.members"), Reason::NoLead);

        // Every bad field of every row, and of the decision, at once.
        let mut bad_role = member("Nguyễn Văn A", "truong_nhom", None);
        bad_role.phone = "gọi tôi".into();
        let mut no_name = member("", "thanh_vien", None);
        no_name.email = "không-phải-email".into();
        let mut no_agency = member("Trần Thị B", "thanh_vien", None);
        no_agency.agency = String::new();
        let mut ghost = member("Lê Văn C", "thanh_vien", None);
        ghost.user_id = "999999".into();
        ghost.org_id = "888888".into();
        let mut twice = member("Lê Văn D", "thanh_vien", Some(&admin));
        twice.phone = String::new();
        let input = RosterInput {
            decision_number: String::new(),
            decision_date: "31/02/2026".into(),
            signer_name: "<b>x</b>".into(),
            signer_title: String::new(),
            effective_from: "mai".into(),
            note: String::new(),
            members: vec![
                member("Lê Văn Trưởng", "doi_truong", Some(&admin)),
                bad_role,
                no_name,
                no_agency,
                ghost,
                twice,
            ],
        };
        let i = invalid(app.issue_roster(&admin, &input).await, t.name);
        for (field, reason) in [
            ("roster.decision_number", Reason::Required),
            ("roster.decision_date", Reason::InvalidDate),
            ("roster.signer_name", Reason::InvalidChars),
            ("roster.signer_title", Reason::Required),
            ("roster.effective_from", Reason::InvalidDate),
            ("members[1].role", Reason::Unknown),
            ("members[1].phone", Reason::InvalidPhone),
            ("members[2].name", Reason::Required),
            ("members[2].email", Reason::InvalidEmail),
            ("members[3].agency", Reason::Required),
            ("members[4].user_id", Reason::Unknown),
            ("members[4].org_id", Reason::Unknown),
            ("members[5].user_id", Reason::Taken),
        ] {
            assert_eq!(reason_of(&i, field), reason, "{}: {field}", t.name);
        }
        assert_eq!(i.0.len(), 13, "{i:?}");

        assert!(
            app.rosters(&admin).await.unwrap().is_empty(),
            "nothing stored"
        );
        assert_eq!(audit_actions(&app).await.len(), before, "nothing audited");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_roster_at_a_past_date_is_the_one_then_in_force_and_every_decision_stays_in_history() {
    for (app, t) in apps().await {
        let police = org(&app, "Công an tỉnh Bắc Ninh").await;
        let admin = user(&app, "qt@bn.gov.vn", "Trần Quản Trị", "admin", police).await;
        let lead = |n: &str| vec![member(n, "doi_truong", None)];
        let issue =
            |number: &'static str, date: &'static str, effective: String, who: &'static str| {
                let app = app.clone();
                let admin = admin.clone();
                async move {
                    let mut d = decision(number, date, lead(who));
                    d.effective_from = effective;
                    app.issue_roster(&admin, &d).await.unwrap()
                }
            };
        let r2024 = issue("512/QĐ-UBND", "15/05/2024", String::new(), "Trần Văn Bình").await;
        let r2025 = issue("1008/QĐ-UBND", "2025-09-25", String::new(), "Lê Văn Trưởng").await;
        let future = (today_vn() + Duration::days(30))
            .format("%d/%m/%Y")
            .to_string();
        let r_next = issue("77/QĐ-UBND", "2026-01-05", future, "Ngô Văn Mới").await;

        let at = |d: String| {
            let app = app.clone();
            let admin = admin.clone();
            async move { app.roster_at(&admin, &d).await.unwrap().1.map(|r| r.id) }
        };
        assert_eq!(
            at("01/01/2024".into()).await,
            None,
            "{}: before any decision",
            t.name
        );
        assert_eq!(
            at("15/05/2024".into()).await,
            Some(r2024.id),
            "in force on its first day"
        );
        assert_eq!(at("2025-09-24".into()).await, Some(r2024.id));
        assert_eq!(at("25/09/2025".into()).await, Some(r2025.id));
        assert_eq!(
            at(String::new()).await,
            Some(r2025.id),
            "today: the next one is not in force yet"
        );
        let later = (today_vn() + Duration::days(31))
            .format("%Y-%m-%d")
            .to_string();
        assert_eq!(at(later).await, Some(r_next.id));

        // Two decisions in force from the same day: the one recorded last.
        let same = issue("513/QĐ-UBND", "15/05/2024", String::new(), "Đỗ Văn Sau").await;
        assert_eq!(at("2024-06-01".into()).await, Some(same.id));

        let history: Vec<_> = app
            .rosters(&admin)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(
            history,
            vec![r_next.id, r2025.id, same.id, r2024.id],
            "{}",
            t.name
        );
        let old = app.get_roster(&admin, r2024.id).await.unwrap();
        assert_eq!(
            old.members[0].name, "Trần Văn Bình",
            "a superseded roster is kept whole"
        );

        let i = invalid(app.roster_at(&admin, "32/13/2025").await, t.name);
        assert_eq!(reason_of(&i, "at"), Reason::InvalidDate);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn only_the_lead_delegates_only_to_a_deputy_or_standing_member_and_for_a_real_period() {
    for (app, t) in apps().await {
        let tm = team(&app).await;
        let now = ungcuu_domain::time::now();
        let (from, until) = (now - Duration::hours(1), now + Duration::days(3));

        // To the deputy, and to the standing member: allowed.
        let d = app
            .create_delegation(
                &tm.lead,
                &delegation(&tm.deputy, from, until, "coordination_only"),
            )
            .await
            .unwrap();
        assert_eq!(d.lead_user_id, uid(&tm.lead), "{}", t.name);
        assert_eq!(d.delegate_name, "Phạm Đức Phó");
        assert!(d.active_at(now));
        app.create_delegation(&tm.lead, &delegation(&tm.standing, from, until, "all"))
            .await
            .unwrap();

        // Not to the secretary, an ordinary member, nor someone off the roster.
        let police = app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap().id;
        let outsider = user(&app, "ng@bn.gov.vn", "Người Ngoài", "doi_pho", police).await;
        for who in [&tm.secretary, &tm.member, &outsider, &tm.lead] {
            let i = invalid(
                app.create_delegation(&tm.lead, &delegation(who, from, until, "all"))
                    .await,
                t.name,
            );
            assert_eq!(
                reason_of(&i, "delegation.delegate"),
                Reason::NotDeputy,
                "{}",
                who.label
            );
        }

        // The period ends after it starts; a reason and a known scope are required.
        let mut bad = delegation(&tm.deputy, until, from, "mọi thứ");
        bad.reason = "  ".into();
        let i = invalid(app.create_delegation(&tm.lead, &bad).await, t.name);
        assert_eq!(reason_of(&i, "delegation.ends_at"), Reason::EndBeforeStart);
        assert_eq!(reason_of(&i, "delegation.scope"), Reason::Unknown);
        assert_eq!(reason_of(&i, "delegation.reason"), Reason::Required);
        let mut same = delegation(&tm.deputy, from, from, "all");
        same.starts_at = vn(from);
        same.ends_at = vn(from);
        let i = invalid(app.create_delegation(&tm.lead, &same).await, t.name);
        assert_eq!(reason_of(&i, "delegation.ends_at"), Reason::EndBeforeStart);
        let empty = invalid(
            app.create_delegation(&tm.lead, &DelegationInput::default())
                .await,
            t.name,
        );
        for f in [
            "delegation.delegate",
            "delegation.starts_at",
            "delegation.ends_at",
            "delegation.scope",
            "delegation.reason",
        ] {
            assert_eq!(reason_of(&empty, f), Reason::Required, "{f}");
        }

        // Someone else with the lead's system role is not this roster's lead.
        let other_lead = user(&app, "dt2@bn.gov.vn", "Trưởng Khác", "doi_truong", police).await;
        assert!(matches!(
            app.create_delegation(&other_lead, &delegation(&tm.deputy, from, until, "all"))
                .await,
            Err(AppError::Forbidden)
        ));
        // The deputy cannot delegate; an administrator may record the lead's delegation.
        assert!(matches!(
            app.create_delegation(&tm.deputy, &delegation(&tm.standing, from, until, "all"))
                .await,
            Err(AppError::Forbidden)
        ));
        let by_admin = app
            .create_delegation(&tm.admin, &delegation(&tm.deputy, from, until, "all"))
            .await
            .unwrap();
        assert_eq!(
            by_admin.lead_user_id,
            uid(&tm.lead),
            "recorded for the lead"
        );
        assert_eq!(by_admin.created_by, tm.admin.user_id);

        // Withdrawing: with a reason, by the lead, once.
        let no_reason = invalid(
            app.revoke_delegation(&tm.lead, d.id, &RevokeInput::default())
                .await,
            t.name,
        );
        assert_eq!(
            reason_of(&no_reason, "delegation.revoked_reason"),
            Reason::Required
        );
        assert!(matches!(
            app.revoke_delegation(&other_lead, d.id, &RevokeInput { reason: "x".into() })
                .await,
            Err(AppError::Forbidden)
        ));
        let r = app
            .revoke_delegation(
                &tm.lead,
                d.id,
                &RevokeInput {
                    reason: "Đội trưởng đã về".into(),
                },
            )
            .await
            .unwrap();
        assert!(r.revoked_at.is_some() && !r.active_at(ungcuu_domain::time::now()));
        assert_eq!(r.revoked_reason.as_deref(), Some("Đội trưởng đã về"));
        let again = invalid(
            app.revoke_delegation(
                &tm.lead,
                d.id,
                &RevokeInput {
                    reason: "lần nữa".into(),
                },
            )
            .await,
            t.name,
        );
        assert_eq!(reason_of(&again, "delegation"), Reason::Ended);
        // An ended delegation cannot be withdrawn either; nothing is deleted.
        let past = app
            .create_delegation(
                &tm.lead,
                &delegation(
                    &tm.deputy,
                    now - Duration::days(10),
                    now - Duration::days(9),
                    "all",
                ),
            )
            .await
            .unwrap();
        let ended = invalid(
            app.revoke_delegation(
                &tm.lead,
                past.id,
                &RevokeInput {
                    reason: "muộn".into(),
                },
            )
            .await,
            t.name,
        );
        assert_eq!(reason_of(&ended, "delegation"), Reason::Ended);
        assert_eq!(
            app.delegations(&tm.member).await.unwrap().len(),
            4,
            "{}",
            t.name
        );
        assert!(matches!(
            app.revoke_delegation(
                &tm.lead,
                ungcuu_domain::ids::DelegationId(9999),
                &RevokeInput { reason: "x".into() }
            )
            .await,
            Err(AppError::NotFound)
        ));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_lead_who_is_not_a_user_cannot_delegate_and_without_a_roster_nobody_can() {
    for (app, t) in apps().await {
        let police = org(&app, "Công an tỉnh Bắc Ninh").await;
        let admin = user(&app, "qt@bn.gov.vn", "Trần Quản Trị", "admin", police).await;
        let deputy = user(&app, "dp@bn.gov.vn", "Phạm Đức Phó", "doi_pho", police).await;
        let now = ungcuu_domain::time::now();
        let input = delegation(&deputy, now, now + Duration::days(1), "all");
        let i = invalid(app.create_delegation(&admin, &input).await, t.name);
        assert_eq!(reason_of(&i, "delegation.lead"), Reason::NoLead);
        assert_eq!(
            app.authority_holder(now, LeadAction::Sign).await.unwrap(),
            None
        );

        app.issue_roster(
            &admin,
            &decision(
                "5/QĐ-UBND",
                "01/01/2025",
                vec![
                    member("Lê Văn Trưởng", "doi_truong", None),
                    member("Phạm Đức Phó", "doi_pho", Some(&deputy)),
                ],
            ),
        )
        .await
        .unwrap();
        let i = invalid(app.create_delegation(&admin, &input).await, t.name);
        assert_eq!(reason_of(&i, "delegation.lead"), Reason::LeadNotUser);
        let h = app
            .authority_holder(now, LeadAction::Sign)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (h.name.as_str(), h.user_id),
            ("Lê Văn Trưởng", None),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_holder_of_the_leads_authority_follows_delegations_instant_by_instant() {
    for (app, t) in apps().await {
        let tm = team(&app).await;
        let now = ungcuu_domain::time::now();
        let t0 = now - Duration::hours(2);
        let h = |n: i64| t0 + Duration::hours(n);
        // Coordination to the deputy for two days; everything to the standing member for the
        // third and fourth hours (issued later, so it wins while both apply).
        let d1 = app
            .create_delegation(
                &tm.lead,
                &delegation(&tm.deputy, h(0), h(48), "coordination_only"),
            )
            .await
            .unwrap();
        let d2 = app
            .create_delegation(&tm.lead, &delegation(&tm.standing, h(3), h(5), "all"))
            .await
            .unwrap();
        let who = |at: DateTime<Utc>, a: LeadAction| {
            let app = app.clone();
            async move {
                let x = app.authority_holder(at, a).await.unwrap().unwrap();
                (x.name, x.delegation.map(|d| d.id))
            }
        };
        let lead = ("Lê Văn Trưởng".to_string(), None);
        let deputy = ("Phạm Đức Phó".to_string(), Some(d1.id));
        let standing = ("Nguyễn Thị Thường".to_string(), Some(d2.id));
        use LeadAction::*;
        let cases = [
            (h(0) - Duration::seconds(1), Coordinate, &lead),
            (h(0), Coordinate, &deputy),
            (h(1), Coordinate, &deputy),
            (h(1), Sign, &lead),
            (h(1), Decide, &lead),
            (h(3), Coordinate, &standing),
            (h(3), Sign, &standing),
            (h(4), Decide, &standing),
            (h(5), Coordinate, &deputy),
            (h(5), Sign, &lead),
        ];
        for (at, action, want) in cases {
            assert_eq!(
                &who(at, action).await,
                want,
                "{}: {action:?} at {at}",
                t.name
            );
        }
        let x = app
            .authority_holder(h(1), Coordinate)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(x.role, MemberRole::DoiPho);
        assert_eq!(x.user_id, tm.deputy.user_id);

        // Withdrawn now: from now on coordination is the lead's again; the past is unchanged.
        app.revoke_delegation(
            &tm.lead,
            d1.id,
            &RevokeInput {
                reason: "Đã về cơ quan".into(),
            },
        )
        .await
        .unwrap();
        let after = ungcuu_domain::time::now() + Duration::seconds(1);
        assert_eq!(who(after, Coordinate).await, lead, "{}", t.name);
        assert_eq!(
            who(h(1), Coordinate).await,
            deputy,
            "who held it then is still answered"
        );

        // A new roster from tomorrow drops the standing member: her delegation no longer
        // counts once it is in force, and the page reader sees the lead.
        let tomorrow = date_vn(now) + Duration::days(1);
        let mut next = decision(
            "200/QĐ-UBND",
            &tomorrow.format("%d/%m/%Y").to_string(),
            vec![
                member("Lê Văn Trưởng", "doi_truong", Some(&tm.lead)),
                member("Phạm Đức Phó", "doi_pho", Some(&tm.deputy)),
            ],
        );
        next.note = "Kiện toàn".into();
        app.issue_roster(&tm.admin, &next).await.unwrap();
        let long = app
            .create_delegation(&tm.lead, &delegation(&tm.standing, h(2), h(24 * 5), "all"))
            .await
            .unwrap();
        // Starting now, so today's roster (which has her) decides whether she may hold it.
        assert_eq!(who(h(2), Sign).await.1, Some(long.id));
        let in_new_roster = tomorrow
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_local_timezone(ungcuu_domain::time::vietnam())
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(who(in_new_roster, Sign).await, lead, "{}", t.name);

        // For readers: parsed from text, named errors otherwise.
        let all = app.authority_now(&tm.member).await.unwrap();
        assert_eq!(all.len(), 3);
        // An instant in the past (h(4) falls into tomorrow's roster after 22:00 Vietnam time).
        let x = app
            .authority(&tm.member, "coordinate", &h(1).to_rfc3339())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(x.name, "Phạm Đức Phó");
        let i = invalid(app.authority(&tm.member, "ký", "hôm qua").await, t.name);
        assert_eq!(reason_of(&i, "action"), Reason::Unknown);
        assert_eq!(reason_of(&i, "at"), Reason::InvalidDate);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn every_change_to_the_roster_and_delegations_is_audited_in_the_chain() {
    for (app, t) in apps().await {
        let tm = team(&app).await;
        let now = ungcuu_domain::time::now();
        let d = app
            .create_delegation(
                &tm.lead,
                &delegation(&tm.deputy, now, now + Duration::days(2), "all"),
            )
            .await
            .unwrap();
        app.revoke_delegation(
            &tm.lead,
            d.id,
            &RevokeInput {
                reason: "Hủy chuyến công tác".into(),
            },
        )
        .await
        .unwrap();
        let rows = ungcuu_store::audit::list(&app.db, None, 3, 0)
            .await
            .unwrap();
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.action.as_str(), r.object_type.as_str(), r.actor.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("delegation.revoke", "delegation", "dt@bn.gov.vn"),
                ("delegation.create", "delegation", "dt@bn.gov.vn"),
                ("roster.issue", "roster", "qt@bn.gov.vn"),
            ],
            "{}",
            t.name
        );
        assert!(
            rows[0]
                .before
                .as_deref()
                .unwrap()
                .contains("\"revoked_at\":null")
        );
        assert!(
            rows[0]
                .after
                .as_deref()
                .unwrap()
                .contains("Hủy chuyến công tác")
        );
        assert!(
            rows[2]
                .after
                .as_deref()
                .unwrap()
                .contains("Nguyễn Thị Thường")
        );
        assert!(ungcuu_store::audit::verify(&app.db).await.unwrap().is_ok());
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_focal_point_or_leadership_reads_the_roster_but_may_not_issue_it_or_delegate() {
    for (app, t) in apps().await {
        let tm = team(&app).await;
        let police = app.resolve_org("Công an tỉnh Bắc Ninh").await.unwrap().id;
        let dm = user(&app, "dm@bn.gov.vn", "Vũ Thu Hà", "dau_moi", police).await;
        let ld = user(&app, "ld@bn.gov.vn", "Ngô Thanh Lãnh", "lanh_dao", police).await;
        let now = ungcuu_domain::time::now();
        let d = app
            .create_delegation(
                &tm.lead,
                &delegation(&tm.deputy, now, now + Duration::days(1), "all"),
            )
            .await
            .unwrap();
        let before = audit_actions(&app).await.len();
        let reissue = decision(
            "9/QĐ-UBND",
            "01/03/2026",
            vec![member("X", "doi_truong", None)],
        );
        for who in [&dm, &ld] {
            assert!(
                app.roster_at(who, "").await.unwrap().1.is_some(),
                "{} reads",
                who.label
            );
            assert_eq!(app.rosters(who).await.unwrap().len(), 1);
            assert_eq!(app.delegations(who).await.unwrap().len(), 1);
            assert!(matches!(
                app.issue_roster(who, &reissue).await,
                Err(AppError::Forbidden)
            ));
            assert!(matches!(
                app.create_delegation(
                    who,
                    &delegation(&tm.deputy, now, now + Duration::days(1), "all")
                )
                .await,
                Err(AppError::Forbidden)
            ));
            assert!(matches!(
                app.revoke_delegation(who, d.id, &RevokeInput { reason: "x".into() })
                    .await,
                Err(AppError::Forbidden)
            ));
        }
        // The standing desk re-issues the roster but does not delegate.
        assert!(matches!(
            app.create_delegation(
                &tm.standing,
                &delegation(&tm.deputy, now, now + Duration::days(1), "all")
            )
            .await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(audit_actions(&app).await.len(), before, "{}", t.name);
        app.issue_roster(&tm.standing, &reissue).await.unwrap();
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_roster_and_delegations_survive_a_backup_and_restore_across_backends() {
    let sources = apps().await;
    for (app, src) in &sources {
        let tm = team(app).await;
        let now = ungcuu_domain::time::now();
        app.create_delegation(
            &tm.lead,
            &delegation(
                &tm.deputy,
                now,
                now + Duration::days(1),
                "coordination_only",
            ),
        )
        .await
        .unwrap();
        let mut file = Vec::new();
        ungcuu_store::backup::backup(&src.db, &mut file)
            .await
            .unwrap();
        for target in [TestDb::sqlite().await, TestDb::postgres().await] {
            let (mut tx, _) = ungcuu_store::backup::restore(&target.db, &file[..])
                .await
                .unwrap();
            ungcuu_store::audit::append(
                &mut tx,
                ungcuu_store::audit::NewAudit {
                    actor_user_id: None,
                    actor: "test".into(),
                    action: "system.restore".into(),
                    object_type: "system".into(),
                    object_id: "0".into(),
                    before: None,
                    after: None,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let copy = App::new(target.db.clone(), AppConfig::default());
            assert_eq!(
                copy.roster_at(&tm.member, "").await.unwrap(),
                app.roster_at(&tm.member, "").await.unwrap(),
                "{} → {}",
                src.name,
                target.name
            );
            assert_eq!(
                copy.delegations(&tm.member).await.unwrap(),
                app.delegations(&tm.member).await.unwrap()
            );
            assert_eq!(
                copy.authority_holder(now, LeadAction::Coordinate)
                    .await
                    .unwrap(),
                app.authority_holder(now, LeadAction::Coordinate)
                    .await
                    .unwrap()
            );
            target.cleanup().await;
        }
    }
    for (_, s) in sources {
        s.cleanup().await;
    }
}

#[tokio::test]
async fn the_demo_province_has_a_full_roster_with_history_and_one_active_delegation() {
    for (app, t) in apps().await {
        app.load_demo()
            .await
            .unwrap()
            .expect("an empty database takes the demo");
        let reader = Actor::from_user(
            &ungcuu_store::accounts::users::find_by_email(&app.db, "lanhdao@demo.ungcuu.vn")
                .await
                .unwrap()
                .unwrap(),
        );
        let (_, now) = app.roster_at(&reader, "").await.unwrap();
        let r = now.unwrap();
        assert!(r.members.len() >= 12, "{}", t.name);
        assert_eq!(
            r.lead().unwrap().user_email.as_deref(),
            Some("doitruong@demo.ungcuu.vn")
        );
        for role in [
            MemberRole::DoiPho,
            MemberRole::ThuongTruc,
            MemberRole::ThuKy,
        ] {
            assert!(r.members.iter().any(|m| m.role == role), "{role:?}");
        }
        let agencies: std::collections::HashSet<_> = r.members.iter().map(|m| &m.agency).collect();
        assert!(agencies.len() >= 8, "members from many agencies");
        assert_eq!(
            app.rosters(&reader).await.unwrap().len(),
            2,
            "a past decision in history"
        );
        let coord = app.authority_now(&reader).await.unwrap();
        assert_eq!(
            coord[0].name, "Phạm Đức Phó",
            "{}: coordination delegated",
            t.name
        );
        assert_eq!(
            coord[1].name, "Lê Văn Trưởng",
            "signing stays with the lead"
        );
        assert_eq!(
            coord[0].delegation.as_ref().unwrap().reason,
            "Đội trưởng đi công tác"
        );
        t.cleanup().await;
    }
}
