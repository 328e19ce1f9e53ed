//! SQL of usage statistics. One pass over the members of a subtree, grouped by their own
//! organisation (the `members_org` index and the organisations' path range), rolled up in Rust.

use crate::domain::meeting::{MeetingRating, MeetingStatus};
use crate::domain::org::OrgKind;
use crate::domain::org::OrgPath;
use crate::domain::statistics::Counts;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use sqlx::{Any, FromRow};
use std::collections::HashMap;

#[derive(Clone, Debug, FromRow)]
pub struct OrgInfo {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: OrgKind,
    pub path: String,
}

/// One row of counts; the sums are NULL-able in SQL (no rows), zero here.
#[derive(FromRow)]
struct CountsRow {
    members: i64,
    exempt: Option<i64>,
    accounts: Option<i64>,
    signed_in: Option<i64>,
    active_30d: Option<i64>,
}

impl From<CountsRow> for Counts {
    fn from(r: CountsRow) -> Counts {
        Counts {
            members: r.members,
            exempt: r.exempt.unwrap_or(0),
            accounts: r.accounts.unwrap_or(0),
            signed_in: r.signed_in.unwrap_or(0),
            active_30d: r.active_30d.unwrap_or(0),
        }
    }
}

/// Counts of one organisation.
#[derive(FromRow)]
struct OrgCounts {
    org_id: i64,
    #[sqlx(flatten)]
    counts: CountsRow,
}

/// Counts of one month's snapshot.
#[derive(FromRow)]
struct MonthCounts {
    month: String,
    #[sqlx(flatten)]
    counts: CountsRow,
}

pub const ACTIVE_WINDOW_SECS: i64 = 30 * 86_400;

/// Every organisation of the subtree (the root included), by path.
pub async fn orgs(db: &Db, root: &OrgPath) -> Result<Vec<OrgInfo>, AppError> {
    Ok(sqlx::query_as::<Any, OrgInfo>("SELECT id, parent_id, name, kind, path FROM organizations WHERE path >= $1 AND path < $2 AND dissolved_at IS NULL ORDER BY path")
        .bind(root.as_str().to_string())
        .bind(root.subtree_upper())
        .fetch_all(db.pool())
        .await?)
}

/// Each organisation's own members, counted.
pub async fn own_counts(
    db: &Db,
    root: &OrgPath,
    now: i64,
) -> Result<HashMap<i64, Counts>, AppError> {
    let rows = sqlx::query_as::<Any, OrgCounts>(
        "SELECT m.org_id,
                COUNT(*) AS members,
                SUM(CASE WHEN m.exempt_since IS NOT NULL THEN 1 ELSE 0 END) AS exempt,
                SUM(CASE WHEN a.status = 'active' THEN 1 ELSE 0 END) AS accounts,
                SUM(CASE WHEN m.exempt_since IS NULL AND a.last_sign_in_at IS NOT NULL THEN 1 ELSE 0 END) AS signed_in,
                SUM(CASE WHEN a.last_active_at >= $3 THEN 1 ELSE 0 END) AS active_30d
         FROM members m
         JOIN organizations o ON o.id = m.org_id
         LEFT JOIN accounts a ON a.member_id = m.id
         WHERE o.path >= $1 AND o.path < $2
         GROUP BY m.org_id",
    )
    .bind(root.as_str().to_string())
    .bind(root.subtree_upper())
    .bind(now - ACTIVE_WINDOW_SECS)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.org_id, r.counts.into()))
        .collect())
}

/// Each cell's secretary (or deputy, where there is no secretary) with a phone.
pub async fn cell_contacts(
    db: &Db,
    root: &OrgPath,
) -> Result<HashMap<i64, (String, String)>, AppError> {
    let rows = sqlx::query_as::<Any, (i64, String, String)>(
        "SELECT m.org_id, m.full_name, m.phone FROM members m JOIN organizations o ON o.id = m.org_id
         WHERE m.position IN ('bi_thu', 'pho_bi_thu') AND m.phone IS NOT NULL AND o.path >= $1 AND o.path < $2
         ORDER BY m.position, m.id",
    )
    .bind(root.as_str().to_string())
    .bind(root.subtree_upper())
    .fetch_all(db.pool())
    .await?;
    let mut out: HashMap<i64, (String, String)> = HashMap::new();
    for (org_id, name, phone) in rows {
        // 'bi_thu' sorts before 'pho_bi_thu': the first one kept is the secretary when there is one.
        out.entry(org_id).or_insert((name, phone));
    }
    Ok(out)
}

/// Usage over time of one organisation: its monthly snapshots, oldest first.
pub async fn history(db: &Db, org_id: i64, months: i64) -> Result<Vec<(String, Counts)>, AppError> {
    let rows = sqlx::query_as::<Any, MonthCounts>("SELECT month, members, exempt, accounts, signed_in, active_30d FROM usage_monthly WHERE org_id = $1 ORDER BY month DESC LIMIT $2")
        .bind(org_id)
        .bind(months)
        .fetch_all(db.pool())
        .await?;
    let mut out: Vec<(String, Counts)> = rows
        .into_iter()
        .map(|r| (r.month, r.counts.into()))
        .collect();
    out.reverse();
    Ok(out)
}

