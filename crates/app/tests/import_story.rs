//! Bulk import and export over both backends: a file with one bad row is refused whole with
//! that row's line and column named, on a dry run and a real one; the fixed file imports in
//! one go with one audit row per object; XLSX like CSV; Excel's byte-order mark; parents named
//! from earlier lines; export → import gives the same rows; every template reads with its
//! example row; the roster as one decision per file.

use std::time::Instant;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::registry::import::{
    Format, ImportReport, Kind, Quiet, RowError, read_sheet, template,
};
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_app::{Actor, App, AppConfig, AppError};
use ungcuu_domain::{Lang, OrgId};
use ungcuu_store::testing::TestDb;
use ungcuu_store::{audit, registry::orgs, registry::systems};

async fn apps() -> Vec<(App, TestDb)> {
    let mut v = Vec::new();
    for t in TestDb::both().await {
        v.push((App::new(t.db.clone(), AppConfig::default()), t));
    }
    v
}

async fn org(app: &App, name: &str, parent: Option<OrgId>) -> OrgId {
    let input = OrgInput {
        name: name.into(),
        kind: "department".into(),
        parent_id: parent.map(|p| p.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    app.create_org(&Actor::cli(), &input).await.unwrap().id
}

async fn run(app: &App, kind: Kind, format: Format, bytes: &[u8], dry_run: bool) -> ImportReport {
    app.import(
        &Actor::cli(),
        kind,
        format,
        bytes.to_vec(),
        dry_run,
        Lang::Vi,
        &Quiet,
    )
    .await
    .unwrap()
}

fn csv(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// (line, column) of each error.
fn places(r: &ImportReport) -> Vec<(usize, &str)> {
    r.errors
        .iter()
        .map(|e| (e.line, e.column.as_str()))
        .collect()
}

async fn counts(app: &App) -> (i64, i64, i64) {
    (
        audit::count(&app.db).await.unwrap(),
        systems::count(&app.db).await.unwrap(),
        orgs::count(&app.db).await.unwrap(),
    )
}

const SYSTEMS_HEADER: &str = "Tên cơ quan chủ quản,Tên đơn vị vận hành hệ thống thông tin,Tên hệ thống thông tin,Tên miền,Cấp độ,Tình trạng phê duyệt cấp độ,Các dịch vụ sử dụng,Hệ thống thông tin quan trọng\n";

fn systems_csv(third_domain: &str) -> Vec<u8> {
    csv(&format!(
        "{SYSTEMS_HEADER}\
         Sở Khoa học và Công nghệ,Trung tâm Thông tin,Cổng thông tin điện tử,skhcn.bacninh.gov.vn,2,Đã phê duyệt,\"Web, Cơ sở dữ liệu\",Không\n\
         Sở Khoa học và Công nghệ,Trung tâm Thông tin,Hệ thống thư điện tử,\"mail.skhcn.bacninh.gov.vn, {third_domain}\",3,approved,Thư điện tử,Có\n\
         Sở Khoa học và Công nghệ,Trung tâm Thông tin,Hệ thống một cửa điện tử,motcua.skhcn.bacninh.gov.vn,,,\"web, Khác: VPN\",\n"
    ))
}

#[tokio::test]
async fn a_csv_with_one_bad_row_is_refused_whole_naming_that_line_and_column() {
    for (app, t) in apps().await {
        org(&app, "Sở Khoa học và Công nghệ", None).await;
        let before = counts(&app).await;
        let bad = systems_csv("không phải tên miền");

        let dry = run(&app, Kind::Systems, Format::Csv, &bad, true).await;
        assert_eq!(
            places(&dry),
            [(3, "Tên miền")],
            "{}: {:?}",
            t.name,
            dry.errors
        );
        assert!(
            dry.errors[0].message.contains("mục thứ 2")
                && dry.errors[0].message.contains("không phải tên miền"),
            "{}",
            dry.errors[0].message
        );
        assert_eq!(dry.errors[0].field, "line 3: Tên miền");
        assert_eq!((dry.rows_total, dry.created, dry.dry_run), (3, 0, true));
        assert_eq!(counts(&app).await, before, "a dry run stores nothing");

        let real = run(&app, Kind::Systems, Format::Csv, &bad, false).await;
        assert_eq!(places(&real), [(3, "Tên miền")]);
        assert_eq!(real.created, 0);
        assert_eq!(counts(&app).await, before, "a refused file stores nothing");

        let fixed = systems_csv("thu.skhcn.bacninh.gov.vn");
        let dry = run(&app, Kind::Systems, Format::Csv, &fixed, true).await;
        assert!(dry.ok() && dry.created == 0, "{:?}", dry.errors);
        let done = run(&app, Kind::Systems, Format::Csv, &fixed, false).await;
        assert!(done.ok(), "{:?}", done.errors);
        assert_eq!(done.created, 3);
        let after = counts(&app).await;
        assert_eq!(after.1, before.1 + 3);
        assert_eq!(
            after.0,
            before.0 + 4,
            "one audit row per system and one for the run"
        );
        let rows = audit::list(&app.db, None, 4, 0).await.unwrap();
        assert_eq!(rows[0].action, "import.run");
        assert!(rows[1..].iter().all(|r| r.action == "system.import"));

        let (list, _) = app
            .list_systems(&Actor::cli(), &Default::default())
            .await
            .unwrap();
        let mail = list
            .iter()
            .find(|s| s.name == "Hệ thống thư điện tử")
            .unwrap();
        assert_eq!(
            mail.domains,
            ["mail.skhcn.bacninh.gov.vn", "thu.skhcn.bacninh.gov.vn"]
        );
        assert_eq!((mail.security_level, mail.critical), (Some(3), true));
        assert_eq!(mail.services, ["mail"]);
        let portal = list
            .iter()
            .find(|s| s.name == "Cổng thông tin điện tử")
            .unwrap();
        assert_eq!(portal.level_state.as_deref(), Some("approved"));
        assert_eq!(portal.services, ["web", "database"]);
        let one_stop = list
            .iter()
            .find(|s| s.name == "Hệ thống một cửa điện tử")
            .unwrap();
        assert_eq!(one_stop.services, ["web", "other:VPN"]);

        // The same file again would register every system twice: refused, row by row.
        let again = run(&app, Kind::Systems, Format::Csv, &fixed, false).await;
        assert_eq!(
            places(&again),
            [
                (2, "Tên hệ thống thông tin"),
                (3, "Tên hệ thống thông tin"),
                (4, "Tên hệ thống thông tin")
            ]
        );
        assert_eq!(counts(&app).await, after);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn every_bad_row_is_listed_with_its_reason() {
    for (app, t) in apps().await {
        let o = org(&app, "Sở Y tế", None).await;
        org(&app, "Sở Tư pháp (cũ)", None).await;
        let archived = app.resolve_org("Sở Tư pháp (cũ)").await.unwrap().id;
        app.set_org_archived(&Actor::cli(), archived, true)
            .await
            .unwrap();
        let file = csv(&format!(
            "owner,operator_name,name,ips,security_level,level_doc_date\n\
             Sở Y tế,Phòng CNTT,Cổng thông tin,10.0.0.1,2,05/03/2026\n\
             Sở Không Có,Phòng CNTT,Hệ thống A,10.0.0.2,2,\n\
             {o},,Hệ thống B,999.1.1.1,7,31/02/2026\n\
             \n\
             {archived},Phòng CNTT,Hệ thống C,,,\n\
             Sở Y tế,Phòng CNTT,Cổng thông tin,,,\n"
        ));
        let r = run(&app, Kind::Systems, Format::Csv, &file, true).await;
        assert_eq!(
            places(&r),
            [
                (3, "owner"),
                (4, "operator_name"),
                (4, "ips"),
                (4, "security_level"),
                (4, "level_doc_date"),
                (6, "owner"),
                (7, "name"),
            ],
            "{}: {:#?}",
            t.name,
            r.errors
        );
        assert_eq!(
            r.rows_total, 5,
            "the blank line is skipped but counted as a line"
        );
        assert!(r.errors[0].message.contains("Sở Không Có"));
        assert!(
            r.errors[6].message.contains("dòng 2"),
            "{}",
            r.errors[6].message
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn unknown_and_missing_columns_are_named_on_the_header() {
    for (app, t) in apps().await {
        let file = csv("Tên hệ thống thông tin,Màu sắc,Tên miền,tên miền\nA,xanh,a.vn,b.vn\n");
        let r = run(&app, Kind::Systems, Format::Csv, &file, true).await;
        assert_eq!(
            places(&r),
            [
                (1, "Màu sắc"),
                (1, "tên miền"),
                (1, "Tên cơ quan chủ quản"),
                (1, "Tên đơn vị vận hành hệ thống thông tin")
            ],
            "{}: {:?}",
            t.name,
            r.errors
        );
        let garbage = run(&app, Kind::Orgs, Format::Xlsx, b"not a workbook", true).await;
        assert_eq!(places(&garbage), [(0, "")]);
        assert_eq!(garbage.errors[0].field, "file");
        t.cleanup().await;
    }
}

fn xlsx(rows: &[&[&str]], numbers: &[(u32, u16, f64)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    for (r, c, n) in numbers {
        sheet.write_number(*r, *c, *n).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_file_is_read_like_a_csv() {
    for (app, t) in apps().await {
        org(&app, "Sở Khoa học và Công nghệ", None).await;
        let before = counts(&app).await;
        let header: &[&str] = &[
            "Tên cơ quan chủ quản",
            "Tên đơn vị vận hành hệ thống thông tin",
            "Tên hệ thống thông tin",
            "Địa chỉ IP của hệ thống",
            "Cấp độ",
        ];
        let owner = "Sở Khoa học và Công nghệ";
        let file = |ip: &'static str| {
            xlsx(
                &[
                    header,
                    &[owner, "Trung tâm", "Hệ thống 1", "203.162.10.5", ""],
                    &[],
                    &[owner, "Trung tâm", "Hệ thống 2", ip, ""],
                ],
                // The level typed as a number, as Excel stores it.
                &[(1, 4, 3.0), (3, 4, 2.0)],
            )
        };
        let bad = run(
            &app,
            Kind::Systems,
            Format::Xlsx,
            &file("203.162.10.300"),
            false,
        )
        .await;
        assert_eq!(
            places(&bad),
            [(4, "Địa chỉ IP của hệ thống")],
            "{}: {:?}",
            t.name,
            bad.errors
        );
        assert_eq!(counts(&app).await, before);
        let good = run(
            &app,
            Kind::Systems,
            Format::Xlsx,
            &file("2001:db8::5"),
            false,
        )
        .await;
        assert!(good.ok(), "{:?}", good.errors);
        assert_eq!(good.created, 2);
        let after = counts(&app).await;
        assert_eq!((after.0, after.1), (before.0 + 3, before.1 + 2));
        let (list, _) = app
            .list_systems(&Actor::cli(), &Default::default())
            .await
            .unwrap();
        assert_eq!(list[0].security_level, Some(3), "{}", list[0].name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn excel_byte_order_mark_and_semicolons_are_handled() {
    for (app, t) in apps().await {
        let file = csv("\u{feff}Tên tổ chức;Loại tổ chức;Điện thoại\n\
             Sở Nội vụ;Sở, ban, ngành;0222 3822 111\n\
             UBND phường Suối Hoa;commune;\n");
        let r = run(&app, Kind::Orgs, Format::Csv, &file, false).await;
        assert!(r.ok(), "{}: {:?}", t.name, r.errors);
        assert_eq!(r.created, 2);
        let o = app.resolve_org("Sở Nội vụ").await.unwrap();
        assert_eq!(o.kind.code(), "department");
        assert_eq!(o.phone.as_deref(), Some("0222 3822 111"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_organisation_names_its_parent_registered_or_on_an_earlier_line() {
    for (app, t) in apps().await {
        let ubnd = org(&app, "Ủy ban nhân dân tỉnh Bắc Ninh", None).await;
        let before = counts(&app).await;
        let wrong_order = csv("Tên tổ chức,Loại tổ chức,Tổ chức cấp trên\n\
             Phòng Công nghệ thông tin,Khác,Sở Thông tin và Truyền thông\n\
             Sở Thông tin và Truyền thông,Sở; ban; ngành,Ủy ban nhân dân tỉnh Bắc Ninh\n\
             Sở Thông tin và Truyền thông,department,\n\
             Ủy ban nhân dân tỉnh Bắc Ninh,department,\n");
        let r = run(&app, Kind::Orgs, Format::Csv, &wrong_order, false).await;
        assert_eq!(
            places(&r),
            [
                (2, "Tổ chức cấp trên"),
                (3, "Loại tổ chức"),
                (4, "Tên tổ chức"),
                (5, "Tên tổ chức")
            ],
            "{}: {:#?}",
            t.name,
            r.errors
        );
        assert!(
            r.errors[0].message.contains("dòng 3"),
            "{}",
            r.errors[0].message
        );
        assert!(r.errors[2].message.contains("dòng 3"));
        assert_eq!(counts(&app).await, before);

        let fixed = csv("Tên tổ chức,Loại tổ chức,Tổ chức cấp trên\n\
             Sở Thông tin và Truyền thông,Sở, ban, ngành,Ủy ban nhân dân tỉnh Bắc Ninh\n\
             Phòng Công nghệ thông tin,Khác,Sở Thông tin và Truyền thông\n");
        // "Sở, ban, ngành" unquoted spills into two more cells: refused, naming the columns.
        let spilled = run(&app, Kind::Orgs, Format::Csv, &fixed, true).await;
        assert_eq!(
            places(&spilled),
            [(2, "(D)"), (2, "Tổ chức cấp trên"), (2, "Loại tổ chức")]
        );
        let fixed = csv("Tên tổ chức,Loại tổ chức,Tổ chức cấp trên\n\
             Sở Thông tin và Truyền thông,\"Sở, ban, ngành\",Ủy ban nhân dân tỉnh Bắc Ninh\n\
             Phòng Công nghệ thông tin,Khác,Sở Thông tin và Truyền thông\n");
        let r = run(&app, Kind::Orgs, Format::Csv, &fixed, false).await;
        assert!(r.ok(), "{:?}", r.errors);
        let stt = app
            .resolve_org("Sở Thông tin và Truyền thông")
            .await
            .unwrap();
        let it = app.resolve_org("Phòng Công nghệ thông tin").await.unwrap();
        assert_eq!(stt.parent_id, Some(ubnd));
        assert_eq!(it.parent_id, Some(stt.id));
        assert!(it.path.is_within(&stt.path));
        assert_eq!(counts(&app).await.0, before.0 + 3);
        t.cleanup().await;
    }
}

/// The data rows of an exported file, sorted (ids and so the order may differ between
/// databases).
fn sorted_rows(format: Format, bytes: &[u8]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = read_sheet(format, bytes)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.cells)
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn an_export_imports_again_into_an_empty_registry_with_the_same_rows() {
    for (app, t) in apps().await {
        let ubnd = org(&app, "Ủy ban nhân dân tỉnh Bắc Ninh", None).await;
        let khcn = org(&app, "Sở Khoa học và Công nghệ", Some(ubnd)).await;
        org(&app, "Trung tâm Thông tin", Some(khcn)).await;
        let r = run(
            &app,
            Kind::Systems,
            Format::Csv,
            &systems_csv("thu.skhcn.bacninh.gov.vn"),
            false,
        )
        .await;
        assert!(r.ok(), "{:?}", r.errors);
        // A value a spreadsheet would take for a formula survives the trip.
        app.create_system(
            &Actor::cli(),
            &ungcuu_app::registry::systems::SystemInput {
                owner_org_id: khcn.to_string(),
                operator_name: "=HYPERLINK(\"x\")".into(),
                name: "Hệ thống quản lý văn bản".into(),
                ips: "203.162.10.9".into(),
                public_ip_ranges: "203.162.10.0/28".into(),
                level_doc_date: "05/03/2026".into(),
                security_level: "2".into(),
                level_state: "proposed".into(),
                measures: "firewall\nother:WAF".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();

        for format in [Format::Csv, Format::Xlsx] {
            let other = t.sibling_empty().await;
            other.db.migrate().await.unwrap();
            let copy = App::new(other.db.clone(), AppConfig::default());
            let orgs_file = app.export(&Actor::cli(), Kind::Orgs, format).await.unwrap();
            let systems_file = app
                .export(&Actor::cli(), Kind::Systems, format)
                .await
                .unwrap();
            assert_eq!((orgs_file.rows, systems_file.rows), (3, 4));
            let r = run(&copy, Kind::Orgs, format, &orgs_file.bytes, false).await;
            assert!(
                r.ok() && r.created == 3,
                "{} {format:?}: {:?}",
                t.name,
                r.errors
            );
            let r = run(&copy, Kind::Systems, format, &systems_file.bytes, false).await;
            assert!(
                r.ok() && r.created == 4,
                "{} {format:?}: {:?}",
                t.name,
                r.errors
            );
            for kind in [Kind::Orgs, Kind::Systems] {
                let a = app.export(&Actor::cli(), kind, format).await.unwrap();
                let b = copy.export(&Actor::cli(), kind, format).await.unwrap();
                assert_eq!(
                    sorted_rows(format, &a.bytes),
                    sorted_rows(format, &b.bytes),
                    "{kind:?} {format:?}"
                );
            }
            other.cleanup().await;
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn every_template_checks_clean_with_its_example_row() {
    for (app, t) in apps().await {
        org(&app, "Sở Khoa học và Công nghệ", None).await;
        for kind in [Kind::Systems, Kind::Roster] {
            for format in [Format::Csv, Format::Xlsx] {
                let bytes = template(kind, format).unwrap();
                let r = run(&app, kind, format, &bytes, true).await;
                assert!(r.ok(), "{} {kind:?} {format:?}: {:?}", t.name, r.errors);
                assert_eq!(r.rows_total, 1);
            }
        }
        // The organisation example is the organisation already registered: named as taken.
        let r = run(
            &app,
            Kind::Orgs,
            Format::Csv,
            &template(Kind::Orgs, Format::Csv).unwrap(),
            true,
        )
        .await;
        assert_eq!(places(&r), [(2, "Tên tổ chức")]);
        t.cleanup().await;
    }
    let t = TestDb::sqlite().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    for format in [Format::Csv, Format::Xlsx] {
        let r = run(
            &app,
            Kind::Orgs,
            format,
            &template(Kind::Orgs, format).unwrap(),
            true,
        )
        .await;
        assert!(r.ok(), "{format:?}: {:?}", r.errors);
    }
    t.cleanup().await;
}

const ROSTER_FILE: &str = "\u{feff}Số quyết định,1008/QĐ-UBND\n\
    Ngày ký,15/10/2026\n\
    Người ký,Nguyễn Văn Bình\n\
    Chức vụ người ký,Chủ tịch Ủy ban nhân dân tỉnh\n\
    \n\
    Họ và tên,Vai trò trong Đội,Chức vụ,\"Cơ quan, đơn vị\",Tổ chức trong danh mục,Điện thoại,Email,Tài khoản người dùng\n\
    Nguyễn Văn An,Đội trưởng,Phó Chủ tịch,,Ủy ban nhân dân tỉnh Bắc Ninh,0912 345 678,,an@bacninh.gov.vn\n\
    Trần Thị Bích,Đội phó,Phó Giám đốc,Sở Khoa học và Công nghệ,,{PHONE},,\n\
    Lê Văn Cường,thanh_vien,Chuyên viên,Công an tỉnh,,,cuong@congan.bacninh.gov.vn,\n";

#[tokio::test]
async fn the_roster_imports_as_one_decision_with_its_members() {
    for (app, t) in apps().await {
        let ubnd = org(&app, "Ủy ban nhân dân tỉnh Bắc Ninh", None).await;
        app.create_user(
            &Actor::cli(),
            &UserInput {
                name: "Nguyễn Văn An".into(),
                email: "an@bacninh.gov.vn".into(),
                org_id: ubnd.to_string(),
                role: "doi_truong".into(),
                password: "mật khẩu rất dài 2026".into(),
            },
        )
        .await
        .unwrap();
        let before = counts(&app).await;
        let file = ROSTER_FILE;
        let bad = csv(&file.replace("{PHONE}", "số máy bàn"));
        let r = run(&app, Kind::Roster, Format::Csv, &bad, true).await;
        assert_eq!(
            places(&r),
            [(8, "Điện thoại")],
            "{}: {:?}",
            t.name,
            r.errors
        );
        assert_eq!(r.rows_total, 3);
        let r = run(&app, Kind::Roster, Format::Csv, &bad, false).await;
        assert_eq!(places(&r), [(8, "Điện thoại")]);
        assert_eq!(counts(&app).await, before);

        let good = csv(&file.replace("{PHONE}", "0987 654 321"));
        let r = run(&app, Kind::Roster, Format::Csv, &good, true).await;
        assert!(r.ok(), "{:?}", r.errors);
        let r = run(&app, Kind::Roster, Format::Csv, &good, false).await;
        assert!(r.ok() && r.created == 1, "{:?}", r.errors);
        let roster = app
            .roster_at(&Actor::cli(), "16/10/2026")
            .await
            .unwrap()
            .1
            .unwrap();
        assert_eq!(roster.decision_number, "1008/QĐ-UBND");
        assert_eq!(roster.members.len(), 3);
        let lead = roster.lead().unwrap();
        assert_eq!(lead.name, "Nguyễn Văn An");
        assert_eq!(lead.agency, "Ủy ban nhân dân tỉnh Bắc Ninh");
        assert!(lead.user_id.is_some());

        // The same decision again: named on its row.
        let r = run(&app, Kind::Roster, Format::Csv, &good, true).await;
        assert_eq!(places(&r), [(1, "Số quyết định")], "{:?}", r.errors);

        // The exported roster reads back as the same decision.
        let out = app
            .export(&Actor::cli(), Kind::Roster, Format::Xlsx)
            .await
            .unwrap();
        assert_eq!(out.rows, 3);
        let r = run(&app, Kind::Roster, Format::Xlsx, &out.bytes, true).await;
        assert_eq!(places(&r), [(1, "Số quyết định")], "{:?}", r.errors);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_roster_without_its_decision_or_lead_is_refused_naming_both() {
    let t = TestDb::sqlite().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    let file = csv("Người ký,Nguyễn Văn Bình\nNgười duyệt,x\n\
         Họ và tên,Vai trò\nA,Đội phó\nB,Đội viên\n");
    let r = run(&app, Kind::Roster, Format::Csv, &file, true).await;
    let got: Vec<(usize, &str)> = places(&r);
    assert!(got.contains(&(2, "Người duyệt")), "{:?}", r.errors);
    assert!(got.contains(&(1, "Số quyết định")), "{:?}", r.errors);
    assert!(got.contains(&(5, "Vai trò")), "{:?}", r.errors);
    assert!(
        got.contains(&(3, "")),
        "no lead, on the header: {:?}",
        r.errors
    );
    t.cleanup().await;
}

#[tokio::test]
async fn only_the_standing_desk_and_administrators_import() {
    let t = TestDb::sqlite().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    let o = org(&app, "Sở Y tế", None).await;
    for role in ["dau_moi", "lanh_dao", "doi_truong"] {
        let u = app
            .create_user(
                &Actor::cli(),
                &UserInput {
                    name: "Vũ Thu Hà".into(),
                    email: format!("{role}@syt.gov.vn"),
                    org_id: o.to_string(),
                    role: role.into(),
                    password: "mật khẩu rất dài 2026".into(),
                },
            )
            .await
            .unwrap();
        let actor = Actor::from_user(&u);
        let r = app
            .import(
                &actor,
                Kind::Orgs,
                Format::Csv,
                b"name,kind\nX,other\n".to_vec(),
                true,
                Lang::Vi,
                &Quiet,
            )
            .await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{role}");
        // Each may export what it sees.
        let out = app.export(&actor, Kind::Orgs, Format::Csv).await.unwrap();
        assert_eq!(out.rows, 1, "{role}");
    }
    t.cleanup().await;
}

/// Import speed: 10,000 systems checked and written in one transaction, on both backends.
/// `cargo test -p ungcuu-app --test import_story -- --ignored --nocapture`
#[tokio::test]
#[ignore]
async fn ten_thousand_systems_import_in_one_go() {
    for (app, t) in apps().await {
        org(&app, "Sở Khoa học và Công nghệ", None).await;
        let mut text = SYSTEMS_HEADER.to_string();
        for i in 0..10_000 {
            text.push_str(&format!(
                "Sở Khoa học và Công nghệ,Trung tâm Thông tin,Hệ thống số {i},he-thong-{i}.bacninh.gov.vn,{},approved,\"web, mail\",Không\n",
                i % 5 + 1
            ));
        }
        let started = Instant::now();
        let dry = run(&app, Kind::Systems, Format::Csv, text.as_bytes(), true).await;
        let checked = started.elapsed();
        assert!(dry.ok(), "{:?}", &dry.errors[..dry.errors.len().min(3)]);
        let started = Instant::now();
        let r = run(&app, Kind::Systems, Format::Csv, text.as_bytes(), false).await;
        let total = started.elapsed();
        assert_eq!(r.created, 10_000);
        println!(
            "{}: 10,000 systems — dry run {:.2} s ({:.0} rows/s), import {:.2} s ({:.0} rows/s)",
            t.name,
            checked.as_secs_f64(),
            10_000.0 / checked.as_secs_f64(),
            total.as_secs_f64(),
            10_000.0 / total.as_secs_f64()
        );
        t.cleanup().await;
    }
}

#[test]
fn row_errors_read_like_the_api_errors() {
    let e = RowError {
        line: 7,
        column: "Tên miền".into(),
        field: "line 7: Tên miền".into(),
        message: "x".into(),
    };
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["field"], "line 7: Tên miền");
    assert_eq!(v["line"], 7);
}
