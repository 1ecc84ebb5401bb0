//! Official documents (văn bản) under Nghị định 30/2020/NĐ-CP: how they are numbered, dated
//! and signed. Pure rules; the store keeps the counters and the app applies these.

use crate::roster::MemberRole;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What kind of document: the kind fixes the type code in the number ("BC" in 12/BC-ĐUCSC)
/// and which form fills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// Phụ lục I: báo cáo ban đầu sự cố mạng.
    InitialReport,
    /// Phụ lục II: báo cáo kết thúc ứng phó sự cố.
    FinalReport,
}

impl DocKind {
    pub const ALL: [DocKind; 2] = [DocKind::InitialReport, DocKind::FinalReport];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::InitialReport => "initial_report",
            DocKind::FinalReport => "final_report",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    /// The type abbreviation of NĐ30 Phụ lục III: both forms are reports (Báo cáo = BC).
    pub fn type_code(self) -> &'static str {
        match self {
            DocKind::InitialReport | DocKind::FinalReport => "BC",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            DocKind::InitialReport => "doc.kind.initial_report",
            DocKind::FinalReport => "doc.kind.final_report",
        }
    }
}

/// The symbol after the number: type code and the issuing body's abbreviation, "BC-ĐUCSC".
pub fn symbol(type_code: &str, body_code: &str) -> String {
    format!("{type_code}-{body_code}")
}

/// The number line under the issuing body: "Số: 12/BC-ĐUCSC"; a number below 10 takes a
/// leading zero as NĐ30 writes it ("Số: 01/BC-ĐUCSC"); before issue the number is left blank
/// for the clerk ("Số:      /BC-ĐUCSC").
pub fn number_line(number: Option<i64>, symbol: &str) -> String {
    match number {
        Some(n) => format!("Số: {n:02}/{symbol}"),
        None => format!("Số:      /{symbol}"),
    }
}

/// The place and date line, NĐ30 style: days below 10 and the months 1 and 2 take a leading
/// zero ("ngày 05 tháng 3 năm 2026", "ngày 15 tháng 02 năm 2026").
pub fn place_date(place: &str, date: NaiveDate) -> String {
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
}

/// A date in a document's body: dd/mm/yyyy.
pub fn date_dmy(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// The authority a signer signs with (NĐ30 Điều 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignerPrefix {
    /// The head signs in their own right: no prefix.
    Own,
    /// Thay mặt (a collective body).
    Tm,
    /// Ký thay (a deputy for the head).
    Kt,
    /// Thừa ủy quyền (someone the head delegated to).
    Tuq,
    /// Quyền (acting head).
    Q,
}

impl SignerPrefix {
    pub fn code(self) -> &'static str {
        match self {
            SignerPrefix::Own => "own",
            SignerPrefix::Tm => "tm",
            SignerPrefix::Kt => "kt",
            SignerPrefix::Tuq => "tuq",
            SignerPrefix::Q => "q",
        }
    }

    pub fn parse(s: &str) -> Option<SignerPrefix> {
        [
            SignerPrefix::Own,
            SignerPrefix::Tm,
            SignerPrefix::Kt,
            SignerPrefix::Tuq,
            SignerPrefix::Q,
        ]
        .into_iter()
        .find(|p| p.code() == s)
    }

    /// The abbreviation written before the authority: "KT.".
    pub fn abbreviation(self) -> Option<&'static str> {
        match self {
            SignerPrefix::Own => None,
            SignerPrefix::Tm => Some("TM."),
            SignerPrefix::Kt => Some("KT."),
            SignerPrefix::Tuq => Some("TUQ."),
            SignerPrefix::Q => Some("Q."),
        }
    }
}

/// How the team's documents are signed: the lead's title and what the others are called.
pub const LEAD_TITLE: &str = "ĐỘI TRƯỞNG";

/// What a signature block says once the signer's authority is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Signing {
    pub prefix: SignerPrefix,
    /// "KT. ĐỘI TRƯỞNG"; none when the lead signs in their own right.
    pub authority_line: Option<String>,
    /// The signer's own title: "ĐỘI PHÓ".
    pub title: String,
}

/// Why a person may not sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignRefusal {
    /// Not on the roster in force as lead, deputy or standing member.
    NotOnRoster,
    /// A deputy or standing member without a delegation covering signing, for a document
    /// that does not execute an upper-level coordination request.
    NotDelegated,
}

fn title_of(role: MemberRole) -> &'static str {
    match role {
        MemberRole::DoiTruong => LEAD_TITLE,
        MemberRole::DoiPho => "ĐỘI PHÓ",
        MemberRole::ThuongTruc => "THÀNH VIÊN THƯỜNG TRỰC",
        _ => "THÀNH VIÊN",
    }
}

/// Who may sign a team document, and how (seed 002 Đ6.5; NĐ30 Đ13):
/// - the lead signs every document, in their own right;
/// - a deputy signs documents executing a coordination request from above (Bộ Công an, the
///   national alliance), and others when the lead's signing authority is delegated to them,
///   as "KT. ĐỘI TRƯỞNG";
/// - a standing member signs only by delegation, as "TUQ. ĐỘI TRƯỞNG";
/// - nobody else signs.
///
/// `role` is the signer's role on the roster in force at signing (None: not on it);
/// `holds_signing` whether the lead's signing authority is delegated to the signer then.
pub fn signing(
    role: Option<MemberRole>,
    holds_signing: bool,
    upper_coordination: bool,
) -> Result<Signing, SignRefusal> {
    let role = role.ok_or(SignRefusal::NotOnRoster)?;
    let with = |prefix: SignerPrefix| Signing {
        prefix,
        authority_line: prefix.abbreviation().map(|a| format!("{a} {LEAD_TITLE}")),
        title: title_of(role).to_string(),
    };
    match role {
        MemberRole::DoiTruong => Ok(with(SignerPrefix::Own)),
        MemberRole::DoiPho if holds_signing || upper_coordination => Ok(with(SignerPrefix::Kt)),
        MemberRole::ThuongTruc if holds_signing => Ok(with(SignerPrefix::Tuq)),
        MemberRole::DoiPho | MemberRole::ThuongTruc => Err(SignRefusal::NotDelegated),
        _ => Err(SignRefusal::NotOnRoster),
    }
}

