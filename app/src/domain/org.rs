//! The organisation tree. Each organisation stores a materialized path of ids, `/1/7/42/`,
//! so "is X inside Y" is a prefix test and "everything under Y" is one indexed range scan:
//! `path >= '/1/7/' AND path < '/1/70'` (the upper bound swaps the trailing `/` for `0`, the
//! next byte). Moving a subtree rewrites the prefix of every path in that range in one UPDATE.

use super::code::coded_enum;
#[cfg(feature = "ssr")]
use super::register::FieldError;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// Kinds of organisation, top to bottom (docs/DOMAIN.md, "The organisation tree").
    OrgKind {
        /// Trung ương
        Central = "trung_uong",
        /// Đảng bộ tỉnh / thành phố
        Province = "tinh",
        /// Đảng ủy trực thuộc (xã, phường, cơ quan)
        Committee = "dang_uy",
        /// Đảng bộ cơ sở
        GrassrootsCommittee = "dang_bo_co_so",
        /// Chi bộ cơ sở (a grassroots cell with no cells under it)
        GrassrootsCell = "chi_bo_co_so",
        /// Chi bộ trực thuộc
        Cell = "chi_bo",
    }
);

impl OrgKind {
    /// Whether members are registered directly here (a cell), rather than in cells below.
    pub fn is_cell(self) -> bool {
        matches!(self, OrgKind::Cell | OrgKind::GrassrootsCell)
    }

    /// Which kinds may sit directly under this one.
    pub fn may_contain(self, child: OrgKind) -> bool {
        use OrgKind::*;
        match self {
            Central => matches!(child, Province | Committee),
            Province => matches!(child, Committee | GrassrootsCommittee | GrassrootsCell),
            Committee => matches!(child, GrassrootsCommittee | GrassrootsCell | Cell),
            GrassrootsCommittee => matches!(child, Cell),
            GrassrootsCell | Cell => false,
        }
    }
}

/// The longest organisation code accepted (the national database's are short).
pub const MAX_ORG_CODE_CHARS: usize = 40;
pub const MAX_ORG_NAME_CHARS: usize = 200;

/// An organisation's code as typed or exported: ASCII letters, digits, `-`, `_` and `.`, at
/// most `MAX_ORG_CODE_CHARS`; surrounding spaces dropped. The error is an i18n key.
pub fn parse_org_code(raw: &str) -> Result<String, &'static str> {
    let code = raw.trim();
    if code.is_empty() {
        return Err("err_required");
    }
    if code.len() > MAX_ORG_CODE_CHARS
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("err_org_code");
    }
    Ok(code.to_string())
}

/// An organisation's name: NFC, trimmed, required, at most `MAX_ORG_NAME_CHARS`.
#[cfg(feature = "ssr")]
pub fn parse_org_name(raw: &str) -> Result<String, &'static str> {
    let name = super::text::nfc(raw.trim());
    if name.is_empty() {
        return Err("err_required");
    }
    if name.chars().count() > MAX_ORG_NAME_CHARS {
        return Err("err_too_long");
    }
    Ok(name)
}

/// A new organisation as typed in the tree page, under a parent of a known kind.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgDraft {
    pub kind: OrgKind,
    pub name: String,
    pub code: String,
}

#[cfg(feature = "ssr")]
impl OrgDraft {
    /// Every field's error at once: a kind the parent may not hold, a bad name, a bad code
    /// (any fault of the code, a missing one included, is `err_org_code`).
    pub fn parse(
        parent: OrgKind,
        kind: &str,
        name: &str,
        code: &str,
    ) -> Result<OrgDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = OrgKind::from_code(kind).filter(|k| parent.may_contain(*k));
        if kind.is_none() {
            errors.push(FieldError::new("kind", "err_org_kind"));
        }
        let name = OrgDraft::parse_name(name)
            .map_err(|e| errors.extend(e))
            .ok();
        let code = parse_org_code(code)
            .map_err(|_| errors.push(FieldError::new("code", "err_org_code")))
            .ok();
        match (kind, name, code) {
            (Some(kind), Some(name), Some(code)) if errors.is_empty() => {
                Ok(OrgDraft { kind, name, code })
            }
            _ => Err(errors),
        }
    }

    /// A new name for an organisation (creating or renaming one).
    pub fn parse_name(raw: &str) -> Result<String, Vec<FieldError>> {
        parse_org_name(raw).map_err(|key| vec![FieldError::new("name", key)])
    }
}

