//! The installable app: `/manifest.webmanifest` and `/sw.js`, both generated here so the
//! manifest speaks the app's own (Vietnamese) name and the service worker names this build's
//! hashed assets. The offline page itself is a route of the app (`/ngoai-tuyen`).

use app::i18n::Locale;
use app::platform::cli_text::{cli_text, CliText};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use leptos::prelude::LeptosOptions;

const SW_TEMPLATE: &str = include_str!("sw.js");

pub const ICONS: &[&str] = &["/icons/icon-192.png", "/icons/icon-512.png", "/icons/maskable-192.png", "/icons/maskable-512.png", "/icons/badge-96.png"];

/// This build's hashed file names (cargo-leptos writes them to `hash.txt` beside the binary).
fn hashes(options: &LeptosOptions) -> Vec<(String, String)> {
    if !options.hash_files {
        return Vec::new();
    }
    let path = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
    let text = path.and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
    text.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect()
}

/// The shell: the app's script, wasm and stylesheet for this build, the offline page, icons.
pub fn shell_assets(options: &LeptosOptions) -> (String, Vec<String>) {
    let name = options.output_name.to_string();
    let pkg = options.site_pkg_dir.to_string();
    let h = hashes(options);
    let find = |k: &str| h.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let (js, wasm, css) = match (find("js"), find("wasm"), find("css")) {
        (Some(js), Some(wasm), Some(css)) => (format!("{name}.{js}.js"), format!("{name}.{wasm}.wasm"), format!("{name}.{css}.css")),
        _ => (format!("{name}.js"), format!("{name}.wasm"), format!("{name}.css")),
    };
    // Without hashes (development) the version changes with every start, so edits are picked up.
    let version = if h.is_empty() { format!("dev-{}", std::process::id()) } else { h.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join("-") };
    let mut shell = vec![format!("/{pkg}/{js}"), format!("/{pkg}/{wasm}"), format!("/{pkg}/{css}"), "/ngoai-tuyen".to_string(), "/favicon.svg".to_string()];
    shell.extend(ICONS.iter().map(|s| s.to_string()));
    (version, shell)
}

pub fn service_worker_source(options: &LeptosOptions) -> String {
    let (version, shell) = shell_assets(options);
    let app_name = cli_text(CliText::AppName, Locale::vi);
    SW_TEMPLATE
        .replace("__VERSION__", &version)
        .replace("__SHELL__", &serde_json::to_string(&shell).unwrap_or_else(|_| "[]".into()))
        .replace("__APP_NAME__", &serde_json::to_string(&app_name).unwrap_or_else(|_| "\"\"".into()))
}

/// `GET /sw.js`: never cached by the browser's HTTP cache, so a new release is seen at once.
pub async fn service_worker(State(options): State<LeptosOptions>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("service-worker-allowed"), "/"),
        ],
        service_worker_source(&options),
    )
        .into_response()
}

pub fn manifest_json() -> serde_json::Value {
    let l = Locale::vi;
    let icon = |src: &str, size: &str, purpose: &str| serde_json::json!({ "src": src, "sizes": size, "type": "image/png", "purpose": purpose });
    serde_json::json!({
        "id": "/",
        "name": cli_text(CliText::AppName, l),
        "short_name": cli_text(CliText::AppShortName, l),
        "description": cli_text(CliText::AppTagline, l),
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#8b0000",
        "icons": [
            icon("/icons/icon-192.png", "192x192", "any"),
            icon("/icons/icon-512.png", "512x512", "any"),
            icon("/icons/maskable-192.png", "192x192", "maskable"),
            icon("/icons/maskable-512.png", "512x512", "maskable"),
        ],
    })
}

/// `GET /manifest.webmanifest`.
pub async fn manifest() -> Response {
    (
        [(header::CONTENT_TYPE, "application/manifest+json; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        manifest_json().to_string(),
    )
        .into_response()
}
