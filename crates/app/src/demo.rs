//! The demo province (Bắc Ninh) and the first administrator of a new installation.

use crate::App;
use crate::access::Actor;
use crate::accounts::users::UserInput;
use crate::error::AppResult;
use crate::registry::orgs::OrgInput;
use ungcuu_domain::OrgKind;

/// The password of every demo user: printed by `ungcuu demo`, never used in production.
pub const DEMO_PASSWORD: &str = "ungcuu-demo-2026";

/// A demo account: (email, name, role, organisation name).
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub org: String,
}

const POLICE: &str = "Công an tỉnh Bắc Ninh";
const PA05: &str = "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao";
const UBND: &str = "Ủy ban nhân dân tỉnh Bắc Ninh";
const KHCN: &str = "Sở Khoa học và Công nghệ";

const DEPARTMENTS: &[&str] = &[
    "Văn phòng Ủy ban nhân dân tỉnh",
    KHCN,
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Sở Dân tộc và Tôn giáo",
];

const COMMUNES: &[&str] = &[
    "Phường Kinh Bắc",
    "Phường Võ Cường",
    "Phường Vũ Ninh",
    "Phường Hạp Lĩnh",
    "Phường Nam Sơn",
    "Phường Từ Sơn",
    "Phường Tam Sơn",
    "Phường Đồng Nguyên",
    "Phường Phù Khê",
    "Phường Thuận Thành",
    "Phường Mão Điền",
    "Phường Trạm Lộ",
    "Phường Trí Quả",
    "Phường Song Liễu",
    "Phường Ninh Xá",
    "Phường Quế Võ",
    "Phường Phương Liễu",
    "Phường Nhân Hòa",
    "Phường Đào Viên",
    "Phường Bồng Lai",
    "Phường Chũ",
    "Phường Phượng Sơn",
    "Phường Bắc Giang",
    "Phường Đa Mai",
    "Phường Tiền Phong",
    "Phường Tân An",
    "Phường Yên Dũng",
    "Phường Tân Tiến",
    "Phường Cảnh Thụy",
    "Phường Việt Yên",
    "Xã Chi Lăng",
    "Xã Phù Lãng",
    "Xã Yên Phong",
    "Xã Văn Môn",
    "Xã Tam Giang",
    "Xã Yên Trung",
    "Xã Tam Đa",
    "Xã Tiên Du",
    "Xã Liên Bão",
    "Xã Tân Chi",
    "Xã Đại Đồng",
    "Xã Phật Tích",
    "Xã Gia Bình",
    "Xã Nhân Thắng",
    "Xã Đại Lai",
    "Xã Cao Đức",
    "Xã Đông Cứu",
    "Xã Lương Tài",
    "Xã Lâm Thao",
    "Xã Trung Chính",
    "Xã Trung Kênh",
    "Xã Đại Sơn",
    "Xã Sơn Động",
    "Xã Tây Yên Tử",
    "Xã Dương Hưu",
    "Xã Yên Định",
    "Xã An Lạc",
    "Xã Vân Sơn",
    "Xã Biển Động",
    "Xã Lục Ngạn",
    "Xã Đèo Gia",
    "Xã Sơn Hải",
    "Xã Tân Sơn",
    "Xã Biên Sơn",
    "Xã Sa Lý",
    "Xã Nam Dương",
    "Xã Kiên Lao",
    "Xã Lục Sơn",
    "Xã Trường Sơn",
    "Xã Cẩm Lý",
    "Xã Đông Phú",
    "Xã Nghĩa Phương",
    "Xã Lục Nam",
    "Xã Bắc Lũng",
    "Xã Bảo Đài",
    "Xã Lạng Giang",
    "Xã Mỹ Thái",
    "Xã Kép",
    "Xã Tân Dĩnh",
    "Xã Tiên Lục",
    "Xã Yên Thế",
    "Xã Bố Hạ",
    "Xã Đồng Kỳ",
    "Xã Xuân Lương",
    "Xã Tam Tiến",
    "Xã Tân Yên",
    "Xã Ngọc Thiện",
    "Xã Nhã Nam",
    "Xã Phúc Hòa",
    "Xã Quang Trung",
    "Xã Hợp Thịnh",
    "Xã Hiệp Hòa",
    "Xã Hoàng Vân",
    "Xã Xuân Cẩm",
    "Xã Đồng Việt",
    "Xã Tuấn Đạo",
    "Xã Xuân Phúc",
    "Xã Nghĩa Đức",
    "Xã Yên Thế Thượng",
    "Xã Đại Sơn Hạ",
];

