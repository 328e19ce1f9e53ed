//! The installable app: `/manifest.webmanifest` and `/sw.js`, both generated here so the
//! manifest speaks the app's own (Vietnamese) name and the service worker names this build's
//! hashed assets. The offline page itself is a route of the app (`/ngoai-tuyen`).

use app::assets::BuildAssets;
use app::i18n::Locale;
use app::platform::cli_text::{cli_text, CliText};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use leptos::prelude::LeptosOptions;

const SW_TEMPLATE: &str = include_str!("sw.js");

pub const ICONS: &[&str] = &[
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/maskable-192.png",
    "/icons/maskable-512.png",
    "/icons/badge-96.png",
];

/// The shell: the app's script, wasm and stylesheet for this build, the offline page, icons;
/// and apart, the wasm chunks of the pages a member reads offline.
pub fn shell_assets(options: &LeptosOptions) -> (String, Vec<String>, Vec<String>) {
    let pkg = options.site_pkg_dir.to_string();
    let assets = BuildAssets::current(options);
    // Without hashes (development) the version changes with every start, so edits are picked up.
    let version = assets
        .version
        .clone()
        .unwrap_or_else(|| format!("dev-{}", std::process::id()));
    let mut shell = vec![
        format!("/{pkg}/{}", assets.js),
        format!("/{pkg}/{}", assets.wasm),
        format!("/{pkg}/{}", assets.css),
        "/ngoai-tuyen".to_string(),
        "/favicon.svg".to_string(),
    ];
    // The script imports the chunk loader and wasm-bindgen's snippets, so an offline start needs
    // them (the snippets are revalidated by the browser, their names not being hashed).
    shell.extend(
        assets
            .split_js
            .iter()
            .map(|split| format!("/{pkg}/{split}")),
    );
    shell.extend(
        assets
            .snippets
            .iter()
            .map(|snippet| format!("/{pkg}/{snippet}")),
    );
    shell.extend(ICONS.iter().map(|s| s.to_string()));
    // The chunks of the pages whose HTML sw.js keeps for offline reading: without its chunks a
    // kept page would show but never come alive (read aloud, answers). Kept one by one (sw.js),
    // so that one failed download among hundreds does not cost the whole offline shell. Other
    // chunks are kept when first fetched.
    let mut chunks: Vec<String> = Vec::new();
    for page in app::routes::LazyPage::ALL.iter().filter(|p| p.kept()) {
        for chunk in assets.chunks_of(page.route_name()) {
            let url = format!("/{pkg}/{chunk}");
            if !chunks.contains(&url) {
                chunks.push(url);
            }
        }
    }
    (version, shell, chunks)
}

pub fn service_worker_source(options: &LeptosOptions) -> String {
    let (version, shell, chunks) = shell_assets(options);
    let app_name = cli_text(CliText::AppName, Locale::vi);
    SW_TEMPLATE
        .replace("__VERSION__", &version)
        .replace(
            "__SHELL__",
            &serde_json::to_string(&shell).unwrap_or_else(|_| "[]".into()),
        )
        .replace(
            "__CHUNKS__",
            &serde_json::to_string(&chunks).unwrap_or_else(|_| "[]".into()),
        )
        .replace(
            "__PKG__",
            &serde_json::to_string(&format!("/{}/", options.site_pkg_dir))
                .unwrap_or_else(|_| "\"/pkg/\"".into()),
        )
        .replace(
            "__KEEP__",
            &serde_json::to_string(&app::routes::offline_patterns())
                .unwrap_or_else(|_| "[]".into()),
        )
        .replace(
            "__APP_NAME__",
            &serde_json::to_string(&app_name).unwrap_or_else(|_| "\"\"".into()),
        )
}

/// `GET /sw.js`: never cached by the browser's HTTP cache, so a new release is seen at once.
pub async fn service_worker(State(options): State<LeptosOptions>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (
                header::HeaderName::from_static("service-worker-allowed"),
                "/",
            ),
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
        [
            (
                header::CONTENT_TYPE,
                "application/manifest+json; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        manifest_json().to_string(),
    )
        .into_response()
}
