//! SQL of the register import and the reconciliation report.

use crate::domain::import::{BlockedReason, Held, ImportKind, ImportStage};
use crate::domain::org::{OrgKind, OrgPath};
use crate::platform::db::Db;
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection};

/// Values per `IN (…)` list: far below both databases' parameter limits.
const IN_CHUNK: usize = 500;

#[derive(sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub account_id: i64,
    pub root_org_id: i64,
    pub org_name: String,
    pub file_name: String,
    pub file_size: i64,
    pub stage: ImportStage,
    pub encoding: Option<String>,
    pub error_key: Option<String>,
    pub error_line: Option<i64>,
    pub headers: Option<String>,
    pub preview: Option<String>,
    pub row_count: Option<i64>,
    pub mapping: Option<String>,
    pub summary: Option<String>,
    pub plan_hash: Option<String>,
    pub result: Option<String>,
    pub kind: ImportKind,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The job and its file, in the caller's transaction.
pub async fn insert_job(
    conn: &mut AnyConnection,
    kind: ImportKind,
    account_id: i64,
    root_org_id: i64,
    file_name: &str,
    bytes: &[u8],
    now: i64,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO import_jobs (account_id, root_org_id, file_name, file_size, stage, created_at, updated_at, kind)
         VALUES ($1, $2, $3, $4, 'reading', $5, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(root_org_id)
    .bind(file_name.to_string())
    .bind(bytes.len() as i64)
    .bind(now)
    .bind(kind.code())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO import_files (job_id, content) VALUES ($1, $2)")
        .bind(id)
        .bind(bytes.to_vec())
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

pub async fn job(db: &Db, id: i64) -> Result<JobRow, AppError> {
    let r = sqlx::query_as::<Any, JobRow>(
        "SELECT j.id, j.account_id, j.root_org_id, o.name AS org_name, j.file_name, j.file_size, j.stage, j.encoding,
                j.error_key, j.error_line, j.headers, j.preview, j.row_count, j.mapping, j.summary, j.plan_hash,
                j.result, j.kind, j.created_at, j.updated_at
         FROM import_jobs j JOIN organizations o ON o.id = j.root_org_id WHERE j.id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    Ok(r)
}

#[derive(sqlx::FromRow)]
struct JobListRow {
    id: i64,
    file_name: String,
    org_name: String,
    stage: ImportStage,
    kind: ImportKind,
    created_at: i64,
}

pub async fn recent_jobs(db: &Db, account_id: i64) -> Result<Vec<super::JobListItem>, AppError> {
    let rows = sqlx::query_as::<Any, JobListRow>(
        "SELECT j.id, j.file_name, o.name AS org_name, j.stage, j.kind, j.created_at
         FROM import_jobs j JOIN organizations o ON o.id = j.root_org_id
         WHERE j.account_id = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT 20",
    )
    .bind(account_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| super::JobListItem {
            id: r.id,
            file_name: r.file_name,
            org_name: r.org_name,
            stage: r.stage,
            kind: r.kind,
            created: crate::platform::clock::local_time_text(r.created_at),
        })
        .collect())
}

pub async fn file(db: &Db, id: i64) -> Result<Vec<u8>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT content FROM import_files WHERE job_id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?,
    )
}

