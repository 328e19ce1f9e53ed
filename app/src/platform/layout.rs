//! Locale policy and, on the server, the CSP nonce hand-off to the hydration scripts.

/// Vietnamese is the default whatever the browser's Accept-Language says (a member's phone is
/// often set to English); English is chosen explicitly and remembered in a cookie.
pub fn vietnamese_first() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| None)
}

/// The language cookie is written by the browser alone, when the member switches language
/// (`remember_locale`, with its attributes: a year, the whole site, Lax). The server only reads
/// it: were every page response to set it again to the language of its request, a response still
/// in flight at the moment of a switch (the service worker keeping pages for offline reading)
/// would switch the member back.
pub fn locale_cookie() -> leptos_i18n::context::CookieOptions<crate::i18n::Locale> {
    leptos_use::UseCookieOptions::default().ssr_set_cookie(|_| ())
}

/// The language cookie's name: leptos_i18n's default, which the server reads (`locale_cookie`).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The cookie as the browser writes it: a year, the whole site, Lax.
pub fn locale_cookie_value(locale: crate::i18n::Locale) -> String {
    format!("{LOCALE_COOKIE}={locale}; Max-Age=31536000; Path=/; SameSite=Lax")
}

/// Remembers the member's language for the next page load. The browser writes the cookie here
/// rather than through leptos_i18n's cookie hook, whose `cookie` and `time` crates were about 6%
/// of the main wasm's code; the server still reads it through leptos_i18n.
pub fn remember_locale(locale: crate::i18n::Locale) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(document) = leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = document.set_cookie(&locale_cookie_value(locale));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = locale;
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_language_cookie_is_the_one_the_server_reads() {
        use crate::i18n::Locale;
        assert_eq!(
            super::locale_cookie_value(Locale::en),
            "i18n_pref_locale=en; Max-Age=31536000; Path=/; SameSite=Lax"
        );
        assert_eq!(
            super::locale_cookie_value(Locale::vi),
            "i18n_pref_locale=vi; Max-Age=31536000; Path=/; SameSite=Lax"
        );
    }
}
