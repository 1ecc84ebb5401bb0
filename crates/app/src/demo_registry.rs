//! The demo province's registry: systems across levels 1–5 (some on the critical list) and
//! each organisation's leader in charge and focal point. Deterministic, so every demo
//! database looks the same.

use crate::App;
use crate::access::Actor;
use crate::error::AppResult;
use crate::registry::contacts::ContactInput;
use crate::registry::systems::SystemInput;
use ungcuu_domain::OrgKind;
use ungcuu_domain::text::fold;

/// A small deterministic generator (an LCG): varied but repeatable demo data.
struct Dice(u64);

impl Dice {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Ngô", "Dương", "Bùi", "Đặng", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Hồng", "Thanh", "Ngọc", "Hữu",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Long", "Mai",
    "Nam", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến",
];

const DEPT_SYSTEMS: &[(&str, u8)] = &[
    ("Cổng thông tin điện tử", 2),
    ("Hệ thống quản lý văn bản và điều hành", 2),
    ("Hệ thống thư điện tử công vụ", 3),
    ("Cơ sở dữ liệu chuyên ngành", 3),
    ("Hệ thống một cửa điện tử", 3),
    ("Hệ thống quản lý nhân sự", 2),
    ("Hệ thống kế toán, tài chính nội bộ", 2),
    (
        "Mạng nội bộ (LAN) và kết nối mạng truyền số liệu chuyên dùng",
        2,
    ),
];

const COMMUNE_SYSTEMS: &[(&str, u8)] = &[
    ("Trang thông tin điện tử", 1),
    ("Hệ thống một cửa điện tử", 2),
    ("Mạng nội bộ (LAN)", 1),
];

/// Systems of the whole province that matter most: level 4 and on the critical list.
const PROVINCIAL: &[(&str, &str, &str, u8)] = &[
    (
        "Sở Khoa học và Công nghệ",
        "Trung tâm dữ liệu tỉnh Bắc Ninh",
        "dulieu.bacninh.gov.vn",
        4,
    ),
    (
        "Sở Khoa học và Công nghệ",
        "Cổng dịch vụ công và Hệ thống thông tin giải quyết thủ tục hành chính tỉnh",
        "dichvucong.bacninh.gov.vn",
        4,
    ),
    (
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Hệ thống hội nghị truyền hình trực tuyến tỉnh",
        "hoinghi.bacninh.gov.vn",
        4,
    ),
    (
        "Sở Khoa học và Công nghệ",
        "Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)",
        "lgsp.bacninh.gov.vn",
        4,
    ),
    (
        "Sở Y tế",
        "Hệ thống thông tin quản lý khám chữa bệnh và bảo hiểm y tế",
        "yte.bacninh.gov.vn",
        4,
    ),
    (
        "Sở Tài chính",
        "Hệ thống quản lý ngân sách và tài sản công",
        "taichinh.bacninh.gov.vn",
        4,
    ),
    (
        "Sở Giáo dục và Đào tạo",
        "Cơ sở dữ liệu ngành giáo dục",
        "csdl.sgd.bacninh.gov.vn",
        3,
    ),
    (
        "Sở Nông nghiệp và Môi trường",
        "Hệ thống thông tin đất đai",
        "dato.bacninh.gov.vn",
        4,
    ),
];

fn person(d: &mut Dice) -> String {
    format!(
        "{} {} {}",
        FAMILY[d.next(FAMILY.len() as u64) as usize],
        MIDDLE[d.next(MIDDLE.len() as u64) as usize],
        GIVEN[d.next(GIVEN.len() as u64) as usize]
    )
}

