//! Accounts: sign-in, sessions, joining, activation codes, preferences, the member's own
//! profile, and leadership's account work. Server functions are thin: parse input into domain
//! types, ask `domain::permission`, call `service`, return typed data.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod passkey;
#[cfg(feature = "hydrate")]
pub mod passkey_js;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::account::Preferences;
use crate::domain::permission::Role;
use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::platform::visitor::{Contact, RoleView, SessionView, UserView};

#[cfg(feature = "ssr")]
fn user_agent() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|p| {
        p.headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    })
}

/// Only same-site paths may be a `next` target (no open redirects): a single `/` followed by a
/// path character, nothing a browser could read as another host (`//`, `/\`, a backslash or any
/// control character anywhere — browsers drop tabs and newlines before resolving — or their
/// percent-encoded forms), and never the server functions. Anything else falls back to `/`.
pub fn safe_next(next: &str) -> String {
    let lower = next.to_ascii_lowercase();
    let hostile = !next.starts_with('/')
        || next.starts_with("//")
        || next
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
        || lower[1..].starts_with("%2f")
        || ["%5c", "%09", "%0a", "%0d", "%00"]
            .iter()
            .any(|e| lower.contains(e))
        || next.starts_with("/api/")
        || next.len() > 2000;
    if hostile {
        "/".to_string()
    } else {
        next.to_string()
    }
}

#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session() -> Result<SessionView, AppError> {
    crate::platform::serve::with_db(move |db| async move {
        use crate::domain::permission::{self, Action};
        use crate::platform::session::{cookie_preferences, current_user};
        let Some(user) = current_user() else {
            return Ok(SessionView {
                user: None,
                prefs: cookie_preferences().unwrap_or_default(),
            });
        };
        // Every page load asks this: use what the session already resolved (the member's own
        // organisation, its name, the secretary to call) and query only for names of
        // organisations granted above it.
        let secretary = user.secretary.as_ref().and_then(|s| {
            let phone = crate::domain::phone::Phone::parse(s.phone.as_deref()?).ok()?;
            Some(Contact {
                name: s.name.clone(),
                tel: phone.tel_uri(),
                phone: phone.to_string(),
                deputy: s.position == "pho_bi_thu",
            })
        });
        let mut roles = Vec::new();
        for g in &user.actor.grants {
            let org_name = if g.scope == user.actor.org {
                user.org_name.clone()
            } else {
                crate::register::service::org_by_id(&db, g.scope.id())
                    .await?
                    .name
            };
            roles.push(RoleView {
                role: g.role,
                org_name,
            });
        }
        let scopes = permission::scopes(&user.actor, Action::DecideJoinRequest);
        let pending = if scopes.is_empty() {
            0
        } else {
            repo::count_pending_join_requests(&db, &scopes).await?
        };
        let unread_notifications = crate::notifications::service::unread_count(
            &db,
            &user.actor,
            crate::platform::clock::now_unix(),
        )
        .await?;
        Ok(SessionView {
            prefs: user.prefs,
            user: Some(UserView {
                member_id: user.actor.member_id,
                offer_simple_mode: crate::domain::account::offer_simple_mode(
                    user.birth_year,
                    user.simple_mode_offered,
                ),
                offer_guide: !user.guide_seen,
                is_leader: permission::is_leader(&user.actor),
                can_publish: !permission::scopes(&user.actor, Action::Publish).is_empty(),
                full_name: user.full_name,
                org_name: user.org_name,
                roles,
                secretary,
                pending_join_requests: pending,
                unread_notifications,
            }),
        })
    })
    .await
}

