//! Filled-in examples of both forms, with every Vietnamese diacritic the tests look for; used
//! by the tests, the layout guard and `ungcuu-bench docs`.

use crate::forms::{self, FinalReport, InitialReport, Letterhead};
use crate::model::{Document, Signature};

pub fn letterhead() -> Letterhead {
    Letterhead {
        parent_body: Some("UBND tỉnh Bắc Ninh".into()),
        issuing_body: "Đội ứng cứu sự cố an toàn thông tin mạng".into(),
        number: "Số: 12/BC-ĐUCSC".into(),
        place_date: "Bắc Ninh, ngày 05 tháng 3 năm 2026".into(),
        signature: Signature {
            authority: Some("KT. Đội trưởng".into()),
            title: "Đội phó".into(),
            hint: None,
            name: Some("Trần Viết Soái".into()),
        },
        recipients: vec![
            "Bộ Công an (Cục A05);".into(),
            "UBND tỉnh (để báo cáo);".into(),
            "Lưu: VT, ĐUCSC.".into(),
        ],
    }
}

pub fn initial() -> InitialReport {
    InitialReport {
        reporter_name: "Sở Tài chính tỉnh Bắc Ninh".into(),
        reporter_address: "Số 8 đường Lý Thái Tổ, phường Suối Hoa, tỉnh Bắc Ninh".into(),
        reporter_phone: "0222 3822 456".into(),
        reporter_email: "vanphong@stc.bacninh.gov.vn".into(),
        contact_name: "Nguyễn Thị Hằng".into(),
        contact_title: "Phó Chánh Văn phòng".into(),
        contact_phone: "0912 345 678".into(),
        contact_email: "hangnt@stc.bacninh.gov.vn".into(),
        operator_name: "Trung tâm Công nghệ thông tin và Truyền thông".into(),
        owner_name: "Sở Tài chính tỉnh Bắc Ninh".into(),
        system_name: "Cổng thông tin điện tử Sở Tài chính — stc.bacninh.gov.vn, 203.162.10.21".into(),
        security_level: Some(3),
        security_provider: "Công ty TNHH An ninh mạng Việt".into(),
        connectivity_provider: "VNPT Bắc Ninh".into(),
        public_ip_ranges: "203.162.10.0/28".into(),
        description: "Trang chủ bị thay đổi giao diện lúc 08 giờ 30 phút; xuất hiện nội dung lạ.\nNghi ngờ khai thác lỗ hổng plugin cũ của hệ quản trị nội dung; chưa ghi nhận rò rỉ dữ liệu cá nhân.".into(),
        detected_date: "04/05/2026".into(),
        detected_time: "08 giờ 30 phút".into(),
        handled: false,
        detected_by_ids: false,
        detected_by_log: true,
        notified_by: Some("Trung tâm Giám sát an toàn không gian mạng quốc gia".into()),
        detected_other: None,
        sent_to_network_member: true,
        sent_to_isp: false,
        sent_to_coordinator: true,
        os: "Ubuntu Server".into(),
        os_version: "22.04".into(),
        service_web: true,
        service_mail: false,
        service_database: true,
        service_other: None,
        measure_antivirus: true,
        measure_firewall: true,
        measure_ids: false,
        measure_other: Some("Tường lửa ứng dụng web (WAF)".into()),
        ips: "203.162.10.21, 2001:ee0:4f00::21".into(),
        domains: "stc.bacninh.gov.vn, sởtàichính.việtnam.vn".into(),
        purpose: "Công khai thông tin ngân sách, tiếp nhận phản ánh của người dân".into(),
        attached_logs: true,
        attached_malware: false,
        attached_other: Some("Ảnh chụp màn hình trang bị thay đổi".into()),
        confidential: true,
        support_requested: "Đề nghị Đội ứng cứu hỗ trợ phân tích nhật ký, xác định nguồn tấn công và khôi phục hệ thống.".into(),
        reported_at: "04/05/2026/09/15".into(),
    }
}

pub fn final_() -> FinalReport {
    FinalReport {
        reporter_name: "Sở Tài chính tỉnh Bắc Ninh".into(),
        reporter_address: "Số 8 đường Lý Thái Tổ, phường Suối Hoa, tỉnh Bắc Ninh".into(),
        reporter_phone: "0222 3822 456".into(),
        reporter_email: "vanphong@stc.bacninh.gov.vn".into(),
        initial_reference: "SC-2026-7KQ4M2XA".into(),
        initial_date: "04/05/2026".into(),
        operator_name: "Trung tâm Công nghệ thông tin và Truyền thông".into(),
        owner_name: "Sở Tài chính tỉnh Bắc Ninh".into(),
        system_name: "Cổng thông tin điện tử Sở Tài chính".into(),
        security_level: Some(3),
        incident: "Tấn công thay đổi giao diện cổng thông tin".into(),
        detected_date: "04/05/2026".into(),
        detected_time: "08 giờ 30 phút".into(),
        result: "Đã gỡ bỏ mã độc, vá lỗ hổng plugin, đổi toàn bộ mật khẩu quản trị; hệ thống hoạt động bình thường từ 14 giờ 00 ngày 05/5/2026. Đề xuất rà soát định kỳ các thành phần mở rộng.".into(),
        attachments: "Nhật ký máy chủ web; biên bản xử lý sự cố; phương án khắc phục.".into(),
    }
}

/// Phụ lục I filled with [`initial`] under [`letterhead`].
pub fn initial_document() -> Document {
    forms::initial_report(&letterhead(), &initial())
}

/// Phụ lục II filled with [`final_`] under [`letterhead`].
pub fn final_document() -> Document {
    let mut head = letterhead();
    head.number = "Số: 13/BC-ĐUCSC".into();
    forms::final_report(&head, &final_())
}
