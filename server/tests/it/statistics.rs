//! Usage statistics on both databases: the dashboard's figures agree with counts made here
//! independently from the raw tables (a different query: LIKE on paths, per member), every
//! figure stays inside the viewer's scope, and the monthly report downloads as CSV and Excel.
use crate::common;
use common::{call, signed_in, TestApp};
use serde_json::Value;
use sqlx::Row;

async fn ok(app: &TestApp, c: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (s, b) = call(app, c, endpoint, form).await;
    assert_eq!(s, 200, "{endpoint}: {b}");
    b
}

/// Members, exempt, and non-exempt members who have signed in, under a path, counted member by member.
async fn recount(app: &TestApp, path: &str) -> (i64, i64, i64) {
    let rows = sqlx::query(
        "SELECT m.exempt_since, a.last_sign_in_at FROM members m JOIN organizations o ON o.id = m.org_id
         LEFT JOIN accounts a ON a.member_id = m.id WHERE o.path LIKE $1",
    )
    .bind(format!("{path}%"))
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let mut n = (0, 0, 0);
    for r in rows {
        let exempt: Option<String> = r.get(0);
        let signed: Option<i64> = r.get(1);
        n.0 += 1;
        if exempt.is_some() {
            n.1 += 1;
        } else if signed.is_some() {
            n.2 += 1;
        }
    }
    n
}

fn close(permille: &Value, signed: i64, members: i64, exempt: i64) {
    let expected = members - exempt;
    if expected == 0 {
        assert!(permille.is_null());
        return;
    }
    let mine = 100.0 * signed as f64 / expected as f64;
    let theirs = permille.as_i64().unwrap() as f64 / 10.0;
    assert!((mine - theirs).abs() <= 0.05, "{mine} vs {theirs}");
}