/// Signs in. With JavaScript the page navigates to the returned path; a plain form post
/// (no JavaScript) is redirected there, or back to the sign-in page with the error.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    identifier: String,
    password: String,
    next: String,
) -> Result<String, AppError> {
    crate::platform::serve::with_db(move |db| async move {
        use crate::platform::session::{
            client_addr, is_https, is_plain_form_post, session_cookie, set_cookie,
        };
        let next = safe_next(&next);
        match service::sign_in(&db, &identifier, &password, client_addr(), user_agent()).await {
            Ok(token) => {
                // Rotate: a session this browser already had ends with the new sign-in.
                if let Some(previous) = crate::platform::session::current_user() {
                    repo::delete_session(&db, &previous.token_hash).await?;
                }
                set_cookie(session_cookie(&token, is_https()));
                // What was typed after a failure is not left for the next person on this phone
                // (the cookie is scoped to the sign-in page, so this request cannot see it).
                set_cookie(crate::platform::session::typed_id_cookie("", is_https()));
                if is_plain_form_post() {
                    leptos_axum::redirect(&next);
                }
                Ok(next)
            }
            Err(e) => {
                if is_plain_form_post() {
                    let key = match &e {
                        AppError::Invalid(f) => {
                            f.first().map(|f| f.key.clone()).unwrap_or_default()
                        }
                        other => other.key().to_string(),
                    };
                    set_cookie(crate::platform::session::typed_id_cookie(
                        &identifier,
                        is_https(),
                    ));
                    leptos_axum::redirect(&format!(
                        "/dang-nhap?loi={}&next={}",
                        url_encode(&key),
                        url_encode(&next)
                    ));
                }
                Err(e)
            }
        }
    })
    .await
}

#[cfg(feature = "ssr")]
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out(everywhere: bool) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::platform::session::{
            clear_session_cookie, is_https, is_plain_form_post, set_cookie,
        };
        service::sign_out(&db, &user, everywhere).await?;
        set_cookie(clear_session_cookie(is_https()));
        if is_plain_form_post() {
            leptos_axum::redirect("/dang-nhap");
        }
        Ok(())
    })
    .await
}

/// Text size and simplified mode: saved on the account when signed in, and always in the
/// cookie the server reads when rendering.
#[server(prefix = "/api", endpoint = "preferences")]
pub async fn save_preferences(
    text_size: String,
    simple_mode: bool,
    #[server(default)] data_saver: bool,
) -> Result<Preferences, AppError> {
    crate::platform::serve::with_db(move |db| async move {
        use crate::domain::account::TextSize;
        use crate::platform::session::{current_user, is_https, prefs_cookie, set_cookie};
        let text_size = TextSize::from_code(&text_size)
            .ok_or_else(|| AppError::field("text_size", "err_invalid_value"))?;
        let prefs = Preferences {
            text_size,
            simple_mode,
            data_saver,
        };
        if let Some(user) = current_user() {
            repo::save_preferences(
                &db,
                user.actor.account_id,
                prefs,
                crate::platform::clock::now_unix(),
            )
            .await?;
        }
        set_cookie(prefs_cookie(prefs, is_https()));
        Ok(prefs)
    })
    .await
}

