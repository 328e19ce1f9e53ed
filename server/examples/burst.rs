//! The monthly-meeting burst (issue "Meetings", Scale): N chi bộ secretaries, already signed in,
//! each create and publish their month's meeting through the real HTTP interface at the same
//! time, while members read their home screens. Then checks that every meeting is there and
//! visible to all the members of its cell, and times the automatic monthly opening.
//!
//!   DATABASE_URL=sqlite:///tmp/burst/b.db cargo run --release -p server --example burst -- \
//!       --members 330000 --cells 13000 --concurrency 256 --readers 64
//!
//! A benchmark, not a test: it prints what it measured (docs/BENCHMARKS.md records the runs).

use app::platform::db::Db;
use leptos::config::LeptosOptions;
use server::{router, AppState};
use sqlx::Row;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

struct Args {
    members: usize,
    cells: usize,
    concurrency: usize,
    readers: usize,
}

fn args() -> Args {
    let mut a = Args {
        members: 330_000,
        cells: 13_000,
        concurrency: 256,
        readers: 64,
    };
    let v: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i + 1 < v.len() {
        let n: usize = v[i + 1].parse().expect("a number");
        match v[i].as_str() {
            "--members" => a.members = n,
            "--cells" => a.cells = n,
            "--concurrency" => a.concurrency = n,
            "--readers" => a.readers = n,
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    a
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// Creates an active account and a session for each member; returns the cookie tokens.
async fn sessions_for(db: &Db, member_ids: &[i64], now: i64) -> Vec<String> {
    let mut tokens = Vec::with_capacity(member_ids.len());
    let mut tx = db.pool().begin().await.unwrap();
    for chunk in member_ids.chunks(200) {
        let mut sql = String::from(
            "INSERT INTO accounts (member_id, status, created_at, updated_at) VALUES ",
        );
        sql.push_str(
            &(0..chunk.len())
                .map(|i| format!("(${}, 'active', $1, $1)", i + 2))
                .collect::<Vec<_>>()
                .join(", "),
        );
        sql.push_str(" ON CONFLICT (member_id) DO UPDATE SET status = 'active'");
        let mut q = sqlx::query(&sql).bind(now);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    for chunk in member_ids.chunks(200) {
        let ph: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 1)).collect();
        let sql = format!(
            "SELECT id, member_id FROM accounts WHERE member_id IN ({})",
            ph.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(&mut *tx).await.unwrap();
        let mut by_member = std::collections::HashMap::new();
        for r in rows {
            by_member.insert(r.get::<i64, _>(1), r.get::<i64, _>(0));
        }
        let mut sql = String::from("INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at) VALUES ");
        let mut values = Vec::new();
        let mut binds = Vec::new();
        for id in chunk {
            let token = app::platform::session::new_token();
            binds.push((app::platform::session::hash_token(&token), by_member[id]));
            tokens.push(token);
            let n = binds.len();
            values.push(format!("(${}, ${}, $1, $1, $2)", 2 * n + 1, 2 * n + 2));
        }
        sql.push_str(&values.join(", "));
        let mut q = sqlx::query(&sql).bind(now).bind(now + 86_400);
        for (h, a) in binds {
            q = q.bind(h).bind(a);
        }
        q.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    tokens
}

#[tokio::main]
async fn main() {
    let a = args();
    let url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:///tmp/sotay-burst/b.db".into());
    let db = Db::connect(&url, None).await.unwrap();
    db.migrate().await.unwrap();
    let contents = app::register::service::contents(&db).await.unwrap();
    if contents.members == 0 {
        let t = Instant::now();
        let r = app::register::seed::seed(&db, a.members).await.unwrap();
        println!(
            "seeded {} members in {} cells: {:.1} s",
            r.members,
            r.cells,
            t.elapsed().as_secs_f64()
        );
    }
    let today = app::platform::clock::today_vn();
    let month = app::domain::meeting::Month::of(today).next();
    let period = month.code();
    let now = app::platform::clock::now_unix();
    // A fresh month each run: earlier runs' meetings of it are removed.
    for sql in [
        "DELETE FROM meeting_attendance WHERE meeting_id IN (SELECT id FROM meetings WHERE period = $1)",
        "DELETE FROM meetings WHERE period = $1",
    ] {
        sqlx::query(sql).bind(period.clone()).execute(db.pool()).await.unwrap();
    }
    sqlx::query("DELETE FROM audit_log WHERE action IN ('meeting.create', 'meeting.publish')")
        .execute(db.pool())
        .await
        .unwrap();

    // One secretary per cell (the bí thư, or else the first member), and some readers.
    let rows = sqlx::query(
        "SELECT o.id, (SELECT m.id FROM members m WHERE m.org_id = o.id ORDER BY CASE WHEN m.position = 'bi_thu' THEN 0 ELSE 1 END, m.id LIMIT 1) AS sec
         FROM organizations o WHERE o.kind IN ('chi_bo', 'chi_bo_co_so') ORDER BY o.id LIMIT $1",
    )
    .bind(a.cells as i64)
    .fetch_all(db.pool())
    .await
    .unwrap();
    let cells: Vec<(i64, i64)> = rows
        .iter()
        .filter_map(|r| Some((r.get::<i64, _>(0), r.try_get::<Option<i64>, _>(1).ok()??)))
        .collect();
    // The secretaries lead their cells (position in the register).
    for chunk in cells.chunks(500) {
        let ph: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 1)).collect();
        let sql = format!(
            "UPDATE members SET position = 'bi_thu' WHERE id IN ({}) AND position IS NULL",
            ph.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (_, m) in chunk {
            q = q.bind(*m);
        }
        q.execute(db.pool()).await.unwrap();
    }
    let t = Instant::now();
    let sec_tokens = sessions_for(&db, &cells.iter().map(|c| c.1).collect::<Vec<_>>(), now).await;
    let reader_ids: Vec<i64> =
        sqlx::query("SELECT id FROM members WHERE position IS NULL ORDER BY id LIMIT $1")
            .bind(a.readers as i64 * 10)
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    let reader_tokens = sessions_for(&db, &reader_ids, now).await;
    println!(
        "{} secretaries and {} readers signed in (sessions created): {:.1} s",
        sec_tokens.len(),
        reader_tokens.len(),
        t.elapsed().as_secs_f64()
    );

    // The real app, in this process, on an ephemeral port.
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
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency * 2)
        .build()
        .unwrap();

    // The 5th of that month (replacing "-01" in "2027-01-01" would change the month too).
    let date = format!("{}-05", month.code());
    let errors = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let read_lat = Arc::new(std::sync::Mutex::new(Vec::<u64>::new()));

    // Members reading their home screens the whole time.
    let mut readers = Vec::new();
    for token in reader_tokens.iter().take(a.readers) {
        let (client, base, done, reads, errors, lat) = (
            client.clone(),
            base.clone(),
            done.clone(),
            reads.clone(),
            errors.clone(),
            read_lat.clone(),
        );
        let token = token.clone();
        readers.push(tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/next_meetings"))
                    .header("cookie", format!("sotay_session={token}"))
                    .header("accept", "application/json")
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        reads.fetch_add(1, Ordering::Relaxed);
                        lat.lock().unwrap().push(t.elapsed().as_micros() as u64);
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }

    let sem = Arc::new(tokio::sync::Semaphore::new(a.concurrency));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(cells.len());
    for (i, (org, _)) in cells.iter().enumerate() {
        let (client, base, sem, errors, date) = (
            client.clone(),
            base.clone(),
            sem.clone(),
            errors.clone(),
            date.clone(),
        );
        let token = sec_tokens[i].clone();
        let org = org.to_string();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            let t = Instant::now();
            let cookie = format!("sotay_session={token}");
            let res = client
                .post(format!("{base}/api/create_meeting"))
                .header("cookie", &cookie)
                .header("accept", "application/json")
                .form(&[
                    ("org_id", org.as_str()),
                    ("kind", "thuong_ky"),
                    ("title", ""),
                    ("date", date.as_str()),
                    ("start_time", "19:30"),
                    ("format", "tai_cho"),
                    ("place", "Hội trường"),
                    ("link", ""),
                ])
                .send()
                .await;
            let id = match res {
                Ok(r) if r.status().is_success() => r.text().await.unwrap_or_default(),
                Ok(r) => {
                    eprintln!(
                        "create {}: {}",
                        r.status(),
                        r.text().await.unwrap_or_default()
                    );
                    errors.fetch_add(1, Ordering::Relaxed);
                    return None;
                }
                Err(e) => {
                    eprintln!("create: {e}");
                    errors.fetch_add(1, Ordering::Relaxed);
                    return None;
                }
            };
            let res = client
                .post(format!("{base}/api/publish_meeting"))
                .header("cookie", &cookie)
                .header("accept", "application/json")
                .form(&[("id", id.trim())])
                .send()
                .await;
            match res {
                Ok(r) if r.status().is_success() => Some(t.elapsed().as_micros() as u64),
                Ok(r) => {
                    eprintln!(
                        "publish {}: {}",
                        r.status(),
                        r.text().await.unwrap_or_default()
                    );
                    errors.fetch_add(1, Ordering::Relaxed);
                    None
                }
                Err(e) => {
                    eprintln!("publish: {e}");
                    errors.fetch_add(1, Ordering::Relaxed);
                    None
                }
            }
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        if let Some(us) = t.await.unwrap() {
            lat.push(us);
        }
    }
    let burst = started.elapsed();
    done.store(true, Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    lat.sort_unstable();
    let mut rl = read_lat.lock().unwrap().clone();
    rl.sort_unstable();

    // Visible to all their members: every member of those cells has the published meeting.
    let t = Instant::now();
    let published: i64 =
        sqlx::query("SELECT COUNT(*) FROM meetings WHERE period = $1 AND status = 'da_cong_bo'")
            .bind(period.clone())
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get(0);
    let missing: i64 = sqlx::query(
        "SELECT COUNT(*) FROM members mb JOIN organizations o ON o.id = mb.org_id
         WHERE o.kind IN ('chi_bo', 'chi_bo_co_so') AND o.id IN (SELECT org_id FROM meetings WHERE period = $1)
           AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.org_id = mb.org_id AND m.period = $1 AND m.status = 'da_cong_bo')",
    )
    .bind(period.clone())
    .fetch_one(db.pool())
    .await
    .unwrap()
    .get(0);
    println!(
        "burst: {} cells, {} created+published in {:.2} s, errors {}; per secretary (create+publish) p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms",
        cells.len(),
        published,
        burst.as_secs_f64(),
        errors.load(Ordering::Relaxed),
        percentile(&lat, 0.5),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99)
    );
    println!(
        "readers: {} home-screen reads during the burst, p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms; members of those cells without it: {missing} (checked in {:.2} s)",
        reads.load(Ordering::Relaxed),
        percentile(&rl, 0.5),
        percentile(&rl, 0.95),
        percentile(&rl, 0.99),
        t.elapsed().as_secs_f64()
    );

    // The automatic monthly opening of the month after, for every cell.
    let after = month.next();
    for sql in ["DELETE FROM meetings WHERE period = $1"] {
        sqlx::query(sql)
            .bind(after.code())
            .execute(db.pool())
            .await
            .unwrap();
    }
    let t = Instant::now();
    let opened = app::meetings::service::open_month(&db, after, now)
        .await
        .unwrap();
    let first = t.elapsed();
    let t = Instant::now();
    let again = app::meetings::service::open_month(&db, after, now)
        .await
        .unwrap();
    println!(
        "monthly opening {}: {opened} meetings in {:.2} s; second run {again} in {:.2} s",
        after.code(),
        first.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    db.close().await;
}