on_both_databases!(
    dashboard_rates_match_an_independent_count,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let now = app::platform::clock::now_unix();
        // Usage: every third member without an account gets one and has signed in; some recently.
        // Half a day off whole days, so no one sits on the 30-day edge: the server reads its own
        // clock a moment after `now`, and a member exactly 30 days back would count here, not there.
        sqlx::query(
        "INSERT INTO accounts (member_id, status, created_at, updated_at, last_sign_in_at, last_active_at)
         SELECT m.id, 'active', $1, $1, $1 - (m.id % 60) * 86400 - 43200, $1 - (m.id % 60) * 86400 - 43200 FROM members m
         WHERE m.id % 3 = 0 AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.member_id = m.id)",
    )
    .bind(now)
    .execute(app.db.pool())
    .await
    .unwrap();
        let admin = signed_in(&app, "0900000003").await;
        let d = ok(&app, &admin, "usage_dashboard", &[]).await;
        let ward_id = d["org"]["id"].as_i64().unwrap();
        let ward_path: String = sqlx::query_scalar("SELECT path FROM organizations WHERE id = $1")
            .bind(ward_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let (members, exempt, signed) = recount(&app, &ward_path).await;
        assert_eq!(
            (
                d["total"]["members"].as_i64(),
                d["total"]["exempt"].as_i64(),
                d["total"]["signed_in"].as_i64()
            ),
            (Some(members), Some(exempt), Some(signed))
        );
        assert!(members > 0 && signed > 0);
        let children = d["children"].as_array().unwrap();
        assert!(!children.is_empty());
        let mut sum = 0;
        for c in children {
            let path: String = sqlx::query_scalar("SELECT path FROM organizations WHERE id = $1")
                .bind(c["org_id"].as_i64().unwrap())
                .fetch_one(app.db.pool())
                .await
                .unwrap();
            let (m, e, s) = recount(&app, &path).await;
            assert_eq!(
                (
                    c["counts"]["members"].as_i64(),
                    c["counts"]["exempt"].as_i64(),
                    c["counts"]["signed_in"].as_i64()
                ),
                (Some(m), Some(e), Some(s)),
                "{}",
                c["name"]
            );
            let counts: app::domain::statistics::Counts =
                serde_json::from_value(c["counts"].clone()).unwrap();
            close(&serde_json::json!(counts.rate_permille()), s, m, e);
            sum += m;
        }
        assert_eq!(sum, members, "children add up to the ward");
        // Active in the last 30 days, counted here by date.
        let active: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members m JOIN organizations o ON o.id = m.org_id JOIN accounts a ON a.member_id = m.id WHERE o.path LIKE $1 AND a.last_active_at >= $2")
        .bind(format!("{ward_path}%")).bind(now - 30 * 86_400).fetch_one(app.db.pool()).await.unwrap();
        assert_eq!(d["total"]["active_30d"].as_i64(), Some(active));
        // Lowest first, each with whom to call.
        let low = d["lowest_cells"].as_array().unwrap();
        assert!(!low.is_empty());
        let rates: Vec<i64> = low
            .iter()
            .map(|c| {
                serde_json::from_value::<app::domain::statistics::Counts>(c["counts"].clone())
                    .unwrap()
                    .rate_permille()
                    .unwrap()
            })
            .collect();
        assert!(rates.windows(2).all(|w| w[0] <= w[1]), "{rates:?}");
        assert!(low.iter().any(|c| c["contact"].is_array()));
        // Sorted by rate, highest first, on request.
        let by_desc = ok(
            &app,
            &admin,
            "usage_dashboard",
            &[("org", &ward_id.to_string()), ("sort", "ty_le_giam")],
        )
        .await;
        assert_eq!(by_desc["sort"], "ty_le_giam");

        // Over time: last month's snapshot shows up before this month's live figure.
        let last = app::domain::meeting::Month::of(app::platform::clock::today_vn())
            .previous()
            .code();
        app::statistics::service::snapshot(&app.db, &last, now)
            .await
            .unwrap();
        let h = ok(&app, &admin, "usage_dashboard", &[]).await["history"].clone();
        let months: Vec<&str> = h
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[0].as_str().unwrap())
            .collect();
        assert_eq!(months.len(), 2);
        assert_eq!(months[0], last);
        // Last month's report gives the figures of last month's snapshot.
        let past = ok(&app, &admin, "monthly_report", &[("month", &last)]).await;
        assert_eq!(past["total"]["counts"], h[0][1]);
        assert_eq!(past["rows"].as_array().unwrap().len(), children.len());

        // Scope: the other ward, a plain member, a secretary outside their cell.
        let other_ward: i64 = sqlx::query_scalar("SELECT o.parent_id FROM organizations o JOIN members m ON m.org_id = o.id WHERE m.phone = '0900000005'").fetch_one(app.db.pool()).await.unwrap();
        let other_ward_id =
            sqlx::query_scalar::<_, i64>("SELECT parent_id FROM organizations WHERE id = $1")
                .bind(other_ward)
                .fetch_one(app.db.pool())
                .await
                .unwrap_or(other_ward);
        for target in [other_ward, other_ward_id] {
            if target != ward_id {
                assert_eq!(
                    call(
                        &app,
                        &admin,
                        "usage_dashboard",
                        &[("org", &target.to_string())]
                    )
                    .await
                    .0,
                    403
                );
            }
        }
        let member = signed_in(&app, "0900000001").await;
        assert_eq!(call(&app, &member, "usage_dashboard", &[]).await.0, 403);
        let secretary = signed_in(&app, "0900000002").await;
        let own = ok(&app, &secretary, "usage_dashboard", &[]).await;
        let cell: i64 = sqlx::query_scalar("SELECT org_id FROM members WHERE phone = '0900000002'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(own["org"]["id"].as_i64(), Some(cell));
        assert!(own["parent"].is_null(), "no way up out of scope");
        assert_eq!(
            call(
                &app,
                &secretary,
                "usage_dashboard",
                &[("org", &ward_id.to_string())]
            )
            .await
            .0,
            403
        );
        assert_eq!(
            call(&app, &common::client(), "usage_dashboard", &[])
                .await
                .0,
            401
        );
    }
);

