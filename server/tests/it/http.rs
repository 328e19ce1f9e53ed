//! The running app over HTTP: home page, health check, 404, security headers.
use crate::common;
use common::TestApp;

fn csp_nonce(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("CSP has a nonce") + 7;
    csp[start..].split('\'').next().unwrap().to_string()
}

on_both_databases!(
    health_check_reports_the_database,
    |app: TestApp| async move {
        let res = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], "ok");

        // With the database gone the check says so instead of pretending; the liveness probe
        // (which never touches the database) still answers.
        app.db.close().await;
        let res = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 503);
        let res = app.client.get(app.url("/livez")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.text().await.unwrap(), "ok");
    }
);

on_both_databases!(
    home_page_is_vietnamese_and_secured,
    |app: TestApp| async move {
        // A phone set to English still gets Vietnamese first.
        let res = app
            .client
            .get(app.url("/"))
            .header("accept-language", "en-US,en;q=0.9")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let headers = res.headers().clone();
        // Without Leptos' hydration markers (`<!>`, left around erased components' text).
        let body = res.text().await.unwrap().replace("<!>", "");
        assert!(
            body.contains("<html lang=\"vi\""),
            "{}",
            &body[..body.len().min(400)]
        );
        assert!(body.contains("<h1>Sổ tay Đảng viên</h1>"));
        assert!(body.contains("<main id=\"main\""));

        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("object-src 'none'"));
        assert!(!csp.contains("'unsafe-inline'"));
        let nonce = csp_nonce(csp);
        assert!(nonce.len() >= 16);
        // Every script with content carries this request's nonce (an empty inline script, which
        // leptos_i18n leaves as a placeholder, never runs and is not checked by CSP).
        let scripts = body.matches("<script").count() - body.matches("<script></script>").count();
        assert!(scripts >= 1);
        assert_eq!(
            body.matches(&format!("<script nonce=\"{nonce}\"")).count()
                + body
                    .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                    .count(),
            scripts,
            "{body}"
        );
        // The wasm is fetched after the first paint, not preloaded from the head: the page shows
        // before the largest file takes a slow connection.
        let head = &body[..body.find("</head>").expect("a head")];
        assert!(
            !head.contains(".wasm\" as=\"fetch\"") && !head.contains("rel=\"preload\""),
            "{head}"
        );
        // (The script's arguments: the JS, the wasm, then the page's wasm chunks — none here, where
        // the test site has no split manifest.)
        assert!(
            head.contains("requestAnimationFrame") && head.contains(".wasm\",[]]"),
            "{head}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(
            headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        assert_eq!(headers["x-frame-options"], "DENY");

        // A second request gets a different nonce.
        let again = app.client.get(app.url("/")).send().await.unwrap();
        let csp2 = again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert_ne!(csp_nonce(&csp2), nonce);
    }
);

