//! Notifications at province scale (issue "Notifications", Done when): publishing a document to
//! 126,000 members must answer in under 100 ms, and a member's unread count take under 5 ms, on
//! SQLite. Fills a month's worth of notices first (a meeting notice per cell, a task notice for
//! one member in five), then publishes province documents through the real HTTP interface and
//! times the unread count for a thousand members.
//!
//!   DATABASE_URL=sqlite:///tmp/notify/n.db cargo run --release -p server --example notify -- --members 126000
//!
//! Then Web Push at that scale: one phone for every member with an account, a province document
//! expanded into deliveries by the worker, and those deliveries sent to a local push service
//! (encryption, VAPID signing, HTTP, queue bookkeeping; the push service answers at once).
//!
//! A benchmark, not a test: it prints what it measured (docs/BENCHMARKS.md records the runs).

#[path = "common/mod.rs"]
mod common;

use app::platform::db::Db;
use sqlx::Row;
use std::net::SocketAddr;
use std::time::Instant;

fn percentile(sorted: &[u128], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let v: Vec<String> = std::env::args().collect();
    let members: usize = v
        .iter()
        .position(|a| a == "--members")
        .and_then(|i| v.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(126_000);
    let url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:///tmp/sotay-notify/n.db".into());
    let db = Db::connect(&url, None).await.unwrap();
    db.migrate().await.unwrap();
    if app::register::service::contents(&db).await.unwrap().members == 0 {
        let t = Instant::now();
        app::register::seed::seed(&db, members).await.unwrap();
        app::documents::seed::seed(&db, 20).await.unwrap();
        println!(
            "seeded {members} members: {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let now = app::platform::clock::now_unix();
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(db.pool())
        .await
        .unwrap();

    // A month of notices: one per cell (its meeting), one per fifth member (a task).
    let t = Instant::now();
    let mut conn = db.pool().acquire().await.unwrap();
    sqlx::query(
        "INSERT INTO notifications (kind, org_id, ref_type, ref_id, subject, created_at)
         SELECT 'hop_cong_bo', id, 'meeting', id, name, $1 FROM organizations WHERE kind IN ('chi_bo', 'chi_bo_co_so')",
    )
    .bind(now - 3_600)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO notifications (kind, member_id, ref_type, ref_id, subject, created_at)
         SELECT 'nhiem_vu_giao', id, 'task', id, full_name, $1 FROM members WHERE id % 5 = 0",
    )
    .bind(now - 1_800)
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications")
        .fetch_one(db.pool())
        .await
        .unwrap();
    println!(
        "{rows} notifications in the table ({total} members): filled in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // The editor (0900000004), already signed in.
    let cookie =
        common::session_cookie(&db, common::account_of(&db, "0900000004").await, now).await;
    let province: i64 =
        sqlx::query_scalar("SELECT id FROM organizations WHERE kind = 'tinh' ORDER BY id LIMIT 1")
            .fetch_one(db.pool())
            .await
            .unwrap();

    let addr = common::serve(&db).await;
    let client = reqwest::Client::new();

    let mut publish = Vec::new();
    for i in 0..50 {
        let number = format!("{}-NQ/TU", 500 + i);
        let title = format!("Nghị quyết thử nghiệm số {i} về chuyển đổi số");
        let province = province.to_string();
        let form = [
            ("kind", "van_ban"),
            ("audience", province.as_str()),
            ("doc_type", "nghi_quyet"),
            ("number", number.as_str()),
            ("issuing_body", "Tỉnh ủy"),
            ("issued_on", "2026-11-20"),
            ("title", title.as_str()),
            ("summary", ""),
            ("body", "Điều 1. Nội dung thử nghiệm."),
            ("tags", ""),
            ("not_classified", "on"),
        ];
        let t = Instant::now();
        let res = client
            .post(format!("http://{addr}/api/publish"))
            .header("cookie", &cookie)
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let _ = res.bytes().await;
        publish.push(t.elapsed().as_micros());
        assert!(status.is_success(), "publish: {status}");
    }
    publish.sort_unstable();
    println!(
        "publish to the province ({total} members): 50 documents over HTTP, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&publish, 0.5),
        percentile(&publish, 0.95),
        *publish.last().unwrap() as f64 / 1000.0
    );

    // The unread count, for a thousand members spread over the province.
    let people = sqlx::query("SELECT m.id, o.path, o.id AS org FROM members m JOIN organizations o ON o.id = m.org_id WHERE m.id % 126 = 1 LIMIT 1000")
        .fetch_all(db.pool())
        .await
        .unwrap();
    let mut counts = Vec::new();
    let mut sum = 0i64;
    for r in &people {
        let actor = app::domain::permission::Actor {
            account_id: 0,
            member_id: r.get::<i64, _>(0),
            org: app::domain::org::OrgPath::parse(&r.get::<String, _>(1)).unwrap(),
            grants: Vec::new(),
        };
        let t = Instant::now();
        sum += app::notifications::service::unread_count(&db, &actor, now)
            .await
            .unwrap();
        counts.push(t.elapsed().as_micros());
    }
    counts.sort_unstable();
    println!(
        "unread count: {} members, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (average unread {:.1})",
        counts.len(),
        percentile(&counts, 0.5),
        percentile(&counts, 0.95),
        percentile(&counts, 0.99),
        *counts.last().unwrap() as f64 / 1000.0,
        sum as f64 / counts.len().max(1) as f64
    );
    push_at_scale(&db, &client, &cookie, addr, province).await;
    db.close().await;
}

async fn push_at_scale(
    db: &Db,
    client: &reqwest::Client,
    cookie: &str,
    addr: SocketAddr,
    province: i64,
) {
    use app::notifications::push;
    std::env::set_var("SOTAY_PUSH_ALLOW_HTTP", "1");
    // A local push service that accepts everything.
    let svc = axum::Router::new().route(
        "/push/{device}",
        axum::routing::post(|| async { axum::http::StatusCode::CREATED }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let push_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, svc).await.unwrap() });
    let now = app::platform::clock::now_unix();
    sqlx::query("UPDATE notifications SET pushed_at = created_at WHERE pushed_at IS NULL")
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM push_deliveries")
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM push_subscriptions")
        .execute(db.pool())
        .await
        .unwrap();
    // Seven members in ten have an account (as in the statistics benchmark); each has one
    // session and one subscribed phone, quiet hours off (the run may be at night).
    let t = Instant::now();
    sqlx::query(
        "INSERT INTO accounts (member_id, status, created_at, updated_at)
         SELECT m.id, 'active', $1, $1 FROM members m WHERE m.id % 10 < 7 AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.member_id = m.id)",
    )
    .bind(now)
    .execute(db.pool())
    .await
    .unwrap();
    let auth = "BTBZMqHH6r4Tts7J_aSIgg";
    let p256dh =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at) SELECT 'bench-' || id, id, $1, $1, $2 FROM accounts WHERE status = 'active' ON CONFLICT (token_hash) DO NOTHING")
        .bind(now).bind(now + 86_400).execute(db.pool()).await.unwrap();
    sqlx::query(&format!(
        "INSERT INTO push_subscriptions (member_id, endpoint, p256dh, auth, session_hash, created_at)
         SELECT a.member_id, 'http://{push_addr}/push/' || a.id, $1, $2, 'bench-' || a.id, $3 FROM accounts a WHERE a.status = 'active'"
    ))
    .bind(p256dh).bind(auth).bind(now).execute(db.pool()).await.unwrap();
    sqlx::query("INSERT INTO notification_settings (member_id, quiet_enabled, updated_at) SELECT member_id, 0, $1 FROM accounts WHERE status = 'active' ON CONFLICT (member_id) DO UPDATE SET quiet_enabled = 0")
        .bind(now).execute(db.pool()).await.unwrap();
    let devices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions")
        .fetch_one(db.pool())
        .await
        .unwrap();
    println!(
        "push: {devices} subscribed phones set up in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let province = province.to_string();
    let form = [
        ("kind", "van_ban"),
        ("audience", province.as_str()),
        ("doc_type", "nghi_quyet"),
        ("number", "999-NQ/TU"),
        ("issuing_body", "Tỉnh ủy"),
        ("issued_on", "2026-11-20"),
        ("title", "Nghị quyết gửi tới mọi điện thoại"),
        ("summary", ""),
        ("body", "Điều 1."),
        ("tags", ""),
        ("not_classified", "on"),
    ];
    let t = Instant::now();
    let res = client
        .post(format!("http://{addr}/api/publish"))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    println!(
        "push: publish answered in {:.1} ms (the push work is the worker's)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let keys = push::keys(db).await.unwrap();
    let t = Instant::now();
    push::expand_pending(db, now, 50).await.unwrap();
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_deliveries")
        .fetch_one(db.pool())
        .await
        .unwrap();
    println!(
        "push: expanded into {queued} deliveries in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let http = push::http_client();
    let t = Instant::now();
    let report = push::run_once(db, &http, &keys, now).await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "push: sent {} (retried {}, dropped {}) in {:.1} s = {:.0} pushes/s",
        report.delivered,
        report.retried,
        report.dropped,
        secs,
        report.delivered as f64 / secs
    );
}
