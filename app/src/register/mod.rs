//! The member register: the organisation tree and the members in it (server side).
//! Other features read and write organisations and members through `service`.

mod repo;
pub mod seed;
pub mod service;

use crate::domain::cccd::Cccd;
use crate::domain::org::{OrgKind, OrgPath};
use crate::domain::phone::Phone;
use crate::domain::register::{Date, Gender, MemberStatus, PartyDates, Position};

/// Where a row came from. Demo rows may be replaced by `sotay seed --replace`; the others are
/// real data that the seed refuses to touch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Manual,
    Import,
    Demo,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Import => "import",
            Source::Demo => "demo",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Org {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
    pub path: OrgPath,
    pub depth: i64,
}

#[derive(Clone, Debug)]
pub struct NewOrg {
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
    pub source: Source,
}

/// A member as the register holds them, already parsed into domain types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMember {
    pub org_id: i64,
    pub member_code: String,
    pub full_name: String,
    pub gender: Gender,
    pub ethnicity: String,
    pub hometown: Option<String>,
    pub cccd: Option<Cccd>,
    pub phone: Option<Phone>,
    pub card_number: Option<String>,
    pub dates: PartyDates,
    pub exempt_reason: Option<String>,
    pub position: Option<Position>,
    pub address: Option<String>,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub org_id: i64,
    pub member_code: String,
    pub full_name: String,
    pub birth_date: Date,
    pub gender: Gender,
    pub ethnicity: String,
    pub hometown: Option<String>,
    pub cccd: Option<String>,
    pub phone: Option<String>,
    pub card_number: Option<String>,
    pub joined_date: Date,
    pub official_date: Option<Date>,
    pub status: MemberStatus,
    pub exempt_since: Option<Date>,
    pub exempt_reason: Option<String>,
    pub position: Option<Position>,
    pub address: Option<String>,
}
