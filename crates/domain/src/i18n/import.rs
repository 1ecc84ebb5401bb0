//! Strings of bulk import and export (nhập, xuất dữ liệu danh mục): the page, the report and
//! the reasons a file or a row is refused. Column titles are not here: they are part of the
//! file format (the templates are Vietnamese documents) and live with the columns in
//! `ungcuu_app::registry::import`.

pub static ENTRIES: &[(&str, &str, &str)] = &[
    (
        "import.title",
        "Nhập, xuất dữ liệu danh mục",
        "Import and export the registry",
    ),
    (
        "import.lead",
        "Nhập hàng loạt tổ chức, hệ thống thông tin hoặc danh sách Đội ứng cứu từ tệp CSV hoặc Excel (XLSX) theo mẫu. Tệp có bất kỳ dòng lỗi nào sẽ không được nhập dòng nào.",
        "Bulk import organisations, information systems or the response team from a CSV or Excel (XLSX) file laid out like the template. A file with any bad row imports nothing.",
    ),
    ("import.kind", "Loại dữ liệu", "What to import"),
    ("import.kind.orgs", "Tổ chức", "Organisations"),
    (
        "import.kind.systems",
        "Hệ thống thông tin",
        "Information systems",
    ),
    ("import.kind.roster", "Đội ứng cứu", "Response team"),
    ("import.templates", "Tệp mẫu", "Templates"),
    (
        "import.templates_hint",
        "Tải tệp mẫu, điền mỗi dòng một đối tượng, giữ nguyên dòng tiêu đề. Ngày ghi dạng dd/mm/yyyy; danh sách (tên miền, địa chỉ IP, dịch vụ) cách nhau bởi dấu phẩy.",
        "Download a template, fill one object per row and keep the header row. Dates as dd/mm/yyyy; lists (domains, IP addresses, services) separated by commas.",
    ),
    (
        "import.roster_hint",
        "Tệp Đội ứng cứu là một quyết định kiện toàn: các dòng đầu ghi Số quyết định, Ngày ký, Người ký, Chức vụ người ký (và Ngày hiệu lực, Ghi chú nếu có), sau đó là bảng thành viên bắt đầu bằng dòng tiêu đề “Họ và tên”.",
        "A response team file is one roster decision: its first rows give the decision number, date signed, signer and signer's title (and the date in force and a note if any), then the members' table, whose header row starts with “Họ và tên”.",
    ),
    ("import.template_csv", "Mẫu CSV", "CSV template"),
    (
        "import.template_xlsx",
        "Mẫu Excel (XLSX)",
        "Excel (XLSX) template",
    ),
    ("import.export", "Xuất dữ liệu", "Export"),
    ("import.export_csv", "Xuất CSV", "Export CSV"),
    (
        "import.export_xlsx",
        "Xuất Excel (XLSX)",
        "Export Excel (XLSX)",
    ),
    ("import.upload", "Nhập dữ liệu từ tệp", "Import from a file"),
    (
        "import.file",
        "Tệp dữ liệu (CSV hoặc XLSX, tối đa 20 MB)",
        "Data file (CSV or XLSX, at most 20 MB)",
    ),
    (
        "import.dry_run",
        "Chỉ kiểm tra, không nhập (chạy thử)",
        "Only check, import nothing (dry run)",
    ),
    ("import.submit", "Kiểm tra và nhập", "Check and import"),
    ("import.report", "Kết quả", "Result"),
    ("import.col.line", "Dòng", "Line"),
    ("import.col.column", "Cột", "Column"),
    ("import.col.error", "Lỗi", "Error"),
    (
        "import.result.refused",
        "Tệp có {n} lỗi: chưa nhập dòng nào. Sửa các dòng dưới đây rồi nhập lại.",
        "The file has {n} errors: nothing was imported. Fix the rows below and import again.",
    ),
    (
        "import.result.dry_ok",
        "Chạy thử: tệp hợp lệ, {n} dòng sẵn sàng để nhập. Chưa có gì được lưu.",
        "Dry run: the file is good, {n} rows ready to import. Nothing was saved.",
    ),
    (
        "import.result.created",
        "Đã nhập {n} dòng.",
        "{n} rows imported.",
    ),
    (
        "import.result.nothing",
        "Tệp không có dòng dữ liệu nào.",
        "The file holds no data rows.",
    ),
    ("import.whole_file", "(cả tệp)", "(whole file)"),
    // Why a file is refused
    (
        "import.err.too_large",
        "tệp lớn hơn 20 MB; hãy chia thành nhiều tệp nhỏ hơn",
        "the file is larger than 20 MB; split it into smaller files",
    ),
    (
        "import.err.too_many_rows",
        "tệp có hơn 100.000 dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn",
        "the file has more than 100,000 data rows; split it into smaller files",
    ),
    (
        "import.err.unreadable",
        "không đọc được tệp: cần tệp CSV (UTF-8) hoặc Excel (XLSX)",
        "cannot read the file: a CSV (UTF-8) or Excel (XLSX) file is needed",
    ),
    (
        "import.err.not_utf8",
        "tệp CSV không ở mã UTF-8; trong Excel hãy chọn Lưu thành “CSV UTF-8”",
        "the CSV file is not UTF-8; in Excel choose Save as “CSV UTF-8”",
    ),
    (
        "import.err.format",
        "định dạng tệp không được hỗ trợ: cần .csv hoặc .xlsx",
        "unsupported file type: .csv or .xlsx is needed",
    ),
    (
        "import.err.no_header",
        "không tìm thấy dòng tiêu đề của bảng",
        "the table's header row was not found",
    ),
    (
        "import.err.unknown_column",
        "cột không có trong mẫu",
        "this column is not in the template",
    ),
    (
        "import.err.missing_column",
        "thiếu cột bắt buộc",
        "a required column is missing",
    ),
    (
        "import.err.duplicate_column",
        "cột bị lặp lại",
        "the column appears twice",
    ),
    (
        "import.err.untitled_column",
        "có dữ liệu ở cột không có tiêu đề",
        "data in a column with no title",
    ),
    (
        "import.err.cell_error",
        "ô chứa lỗi công thức",
        "the cell holds a formula error",
    ),
    (
        "import.err.unknown_row",
        "dòng không thuộc phần thông tin quyết định",
        "this row is not part of the decision's details",
    ),
    // Why a row is refused, beyond the form's own rules
    (
        "import.item",
        "mục thứ {n} (“{value}”)",
        "item {n} (“{value}”)",
    ),
    (
        "import.err.org_not_found",
        "không tìm thấy tổ chức có tên hoặc mã “{value}” trong danh mục",
        "no organisation named or numbered “{value}” in the registry",
    ),
    (
        "import.err.parent_later",
        "tổ chức cấp trên “{value}” nằm ở dòng {line}, phía dưới; hãy đặt tổ chức cấp trên lên trước",
        "the parent “{value}” is on line {line}, further down; put parents first",
    ),
    (
        "import.err.user_not_found",
        "không tìm thấy tài khoản “{value}”",
        "no user account “{value}”",
    ),
    (
        "import.err.same_as_line",
        "trùng với dòng {line}",
        "the same as line {line}",
    ),
    (
        "import.err.system_exists",
        "cơ quan chủ quản này đã có hệ thống cùng tên trong danh mục",
        "this owner already has a system of that name in the registry",
    ),
    (
        "import.err.decision_taken",
        "quyết định cùng số và ngày ký đã có trong danh mục",
        "a decision with this number and date is already recorded",
    ),
    // Command line
    ("import.cli.reading", "Đọc tệp", "Reading"),
    ("import.cli.checking", "Kiểm tra", "Checking"),
    ("import.cli.writing", "Ghi", "Writing"),
    (
        "import.cli.error_line",
        "dòng {line}, cột {column}: {message}",
        "line {line}, column {column}: {message}",
    ),
    ("import.cli.file_error", "tệp: {message}", "file: {message}"),
    (
        "import.cli.exported",
        "Đã xuất {n} dòng vào {file}",
        "{n} rows exported to {file}",
    ),
];
