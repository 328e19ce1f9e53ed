//! Sessions: a random token in an HttpOnly cookie, only its SHA-256 in the database. The
//! server's session layer resolves the cookie once per request and puts the `CurrentUser` in the
//! request; server functions and pages read it from there.

use crate::domain::account::Preferences;
use crate::domain::permission::Actor;
use crate::platform::error::AppError;
use base64::Engine;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "sotay_session";
pub const PREFS_COOKIE: &str = "sotay_prefs";
/// Long-lived on the member's own phone, so elderly members rarely sign in again; sliding.
pub const SESSION_DAYS: i64 = 180;
/// `last_seen_at` is written at most this often, so reads stay reads.
pub const TOUCH_EVERY_SECS: i64 = 3600;
/// However active, a session ends this long after its sign-in (the member signs in again once a
/// year; a stolen cookie does not live for ever).
pub const SESSION_ABSOLUTE_DAYS: i64 = 365;
/// Granting roles, issuing codes and applying an import need the password (or passkey) proven
/// within this long.
pub const REAUTH_SECS: i64 = 30 * 60;

/// Who is asking, resolved once per request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub actor: Actor,
    pub token_hash: String,
    /// When this session last proved its password or passkey (sign-in or confirmation).
    pub verified_at: i64,
    pub full_name: String,
    pub birth_year: i32,
    pub org_name: String,
    pub prefs: Preferences,
    pub simple_mode_offered: bool,
    /// The first-use guide was finished or skipped.
    pub guide_seen: bool,
    /// Whom the member calls when stuck: their cell's bí thư, else its phó bí thư (never
    /// themself). Resolved in the session's statement: every page shows it.
    pub secretary: Option<CellContact>,
}

#[derive(Clone, Debug)]
pub struct CellContact {
    pub name: String,
    pub phone: Option<String>,
    /// `bi_thu` or `pho_bi_thu`.
    pub position: String,
}

/// Request extension set by the session layer (absent: nobody signed in).
#[derive(Clone, Debug)]
pub struct SessionExt(pub Option<CurrentUser>);

/// Client address as the server saw it (set by the server; behind a proxy, the proxy's).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads one cookie from a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').map(str::trim).find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Behind HTTPS the session cookie carries the `__Host-` prefix: the browser then accepts it only
/// with `Secure`, `Path=/` and no `Domain`, so no sibling subdomain can plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-sotay_session";

fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// `Set-Cookie` for the session. `secure` when the site is served over HTTPS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        session_cookie_name(secure),
        SESSION_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

/// The session token of a `Cookie` header: the `__Host-` cookie, or — only when the site is not
/// configured as HTTPS — the plain one (under HTTPS a plain cookie could have been planted).
pub fn session_token(cookie_header: &str) -> Option<&str> {
    cookie_value(cookie_header, SECURE_SESSION_COOKIE).or_else(|| {
        if public_url_is_https() {
            None
        } else {
            cookie_value(cookie_header, SESSION_COOKIE)
        }
    })
}

/// Whether the site's public URL (`SOTAY_PUBLIC_URL`) is https: HSTS is sent and only the
/// `__Host-` session cookie is read.
pub fn public_url_is_https() -> bool {
    std::env::var("SOTAY_PUBLIC_URL")
        .map(|u| u.starts_with("https://"))
        .unwrap_or(false)
}

/// After a failed sign-in without JavaScript, what the person typed as their identifier comes
/// back in this short-lived cookie (only for the sign-in page), never in the URL, where a phone
/// number would land in the history, logs and the Referer of the next site.
pub const TYPED_ID_COOKIE: &str = "sotay_typed_id";

pub fn typed_id_cookie(identifier: &str, secure: bool) -> String {
    let kept: String = identifier
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        .take(32)
        .collect();
    format!(
        "{TYPED_ID_COOKIE}={kept}; Path=/dang-nhap; HttpOnly; SameSite=Strict; Max-Age={}{}",
        if kept.is_empty() { 0 } else { 300 },
        if secure { "; Secure" } else { "" }
    )
}

/// The identifier kept by `typed_id_cookie`, when the sign-in page is rendered.
pub fn typed_identifier() -> Option<String> {
    let parts = parts()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    cookie_value(header, TYPED_ID_COOKIE)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        session_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// The preferences cookie is readable by the page too (it holds nothing secret).
pub fn prefs_cookie(prefs: Preferences, secure: bool) -> String {
    format!(
        "{PREFS_COOKIE}={}; Path=/; SameSite=Lax; Max-Age={}{}",
        prefs.to_cookie(),
        400 * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

fn parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The signed-in user of this request, if any.
pub fn current_user() -> Option<CurrentUser> {
    parts()?.extensions.get::<SessionExt>()?.0.clone()
}

/// For the steps that can hurt others (roles, codes, imports): the password or passkey must have
/// been proven in the last half hour, else the page asks for it again (`err_reauth_required`).
pub fn require_recent_verification(user: &CurrentUser, now: i64) -> Result<(), AppError> {
    if now - user.verified_at > REAUTH_SECS {
        return Err(AppError::field("reauth", "err_reauth_required"));
    }
    Ok(())
}

/// The signed-in user, or `Unauthorized`.
pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::Unauthorized)
}

pub fn client_addr() -> Option<String> {
    parts()?.extensions.get::<ClientAddr>().map(|a| a.0.clone())
}

/// Preferences from the request's cookie (for visitors not signed in).
pub fn cookie_preferences() -> Option<Preferences> {
    let parts = parts()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    Preferences::from_cookie(cookie_value(header, PREFS_COOKIE)?)
}

/// Whether the request came over HTTPS: the site's public URL says so (SOTAY_PUBLIC_URL), or the
/// request itself, or the proxy in front (X-Forwarded-Proto). Cookies then carry `Secure`.
pub fn is_https() -> bool {
    if public_url_is_https() {
        return true;
    }
    parts()
        .map(|p| {
            p.uri.scheme_str() == Some("https")
                || p.headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    == Some("https")
        })
        .unwrap_or(false)
}

/// Whether this is a plain HTML form post (no JavaScript), which expects a redirect back.
pub fn is_plain_form_post() -> bool {
    parts()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

pub fn set_cookie(value: String) {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = http::HeaderValue::from_str(&value) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_cookies() {
        let t = new_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, new_token());
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            cookie_value("a=1; sotay_session=xyz; b=2", SESSION_COOKIE),
            Some("xyz")
        );
        assert_eq!(cookie_value("a=1", SESSION_COOKIE), None);
        let c = session_cookie("tok", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"));
        assert!(!session_cookie("tok", false).contains("Secure"));
        assert!(c.starts_with("__Host-sotay_session=tok; Path=/;"), "{c}");
        assert!(!c.contains("Domain"));
        assert!(session_cookie("tok", false).starts_with("sotay_session=tok;"));
        assert!(clear_session_cookie(true).starts_with("__Host-sotay_session=;"));
        assert_eq!(
            session_token("__Host-sotay_session=a; sotay_session=b"),
            Some("a")
        );
        let typed = typed_id_cookie("+84 900 000 001\r\n; x=1", true);
        assert!(typed.starts_with("sotay_typed_id=+84900000001x1; Path=/dang-nhap; HttpOnly; SameSite=Strict; Max-Age=300"), "{typed}");
    }
}
