//! Notifications on both databases: publishing a document is one row that every member of the
//! audience sees (and nobody outside it), meetings and tasks notify their people, read marks and
//! "mark all read" move the unread count, and nobody can mark another's notification.
use crate::common;
use common::{call, signed_in, TestApp};
use serde_json::Value;

async fn ok(app: &TestApp, c: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (s, b) = call(app, c, endpoint, form).await;
    assert_eq!(s, 200, "{endpoint}: {b}");
    b
}

async fn unread(app: &TestApp, c: &reqwest::Client) -> i64 {
    ok(app, c, "notifications", &[]).await["unread"]
        .as_i64()
        .unwrap()
}

on_both_databases!(
    publishing_notifies_the_audience_once,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        app::documents::seed::seed(&app.db, 0).await.unwrap();
        let editor = signed_in(&app, "0900000004").await;
        let member = signed_in(&app, "0900000001").await;
        let other_ward = signed_in(&app, "0900000005").await;
        assert_eq!(unread(&app, &member).await, 0);
        let targets = ok(&app, &editor, "publish_targets", &[]).await;
        let province = targets.as_array().unwrap()[0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        ok(
            &app,
            &editor,
            "publish",
            &[
                ("kind", "van_ban"),
                ("audience", &province),
                ("doc_type", "nghi_quyet"),
                ("number", "99-NQ/TU"),
                ("issuing_body", "Tỉnh ủy"),
                ("issued_on", "2026-11-20"),
                ("title", "Nghị quyết về chuyển đổi số"),
                ("summary", ""),
                ("body", "Nội dung."),
                ("tags", ""),
                ("not_classified", "on"),
            ],
        )
        .await;
        let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(after - before, 1, "one row for the whole province");
        for c in [&member, &other_ward] {
            let p = ok(&app, c, "notifications", &[]).await;
            assert_eq!(p["unread"], 1);
            assert_eq!(p["items"][0]["kind"], "van_ban_moi");
            assert_eq!(p["items"][0]["subject"], "Nghị quyết về chuyển đổi số");
            assert!(p["items"][0]["href"]
                .as_str()
                .unwrap()
                .starts_with("/van-ban/"));
        }
        let session = ok(&app, &member, "session", &[]).await;
        assert_eq!(
            session["user"]["unread_notifications"], 1,
            "the bottom bar's count"
        );
        let id = ok(&app, &member, "notifications", &[]).await["items"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        ok(&app, &member, "mark_read", &[("id", &id)]).await;
        assert_eq!(unread(&app, &member).await, 0);
        assert_eq!(
            unread(&app, &other_ward).await,
            1,
            "read marks are per member"
        );
        ok(&app, &other_ward, "mark_all_read", &[]).await;
        assert_eq!(unread(&app, &other_ward).await, 0);
        let p = ok(&app, &other_ward, "notifications", &[]).await;
        assert_eq!(p["items"][0]["read"], true);

        // A ward document reaches the ward only; a task reaches its assignee only.
        let secretary = signed_in(&app, "0900000002").await;
        let cell = ok(&app, &secretary, "meetings", &[]).await["run_cells"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let m = app::domain::meeting::Month::of(app::platform::clock::today_vn()).next();
        let date = format!("{:04}-{:02}-10", m.year, m.month);
        let id = ok(
            &app,
            &secretary,
            "create_meeting",
            &[
                ("org_id", &cell),
                ("kind", "chuyen_de"),
                ("title", "Chuyên đề"),
                ("date", &date),
                ("start_time", "19:30"),
                ("format", "tai_cho"),
                ("place", "Nhà văn hóa"),
                ("link", ""),
            ],
        )
        .await
        .as_i64()
        .unwrap()
        .to_string();
        assert_eq!(unread(&app, &member).await, 0, "a draft tells nobody");
        ok(&app, &secretary, "publish_meeting", &[("id", &id)]).await;
        let p = ok(&app, &member, "notifications", &[]).await;
        assert_eq!(
            (p["unread"].as_i64(), p["items"][0]["kind"].as_str()),
            (Some(1), Some("hop_cong_bo"))
        );
        assert_eq!(
            unread(&app, &other_ward).await,
            0,
            "another cell hears nothing"
        );
        ok(
            &app,
            &secretary,
            "update_meeting",
            &[
                ("id", &id),
                ("title", "Chuyên đề"),
                ("date", &date),
                ("start_time", "20:00"),
                ("format", "tai_cho"),
                ("place", "Nhà văn hóa"),
                ("link", ""),
            ],
        )
        .await;
        assert_eq!(
            ok(&app, &member, "notifications", &[]).await["items"][0]["kind"],
            "hop_thay_doi"
        );
        ok(&app, &secretary, "start_meeting", &[("id", &id)]).await;
        let me: i64 = sqlx::query_scalar("SELECT id FROM members WHERE phone = '0900000001'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        ok(
            &app,
            &secretary,
            "assign_task",
            &[
                ("id", &id),
                ("assignee_id", &me.to_string()),
                ("task_title", "Viết thu hoạch"),
                ("due_date", &date),
            ],
        )
        .await;
        let p = ok(&app, &member, "notifications", &[]).await;
        assert_eq!(
            (
                p["items"][0]["kind"].as_str(),
                p["items"][0]["href"].as_str()
            ),
            (Some("nhiem_vu_giao"), Some("/nhiem-vu"))
        );
        let elder = signed_in(&app, "0900000006").await;
        assert!(ok(&app, &elder, "notifications", &[]).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] != "nhiem_vu_giao"));
        // Nobody marks what is not theirs.
        let task_notice = p["items"][0]["id"].as_i64().unwrap().to_string();
        assert_eq!(
            call(&app, &elder, "mark_read", &[("id", &task_notice)])
                .await
                .0,
            404
        );
        assert_eq!(
            call(&app, &common::client(), "notifications", &[]).await.0,
            401
        );
    }
);
