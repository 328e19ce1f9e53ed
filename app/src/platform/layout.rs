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

/// The hydration script, started after the first paint. Leptos' own `HydrationScripts` preloads
/// the wasm from the `<head>`, so on a slow connection the wasm (the largest file by far) takes
/// the phone's bandwidth while the page it is meant to enliven is still arriving, and painting
/// waits. Every page is complete in the server's HTML and works without the wasm (forms post),
/// so here the page paints first; the JS and wasm are fetched once the browser is idle after
/// that paint (at most 1.5 s later), then hydrate as usual.
#[leptos::component]
pub fn HydrateAfterPaint(options: leptos::config::LeptosOptions) -> impl leptos::IntoView {
    use leptos::prelude::*;
    // One binary, one build: the names are read once.
    static NAMES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (js, wasm) = NAMES.get_or_init(|| asset_names(&options));
    let pkg = options.site_pkg_dir.to_string();
    let args = serde_json::json!([format!("/{pkg}/{js}.js"), format!("/{pkg}/{wasm}.wasm")]);
    let script = format!(
        r#"(function (js, wasm) {{
  var go = function () {{ import(js).then(function (m) {{ return m.default({{ module_or_path: wasm }}).then(function () {{ m.hydrate(); }}); }}); }};
  var idle = function () {{ if ("requestIdleCallback" in window) {{ window.requestIdleCallback(go, {{ timeout: 1500 }}); }} else {{ setTimeout(go, 0); }} }};
  requestAnimationFrame(function () {{ setTimeout(idle, 0); }});
}}).apply(null, {args});"#
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// This build's JS and wasm base names: hashed (cargo-leptos writes `hash.txt` beside the
/// binary) or plain, as leptos' `HydrationScripts` names them.
fn asset_names(options: &leptos::config::LeptosOptions) -> (String, String) {
    let mut js = options.output_name.to_string();
    let mut wasm = js.clone();
    if options.hash_files {
        let path = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
        let text = path.and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
        for (file, hash) in text.lines().filter_map(|l| l.split_once(':')) {
            match file.trim() {
                "js" => js = format!("{js}.{}", hash.trim()),
                "wasm" => wasm = format!("{wasm}.{}", hash.trim()),
                _ => {}
            }
        }
    } else if std::option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        wasm.push_str("_bg");
    }
    (js, wasm)
}