/// The member finished or skipped the first-use guide: it is not offered again (help replays it).
#[server(prefix = "/api", endpoint = "guide_seen")]
pub async fn finish_guide() -> Result<(), AppError> {
    crate::platform::serve::with_db(move |db| async move {
        // A visitor who is not signed in may read the guide too; only a member's answer is kept.
        if let Some(user) = crate::platform::session::current_user() {
            repo::set_guide_seen(
                &db,
                user.actor.account_id,
                crate::platform::clock::now_unix(),
            )
            .await?;
        }
        // Without JavaScript the form's answer is the home page.
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Asks to join: phone plus member code, or phone plus CCCD and birth date.
#[server(prefix = "/api", endpoint = "join")]
pub async fn request_join(
    phone: String,
    member_code: String,
    cccd: String,
    birth_date: String,
    password: String,
    password2: String,
) -> Result<(), AppError> {
    crate::platform::serve::with_db(move |db| async move {
        let join = crate::domain::account::JoinDraft::parse(
            &phone,
            &member_code,
            &cccd,
            &birth_date,
            &password,
            &password2,
        )
        .map_err(AppError::Invalid)?;
        service::request_join(&db, &join, crate::platform::session::client_addr()).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "activate")]
pub async fn activate(
    identifier: String,
    code: String,
    password: String,
    password2: String,
) -> Result<(), AppError> {
    crate::platform::serve::with_db(move |db| async move {
        use crate::platform::session::{client_addr, is_https, session_cookie, set_cookie};
        let draft = crate::domain::account::ActivationDraft::parse(
            &identifier,
            &code,
            &password,
            &password2,
        )
        .map_err(|e| AppError::Invalid(vec![e]))?;
        let token = service::activate(&db, &draft, client_addr(), user_agent()).await?;
        set_cookie(session_cookie(&token, is_https()));
        Ok(())
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequestView {
    pub id: i64,
    pub full_name: String,
    pub birth_date: String,
    pub member_code: String,
    pub phone: String,
    pub org_name: String,
    pub requested_on: String,
    /// Other undecided requests for the same member, each with its own phone.
    pub others_pending: i64,
    /// The member already has an account in use.
    pub has_active_account: bool,
}

#[server(prefix = "/api", endpoint = "join_requests")]
pub async fn list_join_requests() -> Result<Vec<JoinRequestView>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        use crate::domain::register::Date;
        let scopes = scopes(&user.actor, Action::DecideJoinRequest);
        let rows = repo::pending_join_requests(&db, &scopes).await?;
        Ok(rows
            .into_iter()
            .map(|r| JoinRequestView {
                has_active_account: r.has_active_account(),
                id: r.id,
                full_name: r.full_name,
                birth_date: Date::parse(&r.birth_date)
                    .map(|d| d.to_string())
                    .unwrap_or(r.birth_date),
                member_code: r.member_code,
                phone: r.phone,
                org_name: r.org_name,
                requested_on: crate::platform::clock::date_from_unix(
                    r.created_at + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS,
                )
                .to_string(),
                others_pending: r.others_pending,
            })
            .collect())
    })
    .await
}

#[server(prefix = "/api", endpoint = "decide_join")]
pub async fn decide_join_request(id: i64, approve: bool, reason: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::decide_join_request(
            &db,
            &user,
            id,
            approve,
            Some(reason).filter(|r| !r.trim().is_empty()),
            crate::platform::session::client_addr(),
        )
        .await
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAccountView {
    pub member_id: i64,
    pub full_name: String,
    pub org_name: String,
    pub phone: Option<String>,
    /// None: no account.
    pub account_status: Option<crate::domain::account::AccountStatus>,
}

#[server(prefix = "/api", endpoint = "member_accounts")]
pub async fn list_member_accounts(query: String) -> Result<Vec<MemberAccountView>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        let scopes = scopes(&user.actor, Action::IssueActivationCode);
        let rows = repo::members_in_scopes(&db, &scopes, Some(&query)).await?;
        Ok(rows
            .into_iter()
            .map(|r| MemberAccountView {
                member_id: r.member_id,
                full_name: r.full_name,
                org_name: r.org_name,
                phone: r.phone,
                account_status: r.account_status,
            })
            .collect())
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationCodeView {
    pub member_id: i64,
    pub code: String,
    pub expires_on: String,
}

#[server(prefix = "/api", endpoint = "activation_code")]
pub async fn issue_activation_code(member_id: i64) -> Result<ActivationCodeView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::account::format_activation_code;
        let (code, expires) = service::issue_activation_code(
            &db,
            &user,
            member_id,
            crate::platform::session::client_addr(),
        )
        .await?;
        Ok(ActivationCodeView {
            member_id,
            code: format_activation_code(&code),
            expires_on: crate::platform::clock::date_from_unix(
                expires + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS,
            )
            .to_string(),
        })
    })
    .await
}

/// Proves the password again before a step that can hurt others (`err_reauth_required`).
#[server(prefix = "/api", endpoint = "confirm_password")]
pub async fn confirm_password(password: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::confirm_password(
            &db,
            &user,
            &password,
            crate::platform::session::client_addr(),
        )
        .await
    })
    .await
}

