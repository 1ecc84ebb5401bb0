//! Information systems (hệ thống thông tin): the fields of the system section of the initial
//! report form (seed 002, Phụ lục I) and their parsing.

use crate::validate::{FieldError, Reason};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Cấp độ an toàn hệ thống thông tin, 1–5 (Nghị định 85/2016/NĐ-CP).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(try_from = "u8", into = "u8")]
pub struct SecurityLevel(u8);

impl SecurityLevel {
    pub fn new(n: u8) -> Option<SecurityLevel> {
        (1..=5).contains(&n).then_some(SecurityLevel(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Levels 4 and 5 are what the serious-incident criteria look at (QĐ05).
    pub fn is_high(self) -> bool {
        self.0 >= 4
    }
}

impl TryFrom<u8> for SecurityLevel {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, String> {
        SecurityLevel::new(n).ok_or_else(|| format!("security level must be 1–5, got {n}"))
    }
}

impl From<SecurityLevel> for u8 {
    fn from(l: SecurityLevel) -> u8 {
        l.0
    }
}

/// An optional security level typed as text.
pub fn optional_level(field: &str, raw: &str) -> Result<Option<SecurityLevel>, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<u8>()
        .ok()
        .and_then(SecurityLevel::new)
        .map(Some)
        .ok_or_else(|| FieldError::new(field, Reason::InvalidLevel))
}

/// A domain name, internationalised names included ("sởkhcn.bacninh.gov.vn"). Returned
/// lower-case in its Unicode form; valid only if it converts to ASCII (IDNA/punycode) with
/// labels of 1–63 characters and at least two labels.
pub fn domain_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim().trim_end_matches('.').to_lowercase();
    let bad = || FieldError::new(field, Reason::InvalidDomain);
    if v.is_empty() || v.contains(char::is_whitespace) || v.contains('/') || v.contains(':') {
        return Err(bad());
    }
    let ascii = idna::domain_to_ascii_strict(&v).map_err(|_| bad())?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let ok = ascii.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && !labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()));
    if ok { Ok(v) } else { Err(bad()) }
}

/// An IPv4 or IPv6 address, in its canonical text form.
pub fn ip_address(field: &str, raw: &str) -> Result<String, FieldError> {
    raw.trim()
        .parse::<IpAddr>()
        .map(|a| a.to_string())
        .map_err(|_| FieldError::new(field, Reason::InvalidIp))
}

/// A network in CIDR form ("203.113.0.0/24", "2001:db8::/32"). The host part must be zero:
/// "203.113.0.5/24" is refused rather than silently changed, and the message says why.
pub fn ip_range(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    let bad = |r| FieldError::new(field, r);
    let (addr, len) = v.split_once('/').ok_or_else(|| bad(Reason::InvalidCidr))?;
    let addr: IpAddr = addr.parse().map_err(|_| bad(Reason::InvalidCidr))?;
    let len: u8 = len.parse().map_err(|_| bad(Reason::InvalidCidr))?;
    let (max, bits): (u8, u128) = match addr {
        IpAddr::V4(a) => (32, u32::from(a) as u128),
        IpAddr::V6(a) => (128, u128::from(a)),
    };
    if len > max {
        return Err(bad(Reason::InvalidCidr));
    }
    let host_bits = max - len;
    let host_mask = if host_bits == 0 {
        0
    } else if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    if bits & host_mask != 0 {
        return Err(bad(Reason::CidrHostBits));
    }
    Ok(format!("{addr}/{len}"))
}

/// A network to match addresses against (the proxies trusted to say who the client is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    len: u8,
}

impl IpNet {
    /// A CIDR network as [`ip_range`] accepts it, or a single address.
    pub fn parse(field: &str, raw: &str) -> Result<IpNet, FieldError> {
        let v = raw.trim();
        let (addr, len) = match v.split_once('/') {
            Some(_) => {
                let canon = ip_range(field, v)?;
                let (a, l) = canon.split_once('/').unwrap_or((&canon, "0"));
                (a.parse().ok(), l.parse().ok())
            }
            None => {
                let a: Option<IpAddr> = v.parse().ok();
                (a, a.map(|a| if a.is_ipv4() { 32 } else { 128 }))
            }
        };
        match (addr, len) {
            (Some(addr), Some(len)) => Ok(IpNet { addr, len }),
            _ => Err(FieldError::new(field, Reason::InvalidIp)),
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |a: IpAddr| match a {
            IpAddr::V4(a) => (u32::from(a) as u128) << 96,
            IpAddr::V6(a) => u128::from(a),
        };
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        // IPv4 addresses sit in the top 32 bits, so a prefix is the top `len` bits either way.
        let len = u32::from(self.len);
        let mask = if len == 0 {
            0
        } else {
            u128::MAX << (128 - len)
        };
        bits(ip) & mask == bits(self.addr) & mask
    }
}

/// Splits a list typed as text (one per line, or separated by commas or semicolons) and
/// parses each item, naming the field with the item's position: `system.ips[2]`.
pub fn list<T>(
    field: &str,
    raw: &str,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Result<Vec<T>, FieldError> {
    raw.split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, item)| parse(&format!("{field}[{i}]"), item))
        .collect()
}