/// Moving an organisation (of `kind`, at `path`) under a new parent: its path there, or the
/// error key when the parent may not hold that kind or lies inside the organisation itself.
pub fn moved_path(
    kind: OrgKind,
    path: &OrgPath,
    parent_kind: OrgKind,
    parent_path: &OrgPath,
) -> Result<OrgPath, &'static str> {
    if !parent_kind.may_contain(kind) {
        return Err("err_org_kind");
    }
    path.moved_under(parent_path).map_err(|e| match e {
        OrgPathError::Malformed => "err_org_path",
        OrgPathError::IntoOwnSubtree => "err_org_move_into_self",
    })
}

/// The path of an organisation in the tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgPath(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OrgPathError {
    #[error("err_org_path")]
    Malformed,
    #[error("err_org_move_into_self")]
    IntoOwnSubtree,
}

impl OrgPath {
    pub fn root(id: i64) -> OrgPath {
        OrgPath(format!("/{id}/"))
    }

    pub fn child(&self, id: i64) -> OrgPath {
        OrgPath(format!("{}{id}/", self.0))
    }

    pub fn parse(s: &str) -> Result<OrgPath, OrgPathError> {
        let inner = s
            .strip_prefix('/')
            .and_then(|r| r.strip_suffix('/'))
            .ok_or(OrgPathError::Malformed)?;
        if inner.is_empty()
            || !inner
                .split('/')
                .all(|seg| !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(OrgPathError::Malformed);
        }
        Ok(OrgPath(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Exclusive upper bound of the subtree range (see module docs).
    pub fn subtree_upper(&self) -> String {
        let mut upper = self.0.clone();
        upper.pop();
        upper.push('0');
        upper
    }

    /// True when `other` is this organisation or lies anywhere below it.
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    pub fn ids(&self) -> Vec<i64> {
        self.0
            .split('/')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect()
    }

    pub fn id(&self) -> i64 {
        *self
            .ids()
            .last()
            .expect("a parsed path has at least one id")
    }

    /// 0 for a root.
    pub fn depth(&self) -> usize {
        self.ids().len() - 1
    }

    /// The path this subtree gets when its root moves under `new_parent`.
    pub fn moved_under(&self, new_parent: &OrgPath) -> Result<OrgPath, OrgPathError> {
        if self.contains(new_parent) {
            return Err(OrgPathError::IntoOwnSubtree);
        }
        Ok(new_parent.child(self.id()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_organisation_is_parsed_with_every_error_at_once() {
        let d = OrgDraft::parse(OrgKind::Committee, "chi_bo", "  Chi bộ 1 ", " CB-01 ").unwrap();
        assert_eq!(
            d,
            OrgDraft {
                kind: OrgKind::Cell,
                name: "Chi bộ 1".to_string(),
                code: "CB-01".to_string(),
            }
        );
        let keys = |r: Result<OrgDraft, Vec<FieldError>>| {
            r.unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.key))
                .collect::<Vec<_>>()
        };
        // A kind the parent may not hold, or no kind at all.
        assert_eq!(
            keys(OrgDraft::parse(OrgKind::Cell, "chi_bo", "A", "A1")),
            [("kind".to_string(), "err_org_kind".to_string())]
        );
        assert_eq!(
            keys(OrgDraft::parse(OrgKind::Committee, "", " ", "")),
            [
                ("kind".to_string(), "err_org_kind".to_string()),
                ("name".to_string(), "err_required".to_string()),
                ("code".to_string(), "err_org_code".to_string()),
            ]
        );
        assert_eq!(
            keys(OrgDraft::parse(
                OrgKind::Committee,
                "chi_bo",
                &"x".repeat(MAX_ORG_NAME_CHARS + 1),
                "a b"
            )),
            [
                ("name".to_string(), "err_too_long".to_string()),
                ("code".to_string(), "err_org_code".to_string()),
            ]
        );
        assert_eq!(OrgDraft::parse_name(" Đảng ủy ").unwrap(), "Đảng ủy");
    }

    #[test]
    fn moving_checks_the_parent_kind_and_the_own_subtree() {
        let ward = OrgPath::root(1).child(7);
        let cell = ward.child(42);
        let other = OrgPath::root(1).child(8);
        assert_eq!(
            moved_path(OrgKind::Cell, &cell, OrgKind::Committee, &other).unwrap(),
            other.child(42)
        );
        assert_eq!(
            moved_path(OrgKind::Cell, &cell, OrgKind::Cell, &other),
            Err("err_org_kind")
        );
        assert_eq!(
            moved_path(
                OrgKind::GrassrootsCommittee,
                &ward,
                OrgKind::Committee,
                &ward.child(9)
            ),
            Err("err_org_move_into_self")
        );
    }

    #[test]
    fn paths_and_ranges() {
        let province = OrgPath::root(1);
        let ward = province.child(7);
        let cell = ward.child(42);
        let other_ward = province.child(70);
        assert_eq!(cell.as_str(), "/1/7/42/");
        assert_eq!(ward.subtree_upper(), "/1/70");
        assert!(ward.contains(&cell));
        assert!(ward.contains(&ward));
        assert!(!ward.contains(&other_ward));
        assert!(!cell.contains(&ward));
        // The range bound agrees with the prefix test, including the tricky sibling /1/70/.
        for p in [&cell, &ward, &other_ward, &province] {
            let in_range =
                p.as_str() >= ward.as_str() && p.as_str() < ward.subtree_upper().as_str();
            assert_eq!(in_range, ward.contains(p), "{}", p.as_str());
        }
        assert_eq!(cell.ids(), vec![1, 7, 42]);
        assert_eq!(cell.id(), 42);
        assert_eq!(cell.depth(), 2);
        assert_eq!(province.depth(), 0);
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!(OrgPath::parse("/1/2/").is_ok());
        assert!(OrgPath::parse("/1/2").is_err());
        assert!(OrgPath::parse("//").is_err());
        assert!(OrgPath::parse("/1//2/").is_err());
        assert!(OrgPath::parse("/a/").is_err());
    }

    #[test]
    fn moving_a_subtree() {
        let ward = OrgPath::parse("/1/7/").unwrap();
        let new_parent = OrgPath::parse("/1/9/").unwrap();
        assert_eq!(ward.moved_under(&new_parent).unwrap().as_str(), "/1/9/7/");
        let own_child = OrgPath::parse("/1/7/42/").unwrap();
        assert_eq!(
            ward.moved_under(&own_child),
            Err(OrgPathError::IntoOwnSubtree)
        );
        assert_eq!(ward.moved_under(&ward), Err(OrgPathError::IntoOwnSubtree));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn codes_and_names() {
        assert_eq!(parse_org_code("  T01.X-2_a "), Ok("T01.X-2_a".to_string()));
        assert_eq!(parse_org_code(" "), Err("err_required"));
        assert_eq!(parse_org_code("Mã 1"), Err("err_org_code"));
        assert_eq!(parse_org_code(&"A".repeat(41)), Err("err_org_code"));
        assert_eq!(parse_org_name("  Chi bộ 1 "), Ok("Chi bộ 1".to_string()));
        assert_eq!(parse_org_name(""), Err("err_required"));
        assert_eq!(parse_org_name(&"x".repeat(201)), Err("err_too_long"));
    }

    #[test]
    fn kinds() {
        assert!(OrgKind::Committee.may_contain(OrgKind::Cell));
        assert!(!OrgKind::Cell.may_contain(OrgKind::Cell));
        assert!(OrgKind::GrassrootsCell.is_cell());
        assert!(!OrgKind::Committee.is_cell());
        for k in [
            OrgKind::Central,
            OrgKind::Province,
            OrgKind::Committee,
            OrgKind::GrassrootsCommittee,
            OrgKind::GrassrootsCell,
            OrgKind::Cell,
        ] {
            assert_eq!(OrgKind::from_code(k.code()), Some(k));
        }
    }
}
