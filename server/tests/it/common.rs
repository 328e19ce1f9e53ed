//! Test harness: starts the real application on 127.0.0.1 against a fresh database — a
//! temporary SQLite file, or a new PostgreSQL database that is dropped afterwards.
//! PostgreSQL tests skip with a message when no server is reachable, except under CI=true.
#![allow(dead_code)]

use app::platform::db::Db;
use leptos::prelude::LeptosOptions;
use server::{router, AppState};
use std::net::SocketAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub db: Db,
    pub url: String,
    _guard: Guard,
}

enum Guard {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Guard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    if let Ok(admin) = Db::connect(&admin_url, Some(1)).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(admin.pool())
                                .await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

fn unique_name() -> String {
    use rand::Rng;
    format!(
        "sotay_test_{}_{:08x}",
        std::process::id(),
        rand::rng().random::<u32>()
    )
}

/// A fresh, migrated database, or `None` when PostgreSQL is not reachable outside CI.
pub async fn fresh_db(backend: Backend) -> Option<TestDb> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            let db = Db::connect(&url, None).await.expect("sqlite connect");
            db.migrate().await.expect("sqlite migrate");
            Some(TestDb {
                db,
                url,
                _guard: Guard::Sqlite(dir),
            })
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = match Db::connect(&admin_url, Some(1)).await {
                Ok(admin) => admin,
                Err(e) if !in_ci() => {
                    eprintln!("SKIPPED: PostgreSQL not reachable at {admin_url} ({e}); set TEST_POSTGRES_URL or run under CI=true to require it");
                    return None;
                }
                Err(e) => panic!(
                    "PostgreSQL is required under CI=true but {admin_url} is unreachable: {e}"
                ),
            };
            let name = unique_name();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await
                .expect("create database");
            admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin_url.clone());
            let url = format!("{base}/{name}");
            let guard = Guard::Postgres { admin_url, name };
            let db = Db::connect(&url, Some(5)).await.expect("postgres connect");
            db.migrate().await.expect("postgres migrate");
            Some(TestDb {
                db,
                url,
                _guard: guard,
            })
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub test_db: TestDb,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// Starts the real router on an ephemeral port.
pub async fn spawn(backend: Backend) -> Option<TestApp> {
    spawn_with_proxies(backend, "").await
}

/// As `spawn`, believing forwarding headers from the given proxies (`SOTAY_TRUSTED_PROXIES`).
pub async fn spawn_with_proxies(backend: Backend, trusted_proxies: &str) -> Option<TestApp> {
    let trusted_proxies =
        app::domain::net::TrustedProxies::parse(trusted_proxies).expect("trusted proxies");
    let test_db = fresh_db(backend).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let leptos_options = LeptosOptions::builder()
        .output_name("sotay")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(false)
        .build();
    let state = AppState {
        leptos_options,
        db: test_db.db.clone(),
        trusted_proxies,
    };
    let app = router(state);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    Some(TestApp {
        base: format!("http://{addr}"),
        client,
        db: test_db.db.clone(),
        test_db,
    })
}

/// One upload directory for the whole test process (the setting is process-wide; file keys are
/// unique, so tests can share it).
pub fn shared_upload_dir() {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sotay-it-uploads-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::env::set_var("UPLOAD_DIR", &dir);
        dir
    });
}

/// Runs one async test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let app = $crate::common::spawn($crate::common::Backend::Sqlite)
                    .await
                    .expect("sqlite app");
                ($body)(app).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::common::spawn($crate::common::Backend::Postgres).await {
                    ($body)(app).await;
                }
            }
        }
    };
}

/// A client that keeps cookies and does not follow redirects, like a browser tab seen from a test.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// Calls a server function with a form body; returns the status and the JSON (or text) answer.
pub async fn call(
    app: &TestApp,
    c: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let res = c
        .post(app.url(&format!("/api/{endpoint}")))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// The demo password of every demo account.
pub const DEMO_PASSWORD: &str = "sotay2026";

/// A client signed in with a demo account.
pub async fn signed_in(app: &TestApp, identifier: &str) -> reqwest::Client {
    let c = client();
    let (status, body) = call(
        app,
        &c,
        "sign_in",
        &[
            ("identifier", identifier),
            ("password", DEMO_PASSWORD),
            ("next", "/"),
        ],
    )
    .await;
    assert_eq!(status, 200, "sign in {identifier}: {body}");
    c
}

/// The i18n key of the first field error (or the variant name) in an error body.
pub fn error_key(body: &serde_json::Value) -> String {
    use serde_json::Value;
    if let Some(fields) = body.get("Invalid").and_then(|v| v.as_array()) {
        return fields[0]["key"].as_str().unwrap_or_default().to_string();
    }
    match body {
        Value::String(s) => s.clone(),
        Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}
