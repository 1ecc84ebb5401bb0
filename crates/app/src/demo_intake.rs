//! Demo reports: what a standing desk finds on a normal morning — an incident opened from a
//! verified report with a duplicate merged into it, a serious report waiting, a confidential
//! one, and one from the public form.

use crate::App;
use crate::access::Actor;
use crate::error::AppResult;
use crate::intake::reports::{ReportContactInput, ReportInput, ReportSystemInput, ReporterInput};
use crate::intake::triage::{AcceptInput, VerifyInput};
use chrono::{Duration, SecondsFormat};
use ungcuu_domain::intake::Channel;

const FOCAL: &str = "daumoi.sotaichinh@demo.ungcuu.vn";
const DESK: &str = "thuongtruc@demo.ungcuu.vn";

fn report(
    system: &str,
    level: u8,
    description: &str,
    days_ago: i64,
    confidential: bool,
) -> ReportInput {
    let now = ungcuu_domain::time::now();
    let at = |d: Duration| {
        (now - d)
            .with_timezone(&ungcuu_domain::time::vietnam())
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    ReportInput {
        reporter: ReporterInput {
            org_name: "Sở Tài chính".into(),
            address: "Số 11 Nguyễn Đăng Đạo, phường Kinh Bắc, Bắc Ninh".into(),
            phone: "0222 3822 614".into(),
            email: "stc@bacninh.gov.vn".into(),
        },
        contact: ReportContactInput {
            name: "Vũ Thu Hà".into(),
            title: "Chuyên viên Văn phòng Sở".into(),
            phone: "0912 345 614".into(),
            email: FOCAL.into(),
        },
        system: ReportSystemInput {
            operator_name: "Văn phòng Sở Tài chính".into(),
            owner_name: "Sở Tài chính".into(),
            name: system.into(),
            security_level: Some(serde_json::json!(level)),
            services: vec!["web".into(), "database".into()],
            measures: vec!["antivirus".into(), "firewall".into()],
            ..Default::default()
        },
        description: description.into(),
        detected_at: at(Duration::days(days_ago) + Duration::hours(3)),
        handled: Some(false),
        detection_methods: vec!["log_review".into()],
        already_notified: vec![],
        confidential,
        reported_at: at(Duration::hours(1)),
        ..Default::default()
    }
}

impl App {
    pub(crate) async fn load_demo_reports(&self) -> AppResult<()> {
        let user = |email: &'static str| async move {
            let u = ungcuu_store::accounts::users::find_by_email(&self.db, email)
                .await?
                .ok_or(crate::AppError::NotFound)?;
            AppResult::Ok(Actor::from_user(&u))
        };
        let focal = user(FOCAL).await?;
        let desk = user(DESK).await?;
        let first = self
            .file_report(
                &focal,
                Channel::Web,
                &report(
                    "Cổng thông tin điện tử Sở Tài chính",
                    2,
                    "Trang chủ bị thay đổi giao diện (deface), chèn nội dung quảng cáo cờ bạc.",
                    1,
                    false,
                ),
            )
            .await?;
        let dup = self
            .file_report(
                &focal,
                Channel::Api,
                &report(
                    "Cổng thông tin điện tử Sở Tài chính",
                    2,
                    "Người dân phản ánh cổng thông tin hiển thị nội dung lạ.",
                    1,
                    false,
                ),
            )
            .await?;
        self.file_report(
            &focal,
            Channel::Web,
            &report(
                "Hệ thống quản lý ngân sách",
                4,
                "Mã độc đòi tiền chuộc mã hóa dữ liệu máy chủ cơ sở dữ liệu; dịch vụ bị gián đoạn.",
                0,
                false,
            ),
        )
        .await?;
        self.file_report(
            &focal,
            Channel::Web,
            &report(
                "Hệ thống thư điện tử nội bộ",
                2,
                "Nghi lộ lọt tài khoản thư điện tử của lãnh đạo Sở (phát hiện muộn).",
                8,
                true,
            ),
        )
        .await?;
        self.file_public_report(&report(
            "Trang tin điện tử xã",
            1,
            "Trang tin điện tử của xã không truy cập được từ sáng nay.",
            0,
            false,
        ))
        .await?;
        let verify = VerifyInput {
            method: "callback".into(),
            note: "Gọi lại số 0222 3822 614 của Văn phòng Sở".into(),
        };
        self.verify_report(&desk, &first.tracking_code, &verify)
            .await?;
        let incident = self
            .accept_report(&desk, &first.tracking_code, &AcceptInput::open())
            .await?;
        self.verify_report(&desk, &dup.tracking_code, &verify)
            .await?;
        self.accept_report(
            &desk,
            &dup.tracking_code,
            &AcceptInput::merge(&incident.code),
        )
        .await?;
        Ok(())
    }
}