fn demo_users() -> Vec<DemoUser> {
    vec![
        DemoUser {
            email: "admin@demo.ungcuu.vn",
            name: "Trần Quản Trị",
            role: "admin",
            org: PA05.into(),
        },
        DemoUser {
            email: "thuongtruc@demo.ungcuu.vn",
            name: "Nguyễn Thị Thường",
            role: "thuong_truc",
            org: PA05.into(),
        },
        DemoUser {
            email: "doitruong@demo.ungcuu.vn",
            name: "Lê Văn Trưởng",
            role: "doi_truong",
            org: PA05.into(),
        },
        DemoUser {
            email: "doipho@demo.ungcuu.vn",
            name: "Phạm Đức Phó",
            role: "doi_pho",
            org: KHCN.into(),
        },
        DemoUser {
            email: "thanhvien@demo.ungcuu.vn",
            name: "Hoàng Minh Thành",
            role: "thanh_vien",
            org: "Trung tâm Chuyển đổi số".into(),
        },
        DemoUser {
            email: "daumoi.sotaichinh@demo.ungcuu.vn",
            name: "Vũ Thu Hà",
            role: "dau_moi",
            org: "Sở Tài chính".into(),
        },
        DemoUser {
            email: "daumoi.kinhbac@demo.ungcuu.vn",
            name: "Đỗ Quang Huy",
            role: "dau_moi",
            org: "Phường Kinh Bắc".into(),
        },
        DemoUser {
            email: "lanhdao@demo.ungcuu.vn",
            name: "Ngô Thanh Lãnh",
            role: "lanh_dao",
            org: UBND.into(),
        },
    ]
}

/// "Phường Kinh Bắc" → "Ủy ban nhân dân phường Kinh Bắc" (the unit word is lower case inside
/// the committee's name).
fn commune_committee(unit: &str) -> String {
    let mut chars = unit.chars();
    let first = chars
        .next()
        .map(|c| c.to_lowercase().collect::<String>())
        .unwrap_or_default();
    format!("Ủy ban nhân dân {first}{}", chars.as_str())
}

/// A demo organisation with the address, phone and email the report form asks for, so a
/// focal point's report comes prefilled.
fn input(name: &str, kind: OrgKind, parent: Option<i64>) -> OrgInput {
    let host = crate::demo_registry::slug(name);
    // A stable, plausible switchboard number from the name.
    let n = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 900_000
        + 100_000;
    OrgInput {
        name: name.into(),
        kind: kind.code().into(),
        parent_id: parent.map(|p| p.to_string()).unwrap_or_default(),
        address: "Tỉnh Bắc Ninh".into(),
        phone: format!("0222 3{:03} {:03}", n / 1000 % 1000, n % 1000),
        email: format!("{host}@demo.ungcuu.vn"),
        ..Default::default()
    }
}

/// What the demo loaded.
pub struct DemoSummary {
    pub orgs: usize,
    pub systems: usize,
    pub users: Vec<DemoUser>,
    pub password: &'static str,
}

