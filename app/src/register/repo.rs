//! SQL of the register. Subtree queries are range scans on the unique `organizations.path`
//! index (see `domain::org`).

use super::{Member, NewMember, NewOrg, Org};
use crate::domain::org::OrgPath;
use crate::domain::phone::Phone;
use crate::domain::register::{Date, Gender, MemberStatus, Position};
use crate::domain::text;
use crate::platform::clock::now_unix;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection, FromRow};

const ORG_COLUMNS: &str = "id, parent_id, kind, name, code, path, depth";

/// Creates an organisation under `parent` (or a root). The path needs the new id, so the row
/// is inserted with a provisional path (unique, since codes are) and completed in the same
/// transaction.
pub async fn insert_org(
    conn: &mut AnyConnection,
    parent: Option<&Org>,
    new: &NewOrg,
) -> Result<Org, AppError> {
    if let Some(parent) = parent {
        if !parent.kind.may_contain(new.kind) {
            return Err(AppError::field("kind", "err_org_kind"));
        }
    }
    let now = now_unix();
    let name = text::nfc(&new.name);
    let code = new.code.trim().to_string();
    let id = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO organizations (parent_id, kind, name, code, path, depth, source, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         RETURNING id",
    )
    .bind(parent.map(|p| p.id))
    .bind(new.kind.code())
    .bind(&name)
    .bind(&code)
    .bind(format!("#{code}"))
    .bind(parent.map(|p| p.depth + 1).unwrap_or(0))
    .bind(new.source.code())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let path = match parent {
        Some(p) => p.path.child(id),
        None => OrgPath::root(id),
    };
    sqlx::query("UPDATE organizations SET path = $1 WHERE id = $2")
        .bind(path.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(Org {
        id,
        parent_id: parent.map(|p| p.id),
        kind: new.kind,
        name,
        code,
        depth: path.depth() as i64,
        path,
    })
}

pub async fn org_by_id(db: &Db, id: i64) -> Result<Org, AppError> {
    Ok(sqlx::query_as::<Any, Org>(&format!(
        "SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(db.pool())
    .await?)
}

pub async fn org_by_code(db: &Db, code: &str) -> Result<Org, AppError> {
    Ok(sqlx::query_as::<Any, Org>(&format!(
        "SELECT {ORG_COLUMNS} FROM organizations WHERE code = $1"
    ))
    .bind(code)
    .fetch_one(db.pool())
    .await?)
}

/// The organisation at `root` and everything below it, in tree order.
pub async fn subtree(db: &Db, root: &OrgPath) -> Result<Vec<Org>, AppError> {
    Ok(sqlx::query_as::<Any, Org>(&format!(
        "SELECT {ORG_COLUMNS} FROM organizations WHERE path >= $1 AND path < $2 ORDER BY path"
    ))
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .fetch_all(db.pool())
    .await?)
}

/// Whether organisation `inner` lies in the subtree of `outer` (or is it): one query.
pub async fn is_within(db: &Db, inner: i64, outer: i64) -> Result<bool, AppError> {
    let n = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) AS n FROM organizations i, organizations o
         WHERE i.id = $1 AND o.id = $2 AND substr(i.path, 1, length(o.path)) = o.path",
    )
    .bind(inner)
    .bind(outer)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Moves the subtree rooted at `org` under `new_parent`: one UPDATE rewrites every path in the
/// range, however deep. Returns the number of organisations moved.
pub async fn move_subtree(db: &Db, org: &Org, new_parent: &Org) -> Result<u64, AppError> {
    if !new_parent.kind.may_contain(org.kind) {
        return Err(AppError::field("parent_id", "err_org_kind"));
    }
    let new_path = org
        .path
        .moved_under(&new_parent.path)
        .map_err(|e| AppError::field("parent_id", &e.to_string()))?;
    let old = org.path.as_str();
    let depth_change = new_path.depth() as i64 - org.path.depth() as i64;
    let result = sqlx::query(
        "UPDATE organizations
         SET path = $1 || substr(path, CAST($2 AS INTEGER)),
             depth = depth + $3,
             parent_id = CASE WHEN id = $4 THEN $5 ELSE parent_id END,
             updated_at = $6
         WHERE path >= $7 AND path < $8",
    )
    .bind(new_path.as_str())
    .bind(old.len() as i64 + 1)
    .bind(depth_change)
    .bind(org.id)
    .bind(new_parent.id)
    .bind(now_unix())
    .bind(old)
    .bind(org.path.subtree_upper())
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected())
}

/// Moves a subtree under a new parent inside the caller's transaction (`move_subtree` does
/// the same on its own connection).
pub async fn move_subtree_in(
    conn: &mut AnyConnection,
    org: &OrgPath,
    org_id: i64,
    new_path: &OrgPath,
    new_parent: i64,
    now: i64,
) -> Result<u64, AppError> {
    let depth_change = new_path.depth() as i64 - org.depth() as i64;
    Ok(sqlx::query(
        "UPDATE organizations
         SET path = $1 || substr(path, CAST($2 AS INTEGER)),
             depth = depth + $3,
             parent_id = CASE WHEN id = $4 THEN $5 ELSE parent_id END,
             updated_at = $6
         WHERE path >= $7 AND path < $8",
    )
    .bind(new_path.as_str().to_string())
    .bind(org.as_str().len() as i64 + 1)
    .bind(depth_change)
    .bind(org_id)
    .bind(new_parent)
    .bind(now)
    .bind(org.as_str().to_string())
    .bind(org.subtree_upper())
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Members registered anywhere in the subtree: (all, exempt).
pub async fn count_members_in_subtree(db: &Db, root: &OrgPath) -> Result<(i64, i64), AppError> {
    Ok(sqlx::query_as::<Any, (i64, i64)>(
        "SELECT COUNT(*) AS total,
                COALESCE(SUM(CASE WHEN m.exempt_since IS NULL THEN 0 ELSE 1 END), 0) AS exempt
         FROM members m JOIN organizations o ON o.id = m.org_id
         WHERE o.path >= $1 AND o.path < $2",
    )
    .bind(root.as_str())
    .bind(root.subtree_upper())
    .fetch_one(db.pool())
    .await?)
}

const MEMBER_INSERT_COLUMNS: &str = "org_id, member_code, full_name, name_folded, birth_date, gender, ethnicity, \
     hometown, cccd, phone, card_number, joined_date, official_date, status, exempt_since, exempt_reason, \
     position, address, source, created_at, updated_at";
const MEMBER_INSERT_ARITY: usize = 21;

/// Inserts members in multi-row statements on the caller's connection (a transaction, when
/// the caller loads many). PostgreSQL gains from big statements (fewer round trips); SQLite is
/// in-process and binding grows worse than linearly with the parameter count, so it takes small
/// ones (measured for 126,000 members: 400 rows 31 s, 100 rows 12.7 s, 20 rows 8.3 s, debug build).
pub async fn insert_members(
    conn: &mut AnyConnection,
    members: &[NewMember],
) -> Result<(), AppError> {
    let now = now_unix();
    let rows_per_statement = if conn.backend_name() == "PostgreSQL" {
        400
    } else {
        20
    };
    for chunk in members.chunks(rows_per_statement) {
        let mut sql = format!("INSERT INTO members ({MEMBER_INSERT_COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..MEMBER_INSERT_ARITY {
                if j > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("${}", i * MEMBER_INSERT_ARITY + j + 1));
            }
            sql.push(')');
        }
        let mut q = sqlx::query::<Any>(&sql);
        for m in chunk {
            let name = text::nfc(&m.full_name);
            let folded = text::fold(&name);
            q = q
                .bind(m.org_id)
                .bind(m.member_code.clone())
                .bind(name)
                .bind(folded)
                .bind(m.dates.birth.iso())
                .bind(m.gender.code())
                .bind(text::nfc(&m.ethnicity))
                .bind(m.hometown.as_deref().map(text::nfc))
                .bind(m.cccd.as_ref().map(|c| c.as_str().to_string()))
                .bind(m.phone.as_ref().map(|p| p.as_str().to_string()))
                .bind(m.card_number.clone())
                .bind(m.dates.joined.iso())
                .bind(m.dates.official.map(|d| d.iso()))
                .bind(m.dates.status().code())
                .bind(m.dates.exempt_since.map(|d| d.iso()))
                .bind(m.exempt_reason.as_deref().map(text::nfc))
                .bind(m.position.map(|p| p.code()))
                .bind(m.address.as_deref().map(text::nfc))
                .bind(m.source.code())
                .bind(now)
                .bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(FromRow)]
struct MemberRow {
    id: i64,
    org_id: i64,
    member_code: String,
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
    status: String,
    exempt_since: Option<String>,
    exempt_reason: Option<String>,
    position: Option<String>,
    address: Option<String>,
}

const MEMBER_COLUMNS: &str = "id, org_id, member_code, full_name, birth_date, gender, ethnicity, hometown, cccd, \
     phone, card_number, joined_date, official_date, status, exempt_since, exempt_reason, position, address";

impl TryFrom<MemberRow> for Member {
    type Error = AppError;
    fn try_from(r: MemberRow) -> Result<Member, AppError> {
        let id = r.id;
        let bad = |what: &str| AppError::internal(&format!("member {id} has bad {what}"));
        let date = |s: &str| Date::parse(s).map_err(|_| bad("date"));
        let opt_date = |s: &Option<String>| {
            s.as_deref()
                .map(|s| Date::parse(s).map_err(|_| bad("date")))
                .transpose()
        };
        Ok(Member {
            id,
            org_id: r.org_id,
            birth_date: date(&r.birth_date)?,
            joined_date: date(&r.joined_date)?,
            official_date: opt_date(&r.official_date)?,
            exempt_since: opt_date(&r.exempt_since)?,
            gender: Gender::from_code(&r.gender).ok_or_else(|| bad("gender"))?,
            status: MemberStatus::from_code(&r.status).ok_or_else(|| bad("status"))?,
            position: r
                .position
                .as_deref()
                .map(|p| Position::from_code(p).ok_or_else(|| bad("position")))
                .transpose()?,
            member_code: r.member_code,
            full_name: r.full_name,
            ethnicity: r.ethnicity,
            hometown: r.hometown,
            cccd: r.cccd,
            phone: r.phone,
            card_number: r.card_number,
            exempt_reason: r.exempt_reason,
            address: r.address,
        })
    }
}

pub async fn member_by_id(db: &Db, id: i64) -> Result<Member, AppError> {
    let row: MemberRow = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    row.try_into()
}

pub async fn member_by_phone(db: &Db, phone: &Phone) -> Result<Option<Member>, AppError> {
    let row: Option<MemberRow> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members WHERE phone = $1"
    ))
    .bind(phone.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.map(Member::try_from).transpose()
}

/// Counts for the seed's safety check: organisations, members, and rows that are not demo data.
#[derive(FromRow)]
pub struct Contents {
    #[sqlx(rename = "orgs")]
    pub organizations: i64,
    pub members: i64,
    pub real_rows: i64,
}

pub async fn contents(db: &Db) -> Result<Contents, AppError> {
    Ok(sqlx::query_as::<Any, Contents>(
        "SELECT (SELECT COUNT(*) FROM organizations) AS orgs,
                (SELECT COUNT(*) FROM members) AS members,
                (SELECT COUNT(*) FROM organizations WHERE source <> 'demo')
                  + (SELECT COUNT(*) FROM members WHERE source <> 'demo') AS real_rows",
    )
    .fetch_one(db.pool())
    .await?)
}

/// Deletes the whole register, for `seed --replace`. Both databases check the self-reference
/// of `organizations` at the end of the statement, so one DELETE removes the whole tree.
pub async fn delete_register(conn: &mut AnyConnection) -> Result<(), AppError> {
    // Everything that hangs off members goes first, in foreign-key order.
    for table in [
        "import_org_counts",
        "import_files",
        "import_jobs",
        "member_org_history",
        "usage_monthly",
        "push_deliveries",
        "push_subscriptions",
        "notification_settings",
        "reminders_sent",
        "notification_reads",
        "notification_watermarks",
        "notifications",
        "task_reports",
        "tasks",
        "meeting_ballots",
        "meeting_motions",
        "meeting_comments",
        "meeting_attendance",
        "meeting_documents",
        "meeting_agenda",
        "meetings",
        "meeting_schedules",
        "document_questions",
        "attachments",
        "document_reminders",
        "document_reads",
        "bookmarks",
        "document_versions",
        "documents",
        "sessions",
        "passkeys",
        "webauthn_challenges",
        "activation_codes",
        "role_grants",
        "join_requests",
        "contact_changes",
        "accounts",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM members")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM organizations")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Where the member was before (merges), newest first: (organisation name, until).
pub async fn member_history(db: &Db, member_id: i64) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as::<Any, (String, i64)>("SELECT o.name, h.until FROM member_org_history h JOIN organizations o ON o.id = h.org_id WHERE h.member_id = $1 ORDER BY h.until DESC")
        .bind(member_id)
        .fetch_all(db.pool())
        .await?)
}
