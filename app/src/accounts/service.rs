//! Account rules that need data: passwords, sign-in with throttling, join requests, activation
//! codes, contact changes, role grants. Server functions call these after parsing input and
//! checking permission; each write that matters lands in the audit log.

use super::repo;
pub use super::repo::{insert_account, insert_grant, load_current_user, member_for_identifier};
use crate::domain::account::{self, Identifier, ThrottleKind, ACTIVATION_CODE_DAYS};
use crate::domain::account::{AccountStatus, ActivationPurpose};
use crate::domain::account::{ActivationDraft, ContactChangeDraft, JoinDraft};
use crate::domain::audit::AuditAction;
use crate::domain::permission::{self, Action, Role};
use crate::platform::audit::{self, AuditEntry};
use crate::platform::clock::now_unix;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::session::{hash_token, new_token, CurrentUser};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use sqlx::Connection;
use std::sync::OnceLock;

fn form_error(key: &str) -> AppError {
    AppError::field("form", key)
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::internal(&e))?
    .map_err(|e| AppError::internal(&e))
}

/// A hash to verify against when there is no account, so a wrong phone number takes as long
/// as a wrong password and timing reveals nothing.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"decoy password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

pub async fn verify_password(hash: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| decoy_hash().to_string());
        match PasswordHash::new(&hash) {
            Ok(parsed) => verify_reusing_memory(password.as_bytes(), &parsed),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false)
}

/// What `Argon2::verify_password` does, but with one work area (19 MiB with the defaults) kept
/// per blocking thread instead of one allocated per sign-in: allocating it each time either left
/// it in malloc's arenas (the server sat at 740 MB after a burst of sign-ins) or, with big blocks
/// mapped and unmapped, paid a page fault per 4 KiB (50 → 33 sign-ins a second per core).
/// docs/BENCHMARKS.md, "Server suite".
fn verify_reusing_memory(password: &[u8], hash: &PasswordHash<'_>) -> bool {
    use argon2::{Algorithm, Block, Params, Version};
    use std::cell::RefCell;
    thread_local! {
        static WORK: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    }
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    let computed = WORK.with(|work| {
        let mut work = work.borrow_mut();
        if work.len() < blocks {
            work.resize(blocks, Block::default());
        }
        argon
            .hash_password_into_with_memory(password, salt, &mut out, &mut work[..blocks])
            .is_ok()
    });
    // `Output`'s equality is constant-time.
    computed && argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

/// Who a member is for the authority rule (`permission::may_act_on`), and their account (id,
/// status) if any. Other features ask here rather than reading this feature's tables.
pub async fn subject_of_member(
    db: &Db,
    member_id: i64,
) -> Result<(i64, permission::Subject, Option<(i64, AccountStatus)>), AppError> {
    repo::subject_of_member(db, member_id).await
}

/// Holds the answer to an address that failed too often lately (never a refusal: many members
/// share a carrier's address).
pub async fn slow_down_address(db: &Db, ip_key: Option<&str>, now: i64) -> Result<(), AppError> {
    if let Some(k) = ip_key {
        let delay = account::address_delay_ms(repo::throttle_state(db, k).await?, now);
        if delay > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        }
    }
    Ok(())
}

/// One failure against an identifier (which locks) and its address (which only slows).
async fn count_failures(
    db: &Db,
    id_key: &str,
    ip_key: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    repo::count_failure(db, id_key, ThrottleKind::Identifier, now).await?;
    if let Some(k) = ip_key {
        repo::count_failure(db, k, ThrottleKind::Address, now).await?;
    }
    Ok(())
}

