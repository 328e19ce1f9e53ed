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
    let assets = BuildAssets::current(&options);
    let pkg = options.site_pkg_dir.to_string();
    let args = serde_json::json!([format!("/{pkg}/{}", assets.js), format!("/{pkg}/{}", assets.wasm)]);
    let script = format!(
        r#"(function (js, wasm) {{
  var go = function () {{ import(js).then(function (m) {{ return m.default({{ module_or_path: wasm }}).then(function () {{ m.hydrate(); }}); }}); }};
  var idle = function () {{ if ("requestIdleCallback" in window) {{ window.requestIdleCallback(go, {{ timeout: 1500 }}); }} else {{ setTimeout(go, 0); }} }};
  requestAnimationFrame(function () {{ setTimeout(idle, 0); }});
}}).apply(null, {args});"#
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// This build's script, wasm and stylesheet file names in the site's pkg folder, and its version:
/// hashed when cargo-leptos hashes files (it writes `hash.txt` beside the binary), plain
/// otherwise, named as leptos' `HydrationScripts` names them. The hydration script and the
/// service worker's shell both use this, so they cannot disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildAssets {
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// The loader of the lazily loaded pages' wasm chunks (`cargo leptos build --split`), which
    /// the script imports; named in `hash.txt` only when the build was split.
    pub split_js: Option<String>,
    /// The hashes joined, when the files are hashed; `None` in development builds.
    pub version: Option<String>,
}

impl BuildAssets {
    /// This build's assets, read once per process (one binary, one build): every page's
    /// hydration script and every `/sw.js` ask for them.
    pub fn current(options: &leptos::config::LeptosOptions) -> &'static BuildAssets {
        static ASSETS: std::sync::OnceLock<BuildAssets> = std::sync::OnceLock::new();
        ASSETS.get_or_init(|| Self::read(options))
    }

    fn read(options: &leptos::config::LeptosOptions) -> Self {
        let hashes = if options.hash_files {
            let path = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
            path.and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default()
        } else {
            String::new()
        };
        Self::from_hash_file(&options.output_name, options.hash_files, &hashes)
    }

    /// `hash_file` is the text of `hash.txt`: lines `js: <hash>`, `wasm: <hash>`, `css: <hash>`.
    fn from_hash_file(name: &str, hashed: bool, hash_file: &str) -> Self {
        let hashes: Vec<(&str, &str)> = hash_file.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim(), v.trim())).collect();
        let find = |key: &str| hashes.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        match (hashed, find("js"), find("wasm"), find("css")) {
            (true, Some(js), Some(wasm), Some(css)) => Self {
                js: format!("{name}.{js}.js"),
                wasm: format!("{name}.{wasm}.wasm"),
                css: format!("{name}.{css}.css"),
                split_js: find("split").map(|h| format!("__wasm_split.{h}.js")),
                version: Some(hashes.iter().map(|(_, v)| *v).collect::<Vec<_>>().join("-")),
            },
            _ => {
                // wasm-bindgen's default name, unless the build named its output (cargo-leptos does).
                let wasm = if std::option_env!("LEPTOS_OUTPUT_NAME").is_none() { format!("{name}_bg.wasm") } else { format!("{name}.wasm") };
                Self { js: format!("{name}.js"), wasm, css: format!("{name}.css"), split_js: None, version: None }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BuildAssets;

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let a = BuildAssets::from_hash_file("sotay", true, "js: aaa\nwasm: bbb\ncss: ccc\n");
        assert_eq!(a.js, "sotay.aaa.js");
        assert_eq!(a.wasm, "sotay.bbb.wasm");
        assert_eq!(a.css, "sotay.ccc.css");
        assert_eq!(a.version.as_deref(), Some("aaa-bbb-ccc"));
        assert_eq!(a.split_js, None);
        let split = BuildAssets::from_hash_file("sotay", true, "js: aaa\nwasm: bbb\ncss: ccc\nmanifest: ddd\nsplit: eee\n");
        assert_eq!(split.split_js.as_deref(), Some("__wasm_split.eee.js"));
        assert_eq!(split.version.as_deref(), Some("aaa-bbb-ccc-ddd-eee"));
    }

    #[test]
    fn missing_or_partial_hash_file_falls_back_to_plain_names() {
        for text in ["", "js: aaa\n"] {
            let a = BuildAssets::from_hash_file("sotay", true, text);
            assert_eq!(a.js, "sotay.js");
            assert_eq!(a.css, "sotay.css");
            assert!(a.wasm.starts_with("sotay") && a.wasm.ends_with(".wasm"));
            assert_eq!(a.version, None);
        }
        assert_eq!(BuildAssets::from_hash_file("sotay", false, "js: aaa\nwasm: bbb\ncss: ccc").version, None);
    }
}
