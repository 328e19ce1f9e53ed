//! SQL of the SMS feature.

use crate::domain::org::OrgPath;
use crate::domain::sms::{SmsKind, SmsStatus};
use crate::platform::db::Db;
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection, FromRow};

/// Members among `candidates` (or all of `org_id`'s members when `None`) whom the register marks
/// as having no smartphone and who have a phone number: (member id, phone).
pub async fn sms_recipients(
    conn: &mut AnyConnection,
    org_id: i64,
    candidates: Option<&[i64]>,
    committee_only: bool,
) -> Result<Vec<(i64, String)>, AppError> {
    let rows = sqlx::query_as::<Any, (i64, String)>(&format!(
        "SELECT id, phone FROM members WHERE org_id = $1 AND no_smartphone = 1 AND phone IS NOT NULL AND exempt_since IS NULL{}",
        if committee_only { " AND position IS NOT NULL" } else { "" }
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(id, _)| candidates.is_none_or(|c| c.contains(id)))
        .collect())
}

/// Queues one message; nothing when that member already has this one (idempotent).
#[allow(clippy::too_many_arguments)]
pub async fn enqueue(
    conn: &mut AnyConnection,
    member_id: i64,
    org_id: i64,
    kind: SmsKind,
    ref_id: i64,
    phone: &str,
    body: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO sms_messages (member_id, org_id, kind, ref_id, phone, body, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7) ON CONFLICT (kind, ref_id, member_id) DO NOTHING",
    )
    .bind(member_id)
    .bind(org_id)
    .bind(kind)
    .bind(ref_id)
    .bind(phone.to_string())
    .bind(body.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(FromRow)]
pub struct Queued {
    pub id: i64,
    pub org_id: i64,
    pub phone: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn queued(db: &Db, limit: i64) -> Result<Vec<Queued>, AppError> {
    Ok(sqlx::query_as::<Any, Queued>("SELECT id, org_id, phone, body, created_at FROM sms_messages WHERE status = 'queued' ORDER BY id LIMIT $1")
        .bind(limit)
        .fetch_all(db.pool())
        .await?)
}

/// Moves a message from one status to another only if it is still in the first: a queued
/// message is claimed by exactly one sender, however many servers run.
pub async fn transition(
    db: &Db,
    id: i64,
    from: SmsStatus,
    to: SmsStatus,
    error: Option<&str>,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE sms_messages SET status = $1, error = $2, sent_at = CASE WHEN $1 = 'sent' THEN $3 ELSE sent_at END WHERE id = $4 AND status = $5")
        .bind(to.code())
        .bind(error.map(str::to_string))
        .bind(now)
        .bind(id)
        .bind(from.code())
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts one message against the organisation's cap for the month; false (and counted as
/// refused) when the cap is reached. One conditional UPDATE: servers racing never pass the cap.
pub async fn take_from_cap(db: &Db, org_id: i64, month: &str, cap: i64) -> Result<bool, AppError> {
    sqlx::query("INSERT INTO sms_usage (org_id, month, sent, refused) VALUES ($1, $2, 0, 0) ON CONFLICT (org_id, month) DO NOTHING")
        .bind(org_id)
        .bind(month.to_string())
        .execute(db.pool())
        .await?;
    let taken = sqlx::query(
        "UPDATE sms_usage SET sent = sent + 1 WHERE org_id = $1 AND month = $2 AND sent < $3",
    )
    .bind(org_id)
    .bind(month.to_string())
    .bind(cap)
    .execute(db.pool())
    .await?;
    if taken.rows_affected() == 1 {
        return Ok(true);
    }
    sqlx::query("UPDATE sms_usage SET refused = refused + 1 WHERE org_id = $1 AND month = $2")
        .bind(org_id)
        .bind(month.to_string())
        .execute(db.pool())
        .await?;
    Ok(false)
}

/// Gives back a message's place under the cap (the provider refused it: nothing was sent).
pub async fn return_to_cap(db: &Db, org_id: i64, month: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sms_usage SET sent = sent - 1 WHERE org_id = $1 AND month = $2 AND sent > 0",
    )
    .bind(org_id)
    .bind(month.to_string())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records an inbound message; false when its provider id was seen before (a replay).
#[allow(clippy::too_many_arguments)]
pub async fn insert_inbound(
    conn: &mut AnyConnection,
    provider_id: &str,
    phone: &str,
    body: &str,
    member_id: Option<i64>,
    org_id: Option<i64>,
    meeting_id: Option<i64>,
    recorded: bool,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO sms_inbound (provider_id, phone, body, member_id, org_id, meeting_id, outcome, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (provider_id) DO NOTHING",
    )
    .bind(provider_id.to_string())
    .bind(phone.to_string())
    .bind(body.to_string())
    .bind(member_id)
    .bind(org_id)
    .bind(meeting_id)
    .bind(if recorded { "recorded" } else { "unmatched" })
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn inbound_seen(conn: &mut AnyConnection, provider_id: &str) -> Result<bool, AppError> {
    Ok(
        sqlx::query("SELECT 1 FROM sms_inbound WHERE provider_id = $1")
            .bind(provider_id.to_string())
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// The member with this phone: (id, organisation).
pub async fn member_by_phone(
    conn: &mut AnyConnection,
    phone: &str,
) -> Result<Option<(i64, i64)>, AppError> {
    Ok(
        sqlx::query_as::<Any, (i64, i64)>("SELECT id, org_id FROM members WHERE phone = $1")
            .bind(phone.to_string())
            .fetch_optional(conn)
            .await?,
    )
}

/// The meeting of the last notice or reminder sent to the member, if it still takes answers.
pub async fn answerable_meeting(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT s.ref_id FROM sms_messages s JOIN meetings m ON m.id = s.ref_id
         WHERE s.member_id = $1 AND s.kind IN ('hop_cong_bo', 'nhac_hop') AND s.status = 'sent' AND m.status = 'da_cong_bo'
         ORDER BY s.sent_at DESC, s.id DESC LIMIT 1",
    )
    .bind(member_id)
    .fetch_optional(conn)
    .await?)
}

#[derive(Clone, Debug, FromRow)]
pub struct ReplyRow {
    pub id: i64,
    #[sqlx(rename = "full_name")]
    pub member: Option<String>,
    pub phone: String,
    pub body: String,
    pub received_at: i64,
}

/// Unmatched replies of members of the given scopes, not yet handled, newest first.
pub async fn unmatched(db: &Db, scopes: &[OrgPath], limit: i64) -> Result<Vec<ReplyRow>, AppError> {
    let (clause, binds) = crate::platform::db::scope_clause("o.path", scopes, 2);
    let sql = format!(
        "SELECT i.id, m.full_name, i.phone, i.body, i.received_at FROM sms_inbound i
         JOIN organizations o ON o.id = i.org_id LEFT JOIN members m ON m.id = i.member_id
         WHERE i.outcome = 'unmatched' AND i.handled_at IS NULL AND {clause}
         ORDER BY i.received_at DESC LIMIT $1"
    );
    let mut q = sqlx::query_as::<Any, ReplyRow>(&sql).bind(limit);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.pool()).await?)
}

/// The organisation of an inbound reply (for the right to mark it handled).
pub async fn inbound_org(db: &Db, id: i64) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar::<Any, Option<i64>>("SELECT org_id FROM sms_inbound WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .flatten(),
    )
}