/// Where a security level stands in its approval (hồ sơ đề xuất cấp độ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LevelState {
    /// Đề xuất.
    Proposed,
    /// Đã thẩm định.
    Appraised,
    /// Đã phê duyệt.
    Approved,
}

/// Dịch vụ: the services a system runs, as the form lists them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Service {
    Web,
    Mail,
    Database,
    Other(String),
}

/// Biện pháp bảo đảm an toàn thông tin: the measures the form lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Measure {
    Antivirus,
    Firewall,
    Ids,
    Other(String),
}

fn other(field: &str, raw: &str) -> Result<String, FieldError> {
    crate::validate::line(field, raw, 200)
}

impl Service {
    /// API.md form: "web", "mail", "database", "other:…".
    pub fn parse(field: &str, raw: &str) -> Result<Service, FieldError> {
        match raw.trim() {
            "web" => Ok(Service::Web),
            "mail" => Ok(Service::Mail),
            "database" => Ok(Service::Database),
            s => match s.strip_prefix("other:") {
                Some(o) => other(field, o).map(Service::Other),
                None => Err(FieldError::new(field, Reason::Unknown)),
            },
        }
    }

    pub fn code(&self) -> String {
        match self {
            Service::Web => "web".into(),
            Service::Mail => "mail".into(),
            Service::Database => "database".into(),
            Service::Other(s) => format!("other:{s}"),
        }
    }
}

impl Measure {
    /// API.md form: "antivirus", "firewall", "ids", "other:…".
    pub fn parse(field: &str, raw: &str) -> Result<Measure, FieldError> {
        match raw.trim() {
            "antivirus" => Ok(Measure::Antivirus),
            "firewall" => Ok(Measure::Firewall),
            "ids" => Ok(Measure::Ids),
            s => match s.strip_prefix("other:") {
                Some(o) => other(field, o).map(Measure::Other),
                None => Err(FieldError::new(field, Reason::Unknown)),
            },
        }
    }

    pub fn code(&self) -> String {
        match self {
            Measure::Antivirus => "antivirus".into(),
            Measure::Firewall => "firewall".into(),
            Measure::Ids => "ids".into(),
            Measure::Other(s) => format!("other:{s}"),
        }
    }
}

/// Whether a system is still in service. A retired system stays in the registry, for the
/// reports that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SystemStatus {
    InService,
    Retired,
}

impl SystemStatus {
    pub const ALL: [SystemStatus; 2] = [SystemStatus::InService, SystemStatus::Retired];

    pub fn code(self) -> &'static str {
        match self {
            SystemStatus::InService => "in_service",
            SystemStatus::Retired => "retired",
        }
    }

    pub fn parse(code: &str) -> Option<SystemStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn is_retired(self) -> bool {
        self == SystemStatus::Retired
    }
}

