//! Locale policy and, on the server, the CSP nonce hand-off to the hydration scripts.

/// Vietnamese is the default whatever the browser's Accept-Language says (a member's phone is
/// often set to English); English is chosen explicitly and remembered in a cookie.
pub fn vietnamese_first() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| None)
}

/// The language cookie is written by the browser alone, when the member switches language.
/// The server only reads it: were every page response to set it again to the language of its
/// request, a response still in flight at the moment of a switch (the service worker keeping
/// pages for offline reading) would switch the member back. Kept for a year.
pub fn locale_cookie() -> leptos_i18n::context::CookieOptions<crate::i18n::Locale> {
    leptos_use::UseCookieOptions::default()
        .max_age(365_i64 * 24 * 60 * 60 * 1000)
        .path("/")
        .same_site(leptos_use::SameSite::Lax)
        .ssr_set_cookie(|_| ())
}

/// The per-request nonce that the security-header middleware puts on the request; the
/// hydration scripts read it through `use_nonce()`.
#[cfg(feature = "ssr")]
pub fn provide_request_nonce() {
    use leptos::prelude::*;
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(nonce) = parts.extensions.get::<CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
        }
    }
}

/// A request's CSP nonce, set by the server's security-header layer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);
