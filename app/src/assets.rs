//! This build's assets: the script, wasm and stylesheet names (hashed or not), the split build's
//! wasm chunks per lazily loaded page (keyed by the page's route name, `crate::routes`), and the
//! hydration script that fetches them after the first paint. The service worker's shell
//! (server::pwa) is made from the same index, so the two cannot disagree.

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
    // The wasm chunks of the page being sent (every page but a few is a lazily loaded route,
    // see crate::routes), largest first: fetched after the paint together with the main wasm
    // rather than after it, which would cost a phone on 3G one more round trip before the page
    // responds. A page needs 50–250 chunks; their preload links are added 8 at a time, one
    // batch per task: all at once they made one long task of the main thread (60 ms for the
    // meeting page's 248 here, 240 ms on a slow phone), and leaving the small ones to the chunk
    // loader made its own task after the main wasm longer still (docs/BENCHMARKS.md).
    // The list is made once per build (`BuildAssets::page_chunks_json`), not per request.
    #[cfg(feature = "ssr")]
    let chunks: &str = use_context::<http::request::Parts>()
        .and_then(|parts| crate::routes::lazy_page_for_path(parts.uri.path()))
        .map(|page| assets.page_chunks_json(page.route_name()))
        .unwrap_or("[]");
    #[cfg(not(feature = "ssr"))]
    let chunks: &str = "[]";
    let url = |file: &str| serde_json::to_string(&format!("/{pkg}/{file}")).unwrap_or_default();
    let args = format!("[{},{},{chunks}]", url(&assets.js), url(&assets.wasm));
    let script = format!(
        r#"(function (js, wasm, chunks) {{
  var preload = function (from) {{
    chunks.slice(from, from + 8).forEach(function (href) {{ var l = document.createElement("link"); l.rel = "preload"; l.as = "fetch"; l.type = "application/wasm"; l.crossOrigin = ""; l.href = href; document.head.appendChild(l); }});
    if (from + 8 < chunks.length) {{ setTimeout(function () {{ preload(from + 8); }}, 0); }}
  }};
  var go = function () {{
    import(js).then(function (m) {{ return m.default({{ module_or_path: wasm }}).then(function () {{ m.hydrate(); }}); }});
    preload(0);
  }};
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
    /// The split manifest's hash, from `hash.txt`; `None` when unhashed or not split.
    manifest_hash: Option<String>,
    /// The hashes joined, when the files are hashed; `None` in development builds.
    pub version: Option<String>,
    /// The split build's manifest (`__wasm_split_manifest.<hash>.json`): for each split point
    /// (a lazily loaded page's view), the stems of the wasm chunk files it needs.
    pub chunks: Vec<(String, Vec<String>)>,
    /// Each chunk file's size on disk (`<stem>.wasm` → bytes), so the largest are fetched first.
    pub chunk_sizes: std::collections::HashMap<String, u64>,
    /// Per lazily loaded page's route name: its chunk URLs (`/pkg/<file>`), the largest first,
    /// as the JSON array the hydration script takes. Made once by `index`, since every page
    /// request needs one (a meeting page's is 248 names).
    page_chunks: Vec<(&'static str, String)>,
    /// wasm-bindgen's JS snippets the script imports (`snippets/<crate>/<file>.js`, relative to
    /// the pkg folder): an offline start needs them as much as the script.
    pub snippets: Vec<String>,
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
            let path = std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
            path.and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let assets = Self::from_hash_file(&options.output_name, options.hash_files, &hashes);
        let pkg =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        // No manifest when the build was not split (or in tests without a site): no chunks.
        let mut assets = match std::fs::read_to_string(pkg.join(assets.manifest_name())) {
            Ok(manifest) => assets.with_manifest(&manifest),
            Err(_) => assets,
        };
        let files: std::collections::BTreeSet<String> = assets
            .chunks
            .iter()
            .flat_map(|(_, stems)| stems.iter().map(|s| format!("{s}.wasm")))
            .collect();
        assets.chunk_sizes = files
            .into_iter()
            .filter_map(|f| std::fs::metadata(pkg.join(&f)).ok().map(|m| (f, m.len())))
            .collect();
        assets.snippets = Self::snippets_in(&pkg);
        let routes: Vec<&'static str> = crate::routes::LazyPage::ALL
            .iter()
            .map(|page| page.route_name())
            .collect();
        assets.index(&options.site_pkg_dir, &routes);
        // A page whose split point is named otherwise than `chunks_of` expects would still work,
        // but fetch its code only as it hydrates, and not have it offline: say so at start.
        #[cfg(feature = "ssr")]
        if !assets.chunks.is_empty() {
            for page in crate::routes::LazyPage::ALL {
                if assets.chunks_of(page.route_name()).is_empty() {
                    tracing::warn!(
                        ?page,
                        "no wasm chunks for this lazily loaded page in the split manifest"
                    );
                }
            }
        }
        assets
    }

    /// The `.js` files under `pkg/snippets/`, sorted, as paths relative to `pkg`.
    fn snippets_in(pkg: &std::path::Path) -> Vec<String> {
        let mut found = Vec::new();
        let Ok(crates) = std::fs::read_dir(pkg.join("snippets")) else {
            return found;
        };
        for dir in crates.flatten() {
            let Ok(files) = std::fs::read_dir(dir.path()) else {
                continue;
            };
            for file in files.flatten() {
                let name = file.file_name().to_string_lossy().to_string();
                if name.ends_with(".js") {
                    found.push(format!(
                        "snippets/{}/{name}",
                        dir.file_name().to_string_lossy()
                    ));
                }
            }
        }
        found.sort();
        found
    }

    /// The split manifest's file name in the pkg folder, as cargo-leptos names it.
    fn manifest_name(&self) -> String {
        match &self.manifest_hash {
            Some(hash) => format!("__wasm_split_manifest.{hash}.json"),
            None => "__wasm_split_manifest.json".to_string(),
        }
    }

    /// Adds the split manifest (a JSON object from split point to chunk stems); an unreadable
    /// manifest leaves no chunks, so pages simply load their chunks as they hydrate.
    pub fn with_manifest(mut self, manifest_json: &str) -> Self {
        let map: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_str(manifest_json).unwrap_or_default();
        self.chunks = map.into_iter().collect();
        self
    }

    /// A page's chunk files, the largest first (unknown sizes count as empty), so the bytes
    /// that take longest are asked for first.
    pub fn chunks_by_size(&self, route: &str) -> Vec<String> {
        let mut files = self.chunks_of(route);
        files.sort_by_key(|f| std::cmp::Reverse(self.chunk_sizes.get(f).copied().unwrap_or(0)));
        files
    }

    /// Makes each lazily loaded page's chunk list for the hydration script, once, once the
    /// manifest and the sizes are known; `pkg` is the site's pkg folder, `routes` the lazily
    /// loaded pages' route names.
    pub fn index(&mut self, pkg: &str, routes: &[&'static str]) {
        self.page_chunks = routes
            .iter()
            .map(|route| {
                let urls: Vec<String> = self
                    .chunks_by_size(route)
                    .into_iter()
                    .map(|c| format!("/{pkg}/{c}"))
                    .collect();
                (
                    *route,
                    serde_json::to_string(&urls).unwrap_or_else(|_| "[]".into()),
                )
            })
            .collect();
    }

    /// The page's chunk URLs as a JSON array, largest first (`[]` before `index`).
    pub fn page_chunks_json(&self, route: &str) -> &str {
        self.page_chunks
            .iter()
            .find(|(r, _)| *r == route)
            .map(|(_, json)| json.as_str())
            .unwrap_or("[]")
    }

    /// The wasm chunk files (`<stem>.wasm`) a lazily loaded page needs. The split point of a
    /// `#[lazy_route]` is named after its view function `__<Route>_View` in snake case, then a
    /// hash of the call site: `__home_route_view_928…` (leptos_router_macro, leptos_macro's `lazy`).
    pub fn chunks_of(&self, route: &str) -> Vec<String> {
        let prefix = format!("__{}_view_", snake_case(route));
        self.chunks
            .iter()
            .filter(|(split, _)| split.starts_with(&prefix))
            .flat_map(|(_, stems)| stems.iter().map(|s| format!("{s}.wasm")))
            .collect()
    }

    /// `hash_file` is the text of `hash.txt`: lines `js: <hash>`, `wasm: <hash>`, `css: <hash>`.
    fn from_hash_file(name: &str, hashed: bool, hash_file: &str) -> Self {
        let hashes: Vec<(&str, &str)> = hash_file
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        let find = |key: &str| hashes.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        match (hashed, find("js"), find("wasm"), find("css")) {
            (true, Some(js), Some(wasm), Some(css)) => Self {
                js: format!("{name}.{js}.js"),
                wasm: format!("{name}.{wasm}.wasm"),
                css: format!("{name}.{css}.css"),
                split_js: find("split").map(|h| format!("__wasm_split.{h}.js")),
                manifest_hash: find("manifest").map(str::to_string),
                version: Some(hashes.iter().map(|(_, v)| *v).collect::<Vec<_>>().join("-")),
                chunks: Vec::new(),
                chunk_sizes: Default::default(),
                page_chunks: Vec::new(),
                snippets: Vec::new(),
            },
            _ => {
                // wasm-bindgen's default name, unless the build named its output (cargo-leptos does).
                let wasm = if std::option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                    format!("{name}_bg.wasm")
                } else {
                    format!("{name}.wasm")
                };
                Self {
                    js: format!("{name}.js"),
                    wasm,
                    css: format!("{name}.css"),
                    split_js: None,
                    manifest_hash: None,
                    version: None,
                    chunks: Vec::new(),
                    chunk_sizes: Default::default(),
                    page_chunks: Vec::new(),
                    snippets: Vec::new(),
                }
            }
        }
    }
}