on_both_databases!(monthly_report_downloads, |app: TestApp| async move {
    app::register::seed::seed(&app.db, 300).await.unwrap();
    let admin = signed_in(&app, "0900000003").await;
    let month = app::domain::meeting::Month::of(app::platform::clock::today_vn()).code();
    let r = ok(&app, &admin, "monthly_report", &[("month", &month)]).await;
    let ward = r["org"]["id"].as_i64().unwrap();
    let children: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM organizations WHERE parent_id = $1")
            .bind(ward)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(r["rows"].as_array().unwrap().len() as i64, children);
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members m JOIN organizations o ON o.id = m.org_id WHERE o.path LIKE (SELECT path FROM organizations WHERE id = $1) || '%'")
        .bind(ward).fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(r["total"]["counts"]["members"].as_i64(), Some(members));
    let (s, b) = call(&app, &admin, "monthly_report", &[("month", "2026-13")]).await;
    assert_eq!((s, b["Invalid"][0]["field"].as_str()), (422, Some("month")));

    let q = format!("?don_vi={ward}&thang={month}");
    let res = admin
        .get(app.url(&format!("/thong-ke/bao-cao.csv{q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".csv"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(
        &bytes[..3],
        "\u{feff}".as_bytes(),
        "a byte-order mark, for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1]
        .starts_with("Tổ chức,Đảng viên,Miễn sinh hoạt,Có tài khoản,Đã đăng nhập,Tỷ lệ sử dụng"));
    assert_eq!(
        lines.len() as i64,
        2 + children + 1,
        "title, header, one line per child, total"
    );
    assert!(lines.last().unwrap().contains(&members.to_string()));

    let res = admin
        .get(app.url(&format!("/thong-ke/bao-cao.xlsx{q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04", "an Office Open XML (zip) file");
    assert!(bytes.len() > 3000);

    // Nobody signed in is sent to sign in; a member of another ward is refused.
    assert_eq!(
        common::client()
            .get(app.url(&format!("/thong-ke/bao-cao.csv{q}")))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let other = signed_in(&app, "0900000005").await;
    assert_eq!(
        other
            .get(app.url(&format!("/thong-ke/bao-cao.xlsx{q}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // The pages render.
    let page = admin
        .get(app.url("/thong-ke"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Thống kê sử dụng") && page.contains("Tỷ lệ sử dụng"));
    let page = admin
        .get(app.url(&format!("/thong-ke/bao-cao{q}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Báo cáo tình hình sử dụng") && page.contains("bao-cao.xlsx"));
});

on_both_databases!(
    large_subtrees_read_the_hourly_snapshot,
    |app: TestApp| async move {
        // Every subtree counts as large here; without this month's snapshot the figures are live.
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| std::env::set_var("SOTAY_STATS_LIVE_LIMIT", "0"));
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let admin = signed_in(&app, "0900000003").await;
        let live = ok(&app, &admin, "usage_dashboard", &[]).await;
        assert!(live["as_of"].is_null());
        let month = app::domain::meeting::Month::of(app::platform::clock::today_vn()).code();
        app::statistics::service::snapshot(&app.db, &month, app::platform::clock::now_unix())
            .await
            .unwrap();
        let snap = ok(&app, &admin, "usage_dashboard", &[]).await;
        assert!(snap["as_of"].is_string());
        assert_eq!(snap["total"], live["total"]);
        assert_eq!(snap["children"], live["children"]);
        assert_eq!(snap["lowest_cells"], live["lowest_cells"]);
        let report = ok(&app, &admin, "monthly_report", &[("month", &month)]).await;
        assert_eq!(report["total"]["counts"], live["total"]);
    }
);
