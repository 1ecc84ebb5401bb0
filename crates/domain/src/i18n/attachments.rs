//! Strings of attachments: files given with a report (Phụ lục I: nhật ký hệ thống, mẫu mã độc,
//! tài liệu khác), their list, and the warning before a malware sample is downloaded.

pub static ENTRIES: &[(&str, &str, &str)] = &[
    ("field.file", "Tệp đính kèm", "Attached file"),
    ("attachments.title", "Tệp đính kèm", "Attachments"),
    (
        "attachments.of_report",
        "Tệp đính kèm của báo cáo",
        "Attachments of report",
    ),
    (
        "attachments.none",
        "Báo cáo này chưa có tệp đính kèm.",
        "This report has no attachments yet.",
    ),
    ("attachments.col.name", "Tên tệp", "File name"),
    ("attachments.col.kind", "Loại tệp", "Kind"),
    ("attachments.col.size", "Dung lượng", "Size"),
    ("attachments.col.sha256", "Mã băm SHA-256", "SHA-256"),
    ("attachments.col.uploaded", "Người gửi", "Uploaded by"),
    ("attachments.col.at", "Thời gian gửi", "Uploaded at"),
    (
        "attachments.kind.log",
        "Nhật ký hệ thống (log)",
        "System log",
    ),
    ("attachments.kind.malware", "Mẫu mã độc", "Malware sample"),
    ("attachments.kind.document", "Tài liệu", "Document"),
    ("attachments.kind.other", "Khác", "Other"),
    ("attachments.add", "Thêm tệp đính kèm", "Add attachments"),
    (
        "attachments.choose",
        "Chọn tệp (có thể chọn nhiều tệp cùng loại)",
        "Choose files (several of the same kind at once)",
    ),
    (
        "attachments.limit",
        "Mỗi tệp tối đa {max}.",
        "Each file at most {max}.",
    ),
    ("attachments.upload", "Gửi tệp", "Upload"),
    (
        "attachments.created",
        "Đã nhận tệp đính kèm. Mã băm SHA-256 của từng tệp được ghi lại bên dưới.",
        "Attachments received. Each file's SHA-256 is recorded below.",
    ),
    (
        "attachments.too_large",
        "vượt quá dung lượng cho phép ({max})",
        "is larger than allowed ({max})",
    ),
    (
        "attachments.broken",
        "Tệp gửi lên bị gián đoạn, chưa được lưu. Vui lòng gửi lại.",
        "The upload broke off and nothing was kept. Please send it again.",
    ),
    ("attachments.download", "Tải xuống", "Download"),
    (
        "attachments.download_zip",
        "Tải tệp zip (mật khẩu: infected)",
        "Download as zip (password: infected)",
    ),
    (
        "attachments.malware_hint",
        "Mẫu mã độc không bao giờ được mở trong trình duyệt: chỉ tải xuống thành tệp, sau khi đọc cảnh báo.",
        "A malware sample is never opened in the browser: it is only downloaded as a file, after a warning.",
    ),
    (
        "attachments.warning.title",
        "Cảnh báo: mẫu mã độc",
        "Warning: malware sample",
    ),
    (
        "attachments.warning.text",
        "Tệp này là mẫu mã độc do đơn vị báo cáo gửi. Chỉ mở trong môi trường phân tích cách ly (máy ảo không nối mạng nội bộ); không chạy tệp trên máy làm việc.",
        "This file is a malware sample sent by the reporting organisation. Open it only in an isolated analysis environment (a virtual machine off the internal network); never run it on a work computer.",
    ),
    (
        "attachments.warning.zip",
        "Nên tải tệp zip có mật khẩu \"infected\": phần mềm diệt virus và bộ lọc thư sẽ không xóa nhầm, và tệp không thể vô tình bị chạy.",
        "Prefer the zip with the password \"infected\": antivirus and mail filters leave it alone, and the file cannot be run by accident.",
    ),
    (
        "attachments.warning.raw",
        "Tải tệp gốc (không nén)",
        "Download the raw file",
    ),
    (
        "attachments.warning.check",
        "Sau khi tải, so sánh mã băm SHA-256 của tệp với mã ghi ở đây.",
        "After downloading, compare the file's SHA-256 with the one shown here.",
    ),
    (
        "attachments.back",
        "Quay lại danh sách tệp",
        "Back to the attachments",
    ),
    (
        "attachments.confidential",
        "Báo cáo mật: tệp đính kèm chỉ những người được xem báo cáo mới thấy.",
        "Confidential report: its attachments are seen only by those who may read the report.",
    ),
    (
        "attachments.receipt_hint",
        "Có thể gửi kèm nhật ký hệ thống, mẫu mã độc hoặc tài liệu khác cho báo cáo này.",
        "You can now attach system logs, malware samples or other documents to this report.",
    ),
    (
        "attachments.sha_note",
        "Mã băm SHA-256 được tính khi nhận tệp, dùng để chứng minh tệp lưu giữ đúng là tệp đã gửi.",
        "The SHA-256 is computed as the file is received, and proves the kept file is the one sent.",
    ),
];
