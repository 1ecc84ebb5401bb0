//! The province the mail intake tests start from: the organisation with its registered focal
//! point (so its mail is attributed and verified) and, when asked, the team's standing desk
//! and lead (who are told of each report).

use ungcuu_app::{Actor, App, AppConfig};
use ungcuu_store::Db;

/// The focal point registered for the Sở Tư pháp.
pub const FOCAL: &str = "an.nv@bacninh.gov.vn";
/// The team's standing desk and lead.
pub const DESK: &str = "tt@ucsc.bacninh.gov.vn";
pub const LEAD: &str = "dt@ucsc.bacninh.gov.vn";
/// The filled-in form of Phụ lục I, as a reporter mails it.
pub const FORM: &str = include_str!("../../../mail/tests/fixtures/form_filled.txt");

/// Who is there besides the reporting organisation and its focal point.
#[derive(Clone, Copy, Default)]
pub struct Seed {
    /// The response team with its standing desk and its lead.
    pub team: bool,
}

/// Migrates the database at `url` and fills it as `with` says.
pub async fn seed(url: &str, with: Seed) {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    let app = App::new(db.clone(), AppConfig::default());
    let cli = Actor::cli();
    let team = if with.team {
        let team = app
            .create_org(
                &cli,
                &ungcuu_app::registry::orgs::OrgInput {
                    name: "Đội ứng cứu sự cố tỉnh Bắc Ninh".into(),
                    kind: "department".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        Some(team)
    } else {
        None
    };
    let stp = app
        .create_org(
            &cli,
            &ungcuu_app::registry::orgs::OrgInput {
                name: "Sở Tư pháp tỉnh Bắc Ninh".into(),
                kind: "department".into(),
                email: "vanphong.stp@bacninh.gov.vn".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.set_contact(
        &cli,
        stp.id,
        &ungcuu_app::registry::contacts::ContactInput {
            kind: "focal".into(),
            name: "Nguyễn Văn An".into(),
            title: "Trưởng phòng CNTT".into(),
            phone: "0912 345 678".into(),
            email: FOCAL.into(),
            since: "2026-01-01".into(),
        },
    )
    .await
    .unwrap();
    if let Some(team) = team {
        for (email, role) in [(DESK, "thuong_truc"), (LEAD, "doi_truong")] {
            app.create_user(
                &cli,
                &ungcuu_app::accounts::users::UserInput {
                    name: role.into(),
                    email: email.into(),
                    org_id: team.id.to_string(),
                    role: role.into(),
                    password: "mật khẩu rất dài 2026".into(),
                },
            )
            .await
            .unwrap();
        }
    }
    db.close().await;
}
