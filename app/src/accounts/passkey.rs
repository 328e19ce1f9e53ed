//! Passkeys (WebAuthn) as an optional second way to sign in: a fingerprint or face unlock
//! replaces the password on phones that support it. webauthn-rs does the cryptography; we keep
//! the credentials and the short-lived challenge states.

use super::repo;
use crate::domain::account::{self, Identifier};
use crate::domain::audit::AuditAction;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::clock::now_unix;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::session::{hash_token, new_token, CurrentUser};
use sqlx::{Any, Connection};
use std::sync::OnceLock;
use webauthn_rs::prelude::*;

const CHALLENGE_SECS: i64 = 300;

/// The relying party: the site's public origin (SOTAY_PUBLIC_URL, else http://localhost:PORT
/// from LEPTOS_SITE_ADDR). WebAuthn needs a domain name, so 127.0.0.1 becomes localhost.
pub fn public_origin() -> String {
    if let Ok(url) = std::env::var("SOTAY_PUBLIC_URL") {
        return url.trim_end_matches('/').to_string();
    }
    let addr = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let port = addr.rsplit(':').next().unwrap_or("3000");
    format!("http://localhost:{port}")
}

fn webauthn() -> Result<&'static Webauthn, AppError> {
    static WEBAUTHN: OnceLock<Option<Webauthn>> = OnceLock::new();
    WEBAUTHN
        .get_or_init(|| {
            let origin = Url::parse(&public_origin()).ok()?;
            let rp_id = origin.host_str()?.to_string();
            WebauthnBuilder::new(&rp_id, &origin)
                .ok()?
                .rp_name("So tay Dang vien")
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| AppError::internal(&"SOTAY_PUBLIC_URL is not a valid origin for passkeys"))
}

fn user_uuid(account_id: i64) -> Uuid {
    // Stable per account, and not the member's personal data.
    Uuid::from_u64_pair(0x534f_5441_5900_0000, account_id as u64)
}

fn bad_credential() -> AppError {
    AppError::field("form", "err_passkey_failed")
}

async fn passkeys_of(db: &Db, account_id: i64) -> Result<Vec<(i64, Passkey)>, AppError> {
    let rows = sqlx::query_as::<Any, (i64, String)>(
        "SELECT id, passkey FROM passkeys WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|(id, json)| {
            Ok((
                id,
                serde_json::from_str(&json).map_err(|e| AppError::internal(&e))?,
            ))
        })
        .collect()
}

