//! Who is told what when a report arrives (002 Đ9.5: the desk tells the lead at once), and the
//! acknowledgement to the reporter. Everything here is written in the report's transaction:
//! in-app notices directly, mails into the outbox for delivery after commit.

use crate::AppConfig;
use crate::error::AppResult;
use serde_json::json;
use ungcuu_domain::i18n::{Lang, t};
use ungcuu_domain::{Role, authz};
use ungcuu_store::intake::reports::Report;
use ungcuu_store::{Tx, notifications, outbox};

/// The roles told at once of every new report.
pub const TOLD_AT_ONCE: [Role; 2] = [Role::ThuongTruc, Role::DoiTruong];

/// The kind of an outbox row that is a mail (`{"to", "subject", "body"}`).
pub const MAIL: &str = "mail";

pub(crate) async fn new_report(
    tx: &mut Tx,
    cfg: &AppConfig,
    report: &Report,
    ack_to: Option<&str>,
) -> AppResult<()> {
    let params = json!({
        "tracking_code": report.tracking_code,
        "org": report.reporter_org_name,
        "serious": report.serious,
        "confidential": report.confidential,
    });
    let kind = if report.serious {
        "report.new_serious"
    } else {
        "report.new"
    };
    let told = notifications::recipients(tx, &TOLD_AT_ONCE).await?;
    let users: Vec<i64> = told.iter().map(|r| r.id).collect();
    notifications::insert(tx, &users, kind, Some(report.id), &params).await?;
    let mut mails: Vec<_> = told
        .iter()
        .map(|r| {
            let role = r.role.parse::<Role>().unwrap_or(Role::ThanhVien);
            notice_mail(cfg, report, role, &r.email)
        })
        .collect();
    mails.extend(ack_to.map(|to| ack_mail(cfg, report, to)));
    outbox::enqueue(tx, MAIL, &mails).await?;
    Ok(())
}

fn both(key: &str) -> String {
    format!("{} / {}", t(Lang::Vi, key), t(Lang::En, key))
}

fn link(cfg: &AppConfig, report: &Report) -> String {
    format!(
        "{}/intake/{}",
        cfg.public_url.trim_end_matches('/'),
        report.tracking_code
    )
}

/// The notice to one person. Details travel only when the report is not confidential and the
/// recipient could open it; otherwise the mail says only that a report arrived and where to
/// open it, so a forwarded or misdirected mail leaks nothing.
pub(crate) fn notice_mail(
    cfg: &AppConfig,
    report: &Report,
    recipient: Role,
    to: &str,
) -> serde_json::Value {
    let details = !report.confidential
        && authz::may_view_report(recipient, authz::Reach::Other, report.confidential);
    let subject_key = if report.serious {
        "mail.notice.subject_serious"
    } else {
        "mail.notice.subject"
    };
    let subject = format!(
        "{} {}: {}",
        if report.serious { "[!]" } else { "" },
        t(Lang::Vi, subject_key),
        report.tracking_code
    )
    .trim()
    .to_string();
    let mut body = String::new();
    for lang in [Lang::Vi, Lang::En] {
        body.push_str(t(lang, "mail.notice.intro"));
        body.push_str("\n\n");
        body.push_str(&format!(
            "{}: {}\n",
            t(lang, "report.tracking_code"),
            report.tracking_code
        ));
        body.push_str(&format!(
            "{}: {}\n",
            t(lang, "report.received_at"),
            ungcuu_domain::time::datetime_vn(report.received_at)
        ));
        if report.serious {
            body.push_str(t(lang, "mail.notice.serious"));
            body.push('\n');
        }
        if details {
            body.push_str(&format!(
                "{}: {}\n{}: {}\n\n{}\n",
                t(lang, "field.reporter.org_name"),
                report.reporter_org_name,
                t(lang, "field.system.name"),
                report.system_name,
                report.description
            ));
        } else {
            body.push_str(t(lang, "mail.notice.confidential"));
            body.push('\n');
        }
        body.push_str(&format!("\n{}\n\n-- \n\n", link(cfg, report)));
    }
    json!({"to": to, "subject": subject, "body": body.trim_end_matches(['\n', ' ', '-'])})
}

/// The acknowledgement (QĐ05 Đ12: phản hồi): the tracking code and how to follow the report.
/// It repeats nothing of the report, so it is safe whatever address the reporter gave.
pub(crate) fn ack_mail(cfg: &AppConfig, report: &Report, to: &str) -> serde_json::Value {
    let subject = format!("{}: {}", both("mail.ack.subject"), report.tracking_code);
    let track = format!(
        "{}/track?code={}",
        cfg.public_url.trim_end_matches('/'),
        report.tracking_code
    );
    let mut body = String::new();
    for lang in [Lang::Vi, Lang::En] {
        body.push_str(&format!(
            "{}\n\n{}: {}\n{}: {}\n{}: {track}\n\n",
            t(lang, "mail.ack.intro"),
            t(lang, "report.tracking_code"),
            report.tracking_code,
            t(lang, "report.received_at"),
            ungcuu_domain::time::datetime_vn(report.received_at),
            t(lang, "mail.ack.follow"),
        ));
    }
    json!({"to": to, "subject": subject, "body": body.trim_end()})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(confidential: bool, serious: bool) -> Report {
        let now = ungcuu_domain::time::now();
        Report {
            id: 1,
            tracking_code: "SC-2026-ABCDEFGH".into(),
            org_id: Some(3),
            channel: ungcuu_domain::intake::Channel::Web,
            verified: false,
            confidential,
            reporter_org_name: "Sở Y tế tỉnh Bắc Ninh".into(),
            system_name: "Cổng thông tin điện tử".into(),
            description: "Phát hiện mã độc mã hóa dữ liệu trên máy chủ".into(),
            security_level: Some(3),
            handled: false,
            detected_at: now,
            reported_at: now,
            received_at: now,
            form_json: "{}".into(),
            status: ungcuu_domain::intake::ReportStatus::Received,
            status_reason: None,
            incident_id: None,
            serious,
        }
    }

    #[test]
    fn a_notice_carries_details_only_when_the_report_is_not_confidential() {
        let cfg = AppConfig::default();
        let open = notice_mail(&cfg, &report(false, false), Role::DoiTruong, "lead@x.vn");
        assert!(open["body"].as_str().unwrap().contains("mã độc mã hóa"));
        let secret = notice_mail(&cfg, &report(true, false), Role::DoiTruong, "lead@x.vn");
        let body = secret["body"].as_str().unwrap();
        assert!(!body.contains("mã độc"), "{body}");
        assert!(!body.contains("Sở Y tế"), "{body}");
        assert!(body.contains("SC-2026-ABCDEFGH"));
        // Someone outside the circle never gets the details, even of an open report.
        let member = notice_mail(&cfg, &report(false, false), Role::ThanhVien, "m@x.vn");
        assert!(!member["body"].as_str().unwrap().contains("mã độc"));
    }

    #[test]
    fn a_serious_report_says_so_in_the_subject() {
        let cfg = AppConfig::default();
        let m = notice_mail(&cfg, &report(false, true), Role::ThuongTruc, "tt@x.vn");
        assert!(m["subject"].as_str().unwrap().starts_with("[!]"));
        let ack = ack_mail(&cfg, &report(true, true), "dm@x.vn");
        let body = ack["body"].as_str().unwrap();
        assert!(body.contains("/track?code=SC-2026-ABCDEFGH"));
        assert!(!body.contains("mã độc"));
    }
}
