//! SQL of accounts, sessions, join requests, activation codes, role grants, sign-in throttling
//! and contact changes. Lists filter by the caller's scopes in SQL.

use crate::domain::account::{AccountStatus, ActivationPurpose, ContactChangeStatus};
use crate::domain::account::{Identifier, Preferences, TextSize, ThrottleKind, ThrottleState};
use crate::domain::account::{JoinMatch, JoinRequestStatus};
use crate::domain::org::OrgPath;
use crate::domain::permission::Subject;
use crate::domain::permission::{Actor, Grant, Role};
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::session::{CellContact, CurrentUser};
use sqlx::{Any, AnyConnection};

pub use crate::platform::db::scope_clause;

#[derive(sqlx::FromRow)]
pub struct SignInRow {
    pub account_id: i64,
    pub org_id: i64,
    pub password_hash: Option<String>,
    pub status: AccountStatus,
}

pub async fn account_for_identifier(
    db: &Db,
    id: &Identifier,
) -> Result<Option<SignInRow>, AppError> {
    let (column, value) = match id {
        Identifier::Phone(p) => ("m.phone", p.as_str().to_string()),
        Identifier::MemberCode(c) => ("m.member_code", c.clone()),
    };
    Ok(sqlx::query_as::<Any, SignInRow>(&format!(
        "SELECT a.id AS account_id, m.id AS member_id, m.org_id, a.password_hash, a.status
         FROM members m JOIN accounts a ON a.member_id = m.id WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(db.pool())
    .await?)
}

/// The member (and account, if any) an identifier names, for activation.
pub async fn member_for_identifier(
    db: &Db,
    id: &Identifier,
) -> Result<Option<(i64, Option<i64>)>, AppError> {
    let (column, value) = match id {
        Identifier::Phone(p) => ("m.phone", p.as_str().to_string()),
        Identifier::MemberCode(c) => ("m.member_code", c.clone()),
    };
    Ok(sqlx::query_as::<Any, (i64, Option<i64>)>(&format!(
        "SELECT m.id AS member_id, a.id AS account_id FROM members m LEFT JOIN accounts a ON a.member_id = m.id WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(db.pool())
    .await?)
}

pub async fn create_session(
    conn: &mut AnyConnection,
    account_id: i64,
    token_hash: &str,
    now: i64,
    user_agent: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, user_agent, verified_at) VALUES ($1, $2, $3, $3, $4, $5, $3)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(now + crate::platform::session::SESSION_DAYS * 86_400)
    .bind(user_agent.map(|u| u.chars().take(200).collect::<String>()))
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE accounts SET last_sign_in_at = $1, last_active_at = $1 WHERE id = $2")
        .bind(now)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The session proved its password (or passkey) again just now.
pub async fn mark_verified(db: &Db, token_hash: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET verified_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The password hash of an account (to confirm it again).
pub async fn password_hash(db: &Db, account_id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar::<Any, Option<String>>(
        "SELECT password_hash FROM accounts WHERE id = $1",
    )
    .bind(account_id)
    .fetch_one(db.pool())
    .await?)
}

/// An admin disables an account (`blocked_by`: codes, activation and join approvals refuse it;
/// its sessions and live codes end) or enables one they or another admin disabled.
pub async fn set_disabled(
    conn: &mut AnyConnection,
    account_id: i64,
    disabled: bool,
    by: i64,
    now: i64,
) -> Result<u64, AppError> {
    let changed = if disabled {
        sqlx::query("UPDATE accounts SET status = $4, blocked_by = $1, updated_at = $2 WHERE id = $3 AND blocked_by IS NULL")
            .bind(by)
            .bind(now)
            .bind(account_id)
            .bind(AccountStatus::Disabled)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    } else {
        sqlx::query("UPDATE accounts SET status = $3, blocked_by = NULL, updated_at = $1 WHERE id = $2 AND blocked_by IS NOT NULL")
            .bind(now)
            .bind(account_id)
            .bind(AccountStatus::Active)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    };
    if disabled && changed > 0 {
        delete_sessions_of(conn, account_id).await?;
        sqlx::query(
            "UPDATE activation_codes SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(changed)
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete_sessions_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// One row of `load_current_user`: the person, with one of their role grants (if any).
#[derive(sqlx::FromRow)]
struct SessionRow {
    last_seen_at: i64,
    verified_at: i64,
    account_id: i64,
    text_size: String,
    simple_mode: i64,
    data_saver: i64,
    simple_mode_offered: i64,
    guide_seen: i64,
    member_id: i64,
    full_name: String,
    birth_date: String,
    position: Option<String>,
    path: OrgPath,
    org_name: String,
    grant_role: Option<String>,
    // Text: a grant whose organisation path does not parse is skipped, not an error.
    grant_path: Option<String>,
    sec_name: Option<String>,
    sec_phone: Option<String>,
    sec_position: Option<String>,
}

/// Resolves a session token hash into the current user: one query for the person and their role
/// grants (a row per grant, or one row with none), because every signed-in request pays for it.
/// Also slides the session's expiry, at most once an hour.
pub async fn load_current_user(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<CurrentUser>, AppError> {
    let mut rows = sqlx::query_as::<Any, SessionRow>(
        "SELECT s.last_seen_at, COALESCE(s.verified_at, s.created_at) AS verified_at, a.id AS account_id, a.text_size, a.simple_mode, a.data_saver, a.simple_mode_offered, a.guide_seen,
                m.id AS member_id, m.full_name, m.birth_date, m.position, o.path, o.name AS org_name,
                g.role AS grant_role, go.path AS grant_path,
                sec.full_name AS sec_name, sec.phone AS sec_phone, sec.position AS sec_position
         FROM sessions s
         JOIN accounts a ON a.id = s.account_id
         JOIN members m ON m.id = a.member_id
         JOIN organizations o ON o.id = m.org_id
         LEFT JOIN members sec ON sec.id = (
             SELECT x.id FROM members x WHERE x.org_id = m.org_id AND x.position IN ('bi_thu', 'pho_bi_thu') AND x.id <> m.id
             ORDER BY CASE x.position WHEN 'bi_thu' THEN 0 ELSE 1 END, x.id LIMIT 1)
         LEFT JOIN role_grants g ON g.account_id = a.id
         LEFT JOIN organizations go ON go.id = g.org_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3 AND a.status = $4",
    )
    .bind(token_hash)
    .bind(now)
    .bind(now - crate::platform::session::SESSION_ABSOLUTE_DAYS * 86_400)
    .bind(AccountStatus::Active)
    .fetch_all(db.pool())
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let org = first.path.clone();
    let mut grants = Vec::new();
    if let Some(role) = first.position.as_deref().and_then(Role::from_code) {
        grants.push(Grant {
            role,
            scope: org.clone(),
        });
    }
    for g in &rows {
        let (Some(role), Some(path)) = (&g.grant_role, &g.grant_path) else {
            continue;
        };
        if let (Some(role), Ok(scope)) = (Role::from_code(role), OrgPath::parse(path)) {
            grants.push(Grant { role, scope });
        }
    }
    let r = rows.swap_remove(0);
    let account_id = r.account_id;
    if now - r.last_seen_at > crate::platform::session::TOUCH_EVERY_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now)
            .bind(now + crate::platform::session::SESSION_DAYS * 86_400)
            .bind(token_hash)
            .execute(db.pool())
            .await?;
        // "Active in the last 30 days" (usage statistics), at the same hourly pace.
        sqlx::query("UPDATE accounts SET last_active_at = $1 WHERE id = $2")
            .bind(now)
            .bind(account_id)
            .execute(db.pool())
            .await?;
    }
    let birth = r.birth_date;
    Ok(Some(CurrentUser {
        actor: Actor {
            account_id,
            member_id: r.member_id,
            org,
            grants,
        },
        token_hash: token_hash.to_string(),
        verified_at: r.verified_at,
        full_name: r.full_name,
        birth_year: birth.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1970),
        org_name: r.org_name,
        prefs: Preferences {
            text_size: TextSize::from_code(&r.text_size).unwrap_or_default(),
            simple_mode: r.simple_mode == 1,
            data_saver: r.data_saver == 1,
        },
        simple_mode_offered: r.simple_mode_offered == 1,
        guide_seen: r.guide_seen == 1,
        // The secretary's position is never NULL: the query picks a member by it.
        secretary: match (r.sec_name, r.sec_position) {
            (Some(name), Some(position)) => Some(CellContact {
                name,
                phone: r.sec_phone,
                position,
            }),
            _ => None,
        },
    }))
}

/// The member finished or skipped the first-use guide.
pub async fn set_guide_seen(db: &Db, account_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET guide_seen = 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(account_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn save_preferences(
    db: &Db,
    account_id: i64,
    prefs: Preferences,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET text_size = $1, simple_mode = $2, data_saver = $5, simple_mode_offered = 1, updated_at = $3 WHERE id = $4")
        .bind(prefs.text_size.code())
        .bind(prefs.simple_mode as i64)
        .bind(now)
        .bind(account_id)
        .bind(prefs.data_saver as i64)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn throttle_state(db: &Db, key: &str) -> Result<Option<ThrottleState>, AppError> {
    Ok(sqlx::query_as::<Any, (i64, i64, i64)>(
        "SELECT failures, window_start, locked_until FROM sign_in_throttle WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(db.pool())
    .await?
    .map(throttle_state_of))
}

/// `(failures, window_start, locked_until)`, as the throttle queries select them.
fn throttle_state_of((failures, window_start, locked_until): (i64, i64, i64)) -> ThrottleState {
    ThrottleState {
        failures,
        window_start,
        locked_until,
    }
}

/// Counts one failure under `key`, atomically: concurrent failures all count (a burst of 40
/// parallel wrong attempts counts 40). A count whose window passed, with no lock holding, starts
/// again at 1 (`domain::account::window_expired`). Returns the state after the failure, with its
/// lock (`domain::account::lock_until`) written.
pub async fn count_failure(
    db: &Db,
    key: &str,
    kind: ThrottleKind,
    now: i64,
) -> Result<ThrottleState, AppError> {
    let mut state = throttle_state_of(sqlx::query_as::<Any, (i64, i64, i64)>(
        "INSERT INTO sign_in_throttle (key, failures, window_start, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN sign_in_throttle.window_start <= $3 AND sign_in_throttle.locked_until <= $2
                             THEN 1 ELSE sign_in_throttle.failures + 1 END,
             window_start = CASE WHEN sign_in_throttle.window_start <= $3 AND sign_in_throttle.locked_until <= $2
                                 THEN $2 ELSE sign_in_throttle.window_start END
         RETURNING failures, window_start, locked_until",
    )
    .bind(key)
    .bind(now)
    .bind(now - crate::domain::account::THROTTLE_WINDOW_SECS)
    .fetch_one(db.pool())
    .await?);
    let lock = crate::domain::account::lock_until(kind, state.failures, now);
    if lock > state.locked_until {
        sqlx::query(
            "UPDATE sign_in_throttle SET locked_until = $1 WHERE key = $2 AND locked_until < $1",
        )
        .bind(lock)
        .bind(key)
        .execute(db.pool())
        .await?;
        state.locked_until = lock;
    }
    Ok(state)
}

pub async fn clear_throttle(db: &Db, key: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// A member matched by the join form: by member code, or by CCCD plus birth date.
#[derive(sqlx::FromRow)]
pub struct MatchedMember {
    #[sqlx(rename = "id")]
    pub member_id: i64,
    pub org_id: i64,
    #[sqlx(rename = "status")]
    pub account_status: Option<AccountStatus>,
}

/// The members holding a position in the cell, and the name of the member asking to join.
pub async fn cell_leaders_and_name(
    conn: &mut AnyConnection,
    org_id: i64,
    member_id: i64,
) -> Result<(Vec<i64>, String), AppError> {
    let leaders = sqlx::query_scalar::<Any, i64>(
        "SELECT id FROM members WHERE org_id = $1 AND position IS NOT NULL AND id <> $2",
    )
    .bind(org_id)
    .bind(member_id)
    .fetch_all(&mut *conn)
    .await?;
    let name = sqlx::query_scalar::<Any, String>("SELECT full_name FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((leaders, name))
}

pub async fn match_member(db: &Db, member: &JoinMatch) -> Result<Option<MatchedMember>, AppError> {
    let base = "SELECT m.id, m.org_id, o.path, a.status FROM members m JOIN organizations o ON o.id = m.org_id
                LEFT JOIN accounts a ON a.member_id = m.id";
    Ok(match member {
        JoinMatch::MemberCode(code) => {
            sqlx::query_as::<Any, MatchedMember>(&format!("{base} WHERE m.member_code = $1"))
                .bind(code.clone())
                .fetch_optional(db.pool())
                .await?
        }
        JoinMatch::CccdAndBirth(cccd, birth) => {
            sqlx::query_as::<Any, MatchedMember>(&format!(
                "{base} WHERE m.cccd = $1 AND m.birth_date = $2"
            ))
            .bind(cccd.clone())
            .bind(birth.clone())
            .fetch_optional(db.pool())
            .await?
        }
    })
}

pub async fn insert_account(
    conn: &mut AnyConnection,
    member_id: i64,
    password_hash: Option<&str>,
    status: AccountStatus,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>("INSERT INTO accounts (member_id, password_hash, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
        .bind(member_id)
        .bind(password_hash)
        .bind(status)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?)
}

/// Records a join request with the password its sender chose. Other pending requests of the same
/// member stay: leadership sees them side by side and approves one.
pub async fn insert_join_request(
    conn: &mut AnyConnection,
    member_id: i64,
    phone: &str,
    password_hash: &str,
    ip: Option<&str>,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>("INSERT INTO join_requests (member_id, phone, status, created_at, password_hash, ip) VALUES ($1, $2, $6, $3, $4, $5) RETURNING id")
        .bind(member_id)
        .bind(phone)
        .bind(now)
        .bind(password_hash)
        .bind(ip.map(str::to_string))
        .bind(JoinRequestStatus::Pending)
        .fetch_one(&mut *conn)
        .await?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JoinRequestRow {
    pub id: i64,
    pub member_id: i64,
    pub full_name: String,
    pub birth_date: String,
    pub member_code: String,
    pub phone: String,
    pub org_id: i64,
    pub org_name: String,
    pub created_at: i64,
    pub password_hash: Option<String>,
    /// Other undecided requests for the same member (leadership is warned and approves one).
    pub others_pending: i64,
    /// The member's accounts in use or disabled by an admin (`has_active_account`).
    pub active_accounts: i64,
}

impl JoinRequestRow {
    /// The member already has an active account (approving would replace its password).
    pub fn has_active_account(&self) -> bool {
        self.active_accounts > 0
    }
}

/// `$1` is `JoinRequestStatus::Pending`, `$2` `AccountStatus::Active`.
const JOIN_REQUEST_SELECT: &str = "SELECT j.id, j.member_id, m.full_name, m.birth_date, m.member_code, j.phone, m.org_id, o.name AS org_name,
            o.path, j.created_at, j.password_hash,
            (SELECT COUNT(*) FROM join_requests x WHERE x.member_id = j.member_id AND x.status = $1 AND x.id <> j.id) AS others_pending,
            (SELECT COUNT(*) FROM accounts a WHERE a.member_id = j.member_id AND (a.status = $2 OR a.blocked_by IS NOT NULL)) AS active_accounts
     FROM join_requests j JOIN members m ON m.id = j.member_id JOIN organizations o ON o.id = m.org_id";

pub async fn pending_join_requests(
    db: &Db,
    scopes: &[OrgPath],
) -> Result<Vec<JoinRequestRow>, AppError> {
    let (clause, binds) = scope_clause("o.path", scopes, 3);
    let sql = format!("{JOIN_REQUEST_SELECT} WHERE j.status = $1 AND {clause} ORDER BY j.created_at, j.id LIMIT 200");
    let mut q = sqlx::query_as::<Any, JoinRequestRow>(&sql)
        .bind(JoinRequestStatus::Pending)
        .bind(AccountStatus::Active);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.pool()).await?)
}

pub async fn pending_join_request(db: &Db, id: i64) -> Result<JoinRequestRow, AppError> {
    Ok(sqlx::query_as::<Any, JoinRequestRow>(&format!(
        "{JOIN_REQUEST_SELECT} WHERE j.id = $3 AND j.status = $1"
    ))
    .bind(JoinRequestStatus::Pending)
    .bind(AccountStatus::Active)
    .bind(id)
    .fetch_one(db.pool())
    .await?)
}

/// Decides one request. Approving gives the member an active account with the password chosen in
/// that request (an older request without one keeps the account's password) and refuses the
/// member's other pending requests; refusing touches the account only if it was left pending by
/// an older request.
pub async fn decide_join_request(
    conn: &mut AnyConnection,
    req: &JoinRequestRow,
    approve: bool,
    reason: Option<&str>,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    let updated = sqlx::query("UPDATE join_requests SET status = $1, reason = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND status = $6")
        .bind(if approve {
            JoinRequestStatus::Approved
        } else {
            JoinRequestStatus::Rejected
        })
        .bind(reason)
        .bind(by)
        .bind(now)
        .bind(req.id)
        .bind(JoinRequestStatus::Pending)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if updated == 0 {
        // Decided meanwhile (by another leader, or with another request of the member).
        return Err(AppError::NotFound);
    }
    if !approve {
        sqlx::query(
            "UPDATE accounts SET status = $3, updated_at = $1 WHERE member_id = $2 AND status = $4",
        )
        .bind(now)
        .bind(req.member_id)
        .bind(AccountStatus::Rejected)
        .bind(AccountStatus::Pending)
        .execute(&mut *conn)
        .await?;
        return Ok(());
    }
    match account_of_member(conn, req.member_id).await? {
        Some((id, _)) => {
            sqlx::query("UPDATE accounts SET status = $4, password_hash = COALESCE($1, password_hash), updated_at = $2 WHERE id = $3")
                .bind(req.password_hash.as_deref())
                .bind(now)
                .bind(id)
                .bind(AccountStatus::Active)
                .execute(&mut *conn)
                .await?;
        }
        None => {
            insert_account(
                conn,
                req.member_id,
                req.password_hash.as_deref(),
                AccountStatus::Active,
                now,
            )
            .await?;
        }
    }
    sqlx::query("UPDATE join_requests SET status = $4, decided_by = $1, decided_at = $2 WHERE member_id = $3 AND status = $5")
        .bind(by)
        .bind(now)
        .bind(req.member_id)
        .bind(JoinRequestStatus::Rejected)
        .bind(JoinRequestStatus::Pending)
        .execute(&mut *conn)
        .await?;
    // The phone the member gave becomes the register's phone (it is how they sign in).
    sqlx::query("UPDATE members SET phone = $1, updated_at = $2 WHERE id = $3")
        .bind(&req.phone)
        .bind(now)
        .bind(req.member_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn account_of_member(
    conn: &mut AnyConnection,
    member_id: i64,
) -> Result<Option<(i64, AccountStatus)>, AppError> {
    Ok(sqlx::query_as::<Any, (i64, AccountStatus)>("SELECT id, CASE WHEN blocked_by IS NOT NULL THEN 'blocked' ELSE status END AS status FROM accounts WHERE member_id = $1").bind(member_id).fetch_optional(conn).await?)
}

pub async fn insert_activation_code(
    conn: &mut AnyConnection,
    account_id: i64,
    code_hash: &str,
    purpose: ActivationPurpose,
    expires_at: i64,
    by: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    // Only the newest code of an account works.
    sqlx::query(
        "UPDATE activation_codes SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO activation_codes (account_id, code_hash, purpose, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(account_id)
        .bind(code_hash)
        .bind(purpose)
        .bind(expires_at)
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The account's one working code (unused, unexpired): id, argon2 hash, purpose.
pub async fn live_activation_code(
    db: &Db,
    account_id: i64,
    now: i64,
) -> Result<Option<(i64, String, ActivationPurpose)>, AppError> {
    Ok(sqlx::query_as::<Any, (i64, String, ActivationPurpose)>("SELECT id, code_hash, purpose FROM activation_codes WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY id DESC LIMIT 1")
        .bind(account_id)
        .bind(now)
        .fetch_optional(db.pool())
        .await?)
}

/// Counts a wrong try against a code, atomically; the code is void once it reaches `max`.
pub async fn code_failed(db: &Db, code_id: i64, max: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE activation_codes SET failed_attempts = failed_attempts + 1,
                used_at = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE used_at END
         WHERE id = $1",
    )
    .bind(code_id)
    .bind(max)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Marks a code used; `false` if another request used it first (single use under concurrency).
pub async fn use_activation_code(
    conn: &mut AnyConnection,
    code_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    Ok(
        sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(code_id)
            .execute(conn)
            .await?
            .rows_affected()
            == 1,
    )
}

/// A new password by code: passkeys registered before it go (the member registers again).
pub async fn delete_passkeys_of(
    conn: &mut AnyConnection,
    account_id: i64,
) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM passkeys WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// One row of `subject_of_member`: the member, their account if any, and one of its grants.
#[derive(sqlx::FromRow)]
struct SubjectRow {
    org_id: i64,
    path: OrgPath,
    position: Option<String>,
    account_id: Option<i64>,
    status: Option<AccountStatus>,
    role: Option<String>,
    grant_path: Option<OrgPath>,
}

/// Who a member is for the authority rule: their organisation, their admin / assistant /
/// editor grants and their cell position. Also their account (id, status), if any.
pub async fn subject_of_member(
    db: &Db,
    member_id: i64,
) -> Result<(i64, Subject, Option<(i64, AccountStatus)>), AppError> {
    let rows = sqlx::query_as::<Any, SubjectRow>(
        "SELECT m.org_id, o.path, m.position, a.id AS account_id, CASE WHEN a.blocked_by IS NOT NULL THEN 'blocked' ELSE a.status END AS status, g.role, go.path AS grant_path
         FROM members m JOIN organizations o ON o.id = m.org_id
         LEFT JOIN accounts a ON a.member_id = m.id
         LEFT JOIN role_grants g ON g.account_id = a.id
         LEFT JOIN organizations go ON go.id = g.org_id
         WHERE m.id = $1",
    )
    .bind(member_id)
    .fetch_all(db.pool())
    .await?;
    let Some(first) = rows.first() else {
        return Err(AppError::NotFound);
    };
    let org = first.path.clone();
    let mut grants = Vec::new();
    if let Some(role) = first.position.as_deref().and_then(Role::from_code) {
        grants.push(Grant {
            role,
            scope: org.clone(),
        });
    }
    for r in &rows {
        if let (Some(role), Some(scope)) = (&r.role, &r.grant_path) {
            let role = Role::from_code(role)
                .ok_or_else(|| AppError::internal(&format!("unknown role {role}")))?;
            grants.push(Grant {
                role,
                scope: scope.clone(),
            });
        }
    }
    // An account's status is never NULL, so an account always comes with one.
    let account = first.account_id.zip(first.status);
    Ok((
        first.org_id,
        Subject {
            member_id,
            org,
            grants,
        },
        account,
    ))
}

/// Sets the password and activates; `false` for an account an admin disabled (it stays so).
/// The member's undecided join requests are refused with it: approving one later would replace
/// the password just set.
pub async fn set_password_and_activate(
    conn: &mut AnyConnection,
    account_id: i64,
    hash: &str,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE accounts SET password_hash = $1, status = $4, updated_at = $2 WHERE id = $3 AND blocked_by IS NULL")
        .bind(hash)
        .bind(now)
        .bind(account_id)
        .bind(AccountStatus::Active)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    if done {
        sqlx::query("UPDATE join_requests SET status = $3, decided_at = $1 WHERE status = $4 AND member_id = (SELECT member_id FROM accounts WHERE id = $2)")
            .bind(now)
            .bind(account_id)
            .bind(JoinRequestStatus::Rejected)
            .bind(JoinRequestStatus::Pending)
            .execute(&mut *conn)
            .await?;
    }
    Ok(done)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ScopedMemberRow {
    #[sqlx(rename = "id")]
    pub member_id: i64,
    pub full_name: String,
    pub org_name: String,
    pub phone: Option<String>,
    #[sqlx(rename = "status")]
    pub account_status: Option<AccountStatus>,
}

/// Members in the caller's scopes, with their account status, for leaders handing out codes.
pub async fn members_in_scopes(
    db: &Db,
    scopes: &[OrgPath],
    name_query: Option<&str>,
) -> Result<Vec<ScopedMemberRow>, AppError> {
    let (clause, mut binds) = scope_clause("o.path", scopes, 1);
    let mut sql = format!(
        "SELECT m.id, m.full_name, o.name AS org_name, m.phone, CASE WHEN a.blocked_by IS NOT NULL THEN 'blocked' ELSE a.status END AS status FROM members m
         JOIN organizations o ON o.id = m.org_id LEFT JOIN accounts a ON a.member_id = m.id WHERE {clause}"
    );
    if let Some(q) = name_query.filter(|q| !q.trim().is_empty()) {
        binds.push(format!("%{}%", crate::domain::text::fold(q)));
        sql.push_str(&format!(" AND m.name_folded LIKE ${}", binds.len()));
    }
    sql.push_str(" ORDER BY o.path, m.full_name LIMIT 100");
    let mut query = sqlx::query_as::<Any, ScopedMemberRow>(&sql);
    for b in binds {
        query = query.bind(b);
    }
    Ok(query.fetch_all(db.pool()).await?)
}

pub async fn insert_contact_change(
    conn: &mut AnyConnection,
    member_id: i64,
    phone: Option<&str>,
    address: Option<&str>,
    now: i64,
) -> Result<i64, AppError> {
    sqlx::query("DELETE FROM contact_changes WHERE member_id = $1 AND status = $2")
        .bind(member_id)
        .bind(ContactChangeStatus::Pending)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar::<Any, i64>("INSERT INTO contact_changes (member_id, phone, address, status, created_at) VALUES ($1, $2, $3, $5, $4) RETURNING id")
        .bind(member_id)
        .bind(phone)
        .bind(address)
        .bind(now)
        .bind(ContactChangeStatus::Pending)
        .fetch_one(&mut *conn)
        .await?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContactChangeRow {
    pub id: i64,
    pub member_id: i64,
    pub full_name: String,
    pub org_name: String,
    pub old_phone: Option<String>,
    pub old_address: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

const CONTACT_SELECT: &str = "SELECT c.id, c.member_id, m.full_name, o.name AS org_name, o.path, m.phone AS old_phone, m.address AS old_address,
            c.phone, c.address
     FROM contact_changes c JOIN members m ON m.id = c.member_id JOIN organizations o ON o.id = m.org_id";

pub async fn pending_contact_changes(
    db: &Db,
    scopes: &[OrgPath],
) -> Result<Vec<ContactChangeRow>, AppError> {
    let (clause, binds) = scope_clause("o.path", scopes, 2);
    let sql = format!(
        "{CONTACT_SELECT} WHERE c.status = $1 AND {clause} ORDER BY c.created_at, c.id LIMIT 200"
    );
    let mut q = sqlx::query_as::<Any, ContactChangeRow>(&sql).bind(ContactChangeStatus::Pending);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.pool()).await?)
}

pub async fn pending_contact_change(db: &Db, id: i64) -> Result<ContactChangeRow, AppError> {
    Ok(sqlx::query_as::<Any, ContactChangeRow>(&format!(
        "{CONTACT_SELECT} WHERE c.id = $1 AND c.status = $2"
    ))
    .bind(id)
    .bind(ContactChangeStatus::Pending)
    .fetch_one(db.pool())
    .await?)
}

pub async fn my_pending_contact_change(
    db: &Db,
    member_id: i64,
) -> Result<Option<(Option<String>, Option<String>)>, AppError> {
    Ok(sqlx::query_as::<Any, (Option<String>, Option<String>)>(
        "SELECT phone, address FROM contact_changes WHERE member_id = $1 AND status = $2",
    )
    .bind(member_id)
    .bind(ContactChangeStatus::Pending)
    .fetch_optional(db.pool())
    .await?)
}

pub async fn decide_contact_change(
    conn: &mut AnyConnection,
    c: &ContactChangeRow,
    approve: bool,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE contact_changes SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
    )
    .bind(if approve {
        ContactChangeStatus::Approved
    } else {
        ContactChangeStatus::Rejected
    })
    .bind(by)
    .bind(now)
    .bind(c.id)
    .execute(&mut *conn)
    .await?;
    if approve {
        sqlx::query("UPDATE members SET phone = COALESCE($1, phone), address = COALESCE($2, address), updated_at = $3 WHERE id = $4")
            .bind(&c.phone)
            .bind(&c.address)
            .bind(now)
            .bind(c.member_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn insert_grant(
    conn: &mut AnyConnection,
    account_id: i64,
    org_id: i64,
    role: Role,
    by: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO role_grants (account_id, org_id, role, granted_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(account_id)
        .bind(org_id)
        .bind(role.code())
        .bind(by)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_grant(
    conn: &mut AnyConnection,
    account_id: i64,
    org_id: i64,
    role: Role,
) -> Result<u64, AppError> {
    Ok(
        sqlx::query("DELETE FROM role_grants WHERE account_id = $1 AND org_id = $2 AND role = $3")
            .bind(account_id)
            .bind(org_id)
            .bind(role.code())
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

pub async fn count_pending_join_requests(db: &Db, scopes: &[OrgPath]) -> Result<i64, AppError> {
    let (clause, binds) = scope_clause("o.path", scopes, 2);
    let sql = format!(
        "SELECT COUNT(*) AS n FROM join_requests j JOIN members m ON m.id = j.member_id JOIN organizations o ON o.id = m.org_id
         WHERE j.status = $1 AND {clause}"
    );
    let mut q = sqlx::query_scalar::<Any, i64>(&sql).bind(JoinRequestStatus::Pending);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_one(db.pool()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_clauses() {
        let (c, b) = scope_clause("o.path", &[], 1);
        assert_eq!(c, "1 = 0");
        assert!(b.is_empty());
        let scopes = [
            OrgPath::parse("/1/2/").unwrap(),
            OrgPath::parse("/1/9/").unwrap(),
        ];
        let (c, b) = scope_clause("o.path", &scopes, 3);
        assert_eq!(
            c,
            "((o.path >= $3 AND o.path < $4) OR (o.path >= $5 AND o.path < $6))"
        );
        assert_eq!(b, vec!["/1/2/", "/1/20", "/1/9/", "/1/90"]);
    }
}
