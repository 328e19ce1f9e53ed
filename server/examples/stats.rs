//! Usage statistics at province scale (issue "Administration", statistics): every dashboard must
//! answer in under 300 ms on SQLite for a 126,000-member province. Seeds the province if the
//! database is empty, gives about 70% of members an account (most of them signed in, some of
//! them recently), takes a month's snapshot, then times the dashboard and the monthly report over
//! HTTP as a province-level admin, a ward admin and a cell secretary.
//!
//!   DATABASE_URL=sqlite:///tmp/stats/s.db cargo run --release -p server --example stats -- --members 126000
//!
//! A benchmark, not a test: it prints what it measured (docs/BENCHMARKS.md records the runs).

#[path = "common/mod.rs"]
mod common;

use app::platform::db::Db;
use std::time::Instant;

fn percentile(sorted: &[u128], p: f64) -> f64 {
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
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:///tmp/sotay-stats/s.db".into());
    let db = Db::connect(&url, None).await.unwrap();
    db.migrate().await.unwrap();
    let now = app::platform::clock::now_unix();
    if app::register::service::contents(&db).await.unwrap().members == 0 {
        let t = Instant::now();
        app::register::seed::seed(&db, members).await.unwrap();
        app::meetings::seed::seed(&db, app::platform::clock::today_vn(), now)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO accounts (member_id, status, created_at, updated_at, last_sign_in_at, last_active_at)
             SELECT m.id, 'active', $1, $1,
                    CASE WHEN m.id % 10 < 6 THEN $1 - (m.id % 90) * 86400 END,
                    CASE WHEN m.id % 10 < 6 THEN $1 - (m.id % 90) * 86400 END
             FROM members m WHERE m.id % 10 < 7 AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.member_id = m.id)",
        )
        .bind(now)
        .execute(db.pool())
        .await
        .unwrap();
        println!(
            "seeded {members} members with accounts: {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let t = Instant::now();
    let month = app::domain::meeting::Month::of(app::platform::clock::today_vn()).code();
    let n = app::statistics::service::snapshot(&db, &month, now)
        .await
        .unwrap();
    println!(
        "snapshot of {n} organisations ({total} members): {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // The ward admin (0900000003) also administers the whole province, for this run.
    let province: i64 = sqlx::query_scalar(
        "SELECT id FROM organizations WHERE parent_id IS NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let admin = common::session_cookie(&db, common::account_of(&db, "0900000003").await, now).await;
    let secretary =
        common::session_cookie(&db, common::account_of(&db, "0900000002").await, now).await;
    let account = common::account_of(&db, "0900000003").await;
    sqlx::query("INSERT INTO role_grants (account_id, org_id, role, created_at) VALUES ($1, $2, 'admin', $3) ON CONFLICT DO NOTHING").bind(account).bind(province).bind(now).execute(db.pool()).await.unwrap();
    let ward: i64 = sqlx::query_scalar("SELECT o.parent_id FROM organizations o JOIN members m ON m.org_id = o.id WHERE m.phone = '0900000002'").fetch_one(db.pool()).await.unwrap();

    let addr = common::serve(&db).await;
    let client = reqwest::Client::new();
    let cases = [
        (
            "province dashboard",
            &admin,
            "usage_dashboard",
            vec![("org", province.to_string())],
        ),
        (
            "province monthly report",
            &admin,
            "monthly_report",
            vec![("org", province.to_string()), ("month", month.clone())],
        ),
        (
            "ward dashboard",
            &admin,
            "usage_dashboard",
            vec![("org", ward.to_string())],
        ),
        (
            "cell dashboard (secretary)",
            &secretary,
            "usage_dashboard",
            vec![],
        ),
    ];
    for (label, cookie, endpoint, form) in cases {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let res = client
                .post(format!("http://{addr}/api/{endpoint}"))
                .header("cookie", cookie.as_str())
                .header("accept", "application/json")
                .form(&form)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success(), "{label}: {}", res.status());
            let _ = res.bytes().await.unwrap();
            times.push(t.elapsed().as_micros());
        }
        times.sort_unstable();
        println!(
            "{label}: 20 calls over HTTP, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            *times.last().unwrap() as f64 / 1000.0
        );
    }
    db.close().await;
}