impl App {
    /// Loads the demo province into an empty database. Refuses when organisations exist, so
    /// it can never mix demo rows into real data.
    pub async fn load_demo(&self) -> AppResult<Option<DemoSummary>> {
        if ungcuu_store::registry::orgs::count(&self.db).await? > 0 {
            return Ok(None);
        }
        let cli = Actor::cli();
        let mut n = 0;
        let mut add = |name: &str, kind: OrgKind, parent: Option<i64>| {
            n += 1;
            let inp = input(name, kind, parent);
            let app = self.clone();
            let cli = cli.clone();
            async move { app.create_org(&cli, &inp).await.map(|o| o.id.0) }
        };
        let ubnd = add(UBND, OrgKind::Department, None).await?;
        let police = add(POLICE, OrgKind::Police, None).await?;
        add(PA05, OrgKind::Police, Some(police)).await?;
        for d in DEPARTMENTS {
            let id = add(d, OrgKind::Department, Some(ubnd)).await?;
            if *d == KHCN {
                add("Trung tâm Chuyển đổi số", OrgKind::Department, Some(id)).await?;
            }
        }
        for c in COMMUNES {
            add(&commune_committee(c), OrgKind::Commune, Some(ubnd)).await?;
        }
        add("Bộ Chỉ huy quân sự tỉnh Bắc Ninh", OrgKind::Military, None).await?;
        add("Viễn thông Bắc Ninh (VNPT)", OrgKind::Isp, None).await?;
        add("Viettel Bắc Ninh", OrgKind::Isp, None).await?;
        add("FPT Telecom chi nhánh Bắc Ninh", OrgKind::Isp, None).await?;
        add(
            "Công ty An ninh mạng Viettel",
            OrgKind::SecurityProvider,
            None,
        )
        .await?;
        add(
            "Công ty Cổ phần An ninh mạng Việt Nam (VNCS)",
            OrgKind::SecurityProvider,
            None,
        )
        .await?;
        add(
            "Trung tâm Giám sát an toàn không gian mạng quốc gia (NCSC)",
            OrgKind::NationalCoordinator,
            None,
        )
        .await?;
        add(
            "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05)",
            OrgKind::NationalCoordinator,
            None,
        )
        .await?;
        add("Công ty TNHH Phần mềm Kinh Bắc", OrgKind::Vendor, None).await?;

        let users = demo_users();
        for u in &users {
            let org_name = if u.org.starts_with("Phường") || u.org.starts_with("Xã") {
                commune_committee(&u.org)
            } else {
                u.org.clone()
            };
            let org = self.resolve_org(&org_name).await?;
            self.create_user(
                &cli,
                &UserInput {
                    name: u.name.into(),
                    email: u.email.into(),
                    org_id: org.id.to_string(),
                    role: u.role.into(),
                    password: DEMO_PASSWORD.into(),
                },
            )
            .await?;
        }
        let systems = self.load_demo_registry(&cli).await?;
        self.load_demo_roster(&cli).await?;
        self.load_demo_reports().await?;
        Ok(Some(DemoSummary {
            orgs: n,
            systems,
            users,
            password: DEMO_PASSWORD,
        }))
    }

    /// On a database with no users: creates the response team's organisation (if needed)
    /// and a first administrator with a random password, returned to be printed once.
    pub async fn ensure_first_admin(&self) -> AppResult<Option<(String, String)>> {
        if ungcuu_store::accounts::users::count(&self.db).await? > 0 {
            return Ok(None);
        }
        let cli = Actor::cli();
        let team = "Đội ứng cứu sự cố an toàn thông tin mạng";
        let org = match self.resolve_org(team).await {
            Ok(o) => o,
            Err(_) => {
                self.create_org(&cli, &input(team, OrgKind::Other, None))
                    .await?
            }
        };
        let email = "admin@ungcuu.local".to_string();
        let password = random_password();
        self.create_user(
            &cli,
            &UserInput {
                name: "Quản trị hệ thống".into(),
                email: email.clone(),
                org_id: org.id.to_string(),
                role: "admin".into(),
                password: password.clone(),
            },
        )
        .await?;
        Ok(Some((email, password)))
    }
}

/// A random password for an account created at the command line.
pub fn random_password() -> String {
    crate::accounts::secrets::random_token::<15>()
}

