//! The one catalogue of user-facing strings, Vietnamese first, English second.
//! Every page, API error and mail takes its text from here.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from an `Accept-Language` header: the first of vi/en by quality,
    /// Vietnamese when neither is named.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.trim().split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::Vi)
    }
}

/// (key, Vietnamese, English).
pub static CATALOGUE: &[(&str, &str, &str)] = &[
    (
        "app.name",
        "ungcuu — Ứng cứu sự cố an toàn thông tin mạng",
        "ungcuu — Cyber incident response",
    ),
    ("app.short", "ungcuu", "ungcuu"),
    (
        "app.team",
        "Đội ứng cứu sự cố an toàn thông tin mạng",
        "Cyber incident response team",
    ),
    (
        "app.skip",
        "Bỏ qua, đến nội dung chính",
        "Skip to main content",
    ),
    // Navigation
    ("nav.label", "Điều hướng chính", "Main navigation"),
    ("nav.dashboard", "Tổng quan", "Overview"),
    ("nav.incidents", "Sự cố", "Incidents"),
    ("nav.intake", "Tiếp nhận", "Intake"),
    ("nav.coordination", "Điều phối", "Coordination"),
    ("nav.warnings", "Cảnh báo", "Warnings"),
    ("nav.reports", "Báo cáo", "Reports"),
    ("nav.registry", "Danh mục", "Registry"),
    ("nav.admin", "Quản trị", "Administration"),
    ("nav.account", "Tài khoản", "Account"),
    ("nav.logout", "Đăng xuất", "Sign out"),
    ("nav.menu", "Danh mục chức năng", "Menu"),
    ("lang.switch_to", "English", "Tiếng Việt"),
    ("lang.switch_label", "Chuyển ngôn ngữ", "Change language"),
    // Sign-in
    ("login.title", "Đăng nhập", "Sign in"),
    ("login.email", "Email", "Email"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Sign in"),
    (
        "login.failed",
        "Email hoặc mật khẩu không đúng.",
        "Wrong email or password.",
    ),
    (
        "login.locked",
        "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau {minutes} phút.",
        "Too many failed sign-ins: the account is locked. Try again in {minutes} minutes.",
    ),
    (
        "login.throttled",
        "Quá nhiều lần thử. Vui lòng chờ giây lát rồi thử lại.",
        "Too many attempts. Please wait a moment and try again.",
    ),
    (
        "login.totp_title",
        "Xác thực hai bước",
        "Two-step verification",
    ),
    (
        "login.totp_hint",
        "Nhập mã 6 chữ số từ ứng dụng xác thực, hoặc một mã khôi phục.",
        "Enter the 6-digit code from your authenticator app, or a recovery code.",
    ),
    ("login.totp_code", "Mã xác thực", "Verification code"),
    ("login.totp_submit", "Xác nhận", "Confirm"),
    (
        "login.totp_failed",
        "Mã xác thực không đúng.",
        "Wrong verification code.",
    ),
    (
        "login.expired",
        "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
        "Your session has expired. Please sign in again.",
    ),
    (
        "login.csrf",
        "Biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại.",
        "The form has expired. Please reload the page and try again.",
    ),
    // Dashboard
    ("dash.title", "Tổng quan", "Overview"),
    ("dash.welcome", "Xin chào, {name}.", "Hello, {name}."),
    ("dash.role", "Vai trò", "Role"),
    ("dash.org", "Đơn vị", "Organisation"),
    ("dash.orgs", "Tổ chức", "Organisations"),
    ("dash.users", "Người dùng", "Users"),
    ("dash.audit_rows", "Bản ghi nhật ký", "Audit records"),
    (
        "dash.coming",
        "Chức năng này đang được xây dựng.",
        "This area is being built.",
    ),
    (
        "area.incidents",
        "Danh sách sự cố, phân loại, xử lý theo các bước ứng cứu.",
        "Incidents, classification and the response phases.",
    ),
    (
        "area.intake",
        "Tiếp nhận thông báo, báo cáo sự cố (Phụ lục I), xác minh người gửi.",
        "Incoming notifications and initial reports (Annex I), sender verification.",
    ),
    (
        "area.coordination",
        "Văn bản điều phối, triệu tập thành viên, theo dõi phản hồi.",
        "Coordination notices, summoning members, tracking acknowledgements.",
    ),
    (
        "area.warnings",
        "Cảnh báo lỗ hổng, rà quét, theo dõi khắc phục.",
        "Vulnerability warnings, scans and fixes.",
    ),
    (
        "area.reports",
        "Báo cáo ban đầu, báo cáo kết thúc, báo cáo định kỳ.",
        "Initial, final and periodic reports.",
    ),
    (
        "area.registry",
        "Tổ chức, hệ thống thông tin, danh sách thành viên Đội.",
        "Organisations, information systems, the team roster.",
    ),
    // Admin
    ("admin.title", "Quản trị", "Administration"),
    ("admin.orgs", "Tổ chức", "Organisations"),
    ("admin.users", "Người dùng", "Users"),
    ("admin.tokens", "Khóa API", "API tokens"),
    ("admin.audit", "Nhật ký hệ thống", "Audit trail"),
    ("org.list_title", "Danh sách tổ chức", "Organisations"),
    ("org.new", "Thêm tổ chức", "Add organisation"),
    (
        "org.show_archived",
        "Hiện cả tổ chức đã lưu trữ",
        "Show archived organisations",
    ),
    ("org.unarchive", "Khôi phục", "Restore"),
    (
        "user.disable_confirm",
        "Khóa tài khoản này? Người dùng sẽ bị đăng xuất và không đăng nhập được nữa.",
        "Disable this account? The person is signed out and can no longer sign in.",
    ),
    ("account.password_title", "Đổi mật khẩu", "Change password"),
    ("account.password_new", "Mật khẩu mới", "New password"),
    (
        "account.password_changed",
        "Đã đổi mật khẩu.",
        "Password changed.",
    ),
    ("audit.verify", "Kiểm tra tính toàn vẹn", "Verify integrity"),
    ("common.pages", "Phân trang", "Pages"),
    ("col.prefix", "Mã nhận dạng", "Identifier"),
    ("org.edit", "Sửa tổ chức", "Edit organisation"),
    ("org.archive", "Lưu trữ", "Archive"),
    (
        "org.archive_confirm",
        "Lưu trữ tổ chức này? Tổ chức sẽ không còn được chọn, nhưng lịch sử được giữ nguyên.",
        "Archive this organisation? It can no longer be chosen, but its history is kept.",
    ),
    ("org.archived", "Đã lưu trữ", "Archived"),
    ("org.active", "Đang hoạt động", "Active"),
    ("org.none", "Chưa có tổ chức nào.", "No organisations yet."),
    (
        "org.no_parent",
        "— Không có (cấp cao nhất) —",
        "— None (top level) —",
    ),
    ("org.created", "Đã thêm tổ chức.", "Organisation added."),
    ("org.saved", "Đã lưu tổ chức.", "Organisation saved."),
    ("user.list_title", "Danh sách người dùng", "Users"),
    ("user.new", "Thêm người dùng", "Add user"),
    ("user.edit", "Sửa người dùng", "Edit user"),
    ("user.none", "Chưa có người dùng nào.", "No users yet."),
    ("user.created", "Đã thêm người dùng.", "User added."),
    ("user.saved", "Đã lưu người dùng.", "User saved."),
    ("user.disable", "Khóa tài khoản", "Disable account"),
    ("user.enable", "Mở khóa tài khoản", "Enable account"),
    ("user.disabled", "Đã khóa", "Disabled"),
    ("user.active", "Đang hoạt động", "Active"),
    (
        "user.totp_on",
        "Đã bật xác thực hai bước",
        "Two-step verification on",
    ),
    (
        "user.password_hint",
        "Ít nhất 12 ký tự.",
        "At least 12 characters.",
    ),
    (
        "user.password_keep",
        "Để trống nếu không đổi mật khẩu.",
        "Leave empty to keep the password.",
    ),
    ("token.list_title", "Khóa API", "API tokens"),
    ("token.new", "Tạo khóa API", "Create API token"),
    (
        "token.created",
        "Khóa API chỉ hiển thị một lần. Hãy sao chép và lưu giữ an toàn:",
        "The token is shown only once. Copy it and keep it safe:",
    ),
    ("token.revoke", "Thu hồi", "Revoke"),
    (
        "token.revoke_confirm",
        "Thu hồi khóa API này? Các chương trình đang dùng khóa sẽ không truy cập được nữa.",
        "Revoke this token? Programs using it will lose access.",
    ),
    ("token.revoked", "Đã thu hồi", "Revoked"),
    ("token.none", "Chưa có khóa API nào.", "No API tokens yet."),
    ("audit.title", "Nhật ký hệ thống", "Audit trail"),
    (
        "audit.verify_ok",
        "Chuỗi nhật ký toàn vẹn ({n} bản ghi).",
        "The audit chain is intact ({n} records).",
    ),
    (
        "audit.verify_bad",
        "Chuỗi nhật ký bị phá vỡ:",
        "The audit chain is broken:",
    ),
    ("audit.none", "Chưa có bản ghi nào.", "No records yet."),
    // Account security
    (
        "account.title",
        "Tài khoản và bảo mật",
        "Account and security",
    ),
    ("account.totp", "Xác thực hai bước", "Two-step verification"),
    (
        "account.totp_off",
        "Xác thực hai bước đang tắt.",
        "Two-step verification is off.",
    ),
    (
        "account.totp_on",
        "Xác thực hai bước đang bật.",
        "Two-step verification is on.",
    ),
    (
        "account.totp_enable",
        "Bật xác thực hai bước",
        "Turn on two-step verification",
    ),
    (
        "account.totp_disable",
        "Tắt xác thực hai bước",
        "Turn off two-step verification",
    ),
    (
        "account.totp_scan",
        "Quét mã QR bằng ứng dụng xác thực (Google Authenticator, FreeOTP…) hoặc nhập khóa bí mật:",
        "Scan the QR code with an authenticator app (Google Authenticator, FreeOTP…) or enter the secret key:",
    ),
    (
        "account.totp_confirm_hint",
        "Nhập mã 6 chữ số ứng dụng hiển thị để xác nhận.",
        "Enter the 6-digit code the app shows to confirm.",
    ),
    ("account.recovery_title", "Mã khôi phục", "Recovery codes"),
    (
        "account.recovery_hint",
        "Mỗi mã dùng được một lần khi không có ứng dụng xác thực. Các mã chỉ hiển thị lần này: hãy in hoặc lưu lại.",
        "Each code works once when you lack your authenticator. They are shown only now: print or save them.",
    ),
    (
        "account.recovery_left",
        "Còn {n} mã khôi phục chưa dùng.",
        "{n} unused recovery codes left.",
    ),
    (
        "account.password_current",
        "Mật khẩu hiện tại",
        "Current password",
    ),
    (
        "account.totp_disabled",
        "Đã tắt xác thực hai bước.",
        "Two-step verification turned off.",
    ),
    // Common
    ("common.save", "Lưu", "Save"),
    ("common.cancel", "Hủy", "Cancel"),
    ("common.edit", "Sửa", "Edit"),
    ("common.actions", "Thao tác", "Actions"),
    ("common.status", "Trạng thái", "Status"),
    ("common.yes", "Có", "Yes"),
    ("common.no", "Không", "No"),
    ("common.created_at", "Ngày tạo", "Created"),
    (
        "common.errors_title",
        "Vui lòng sửa các lỗi sau:",
        "Please correct the following:",
    ),
    (
        "common.required_note",
        "Trường có dấu (*) là bắt buộc.",
        "Fields marked (*) are required.",
    ),
    ("common.search", "Tìm kiếm", "Search"),
    ("common.prev", "Trang trước", "Previous page"),
    ("common.next", "Trang sau", "Next page"),
    ("common.back", "Quay lại", "Back"),
    (
        "err.forbidden",
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not allowed to do this.",
    ),
    (
        "err.not_found",
        "Không tìm thấy trang hoặc đối tượng yêu cầu.",
        "The page or object was not found.",
    ),
    (
        "err.internal",
        "Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau.",
        "Something went wrong on our side. Please try again later.",
    ),
    (
        "err.unauthorized",
        "Cần đăng nhập hoặc khóa API hợp lệ.",
        "Sign-in or a valid API token is required.",
    ),
    (
        "err.rate_limited",
        "Quá nhiều yêu cầu. Vui lòng thử lại sau.",
        "Too many requests. Please try again later.",
    ),
    (
        "err.too_large",
        "Dữ liệu gửi lên quá lớn.",
        "The request body is too large.",
    ),
    (
        "err.bad_json",
        "dữ liệu JSON không hợp lệ",
        "the JSON body is not valid",
    ),
    ("err.title", "Lỗi", "Error"),
    // Field reasons
    ("err.required", "không được để trống", "must not be empty"),
    (
        "err.too_long",
        "dài quá {max} ký tự",
        "is longer than {max} characters",
    ),
    (
        "err.too_short",
        "cần ít nhất {min} ký tự",
        "needs at least {min} characters",
    ),
    (
        "err.invalid_email",
        "không phải địa chỉ email hợp lệ",
        "is not a valid email address",
    ),
    (
        "err.invalid_chars",
        "chứa ký tự không hợp lệ (ký tự điều khiển hoặc < >)",
        "contains characters that are not allowed (control characters or < >)",
    ),
    (
        "err.not_allowed",
        "bạn không có quyền chọn giá trị này",
        "you may not choose this value",
    ),
    (
        "err.unknown_value",
        "giá trị không có trong danh sách",
        "is not one of the allowed values",
    ),
    ("err.taken", "đã được sử dụng", "is already in use"),
    (
        "err.invalid_number",
        "không phải số hợp lệ",
        "is not a valid number",
    ),
    ("err.invalid_code", "mã không đúng", "the code is wrong"),
    (
        "err.invalid_phone",
        "không phải số điện thoại hợp lệ (8–15 chữ số)",
        "is not a valid phone number (8–15 digits)",
    ),
    (
        "err.invalid_url",
        "không phải địa chỉ web hợp lệ (bắt đầu bằng http:// hoặc https://)",
        "is not a valid web address (starting with http:// or https://)",
    ),
    (
        "err.cycle",
        "không thể là chính tổ chức này hoặc một đơn vị trực thuộc nó",
        "cannot be the organisation itself or one below it",
    ),
    ("err.archived", "đã được lưu trữ", "is archived"),
    (
        "err.org_not_found",
        "không có tổ chức nào có mã số hoặc tên này",
        "no organisation has this id or exact name",
    ),
    (
        "err.invalid_level",
        "phải là cấp độ từ 1 đến 5",
        "must be a level from 1 to 5",
    ),
    (
        "err.invalid_domain",
        "không phải tên miền hợp lệ",
        "is not a valid domain name",
    ),
    (
        "err.invalid_ip",
        "không phải địa chỉ IP hợp lệ (IPv4 hoặc IPv6)",
        "is not a valid IP address (IPv4 or IPv6)",
    ),
    (
        "err.invalid_cidr",
        "không phải dải địa chỉ hợp lệ (ví dụ 203.113.0.0/24)",
        "is not a valid address range (e.g. 203.113.0.0/24)",
    ),
    (
        "err.cidr_host_bits",
        "phần địa chỉ máy phải bằng 0 (ví dụ 203.113.0.0/24, không phải 203.113.0.5/24)",
        "the host part must be zero (e.g. 203.113.0.0/24, not 203.113.0.5/24)",
    ),
    (
        "err.two_leads",
        "chỉ được có đúng một Đội trưởng tại một thời điểm",
        "there must be exactly one team lead at a time",
    ),
    (
        "err.no_lead",
        "danh sách phải có một Đội trưởng",
        "the roster needs a team lead",
    ),
    (
        "err.invalid_date",
        "không phải ngày hợp lệ (dd/mm/yyyy)",
        "is not a valid date (dd/mm/yyyy)",
    ),
    (
        "err.end_before_start",
        "thời điểm kết thúc phải sau thời điểm bắt đầu",
        "the end must come after the start",
    ),
    ("err.wrong_type", "sai kiểu dữ liệu", "has the wrong type"),
    // Field labels (field.<name> as named in errors)
    ("field.name", "Tên", "Name"),
    ("field.org.name", "Tên tổ chức", "Organisation name"),
    ("field.org.kind", "Loại", "Kind"),
    (
        "field.org.parent",
        "Tổ chức cấp trên",
        "Parent organisation",
    ),
    ("field.org.address", "Địa chỉ", "Address"),
    ("field.org.phone", "Điện thoại", "Phone"),
    ("field.org.email", "Email", "Email"),
    ("field.org", "Tổ chức", "Organisation"),
    ("field.org.website", "Trang thông tin điện tử", "Website"),
    (
        "field.account.password_current",
        "Mật khẩu hiện tại",
        "Current password",
    ),
    ("field.user.name", "Họ và tên", "Full name"),
    ("field.user.email", "Email", "Email"),
    ("field.user.org", "Tổ chức", "Organisation"),
    ("field.user.role", "Vai trò", "Role"),
    ("field.user.password", "Mật khẩu", "Password"),
    ("field.token.name", "Tên khóa", "Token name"),
    ("field.token.org", "Tổ chức", "Organisation"),
    ("field.totp.code", "Mã xác thực", "Verification code"),
    ("field.password", "Mật khẩu", "Password"),
    ("field.email", "Email", "Email"),
    ("field.role", "Vai trò", "Role"),
    ("field.kind", "Loại", "Kind"),
    ("field.parent", "Tổ chức cấp trên", "Parent organisation"),
    ("field.body", "Nội dung", "Body"),
    // Roles
    ("role.admin", "Quản trị hệ thống", "Administrator"),
    ("role.thuong_truc", "Thường trực", "Standing desk"),
    ("role.doi_truong", "Đội trưởng", "Team lead"),
    ("role.doi_pho", "Đội phó", "Deputy lead"),
    ("role.thanh_vien", "Thành viên", "Team member"),
    ("role.dau_moi", "Cán bộ đầu mối", "Focal point"),
    ("role.lanh_dao", "Lãnh đạo", "Leadership"),
    // Organisation kinds
    (
        "org_kind.department",
        "Sở, ban, ngành",
        "Provincial department or agency",
    ),
    (
        "org_kind.commune",
        "UBND xã, phường",
        "Commune or ward committee",
    ),
    ("org_kind.police", "Công an", "Police unit"),
    (
        "org_kind.military",
        "Bộ Chỉ huy quân sự",
        "Military command",
    ),
    (
        "org_kind.isp",
        "Doanh nghiệp viễn thông, Internet",
        "Telecom or Internet provider",
    ),
    (
        "org_kind.security_provider",
        "Doanh nghiệp dịch vụ an toàn thông tin",
        "Security service provider",
    ),
    (
        "org_kind.vendor",
        "Đơn vị xây dựng, cung cấp hệ thống",
        "System builder or vendor",
    ),
    (
        "org_kind.national_coordinator",
        "Cơ quan điều phối quốc gia",
        "National coordinator",
    ),
    ("org_kind.other", "Khác", "Other"),
    // Table headings
    ("col.name", "Tên", "Name"),
    ("col.kind", "Loại", "Kind"),
    ("col.parent", "Cấp trên", "Parent"),
    ("col.email", "Email", "Email"),
    ("col.org", "Tổ chức", "Organisation"),
    ("col.role", "Vai trò", "Role"),
    ("col.time", "Thời gian", "Time"),
    ("col.actor", "Người thực hiện", "Actor"),
    ("col.action", "Hành động", "Action"),
    ("col.object", "Đối tượng", "Object"),
    ("col.last_used", "Lần dùng cuối", "Last used"),
];

fn index() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static INDEX: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        CATALOGUE
            .iter()
            .map(|(k, vi, en)| (*k, (*vi, *en)))
            .collect()
    })
}

pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    index().get(key).map(|(vi, en)| match lang {
        Lang::Vi => *vi,
        Lang::En => *en,
    })
}

/// The text for `key`; an unknown key shows itself, so a gap is visible rather than blank
/// (and the catalogue test keeps it from shipping).
pub fn t(lang: Lang, key: &str) -> &'static str {
    lookup(lang, key).unwrap_or_else(|| {
        debug_assert!(false, "missing catalogue key {key}");
        "??"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        let mut seen = HashSet::new();
        for (k, vi, en) in CATALOGUE {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(
                !vi.trim().is_empty() && !en.trim().is_empty(),
                "{k} has an empty text"
            );
        }
    }

    #[test]
    fn accept_language_picks_english_only_when_asked() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("vi-VN,vi;q=0.9,en;q=0.8"),
            Lang::Vi
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,en;q=0.5,vi;q=0.7"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
    }

    #[test]
    fn every_role_and_kind_has_a_label() {
        for r in crate::Role::ALL {
            assert!(lookup(Lang::Vi, r.label_key()).is_some(), "{r:?}");
        }
        for k in crate::OrgKind::ALL {
            assert!(lookup(Lang::En, k.label_key()).is_some(), "{k:?}");
        }
    }
}