on_both_databases!(english_is_chosen_by_cookie, |app: TestApp| async move {
    let res = app
        .client
        .get(app.url("/"))
        .header("cookie", "i18n_pref_locale=en")
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap().replace("<!>", "");
    assert!(body.contains("<html lang=\"en\""));
    assert!(body.contains("<h1>Party Member Handbook</h1>"));
    // The server reads the language cookie and never writes it: a page fetched in the
    // background just before a switch (the service worker keeping pages) must not switch back.
    for lang in ["en", "vi"] {
        for page in ["/", "/ngoai-tuyen", "/dang-nhap"] {
            let res = app
                .client
                .get(app.url(page))
                .header("cookie", format!("i18n_pref_locale={lang}"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{page}");
            let set: Vec<_> = res
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter(|v| v.contains("i18n_pref_locale"))
                .collect();
            assert!(set.is_empty(), "{page} with {lang}: {set:?}");
        }
    }
});

on_both_databases!(
    unknown_pages_are_404_in_vietnamese,
    |app: TestApp| async move {
        let res = app
            .client
            .get(app.url("/khong-co-trang-nay"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let body = res.text().await.unwrap();
        assert!(body.contains("Không tìm thấy trang"));
        // Real pages are 200.
        for page in ["/", "/dang-nhap", "/dang-ky", "/kich-hoat", "/tro-giup"] {
            assert_eq!(
                app.client.get(app.url(page)).send().await.unwrap().status(),
                200,
                "{page}"
            );
        }
        // A signed-in member still looks signed in on a missing page (the 404 page reads the session).
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let member = common::signed_in(&app, "0900000001").await;
        for (method, path) in [
            ("GET", "/khong-co-trang-nay"),
            ("POST", "/api/khong_co_ham_nay"),
        ] {
            let req = if method == "GET" {
                member.get(app.url(path))
            } else {
                member.post(app.url(path))
            };
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 404, "{method} {path}");
            let body = res.text().await.unwrap();
            assert!(
                body.contains("data-testid=\"nav-notifications\""),
                "{method} {path}: signed in"
            );
        }
    }
);

on_both_databases!(responses_are_compressed, |app: TestApp| async move {
    let res = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
});

on_both_databases!(installable_app_files, |app: TestApp| async move {
    // The manifest: Vietnamese name, standalone, 192 and 512 px icons, maskable ones too.
    let res = app
        .client
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/manifest+json"));
    let m: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (
            m["name"].as_str(),
            m["lang"].as_str(),
            m["display"].as_str(),
            m["start_url"].as_str()
        ),
        (
            Some("Sổ tay Đảng viên"),
            Some("vi"),
            Some("standalone"),
            Some("/")
        )
    );
    let icons = m["icons"].as_array().unwrap();
    for (size, purpose) in [
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    ] {
        assert!(
            icons
                .iter()
                .any(|i| i["sizes"] == size && i["purpose"] == purpose),
            "{size} {purpose}"
        );
    }
    // The icons themselves are PNGs of those sizes (checked from the files the site serves).
    for icon in icons {
        let file = format!("../public{}", icon["src"].as_str().unwrap());
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(&bytes[1..4], b"PNG");
        let (w, h) = (
            u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
            u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
        );
        assert_eq!(format!("{w}x{h}"), icon["sizes"].as_str().unwrap());
    }
    // The service worker: from the root, never cached by HTTP, names the shell and the offline
    // page, and leaves server functions and POSTs alone.
    let res = app.client.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let sw = res.text().await.unwrap();
    assert!(
        !sw.contains("__VERSION__")
            && !sw.contains("__SHELL__")
            && !sw.contains("__CHUNKS__")
            && !sw.contains("__APP_NAME__")
            && !sw.contains("__PKG__")
    );
    // Lazily loaded pages' chunks are kept when first fetched, from this build's pkg folder.
    assert!(sw.contains("const PKG = \"/pkg/\";") && sw.contains("chunkCacheFirst"));
    assert!(
        sw.contains("\"/ngoai-tuyen\"")
            && sw.contains("/pkg/sotay")
            && sw.contains("\"Sổ tay Đảng viên\"")
    );
    assert!(sw.contains("request.method !== \"GET\"") && sw.contains("startsWith(\"/api/\")"));
    // The offline page.
    let res = app
        .client
        .get(app.url("/ngoai-tuyen"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Không có kết nối mạng"));
    // Every page links the manifest.
    let home = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("rel=\"manifest\" href=\"/manifest.webmanifest\""));
});

/// Serves the whole app with its static files from `site` (a `pkg/` folder inside), as
/// `hashed` or plain build file names; returns its address.
async fn serve_site(
    site: &std::path::Path,
    hashed: bool,
    db: &app::platform::db::Db,
) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let leptos_options = leptos::prelude::LeptosOptions::builder()
        .output_name("sotay")
        .site_root(site.to_str().unwrap())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashed)
        .build();
    let app = server::router(server::AppState {
        leptos_options,
        db: db.clone(),
        trusted_proxies: Default::default(),
    });
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    addr
}

/// Release builds (`cargo leptos build --release --precompress`) put `.br` and `.gz` files beside
/// each file of the site; the server sends the one the browser accepts, with its
/// Content-Encoding, and neither recompresses it nor loses the type of the original.
#[tokio::test]
async fn precompressed_assets_are_served_as_they_are() {
    let db = common::fresh_db(common::Backend::Sqlite)
        .await
        .expect("sqlite");
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = b"\0asm\x01\0\0\0 the module itself, long enough to be worth compressing on the fly"
        .repeat(20);
    std::fs::write(pkg.join("sotay.0123abcd.wasm"), &wasm).unwrap();
    // Stand-ins: the server must send these bytes unchanged, not decode or re-encode them.
    std::fs::write(pkg.join("sotay.0123abcd.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("sotay.0123abcd.wasm.gz"), b"gzip bytes").unwrap();
    std::fs::write(
        pkg.join("sotay.0123abcd.css"),
        "body { margin: 0 }\n".repeat(80),
    )
    .unwrap();
    std::fs::write(pkg.join("small.css"), "body { margin: 0 }\n").unwrap();
    std::fs::write(pkg.join("sotay.0123abcd.css.br"), b"brotli css").unwrap();

    let addr = serve_site(site.path(), false, &db.db).await;
    let client = common::client();
    let get = |path: &'static str, accept: &'static str| {
        let req = client.get(format!("http://{addr}{path}"));
        let req = if accept.is_empty() {
            req
        } else {
            req.header("accept-encoding", accept)
        };
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200, "{path} ({accept})");
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_string())
            };
            let (encoding, kind) = (header("content-encoding"), header("content-type"));
            (encoding, kind, res.bytes().await.unwrap().to_vec())
        }
    };

    let (encoding, kind, body) = get("/pkg/sotay.0123abcd.wasm", "br, gzip").await;
    assert_eq!(
        (encoding.as_deref(), kind.as_deref(), &body[..]),
        (Some("br"), Some("application/wasm"), &b"brotli bytes"[..])
    );
    let (encoding, kind, body) = get("/pkg/sotay.0123abcd.wasm", "gzip").await;
    assert_eq!(
        (encoding.as_deref(), kind.as_deref(), &body[..]),
        (Some("gzip"), Some("application/wasm"), &b"gzip bytes"[..])
    );
    let (encoding, _, body) = get("/pkg/sotay.0123abcd.wasm", "").await;
    assert_eq!((encoding, body), (None, wasm.to_vec()));
    let (encoding, kind, body) = get("/pkg/sotay.0123abcd.css", "gzip, deflate, br").await;
    assert_eq!(
        (encoding.as_deref(), kind.as_deref(), &body[..]),
        (Some("br"), Some("text/css"), &b"brotli css"[..])
    );
    // Without a precompressed file the response is still compressed, on the fly.
    let (encoding, _, body) = get("/pkg/sotay.0123abcd.css", "gzip").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_ne!(body, b"gzip bytes");
    // Below one segment's worth nothing is compressed on the fly.
    let (encoding, _, body) = get("/pkg/small.css", "br, gzip").await;
    assert_eq!((encoding, body), (None, b"body { margin: 0 }\n".to_vec()));
}