pub(crate) fn slug(name: &str) -> String {
    let f = fold(name);
    let words: Vec<&str> = f
        .split_whitespace()
        .filter(|w| !["uy", "ban", "nhan", "dan", "so", "va"].contains(w))
        .collect();
    words
        .concat()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

impl App {
    /// Loads systems and contacts for every demo organisation; returns how many systems.
    pub(crate) async fn load_demo_registry(&self, cli: &Actor) -> AppResult<usize> {
        let mut d = Dice(20260305);
        let orgs = self.list_orgs(cli, None, false).await?;
        let mut n = 0;
        for (i, o) in orgs.iter().enumerate() {
            for (kind, title) in [
                (
                    "leader",
                    if o.kind == OrgKind::Commune {
                        "Phó Chủ tịch"
                    } else {
                        "Phó Giám đốc"
                    },
                ),
                ("focal", "Chuyên viên công nghệ thông tin"),
            ] {
                let input = ContactInput {
                    kind: kind.into(),
                    name: person(&mut d),
                    title: title.into(),
                    phone: format!(
                        "09{:02} {:03} {:03}",
                        d.next(100),
                        d.next(1000),
                        d.next(1000)
                    ),
                    email: format!("{}.{}@bacninh.gov.vn", kind, slug(&o.name)),
                    since: format!("{:02}/{:02}/2025", 1 + d.next(28), 1 + d.next(12)),
                };
                self.set_contact(cli, o.id, &input).await?;
            }
            let templates = match o.kind {
                OrgKind::Department => DEPT_SYSTEMS,
                OrgKind::Commune => COMMUNE_SYSTEMS,
                OrgKind::Police | OrgKind::Military => &DEPT_SYSTEMS[..4],
                _ => continue,
            };
            let host = slug(&o.name);
            for (j, (what, base_level)) in templates.iter().enumerate() {
                let level = (*base_level as u64 + d.next(2)).min(5);
                let sub = [
                    "", "vanban", "mail", "csdl", "motcua", "nhansu", "ketoan", "lan",
                ][j % 8];
                let domain = if sub.is_empty() {
                    format!("{host}.bacninh.gov.vn")
                } else {
                    format!("{sub}.{host}.bacninh.gov.vn")
                };
                let input = SystemInput {
                    owner_org_id: o.id.to_string(),
                    operator_name: o.name.clone(),
                    name: format!("{what} - {}", o.name),
                    domains: domain,
                    ips: format!("203.113.{}.{}", i % 250, 10 + j),
                    security_level: level.to_string(),
                    level_state: ["proposed", "appraised", "approved", "approved"]
                        [d.next(4) as usize]
                        .into(),
                    os: [
                        "Ubuntu Server",
                        "Windows Server",
                        "Red Hat Enterprise Linux",
                        "CentOS",
                    ][d.next(4) as usize]
                        .into(),
                    os_version: ["22.04", "2019", "9", "7"][d.next(4) as usize].into(),
                    services: ["web", "web\ndatabase", "mail", "web\nmail\ndatabase"]
                        [d.next(4) as usize]
                        .into(),
                    measures: [
                        "antivirus\nfirewall",
                        "firewall",
                        "antivirus\nfirewall\nids",
                        "antivirus",
                    ][d.next(4) as usize]
                        .into(),
                    connectivity_provider: [
                        "Viễn thông Bắc Ninh (VNPT)",
                        "Viettel Bắc Ninh",
                        "FPT Telecom chi nhánh Bắc Ninh",
                    ][d.next(3) as usize]
                        .into(),
                    purpose: format!("Phục vụ hoạt động của {}", o.name),
                    ..Default::default()
                };
                self.create_system(cli, &input).await?;
                n += 1;
            }
        }
        for (owner, name, domain, level) in PROVINCIAL {
            let o = self.resolve_org(owner).await?;
            let input = SystemInput {
                owner_org_id: o.id.to_string(),
                operator_name: "Trung tâm Chuyển đổi số".into(),
                name: (*name).into(),
                domains: (*domain).into(),
                public_ip_ranges: format!("203.162.{}.0/24", n % 250),
                ips: format!("203.162.{}.10", n % 250),
                security_level: level.to_string(),
                level_state: "approved".into(),
                level_doc_number: format!("{}/QĐ-UBND", 100 + n),
                level_doc_date: "15/05/2025".into(),
                critical: "true".into(),
                security_provider: "Công ty An ninh mạng Viettel".into(),
                connectivity_provider: "Viễn thông Bắc Ninh (VNPT)".into(),
                os: "Red Hat Enterprise Linux".into(),
                os_version: "9".into(),
                services: "web\ndatabase".into(),
                measures: "antivirus\nfirewall\nids".into(),
                purpose: "Phục vụ chỉ đạo, điều hành và cung cấp dịch vụ công của tỉnh".into(),
            };
            self.create_system(cli, &input).await?;
            n += 1;
        }
        Ok(n)
    }
}