/// An admin disables a person's account (ending every session) or enables it again.
#[server(prefix = "/api", endpoint = "account_disabled")]
pub async fn set_account_disabled(member_id: i64, disabled: bool) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::set_account_disabled(
            &db,
            &user,
            member_id,
            disabled,
            crate::platform::session::client_addr(),
        )
        .await
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub full_name: String,
    pub birth_date: String,
    pub gender: String,
    pub ethnicity: String,
    pub hometown: Option<String>,
    pub cccd_masked: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub member_code: String,
    pub card_number: Option<String>,
    pub joined_date: String,
    pub official_date: Option<String>,
    pub status: String,
    pub exempt: Option<String>,
    pub org_name: String,
    pub position: Option<String>,
    pub pending_phone: Option<String>,
    pub pending_address: Option<String>,
    pub has_pending_change: bool,
    /// Organisations the member belonged to before a merge: "name (until dd/mm/yyyy)".
    #[serde(default)]
    pub past_orgs: Vec<String>,
}

#[server(prefix = "/api", endpoint = "profile")]
pub async fn my_profile() -> Result<ProfileView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let m = crate::register::service::member_by_id(&db, user.actor.member_id).await?;
        let pending = repo::my_pending_contact_change(&db, m.id).await?;
        let past_orgs = crate::register::service::member_history(&db, m.id)
            .await?
            .into_iter()
            .map(|(name, until)| {
                format!(
                    "{name} ({})",
                    crate::platform::clock::date_from_unix(
                        until + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS
                    )
                )
            })
            .collect();
        Ok(ProfileView {
            past_orgs,
            full_name: m.full_name,
            birth_date: m.birth_date.to_string(),
            gender: m.gender.code().to_string(),
            ethnicity: m.ethnicity,
            hometown: m.hometown,
            // Only the last four digits: the card view may be shown to others.
            cccd_masked: m
                .cccd
                .map(|c| format!("•••• •••• {}", &c[c.len().saturating_sub(4)..])),
            phone: m.phone,
            address: m.address,
            member_code: m.member_code,
            card_number: m.card_number,
            joined_date: m.joined_date.to_string(),
            official_date: m.official_date.map(|d| d.to_string()),
            status: m.status.code().to_string(),
            exempt: m
                .exempt_since
                .map(|d| format!("{} — {}", d, m.exempt_reason.unwrap_or_default())),
            org_name: user.org_name,
            position: m.position.map(|p| p.code().to_string()),
            has_pending_change: pending.is_some(),
            pending_phone: pending.as_ref().and_then(|p| p.0.clone()),
            pending_address: pending.and_then(|p| p.1),
        })
    })
    .await
}

/// The member proposes a new phone or address; the secretary confirms it.
#[server(prefix = "/api", endpoint = "contact_change")]
pub async fn request_contact_change(phone: String, address: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let change = crate::domain::account::ContactChangeDraft::parse(&phone, &address)
            .map_err(|e| AppError::Invalid(vec![e]))?;
        service::request_contact_change(&db, &user, &change).await
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChangeView {
    pub id: i64,
    pub full_name: String,
    pub org_name: String,
    pub old_phone: Option<String>,
    pub old_address: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[server(prefix = "/api", endpoint = "contact_changes")]
pub async fn list_contact_changes() -> Result<Vec<ContactChangeView>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        let scopes = scopes(&user.actor, Action::DecideContactChange);
        Ok(repo::pending_contact_changes(&db, &scopes)
            .await?
            .into_iter()
            .map(|c| ContactChangeView {
                id: c.id,
                full_name: c.full_name,
                org_name: c.org_name,
                old_phone: c.old_phone,
                old_address: c.old_address,
                phone: c.phone,
                address: c.address,
            })
            .collect())
    })
    .await
}

#[server(prefix = "/api", endpoint = "decide_contact_change")]
pub async fn decide_contact_change(id: i64, approve: bool) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::decide_contact_change(
            &db,
            &user,
            id,
            approve,
            crate::platform::session::client_addr(),
        )
        .await
    })
    .await
}

