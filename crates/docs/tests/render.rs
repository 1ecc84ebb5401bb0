//! The rendered documents, read back as a reader's tools see them: poppler's `pdftotext` for
//! the PDF (install `poppler-utils`), the DOCX as the zip of XML it is.

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use ungcuu_docs::forms::{FinalReport, InitialReport};
use ungcuu_docs::{Document, render_docx, render_pdf, sample};

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ungcuu-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The PDF's text with runs of whitespace made single spaces, so wrapped lines still match.
fn pdf_text(pdf: &[u8], name: &str) -> String {
    let p = scratch(name, pdf);
    // `-raw`: content-stream order, so each table cell reads whole rather than line by line
    // across the columns.
    let raw = poppler("pdftotext", &["-raw", p.to_str().unwrap(), "-"]);
    squash(&raw)
}

/// Text without any whitespace: a line may wrap anywhere (even after a "/"), which pdftotext
/// reads as a space, so comparisons ignore whitespace altogether.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join("")
}

fn docx_text(docx: &[u8]) -> (String, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    // Each <w:t> run's text, paragraphs separated by spaces.
    let mut text = String::new();
    for part in xml.split("<w:t").skip(1) {
        let body = &part[part.find('>').unwrap() + 1..];
        let t = &body[..body.find("</w:t>").unwrap_or(0)];
        text.push_str(t);
        text.push(' ');
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'");
    (squash(&text), xml)
}

/// Every value a report carries, as it must appear.
fn initial_values(r: &InitialReport) -> Vec<String> {
    let mut v = vec![
        r.reporter_name.clone(),
        r.reporter_address.clone(),
        r.reporter_phone.clone(),
        r.reporter_email.clone(),
        r.contact_name.clone(),
        r.contact_title.clone(),
        r.contact_phone.clone(),
        r.contact_email.clone(),
        r.operator_name.clone(),
        r.owner_name.clone(),
        r.system_name.clone(),
        r.security_provider.clone(),
        r.connectivity_provider.clone(),
        r.public_ip_ranges.clone(),
        r.detected_date.clone(),
        r.detected_time.clone(),
        r.os.clone(),
        r.os_version.clone(),
        r.ips.clone(),
        r.domains.clone(),
        r.purpose.clone(),
        r.support_requested.clone(),
        r.reported_at.clone(),
    ];
    v.extend(r.description.lines().map(str::to_string));
    v.extend(r.notified_by.clone());
    v.extend(r.measure_other.clone());
    v.extend(r.attached_other.clone());
    v.into_iter().map(|s| squash(&s)).collect()
}

/// The labels of Phụ lục I in the form's order, with the required marks where the form has
/// them, the tick boxes as the sample fills them, and the notes.
const INITIAL_IN_ORDER: &[&str] = &[
    "BÁO CÁO BAN ĐẦU SỰ CỐ MẠNG",
    "Tên tổ chức/cá nhân báo cáo sự cố (*):",
    "Địa chỉ (*):",
    "Điện thoại (*):",
    "Email (*):",
    "NGƯỜI LIÊN HỆ",
    "Họ và tên (*):",
    "Chức vụ:",
    "Điện thoại (*):",
    "Email (*):",
    "THÔNG TIN CHI TIẾT VỀ HỆ THỐNG BỊ SỰ CỐ",
    "Tên đơn vị vận hành hệ thống thông tin (*)",
    "Cơ quan chủ quản",
    "Tên hệ thống bị sự cố",
    "Phân loại cấp độ của hệ thống thông tin (nếu có)",
    "☐ Cấp độ 1",
    "☐ Cấp độ 2",
    "☒ Cấp độ 3",
    "☐ Cấp độ 4",
    "☐ Cấp độ 5",
    "Tổ chức cung cấp dịch vụ an toàn thông tin (nếu có)",
    "Tên nhà cung cấp dịch vụ kết nối bên ngoài (nếu có)",
    "Dải địa chỉ Public IP kết nối với hệ thống bên ngoài",
    "Mô tả sơ bộ sự cố (*)",
    "Ngày phát hiện sự cố (*)",
    "Thời gian phát hiện (*)",
    "HIỆN TRẠNG SỰ CỐ (*)",
    "☐ Đã được xử lý",
    "☒ Chưa được xử lý",
    "CÁCH THỨC PHÁT HIỆN (*) (Đánh dấu những cách thức được sử dụng để phát hiện sự cố)",
    "☐ Qua hệ thống phát hiện xâm nhập",
    "☒ Kiểm tra dữ liệu lưu lại (Log File)",
    "☒ Nhận được thông báo từ:",
    "☐ Khác, đó là:",
    "ĐÃ GỬI THÔNG BÁO SỰ CỐ CHO (*)",
    "☒ Thành viên mạng lưới chịu trách nhiệm ứng cứu sự cố cho tổ chức, cá nhân",
    "☐ ISP đang trực tiếp cung cấp dịch vụ",
    "☒ Cơ quan điều phối",
    "THÔNG TIN BỔ SUNG VỀ HỆ THỐNG XẢY RA SỰ CỐ",
    "■ Hệ điều hành:",
    "Version:",
    "■ Các dịch vụ có trên hệ thống (Đánh dấu những dịch vụ được sử dụng trên hệ thống)",
    "☒ Web server",
    "☐ Mail server",
    "☒ Database server",
    "☐ Dịch vụ khác, đó là",
    "• Các biện pháp an toàn thông tin đã triển khai (Đánh dấu những biện pháp đã triển khai)",
    "☒ Antivirus",
    "☒ Firewall",
    "☐ Hệ thống phát hiện xâm nhập",
    "☒ Khác:",
    "■ Các địa chỉ IP của hệ thống (Liệt kê địa chỉ IP sử dụng trên Internet, không liệt kê địa chỉ IP nội bộ):",
    "■ Các tên miền của hệ thống:",
    "■ Mục đích chính sử dụng hệ thống:",
    "■ Thông tin gửi kèm",
    "☒ Nhật ký hệ thống",
    "☐ Mẫu virus/mã độc",
    "☒ Khác:",
    "■ Các thông tin cung cấp trong thông báo sự cố này đều phải được giữ bí mật:",
    "☒ Có",
    "☐ Không",
    "KIẾN NGHỊ, ĐỀ XUẤT HỖ TRỢ",
    "Mô tả về đề xuất, kiến nghị",
    "THỜI GIAN THỰC HIỆN BÁO CÁO SỰ CỐ (*):",
    "(ngày/tháng/năm/giờ/phút)",
    "Chú thích:",
    "1. Phần (*) là những thông tin bắt buộc. Các phần còn lại có thể loại bỏ nếu không có thông tin.",
    "2. Sử dụng tiêu đề (subject) bắt đầu bằng “[TBSC]” khi gửi thông báo qua email.",
];

const FINAL_IN_ORDER: &[&str] = &[
    "BÁO CÁO KẾT THÚC ỨNG PHÓ SỰ CỐ",
    "THÔNG TIN VỀ TỔ CHỨC/CÁ NHÂN BÁO CÁO",
    "● Tên tổ chức/cá nhân báo cáo sự cố (*):",
    "● Địa chỉ (*):",
    "● Điện thoại (*):",
    "● Email (*):",
    "KÝ HIỆU BÁO CÁO BAN ĐẦU SỰ CỐ: Số ký hiệu:",
    "Ngày báo cáo:",
    "THÔNG TIN CHI TIẾT VỀ HỆ THỐNG BỊ SỰ CỐ",
    "Tên đơn vị vận hành hệ thống thông tin (*)",
    "Cơ quan chủ quản",
    "Tên hệ thống bị sự cố",
    "Phân loại cấp độ của hệ thống thông tin (nếu có)",
    "☒ Cấp độ 3",
    "Tên/Mô tả về sự cố",
    "Ngày phát hiện sự cố (*)",
    "Thời gian phát hiện (*)",
    "Kết quả xử lý sự cố",
    "Các tài liệu đính kèm",
    "Chú thích:",
    "Phần (*) là những thông tin bắt buộc.",
];

fn final_values(r: &FinalReport) -> Vec<String> {
    [
        &r.reporter_name,
        &r.reporter_address,
        &r.reporter_phone,
        &r.reporter_email,
        &r.initial_reference,
        &r.initial_date,
        &r.operator_name,
        &r.owner_name,
        &r.system_name,
        &r.incident,
        &r.detected_date,
        &r.detected_time,
        &r.result,
        &r.attachments,
    ]
    .iter()
    .map(|s| squash(s))
    .collect()
}

/// The NĐ30 frame every document has.
const FRAME: &[&str] = &[
    "UBND TỈNH BẮC NINH",
    "ĐỘI ỨNG CỨU SỰ CỐ AN TOÀN THÔNG TIN MẠNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Bắc Ninh, ngày 05 tháng 3 năm 2026",
    "Nơi nhận:",
    "- Bộ Công an (Cục A05);",
    "- Lưu: VT, ĐUCSC.",
    "KT. ĐỘI TRƯỞNG",
    "ĐỘI PHÓ",
    "Trần Viết Soái",
];

fn assert_in_order(text: &str, labels: &[&str], what: &str) {
    let mut at = 0;
    for label in labels {
        let l = squash(label);
        match text[at..].find(&l) {
            Some(i) => at += i + l.len(),
            None => panic!(
                "{what}: {label:?} missing or out of order; text after the last match: {:?}",
                text[at..].chars().take(300).collect::<String>()
            ),
        }
    }
}

fn assert_contains_all(text: &str, values: &[String], what: &str) {
    for v in values {
        assert!(
            text.contains(v.as_str()),
            "{what}: value {v:?} missing from {text:?}"
        );
    }
}

#[test]
fn initial_report_pdf_has_every_field_in_order_with_its_value_and_diacritics() {
    let doc = sample::initial_document();
    let text = pdf_text(&render_pdf(&doc).unwrap(), "initial.pdf");
    // pdftotext reads the two header columns line by line; check the frame piece by piece.
    for f in FRAME {
        assert!(
            text.contains(&squash(f)),
            "frame {f:?} missing from {text:?}"
        );
    }
    assert!(text.contains(&squash("Số: 12/BC-ĐUCSC")), "{text}");
    assert_in_order(&text, INITIAL_IN_ORDER, "Phụ lục I (PDF)");
    assert_contains_all(
        &text,
        &initial_values(&sample::initial()),
        "Phụ lục I (PDF)",
    );
}

#[test]
fn final_report_pdf_has_every_field_in_order_with_its_value() {
    let doc = sample::final_document();
    let text = pdf_text(&render_pdf(&doc).unwrap(), "final.pdf");
    assert!(text.contains(&squash("Số: 13/BC-ĐUCSC")), "{text}");
    assert_in_order(&text, FINAL_IN_ORDER, "Phụ lục II (PDF)");
    assert_contains_all(&text, &final_values(&sample::final_()), "Phụ lục II (PDF)");
}

#[test]
fn docx_carries_the_same_fields_values_and_page_setup() {
    for (doc, labels, values) in [
        (
            sample::initial_document(),
            INITIAL_IN_ORDER,
            initial_values(&sample::initial()),
        ),
        (
            sample::final_document(),
            FINAL_IN_ORDER,
            final_values(&sample::final_()),
        ),
    ] {
        let (text, xml) = docx_text(&render_docx(&doc).unwrap());
        for f in FRAME {
            assert!(
                text.contains(&squash(f)),
                "frame {f:?} missing from {text:?}"
            );
        }
        assert!(text.contains(&squash(&doc.number)), "{text}");
        assert_in_order(&text, labels, "DOCX");
        assert_contains_all(&text, &values, "DOCX");
        // A4 and the NĐ30 margins, in twips: 20 mm = 1134, 30 mm = 1701, 15 mm = 850.
        assert!(
            xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#),
            "page size"
        );
        for m in [
            r#"w:top="1134""#,
            r#"w:bottom="1134""#,
            r#"w:left="1701""#,
            r#"w:right="850""#,
        ] {
            assert!(
                xml.contains(m),
                "margin {m} in {}",
                &xml[xml.find("<w:pgMar").unwrap()..][..200]
            );
        }
        // Body text 13 pt (26 half-points), Times New Roman.
        assert!(xml.contains(r#"<w:sz w:val="26" />"#) || xml.contains(r#"<w:sz w:val="26"/>"#));
        assert!(xml.contains("Times New Roman"));
    }
}

/// One word's box on a page, in PDF points from the top left.
#[derive(Debug, Clone)]
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[start..][..tag[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

fn words(pdf: &[u8], name: &str) -> (Vec<(f64, f64)>, Vec<Word>) {
    let p = scratch(name, pdf);
    let html = poppler("pdftotext", &["-bbox", p.to_str().unwrap(), "-"]);
    let mut pages = Vec::new();
    let mut out = Vec::new();
    for page in html.split("<page ").skip(1) {
        pages.push((attr(page, "width"), attr(page, "height")));
        for w in page.split("<word ").skip(1) {
            let tag = &w[..w.find('>').unwrap()];
            let text = &w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()];
            out.push(Word {
                page: pages.len(),
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text: text.to_string(),
            });
        }
    }
    (pages, out)
}

const PT_PER_MM: f64 = 72.0 / 25.4;

#[test]
fn pdf_is_a4_and_all_text_stays_inside_the_nd30_margins() {
    for (name, doc) in [
        ("initial-m.pdf", sample::initial_document()),
        ("final-m.pdf", sample::final_document()),
    ] {
        let (pages, words) = words(&render_pdf(&doc).unwrap(), name);
        for (w, h) in &pages {
            assert!(
                (w - 210.0 * PT_PER_MM).abs() < 0.5 && (h - 297.0 * PT_PER_MM).abs() < 0.5,
                "A4: {w}×{h}"
            );
        }
        let (w, h) = pages[0];
        for word in &words {
            // The page number sits in the top margin from page 2, as NĐ30 places it.
            let page_number =
                word.page > 1 && word.text == word.page.to_string() && word.y1 < 20.0 * PT_PER_MM;
            if page_number {
                continue;
            }
            assert!(word.x0 >= 30.0 * PT_PER_MM - 0.5, "left margin: {word:?}");
            assert!(
                word.x1 <= w - 15.0 * PT_PER_MM + 0.5,
                "right margin: {word:?}"
            );
            // pdftotext boxes run from the font's ascent, a little above the glyphs typst places.
            assert!(word.y0 >= 20.0 * PT_PER_MM - 2.0, "top margin: {word:?}");
            assert!(
                word.y1 <= h - 20.0 * PT_PER_MM + 0.5,
                "bottom margin: {word:?}"
            );
        }
        // The text reaches the left margin (30 mm) and nearly the right one (15 mm).
        let min_x = words.iter().map(|w| w.x0).fold(f64::MAX, f64::min);
        assert!(
            (min_x - 30.0 * PT_PER_MM).abs() < 2.0,
            "left edge at {min_x}"
        );
        // Page numbers: none on page 1, "2" on page 2.
        assert!(
            !words
                .iter()
                .any(|w| w.page == 1 && w.text == "1" && w.y1 < 20.0 * PT_PER_MM)
        );
        if pages.len() > 1 {
            assert!(
                words
                    .iter()
                    .any(|w| w.page == 2 && w.text == "2" && w.y1 < 20.0 * PT_PER_MM)
            );
        }
    }
}

#[test]
fn initial_report_sample_fits_two_pages() {
    assert_eq!(
        ungcuu_docs::page_count(&sample::initial_document()).unwrap(),
        2
    );
    assert_eq!(
        ungcuu_docs::page_count(&sample::final_document()).unwrap(),
        1
    );
}

/// The layout guard: where each line starts, rounded to whole points, against a stored
/// golden file. A change of template, font or typst version that moves text shows up here;
/// when the move is intended, regenerate with `UNGCUU_UPDATE_GOLDEN=1 cargo test -p ungcuu-docs`
/// and look at the pages (pdftoppm) before committing.
#[test]
fn layout_matches_the_golden_file() {
    for (name, doc) in [
        ("phu-luc-1", sample::initial_document()),
        ("phu-luc-2", sample::final_document()),
    ] {
        let (_, words) = words(&render_pdf(&doc).unwrap(), &format!("{name}-g.pdf"));
        let mut lines: Vec<String> = Vec::new();
        let mut last: Option<(usize, i64)> = None;
        for w in &words {
            let key = (w.page, w.y1.round() as i64);
            if last != Some(key) {
                lines.push(format!(
                    "p{} x{} y{} {}",
                    w.page,
                    w.x0.round(),
                    w.y1.round(),
                    w.text
                ));
                last = Some(key);
            }
        }
        let got = lines.join("\n") + "\n";
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/{name}.layout"));
        if std::env::var_os("UNGCUU_UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(got, want, "layout of {name} moved (see the test's comment)");
    }
}

#[test]
fn user_text_is_never_read_as_typst_markup() {
    let mut doc: Document = sample::initial_document();
    let nasty = r#"#panic("x") $x^2$ *bold* _it_ \ "quoted" [link] <label> @ref // c"#;
    doc.title = nasty.into();
    doc.blocks
        .push(ungcuu_docs::Block::Text { text: nasty.into() });
    let text = pdf_text(&render_pdf(&doc).unwrap(), "nasty.pdf");
    assert!(text.contains(&squash(nasty)), "{text}");
}

#[test]
fn rendering_is_deterministic() {
    let doc = sample::initial_document();
    assert_eq!(render_pdf(&doc).unwrap(), render_pdf(&doc).unwrap());
}
