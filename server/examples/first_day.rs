//! A province's first day at scale (issue #18): on an empty database, `sotay init`'s service,
//! then over HTTP as its admin, the way the page drives it: the organisation tree (4,915
//! organisations: 126 ward committees, each with 3 grassroots committees of 6 cells and 17 cells
//! of its own) and then the register (126,000 members in those 4,410 cells), each uploaded as
//! CSV, read, dry-run and applied; then both files again (nothing to change).
//!
//!   DATABASE_URL=sqlite:///tmp/sotay-first-day/f.db cargo run -p server --example first_day
//!
//! The database must be empty (a fresh SQLite file or PostgreSQL database). A benchmark, not a
//! test: it prints what it measured (docs/BENCHMARKS.md records the runs).

#[path = "common/mod.rs"]
mod common;

use app::platform::db::Db;
use serde_json::Value;
use std::time::{Duration, Instant};

const WARDS: usize = 126;
const GRASSROOTS_PER_WARD: usize = 3;
const CELLS_PER_GRASSROOTS: usize = 6;
const OWN_CELLS_PER_WARD: usize = 17;
const MEMBERS: usize = 126_000;

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

    async fn settle(&self, id: i64) -> Value {
        loop {
            let job = self.call("import_job", &[("id", id.to_string())]).await;
            if !matches!(
                job["stage"].as_str(),
                Some("reading" | "checking" | "applying")
            ) {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Upload, read, dry run, apply (when there is anything to write); prints each step's time.
    async fn import(&self, root: i64, kind: &str, name: &str, bytes: Vec<u8>) {
        println!("{name}: {:.1} MB", bytes.len() as f64 / 1_048_576.0);
        let t = Instant::now();
        let form = reqwest::multipart::Form::new()
            .text("don_vi", root.to_string())
            .text("loai", kind.to_string())
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
        let id: i64 = location
            .rsplit("lan=")
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("upload refused: {location}"));
        let job = self.settle(id).await;
        println!("  upload + read: {:.1} s", t.elapsed().as_secs_f64());
        let mapping = job["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["field"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join(",");
        let t_check = Instant::now();
        self.call(
            "check_import",
            &[("id", id.to_string()), ("mapping", mapping)],
        )
        .await;
        let job = self.settle(id).await;
        let s = &job["summary"];
        println!("  dry run: {:.1} s — rows {}, new {}, changed {}, unchanged {}, invalid {}, missing {}", t_check.elapsed().as_secs_f64(), s["rows"], s["new"], s["changed"], s["unchanged"], s["invalid"], s["missing"]);
        assert_eq!(s["invalid"], 0, "{}", s["invalid_list"]);
        if s["new"].as_u64().unwrap_or(0) + s["changed"].as_u64().unwrap_or(0) > 0 {
            let t_apply = Instant::now();
            self.call("apply_import", &[("id", id.to_string())]).await;
            let job = self.settle(id).await;
            assert_eq!(job["stage"], "applied", "{job}");
            println!(
                "  apply: {:.1} s — {}",
                t_apply.elapsed().as_secs_f64(),
                job["result"]
            );
        }
        println!("  total: {:.1} s", t.elapsed().as_secs_f64());
    }
}

/// The tree file and the codes of its cells.
fn tree() -> (Vec<u8>, Vec<String>) {
    let mut out = String::from("Mã tổ chức,Tên tổ chức,Loại tổ chức,Mã tổ chức cấp trên\n");
    out.push_str("T01,Đảng bộ tỉnh Thử Nghiệm,Đảng bộ tỉnh,\n");
    let mut cells = Vec::new();
    for w in 0..WARDS {
        let ward = format!("T01.W{w:03}");
        out.push_str(&format!("{ward},Đảng bộ xã {w},Đảng bộ xã,T01\n"));
        for g in 0..GRASSROOTS_PER_WARD {
            let gr = format!("{ward}.G{g}");
            out.push_str(&format!(
                "{gr},Đảng bộ cơ sở {w}-{g},Đảng bộ cơ sở,{ward}\n"
            ));
            for c in 0..CELLS_PER_GRASSROOTS {
                let cell = format!("{gr}.C{c}");
                out.push_str(&format!("{cell},Chi bộ {w}-{g}-{c},Chi bộ,{gr}\n"));
                cells.push(cell);
            }
        }
        for c in 0..OWN_CELLS_PER_WARD {
            let cell = format!("{ward}.C{c:02}");
            out.push_str(&format!("{cell},Chi bộ thôn {w}-{c},Chi bộ,{ward}\n"));
            cells.push(cell);
        }
    }
    (out.into_bytes(), cells)
}

fn members(cells: &[String]) -> Vec<u8> {
    let mut out = String::from("Mã đảng viên,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Số điện thoại,Ngày vào Đảng,Ngày chính thức,Mã tổ chức đảng\n");
    let family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    let given = [
        "Văn An",
        "Thị Bình",
        "Văn Cường",
        "Thị Dung",
        "Minh Đức",
        "Thu Hà",
        "Quốc Hùng",
        "Thị Lan",
    ];
    for i in 0..MEMBERS {
        let year = 1950 + i % 50;
        out.push_str(&format!(
            "{:08},{} {},{:02}/{:02}/{year},{},Kinh,0912{:06},{:02}/06/{},{:02}/06/{},{}\n",
            10_000_000 + i,
            family[i % 8],
            given[(i / 8) % 8],
            1 + i % 28,
            1 + i % 12,
            if (i / 8) % 2 == 0 { "Nam" } else { "Nữ" },
            i,
            1 + i % 28,
            year + 25,
            1 + i % 28,
            year + 26,
            cells[i % cells.len()]
        ));
    }
    out.into_bytes()
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "sqlite:///tmp/sotay-first-day/f.db".into());
    let db = Db::connect(&url, None).await.unwrap();
    db.migrate().await.unwrap();
    assert!(
        app::setup::is_empty(&db).await.unwrap(),
        "the database must be empty"
    );
    let input = app::setup::InitInput {
        org_name: Some("Đảng bộ tỉnh Thử Nghiệm".into()),
        org_code: Some("T01".into()),
        admin_name: Some("Quản Trị Tỉnh".into()),
        admin_phone: Some("0911000001".into()),
        admin_member_code: Some("09000001".into()),
        admin_birth_date: Some("1980-01-01".into()),
        admin_gender: Some("nam".into()),
        admin_joined_date: Some("2005-01-01".into()),
        admin_official_date: Some("2006-01-01".into()),
        ..Default::default()
    };
    let plan = app::setup::parse(&input, app::setup::today()).unwrap();
    let t = Instant::now();
    let done = app::setup::init(&db, plan, "console bench").await.unwrap();
    println!("init: {:.2} s", t.elapsed().as_secs_f64());
    // The admin as after activation (a password set, just verified): the import's apply asks
    // for a recent verification.
    let now = app::platform::clock::now_unix();
    sqlx::query("UPDATE accounts SET status = 'active' WHERE id = $1")
        .bind(done.account_id)
        .execute(db.pool())
        .await
        .unwrap();
    let cookie = common::session_cookie(&db, done.account_id, now).await;
    sqlx::query("UPDATE sessions SET verified_at = $1 WHERE account_id = $2")
        .bind(now)
        .bind(done.account_id)
        .execute(db.pool())
        .await
        .unwrap();
    let base = format!("http://{}", common::serve(&db).await);
    let c = Client {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base,
        cookie,
    };
    let (tree, cells) = tree();
    let register = members(&cells);
    println!("{} cells", cells.len());
    let t = Instant::now();
    c.import(done.org_id, "to_chuc", "to-chuc.csv", tree.clone())
        .await;
    c.import(done.org_id, "dang_vien", "dang-vien.csv", register.clone())
        .await;
    println!(
        "first day, tree and register: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(db.pool())
        .await
        .unwrap();
    println!("in the database: {orgs} organisations, {members} members");
    let t = Instant::now();
    c.import(done.org_id, "to_chuc", "to-chuc.csv", tree).await;
    c.import(done.org_id, "dang_vien", "dang-vien.csv", register)
        .await;
    println!("the same files again: {:.1} s", t.elapsed().as_secs_f64());
    db.close().await;
}
