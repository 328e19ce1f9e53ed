//! What the benchmark examples share: a signed-in session for an account, and the real router
//! served on an ephemeral port. (Not an example itself: `examples/common/mod.rs` is only
//! included with `#[path]`.)
#![allow(dead_code)]

use app::platform::db::Db;
use leptos::config::LeptosOptions;
use server::{router, AppState};
use std::net::SocketAddr;

/// A session for `account`, valid for a day, as the `cookie` header value. Written directly (not
/// through sign-in) so the account's sign-in statistics stay as the seed left them.
pub async fn session_cookie(db: &Db, account: i64, now: i64) -> String {
    let token = app::platform::session::new_token();
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)")
        .bind(app::platform::session::hash_token(&token))
        .bind(account)
        .bind(now)
        .bind(now + 86_400)
        .execute(db.pool())
        .await
        .unwrap();
    format!("sotay_session={token}")
}

/// The account of the member with this phone.
pub async fn account_of(db: &Db, phone: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT a.id FROM accounts a JOIN members m ON m.id = a.member_id WHERE m.phone = $1",
    )
    .bind(phone)
    .fetch_one(db.pool())
    .await
    .unwrap()
}

/// Serves the whole application on 127.0.0.1 and an ephemeral port.
pub async fn serve(db: &Db) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let leptos_options = LeptosOptions::builder()
        .output_name("sotay")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let app = router(AppState {
        leptos_options,
        db: db.clone(),
        trusted_proxies: Default::default(),
    });
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    addr
}