/// Moves the job from one stage to the next only if it is still in the first (two requests
/// racing to start the same step: one wins).
pub async fn advance(
    conn: &mut AnyConnection,
    id: i64,
    from: &[ImportStage],
    to: ImportStage,
    now: i64,
) -> Result<bool, AppError> {
    let list = from
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    let done = sqlx::query(&format!("UPDATE import_jobs SET stage = $1, error_key = NULL, error_line = NULL, updated_at = $2 WHERE id = $3 AND stage IN ({list})"))
        .bind(to)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_failed(
    db: &Db,
    id: i64,
    key: &str,
    line: Option<u32>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE import_jobs SET stage = 'failed', error_key = $1, error_line = $2, updated_at = $3 WHERE id = $4")
        .bind(key.to_string())
        .bind(line.map(i64::from))
        .bind(now)
        .bind(id)
        .execute(db.pool())
        .await?;
    sqlx::query("DELETE FROM import_files WHERE job_id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn set_read(
    db: &Db,
    id: i64,
    encoding: &str,
    headers: &str,
    preview: &str,
    rows: i64,
    mapping: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE import_jobs SET stage = 'mapping', encoding = $1, headers = $2, preview = $3, row_count = $4, mapping = $5, updated_at = $6
         WHERE id = $7",
    )
    .bind(encoding.to_string())
    .bind(headers.to_string())
    .bind(preview.to_string())
    .bind(rows)
    .bind(mapping.to_string())
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn set_mapping(
    conn: &mut AnyConnection,
    id: i64,
    mapping: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE import_jobs SET mapping = $1, updated_at = $2 WHERE id = $3")
        .bind(mapping.to_string())
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The dry run's result; `notice` is shown with it (the register changed since the last one).
pub async fn set_checked(
    db: &Db,
    id: i64,
    summary: &str,
    hash: &str,
    notice: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE import_jobs SET stage = 'checked', summary = $1, plan_hash = $2, error_key = $3, error_line = NULL, updated_at = $4 WHERE id = $5")
        .bind(summary.to_string())
        .bind(hash.to_string())
        .bind(notice.map(str::to_string))
        .bind(now)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    result: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE import_jobs SET stage = 'applied', result = $1, applied_at = $2, updated_at = $2 WHERE id = $3")
        .bind(result.to_string())
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM import_files WHERE job_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends the job unapplied and drops its file, in the caller's transaction.
pub async fn discard(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE import_jobs SET stage = $1, error_key = NULL, error_line = NULL, updated_at = $2 WHERE id = $3")
        .bind(ImportStage::Discarded)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM import_files WHERE job_id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub struct OrgInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub live: bool,
}

#[derive(sqlx::FromRow)]
struct OrgInfoRow {
    id: i64,
    code: String,
    name: String,
    kind: OrgKind,
    dissolved_at: Option<i64>,
}

/// Every organisation in the subtree, dissolved ones included (a row naming one is refused
/// with its own reason).
pub async fn subtree_orgs(db: &Db, root: &OrgPath) -> Result<Vec<OrgInfo>, AppError> {
    let rows = sqlx::query_as::<Any, OrgInfoRow>("SELECT id, code, name, kind, dissolved_at FROM organizations WHERE path >= $1 AND path < $2")
        .bind(root.as_str())
        .bind(root.subtree_upper())
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| OrgInfo {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            live: r.dissolved_at.is_none(),
        })
        .collect())
}

pub struct HeldMember {
    pub id: i64,
    pub org_id: i64,
    pub code: String,
    pub held: Held,
}

#[derive(sqlx::FromRow)]
struct HeldMemberRow {
    id: i64,
    org_id: i64,
    member_code: String,
    org_code: String,
    full_name: String,
    birth_date: String,
    gender: String,
    ethnicity: String,
    hometown: Option<String>,
    cccd: Option<String>,
    phone: Option<String>,
    card_number: Option<String>,
    joined_date: String,
    official_date: Option<String>,
    exempt_since: Option<String>,
    exempt_reason: Option<String>,
    position: Option<String>,
    address: Option<String>,
    no_smartphone: i64,
}

/// Every member in the subtree, in the shape a row is compared with.
pub async fn held_members(db: &Db, root: &OrgPath) -> Result<Vec<HeldMember>, AppError> {
    let rows = sqlx::query_as::<Any, HeldMemberRow>(
        "SELECT m.id, m.org_id, m.member_code, o.code AS org_code, m.full_name, m.birth_date, m.gender, m.ethnicity,
                m.hometown, m.cccd, m.phone, m.card_number, m.joined_date, m.official_date, m.exempt_since,
                m.exempt_reason, m.position, m.address, m.no_smartphone
         FROM members m JOIN organizations o ON o.id = m.org_id
         WHERE o.path >= $1 AND o.path < $2",
    )
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HeldMember {
            id: r.id,
            org_id: r.org_id,
            code: r.member_code,
            held: Held {
                org_code: r.org_code,
                full_name: r.full_name,
                birth_date: r.birth_date,
                gender: r.gender,
                ethnicity: r.ethnicity,
                hometown: r.hometown,
                cccd: r.cccd,
                phone: r.phone,
                card_number: r.card_number,
                joined_date: r.joined_date,
                official_date: r.official_date,
                exempt_since: r.exempt_since,
                exempt_reason: r.exempt_reason,
                position: r.position,
                address: r.address,
                no_smartphone: r.no_smartphone == 1,
            },
        })
        .collect())
}

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(value, member_code)` of members whose `column` holds one of `values` (any organisation).
/// `column` is one of the register's unique columns, never user input.
///
/// On PostgreSQL the batches run with custom plans: after five executions of the same prepared
/// `IN ($1 … $500)` it switched to a generic plan that scanned all of `members` per batch (0.3 s
/// each with 126,000 members, over a minute for a province's re-import) instead of probing the
/// unique index.
pub async fn holders(
    db: &Db,
    column: &'static str,
    values: &[String],
) -> Result<Vec<(String, String)>, AppError> {
    debug_assert!(matches!(
        column,
        "member_code" | "cccd" | "phone" | "card_number"
    ));
    let mut out = Vec::new();
    let mut conn = db.pool().acquire().await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    if db.dialect() == crate::platform::db::Dialect::Postgres {
        sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
            .execute(&mut *tx)
            .await?;
    }
    for chunk in values.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT {column} AS v, member_code FROM members WHERE {column} IN ({})",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query_as::<Any, (String, String)>(&sql);
        for v in chunk {
            q = q.bind(v.clone());
        }
        out.extend(q.fetch_all(&mut *tx).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// Which of `codes` name an organisation anywhere.
pub async fn known_org_codes(db: &Db, codes: &[String]) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for chunk in codes.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT code FROM organizations WHERE code IN ({})",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query_scalar::<Any, String>(&sql);
        for v in chunk {
            q = q.bind(v.clone());
        }
        out.extend(q.fetch_all(db.pool()).await?);
    }
    Ok(out)
}

/// Rewrites one member from the merged values (codes and ISO dates).
pub async fn update_member(
    conn: &mut AnyConnection,
    id: i64,
    org_id: i64,
    m: &Held,
    now: i64,
) -> Result<(), AppError> {
    use crate::domain::text;
    sqlx::query(
        "UPDATE members SET org_id = $1, full_name = $2, name_folded = $3, birth_date = $4, gender = $5, ethnicity = $6,
                hometown = $7, cccd = $8, phone = $9, card_number = $10, joined_date = $11, official_date = $12,
                status = $13, exempt_since = $14, exempt_reason = $15, position = $16, address = $17,
                source = CASE WHEN source = 'manual' THEN 'manual' ELSE 'import' END, updated_at = $18,
                no_smartphone = $20
         WHERE id = $19",
    )
    .bind(org_id)
    .bind(m.full_name.clone())
    .bind(text::fold(&m.full_name))
    .bind(m.birth_date.clone())
    .bind(m.gender.clone())
    .bind(m.ethnicity.clone())
    .bind(m.hometown.clone())
    .bind(m.cccd.clone())
    .bind(m.phone.clone())
    .bind(m.card_number.clone())
    .bind(m.joined_date.clone())
    .bind(m.official_date.clone())
    .bind(if m.official_date.is_some() { "chinh_thuc" } else { "du_bi" })
    .bind(m.exempt_since.clone())
    .bind(m.exempt_reason.clone())
    .bind(m.position.clone())
    .bind(m.address.clone())
    .bind(now)
    .bind(id)
    .bind(m.no_smartphone as i64)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks new members the file says have no smartphone (inserted without the mark).
pub async fn mark_no_smartphone(
    conn: &mut AnyConnection,
    member_codes: &[String],
) -> Result<(), AppError> {
    for chunk in member_codes.chunks(IN_CHUNK) {
        let sql = format!(
            "UPDATE members SET no_smartphone = 1 WHERE member_code IN ({})",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query::<Any>(&sql);
        for c in chunk {
            q = q.bind(c.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

pub async fn record_transfer(
    conn: &mut AnyConnection,
    member_id: i64,
    from_org: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO member_org_history (member_id, org_id, until, reason) VALUES ($1, $2, $3, 'transfer')")
        .bind(member_id)
        .bind(from_org)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn insert_org_counts(
    conn: &mut AnyConnection,
    job: i64,
    counts: &[(i64, i64, i64)],
) -> Result<(), AppError> {
    for (org, members, exempt) in counts {
        sqlx::query("INSERT INTO import_org_counts (job_id, org_id, members, exempt) VALUES ($1, $2, $3, $4)")
            .bind(job)
            .bind(*org)
            .bind(*members)
            .bind(*exempt)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Why each member cannot sign in, or NULL when they can. A member signs in with their phone
/// or member code and a password (or a passkey), once their account is active.
const BLOCKED_SELECT: &str = "SELECT * FROM (
    SELECT m.id, m.full_name, m.member_code, o.name AS org_name, m.phone,
           CASE WHEN a.id IS NULL AND m.phone IS NULL THEN 'no_phone'
                WHEN a.id IS NULL THEN 'no_account'
                WHEN a.status = 'pending' THEN 'pending'
                WHEN a.status = 'rejected' THEN 'rejected'
                WHEN a.status = 'disabled' THEN 'locked'
                WHEN a.password_hash IS NULL AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.account_id = a.id) THEN 'no_password'
           END AS reason
    FROM members m JOIN organizations o ON o.id = m.org_id LEFT JOIN accounts a ON a.member_id = m.id
    WHERE o.path >= $1 AND o.path < $2
) x WHERE reason IS NOT NULL";

pub async fn blocked_counts(
    db: &Db,
    root: &OrgPath,
) -> Result<Vec<(BlockedReason, i64)>, AppError> {
    Ok(sqlx::query_as::<Any, (BlockedReason, i64)>(&format!(
        "SELECT reason, COUNT(*) AS n FROM ({BLOCKED_SELECT}) b GROUP BY reason"
    ))
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .fetch_all(db.pool())
    .await?)
}

pub async fn blocked(
    db: &Db,
    root: &OrgPath,
    limit: i64,
) -> Result<Vec<super::BlockedMember>, AppError> {
    Ok(sqlx::query_as::<Any, super::BlockedMember>(&format!(
        "{BLOCKED_SELECT} ORDER BY org_name, full_name, id LIMIT $3"
    ))
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Members and exempt members in the app, in the subtree.
pub async fn app_counts(db: &Db, root: &OrgPath) -> Result<(i64, i64), AppError> {
    Ok(sqlx::query_as::<Any, (i64, i64)>(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN m.exempt_since IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS exempt
         FROM members m JOIN organizations o ON o.id = m.org_id WHERE o.path >= $1 AND o.path < $2",
    )
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .fetch_one(db.pool())
    .await?)
}

/// The register file's counts for the subtree, from the last applied import whose scope covers
/// it, with when that was.
pub async fn file_counts(db: &Db, root: &OrgPath) -> Result<Option<(i64, i64, i64)>, AppError> {
    let job = sqlx::query_as::<Any, (i64, i64)>(
        "SELECT j.id, j.applied_at FROM import_jobs j JOIN organizations r ON r.id = j.root_org_id
         WHERE j.stage = 'applied' AND $1 >= r.path AND $1 < substr(r.path, 1, length(r.path) - 1) || '0'
         ORDER BY j.applied_at DESC, j.id DESC LIMIT 1",
    )
    .bind(root.as_str())
    .fetch_optional(db.pool())
    .await?;
    let Some((id, at)) = job else {
        return Ok(None);
    };
    let (n, exempt) = sqlx::query_as::<Any, (i64, i64)>(
        "SELECT CAST(COALESCE(SUM(c.members), 0) AS BIGINT) AS n, CAST(COALESCE(SUM(c.exempt), 0) AS BIGINT) AS exempt
         FROM import_org_counts c JOIN organizations o ON o.id = c.org_id
         WHERE c.job_id = $1 AND o.path >= $2 AND o.path < $3",
    )
    .bind(id)
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .fetch_one(db.pool())
    .await?;
    Ok(Some((n, exempt, at)))
}

#[derive(sqlx::FromRow)]
struct HeldOrgRow {
    id: i64,
    code: String,
    name: String,
    kind: OrgKind,
    parent_id: Option<i64>,
    dissolved_at: Option<i64>,
    members: i64,
}

/// The subtree as the tree import compares it: every organisation (dissolved ones too, so a row
/// naming one is refused with its reason) with its parent and the members directly in it.
pub async fn held_orgs(
    db: &Db,
    root: &OrgPath,
) -> Result<Vec<crate::domain::org_import::HeldOrg>, AppError> {
    let rows = sqlx::query_as::<Any, HeldOrgRow>(
        "SELECT o.id, o.code, o.name, o.kind, o.parent_id, o.dissolved_at,
                (SELECT COUNT(*) FROM members m WHERE m.org_id = o.id) AS members
         FROM organizations o WHERE o.path >= $1 AND o.path < $2",
    )
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::domain::org_import::HeldOrg {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            parent_id: r.parent_id,
            live: r.dissolved_at.is_none(),
            members: r.members,
        })
        .collect())
}

/// An organisation as the tree import writes it, read inside the import's transaction (where
/// earlier steps have moved it).
pub async fn org_in_tx(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<crate::register::Org, AppError> {
    Ok(sqlx::query_as::<Any, crate::register::Org>(
        "SELECT id, parent_id, kind, name, code, path, depth FROM organizations WHERE code = $1",
    )
    .bind(code.to_string())
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn rename_org(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE organizations SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name.to_string())
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Changes an organisation's kind; a kind that is not a cell only while no member is registered
/// in it (checked here, in the transaction: members may have arrived since the dry run). False
/// when refused.
pub async fn set_org_kind(
    conn: &mut AnyConnection,
    id: i64,
    kind: crate::domain::org::OrgKind,
    now: i64,
) -> Result<bool, AppError> {
    let guard = if kind.is_cell() {
        ""
    } else {
        " AND NOT EXISTS (SELECT 1 FROM members WHERE org_id = $3)"
    };
    let done = sqlx::query(&format!(
        "UPDATE organizations SET kind = $1, updated_at = $2 WHERE id = $3{guard}"
    ))
    .bind(kind.code())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Dissolves an organisation the file no longer names (its row stays: history names it), only
/// while it is still empty — no member, no live organisation under it — checked in the
/// transaction. False when it is not (any more).
pub async fn dissolve_org(conn: &mut AnyConnection, id: i64, now: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE organizations SET dissolved_at = $1, updated_at = $1 WHERE id = $2 AND dissolved_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM members WHERE org_id = $2)
           AND NOT EXISTS (SELECT 1 FROM organizations c WHERE c.parent_id = $2 AND c.dissolved_at IS NULL)",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
