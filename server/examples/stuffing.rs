//! Credential stuffing from one address (issue #17): an attacker sends N wrong sign-ins over many
//! phone numbers, as fast as `--concurrency` connections allow, while `--members` real members
//! sign in correctly from the same address, spread over the attack. Reports what the attacker
//! achieved per minute and how many correct sign-ins succeeded (goal: all), and how long they took.
//!
//!   DATABASE_URL=sqlite:///tmp/stuffing/s.db cargo run --release -p server --example stuffing -- \
//!       --attempts 10000 --concurrency 32 --members 50
//!
//! A benchmark, not a test: docs/BENCHMARKS.md records the runs.

#[path = "common/mod.rs"]
mod common;

use app::platform::db::Db;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

struct Args {
    attempts: u64,
    concurrency: u64,
    members: usize,
}

fn args() -> Args {
    let mut a = Args {
        attempts: 10_000,
        concurrency: 32,
        members: 50,
    };
    let v: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i + 1 < v.len() {
        let n: u64 = v[i + 1].parse().expect("a number");
        match v[i].as_str() {
            "--attempts" => a.attempts = n,
            "--concurrency" => a.concurrency = n,
            "--members" => a.members = n as usize,
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    a
}

/// Gives `n` generated members an active account with the demo password and a phone of their
/// own (0912xxxxxx); returns the phones.
async fn members_with_accounts(db: &Db, n: usize) -> Vec<String> {
    let hash: String = sqlx::query_scalar("SELECT a.password_hash FROM accounts a JOIN members m ON m.id = a.member_id WHERE m.phone = '0900000001'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT m.id FROM members m LEFT JOIN accounts a ON a.member_id = m.id WHERE a.id IS NULL ORDER BY m.id LIMIT $1")
        .bind(n as i64)
        .fetch_all(db.pool())
        .await
        .unwrap();
    let now = app::platform::clock::now_unix();
    let mut phones = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let phone = format!("0912{:06}", i);
        sqlx::query("UPDATE members SET phone = $1 WHERE id = $2")
            .bind(&phone)
            .bind(id)
            .execute(db.pool())
            .await
            .unwrap();
        sqlx::query("INSERT INTO accounts (member_id, password_hash, status, created_at, updated_at) VALUES ($1, $2, 'active', $3, $3)")
            .bind(id)
            .bind(&hash)
            .bind(now)
            .execute(db.pool())
            .await
            .unwrap();
        phones.push(phone);
    }
    phones
}

#[tokio::main]
async fn main() {
    let a = args();
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "sqlite:///tmp/sotay-stuffing/s.db".into());
    if let Some(path) = url.strip_prefix("sqlite://") {
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(format!("{path}-wal"));
        let _ = std::fs::remove_file(format!("{path}-shm"));
    }
    let db = Db::connect(&url, None).await.unwrap();
    db.migrate().await.unwrap();
    app::register::seed::seed(&db, 3_000).await.unwrap();
    let phones = members_with_accounts(&db, a.members).await;
    let addr = common::serve(&db).await;
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();

    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let refused_locked = Arc::new(AtomicU64::new(0));
    let attacker_hits = Arc::new(AtomicU64::new(0));
    let mut attackers = Vec::new();
    for _ in 0..a.concurrency {
        let (client, base, next, locked, hits) = (
            client.clone(),
            base.clone(),
            next.clone(),
            refused_locked.clone(),
            attacker_hits.clone(),
        );
        let total = a.attempts;
        attackers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                // Many identifiers: the members' and random ones, each tried a few times.
                let phone = format!("09{:08}", (i * 7919) % 100_000_000);
                let res = client
                    .post(format!("{base}/api/sign_in"))
                    .header("accept", "application/json")
                    .form(&[
                        ("identifier", phone.as_str()),
                        ("password", "123456789"),
                        ("next", "/"),
                    ])
                    .send()
                    .await;
                if let Ok(res) = res {
                    let status = res.status().as_u16();
                    let body = res.text().await.unwrap_or_default();
                    if status == 200 {
                        hits.fetch_add(1, Ordering::Relaxed);
                    } else if body.contains("err_sign_in_locked") {
                        locked.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    // Members sign in correctly, one every so often while the attack runs.
    let mut members = Vec::new();
    for (k, phone) in phones.into_iter().enumerate() {
        let (client, base) = (client.clone(), base.clone());
        members.push(tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(500 + 400 * k as u64)).await;
            let t = Instant::now();
            let res = client
                .post(format!("{base}/api/sign_in"))
                .header("accept", "application/json")
                .form(&[
                    ("identifier", phone.as_str()),
                    ("password", "sotay2026"),
                    ("next", "/"),
                ])
                .send()
                .await;
            (
                res.map(|r| r.status().as_u16()).unwrap_or(0) == 200,
                t.elapsed().as_millis() as u64,
            )
        }));
    }
    let mut ok = 0;
    let mut waits = Vec::new();
    for m in members {
        let (good, ms) = m.await.unwrap();
        ok += good as usize;
        waits.push(ms);
    }
    for t in attackers {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    waits.sort_unstable();
    println!(
        "attempts {} in {:.1} s by {} connections: {:.0} wrong sign-ins per minute",
        a.attempts,
        secs,
        a.concurrency,
        a.attempts as f64 / secs * 60.0
    );
    println!(
        "attacker: {} answered 'locked', {} signed in",
        refused_locked.load(Ordering::Relaxed),
        attacker_hits.load(Ordering::Relaxed)
    );
    println!(
        "members: {ok} of {} signed in; wait median {} ms, max {} ms",
        waits.len(),
        waits.get(waits.len() / 2).copied().unwrap_or(0),
        waits.last().copied().unwrap_or(0)
    );
}