/// Signs in and returns the new session token. Failures are counted per identifier (which locks)
/// and per client address (which only slows); the message never says whether the number exists.
pub async fn sign_in(
    db: &Db,
    identifier: &str,
    password: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<String, AppError> {
    let id = Identifier::parse(identifier).map_err(|key| AppError::field("identifier", key))?;
    if password.is_empty() {
        return Err(AppError::field("password", "err_password_empty"));
    }
    let now = now_unix();
    let id_key = id.throttle_key();
    let ip_key = ip
        .as_ref()
        .map(|a| format!("ip:{}", crate::domain::net::throttle_address(a)));
    slow_down_address(db, ip_key.as_deref(), now).await?;
    if account::wait_seconds(repo::throttle_state(db, &id_key).await?, now) > 0 {
        // An attempt on a locked identifier is a failure too: a burst counts whole.
        count_failures(db, &id_key, ip_key.as_deref(), now).await?;
        return Err(form_error("err_sign_in_locked"));
    }
    let row = repo::account_for_identifier(db, &id).await?;
    let ok = verify_password(
        row.as_ref().and_then(|r| r.password_hash.clone()),
        password.to_string(),
    )
    .await;
    // Never hold a pooled connection while asking the pool for another: under a burst every
    // request would hold one and wait for a second (the pool runs dry and all of them time out).
    if !ok {
        count_failures(db, &id_key, ip_key.as_deref(), now).await?;
        audit::record(
            &mut *db.pool().acquire().await?,
            AuditEntry {
                actor_account_id: row.as_ref().map(|r| r.account_id),
                ip: ip.clone(),
                ..AuditEntry::new(AuditAction::SignInFailed)
            },
        )
        .await?;
        return Err(form_error("err_sign_in_failed"));
    }
    let row = row.expect("a verified password has an account");
    // The password is right, so telling the person about their own account reveals nothing.
    match row.status {
        AccountStatus::Active => {}
        AccountStatus::Pending => return Err(form_error("err_account_pending")),
        AccountStatus::Rejected => return Err(form_error("err_account_rejected")),
        AccountStatus::Disabled | AccountStatus::Blocked => {
            return Err(form_error("err_account_disabled"))
        }
    }
    repo::clear_throttle(db, &id_key).await?;
    let token = new_token();
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    repo::create_session(
        &mut tx,
        row.account_id,
        &hash_token(&token),
        now,
        user_agent.as_deref(),
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(row.account_id),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(row.account_id),
            org_id: Some(row.org_id),
            ip,
            ..AuditEntry::new(AuditAction::SignIn)
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn sign_out(db: &Db, user: &CurrentUser, everywhere: bool) -> Result<(), AppError> {
    if !everywhere {
        repo::delete_session(db, &user.token_hash).await?;
    }
    let mut conn = db.pool().acquire().await?;
    if everywhere {
        repo::delete_sessions_of(&mut conn, user.actor.account_id).await?;
    }
    audit::record(
        &mut conn,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            ..AuditEntry::new(if everywhere {
                AuditAction::SignOutEverywhere
            } else {
                AuditAction::SignOut
            })
        },
    )
    .await
}

/// A member without an account asks to join: matched against the register by member code, or by
/// CCCD and birth date, with the password they choose. The answer is the same whether or not the
/// details match a member, and whether or not that member has an account, so the form reveals
/// nothing about the register. A request never changes an existing account: it waits, with its
/// own password, until leadership approves it; a member who already has an active account gets
/// no request but a notice ("someone asked to join with your details"). Throttled per address
/// (an error the sender sees) and per member (silently: the answer must not differ).
pub async fn request_join(db: &Db, join: &JoinDraft, ip: Option<String>) -> Result<(), AppError> {
    let phone = join.phone.as_str();
    let now = now_unix();
    if let Some(addr) = &ip {
        let state = repo::count_failure(
            db,
            &format!("join:ip:{}", crate::domain::net::throttle_address(addr)),
            ThrottleKind::Address,
            now,
        )
        .await?;
        if state.failures > account::JOIN_REQUESTS_PER_ADDRESS {
            return Err(form_error("err_join_too_many"));
        }
    }
    // Hashed whatever happens next, so a match costs the same time as no match.
    let hash = hash_password(join.password.clone()).await?;
    let matched = repo::match_member(db, &join.member).await?;
    let Some(m) = matched else {
        return Ok(());
    };
    let per_member = repo::count_failure(
        db,
        &format!("join:m:{}", m.member_id),
        ThrottleKind::Address,
        now,
    )
    .await?;
    if per_member.failures > account::JOIN_REQUESTS_PER_MEMBER {
        return Ok(());
    }
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    if m.account_status == Some(AccountStatus::Active) {
        let subject = crate::i18n::td_string!(crate::i18n::Locale::vi, sec_join_with_your_details)
            .to_string();
        crate::notifications::service::notify_members(
            &mut tx,
            crate::domain::notification::NotificationKind::AccountSecurity,
            &[m.member_id],
            crate::domain::notification::NotificationRef::Account,
            m.member_id,
            &subject,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            AuditEntry {
                target_type: Some(crate::domain::audit::AuditTarget::Member),
                target_id: Some(m.member_id),
                org_id: Some(m.org_id),
                on_behalf_of: Some(m.member_id),
                detail: Some(phone.to_string()),
                ip,
                ..AuditEntry::new(AuditAction::JoinRequestedForActiveAccount)
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let id =
        repo::insert_join_request(&mut tx, m.member_id, phone, &hash, ip.as_deref(), now).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            target_type: Some(crate::domain::audit::AuditTarget::JoinRequest),
            target_id: Some(id),
            org_id: Some(m.org_id),
            on_behalf_of: Some(m.member_id),
            ip,
            ..AuditEntry::new(AuditAction::JoinRequested)
        },
    )
    .await?;
    // The cell's leadership hears of it at once (their notification centre, and push).
    let leaders = repo::cell_leaders_and_name(&mut tx, m.org_id, m.member_id).await?;
    crate::notifications::service::notify_members(
        &mut tx,
        crate::domain::notification::NotificationKind::JoinRequest,
        &leaders.0,
        crate::domain::notification::NotificationRef::JoinRequest,
        id,
        &leaders.1,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn decide_join_request(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    approve: bool,
    reason: Option<String>,
    ip: Option<String>,
) -> Result<(), AppError> {
    let req = repo::pending_join_request(db, id).await?;
    let (_, subject, account) = repo::subject_of_member(db, req.member_id).await?;
    if !permission::may_act_on(&user.actor, Action::DecideJoinRequest, &subject) {
        return Err(AppError::Forbidden);
    }
    // A request never replaces the password of an account in use (or one an admin disabled):
    // the member asks their secretary for a reset code instead.
    if approve {
        match account.as_ref().map(|(_, s)| *s) {
            Some(AccountStatus::Active) => return Err(form_error("err_join_account_active")),
            Some(AccountStatus::Blocked) => return Err(form_error("err_account_blocked")),
            _ => {}
        }
    }
    if !approve && reason.as_deref().map(str::trim).unwrap_or("").is_empty() {
        return Err(AppError::field("reason", "err_reason_required"));
    }
    let now = now_unix();
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    repo::decide_join_request(
        &mut tx,
        &req,
        approve,
        reason.as_deref().map(str::trim),
        user.actor.account_id,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            on_behalf_of: Some(req.member_id),
            target_type: Some(crate::domain::audit::AuditTarget::JoinRequest),
            target_id: Some(id),
            org_id: Some(req.org_id),
            detail: reason,
            ip,
            ..AuditEntry::new(if approve {
                AuditAction::JoinApproved
            } else {
                AuditAction::JoinRejected
            })
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A one-time code: eight random digits, read out over the phone as easily as typed.
fn fresh_code() -> String {
    use rand::Rng;
    let n: u32 = rand::rng().random_range(0..100_000_000);
    format!("{n:08}")
}

/// The first admin of a new deployment (`sotay init`): an account for `member_id` waiting for
/// its password, an admin grant over `org_id`, and a one-time activation code, all in the
/// caller's transaction. There is no issuer: the operator at the server's console.
/// Returns the account id, the code and when it expires.
pub async fn bootstrap_admin(
    conn: &mut sqlx::AnyConnection,
    member_id: i64,
    org_id: i64,
    now: i64,
) -> Result<(i64, String, i64), AppError> {
    let code = fresh_code();
    let code_hash = hash_password(code.clone()).await?;
    let expires = now + ACTIVATION_CODE_DAYS * 86_400;
    let account_id =
        repo::insert_account(conn, member_id, None, AccountStatus::Disabled, now).await?;
    repo::insert_grant(conn, account_id, org_id, Role::Admin, None, now).await?;
    repo::insert_activation_code(
        conn,
        account_id,
        &code_hash,
        ActivationPurpose::Activate,
        expires,
        None,
        now,
    )
    .await?;
    Ok((account_id, code, expires))
}

/// A fresh code for an account from the server's console (`sotay init --new-code`): as
/// `issue_activation_code`, with the operator (`who`, console user and host) in place of an
/// issuer. Returns the code and when it expires.
pub async fn console_code(
    db: &Db,
    account_id: i64,
    member_id: i64,
    org_id: i64,
    who: &str,
    now: i64,
) -> Result<(String, i64), AppError> {
    let code = fresh_code();
    let code_hash = hash_password(code.clone()).await?;
    let expires = now + ACTIVATION_CODE_DAYS * 86_400;
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let purpose = match repo::account_of_member(&mut tx, member_id).await? {
        Some((_, AccountStatus::Blocked)) => {
            return Err(AppError::field("admin-phone", "err_account_blocked"))
        }
        Some((_, AccountStatus::Active)) => ActivationPurpose::Reset,
        _ => ActivationPurpose::Activate,
    };
    repo::insert_activation_code(&mut tx, account_id, &code_hash, purpose, expires, None, now)
        .await?;
    if purpose == ActivationPurpose::Reset {
        let subject = format!(
            "{}: {who}",
            crate::i18n::td_string!(crate::i18n::Locale::vi, sec_reset_code_issued)
        );
        crate::notifications::service::notify_members(
            &mut tx,
            crate::domain::notification::NotificationKind::AccountSecurity,
            &[member_id],
            crate::domain::notification::NotificationRef::Account,
            member_id,
            &subject,
            now,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            on_behalf_of: Some(member_id),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(account_id),
            org_id: Some(org_id),
            detail: Some("console".to_string()),
            ip: Some(who.to_string()),
            ..AuditEntry::new(match purpose {
                ActivationPurpose::Reset => AuditAction::ResetCodeIssued,
                ActivationPurpose::Activate => AuditAction::ActivationCodeIssued,
            })
        },
    )
    .await?;
    tx.commit().await?;
    Ok((code, expires))
}

/// Creates the member's account if needed and issues a fresh one-time code (7 days), stored as
/// an argon2id hash. For an active account the code resets the password, and the member is told
/// at once (notification and push) who issued it. Only for a person the issuer has authority
/// over (`permission::may_act_on`).
pub async fn issue_activation_code(
    db: &Db,
    user: &CurrentUser,
    member_id: i64,
    ip: Option<String>,
) -> Result<(String, i64), AppError> {
    let (org_id, subject, _) = repo::subject_of_member(db, member_id).await?;
    if !permission::may_act_on(&user.actor, Action::IssueActivationCode, &subject) {
        return Err(AppError::Forbidden);
    }
    crate::platform::session::require_recent_verification(user, now_unix())?;
    let code = fresh_code();
    let code_hash = hash_password(code.clone()).await?;
    let now = now_unix();
    let expires = now + ACTIVATION_CODE_DAYS * 86_400;
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let (account_id, purpose) = match repo::account_of_member(&mut tx, member_id).await? {
        // Disabled by an admin: only an admin enables it again, no code reopens it.
        Some((_, AccountStatus::Blocked)) => {
            return Err(AppError::field("member_id", "err_account_blocked"))
        }
        Some((id, AccountStatus::Active)) => (id, ActivationPurpose::Reset),
        Some((id, _)) => (id, ActivationPurpose::Activate),
        None => (
            repo::insert_account(&mut tx, member_id, None, AccountStatus::Disabled, now).await?,
            ActivationPurpose::Activate,
        ),
    };
    repo::insert_activation_code(
        &mut tx,
        account_id,
        &code_hash,
        purpose,
        expires,
        Some(user.actor.account_id),
        now,
    )
    .await?;
    if purpose == ActivationPurpose::Reset {
        let subject = format!(
            "{}: {}",
            crate::i18n::td_string!(crate::i18n::Locale::vi, sec_reset_code_issued),
            user.full_name
        );
        crate::notifications::service::notify_members(
            &mut tx,
            crate::domain::notification::NotificationKind::AccountSecurity,
            &[member_id],
            crate::domain::notification::NotificationRef::Account,
            member_id,
            &subject,
            now,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            on_behalf_of: Some(member_id),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(account_id),
            org_id: Some(org_id),
            ip,
            ..AuditEntry::new(match purpose {
                ActivationPurpose::Reset => AuditAction::ResetCodeIssued,
                ActivationPurpose::Activate => AuditAction::ActivationCodeIssued,
            })
        },
    )
    .await?;
    tx.commit().await?;
    Ok((code, expires))
}

/// A member uses a code to set their password; returns a new session token. Wrong codes count
/// against the identifier (which locks) and against the code (void after a few), and the
/// code works once. A new password ends every session and removes the account's passkeys.
pub async fn activate(
    db: &Db,
    draft: &ActivationDraft,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<String, AppError> {
    let id = &draft.identifier;
    let code = draft.code.clone();
    let now = now_unix();
    let id_key = format!("code:{}", id.throttle_key());
    let ip_key = ip
        .as_ref()
        .map(|a| format!("ip:{}", crate::domain::net::throttle_address(a)));
    slow_down_address(db, ip_key.as_deref(), now).await?;
    if account::wait_seconds(repo::throttle_state(db, &id_key).await?, now) > 0 {
        count_failures(db, &id_key, ip_key.as_deref(), now).await?;
        return Err(form_error("err_sign_in_locked"));
    }
    let live = match repo::member_for_identifier(db, id).await? {
        Some((_, Some(account_id))) => repo::live_activation_code(db, account_id, now)
            .await?
            .map(|c| (account_id, c)),
        _ => None,
    };
    // Verified against a decoy when there is no code, so timing says nothing.
    let ok = verify_password(
        live.as_ref().map(|(_, (_, hash, _))| hash.clone()),
        code.clone(),
    )
    .await;
    let Some((account_id, (code_id, _, purpose))) = live.clone().filter(|_| ok) else {
        if let Some((_, (code_id, _, _))) = &live {
            repo::code_failed(db, *code_id, account::CODE_MAX_FAILED_ATTEMPTS, now).await?;
        }
        count_failures(db, &id_key, ip_key.as_deref(), now).await?;
        return Err(AppError::field("code", "err_code_invalid"));
    };
    let hash = hash_password(draft.password.clone()).await?;
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    if !repo::use_activation_code(&mut tx, code_id, now).await? {
        return Err(AppError::field("code", "err_code_invalid"));
    }
    if !repo::set_password_and_activate(&mut tx, account_id, &hash, now).await? {
        return Err(AppError::field("code", "err_code_invalid"));
    }
    // A new password ends every other session and every passkey (a lost phone keeps nothing).
    repo::delete_sessions_of(&mut tx, account_id).await?;
    let passkeys = repo::delete_passkeys_of(&mut tx, account_id).await?;
    let token = new_token();
    repo::create_session(
        &mut tx,
        account_id,
        &hash_token(&token),
        now,
        user_agent.as_deref(),
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(account_id),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(account_id),
            detail: (passkeys > 0).then(|| format!("passkeys_removed={passkeys}")),
            ip,
            ..AuditEntry::new(match purpose {
                ActivationPurpose::Reset => AuditAction::PasswordReset,
                ActivationPurpose::Activate => AuditAction::AccountActivated,
            })
        },
    )
    .await?;
    tx.commit().await?;
    repo::clear_throttle(db, &id_key).await?;
    Ok(token)
}

/// The signed-in person proves their password again (before granting roles, issuing codes or
/// applying an import). Wrong tries count like sign-in failures of the account.
pub async fn confirm_password(
    db: &Db,
    user: &CurrentUser,
    password: &str,
    ip: Option<String>,
) -> Result<(), AppError> {
    if password.is_empty() {
        return Err(AppError::field("password", "err_password_empty"));
    }
    let now = now_unix();
    let key = format!("acct:{}", user.actor.account_id);
    if account::wait_seconds(repo::throttle_state(db, &key).await?, now) > 0 {
        return Err(form_error("err_sign_in_locked"));
    }
    if !verify_password(
        repo::password_hash(db, user.actor.account_id).await?,
        password.to_string(),
    )
    .await
    {
        repo::count_failure(db, &key, ThrottleKind::Identifier, now).await?;
        return Err(AppError::field("password", "err_password_wrong"));
    }
    repo::clear_throttle(db, &key).await?;
    repo::mark_verified(db, &user.token_hash, now).await?;
    let mut conn = db.pool().acquire().await?;
    audit::record(
        &mut conn,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            ip,
            ..AuditEntry::new(AuditAction::PasswordConfirmed)
        },
    )
    .await
}

/// An admin disables a person's account (every session ends at once) or enables it again.
pub async fn set_account_disabled(
    db: &Db,
    user: &CurrentUser,
    member_id: i64,
    disabled: bool,
    ip: Option<String>,
) -> Result<(), AppError> {
    let (org_id, subject, account) = repo::subject_of_member(db, member_id).await?;
    if !permission::may_act_on(&user.actor, Action::DisableAccount, &subject) {
        return Err(AppError::Forbidden);
    }
    let now = now_unix();
    crate::platform::session::require_recent_verification(user, now)?;
    let Some((account_id, _)) = account else {
        return Err(AppError::field("member_id", "err_member_no_account"));
    };
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    if repo::set_disabled(&mut tx, account_id, disabled, user.actor.account_id, now).await? == 0 {
        return Err(AppError::field("member_id", "err_invalid_value"));
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            on_behalf_of: Some(member_id),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(account_id),
            org_id: Some(org_id),
            ip,
            ..AuditEntry::new(if disabled {
                AuditAction::AccountDisabled
            } else {
                AuditAction::AccountEnabled
            })
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The member proposes a new phone and/or address; the secretary confirms it. A newer proposal
/// replaces one still waiting.
pub async fn request_contact_change(
    db: &Db,
    user: &CurrentUser,
    change: &ContactChangeDraft,
) -> Result<(), AppError> {
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    let id = repo::insert_contact_change(
        &mut tx,
        user.actor.member_id,
        change.phone.as_ref().map(|p| p.as_str()),
        change.address.as_deref(),
        now_unix(),
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            target_type: Some(crate::domain::audit::AuditTarget::ContactChange),
            target_id: Some(id),
            ..AuditEntry::new(AuditAction::ContactChangeRequested)
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn decide_contact_change(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    approve: bool,
    ip: Option<String>,
) -> Result<(), AppError> {
    let change = repo::pending_contact_change(db, id).await?;
    let (org_id, subject, _) = repo::subject_of_member(db, change.member_id).await?;
    if !permission::may_act_on(&user.actor, Action::DecideContactChange, &subject) {
        return Err(AppError::Forbidden);
    }
    let now = now_unix();
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    repo::decide_contact_change(&mut tx, &change, approve, user.actor.account_id, now).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            on_behalf_of: Some(change.member_id),
            target_type: Some(crate::domain::audit::AuditTarget::Member),
            target_id: Some(change.member_id),
            org_id: Some(org_id),
            detail: Some(format!(
                "phone={:?} address={:?}",
                change.phone, change.address
            )),
            ip,
            ..AuditEntry::new(if approve {
                AuditAction::ContactChangeApproved
            } else {
                AuditAction::ContactChangeRejected
            })
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Grants or revokes admin / assistant / editor over an organisation's subtree. The granter needs
/// `ManageRole` over that organisation, and authority over the person (`permission::may_act_on`:
/// the member sits inside the granter's tree and holds nothing at or above the granter's scope,
/// so an admin cannot revoke an admin of the same or a higher scope).
pub async fn set_role(
    db: &Db,
    user: &CurrentUser,
    member_id: i64,
    org_id: i64,
    role: Role,
    grant: bool,
    ip: Option<String>,
) -> Result<(), AppError> {
    if !role.is_grantable() {
        return Err(AppError::field("role", "err_invalid_value"));
    }
    let org = crate::register::service::org_by_id(db, org_id).await?;
    if !permission::may(&user.actor, Action::ManageRole(role), &org.path) {
        return Err(AppError::Forbidden);
    }
    let (_, subject, account) = repo::subject_of_member(db, member_id).await?;
    if !permission::may_act_on(&user.actor, Action::ManageRole(role), &subject) {
        return Err(AppError::Forbidden);
    }
    crate::platform::session::require_recent_verification(user, now_unix())?;
    let Some((account_id, _)) = account else {
        return Err(AppError::field("member_id", "err_member_no_account"));
    };
    let now = now_unix();
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    if grant {
        repo::insert_grant(
            &mut tx,
            account_id,
            org_id,
            role,
            Some(user.actor.account_id),
            now,
        )
        .await?;
    } else if repo::delete_grant(&mut tx, account_id, org_id, role).await? == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            on_behalf_of: Some(member_id),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(account_id),
            org_id: Some(org_id),
            detail: Some(role.code().to_string()),
            ip,
            ..AuditEntry::new(if grant {
                AuditAction::RoleGranted
            } else {
                AuditAction::RoleRevoked
            })
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[test]
    fn verifying_with_a_reused_work_area_agrees_with_the_crate() {
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::default()
            .hash_password(b"sotay2026", &salt)
            .unwrap()
            .to_string();
        let parsed = PasswordHash::new(&stored).unwrap();
        assert!(Argon2::default()
            .verify_password(b"sotay2026", &parsed)
            .is_ok());
        // Twice on the same thread: the second run reuses the first one's work area.
        assert!(verify_reusing_memory(b"sotay2026", &parsed));
        assert!(verify_reusing_memory(b"sotay2026", &parsed));
        assert!(!verify_reusing_memory(b"sotay2027", &parsed));
        // Other parameters (a smaller work area) still verify correctly after a larger one.
        let small = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(1024, 1, 1, None).unwrap(),
        );
        let stored_small = small.hash_password(b"mat khau", &salt).unwrap().to_string();
        let parsed_small = PasswordHash::new(&stored_small).unwrap();
        assert!(verify_reusing_memory(b"mat khau", &parsed_small));
        assert!(!verify_reusing_memory(b"mat khau!", &parsed_small));
        assert!(!verify_reusing_memory(b"", &parsed_small));
    }
}
