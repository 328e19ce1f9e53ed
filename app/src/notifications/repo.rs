//! SQL of notifications. Audience: `org_id` (every member of that subtree) or `member_id`.
//! A member's notifications are those addressed to one of their organisation's ancestors (ids
//! from their path) or to them, newer than their watermark (or 30 days, for a new member).

use super::NotificationView;
use crate::domain::notification::{NotificationKind, NotificationRef};
use crate::domain::permission::Actor;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection, FromRow};

/// New members see the last 30 days, not years of history.
const HISTORY_SECS: i64 = 30 * 86_400;

/// Addresses a notification to every member of the organisation's subtree.
pub async fn notify_org(
    conn: &mut AnyConnection,
    kind: NotificationKind,
    org_id: i64,
    ref_type: NotificationRef,
    ref_id: i64,
    subject: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO notifications (kind, org_id, ref_type, ref_id, subject, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(kind)
        .bind(org_id)
        .bind(ref_type)
        .bind(ref_id)
        .bind(subject.to_string())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Addresses a notification to each of the given members (reminders, tasks: a few rows).
#[allow(clippy::too_many_arguments)]
pub async fn notify_members(
    conn: &mut AnyConnection,
    kind: NotificationKind,
    members: &[i64],
    ref_type: NotificationRef,
    ref_id: i64,
    subject: &str,
    now: i64,
) -> Result<(), AppError> {
    for chunk in members.chunks(100) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, $2, $3, $4, $5)", i + 6))
            .collect();
        let sql = format!("INSERT INTO notifications (kind, member_id, ref_type, ref_id, subject, created_at) VALUES {}", values.join(", "));
        let mut q = sqlx::query::<Any>(&sql)
            .bind(kind)
            .bind(ref_type)
            .bind(ref_id)
            .bind(subject.to_string())
            .bind(now);
        for m in chunk {
            q = q.bind(*m);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// `(n.org_id IN ($k, …) OR n.member_id = $1)` for the actor's ancestors, binds from `$first`.
fn audience(actor: &Actor, first: usize) -> (String, Vec<i64>) {
    let ids = actor.org.ids();
    let ph: Vec<String> = (0..ids.len()).map(|i| format!("${}", first + i)).collect();
    (
        format!("(n.org_id IN ({}) OR n.member_id = $1)", ph.join(", ")),
        ids,
    )
}

const FLOOR: &str =
    "COALESCE((SELECT w.all_read_at FROM notification_watermarks w WHERE w.member_id = $1), $2)";

pub async fn unread_count(db: &Db, actor: &Actor, now: i64) -> Result<i64, AppError> {
    let (clause, ids) = audience(actor, 3);
    let sql = format!(
        "SELECT COUNT(*) FROM notifications n
         WHERE {clause} AND n.created_at > {FLOOR}
           AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.member_id = $1 AND r.notification_id = n.id)"
    );
    let mut q = sqlx::query_scalar::<Any, i64>(&sql)
        .bind(actor.member_id)
        .bind(now - HISTORY_SECS);
    for id in ids {
        q = q.bind(id);
    }
    Ok(q.fetch_one(db.pool()).await?)
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<NotificationView>, AppError> {
    let (clause, ids) = audience(actor, 5);
    // Everything of the last 30 days (and older unread ones are not kept: the window is the list).
    let sql = format!(
        "SELECT n.id, n.kind, n.ref_type, n.ref_id, n.subject, n.created_at,
                CASE WHEN n.created_at <= {FLOOR} OR EXISTS (SELECT 1 FROM notification_reads r WHERE r.member_id = $1 AND r.notification_id = n.id)
                     THEN 1 ELSE 0 END AS is_read
         FROM notifications n
         WHERE {clause} AND n.created_at > $2
         ORDER BY n.created_at DESC, n.id DESC LIMIT $3 OFFSET $4"
    );
    let mut q = sqlx::query_as::<Any, NotificationRow>(&sql)
        .bind(actor.member_id)
        .bind(now - HISTORY_SECS)
        .bind(limit)
        .bind(offset);
    for id in ids {
        q = q.bind(id);
    }
    Ok(q.fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| {
            let local = r.created_at + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS;
            let secs = local.rem_euclid(86_400);
            NotificationView {
                id: r.id,
                kind: r.kind,
                subject: r.subject,
                href: r.ref_type.href(r.ref_id),
                created_at: r.created_at,
                when: format!(
                    "{} {:02}:{:02}",
                    crate::platform::clock::date_from_unix(local),
                    secs / 3600,
                    (secs % 3600) / 60
                ),
                read: r.is_read == 1,
            }
        })
        .collect())
}

#[derive(FromRow)]
struct NotificationRow {
    id: i64,
    kind: NotificationKind,
    ref_type: NotificationRef,
    ref_id: i64,
    subject: String,
    created_at: i64,
    is_read: i64,
}

/// Marks one notification read, if it is addressed to the actor (others look missing).
pub async fn mark_read(db: &Db, actor: &Actor, id: i64, now: i64) -> Result<(), AppError> {
    let (clause, ids) = audience(actor, 3);
    let sql = format!("SELECT COUNT(*) FROM notifications n WHERE n.id = $2 AND {clause}");
    let mut q = sqlx::query_scalar::<Any, i64>(&sql)
        .bind(actor.member_id)
        .bind(id);
    for i in ids {
        q = q.bind(i);
    }
    let n: i64 = q.fetch_one(db.pool()).await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query("INSERT INTO notification_reads (member_id, notification_id, read_at) VALUES ($1, $2, $3) ON CONFLICT (member_id, notification_id) DO NOTHING")
        .bind(actor.member_id)
        .bind(id)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn mark_all_read(db: &Db, member_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO notification_watermarks (member_id, all_read_at) VALUES ($1, $2)
         ON CONFLICT (member_id) DO UPDATE SET all_read_at = excluded.all_read_at",
    )
    .bind(member_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The member's push settings (defaults when never saved).
pub async fn settings(
    db: &Db,
    member_id: i64,
) -> Result<(String, crate::domain::notification::QuietHours), AppError> {
    let row = sqlx::query_as::<Any, (String, i64, i64, i64)>("SELECT push_off, quiet_enabled, quiet_start, quiet_end FROM notification_settings WHERE member_id = $1")
        .bind(member_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        None => (String::new(), Default::default()),
        Some((push_off, enabled, start, end)) => (
            push_off,
            crate::domain::notification::QuietHours {
                enabled: enabled == 1,
                start: start as u32,
                end: end as u32,
            },
        ),
    })
}

pub async fn save_settings(
    db: &Db,
    member_id: i64,
    push_off: &str,
    quiet: crate::domain::notification::QuietHours,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO notification_settings (member_id, push_off, quiet_enabled, quiet_start, quiet_end, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (member_id) DO UPDATE SET push_off = excluded.push_off, quiet_enabled = excluded.quiet_enabled,
             quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, updated_at = excluded.updated_at",
    )
    .bind(member_id)
    .bind(push_off.to_string())
    .bind(quiet.enabled as i64)
    .bind(quiet.start as i64)
    .bind(quiet.end as i64)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}
