//! The audit log: every sign-in, account and role change and administrative write — who, what,
//! when, on whose behalf, where.

use crate::platform::clock::now_unix;
use crate::platform::error::AppError;
use sqlx::AnyConnection;

#[derive(Clone, Debug, Default)]
pub struct AuditEntry<'a> {
    pub actor_account_id: Option<i64>,
    /// The member an action was taken for (a secretary recording for a member without a phone).
    pub on_behalf_of: Option<i64>,
    pub action: &'a str,
    pub target_type: Option<&'a str>,
    pub target_id: Option<i64>,
    pub org_id: Option<i64>,
    pub detail: Option<String>,
    pub ip: Option<String>,
}

pub async fn record(conn: &mut AnyConnection, e: AuditEntry<'_>) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_account_id, on_behalf_of, action, target_type, target_id, org_id, detail, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_unix())
    .bind(e.actor_account_id)
    .bind(e.on_behalf_of)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(e.org_id)
    .bind(e.detail)
    .bind(e.ip)
    .execute(conn)
    .await?;
    Ok(())
}
