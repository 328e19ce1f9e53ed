//! The `sotay` binary itself: bilingual help, migrate, a seed that never overwrites real data, and
//! the monthly opening of meetings.
use crate::common;
use std::process::Command;

fn sotay(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env_remove("SOTAY_LANG")
        .output()
        .expect("run sotay")
}

#[test]
fn help_is_in_vietnamese_and_english() {
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(text.contains("Chạy máy chủ web"), "{text}");
    assert!(text.contains("Run the web server"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(["seed", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Chỉ nạp khi cơ sở dữ liệu còn trống")
            && text.contains("Only load when the database is empty"),
        "{text}"
    );
}

async fn seed_refuses_real_data(backend: common::Backend) {
    let Some(test_db) = common::fresh_db(backend).await else {
        return;
    };
    let url = test_db.url.clone();

    let first = sotay(&url, &["seed", "--members", "250"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("Đã nạp dữ liệu mẫu"), "{stdout}");
    assert!(stdout.contains("0900000001") && stdout.contains("0900000006"));

    // Idempotent for the run script; refuses to double-load otherwise.
    let again = sotay(&url, &["seed", "--if-empty"]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("không nạp dữ liệu mẫu"));
    let refused = sotay(&url, &["seed"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--replace"));

    // Replacing demo data is allowed…
    let replaced = sotay(&url, &["seed", "--members", "220", "--replace"]);
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(test_db.db.pool())
        .await
        .unwrap();
    assert_eq!(members, 220);

    // …but once a real member is in the register, only --replace --force may delete it.
    sqlx::query("UPDATE members SET source = 'import' WHERE phone = '0900000001'")
        .execute(test_db.db.pool())
        .await
        .unwrap();
    let refused = sotay(&url, &["seed", "--replace"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("dữ liệu thật"));
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(test_db.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 220);
    let forced = sotay(&url, &["seed", "--members", "200", "--replace", "--force"]);
    assert!(forced.status.success());
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(test_db.db.pool())
        .await
        .unwrap();
    assert_eq!(members, 200);

    let en = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .args(["seed", "--if-empty"])
        .env("DATABASE_URL", &url)
        .env("SOTAY_LANG", "en")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&en.stdout).contains("demo data not loaded"));
}

#[tokio::test]
async fn seed_refuses_real_data_sqlite() {
    seed_refuses_real_data(common::Backend::Sqlite).await;
}

#[tokio::test]
async fn seed_refuses_real_data_postgres() {
    seed_refuses_real_data(common::Backend::Postgres).await;
}

async fn open_meetings_command(backend: common::Backend) {
    let Some(test_db) = common::fresh_db(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    assert!(sotay(&url, &["seed", "--members", "200"]).status.success());
    let cells: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM organizations WHERE kind IN ('chi_bo', 'chi_bo_co_so')",
    )
    .fetch_one(test_db.db.pool())
    .await
    .unwrap();
    let first = sotay(&url, &["open-meetings", "--month", "2027-03"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        String::from_utf8_lossy(&first.stdout).contains(&format!("2027-03: {cells}")),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    let again = sotay(&url, &["open-meetings", "--month", "2027-03"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("2027-03: 0"));
    let opened: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM meetings WHERE period = '2027-03' AND status = 'du_thao'",
    )
    .fetch_one(test_db.db.pool())
    .await
    .unwrap();
    assert_eq!(opened, cells);
    let bad = sotay(&url, &["open-meetings", "--month", "2027-13"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("NĂM-THÁNG"));
}

#[tokio::test]
async fn open_meetings_command_sqlite() {
    open_meetings_command(common::Backend::Sqlite).await;
}

#[tokio::test]
async fn open_meetings_command_postgres() {
    open_meetings_command(common::Backend::Postgres).await;
}
