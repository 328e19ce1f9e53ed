//! A deployment's first day on both databases, as a new operator lives it: `sotay init` on an
//! empty database → the admin activates and signs in → imports the organisation tree and the
//! member register from files in the national export's shape → grants a ward admin → issues a
//! secretary's code → the secretary signs in and opens the month's meeting. Re-importing both
//! files changes nothing; `init` on a database in use is refused; `sotay check` names every
//! misconfiguration it is given.
use crate::common;
use app::platform::cli_text::CliText;
use common::{call, client, error_key, TestApp};
use serde_json::Value;
use server::check::{run_with, CheckEnv, Verdict};
use std::process::Command;
use std::time::Duration;

fn sotay(url: &str, args: &[&str], lang: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sotay"));
    cmd.args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env_remove("SOTAY_LANG");
    if let Some(l) = lang {
        cmd.env("SOTAY_LANG", l);
    }
    cmd.output().expect("run sotay")
}

const ADMIN_PHONE: &str = "0912000001";

fn init_args() -> Vec<&'static str> {
    vec![
        "init",
        "--org-name",
        "Đảng bộ tỉnh Thử Nghiệm",
        "--org-code",
        "T99",
        "--admin-name",
        "Lê Thị Quản Trị",
        "--admin-phone",
        ADMIN_PHONE,
        "--admin-member-code",
        "99000001",
        "--admin-birth-date",
        "1980-03-04",
        "--admin-gender",
        "nu",
        "--admin-joined-date",
        "2005-05-19",
        "--admin-official-date",
        "2006-05-19",
    ]
}

/// The eight-digit code printed by `init` (its line says it is the activation code).
fn printed_code(stdout: &str) -> String {
    let line = stdout
        .lines()
        .find(|l| l.contains("Mã kích hoạt") || l.contains("Activation code"))
        .unwrap_or_else(|| panic!("no code in {stdout}"));
    line.rsplit(':').next().unwrap().trim().to_string()
}

/// The tree as the national database exports it: a ward committee with two cells, a
/// grassroots committee with a cell, and a grassroots cell directly under the province.
const TREE: &str = "STT,Mã tổ chức,Tên tổ chức,Loại tổ chức,Mã tổ chức cấp trên
1,T99,Đảng bộ tỉnh Thử Nghiệm,Đảng bộ tỉnh,
2,T99.P1,Đảng bộ phường Hoà Bình,Đảng bộ phường,T99
3,T99.P1.C1,Chi bộ khu phố 1,Chi bộ,T99.P1
4,T99.P1.C2,Chi bộ khu phố 2,Chi bộ,T99.P1
5,T99.P1.BV,Đảng bộ Bệnh viện phường,Đảng bộ cơ sở,T99.P1
6,T99.P1.BV.K,Chi bộ Khoa Nội,Chi bộ,T99.P1.BV
7,T99.CQ,Chi bộ Văn phòng Tỉnh ủy,Chi bộ cơ sở,T99
";

const MEMBERS_HEADER: &str = "STT,Mã đảng viên,Họ và tên,Ngày sinh,Giới tính,Dân tộc,Số điện thoại,Ngày vào Đảng,Ngày chính thức,Mã tổ chức đảng,Chức vụ,Không dùng điện thoại thông minh";