/// Grants (`grant = true`) or revokes quản trị, trợ lý or ban biên tập over an organisation.
#[server(prefix = "/api", endpoint = "role")]
pub async fn set_role(
    member_id: i64,
    org_id: i64,
    role: String,
    grant: bool,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let role =
            Role::from_code(&role).ok_or_else(|| AppError::field("role", "err_invalid_value"))?;
        service::set_role(
            &db,
            &user,
            member_id,
            org_id,
            role,
            grant,
            crate::platform::session::client_addr(),
        )
        .await
    })
    .await
}

/// A WebAuthn challenge for the browser: the id to send back, and the options as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub challenge: String,
    pub options: String,
}

#[server(prefix = "/api", endpoint = "passkey_register_start")]
pub async fn passkey_register_start() -> Result<PasskeyChallenge, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let (challenge, options) = passkey::start_registration(&db, &user).await?;
        Ok(PasskeyChallenge { challenge, options })
    })
    .await
}

#[server(prefix = "/api", endpoint = "passkey_register_finish")]
pub async fn passkey_register_finish(
    challenge: String,
    credential: String,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        passkey::finish_registration(&db, &user, &challenge, &credential).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "passkey_sign_in_start")]
pub async fn passkey_sign_in_start(identifier: String) -> Result<PasskeyChallenge, AppError> {
    crate::platform::serve::with_db(move |db| async move {
        let (challenge, options) = passkey::start_authentication(&db, &identifier).await?;
        Ok(PasskeyChallenge { challenge, options })
    })
    .await
}

#[server(prefix = "/api", endpoint = "passkey_sign_in_finish")]
pub async fn passkey_sign_in_finish(challenge: String, credential: String) -> Result<(), AppError> {
    crate::platform::serve::with_db(move |db| async move {
        use crate::platform::session::{client_addr, is_https, session_cookie, set_cookie};
        let token = passkey::finish_authentication(
            &db,
            &challenge,
            &credential,
            client_addr(),
            user_agent(),
        )
        .await?;
        set_cookie(session_cookie(&token, is_https()));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "passkeys")]
pub async fn passkey_count() -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        passkey::count(&db, user.actor.account_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "passkeys_remove")]
pub async fn passkeys_remove() -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        passkey::remove_all(&db, &user).await
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_paths_stay_on_site() {
        assert_eq!(super::safe_next("/ca-nhan"), "/ca-nhan");
        assert_eq!(super::safe_next("//evil.example"), "/");
        assert_eq!(super::safe_next("https://evil.example"), "/");
        assert_eq!(super::safe_next("/\\evil"), "/");
        assert_eq!(super::safe_next("/api/sign_out"), "/");
        assert_eq!(super::safe_next(""), "/");
        // What browsers read as another host: tabs and newlines dropped, backslashes, encodings.
        for hostile in [
            "/\tevil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%2F%2Fevil",
            "/%2fevil",
            "/%5Cevil",
            "/a%5cb",
            "/\u{0}x",
            " /x",
            "/x y",
        ] {
            assert_eq!(super::safe_next(hostile), "/", "{hostile:?}");
        }
        assert_eq!(
            super::safe_next("/van-ban?q=ngh%E1%BB%8B+quy%E1%BA%BFt&trang=2"),
            "/van-ban?q=ngh%E1%BB%8B+quy%E1%BA%BFt&trang=2"
        );
        assert_eq!(super::safe_next("/"), "/");
    }

    proptest::proptest! {
        /// Property target of issue #17: whatever `next` holds, the answer is a path on this
        /// site that no browser reads as another host.
        #[test]
        fn next_is_always_a_local_path(next in ".{0,64}") {
            let out = super::safe_next(&next);
            proptest::prop_assert!(out.starts_with('/'));
            proptest::prop_assert!(!out.starts_with("//"));
            proptest::prop_assert!(!out.contains('\\') && !out.chars().any(|c| c.is_control() || c.is_whitespace()));
            proptest::prop_assert!(out == "/" || out == next);
        }
    }
}