/// `ManageAccountsRoute` → `manage_accounts_route`, as convert_case names the split points.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{snake_case, BuildAssets};

    #[test]
    fn a_page_finds_its_chunks_in_the_split_manifest() {
        let manifest = r#"{
            "__home_route_view_1234": ["chunk_3.abc", "split___home_route_view_1234.def"],
            "__meeting_route_view_99": ["chunk_3.abc", "split___meeting_route_view_99.f00"],
            "__meetings_route_view_98": ["split___meetings_route_view_98.0aa"],
            "__manage_accounts_route_view_7": ["split___manage_accounts_route_view_7.1"]
        }"#;
        let a = BuildAssets::from_hash_file("sotay", true, "js: aaa\nwasm: bbb\ncss: ccc\n")
            .with_manifest(manifest);
        assert_eq!(
            a.chunks_of("HomeRoute"),
            vec!["chunk_3.abc.wasm", "split___home_route_view_1234.def.wasm"]
        );
        // `meeting_route_view_` is not a prefix of `meetings_route_view_`: each page its own.
        assert_eq!(
            a.chunks_of("MeetingRoute"),
            vec!["chunk_3.abc.wasm", "split___meeting_route_view_99.f00.wasm"]
        );
        assert_eq!(
            a.chunks_of("MeetingsRoute"),
            vec!["split___meetings_route_view_98.0aa.wasm"]
        );
        assert_eq!(
            a.chunks_of("ManageAccountsRoute"),
            vec!["split___manage_accounts_route_view_7.1.wasm"]
        );
        assert!(a.chunks_of("TreeRoute").is_empty());
        // Fetched ahead largest first.
        let mut a = a;
        a.chunk_sizes = [
            ("chunk_3.abc.wasm", 300),
            ("split___meeting_route_view_99.f00.wasm", 90_000),
        ]
        .into_iter()
        .map(|(f, n)| (f.to_string(), n))
        .collect();
        assert_eq!(
            a.chunks_by_size("MeetingRoute"),
            vec!["split___meeting_route_view_99.f00.wasm", "chunk_3.abc.wasm"]
        );
        let mut indexed = a.clone();
        assert_eq!(indexed.page_chunks_json("MeetingRoute"), "[]");
        indexed.index("pkg", &["MeetingRoute", "HomeRoute"]);
        assert_eq!(
            indexed.page_chunks_json("MeetingRoute"),
            r#"["/pkg/split___meeting_route_view_99.f00.wasm","/pkg/chunk_3.abc.wasm"]"#
        );
        assert!(BuildAssets::from_hash_file("sotay", true, "")
            .with_manifest("not json")
            .chunks
            .is_empty());
    }

    #[test]
    fn snippets_are_found_under_the_pkg_folder() {
        let pkg = std::env::temp_dir().join(format!("sotay-snippets-{}", std::process::id()));
        std::fs::create_dir_all(pkg.join("snippets/app-01")).unwrap();
        std::fs::write(pkg.join("snippets/app-01/inline1.js"), "").unwrap();
        std::fs::write(pkg.join("snippets/app-01/inline0.js"), "").unwrap();
        std::fs::write(pkg.join("snippets/app-01/notes.txt"), "").unwrap();
        assert_eq!(
            BuildAssets::snippets_in(&pkg),
            vec!["snippets/app-01/inline0.js", "snippets/app-01/inline1.js"]
        );
        assert!(BuildAssets::snippets_in(&pkg.join("none")).is_empty());
        std::fs::remove_dir_all(&pkg).unwrap();
    }

    #[test]
    fn manifest_and_route_names() {
        assert_eq!(
            BuildAssets::from_hash_file(
                "sotay",
                true,
                "js: a\nwasm: w\ncss: c\nmanifest: m1\nsplit: s\n"
            )
            .manifest_name(),
            "__wasm_split_manifest.m1.json"
        );
        assert_eq!(
            BuildAssets::from_hash_file("sotay", false, "js: a\nwasm: w\ncss: c\nmanifest: m1")
                .manifest_name(),
            "__wasm_split_manifest.json"
        );
        assert_eq!(snake_case("SignInRoute"), "sign_in_route");
        assert_eq!(snake_case("HomeRoute"), "home_route");
    }

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let a = BuildAssets::from_hash_file("sotay", true, "js: aaa\nwasm: bbb\ncss: ccc\n");
        assert_eq!(a.js, "sotay.aaa.js");
        assert_eq!(a.wasm, "sotay.bbb.wasm");
        assert_eq!(a.css, "sotay.ccc.css");
        assert_eq!(a.version.as_deref(), Some("aaa-bbb-ccc"));
        assert_eq!(a.split_js, None);
        let split = BuildAssets::from_hash_file(
            "sotay",
            true,
            "js: aaa\nwasm: bbb\ncss: ccc\nmanifest: ddd\nsplit: eee\n",
        );
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
        assert_eq!(
            BuildAssets::from_hash_file("sotay", false, "js: aaa\nwasm: bbb\ncss: ccc").version,
            None
        );
    }
}
