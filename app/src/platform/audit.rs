//! The audit log: every sign-in, account and role change and administrative write — who, what,
//! when, on whose behalf, where. Written on the caller's connection, inside the transaction of
//! the change it records, so neither lands without the other.

use crate::domain::audit::AuditAction;
use crate::platform::clock::now_unix;
use crate::platform::error::AppError;
use sqlx::AnyConnection;

#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub action: AuditAction,
    pub actor_account_id: Option<i64>,
    /// The member an action was taken for (a secretary recording for a member without a phone).
    pub on_behalf_of: Option<i64>,
    pub target_type: Option<crate::domain::audit::AuditTarget>,
    pub target_id: Option<i64>,
    /// The organisation the change belongs to: the inspectors' page lists entries by it.
    pub org_id: Option<i64>,
    pub detail: Option<String>,
    /// The client address; when `None`, that of the request being served, if any.
    pub ip: Option<String>,
}

impl AuditEntry {
    /// An entry of `action` with every other field empty (`..AuditEntry::new(…)`).
    pub fn new(action: AuditAction) -> Self {
        AuditEntry {
            action,
            actor_account_id: None,
            on_behalf_of: None,
            target_type: None,
            target_id: None,
            org_id: None,
            detail: None,
            ip: None,
        }
    }
}

pub async fn record(conn: &mut AnyConnection, e: AuditEntry) -> Result<(), AppError> {
    // Entries written while serving a request carry its address even when the caller did not
    // pass one; background steps and plain axum handlers pass theirs explicitly.
    let ip = e.ip.or_else(crate::platform::session::client_addr);
    sqlx::query(
        "INSERT INTO audit_log (at, actor_account_id, on_behalf_of, action, target_type, target_id, org_id, detail, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_unix())
    .bind(e.actor_account_id)
    .bind(e.on_behalf_of)
    .bind(e.action.code())
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(e.org_id)
    .bind(e.detail)
    .bind(ip)
    .execute(conn)
    .await?;
    Ok(())
}