/// The demo team's members: (name, role, title, agency, phone, demo account to link).
type DemoMember = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// The roster before the last kiện toàn (history).
const ROSTER_2024: &[DemoMember] = &[
    (
        "Trần Văn Bình",
        "doi_truong",
        "Phó Giám đốc Công an tỉnh",
        POLICE,
        "0222 3821 100",
        None,
    ),
    (
        "Lê Văn Trưởng",
        "doi_pho",
        "Trưởng phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        PA05,
        "0222 3821 101",
        Some("doitruong@demo.ungcuu.vn"),
    ),
    (
        "Phạm Đức Phó",
        "doi_pho",
        "Phó Giám đốc Sở Khoa học và Công nghệ",
        KHCN,
        "0912 345 201",
        Some("doipho@demo.ungcuu.vn"),
    ),
    (
        "Nguyễn Thị Thường",
        "thuong_truc",
        "Phó Trưởng phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        PA05,
        "0982 072 301",
        Some("thuongtruc@demo.ungcuu.vn"),
    ),
    (
        "Trịnh Thu Trang",
        "thu_ky",
        "Cán bộ Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        PA05,
        "0936 118 402",
        None,
    ),
    (
        "Hoàng Minh Thành",
        "thanh_vien",
        "Phó Giám đốc Trung tâm Chuyển đổi số",
        "Trung tâm Chuyển đổi số",
        "0915 220 503",
        Some("thanhvien@demo.ungcuu.vn"),
    ),
    (
        "Bùi Thị Lan",
        "thanh_vien",
        "Phó Giám đốc",
        "Viễn thông Bắc Ninh (VNPT)",
        "0913 556 604",
        None,
    ),
    (
        "Đỗ Mạnh Cường",
        "thanh_vien",
        "Trưởng phòng Kỹ thuật",
        "Viettel Bắc Ninh",
        "0988 246 705",
        None,
    ),
];

/// The roster in force (Quyết định kiện toàn 2025).
const ROSTER_2025: &[DemoMember] = &[
    (
        "Lê Văn Trưởng",
        "doi_truong",
        "Phó Giám đốc Công an tỉnh",
        POLICE,
        "0222 3821 101",
        Some("doitruong@demo.ungcuu.vn"),
    ),
    (
        "Phạm Đức Phó",
        "doi_pho",
        "Phó Giám đốc Sở Khoa học và Công nghệ",
        KHCN,
        "0912 345 201",
        Some("doipho@demo.ungcuu.vn"),
    ),
    (
        "Nguyễn Thị Thường",
        "thuong_truc",
        "Phó Trưởng phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        PA05,
        "0982 072 301",
        Some("thuongtruc@demo.ungcuu.vn"),
    ),
    (
        "Trịnh Thu Trang",
        "thu_ky",
        "Cán bộ Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        PA05,
        "0936 118 402",
        None,
    ),
    (
        "Hoàng Minh Thành",
        "thanh_vien",
        "Phó Giám đốc Trung tâm Chuyển đổi số",
        "Trung tâm Chuyển đổi số",
        "0915 220 503",
        Some("thanhvien@demo.ungcuu.vn"),
    ),
    (
        "Nguyễn Văn Hùng",
        "thanh_vien",
        "Phó Chánh Văn phòng",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "0904 310 606",
        None,
    ),
    (
        "Vũ Thu Hà",
        "thanh_vien",
        "Trưởng phòng Tin học và Thống kê",
        "Sở Tài chính",
        "0968 427 707",
        Some("daumoi.sotaichinh@demo.ungcuu.vn"),
    ),
    (
        "Đinh Công Sơn",
        "thanh_vien",
        "Trợ lý Công nghệ thông tin",
        "Bộ Chỉ huy quân sự tỉnh Bắc Ninh",
        "0977 538 808",
        None,
    ),
    (
        "Bùi Thị Lan",
        "thanh_vien",
        "Phó Giám đốc",
        "Viễn thông Bắc Ninh (VNPT)",
        "0913 556 604",
        None,
    ),
    (
        "Đỗ Mạnh Cường",
        "thanh_vien",
        "Trưởng phòng Kỹ thuật",
        "Viettel Bắc Ninh",
        "0988 246 705",
        None,
    ),
    (
        "Phan Quốc Việt",
        "thanh_vien",
        "Trưởng phòng Kỹ thuật",
        "FPT Telecom chi nhánh Bắc Ninh",
        "0935 649 909",
        None,
    ),
    (
        "Lương Thị Mai",
        "thanh_vien",
        "Chuyên viên phụ trách công nghệ thông tin",
        "Sở Giáo dục và Đào tạo",
        "0946 750 010",
        None,
    ),
    (
        "Tạ Quang Minh",
        "thanh_vien",
        "Phụ trách công nghệ thông tin, Văn phòng Sở",
        "Sở Y tế",
        "0919 861 111",
        None,
    ),
    (
        "Ngô Đức Thắng",
        "thanh_vien",
        "Chuyên gia an toàn thông tin",
        "Công ty An ninh mạng Viettel",
        "0989 972 212",
        None,
    ),
    (
        "Trần Thị Hoa",
        "thanh_vien",
        "Chuyên viên Phòng Công nghệ thông tin",
        "Sở Nội vụ",
        "0942 083 313",
        None,
    ),
];

