//! Importing the organisation tree from an export of the national database: which column is
//! which (guessed from Vietnamese headers, as the member import does), one row parsed, and the
//! plan — new, renamed, moved under another parent, kind changed, unchanged, missing from the
//! file — computed against the subtree held, with every failing rule named on its line. The
//! plan keeps the tree a tree whose kinds fit (`OrgKind::may_contain`): a row that would break
//! it is refused, and so, in turn, are the rows that needed it. No I/O here.

use super::code::coded_enum;
use super::import::looks_like_formula;
use super::org::{parse_org_code, parse_org_name, OrgKind};
use super::register::FieldError;
use super::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

coded_enum!(
    /// A column of the tree file. The code is the form value and the stored mapping.
    OrgField {
        Code = "org_code",
        Name = "org_name",
        Kind = "org_kind",
        ParentCode = "parent_code",
    }
);

impl OrgField {
    /// Every column is needed: a parent code may be empty only on the root's own row.
    pub const REQUIRED: [OrgField; 4] = [
        OrgField::Code,
        OrgField::Name,
        OrgField::Kind,
        OrgField::ParentCode,
    ];

    /// Headers of the national export and common hand-made variants, folded.
    fn headers(self) -> &'static [&'static str] {
        match self {
            OrgField::Code => &[
                "ma to chuc",
                "ma to chuc dang",
                "ma don vi",
                "ma to chuc co so dang",
                "ma",
                "org code",
                "org_code",
                "code",
            ],
            OrgField::Name => &[
                "ten to chuc",
                "ten to chuc dang",
                "ten don vi",
                "ten",
                "ten goi",
                "org name",
                "org_name",
                "name",
            ],
            OrgField::Kind => &[
                "loai to chuc",
                "loai hinh to chuc",
                "loai hinh",
                "loai",
                "cap to chuc",
                "loai to chuc dang",
                "kind",
                "org_kind",
                "type",
            ],
            OrgField::ParentCode => &[
                "ma to chuc cap tren",
                "ma cap tren",
                "ma don vi cap tren",
                "ma to chuc cap tren truc tiep",
                "truc thuoc",
                "ma truc thuoc",
                "parent code",
                "parent_code",
                "parent",
            ],
        }
    }
}

pub type OrgMapping = Vec<Option<OrgField>>;

/// The mapping guessed from the header row: whole folded headers, each field once.
pub fn guess_mapping(headers: &[String]) -> OrgMapping {
    let mut taken: Vec<OrgField> = Vec::new();
    headers
        .iter()
        .map(|h| {
            let folded = fold(h)
                .trim_matches(|c: char| c == ':' || c == '*' || c == '.')
                .trim()
                .to_string();
            let found = OrgField::ALL
                .iter()
                .copied()
                .find(|f| !taken.contains(f) && f.headers().contains(&folded.as_str()));
            if let Some(f) = found {
                taken.push(f);
            }
            found
        })
        .collect()
}

