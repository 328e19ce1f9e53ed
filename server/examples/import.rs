//! Register import at province scale (issue "Administration"): a 126,000-row file must go
//! through the dry run and be applied in under 60 s on SQLite. Seeds the province if the
//! database is empty, then, over HTTP as a province admin, the way the page drives it:
//!
//! 1. the province's register exported as CSV (126,000 rows), 1% of names corrected and 1%
//!    exemptions started: upload, read, dry run, apply;
//! 2. the same rows as an .xlsx workbook: upload, read, dry run (nothing left to change);
//! 3. 126,000 new members (a second register loaded into the same cells): dry run, apply.
//!
//!   DATABASE_URL=sqlite:///tmp/sotay-import/i.db cargo run --release -p server --example import -- --members 126000
//!
//! A benchmark, not a test: it prints what it measured (docs/BENCHMARKS.md records the runs).

#[path = "common/mod.rs"]
mod common;

use app::platform::db::Db;
use serde_json::Value;
use std::time::{Duration, Instant};

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Client {
    async fn call(&self, endpoint: &str, form: &[(&str, String)]) -> Value {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("cookie", &self.cookie)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert!(status.is_success(), "{endpoint}: {status} {body}");
        body
    }

    async fn upload(&self, org: i64, name: &str, bytes: Vec<u8>) -> i64 {
        let form = reqwest::multipart::Form::new()
            .text("don_vi", org.to_string())
            .part(
                "tep",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        let res = self
            .http
            .post(format!("{}/quan-tri/nhap-du-lieu/tep", self.base))
            .header("cookie", &self.cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let location = res.headers()["location"].to_str().unwrap().to_string();
        location
            .rsplit("lan=")
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("upload refused: {location}"))
    }

    /// Polls like the page (every 100 ms here) until the step is over; prints the progress seen.
    async fn settle(&self, id: i64, label: &str, started: Instant) -> Value {
        let mut last_shown = 0u64;
        loop {
            let job = self.call("import_job", &[("id", id.to_string())]).await;
            if !matches!(
                job["stage"].as_str(),
                Some("reading" | "checking" | "applying")
            ) {
                println!(
                    "  {label}: {:.1} s → {}",
                    started.elapsed().as_secs_f64(),
                    job["stage"]
                );
                return job;
            }
            if let Some(p) = job["progress"].as_array() {
                let done = p[0].as_u64().unwrap_or(0);
                if done >= last_shown + 50_000 {
                    last_shown = done;
                    println!("    progress {done}/{}", p[1]);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("Mã đảng viên,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Số CCCD,Số điện thoại,Ngày vào Đảng,Ngày chính thức,Mã tổ chức đảng,Miễn sinh hoạt từ,Lý do miễn sinh hoạt\n");
    for r in rows {
        out.push_str(
            &r.iter()
                .map(|c| {
                    if c.contains(',') {
                        format!("\"{c}\"")
                    } else {
                        c.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out.into_bytes()
}

fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in [
        "Mã đảng viên",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Số CCCD",
        "Số điện thoại",
        "Ngày vào Đảng",
        "Ngày chính thức",
        "Mã tổ chức đảng",
        "Miễn sinh hoạt từ",
        "Lý do miễn sinh hoạt",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
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
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite:///tmp/sotay-import/i.db".into());
    let db = Db::connect(&url, None).await.unwrap();
    db.migrate().await.unwrap();
    let now = app::platform::clock::now_unix();
    if app::register::service::contents(&db).await.unwrap().members == 0 {
        let t = Instant::now();
        app::register::seed::seed(&db, members).await.unwrap();
        println!(
            "seeded {members} members: {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let province: i64 = sqlx::query_scalar(
        "SELECT id FROM organizations WHERE parent_id IS NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    let account = common::account_of(&db, "0900000003").await;
    sqlx::query("INSERT INTO role_grants (account_id, org_id, role, created_at) VALUES ($1, $2, 'admin', $3) ON CONFLICT DO NOTHING").bind(account).bind(province).bind(now).execute(db.pool()).await.unwrap();
    let cookie = common::session_cookie(&db, account, now).await;

    // The register as the national export lists it (dates as dd/mm/yyyy).
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    let held: Vec<Row> = sqlx::query_as(
        "SELECT m.member_code, m.full_name, m.birth_date, m.gender, m.ethnicity, m.cccd, m.phone, m.joined_date, m.official_date,
                o.code, m.exempt_since, m.exempt_reason
         FROM members m JOIN organizations o ON o.id = m.org_id ORDER BY m.id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let date = |d: &str| format!("{}/{}/{}", &d[8..10], &d[5..7], &d[0..4]);
    let mut rows: Vec<Vec<String>> = held
        .iter()
        .map(|r| {
            vec![
                r.0.clone(),
                r.1.clone(),
                date(&r.2),
                if r.3 == "nam" {
                    "Nam".into()
                } else {
                    "Nữ".into()
                },
                r.4.clone(),
                r.5.clone().unwrap_or_default(),
                r.6.clone().unwrap_or_default(),
                date(&r.7),
                r.8.as_deref().map(date).unwrap_or_default(),
                r.9.clone(),
                r.10.as_deref().map(date).unwrap_or_default(),
                r.11.clone().unwrap_or_default(),
            ]
        })
        .collect();
    for (i, r) in rows.iter_mut().enumerate() {
        if i % 100 == 1 {
            r[1] = format!("{} Văn", r[1]);
        }
        if i % 100 == 2 && r[10].is_empty() {
            r[10] = "01/10/2026".into();
            r[11] = "Tuổi cao, sức yếu".into();
        }
    }
    let total_rows = rows.len();
    let base = format!("http://{}", common::serve(&db).await);
    let c = Client {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base,
        cookie,
    };

    async fn run(c: &Client, province: i64, name: &str, bytes: Vec<u8>, apply: bool) -> Value {
        println!("{name}: {:.1} MB", bytes.len() as f64 / 1_048_576.0);
        let t = Instant::now();
        let id = c.upload(province, name, bytes).await;
        let job = c.settle(id, "upload + read", t).await;
        let mapping = job["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["field"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join(",");
        let t_check = Instant::now();
        c.call(
            "check_import",
            &[("id", id.to_string()), ("mapping", mapping)],
        )
        .await;
        let job = c.settle(id, "dry run", t_check).await;
        let s = &job["summary"];
        println!("  rows {}, new {}, changed {}, unchanged {}, invalid {}, missing {}, exemptions starting {}", s["rows"], s["new"], s["changed"], s["unchanged"], s["invalid"], s["missing"], s["exempt_starts"]);
        if apply && s["new"].as_u64().unwrap_or(0) + s["changed"].as_u64().unwrap_or(0) > 0 {
            let t_apply = Instant::now();
            c.call("apply_import", &[("id", id.to_string())]).await;
            let job = c.settle(id, "apply", t_apply).await;
            println!("  result {}", job["result"]);
        }
        println!(
            "  total (upload, read, dry run{}): {:.1} s",
            if apply { ", apply" } else { "" },
            t.elapsed().as_secs_f64()
        );
        job
    }

    println!("{total_rows} members in the register");
    run(&c, province, "dang-vien.csv", csv(&rows), true).await;
    run(&c, province, "dang-vien.xlsx", xlsx(&rows), false).await;
    let cells: Vec<String> = rows.iter().map(|r| r[9].clone()).collect();
    let fresh: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                format!("NEW{i:07}"),
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[4].clone(),
                String::new(),
                String::new(),
                r[7].clone(),
                r[8].clone(),
                cells[i].clone(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    run(&c, province, "dang-vien-moi.csv", csv(&fresh), true).await;
    db.close().await;
}