impl App {
    /// The demo team: the 2024 roster (history), the 2025 kiện toàn in force, and the lead's
    /// delegation of coordination to the deputy for this week.
    async fn load_demo_roster(&self, cli: &Actor) -> AppResult<()> {
        use crate::registry::roster::{DelegationInput, MemberInput, RosterInput, today_vn};
        let decisions = [
            ("512/QĐ-UBND", "2024-05-15", ROSTER_2024),
            ("1008/QĐ-UBND", "2025-09-25", ROSTER_2025),
        ];
        for (number, date, members) in decisions {
            let mut rows = Vec::new();
            for (name, role, title, agency, phone, account) in members {
                let org_id = match self.resolve_org(agency).await {
                    Ok(o) => o.id.to_string(),
                    Err(_) => String::new(),
                };
                let user_id = match account {
                    Some(email) => ungcuu_store::accounts::users::find_by_email(&self.db, email)
                        .await?
                        .map(|u| u.id.to_string())
                        .unwrap_or_default(),
                    None => String::new(),
                };
                rows.push(MemberInput {
                    name: (*name).into(),
                    role: (*role).into(),
                    title: (*title).into(),
                    agency: (*agency).into(),
                    org_id,
                    phone: (*phone).into(),
                    email: demo_member_email(name),
                    user_id,
                });
            }
            let input = RosterInput {
                decision_number: number.into(),
                decision_date: date.into(),
                signer_name: "Đặng Quốc Khánh".into(),
                signer_title: "Chủ tịch Ủy ban nhân dân tỉnh Bắc Ninh".into(),
                effective_from: String::new(),
                note: "Về việc kiện toàn Đội ứng cứu sự cố an toàn thông tin mạng tỉnh Bắc Ninh"
                    .into(),
                members: rows,
            };
            self.issue_roster(cli, &input).await?;
        }
        let deputy =
            ungcuu_store::accounts::users::find_by_email(&self.db, "doipho@demo.ungcuu.vn")
                .await?
                .ok_or(crate::AppError::NotFound)?;
        let today = today_vn();
        let day = |d: chrono::NaiveDate, hm: &str| format!("{}T{hm}", d.format("%Y-%m-%d"));
        self.create_delegation(
            cli,
            &DelegationInput {
                delegate_user_id: deputy.id.to_string(),
                starts_at: day(today - chrono::Duration::days(1), "08:00"),
                ends_at: day(today + chrono::Duration::days(6), "17:30"),
                scope: "coordination_only".into(),
                reason: "Đội trưởng đi công tác".into(),
            },
        )
        .await?;
        Ok(())
    }
}

/// "Lê Văn Trưởng" → "truong.lv@demo.ungcuu.vn": the given name, then the other initials.
fn demo_member_email(name: &str) -> String {
    let folded = ungcuu_domain::text::fold(name);
    let words: Vec<&str> = folded.split_whitespace().collect();
    let (given, rest) = words.split_last().unwrap_or((&"", &[]));
    let initials: String = rest.iter().filter_map(|w| w.chars().next()).collect();
    format!("{given}.{initials}@demo.ungcuu.vn")
}