async fn save_challenge(
    db: &Db,
    account_id: i64,
    kind: &str,
    state: String,
) -> Result<String, AppError> {
    let now = now_unix();
    sqlx::query("DELETE FROM webauthn_challenges WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    let id = new_token();
    sqlx::query("INSERT INTO webauthn_challenges (id, account_id, kind, state, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash_token(&id))
        .bind(account_id)
        .bind(kind)
        .bind(state)
        .bind(now + CHALLENGE_SECS)
        .execute(db.pool())
        .await?;
    Ok(id)
}

/// Takes (and so uses up) a challenge: its account and state.
async fn take_challenge(db: &Db, id: &str, kind: &str) -> Result<(i64, String), AppError> {
    let key = hash_token(id);
    let row = sqlx::query_as::<Any, (i64, String)>("SELECT account_id, state FROM webauthn_challenges WHERE id = $1 AND kind = $2 AND expires_at >= $3")
        .bind(&key)
        .bind(kind)
        .bind(now_unix())
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| AppError::field("form", "err_passkey_expired"))?;
    sqlx::query("DELETE FROM webauthn_challenges WHERE id = $1")
        .bind(&key)
        .execute(db.pool())
        .await?;
    Ok(row)
}

/// Starts adding a passkey to the signed-in account: (challenge id, options for the browser).
pub async fn start_registration(db: &Db, user: &CurrentUser) -> Result<(String, String), AppError> {
    let existing = passkeys_of(db, user.actor.account_id).await?;
    let exclude: Vec<CredentialID> = existing.iter().map(|(_, p)| p.cred_id().clone()).collect();
    let (options, state) = webauthn()?
        .start_passkey_registration(
            user_uuid(user.actor.account_id),
            &user.full_name,
            &user.full_name,
            Some(exclude),
        )
        .map_err(|e| AppError::internal(&e))?;
    let id = save_challenge(
        db,
        user.actor.account_id,
        "register",
        serde_json::to_string(&state).map_err(|e| AppError::internal(&e))?,
    )
    .await?;
    Ok((
        id,
        serde_json::to_string(&options).map_err(|e| AppError::internal(&e))?,
    ))
}

pub async fn finish_registration(
    db: &Db,
    user: &CurrentUser,
    challenge: &str,
    credential: &str,
) -> Result<(), AppError> {
    let (account_id, state) = take_challenge(db, challenge, "register").await?;
    if account_id != user.actor.account_id {
        return Err(AppError::Forbidden);
    }
    let state: PasskeyRegistration =
        serde_json::from_str(&state).map_err(|e| AppError::internal(&e))?;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_str(credential).map_err(|_| bad_credential())?;
    let passkey = webauthn()?
        .finish_passkey_registration(&credential, &state)
        .map_err(|_| bad_credential())?;
    let cred_id = serde_json::to_value(passkey.cred_id())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("INSERT INTO passkeys (account_id, credential_id, passkey, created_at) VALUES ($1, $2, $3, $4)")
        .bind(account_id)
        .bind(cred_id)
        .bind(serde_json::to_string(&passkey).map_err(|e| AppError::internal(&e))?)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(account_id),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(account_id),
            ..AuditEntry::new(AuditAction::PasskeyAdded)
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Starts signing in with a passkey for the account an identifier names. The refusal is the
/// same whether the number is unknown or simply has no passkey.
pub async fn start_authentication(db: &Db, identifier: &str) -> Result<(String, String), AppError> {
    let id = Identifier::parse(identifier).map_err(|key| AppError::field("identifier", key))?;
    let state = repo::throttle_state(db, &id.throttle_key()).await?;
    if account::wait_seconds(state, now_unix()) > 0 {
        return Err(AppError::field("form", "err_sign_in_locked"));
    }
    let row = repo::account_for_identifier(db, &id)
        .await?
        .filter(|r| r.status == crate::domain::account::AccountStatus::Active);
    let Some(row) = row else {
        return Err(AppError::field("form", "err_passkey_none"));
    };
    // Failed passkey assertions count against the account (`finish_authentication`).
    if account::wait_seconds(
        repo::throttle_state(db, &format!("acct:{}", row.account_id)).await?,
        now_unix(),
    ) > 0
    {
        return Err(AppError::field("form", "err_sign_in_locked"));
    }
    let passkeys: Vec<Passkey> = passkeys_of(db, row.account_id)
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    if passkeys.is_empty() {
        return Err(AppError::field("form", "err_passkey_none"));
    }
    let (options, state) = webauthn()?
        .start_passkey_authentication(&passkeys)
        .map_err(|e| AppError::internal(&e))?;
    let cid = save_challenge(
        db,
        row.account_id,
        "authenticate",
        serde_json::to_string(&state).map_err(|e| AppError::internal(&e))?,
    )
    .await?;
    Ok((
        cid,
        serde_json::to_string(&options).map_err(|e| AppError::internal(&e))?,
    ))
}

/// Verifies the signed challenge and opens a session; returns the session token.
pub async fn finish_authentication(
    db: &Db,
    challenge: &str,
    credential: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<String, AppError> {
    let (account_id, state) = take_challenge(db, challenge, "authenticate").await?;
    let state: PasskeyAuthentication =
        serde_json::from_str(&state).map_err(|e| AppError::internal(&e))?;
    let credential: PublicKeyCredential =
        serde_json::from_str(credential).map_err(|_| bad_credential())?;
    let result = match webauthn()?.finish_passkey_authentication(&credential, &state) {
        Ok(r) => r,
        Err(_) => {
            let now = now_unix();
            repo::count_failure(
                db,
                &format!("acct:{account_id}"),
                account::ThrottleKind::Identifier,
                now,
            )
            .await?;
            if let Some(addr) = &ip {
                repo::count_failure(
                    db,
                    &format!("ip:{}", crate::domain::net::throttle_address(addr)),
                    account::ThrottleKind::Address,
                    now,
                )
                .await?;
            }
            audit::record(
                &mut *db.pool().acquire().await?,
                AuditEntry {
                    actor_account_id: Some(account_id),
                    detail: Some("passkey".into()),
                    ip,
                    ..AuditEntry::new(AuditAction::SignInFailed)
                },
            )
            .await?;
            return Err(bad_credential());
        }
    };
    let now = now_unix();
    let stored = passkeys_of(db, account_id).await?;
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    for (id, mut passkey) in stored {
        if passkey.cred_id() == result.cred_id() {
            passkey.update_credential(&result);
            sqlx::query("UPDATE passkeys SET passkey = $1, last_used_at = $2 WHERE id = $3")
                .bind(serde_json::to_string(&passkey).map_err(|e| AppError::internal(&e))?)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
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
            detail: Some("passkey".into()),
            target_type: Some(crate::domain::audit::AuditTarget::Account),
            target_id: Some(account_id),
            ip,
            ..AuditEntry::new(AuditAction::SignIn)
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn count(db: &Db, account_id: i64) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) AS n FROM passkeys WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(db.pool())
            .await?,
    )
}

pub async fn remove_all(db: &Db, user: &CurrentUser) -> Result<(), AppError> {
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("DELETE FROM passkeys WHERE account_id = $1")
        .bind(user.actor.account_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            ..AuditEntry::new(AuditAction::PasskeysRemoved)
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn origins() {
        // Without SOTAY_PUBLIC_URL the origin is localhost on the site's port.
        if std::env::var("SOTAY_PUBLIC_URL").is_err() {
            std::env::set_var("LEPTOS_SITE_ADDR", "127.0.0.1:3999");
            assert_eq!(super::public_origin(), "http://localhost:3999");
        }
        assert_ne!(super::user_uuid(1), super::user_uuid(2));
    }
}
