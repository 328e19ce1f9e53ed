//! The audit log for inspectors (`/quan-tri/nhat-ky`, download `/quan-tri/nhat-ky.csv` in the
//! server crate): an admin reads who did what, when, for whom and from where inside their
//! subtree, newest first, filtered by person, action and dates. Writing entries is
//! `platform::audit`; the vocabulary is `domain::audit`.
//!
//! Which entries are in a subtree: those naming an organisation inside it (`audit_log.org_id`);
//! entries naming none (sign-outs, passkeys, contact changes asked for) by the organisation the
//! person they are about belongs to now — the member acted for, else the actor's own member.

pub mod pages;
#[cfg(feature = "ssr")]
mod repo;

use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Entries per page; the download takes at most `EXPORT_LIMIT`.
pub const PAGE: i64 = 100;
pub const EXPORT_LIMIT: i64 = 20_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// dd/mm/yyyy HH:MM, Vietnam time.
    pub at: String,
    /// The action's code (`domain::audit::AuditAction`); the page shows its label.
    pub action: String,
    /// The actor's name (none: a visitor, or a failed sign-in for an unknown number).
    pub actor: Option<String>,
    pub on_behalf: Option<String>,
    pub org: String,
    pub ip: Option<String>,
    pub detail: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditList {
    pub entries: Vec<AuditRow>,
    /// The cursor of the next, older page (`truoc`), if there is one.
    pub older: Option<String>,
}

/// The entries of the caller's subtree matching a filter given as the page's query values.
/// Only admins (`Action::ViewAudit`) may read them; the right is checked before the input.
#[cfg(feature = "ssr")]
pub async fn entries_for(
    db: &crate::platform::db::Db,
    user: &crate::platform::session::CurrentUser,
    query: [&str; 5],
    limit: i64,
) -> Result<(Vec<repo::Entry>, bool), AppError> {
    use crate::domain::permission::{scopes, Action};
    let scopes = scopes(&user.actor, Action::ViewAudit);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let [person, action, from, to, before] = query;
    let filter = crate::domain::audit::parse_filter(person, action, from, to, before)
        .map_err(AppError::Invalid)?;
    let mut rows = repo::entries(db, &scopes, &filter, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// One page of the audit log (the page's query: `nguoi`, `hanh_dong`, `tu_ngay`, `den_ngay`,
/// `truoc`).
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn audit_log(
    #[server(default)] person: String,
    #[server(default)] action: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] before: String,
) -> Result<AuditList, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let (entries, more) =
            entries_for(&db, &user, [&person, &action, &from, &to, &before], PAGE).await?;
        let older = if more {
            entries
                .last()
                .map(|e| crate::domain::audit::cursor(e.at, e.row.id))
        } else {
            None
        };
        Ok(AuditList {
            entries: entries.into_iter().map(|e| e.row).collect(),
            older,
        })
    })
    .await
}

/// The download: UTF-8 with a byte-order mark (Excel reads Vietnamese right), a header row,
/// then one row per entry; text that a spreadsheet would run as a formula is defused.
#[cfg(feature = "ssr")]
pub fn csv(rows: &[AuditRow], l: crate::i18n::Locale) -> Vec<u8> {
    use crate::i18n::*;
    use crate::statistics::report::csv_field;
    let mut out = String::from("\u{feff}");
    let headers = [
        td_string!(l, audit_col_time),
        td_string!(l, audit_col_actor),
        td_string!(l, audit_col_action),
        td_string!(l, audit_col_on_behalf),
        td_string!(l, audit_col_org),
        td_string!(l, audit_col_ip),
        td_string!(l, audit_col_detail),
    ];
    out.push_str(
        &headers
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for r in rows {
        let cells = [
            r.at.clone(),
            r.actor.clone().unwrap_or_default(),
            pages::action_label(l, &r.action),
            r.on_behalf.clone().unwrap_or_default(),
            r.org.clone(),
            r.ip.clone().unwrap_or_default(),
            r.detail.clone().unwrap_or_default(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_a_header_and_defused_cells() {
        let row = AuditRow {
            id: 1,
            at: "22/11/2026 00:30".into(),
            action: "meeting.vote".into(),
            actor: Some("Trần Thị Bình".into()),
            on_behalf: Some("Võ Văn Sáu".into()),
            org: "Chi bộ Khu phố 1".into(),
            ip: Some("127.0.0.1".into()),
            detail: Some("=HYPERLINK(\"x\")".into()),
        };
        let unknown = AuditRow {
            action: "old.code".into(),
            actor: None,
            on_behalf: None,
            ip: None,
            detail: None,
            ..row.clone()
        };
        let text = String::from_utf8(csv(&[row, unknown], crate::i18n::Locale::vi)).unwrap();
        let mut lines = text.split("\r\n");
        assert!(lines.next().unwrap().starts_with("\u{feff}Thời điểm,"));
        let first = lines.next().unwrap();
        assert!(
            first.contains("Ghi thay biểu quyết") && first.contains("Võ Văn Sáu"),
            "{first}"
        );
        assert!(first.ends_with("\"'=HYPERLINK(\"\"x\"\")\""), "{first}");
        assert!(
            lines.next().unwrap().contains(",old.code,"),
            "an unknown code shows as it is"
        );
    }
}
