//! Strings of intake: the initial report form (Phụ lục I, seed 002), its fields as the form
//! words them.

pub static ENTRIES: &[(&str, &str, &str)] = &[
    (
        "field.reporter.org_name",
        "Tên tổ chức/cá nhân báo cáo sự cố",
        "Reporting organisation or person",
    ),
    ("field.reporter.address", "Địa chỉ", "Address"),
    ("field.reporter.phone", "Điện thoại", "Phone"),
    ("field.reporter.email", "Email", "Email"),
    (
        "field.contact.name",
        "Họ và tên người liên hệ",
        "Contact's full name",
    ),
    ("field.contact.title", "Chức vụ", "Title"),
    (
        "field.contact.phone",
        "Điện thoại người liên hệ",
        "Contact's phone",
    ),
    (
        "field.contact.email",
        "Email người liên hệ",
        "Contact's email",
    ),
    (
        "field.system.owner_name",
        "Cơ quan chủ quản",
        "Owner agency",
    ),
    (
        "field.description",
        "Mô tả sơ bộ sự cố",
        "Short description of the incident",
    ),
    (
        "field.detected_at",
        "Ngày, thời gian phát hiện sự cố",
        "Date and time of detection",
    ),
    (
        "field.handled",
        "Hiện trạng sự cố",
        "Current state of the incident",
    ),
    (
        "field.detection_methods",
        "Cách thức phát hiện",
        "How it was detected",
    ),
    (
        "field.already_notified",
        "Đã gửi thông báo sự cố cho",
        "Already notified",
    ),
    (
        "field.attachments_note",
        "Thông tin gửi kèm",
        "Attached information",
    ),
    (
        "field.confidential",
        "Giữ bí mật thông tin",
        "Keep confidential",
    ),
    (
        "field.support_requested",
        "Kiến nghị, đề xuất hỗ trợ",
        "Requests for support",
    ),
    (
        "field.reported_at",
        "Thời gian thực hiện báo cáo sự cố",
        "Time of this report",
    ),
];