fn members_file() -> String {
    let mut out = format!("{MEMBERS_HEADER}\n");
    // The admin (created by init) is recognised by member code and moved into her cell.
    out.push_str(&format!("1,99000001,Lê Thị Quản Trị,04/03/1980,Nữ,Kinh,{ADMIN_PHONE},19/05/2005,19/05/2006,T99.CQ,,\n"));
    out.push_str("2,99000002,Trần Văn Phường,10/10/1975,Nam,Kinh,0912000002,03/02/2000,03/02/2001,T99.P1.C2,,\n");
    out.push_str("3,99000003,Nguyễn Văn Bí Thư,01/01/1970,Nam,Tày,0912000003,03/02/1995,03/02/1996,T99.P1.C1,Bí thư,\n");
    for i in 4..=20 {
        let cell = ["T99.P1.C1", "T99.P1.C2", "T99.P1.BV.K", "T99.CQ"][i % 4];
        out.push_str(&format!("{i},990000{i:02},Đảng Viên Số {i},0{}/0{}/19{},Nam,Kinh,09120000{i:02},01/06/2010,01/06/2011,{cell},,{}\n", 1 + i % 9, 1 + i % 8, 60 + i, if i == 5 { "x" } else { "" }));
    }
    out
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    org: i64,
    kind: &str,
    name: &str,
    body: &str,
) -> i64 {
    let form = reqwest::multipart::Form::new()
        .text("don_vi", org.to_string())
        .text("loai", kind.to_string())
        .part(
            "tep",
            reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name(name.to_string()),
        );
    let res = c
        .post(app.url("/quan-tri/nhap-du-lieu/tep"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    location
        .strip_prefix("/quan-tri/nhap-du-lieu?lan=")
        .unwrap_or_else(|| panic!("upload refused: {location}"))
        .parse()
        .unwrap()
}

async fn settle(app: &TestApp, c: &reqwest::Client, id: i64) -> Value {
    for _ in 0..600 {
        let (s, job) = call(app, c, "import_job", &[("id", &id.to_string())]).await;
        assert_eq!(s, 200, "{job}");
        if !matches!(
            job["stage"].as_str(),
            Some("reading" | "checking" | "applying")
        ) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not settle");
}

/// Upload, map as guessed, dry run: the checked job.
async fn dry_run(
    app: &TestApp,
    c: &reqwest::Client,
    org: i64,
    kind: &str,
    name: &str,
    body: &str,
) -> Value {
    let id = upload(app, c, org, kind, name, body).await;
    let job = settle(app, c, id).await;
    assert_eq!(job["stage"], "mapping", "{job}");
    assert_eq!(
        job["kind"],
        if kind == "to_chuc" { "orgs" } else { "members" }
    );
    let mapping = job["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join(",");
    let (s, b) = call(
        app,
        c,
        "check_import",
        &[("id", &id.to_string()), ("mapping", &mapping)],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let job = settle(app, c, id).await;
    assert_eq!(job["stage"], "checked", "{job}");
    job
}

async fn apply(app: &TestApp, c: &reqwest::Client, job: &Value) -> Value {
    let id = job["id"].as_i64().unwrap().to_string();
    let (s, b) = call(app, c, "apply_import", &[("id", &id)]).await;
    assert_eq!(s, 200, "{b}");
    let job = settle(app, c, job["id"].as_i64().unwrap()).await;
    assert_eq!(job["stage"], "applied", "{job}");
    job
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn activate(app: &TestApp, phone: &str, code: &str, password: &str) -> reqwest::Client {
    let c = client();
    let (s, b) = call(
        app,
        &c,
        "activate",
        &[
            ("identifier", phone),
            ("code", code),
            ("password", password),
            ("password2", password),
        ],
    )
    .await;
    assert_eq!(s, 200, "activate {phone}: {b}");
    c
}

async fn member_id(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM members WHERE phone = $1")
        .bind(phone)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn org_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM organizations WHERE code = $1")
        .bind(code)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

on_both_databases!(the_whole_first_day, |app: TestApp| async move {
    let url = app.test_db.url.clone();
    // An empty database: the operator initialises it.
    let out = sotay(&url, &init_args(), None);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Đảng bộ tỉnh Thử Nghiệm") && stdout.contains("/kich-hoat"),
        "{stdout}"
    );
    let code = printed_code(&stdout);
    assert_eq!(code.len(), 8, "{stdout}");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'system.init' AND ip LIKE 'console %'"
        )
        .await,
        1,
        "audited with who ran it"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM activation_codes WHERE code_hash LIKE '$argon2id$%'"
        )
        .await,
        1,
        "the code is kept only as a hash"
    );

    // A second init is refused and says what to do instead; nothing changes.
    let again = sotay(&url, &init_args(), None);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("--new-code"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM organizations").await, 1);

    // The admin sets a password with the code and is signed in.
    let admin = activate(&app, ADMIN_PHONE, &code, "mat-khau-quan-tri-1").await;
    let root = org_id(&app, "T99").await;

    // The tree from the national export: everything new, nothing missing.
    let tree = dry_run(&app, &admin, root, "to_chuc", "to-chuc.csv", TREE).await;
    let s = &tree["summary"];
    assert_eq!(
        (
            s["new"].as_u64(),
            s["invalid"].as_u64(),
            s["missing"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(6), Some(0), Some(0), Some(1)),
        "{s}"
    );
    let done = apply(&app, &admin, &tree).await;
    assert_eq!(done["result"]["inserted"], 6);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM organizations WHERE source = 'import'"
        )
        .await,
        6
    );
    let cell_kind: String =
        sqlx::query_scalar("SELECT kind FROM organizations WHERE code = 'T99.P1.BV.K'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(cell_kind, "chi_bo");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'org.import'"
        )
        .await,
        1
    );

    // Then the members, into the cells just made; the admin's own record moves into hers.
    let members = dry_run(
        &app,
        &admin,
        root,
        "dang_vien",
        "dang-vien.csv",
        &members_file(),
    )
    .await;
    let s = &members["summary"];
    assert_eq!(
        (
            s["new"].as_u64(),
            s["changed"].as_u64(),
            s["invalid"].as_u64()
        ),
        (Some(19), Some(1), Some(0)),
        "{s}"
    );
    apply(&app, &admin, &members).await;
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM members").await, 20);
    let admin_cell: String = sqlx::query_scalar(
        "SELECT o.code FROM members m JOIN organizations o ON o.id = m.org_id WHERE m.phone = $1",
    )
    .bind(ADMIN_PHONE)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(admin_cell, "T99.CQ");
    // The register's "no smartphone" column marks the member for SMS.
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM members WHERE no_smartphone = 1 AND member_code = '99000005'"
        )
        .await,
        1
    );

    // The same files again change nothing.
    let tree_again = dry_run(&app, &admin, root, "to_chuc", "to-chuc.csv", TREE).await;
    let s = &tree_again["summary"];
    assert_eq!(
        (
            s["new"].as_u64(),
            s["changed"].as_u64(),
            s["unchanged"].as_u64(),
            s["missing"].as_u64()
        ),
        (Some(0), Some(0), Some(7), Some(0)),
        "{s}"
    );
    let members_again = dry_run(
        &app,
        &admin,
        root,
        "dang_vien",
        "dang-vien.csv",
        &members_file(),
    )
    .await;
    let s = &members_again["summary"];
    assert_eq!(
        (
            s["new"].as_u64(),
            s["changed"].as_u64(),
            s["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(20)),
        "{s}"
    );

    // A ward admin: an account first (a code), then the grant over the ward.
    let ward = org_id(&app, "T99.P1").await.to_string();
    let ward_admin = member_id(&app, "0912000002").await.to_string();
    let (s, b) = call(
        &app,
        &admin,
        "confirm_password",
        &[("password", "mat-khau-quan-tri-1")],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, issued) = call(
        &app,
        &admin,
        "activation_code",
        &[("member_id", &ward_admin)],
    )
    .await;
    assert_eq!(s, 200, "{issued}");
    let ward_code = issued["code"].as_str().unwrap().replace(' ', "");
    let (s, b) = call(
        &app,
        &admin,
        "grant_role",
        &[
            ("org_id", &ward),
            ("identifier", "0912000002"),
            ("role", "admin"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let ward_admin_c = activate(&app, "0912000002", &ward_code, "mat-khau-phuong-1").await;

    // The ward admin issues the secretary's code; the secretary signs in.
    let secretary = member_id(&app, "0912000003").await.to_string();
    let (s, issued) = call(
        &app,
        &ward_admin_c,
        "activation_code",
        &[("member_id", &secretary)],
    )
    .await;
    assert_eq!(s, 200, "{issued}");
    let shown = issued["code"].as_str().unwrap().replace(' ', "");
    let sec = activate(&app, "0912000003", &shown, "mat-khau-bi-thu-1").await;

    // The month's meetings are opened (the server's hourly job; here its command), and the
    // secretary opens the cell's periodic meeting.
    let opened = sotay(&url, &["open-meetings"], None);
    assert!(
        opened.status.success(),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    let (s, list) = call(&app, &sec, "meetings", &[]).await;
    assert_eq!(s, 200, "{list}");
    let cells = list["run_cells"].as_array().unwrap();
    assert_eq!(cells.len(), 1, "{list}");
    let this_month = list["upcoming"]
        .as_array()
        .unwrap()
        .iter()
        .chain(list["past"].as_array().unwrap())
        .find(|m| m["kind"] == "thuong_ky")
        .cloned()
        .unwrap_or_else(|| panic!("no periodic meeting: {list}"));
    let id = this_month["id"].as_i64().unwrap().to_string();
    let (s, b) = call(&app, &sec, "meeting", &[("id", &id)]).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = call(&app, &sec, "publish_meeting", &[("id", &id)]).await;
    assert_eq!(s, 200, "{b}");

    // Another ward's secretary code is not the ward admin's to issue (outside the ward).
    let outside = member_id(&app, ADMIN_PHONE).await.to_string();
    let (s, b) = call(
        &app,
        &ward_admin_c,
        "activation_code",
        &[("member_id", &outside)],
    )
    .await;
    assert_eq!((s, error_key(&b)), (403, "Forbidden".to_string()), "{b}");
});

on_both_databases!(
    a_lost_first_code_is_replaced_from_the_console,
    |app: TestApp| async move {
        let url = app.test_db.url.clone();
        let out = sotay(&url, &init_args(), Some("en"));
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            stdout.contains("Activation code"),
            "English with SOTAY_LANG=en: {stdout}"
        );
        let lost = printed_code(&stdout);
        let out = sotay(
            &url,
            &["init", "--new-code", "--admin-phone", ADMIN_PHONE],
            None,
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fresh = printed_code(&String::from_utf8_lossy(&out.stdout));
        // Only the newest code works.
        let (s, _) = call(
            &app,
            &client(),
            "activate",
            &[
                ("identifier", ADMIN_PHONE),
                ("code", &lost),
                ("password", "mat-khau-1234"),
                ("password2", "mat-khau-1234"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        activate(&app, ADMIN_PHONE, &fresh, "mat-khau-1234").await;
        let out = sotay(
            &url,
            &["init", "--new-code", "--admin-phone", "0912999999"],
            None,
        );
        assert!(!out.status.success());
    }
);

#[tokio::test]
async fn init_names_every_bad_option() {
    let Some(test_db) = common::fresh_db(common::Backend::Sqlite).await else {
        return;
    };
    let out = sotay(
        &test_db.url,
        &[
            "init",
            "--org-code",
            "T 1",
            "--admin-phone",
            "123",
            "--admin-gender",
            "x",
            "--admin-birth-date",
            "31/02/1980",
        ],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for option in [
        "org-name",
        "org-code",
        "admin-name",
        "admin-phone",
        "admin-member-code",
        "admin-gender",
        "admin-birth-date",
        "admin-joined-date",
    ] {
        assert!(err.contains(&format!("({option})")), "{option} in {err}");
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
        .fetch_one(test_db.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing written");
}

/// A site folder and hash file as a release build leaves them.
fn site_fixture(dir: &std::path::Path) -> std::path::PathBuf {
    let pkg = dir.join("site/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for f in ["sotay.abc.js", "sotay.def.wasm", "sotay.ghi.css"] {
        std::fs::write(pkg.join(f), b"x").unwrap();
    }
    let hash = dir.join("hash.txt");
    std::fs::write(&hash, "js: abc\nwasm: def\ncss: ghi\n").unwrap();
    hash
}

#[tokio::test]
async fn check_names_each_misconfiguration() {
    let Some(test_db) = common::fresh_db(common::Backend::Sqlite).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hash = site_fixture(dir.path());
    let good = CheckEnv {
        database_url: test_db.url.clone(),
        public_url: Some("https://sotay.example.vn".into()),
        trusted_proxies: "127.0.0.1".into(),
        site_addr: "127.0.0.1:3000".into(),
        site_root: dir.path().join("site"),
        pkg_dir: "pkg".into(),
        output_name: "sotay".into(),
        hash_file: Some(hash.clone()),
        upload_dir: dir.path().join("uploads"),
        push_contact: Some("mailto:quantri@example.vn".into()),
    };
    // Migrated but empty: not initialised, no push key — the rest is right.
    let r = run_with(&good).await;
    assert!(!r.passed());
    assert!(
        r.has(Verdict::Problem, CliText::ChkInitMissing)
            && r.has(Verdict::Problem, CliText::ChkPushMissing),
        "{}",
        r.render(app::i18n::Locale::en)
    );
    assert!(
        r.has(Verdict::Ok, CliText::ChkSiteOk)
            && r.has(Verdict::Ok, CliText::ChkUploadsOk)
            && r.has(Verdict::Ok, CliText::ChkMigrationsOk)
    );

    // After init everything passes.
    let out = sotay(&test_db.url, &init_args(), None);
    assert!(out.status.success());
    let r = run_with(&good).await;
    assert!(r.passed(), "{}", r.render(app::i18n::Locale::vi));

    let cases: Vec<(CheckEnv, CliText)> = vec![
        (
            CheckEnv {
                database_url: format!("sqlite://{}", dir.path().join("nowhere.db").display()),
                ..good.clone()
            },
            CliText::ChkDbMissingFile,
        ),
        (
            CheckEnv {
                database_url: "postgres://nobody@127.0.0.1:1/none".into(),
                ..good.clone()
            },
            CliText::ChkDbUnreachable,
        ),
        (
            CheckEnv {
                public_url: None,
                ..good.clone()
            },
            CliText::ChkUrlMissing,
        ),
        (
            CheckEnv {
                public_url: Some("http://sotay.example.vn".into()),
                ..good.clone()
            },
            CliText::ChkUrlNotHttps,
        ),
        (
            CheckEnv {
                trusted_proxies: String::new(),
                ..good.clone()
            },
            CliText::ChkProxiesMissing,
        ),
        (
            CheckEnv {
                trusted_proxies: "proxy.local".into(),
                ..good.clone()
            },
            CliText::ChkProxiesBad,
        ),
        (
            CheckEnv {
                site_root: dir.path().join("no-site"),
                ..good.clone()
            },
            CliText::ChkSiteMissing,
        ),
        (
            CheckEnv {
                hash_file: Some(dir.path().join("no-hash.txt")),
                ..good.clone()
            },
            CliText::ChkHashMissing,
        ),
        (
            CheckEnv {
                upload_dir: hash.join("under-a-file"),
                ..good.clone()
            },
            CliText::ChkUploadsBad,
        ),
    ];
    for (env, expected) in cases {
        let r = run_with(&env).await;
        assert!(
            !r.passed() && r.has(Verdict::Problem, expected),
            "{expected:?}: {}",
            r.render(app::i18n::Locale::en)
        );
    }
    // A hash file from another build names files the site does not have.
    std::fs::write(&hash, "js: zzz\nwasm: def\ncss: ghi\n").unwrap();
    let r = run_with(&good).await;
    assert!(
        r.has(Verdict::Problem, CliText::ChkHashMismatch),
        "{}",
        r.render(app::i18n::Locale::en)
    );
    std::fs::write(&hash, "js: abc\nwasm: def\ncss: ghi\n").unwrap();

    // A migration not yet applied.
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(test_db.db.pool())
    .await
    .unwrap();
    let r = run_with(&good).await;
    assert!(
        r.has(Verdict::Problem, CliText::ChkMigrationsPending),
        "{}",
        r.render(app::i18n::Locale::en)
    );

    // The command itself: the operator's language and an exit status for scripts.
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("check")
        .env("DATABASE_URL", &test_db.url)
        .env("SOTAY_LANG", "en")
        .env_remove("SOTAY_PUBLIC_URL")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("PROBLEM") && text.contains("SOTAY_PUBLIC_URL is not set"),
        "{text}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_sotay"))
        .arg("check")
        .env("DATABASE_URL", &test_db.url)
        .env_remove("SOTAY_LANG")
        .env_remove("SOTAY_PUBLIC_URL")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Chưa đặt SOTAY_PUBLIC_URL"));
}

on_both_databases!(
    a_later_tree_file_renames_moves_and_dissolves_only_on_request,
    |app: TestApp| async move {
        let url = app.test_db.url.clone();
        let out = sotay(&url, &init_args(), None);
        let admin = activate(
            &app,
            ADMIN_PHONE,
            &printed_code(&String::from_utf8_lossy(&out.stdout)),
            "mat-khau-quan-tri-1",
        )
        .await;
        let root = org_id(&app, "T99").await;
        let first = format!("{TREE}8,T99.P1.C3,Chi bộ khu phố 3,Chi bộ,T99.P1\n");
        let job = dry_run(&app, &admin, root, "to_chuc", "to-chuc.csv", &first).await;
        apply(&app, &admin, &job).await;
        let one = format!("{MEMBERS_HEADER}\n1,99000009,Đảng Viên Khoa Nội,01/01/1980,Nam,Kinh,0912000009,01/06/2010,01/06/2011,T99.P1.BV.K,,\n");
        let job = dry_run(&app, &admin, root, "dang_vien", "mot.csv", &one).await;
        apply(&app, &admin, &job).await;

        // The next export: C1 renamed, C2 moved under the hospital's committee, C3 and Khoa Nội
        // gone, and a line that would put a cell under a cell.
        let next = "Mã tổ chức;Tên tổ chức;Loại tổ chức;Mã tổ chức cấp trên
T99.P1;Đảng bộ phường Hoà Bình;Đảng bộ phường;T99
T99.P1.C1;Chi bộ khu phố 1 (mới);Chi bộ;T99.P1
T99.P1.C2;Chi bộ khu phố 2;Chi bộ;T99.P1.BV
T99.P1.BV;Đảng bộ Bệnh viện phường;Đảng bộ cơ sở;T99.P1
T99.CQ;Chi bộ Văn phòng Tỉnh ủy;Chi bộ cơ sở;T99
T99.X;Chi bộ lạc;Chi bộ;T99.P1.C1
";
        let job = dry_run(&app, &admin, root, "to_chuc", "to-chuc-2.csv", next).await;
        let s = &job["summary"];
        assert_eq!(
            (
                s["new"].as_u64(),
                s["changed"].as_u64(),
                s["moved"].as_u64(),
                s["invalid"].as_u64(),
                s["missing"].as_u64(),
                s["dissolvable"].as_u64()
            ),
            (Some(0), Some(2), Some(1), Some(1), Some(2), Some(1)),
            "{s}"
        );
        assert_eq!(
            s["invalid_list"][0]["errors"][0]["key"],
            "err_org_import_kind_parent"
        );
        let changes: Vec<String> = s["changed_list"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| {
                c["changes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["field"].as_str().unwrap().to_string())
            })
            .collect();
        assert_eq!(changes, vec!["org_name", "parent_code"]);
        let id = job["id"].as_i64().unwrap().to_string();
        let (s, b) = call(
            &app,
            &admin,
            "apply_import",
            &[("id", &id), ("dissolve_missing", "true")],
        )
        .await;
        assert_eq!(s, 200, "{b}");
        let done = settle(&app, &admin, job["id"].as_i64().unwrap()).await;
        assert_eq!(done["result"]["dissolved"], 1, "{done}");
        let moved_path: String =
            sqlx::query_scalar("SELECT path FROM organizations WHERE code = 'T99.P1.C2'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let bv = org_id(&app, "T99.P1.BV").await;
        assert!(
            moved_path.ends_with(&format!("/{bv}/{}/", org_id(&app, "T99.P1.C2").await)),
            "{moved_path}"
        );
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM organizations WHERE code = 'T99.P1.C3' AND dissolved_at IS NOT NULL").await, 1);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM organizations WHERE code = 'T99.P1.BV.K' AND dissolved_at IS NULL").await, 1, "a member is still there");
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM organizations WHERE code = 'T99.X'"
            )
            .await,
            0
        );
        let name: String =
            sqlx::query_scalar("SELECT name FROM organizations WHERE code = 'T99.P1.C1'")
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        assert_eq!(name, "Chi bộ khu phố 1 (mới)");

        // Only an admin imports a tree, and only inside their own subtree.
        let (s, _) = call(&app, &client(), "import_job", &[("id", &id)]).await;
        assert!(s == 401 || s == 403, "{s}");
    }
);