/// Writes (or refreshes) this month's snapshot of every organisation, subtree totals.
pub async fn snapshot(db: &Db, month: &str, now: i64) -> Result<usize, AppError> {
    let roots = sqlx::query_scalar::<Any, OrgPath>(
        "SELECT path FROM organizations WHERE parent_id IS NULL",
    )
    .fetch_all(db.pool())
    .await?;
    let mut written = 0;
    for root in roots {
        let orgs = orgs(db, &root).await?;
        let own = own_counts(db, &root, now).await?;
        let totals = super::subtree_totals(&orgs, &own);
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        for (org_id, c) in totals {
            sqlx::query(
                "INSERT INTO usage_monthly (org_id, month, members, exempt, accounts, signed_in, active_30d, taken_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (org_id, month) DO UPDATE SET members = excluded.members, exempt = excluded.exempt, accounts = excluded.accounts,
                     signed_in = excluded.signed_in, active_30d = excluded.active_30d, taken_at = excluded.taken_at",
            )
            .bind(org_id)
            .bind(month.to_string())
            .bind(c.members)
            .bind(c.exempt)
            .bind(c.accounts)
            .bind(c.signed_in)
            .bind(c.active_30d)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            written += 1;
        }
        tx.commit().await?;
    }
    Ok(written)
}

/// Periodic meetings of the cells in the subtree for one month.
#[derive(FromRow)]
pub struct MeetingRow {
    pub status: MeetingStatus,
    #[sqlx(rename = "meeting_date")]
    pub date: String,
    pub held_at: Option<i64>,
    pub rating: Option<MeetingRating>,
    pub present: i64,
    pub expected: i64,
    pub path: String,
}

pub async fn periodic_meetings(
    db: &Db,
    root: &OrgPath,
    period: &str,
) -> Result<Vec<MeetingRow>, AppError> {
    Ok(sqlx::query_as::<Any, MeetingRow>(
        "SELECT mt.status, mt.meeting_date, mt.held_at, mt.rating, o.path,
                COALESCE(SUM(CASE WHEN a.state = 'co_mat' THEN 1 ELSE 0 END), 0) AS present,
                COALESCE(SUM(CASE WHEN a.state IS NOT NULL AND a.state <> 'mien' THEN 1 ELSE 0 END), 0) AS expected
         FROM meetings mt JOIN organizations o ON o.id = mt.org_id
         LEFT JOIN meeting_attendance a ON a.meeting_id = mt.id
         WHERE mt.kind = 'thuong_ky' AND mt.period = $1 AND o.path >= $2 AND o.path < $3
         GROUP BY mt.id, mt.status, mt.meeting_date, mt.held_at, mt.rating, o.path",
    )
    .bind(period.to_string())
    .bind(root.as_str().to_string())
    .bind(root.subtree_upper())
    .fetch_all(db.pool())
    .await?)
}

pub async fn org_by_id(db: &Db, id: i64) -> Result<OrgInfo, AppError> {
    Ok(sqlx::query_as::<Any, OrgInfo>(
        "SELECT id, parent_id, name, kind, path FROM organizations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?)
}

pub async fn org_by_path(db: &Db, path: &OrgPath) -> Result<OrgInfo, AppError> {
    let id = sqlx::query_scalar::<Any, i64>("SELECT id FROM organizations WHERE path = $1")
        .bind(path.as_str().to_string())
        .fetch_one(db.pool())
        .await?;
    org_by_id(db, id).await
}

/// This month's snapshot of every organisation in the subtree (subtree totals), if the root's
/// was taken at or after `fresh_since`; with the time it was taken.
pub async fn snapshot_totals(
    db: &Db,
    root: &OrgPath,
    root_id: i64,
    month: &str,
    fresh_since: i64,
) -> Result<Option<(HashMap<i64, Counts>, i64)>, AppError> {
    let taken = sqlx::query_scalar::<Any, i64>(
        "SELECT taken_at FROM usage_monthly WHERE org_id = $1 AND month = $2",
    )
    .bind(root_id)
    .bind(month.to_string())
    .fetch_optional(db.pool())
    .await?;
    let Some(taken) = taken.filter(|t| *t >= fresh_since) else {
        return Ok(None);
    };
    let rows = sqlx::query_as::<Any, OrgCounts>(
        "SELECT u.org_id, u.members, u.exempt, u.accounts, u.signed_in, u.active_30d FROM usage_monthly u
         JOIN organizations o ON o.id = u.org_id WHERE u.month = $1 AND o.path >= $2 AND o.path < $3",
    )
    .bind(month.to_string())
    .bind(root.as_str().to_string())
    .bind(root.subtree_upper())
    .fetch_all(db.pool())
    .await?;
    let out = rows
        .into_iter()
        .map(|r| (r.org_id, r.counts.into()))
        .collect();
    Ok(Some((out, taken)))
}
