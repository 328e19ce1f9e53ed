//! SQL of the audit page: one statement per page, scoped by organisation path ranges.

use super::AuditRow;
use crate::domain::audit::{AuditFilter, Person};
use crate::domain::org::OrgPath;
use crate::platform::db::{scope_clause, Db};
use crate::platform::error::AppError;
use sqlx::{Any, FromRow};

/// An entry with its unix time (the next page's cursor).
pub struct Entry {
    pub at: i64,
    pub row: AuditRow,
}

enum Bind {
    Int(i64),
    Text(String),
}

/// Entries of the subtrees `scopes` matching `f`, newest first, at most `limit`.
///
/// Two branches, each ordered and limited on its own so that each can walk an index
/// (`audit_log_org`: organisation, then time): entries naming an organisation inside the
/// scopes, and entries naming none, placed by the member they are about (the member acted for,
/// else the actor's member) and that member's organisation now.
pub async fn entries(
    db: &Db,
    scopes: &[OrgPath],
    f: &AuditFilter,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    let mut binds = vec![Bind::Int(limit)];
    let mut conds: Vec<String> = Vec::new();
    // Adds a value to bind and returns its placeholder's number.
    fn next(b: Bind, binds: &mut Vec<Bind>) -> usize {
        binds.push(b);
        binds.len()
    }
    if let Some(a) = f.action {
        let n = next(Bind::Text(a.code().to_string()), &mut binds);
        conds.push(format!("a.action = ${n}"));
    }
    if let Some(from) = f.from {
        let n = next(Bind::Int(from), &mut binds);
        conds.push(format!("a.at >= ${n}"));
    }
    if let Some(until) = f.until {
        let n = next(Bind::Int(until), &mut binds);
        conds.push(format!("a.at < ${n}"));
    }
    if let Some((at, id)) = f.before {
        let n = next(Bind::Int(at), &mut binds);
        let m = next(Bind::Int(id), &mut binds);
        conds.push(format!("(a.at < ${n} OR (a.at = ${n} AND a.id < ${m}))"));
    }
    match &f.person {
        Some(Person::Phone(p)) => {
            let n = next(Bind::Text(p.clone()), &mut binds);
            conds.push(format!("(am.phone = ${n} OR bm.phone = ${n})"));
        }
        Some(Person::Name(name)) => {
            // Names are stored folded (no marks, lower case); only letters, digits and spaces
            // are kept of what was typed, so nothing in it is a LIKE wildcard.
            let words: String = crate::domain::text::fold(name)
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ')
                .collect();
            let n = next(Bind::Text(format!("%{}%", words.trim())), &mut binds);
            conds.push(format!(
                "(am.name_folded LIKE ${n} OR bm.name_folded LIKE ${n})"
            ));
        }
        None => {}
    }
    let (scope, scope_binds) = scope_clause("o.path", scopes, binds.len() + 1);
    binds.extend(scope_binds.into_iter().map(Bind::Text));
    let filters: String = conds.iter().map(|c| format!(" AND {c}")).collect();
    const PEOPLE: &str = "LEFT JOIN accounts ac ON ac.id = a.actor_account_id
         LEFT JOIN members am ON am.id = ac.member_id
         LEFT JOIN members bm ON bm.id = a.on_behalf_of";
    let sql = format!(
        "SELECT a.id, a.at, a.action, a.detail, a.ip, o.name AS org_name, am.full_name AS actor, bm.full_name AS on_behalf
         FROM (
             SELECT * FROM (
                 SELECT a.id, a.at, o.id AS oid FROM audit_log a JOIN organizations o ON o.id = a.org_id {PEOPLE}
                 WHERE {scope}{filters} ORDER BY a.at DESC, a.id DESC LIMIT $1
             ) named
             UNION ALL
             SELECT * FROM (
                 SELECT a.id, a.at, o.id AS oid FROM audit_log a {PEOPLE}
                 JOIN organizations o ON o.id = COALESCE(bm.org_id, am.org_id)
                 WHERE a.org_id IS NULL AND {scope}{filters} ORDER BY a.at DESC, a.id DESC LIMIT $1
             ) by_person
         ) s
         JOIN audit_log a ON a.id = s.id JOIN organizations o ON o.id = s.oid {PEOPLE}
         ORDER BY a.at DESC, a.id DESC LIMIT $1"
    );
    let mut q = sqlx::query_as::<Any, EntryRow>(&sql);
    for b in binds {
        q = match b {
            Bind::Int(v) => q.bind(v),
            Bind::Text(v) => q.bind(v),
        };
    }
    Ok(q.fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| Entry {
            at: r.at,
            row: AuditRow {
                id: r.id,
                at: crate::platform::clock::local_date_time_text(r.at),
                action: r.action,
                actor: r.actor,
                on_behalf: r.on_behalf,
                org: r.org_name,
                ip: r.ip,
                detail: r.detail,
            },
        })
        .collect())
}

/// The action stays text: the page shows the label of its code.
#[derive(FromRow)]
struct EntryRow {
    id: i64,
    at: i64,
    action: String,
    detail: Option<String>,
    ip: Option<String>,
    org_name: String,
    actor: Option<String>,
    on_behalf: Option<String>,
}
