//! The registry over both backends: information systems with every field of the form,
//! search without diacritics, a focal point's reach, retiring, and contacts with history.

use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::registry::contacts::ContactInput;
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_app::registry::systems::{SystemInput, SystemQuery};
use ungcuu_app::{Actor, App, AppConfig, AppError};
use ungcuu_domain::OrgId;
use ungcuu_domain::system::SystemStatus;
use ungcuu_store::testing::TestDb;

async fn org(app: &App, name: &str, parent: Option<OrgId>) -> OrgId {
    let input = OrgInput {
        name: name.into(),
        kind: "department".into(),
        parent_id: parent.map(|p| p.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    app.create_org(&Actor::cli(), &input).await.unwrap().id
}

async fn focal(app: &App, email: &str, org: OrgId) -> Actor {
    let u = app
        .create_user(
            &Actor::cli(),
            &UserInput {
                name: "Vũ Thu Hà".into(),
                email: email.into(),
                org_id: org.to_string(),
                role: "dau_moi".into(),
                password: "mật khẩu rất dài 2026".into(),
            },
        )
        .await
        .unwrap();
    Actor::from_user(&u)
}

fn system(owner: OrgId, name: &str) -> SystemInput {
    SystemInput {
        owner_org_id: owner.to_string(),
        operator_name: "Trung tâm Chuyển đổi số".into(),
        name: name.into(),
        domains: "dichvucong.bacninh.gov.vn".into(),
        public_ip_ranges: "203.113.0.0/24".into(),
        ips: "203.113.0.10".into(),
        security_level: "4".into(),
        level_state: "approved".into(),
        level_doc_number: "123/QĐ-UBND".into(),
        level_doc_date: "05/03/2026".into(),
        critical: "true".into(),
        security_provider: "Công ty An ninh mạng Viettel".into(),
        connectivity_provider: "VNPT Bắc Ninh".into(),
        os: "Ubuntu Server".into(),
        os_version: "24.04".into(),
        services: "web\ndatabase\nother:VPN".into(),
        measures: "firewall\nids".into(),
        purpose: "Cung cấp dịch vụ công trực tuyến".into(),
    }
}

async fn apps() -> Vec<(App, TestDb)> {
    let mut v = Vec::new();
    for t in TestDb::both().await {
        v.push((App::new(t.db.clone(), AppConfig::default()), t));
    }
    v
}

#[tokio::test]
async fn a_system_keeps_every_field_of_the_form() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Khoa học và Công nghệ", None).await;
        let s = app
            .create_system(&Actor::cli(), &system(o, "Cổng dịch vụ công"))
            .await
            .unwrap();
        let back = app.get_system(&Actor::cli(), s.id).await.unwrap();
        assert_eq!(back.owner_name, "Sở Khoa học và Công nghệ", "{}", t.name);
        assert_eq!(back.domains, ["dichvucong.bacninh.gov.vn"]);
        assert_eq!(back.public_ip_ranges, ["203.113.0.0/24"]);
        assert_eq!(back.security_level, Some(4));
        assert_eq!(back.level_state.as_deref(), Some("approved"));
        assert_eq!(back.level_doc_date.unwrap().to_string(), "2026-03-05");
        assert!(back.critical);
        assert_eq!(back.services, ["web", "database", "other:VPN"]);
        assert_eq!(back.measures, ["firewall", "ids"]);
        assert_eq!(back.os_version.as_deref(), Some("24.04"));
        assert_eq!(back.status, SystemStatus::InService);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn search_ignores_diacritics_and_case_and_finds_domains_and_addresses() {
    for (app, t) in apps().await {
        let o = org(&app, "Công an tỉnh Đồng Nai", None).await;
        for name in [
            "Hệ thống phòng chống mã độc",
            "Cổng thông tin điện tử",
            "Hệ thống đối phó tiền chuộc",
        ] {
            app.create_system(&Actor::cli(), &system(o, name))
                .await
                .unwrap();
        }
        let find = |q: &str| {
            let app = app.clone();
            let q = q.to_string();
            async move {
                app.list_systems(
                    &Actor::cli(),
                    &SystemQuery {
                        q,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            find("ma doc").await,
            ["Hệ thống phòng chống mã độc"],
            "{}",
            t.name
        );
        assert_eq!(
            find("MÃ ĐỘC").await,
            ["Hệ thống phòng chống mã độc"],
            "{}",
            t.name
        );
        assert_eq!(
            find("doi pho tien chuoc").await,
            ["Hệ thống đối phó tiền chuộc"],
            "{}",
            t.name
        );
        assert_eq!(
            find("dong nai").await.len(),
            3,
            "{}: the owner's name is searched",
            t.name
        );
        assert_eq!(
            find("dichvucong").await.len(),
            3,
            "{}: domains are searched",
            t.name
        );
        assert_eq!(
            find("203.113.0.10").await.len(),
            3,
            "{}: addresses are searched",
            t.name
        );
        assert_eq!(
            find("dt").await.len(),
            0,
            "{}: a short query scans instead of using trigrams",
            t.name
        );
        assert!(find("khong co").await.is_empty());
        t.cleanup().await;
    }
}

#[tokio::test]
async fn lists_page_and_count_every_match() {
    let t = TestDb::sqlite().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    let o = org(&app, "Sở Tài chính", None).await;
    for i in 0..120 {
        app.create_system(&Actor::cli(), &system(o, &format!("Hệ thống số {i:03}")))
            .await
            .unwrap();
    }
    let (page1, total) = app
        .list_systems(&Actor::cli(), &SystemQuery::default())
        .await
        .unwrap();
    assert_eq!((page1.len(), total), (50, 120));
    assert_eq!(page1[0].name, "Hệ thống số 000");
    let (page3, _) = app
        .list_systems(
            &Actor::cli(),
            &SystemQuery {
                page: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page3.len(), 20);
    assert_eq!(page3[19].name, "Hệ thống số 119");
    t.cleanup().await;
}

#[tokio::test]
async fn a_focal_point_registers_and_sees_systems_of_its_own_subtree_only() {
    for (app, t) in apps().await {
        let so = org(&app, "Sở Y tế", None).await;
        let bv = org(&app, "Bệnh viện Đa khoa tỉnh", Some(so)).await;
        let other = org(&app, "Sở Giáo dục và Đào tạo", None).await;
        let dm = focal(&app, "dm@syt.gov.vn", so).await;
        let mine = app
            .create_system(&dm, &system(bv, "Hệ thống quản lý bệnh viện"))
            .await
            .unwrap();
        let theirs = app
            .create_system(
                &Actor::cli(),
                &system(other, "Cơ sở dữ liệu ngành giáo dục"),
            )
            .await
            .unwrap();
        match app.create_system(&dm, &system(other, "Không được")).await {
            Err(AppError::Invalid(i)) => assert!(i.has("system.owner"), "{}", t.name),
            r => panic!("{}: {r:?}", t.name),
        }
        let seen: Vec<i64> = app
            .list_systems(&dm, &SystemQuery::default())
            .await
            .unwrap()
            .0
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(seen, [mine.id], "{}", t.name);
        assert!(matches!(
            app.get_system(&dm, theirs.id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            app.update_system(&dm, theirs.id, &system(so, "x")).await,
            Err(AppError::NotFound)
        ));
        // Moving its own system to another organisation's ownership is refused too.
        match app
            .update_system(&dm, mine.id, &system(other, "Chuyển đi"))
            .await
        {
            Err(AppError::Invalid(i)) => assert!(i.has("system.owner")),
            r => panic!("{r:?}"),
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn retiring_hides_a_system_from_the_default_list_but_keeps_it() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Nội vụ", None).await;
        let s = app
            .create_system(&Actor::cli(), &system(o, "Hệ thống cũ"))
            .await
            .unwrap();
        app.set_system_retired(&Actor::cli(), s.id, true)
            .await
            .unwrap();
        assert_eq!(
            app.list_systems(&Actor::cli(), &SystemQuery::default())
                .await
                .unwrap()
                .1,
            0,
            "{}",
            t.name
        );
        let all = app
            .list_systems(
                &Actor::cli(),
                &SystemQuery {
                    retired: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .0;
        assert_eq!(all[0].status, SystemStatus::Retired);
        let actions: Vec<String> = app
            .audit_page(&Actor::cli(), 2, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect();
        assert_eq!(actions, ["system.retire", "system.create"]);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_new_focal_point_keeps_the_previous_one_in_the_history() {
    for (app, t) in apps().await {
        let o = org(&app, "Ủy ban nhân dân phường Kinh Bắc", None).await;
        let first = ContactInput {
            kind: "focal".into(),
            name: "Đỗ Quang Huy".into(),
            phone: "0912 345 678".into(),
            since: "01/01/2026".into(),
            ..Default::default()
        };
        app.set_contact(&Actor::cli(), o, &first).await.unwrap();
        let second = ContactInput {
            name: "Nguyễn Thị Lan".into(),
            since: "01/06/2026".into(),
            ..first.clone()
        };
        app.set_contact(&Actor::cli(), o, &second).await.unwrap();
        let leader = ContactInput {
            kind: "leader".into(),
            name: "Trần Văn Bình".into(),
            title: "Phó Chủ tịch".into(),
            since: "01/02/2026".into(),
            ..Default::default()
        };
        app.set_contact(&Actor::cli(), o, &leader).await.unwrap();
        let all = app.list_contacts(&Actor::cli(), o).await.unwrap();
        let current: Vec<&str> = all
            .iter()
            .filter(|c| c.until.is_none())
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(current, ["Nguyễn Thị Lan", "Trần Văn Bình"], "{}", t.name);
        let old = all.iter().find(|c| c.name == "Đỗ Quang Huy").unwrap();
        assert_eq!(old.until.unwrap().to_string(), "2026-06-01", "{}", t.name);
        // A change dated before the current holder's start is refused.
        let back = ContactInput {
            since: "01/03/2026".into(),
            name: "Lê Văn Cũ".into(),
            ..first
        };
        match app.set_contact(&Actor::cli(), o, &back).await {
            Err(AppError::Invalid(i)) => assert!(i.has("org_contact.since")),
            r => panic!("{r:?}"),
        }
        t.cleanup().await;
    }
}