pub fn check_mapping(mapping: &OrgMapping) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for f in OrgField::REQUIRED {
        if !mapping.contains(&Some(f)) {
            errors.push(FieldError::new(f.code(), "err_import_field_unmapped"));
        }
    }
    for f in OrgField::ALL {
        if mapping.iter().filter(|m| **m == Some(*f)).count() > 1 {
            errors.push(FieldError::new(f.code(), "err_import_field_twice"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A kind as the export or a person writes it: the app's code, or the Vietnamese name.
pub fn parse_kind(cell: &str) -> Option<OrgKind> {
    if let Some(k) = OrgKind::from_code(cell.trim()) {
        return Some(k);
    }
    let folded = fold(cell);
    let f = folded.trim();
    Some(match f {
        "trung uong" | "dang bo trung uong" => OrgKind::Central,
        "tinh"
        | "thanh pho"
        | "dang bo tinh"
        | "dang bo thanh pho"
        | "dang bo tinh, thanh pho"
        | "tinh uy"
        | "thanh uy" => OrgKind::Province,
        "dang uy"
        | "dang bo"
        | "dang uy truc thuoc"
        | "dang bo truc thuoc"
        | "dang bo cap tren co so"
        | "dang bo xa"
        | "dang bo phuong"
        | "dang bo dac khu"
        | "dang uy xa"
        | "dang uy phuong"
        | "dang uy khoi"
        | "dang bo khoi" => OrgKind::Committee,
        "dang bo co so" | "dbcs" => OrgKind::GrassrootsCommittee,
        "chi bo co so" | "cbcs" => OrgKind::GrassrootsCell,
        "chi bo"
        | "chi bo truc thuoc"
        | "chi bo truc thuoc dang uy co so"
        | "chi bo truc thuoc dang bo co so"
        | "cb" => OrgKind::Cell,
        _ => return None,
    })
}

/// One row of the tree file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgRow {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    /// Empty only on the row of the importer's own organisation.
    pub parent_code: Option<String>,
}

pub fn parse_row(cells: &[String], mapping: &OrgMapping) -> Result<OrgRow, Vec<FieldError>> {
    let cell = |f: OrgField| -> &str {
        mapping
            .iter()
            .position(|m| *m == Some(f))
            .and_then(|i| cells.get(i))
            .map(String::as_str)
            .unwrap_or("")
    };
    let mut errors = Vec::new();
    for f in OrgField::ALL {
        let c = cell(*f);
        if looks_like_formula(c) {
            errors.push(FieldError::new(f.code(), "err_import_formula"));
        } else if c.chars().count() > super::import::MAX_CELL_CHARS {
            errors.push(FieldError::new(f.code(), "err_import_cell_too_long"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let code = parse_org_code(cell(OrgField::Code))
        .map_err(|k| errors.push(FieldError::new(OrgField::Code.code(), k)))
        .ok();
    let name = parse_org_name(cell(OrgField::Name))
        .map_err(|k| errors.push(FieldError::new(OrgField::Name.code(), k)))
        .ok();
    let kind = match cell(OrgField::Kind).trim() {
        "" => {
            errors.push(FieldError::new(OrgField::Kind.code(), "err_required"));
            None
        }
        k => parse_kind(k).or_else(|| {
            errors.push(FieldError::new(
                OrgField::Kind.code(),
                "err_org_import_kind",
            ));
            None
        }),
    };
    let parent_code = match cell(OrgField::ParentCode).trim() {
        "" | "-" => None,
        p => parse_org_code(p)
            .map_err(|k| errors.push(FieldError::new(OrgField::ParentCode.code(), k)))
            .ok(),
    };
    match (code, name, kind) {
        (Some(code), Some(name), Some(kind)) if errors.is_empty() => Ok(OrgRow {
            code,
            name,
            kind,
            parent_code,
        }),
        _ => Err(errors),
    }
}

/// An organisation of the importer's subtree as the app holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldOrg {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<i64>,
    pub live: bool,
    /// Members registered directly in it.
    pub members: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u32,
    pub code: String,
    pub name: String,
    pub errors: Vec<FieldError>,
    /// The other line of a duplicate.
    pub other_line: Option<u32>,
}

/// An organisation to create or to move, in the order that keeps every parent in place first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    Insert {
        line: u32,
        code: String,
        name: String,
        kind: OrgKind,
        parent_code: String,
    },
    Move {
        line: u32,
        id: i64,
        code: String,
        parent_code: String,
        old_parent_code: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    pub line: u32,
    pub id: i64,
    pub code: String,
    pub old: String,
    pub new: String,
}

/// What applying a tree file does. `placements` run after `kind_changes` (a grassroots cell
/// that became a grassroots committee takes its new cells) and in order of final depth, so a
/// parent is always where it ends up before anything is put under it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreePlan {
    pub rows: u32,
    pub placements: Vec<Placement>,
    pub renames: Vec<Update>,
    pub kind_changes: Vec<Update>,
    pub unchanged: u32,
    pub invalid: Vec<RowError>,
    /// Live organisations of the subtree the file does not name (never deleted): (id, code, name).
    pub missing: Vec<(i64, String, String)>,
    /// The missing ones that may be dissolved on request: no member in them nor anything left
    /// under them. Children before parents.
    pub dissolvable: Vec<i64>,
}

impl TreePlan {
    pub fn inserts(&self) -> usize {
        self.placements
            .iter()
            .filter(|p| matches!(p, Placement::Insert { .. }))
            .count()
    }
    pub fn moves(&self) -> usize {
        self.placements
            .iter()
            .filter(|p| matches!(p, Placement::Move { .. }))
            .count()
    }
}

/// The state of one organisation at the end: from the file when its row is accepted, else as held.
#[derive(Clone, Debug)]
struct Node {
    parent: Option<String>,
    kind: OrgKind,
    name: String,
    /// The accepted file row behind it.
    line: Option<u32>,
    held: Option<usize>,
}

/// The plan for the parsed `rows` (with their lines) against `held`, the importer's subtree with
/// `root_id` (its top, which the importer may not change) among it. `named` holds every code the
/// file names, parsed or not (a row with a typo still names its organisation, which is then not
/// missing); `elsewhere`, the file's codes that exist outside the subtree. Rows that failed to
/// parse are the caller's to report.
pub fn plan_tree(
    root_id: i64,
    held: &[HeldOrg],
    rows: Vec<(u32, OrgRow)>,
    named: &HashSet<String>,
    elsewhere: &HashSet<String>,
) -> TreePlan {
    let mut plan = TreePlan {
        rows: rows.len() as u32,
        ..TreePlan::default()
    };
    let by_id: HashMap<i64, usize> = held.iter().enumerate().map(|(i, h)| (h.id, i)).collect();
    let by_code: HashMap<&str, usize> = held
        .iter()
        .enumerate()
        .map(|(i, h)| (h.code.as_str(), i))
        .collect();
    let Some(&root_ix) = by_id.get(&root_id) else {
        return plan;
    };
    let root_code = held[root_ix].code.clone();
    let held_parent = |h: &HeldOrg| {
        h.parent_id
            .and_then(|p| by_id.get(&p))
            .map(|&i| held[i].code.clone())
    };

    // Single-row rules: parse errors, duplicates, codes that cannot be touched here.
    let mut file_codes: HashSet<String> = HashSet::new();
    let mut first_line: HashMap<String, u32> = HashMap::new();
    let mut accepted: Vec<(u32, OrgRow)> = Vec::new();
    let refuse = |line: u32,
                  code: &str,
                  name: &str,
                  field: &str,
                  key: &str,
                  other: Option<u32>,
                  invalid: &mut Vec<RowError>| {
        invalid.push(RowError {
            line,
            code: code.to_string(),
            name: name.to_string(),
            errors: vec![FieldError::new(field, key)],
            other_line: other,
        });
    };
    for (line, row) in rows {
        file_codes.insert(row.code.clone());
        if let Some(&first) = first_line.get(&row.code) {
            refuse(
                line,
                &row.code,
                &row.name,
                "org_code",
                "err_org_import_duplicate_code",
                Some(first),
                &mut plan.invalid,
            );
            continue;
        }
        first_line.insert(row.code.clone(), line);
        if row.code == root_code {
            // The importer's own organisation is changed only from above.
            let r = &held[root_ix];
            if r.name != row.name || r.kind != row.kind {
                refuse(
                    line,
                    &row.code,
                    &row.name,
                    "org_code",
                    "err_org_import_root",
                    None,
                    &mut plan.invalid,
                );
            } else {
                plan.unchanged += 1;
            }
            continue;
        }
        match by_code.get(row.code.as_str()) {
            Some(&i) if !held[i].live => {
                refuse(
                    line,
                    &row.code,
                    &row.name,
                    "org_code",
                    "err_import_org_dissolved",
                    None,
                    &mut plan.invalid,
                );
                continue;
            }
            None if elsewhere.contains(&row.code) => {
                refuse(
                    line,
                    &row.code,
                    &row.name,
                    "org_code",
                    "err_import_org_outside",
                    None,
                    &mut plan.invalid,
                );
                continue;
            }
            _ => {}
        }
        if row.parent_code.is_none() {
            refuse(
                line,
                &row.code,
                &row.name,
                "parent_code",
                "err_org_import_parent_required",
                None,
                &mut plan.invalid,
            );
            continue;
        }
        accepted.push((line, row));
    }

    // The tree at the end: live held organisations, overridden by accepted rows; rows that
    // break it are refused one round at a time until nothing breaks.
    let held_node = |i: usize| -> Node {
        let h = &held[i];
        Node {
            parent: if i == root_ix { None } else { held_parent(h) },
            kind: h.kind,
            name: h.name.clone(),
            line: None,
            held: Some(i),
        }
    };
    let rows_by_code: HashMap<String, (u32, OrgRow)> = accepted
        .into_iter()
        .map(|(l, r)| (r.code.clone(), (l, r)))
        .collect();
    let mut refused: HashMap<String, (&'static str, &'static str)> = HashMap::new();
    loop {
        let mut nodes: HashMap<String, Node> = held
            .iter()
            .enumerate()
            .filter(|(_, h)| h.live)
            .map(|(i, h)| (h.code.clone(), held_node(i)))
            .collect();
        for (code, (line, row)) in &rows_by_code {
            if refused.contains_key(code) {
                continue;
            }
            let held_ix = by_code.get(code.as_str()).copied();
            nodes.insert(
                code.clone(),
                Node {
                    parent: row.parent_code.clone(),
                    kind: row.kind,
                    name: row.name.clone(),
                    line: Some(*line),
                    held: held_ix,
                },
            );
        }
        let mut newly: Vec<(String, &'static str, &'static str)> = Vec::new();
        for (code, node) in &nodes {
            if node.line.is_none() {
                continue;
            }
            let parent = node.parent.as_deref().unwrap_or_default();
            match nodes.get(parent) {
                None if elsewhere.contains(parent) => {
                    newly.push((code.clone(), "parent_code", "err_org_import_parent_outside"))
                }
                None if rows_by_code.contains_key(parent) => {
                    newly.push((code.clone(), "parent_code", "err_org_import_parent_refused"))
                }
                None => newly.push((code.clone(), "parent_code", "err_org_import_parent_unknown")),
                // The parent's own row changing its kind is at fault when the child fitted
                // under the kind held; otherwise the child's row is.
                Some(p) if !p.kind.may_contain(node.kind) => match p.held.map(|i| held[i].kind) {
                    Some(was)
                        if p.line.is_some() && was != p.kind && was.may_contain(node.kind) =>
                    {
                        newly.push((
                            parent.to_string(),
                            "org_kind",
                            "err_org_import_kind_children",
                        ))
                    }
                    _ => newly.push((code.clone(), "org_kind", "err_org_import_kind_parent")),
                },
                Some(_) => {}
            }
            if !node.kind.is_cell() && node.held.is_some_and(|i| held[i].members > 0) {
                newly.push((code.clone(), "org_kind", "err_org_import_kind_members"));
            }
        }
        // A held organisation not in the file whose parent's new kind no longer fits it:
        // the parent's row is at fault.
        for node in nodes.values().filter(|n| n.line.is_none()) {
            if let Some(parent) = node
                .parent
                .as_deref()
                .and_then(|p| nodes.get(p).map(|n| (p, n)))
            {
                if parent.1.line.is_some() && !parent.1.kind.may_contain(node.kind) {
                    newly.push((
                        parent.0.to_string(),
                        "org_kind",
                        "err_org_import_kind_children",
                    ));
                }
            }
        }
        if newly.is_empty() {
            // Cycles: a walk up from every node must reach the root. Unreachable while every
            // kind holds only lower kinds, and kept so that a future kind rule cannot send the
            // depth walk below round in circles.
            let mut on_cycle: Vec<String> = Vec::new();
            let mut reaches_root: HashSet<String> = HashSet::from([root_code.clone()]);
            for start in nodes.keys() {
                let mut path: Vec<&str> = Vec::new();
                let mut seen: HashSet<&str> = HashSet::new();
                let mut at: &str = start;
                loop {
                    if reaches_root.contains(at) {
                        reaches_root.extend(path.iter().map(|s| s.to_string()));
                        break;
                    }
                    if !seen.insert(at) {
                        // `at` is on a cycle: refuse the file rows on it.
                        let from = path.iter().position(|p| *p == at).unwrap_or(0);
                        on_cycle.extend(
                            path[from..]
                                .iter()
                                .filter(|c| nodes.get(**c).is_some_and(|n| n.line.is_some()))
                                .map(|c| c.to_string()),
                        );
                        break;
                    }
                    path.push(at);
                    match nodes.get(at).and_then(|n| n.parent.as_deref()) {
                        Some(p) if nodes.contains_key(p) => at = p,
                        _ => break,
                    }
                }
            }
            on_cycle.sort();
            on_cycle.dedup();
            if on_cycle.is_empty() {
                // Settled: turn the final tree into steps.
                file_codes.extend(named.iter().cloned());
                build_steps(
                    &mut plan,
                    held,
                    root_ix,
                    &nodes,
                    &file_codes,
                    &by_code,
                    &held_parent,
                );
                break;
            }
            newly.extend(
                on_cycle
                    .into_iter()
                    .map(|c| (c, "parent_code", "err_org_import_cycle")),
            );
        }
        // The same reason for a row on every run, whatever order the map gave.
        newly.sort();
        for (code, field, key) in newly {
            refused.entry(code).or_insert((field, key));
        }
    }
    for (code, (field, key)) in refused {
        let (line, row) = &rows_by_code[&code];
        refuse(*line, &code, &row.name, field, key, None, &mut plan.invalid);
    }
    plan.invalid.sort_by_key(|r| r.line);

    file_codes.extend(named.iter().cloned());
    // Missing: live, below the root, not named by the file (an invalid row still names it).
    let mut missing: Vec<usize> = held
        .iter()
        .enumerate()
        .filter(|(i, h)| *i != root_ix && h.live && !file_codes.contains(&h.code))
        .map(|(i, _)| i)
        .collect();
    missing.sort_by(|a, b| held[*a].code.cmp(&held[*b].code));
    plan.missing = missing
        .iter()
        .map(|&i| (held[i].id, held[i].code.clone(), held[i].name.clone()))
        .collect();
    plan
}

/// Steps from the settled tree, and which missing organisations could be dissolved.
fn build_steps(
    plan: &mut TreePlan,
    held: &[HeldOrg],
    root_ix: usize,
    nodes: &HashMap<String, Node>,
    named: &HashSet<String>,
    by_code: &HashMap<&str, usize>,
    held_parent: &dyn Fn(&HeldOrg) -> Option<String>,
) {
    let mut depth: HashMap<&str, usize> = HashMap::new();
    fn depth_of<'a>(
        code: &'a str,
        nodes: &'a HashMap<String, Node>,
        memo: &mut HashMap<&'a str, usize>,
    ) -> usize {
        if let Some(d) = memo.get(code) {
            return *d;
        }
        // Settled trees have no cycle, so this walk ends at the root.
        let d = match nodes.get(code).and_then(|n| n.parent.as_deref()) {
            Some(p) => depth_of(p, nodes, memo) + 1,
            None => 0,
        };
        memo.insert(code, d);
        d
    }
    let mut placements: Vec<(usize, u32, Placement)> = Vec::new();
    for (code, node) in nodes {
        let Some(line) = node.line else { continue };
        let parent = node.parent.clone().unwrap_or_default();
        let d = depth_of(code, nodes, &mut depth);
        match node.held {
            None => placements.push((
                d,
                line,
                Placement::Insert {
                    line,
                    code: code.clone(),
                    name: node.name.clone(),
                    kind: node.kind,
                    parent_code: parent,
                },
            )),
            Some(i) => {
                let h = &held[i];
                let mut changed = false;
                if h.name != node.name {
                    plan.renames.push(Update {
                        line,
                        id: h.id,
                        code: code.clone(),
                        old: h.name.clone(),
                        new: node.name.clone(),
                    });
                    changed = true;
                }
                if h.kind != node.kind {
                    plan.kind_changes.push(Update {
                        line,
                        id: h.id,
                        code: code.clone(),
                        old: h.kind.code().to_string(),
                        new: node.kind.code().to_string(),
                    });
                    changed = true;
                }
                let old_parent = held_parent(h).unwrap_or_default();
                if old_parent != parent {
                    placements.push((
                        d,
                        line,
                        Placement::Move {
                            line,
                            id: h.id,
                            code: code.clone(),
                            parent_code: parent,
                            old_parent_code: old_parent,
                        },
                    ));
                    changed = true;
                }
                if !changed {
                    plan.unchanged += 1;
                }
            }
        }
    }
    placements.sort_by_key(|(d, line, _)| (*d, *line));
    plan.placements = placements.into_iter().map(|(_, _, p)| p).collect();
    plan.renames.sort_by_key(|u| u.line);
    plan.kind_changes.sort_by_key(|u| u.line);

    // Dissolvable: missing, no member, and everything still under it dissolvable too.
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (code, node) in nodes {
        if let Some(p) = node.parent.as_deref() {
            children.entry(p).or_default().push(code.as_str());
        }
    }
    // A map's order changes from one run to the next; the plan (and its fingerprint, which the
    // apply step compares with the dry run's) must not.
    for list in children.values_mut() {
        list.sort_unstable();
    }
    fn dissolvable<'a>(
        code: &'a str,
        ctx: &DissolveCtx<'a>,
        memo: &mut HashMap<&'a str, bool>,
        out: &mut Vec<i64>,
    ) -> bool {
        if let Some(v) = memo.get(code) {
            return *v;
        }
        let Some(&i) = ctx.by_code.get(code) else {
            return false;
        };
        let h = &ctx.held[i];
        let missing = i != ctx.root_ix
            && ctx.nodes.get(code).is_some_and(|n| n.line.is_none())
            && !ctx.named.contains(code);
        let mut ok = missing && h.members == 0;
        for c in ctx
            .children
            .get(code)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            // Visit every child (children first in `out`), even once this one is ruled out.
            ok &= dissolvable(c, ctx, memo, out);
        }
        if ok {
            out.push(h.id);
        }
        memo.insert(code, ok);
        ok
    }
    struct DissolveCtx<'a> {
        held: &'a [HeldOrg],
        root_ix: usize,
        nodes: &'a HashMap<String, Node>,
        by_code: &'a HashMap<&'a str, usize>,
        children: &'a HashMap<&'a str, Vec<&'a str>>,
        named: &'a HashSet<String>,
    }
    let ctx = DissolveCtx {
        held,
        root_ix,
        nodes,
        by_code,
        children: &children,
        named,
    };
    let mut memo: HashMap<&str, bool> = HashMap::new();
    let mut out = Vec::new();
    let root_code = held[root_ix].code.as_str();
    dissolvable(root_code, &ctx, &mut memo, &mut out);
    plan.dissolvable = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(id: i64, code: &str, kind: OrgKind, parent: Option<i64>, members: i64) -> HeldOrg {
        HeldOrg {
            id,
            code: code.to_string(),
            name: format!("Tổ chức {code}"),
            kind,
            parent_id: parent,
            live: true,
            members,
        }
    }

    fn row(code: &str, name: &str, kind: OrgKind, parent: &str) -> OrgRow {
        OrgRow {
            code: code.to_string(),
            name: name.to_string(),
            kind,
            parent_code: (!parent.is_empty()).then(|| parent.to_string()),
        }
    }

    fn plan(
        root: i64,
        held: &[HeldOrg],
        rows: Vec<(u32, OrgRow)>,
        elsewhere: &HashSet<String>,
    ) -> TreePlan {
        let named = rows.iter().map(|(_, r)| r.code.clone()).collect();
        plan_tree(root, held, rows, &named, elsewhere)
    }

    /// A province (1) with a ward committee (2) holding a cell (3, 4 members).
    fn province() -> Vec<HeldOrg> {
        vec![
            held(1, "T", OrgKind::Province, None, 0),
            held(2, "X1", OrgKind::Committee, Some(1), 0),
            held(3, "C1", OrgKind::Cell, Some(2), 4),
        ]
    }

    fn keys(plan: &TreePlan) -> Vec<(u32, String)> {
        plan.invalid
            .iter()
            .map(|r| (r.line, r.errors[0].key.clone()))
            .collect()
    }

    #[test]
    fn headers_of_the_national_export_are_recognised() {
        let headers: Vec<String> = [
            "STT",
            "Mã tổ chức",
            "Tên tổ chức",
            "Loại tổ chức",
            "Mã tổ chức cấp trên",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            guess_mapping(&headers),
            vec![
                None,
                Some(OrgField::Code),
                Some(OrgField::Name),
                Some(OrgField::Kind),
                Some(OrgField::ParentCode)
            ]
        );
        assert!(check_mapping(&guess_mapping(&headers)).is_ok());
        let errors = check_mapping(&vec![Some(OrgField::Code), Some(OrgField::Code)]).unwrap_err();
        assert!(errors
            .iter()
            .any(|e| e.field == "org_name" && e.key == "err_import_field_unmapped"));
        assert!(errors
            .iter()
            .any(|e| e.field == "org_code" && e.key == "err_import_field_twice"));
    }

    #[test]
    fn kinds_by_code_or_vietnamese_name() {
        assert_eq!(parse_kind("Chi bộ"), Some(OrgKind::Cell));
        assert_eq!(parse_kind("CHI BỘ CƠ SỞ"), Some(OrgKind::GrassrootsCell));
        assert_eq!(
            parse_kind("Đảng bộ cơ sở"),
            Some(OrgKind::GrassrootsCommittee)
        );
        assert_eq!(parse_kind("Đảng bộ xã"), Some(OrgKind::Committee));
        assert_eq!(parse_kind("Đảng bộ tỉnh"), Some(OrgKind::Province));
        assert_eq!(parse_kind("chi_bo"), Some(OrgKind::Cell));
        assert_eq!(parse_kind("Tổ đảng"), None);
    }

    #[test]
    fn a_row_names_every_fault() {
        let mapping = vec![
            Some(OrgField::Code),
            Some(OrgField::Name),
            Some(OrgField::Kind),
            Some(OrgField::ParentCode),
        ];
        let cells = |v: [&str; 4]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_row(&cells(["C9", " Chi bộ 9 ", "Chi bộ", "X1"]), &mapping)
                .unwrap()
                .name,
            "Chi bộ 9"
        );
        let errors = parse_row(&cells(["C 9", "", "Tổ", "X1"]), &mapping).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["org_code", "org_name", "org_kind"]);
        assert_eq!(
            parse_row(&cells(["=HYPERLINK(1)", "x", "Chi bộ", "X1"]), &mapping).unwrap_err()[0].key,
            "err_import_formula"
        );
        assert_eq!(
            parse_row(&cells(["C9", "Chi bộ 9", "Chi bộ", ""]), &mapping)
                .unwrap()
                .parent_code,
            None
        );
    }

    #[test]
    fn new_renamed_moved_unchanged_and_missing() {
        let mut h = province();
        h.push(held(4, "X2", OrgKind::Committee, Some(1), 0));
        h.push(held(5, "C2", OrgKind::Cell, Some(4), 0));
        let rows = vec![
            (2, row("T", "Tổ chức T", OrgKind::Province, "")),
            (3, row("X1", "Đảng bộ phường 1", OrgKind::Committee, "T")),
            (4, row("C1", "Tổ chức C1", OrgKind::Cell, "X3")),
            (5, row("X3", "Đảng bộ xã 3", OrgKind::Committee, "T")),
            (6, row("C3", "Chi bộ 3", OrgKind::Cell, "X3")),
        ];
        let plan = plan(1, &h, rows, &HashSet::new());
        assert!(plan.invalid.is_empty(), "{:?}", plan.invalid);
        assert_eq!(plan.unchanged, 1, "the root row");
        assert_eq!(plan.renames.len(), 1);
        assert_eq!(plan.renames[0].new, "Đảng bộ phường 1");
        // X3 is created before C1 moves under it and C3 is created under it.
        let order: Vec<&str> = plan
            .placements
            .iter()
            .map(|p| match p {
                Placement::Insert { code, .. } | Placement::Move { code, .. } => code.as_str(),
            })
            .collect();
        assert_eq!(order, vec!["X3", "C1", "C3"]);
        assert_eq!((plan.inserts(), plan.moves()), (2, 1));
        assert_eq!(
            plan.missing
                .iter()
                .map(|m| m.1.as_str())
                .collect::<Vec<_>>(),
            vec!["C2", "X2"]
        );
        assert_eq!(
            plan.dissolvable,
            vec![5, 4],
            "children before parents, both empty"
        );
    }

    #[test]
    fn the_same_file_again_changes_nothing() {
        let h = province();
        let rows = vec![
            (2, row("X1", "Tổ chức X1", OrgKind::Committee, "T")),
            (3, row("C1", "Tổ chức C1", OrgKind::Cell, "X1")),
        ];
        let plan = plan(1, &h, rows, &HashSet::new());
        assert_eq!(
            (
                plan.unchanged,
                plan.placements.len(),
                plan.renames.len(),
                plan.invalid.len(),
                plan.missing.len()
            ),
            (2, 0, 0, 0, 0)
        );
    }

    #[test]
    fn rows_that_would_break_the_tree_are_refused_with_those_that_need_them() {
        let h = province();
        let rows = vec![
            (2, row("X1", "Tổ chức X1", OrgKind::Committee, "T")),
            // A parent nobody knows, and a cell under that refused row in turn.
            (3, row("X9", "Xã 9", OrgKind::Committee, "NOWHERE")),
            (4, row("C9", "Chi bộ 9", OrgKind::Cell, "X9")),
            // A cell under a cell.
            (5, row("C8", "Chi bộ 8", OrgKind::Cell, "C1")),
            // Two new committees under each other: kinds only hold lower kinds, so no cycle forms.
            (6, row("A", "A", OrgKind::Committee, "B")),
            (7, row("B", "B", OrgKind::Committee, "A")),
            // Belongs to another province.
            (8, row("OTHER", "Khác", OrgKind::Cell, "X1")),
            // A parent code in another province.
            (9, row("C7", "Chi bộ 7", OrgKind::Cell, "OTHER2")),
            (10, row("X1", "Trùng", OrgKind::Committee, "T")),
            (11, row("T", "Tên khác", OrgKind::Province, "")),
            (12, row("C6", "Chi bộ 6", OrgKind::Cell, "")),
        ];
        let elsewhere: HashSet<String> = ["OTHER".to_string(), "OTHER2".to_string()].into();
        let plan = plan(1, &h, rows, &elsewhere);
        assert_eq!(
            keys(&plan),
            vec![
                (3, "err_org_import_parent_unknown".to_string()),
                (4, "err_org_import_parent_refused".to_string()),
                (5, "err_org_import_kind_parent".to_string()),
                (6, "err_org_import_kind_parent".to_string()),
                (7, "err_org_import_kind_parent".to_string()),
                (8, "err_import_org_outside".to_string()),
                (9, "err_org_import_parent_outside".to_string()),
                (10, "err_org_import_duplicate_code".to_string()),
                (11, "err_org_import_root".to_string()),
                (12, "err_org_import_parent_required".to_string()),
            ]
        );
        assert_eq!(
            plan.invalid
                .iter()
                .find(|r| r.line == 10)
                .unwrap()
                .other_line,
            Some(2)
        );
        assert!(plan.placements.is_empty());
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn kind_changes_keep_members_and_children_fitting() {
        let mut h = province();
        h.push(held(4, "CS", OrgKind::GrassrootsCell, Some(2), 0));
        // The cell with members cannot become a committee; the empty grassroots cell can
        // become a grassroots committee and take a new cell.
        let rows = vec![
            (
                2,
                row("C1", "Tổ chức C1", OrgKind::GrassrootsCommittee, "X1"),
            ),
            (
                3,
                row("CS", "Tổ chức CS", OrgKind::GrassrootsCommittee, "X1"),
            ),
            (4, row("CS1", "Chi bộ CS1", OrgKind::Cell, "CS")),
            (5, row("X1", "Tổ chức X1", OrgKind::GrassrootsCell, "T")),
        ];
        let plan = plan(1, &h, rows, &HashSet::new());
        assert_eq!(
            keys(&plan),
            vec![
                (2, "err_org_import_kind_members".to_string()),
                (5, "err_org_import_kind_children".to_string())
            ]
        );
        assert_eq!(
            plan.kind_changes
                .iter()
                .map(|u| u.code.as_str())
                .collect::<Vec<_>>(),
            vec!["CS"]
        );
        assert_eq!(plan.inserts(), 1);
    }

    #[test]
    fn a_subtree_moves_under_a_new_parent_created_first() {
        // T → A → B (grassroots committee) → C becomes T → K (new) → B → C; A stays, empty.
        let h = vec![
            held(1, "T", OrgKind::Province, None, 0),
            held(2, "A", OrgKind::Committee, Some(1), 0),
            held(3, "B", OrgKind::GrassrootsCommittee, Some(2), 0),
            held(4, "C", OrgKind::Cell, Some(3), 2),
        ];
        let rows = vec![
            (2, row("B", "Tổ chức B", OrgKind::GrassrootsCommittee, "K")),
            (3, row("K", "Đảng bộ K", OrgKind::Committee, "T")),
            (4, row("C", "Tổ chức C", OrgKind::Cell, "B")),
        ];
        let plan = plan(1, &h, rows, &HashSet::new());
        assert!(plan.invalid.is_empty(), "{:?}", plan.invalid);
        assert!(
            matches!(&plan.placements[..], [Placement::Insert { code: k, .. }, Placement::Move { code: b, old_parent_code, .. }] if k == "K" && b == "B" && old_parent_code == "A")
        );
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.dissolvable, vec![2], "A is empty once B leaves it");
    }

    #[test]
    fn the_plan_is_the_same_on_every_run() {
        // Empty sibling branches: their dissolving order must not depend on hash-map order.
        let mut h = vec![held(1, "T", OrgKind::Province, None, 0)];
        for w in 0..4 {
            let ward = 10 + w;
            h.push(held(ward, &format!("X{w}"), OrgKind::Committee, Some(1), 0));
            for c in 0..5 {
                h.push(held(
                    100 + ward * 10 + c,
                    &format!("C{w}{c}"),
                    OrgKind::Cell,
                    Some(ward),
                    0,
                ));
            }
        }
        let first = plan(1, &h, vec![], &HashSet::new());
        assert_eq!(first.dissolvable.len(), 24);
        for _ in 0..20 {
            assert_eq!(plan(1, &h, vec![], &HashSet::new()), first);
        }
    }

    #[test]
    fn missing_with_members_is_kept() {
        let h = province();
        let plan = plan(1, &h, vec![], &HashSet::new());
        assert_eq!(plan.missing.len(), 2);
        assert!(
            plan.dissolvable.is_empty(),
            "C1 has members, so X1 keeps it"
        );
    }
}