pub async fn mark_handled(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE sms_inbound SET handled_at = $1 WHERE id = $2 AND handled_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_no_smartphone(
    conn: &mut AnyConnection,
    member_id: i64,
    value: bool,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE members SET no_smartphone = $1, updated_at = $2 WHERE id = $3")
        .bind(value as i64)
        .bind(now)
        .bind(member_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct PhoneRow {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub no_smartphone: bool,
}

/// The cell's members who take part in meetings, by name, with their mark.
pub async fn cell_phones(db: &Db, org_id: i64) -> Result<Vec<PhoneRow>, AppError> {
    Ok(sqlx::query_as::<Any, (i64, String, Option<String>, Option<String>, i64)>("SELECT id, full_name, phone, address, no_smartphone FROM members WHERE org_id = $1 AND exempt_since IS NULL ORDER BY name_folded")
        .bind(org_id)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|(id, name, phone, address, no_smartphone)| PhoneRow {
            id,
            name,
            phone,
            address,
            no_smartphone: no_smartphone == 1,
        })
        .collect())
}

/// The month's messages under `scope`: the totals (sent, refused over cap, organisations that
/// reached `cap`) and the `limit` organisations that sent most.
pub async fn usage(
    db: &Db,
    scope: &OrgPath,
    month: &str,
    cap: i64,
    limit: i64,
) -> Result<((i64, i64, i64), Vec<(i64, String, i64, i64)>), AppError> {
    let from = "FROM sms_usage u JOIN organizations o ON o.id = u.org_id WHERE u.month = $1 AND o.path >= $2 AND o.path < $3";
    let (lo, hi) = (scope.as_str().to_string(), scope.subtree_upper());
    // SUM of a BIGINT is NUMERIC on PostgreSQL: the casts keep both dialects' rows i64.
    let totals = sqlx::query_as::<Any, (i64, i64, i64)>(&format!(
        "SELECT CAST(COALESCE(SUM(u.sent), 0) AS BIGINT) AS sent, CAST(COALESCE(SUM(u.refused), 0) AS BIGINT) AS refused,
                CAST(COALESCE(SUM(CASE WHEN u.sent >= $4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS at_cap {from}"
    ))
    .bind(month.to_string())
    .bind(lo.clone())
    .bind(hi.clone())
    .bind(cap)
    .fetch_one(db.pool())
    .await?;
    let rows = sqlx::query_as::<Any, (i64, String, i64, i64)>(&format!("SELECT o.id, o.name, u.sent, u.refused {from} ORDER BY u.sent DESC, u.refused DESC, o.name LIMIT $4"))
        .bind(month.to_string())
        .bind(lo)
        .bind(hi)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    Ok((totals, rows))
}

/// An organisation's path, if it exists.
pub async fn org_path(db: &Db, org_id: i64) -> Result<Option<OrgPath>, AppError> {
    Ok(
        sqlx::query_scalar::<Any, OrgPath>("SELECT path FROM organizations WHERE id = $1")
            .bind(org_id)
            .fetch_optional(db.pool())
            .await?,
    )
}