/// A document's state: a draft can change; an issued document never does (a correction is a
/// new document that names the old one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocState {
    Draft,
    Issued,
}

impl DocState {
    pub fn code(self) -> &'static str {
        match self {
            DocState::Draft => "draft",
            DocState::Issued => "issued",
        }
    }

    pub fn parse(s: &str) -> Option<DocState> {
        match s {
            "draft" => Some(DocState::Draft),
            "issued" => Some(DocState::Issued),
            _ => None,
        }
    }
}

crate::code::try_from_code!(DocState, "document state");
crate::code::try_from_code!(DocKind, "document kind");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn document_states_read_back_from_their_codes_and_unknown_codes_are_refused() {
        for v in [DocState::Draft, DocState::Issued] {
            assert_eq!(DocState::try_from(v.code().to_string()), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.code());
        }
        assert!(DocState::try_from("revoked".to_string()).is_err());
    }

    #[test]
    fn document_kinds_read_back_from_their_codes_and_unknown_codes_are_refused() {
        for v in DocKind::ALL {
            assert_eq!(DocKind::try_from(v.code().to_string()), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.code());
        }
        assert!(DocKind::try_from("memo".to_string()).is_err());
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn days_below_ten_and_january_february_take_a_leading_zero() {
        assert_eq!(
            place_date("Bắc Ninh", d(2026, 3, 5)),
            "Bắc Ninh, ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            place_date("Bắc Ninh", d(2026, 2, 15)),
            "Bắc Ninh, ngày 15 tháng 02 năm 2026"
        );
        assert_eq!(
            place_date("Bắc Ninh", d(2026, 1, 9)),
            "Bắc Ninh, ngày 09 tháng 01 năm 2026"
        );
        assert_eq!(
            place_date("Bắc Ninh", d(2025, 10, 3)),
            "Bắc Ninh, ngày 03 tháng 10 năm 2025"
        );
        assert_eq!(
            place_date("Bắc Ninh", d(2025, 12, 31)),
            "Bắc Ninh, ngày 31 tháng 12 năm 2025"
        );
    }

    #[test]
    fn number_line_is_number_slash_symbol_or_blank_before_issue() {
        let s = symbol(DocKind::InitialReport.type_code(), "ĐUCSC");
        assert_eq!(s, "BC-ĐUCSC");
        assert_eq!(number_line(Some(12), &s), "Số: 12/BC-ĐUCSC");
        assert_eq!(number_line(Some(1), &s), "Số: 01/BC-ĐUCSC");
        assert_eq!(number_line(Some(9), &s), "Số: 09/BC-ĐUCSC");
        assert_eq!(number_line(Some(105), &s), "Số: 105/BC-ĐUCSC");
        assert_eq!(number_line(None, &s), "Số:      /BC-ĐUCSC");
    }

    #[test]
    fn the_lead_signs_everything_in_their_own_right() {
        for upper in [false, true] {
            let s = signing(Some(MemberRole::DoiTruong), false, upper).unwrap();
            assert_eq!(s.prefix, SignerPrefix::Own);
            assert_eq!(s.authority_line, None);
            assert_eq!(s.title, "ĐỘI TRƯỞNG");
        }
    }

    #[test]
    fn a_deputy_signs_upper_coordination_or_by_delegation_as_kt() {
        let s = signing(Some(MemberRole::DoiPho), false, true).unwrap();
        assert_eq!(s.prefix, SignerPrefix::Kt);
        assert_eq!(s.authority_line.as_deref(), Some("KT. ĐỘI TRƯỞNG"));
        assert_eq!(s.title, "ĐỘI PHÓ");
        assert_eq!(
            signing(Some(MemberRole::DoiPho), true, false)
                .unwrap()
                .prefix,
            SignerPrefix::Kt
        );
        assert_eq!(
            signing(Some(MemberRole::DoiPho), false, false),
            Err(SignRefusal::NotDelegated)
        );
    }

    #[test]
    fn a_standing_member_signs_only_by_delegation_as_tuq() {
        let s = signing(Some(MemberRole::ThuongTruc), true, false).unwrap();
        assert_eq!(s.authority_line.as_deref(), Some("TUQ. ĐỘI TRƯỞNG"));
        assert_eq!(
            signing(Some(MemberRole::ThuongTruc), false, true),
            Err(SignRefusal::NotDelegated)
        );
    }

    #[test]
    fn members_and_outsiders_never_sign() {
        for role in MemberRole::ALL {
            if !matches!(
                role,
                MemberRole::DoiTruong | MemberRole::DoiPho | MemberRole::ThuongTruc
            ) {
                assert_eq!(
                    signing(Some(role), true, true),
                    Err(SignRefusal::NotOnRoster)
                );
            }
        }
        assert_eq!(signing(None, true, true), Err(SignRefusal::NotOnRoster));
    }

    proptest! {
        #[test]
        fn every_date_reads_back(y in 2000i32..2100, m in 1u32..=12, day in 1u32..=28) {
            let line = place_date("Bắc Ninh", d(y, m, day));
            let want_month = if m <= 2 { format!("{m:02}") } else { m.to_string() };
            let want = format!("Bắc Ninh, ngày {day:02} tháng {want_month} năm {y}");
            prop_assert_eq!(line, want);
        }
    }
}