/// Hashed build files are kept by the phone for a year without asking again; wasm-bindgen's
/// snippets (named after the crate, not the content) and unhashed builds are revalidated; pages
/// and answers get no such header.
#[tokio::test]
async fn hashed_build_files_are_kept_a_year() {
    let db = common::fresh_db(common::Backend::Sqlite)
        .await
        .expect("sqlite");
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(pkg.join("snippets/app-0123")).unwrap();
    std::fs::write(pkg.join("sotay.0123abcd.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("chunk_7.4567efgh.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(
        pkg.join("snippets/app-0123/inline0.js"),
        "export function f() {}\n",
    )
    .unwrap();
    for hashed in [true, false] {
        let addr = serve_site(site.path(), hashed, &db.db).await;
        let client = common::client();
        let cache_control = |path: &'static str| {
            let req = client
                .get(format!("http://{addr}{path}"))
                .header("accept-encoding", "br, gzip");
            async move {
                let res = req.send().await.unwrap();
                assert_eq!(res.status(), 200, "{path}");
                let header = |name: &str| {
                    res.headers()
                        .get(name)
                        .map(|v| v.to_str().unwrap().to_string())
                };
                if path.starts_with("/pkg/") {
                    assert_eq!(header("vary").as_deref(), Some("accept-encoding"), "{path}");
                }
                header("cache-control")
            }
        };
        let year = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        assert_eq!(
            cache_control("/pkg/sotay.0123abcd.wasm").await.as_deref(),
            Some(year),
            "hashed names: {hashed}"
        );
        assert_eq!(
            cache_control("/pkg/chunk_7.4567efgh.wasm").await.as_deref(),
            Some(year),
            "hashed names: {hashed}"
        );
        assert_eq!(
            cache_control("/pkg/snippets/app-0123/inline0.js")
                .await
                .as_deref(),
            Some("no-cache")
        );
        assert!(!cache_control("/")
            .await
            .unwrap_or_default()
            .contains("immutable"));
    }
}

on_both_databases!(
    small_answers_go_uncompressed_pages_compressed,
    |app: TestApp| async move {
        let res = app
            .client
            .post(app.url("/api/session"))
            .header("accept", "application/json")
            .header("accept-encoding", "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("content-encoding").is_none());
        let body = res.bytes().await.unwrap();
        assert!(
            body.len() < server::COMPRESS_FROM_BYTES as usize,
            "{} bytes",
            body.len()
        );
        serde_json::from_slice::<serde_json::Value>(&body).expect("plain JSON");
        // A page is compressed on the fly with gzip even where the browser prefers brotli (as
        // cheap to make, as small at this size); a browser without gzip gets it as it is.
        let encoding = |res: &reqwest::Response| {
            res.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_string())
        };
        let res = app
            .client
            .get(app.url("/"))
            .header("accept-encoding", "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(encoding(&res).as_deref(), Some("gzip"));
        let page = res.bytes().await.unwrap();
        let mut html = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&page[..]), &mut html)
            .unwrap();
        assert!(
            html.starts_with("<!DOCTYPE html>") && html.len() > page.len(),
            "{} bytes gzip, {} plain",
            page.len(),
            html.len()
        );
        let res = app
            .client
            .get(app.url("/"))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(encoding(&res), None);
    }
);

/// The pool checks only connections that have sat idle (a second round trip per statement
/// otherwise): when PostgreSQL drops every connection of the pool (a restart, a proxy's timeout),
/// requests after a quiet second find them checked and replaced, and none fails.
#[tokio::test]
async fn dropped_postgres_connections_are_replaced_after_a_pause() {
    let Some(app) = common::spawn(common::Backend::Postgres).await else {
        return;
    };
    let burst = |app: &TestApp| {
        let handles: Vec<_> = (0..12)
            .map(|_| {
                let (c, url) = (app.client.clone(), app.url("/healthz"));
                tokio::spawn(async move { c.get(url).send().await.unwrap().status().as_u16() })
            })
            .collect();
        async move {
            let mut codes = Vec::new();
            for h in handles {
                codes.push(h.await.unwrap());
            }
            codes
        }
    };
    assert!(burst(&app).await.iter().all(|&c| c == 200));
    let dropped: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(dropped >= 1, "the burst opened more than one connection");
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let codes = burst(&app).await;
    assert!(codes.iter().all(|&c| c == 200), "{codes:?}");
}
