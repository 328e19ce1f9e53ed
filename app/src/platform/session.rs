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

/// Who is asking, resolved once per request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub actor: Actor,
    pub token_hash: String,
    pub full_name: String,
    pub birth_year: i32,
    pub org_name: String,
    pub prefs: Preferences,
    pub simple_mode_offered: bool,
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

/// `Set-Cookie` for the session. `secure` when the site is served over HTTPS.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}", if secure { "; Secure" } else { "" })
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
    if std::env::var("SOTAY_PUBLIC_URL").map(|u| u.starts_with("https://")).unwrap_or(false) {
        return true;
    }
    parts()
        .map(|p| {
            p.uri.scheme_str() == Some("https")
                || p.headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
        })
        .unwrap_or(false)
}

/// Whether this is a plain HTML form post (no JavaScript), which expects a redirect back.
pub fn is_plain_form_post() -> bool {
    parts()
        .and_then(|p| p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
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
        assert_eq!(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(cookie_value("a=1; sotay_session=xyz; b=2", SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie_value("a=1", SESSION_COOKIE), None);
        let c = session_cookie("tok", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"));
        assert!(!session_cookie("tok", false).contains("Secure"));
    }
}
