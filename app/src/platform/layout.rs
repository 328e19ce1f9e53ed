//! Locale policy and, on the server, the CSP nonce hand-off to the hydration scripts.

/// Vietnamese is the default whatever the browser's Accept-Language says (a member's phone is
/// often set to English); English is chosen explicitly and remembered in a cookie.
pub fn vietnamese_first() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| None)
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