crate::code::try_from_code!(SystemStatus, "system status");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_contains_its_addresses_and_no_others() {
        let net = |s| IpNet::parse("f", s).unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(net("10.0.0.0/8").contains(ip("10.200.3.4")));
        assert!(!net("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(net("10.0.0.1").contains(ip("10.0.0.1")));
        assert!(!net("10.0.0.1").contains(ip("10.0.0.2")));
        assert!(net("10.0.0.0/8").contains(ip("::ffff:10.1.2.3")));
        assert!(net("2001:db8::/32").contains(ip("2001:db8:1::5")));
        assert!(!net("2001:db8::/32").contains(ip("10.0.0.1")));
        assert!(net("0.0.0.0/0").contains(ip("203.0.113.9")));
        assert!(IpNet::parse("f", "10.0.0.1/8").is_err());
        assert!(IpNet::parse("f", "proxy").is_err());
    }
    use proptest::prelude::*;

    #[test]
    fn system_statuses_read_back_from_their_codes_and_unknown_codes_are_refused() {
        for v in SystemStatus::ALL {
            assert_eq!(SystemStatus::try_from(v.code().to_string()), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.code());
        }
        assert!(SystemStatus::try_from("archived".to_string()).is_err());
    }

    #[test]
    fn levels_are_one_to_five() {
        assert_eq!(optional_level("l", "").unwrap(), None);
        assert_eq!(
            optional_level("l", " 4 ").unwrap().map(SecurityLevel::get),
            Some(4)
        );
        for bad in ["0", "6", "-1", "ba", "3.5"] {
            assert_eq!(
                optional_level("l", bad).unwrap_err().reason,
                Reason::InvalidLevel,
                "{bad}"
            );
        }
        assert!(SecurityLevel::new(4).unwrap().is_high());
        assert!(!SecurityLevel::new(3).unwrap().is_high());
    }

    #[test]
    fn domains_including_internationalised_names_are_checked() {
        assert_eq!(
            domain_name("d", "DichVuCong.BacNinh.gov.vn.").unwrap(),
            "dichvucong.bacninh.gov.vn"
        );
        assert_eq!(
            domain_name("d", "sởkhcn.bacninh.gov.vn").unwrap(),
            "sởkhcn.bacninh.gov.vn"
        );
        assert!(domain_name("d", "xn--skhcn-3ta.bacninh.gov.vn").is_ok());
        for bad in [
            "",
            "localhost",
            "bacninh",
            "-a.vn",
            "a-.vn",
            "a..vn",
            "http://a.vn",
            "a.vn/x",
            "a b.vn",
            "1.2.3.4",
            "<script>.vn",
            &format!("{}.vn", "a".repeat(64)),
        ] {
            assert!(domain_name("d", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn addresses_and_ranges_are_checked() {
        assert_eq!(
            ip_address("ip", " 203.113.131.5 ").unwrap(),
            "203.113.131.5"
        );
        assert_eq!(ip_address("ip", "2001:DB8::1").unwrap(), "2001:db8::1");
        for bad in ["", "256.1.1.1", "1.2.3", "2001:db8::g", "1.2.3.4/24"] {
            assert!(ip_address("ip", bad).is_err(), "{bad:?}");
        }
        assert_eq!(ip_range("r", "203.113.0.0/24").unwrap(), "203.113.0.0/24");
        assert_eq!(ip_range("r", "2001:db8::/32").unwrap(), "2001:db8::/32");
        assert_eq!(ip_range("r", "0.0.0.0/0").unwrap(), "0.0.0.0/0");
        assert_eq!(
            ip_range("r", "203.113.0.5/24").unwrap_err().reason,
            Reason::CidrHostBits
        );
        for bad in [
            "203.113.0.0",
            "203.113.0.0/33",
            "2001:db8::/129",
            "x/24",
            "1.2.3.0/-1",
        ] {
            assert_eq!(
                ip_range("r", bad).unwrap_err().reason,
                Reason::InvalidCidr,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_list_names_the_bad_item_by_position() {
        let e = list("system.ips", "10.0.0.1, 10.0.0.2\n10.0.0.300", ip_address).unwrap_err();
        assert_eq!(e.field, "system.ips[2]");
        assert_eq!(
            list("system.ips", " ", ip_address).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn services_and_measures_read_the_api_codes() {
        assert_eq!(
            Service::parse("s", "other:FTP").unwrap(),
            Service::Other("FTP".into())
        );
        assert_eq!(Service::parse("s", "web").unwrap().code(), "web");
        assert!(Service::parse("s", "ftp").is_err());
        assert!(Service::parse("s", "other:").is_err());
        assert_eq!(Measure::parse("m", "ids").unwrap(), Measure::Ids);
    }

    proptest! {
        #[test]
        fn every_ipv4_network_round_trips(a in any::<u32>(), len in 0u8..=32) {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            let net = std::net::Ipv4Addr::from(a & mask);
            let text = format!("{net}/{len}");
            prop_assert_eq!(ip_range("r", &text).unwrap(), text);
        }

        #[test]
        fn arbitrary_text_never_panics_the_parsers(s in ".{0,80}") {
            let _ = domain_name("d", &s);
            let _ = ip_range("r", &s);
            let _ = ip_address("i", &s);
        }
    }
}
