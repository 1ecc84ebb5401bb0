//! Roles of the people who use ungcuu (SPEC §1).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// Thường trực: the standing desk.
    ThuongTruc,
    /// Đội trưởng: the team lead.
    DoiTruong,
    /// Đội phó: the deputy lead.
    DoiPho,
    /// Thành viên: a team member.
    ThanhVien,
    /// Cán bộ đầu mối: an organisation's focal point, acting for its own subtree only.
    DauMoi,
    /// Lãnh đạo: leadership, read-only.
    LanhDao,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::ThuongTruc,
        Role::DoiTruong,
        Role::DoiPho,
        Role::ThanhVien,
        Role::DauMoi,
        Role::LanhDao,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ThuongTruc => "thuong_truc",
            Role::DoiTruong => "doi_truong",
            Role::DoiPho => "doi_pho",
            Role::ThanhVien => "thanh_vien",
            Role::DauMoi => "dau_moi",
            Role::LanhDao => "lanh_dao",
        }
    }

    /// Catalogue key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::ThuongTruc => "role.thuong_truc",
            Role::DoiTruong => "role.doi_truong",
            Role::DoiPho => "role.doi_pho",
            Role::ThanhVien => "role.thanh_vien",
            Role::DauMoi => "role.dau_moi",
            Role::LanhDao => "role.lanh_dao",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.code() == s).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_code() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
