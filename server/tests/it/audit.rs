//! The audit log on both databases: leadership writes of the meetings feature land with their
//! audit entry and the client address; the ward's admin reads the ward's entries (not another
//! ward's), filters them by action, person and dates, pages back and downloads them as CSV;
//! nobody else may read them.
use crate::common;
use common::{call, client, signed_in, TestApp};
use serde_json::Value;

async fn ok(app: &TestApp, c: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (s, b) = call(app, c, endpoint, form).await;
    assert_eq!(s, 200, "{endpoint}: {b}");
    b
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn member_id(app: &TestApp, phone: &str) -> i64 {
    scalar(
        app,
        &format!("SELECT id FROM members WHERE phone = '{phone}'"),
    )
    .await
}

fn entries(b: &Value) -> Vec<Value> {
    b["entries"].as_array().unwrap().clone()
}

fn actions(b: &Value) -> Vec<String> {
    entries(b)
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

fn next_month_day(day: u32) -> String {
    let m = app::domain::meeting::Month::of(app::platform::clock::today_vn()).next();
    format!("{:04}-{:02}-{:02}", m.year, m.month, day)
}

fn vn_day(offset_days: i64) -> String {
    app::platform::clock::date_from_unix(
        app::platform::clock::now_unix()
            + app::platform::clock::VIETNAM_UTC_OFFSET_SECONDS
            + offset_days * 86_400,
    )
    .to_string()
}

/// The meeting's entries: (all, those lacking the client address or the organisation).
async fn meeting_entries(app: &TestApp, meeting: &str) -> (i64, i64) {
    let all = scalar(app, &format!("SELECT COUNT(*) FROM audit_log WHERE target_type = 'meeting' AND target_id = {meeting}")).await;
    let bare = scalar(app, &format!("SELECT COUNT(*) FROM audit_log WHERE target_type = 'meeting' AND target_id = {meeting} AND (ip IS NULL OR org_id IS NULL)")).await;
    (all, bare)
}

/// Runs a leadership write and checks it added exactly one complete entry.
async fn step(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    endpoint: &str,
    form: &[(&str, &str)],
    action: &str,
) -> Value {
    let (before, _) = meeting_entries(app, id).await;
    let mut f = vec![("id", id)];
    f.extend_from_slice(form);
    let b = ok(app, c, endpoint, &f).await;
    assert_eq!(
        meeting_entries(app, id).await,
        (before + 1, 0),
        "{endpoint}: one entry, with the address and the cell"
    );
    let last = scalar(
        app,
        &format!("SELECT COUNT(*) FROM audit_log WHERE target_id = {id} AND action = '{action}'"),
    )
    .await;
    assert!(last >= 1, "{endpoint} wrote {action}");
    b
}

on_both_databases!(
    every_meeting_write_lands_with_its_audit_entry,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        app::documents::seed::seed(&app.db, 0).await.unwrap();
        let s = signed_in(&app, "0900000002").await;
        let member = signed_in(&app, "0900000001").await;
        let cell = ok(&app, &s, "meetings", &[]).await["run_cells"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let elder = member_id(&app, "0900000006").await.to_string();
        let me = member_id(&app, "0900000001").await.to_string();

        let id = ok(
            &app,
            &s,
            "create_meeting",
            &[
                ("org_id", &cell),
                ("kind", "chuyen_de"),
                ("title", "Chuyên đề"),
                ("date", &next_month_day(10)),
                ("start_time", "19:30"),
                ("format", "tai_cho"),
                ("place", "Hội trường"),
                ("link", ""),
            ],
        )
        .await;
        let id = id.as_i64().unwrap().to_string();
        assert_eq!(
            meeting_entries(&app, &id).await,
            (1, 0),
            "created and audited, with the address"
        );
        let ip: String = sqlx::query_scalar(&format!(
            "SELECT ip FROM audit_log WHERE action = 'meeting.create' AND target_id = {id}"
        ))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(ip, "127.0.0.1");

        step(
            &app,
            &s,
            &id,
            "update_meeting",
            &[
                ("title", "Chuyên đề (sửa)"),
                ("date", &next_month_day(11)),
                ("start_time", "19:00"),
                ("format", "tai_cho"),
                ("place", "Hội trường"),
                ("link", ""),
            ],
            "meeting.update",
        )
        .await;
        step(
            &app,
            &s,
            &id,
            "add_agenda_item",
            &[("agenda_title", "Quán triệt"), ("note", "")],
            "meeting.agenda_add",
        )
        .await;
        let doc = ok(
            &app,
            &s,
            "attachable_documents",
            &[("id", &id), ("query", "")],
        )
        .await[0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        step(
            &app,
            &s,
            &id,
            "attach_document",
            &[("document_id", &doc)],
            "meeting.attach_document",
        )
        .await;
        step(
            &app,
            &s,
            &id,
            "detach_document",
            &[("document_id", &doc)],
            "meeting.detach_document",
        )
        .await;
        let item = ok(&app, &s, "meeting", &[("id", &id)]).await["agenda"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        step(
            &app,
            &s,
            &id,
            "remove_agenda_item",
            &[("item_id", &item)],
            "meeting.agenda_remove",
        )
        .await;
        step(&app, &s, &id, "publish_meeting", &[], "meeting.publish").await;
        step(
            &app,
            &s,
            &id,
            "cancel_meeting",
            &[("cancel_reason", "Trùng lịch")],
            "meeting.cancel",
        )
        .await;
        step(&app, &s, &id, "publish_meeting", &[], "meeting.publish").await;
        // A member's own answer is theirs, not an administrative write: no entry.
        let (before, _) = meeting_entries(&app, &id).await;
        ok(
            &app,
            &member,
            "rsvp",
            &[("id", &id), ("answer", "se_den"), ("reason", "")],
        )
        .await;
        ok(
            &app,
            &member,
            "comment",
            &[("id", &id), ("body", "Ý kiến của tôi")],
        )
        .await;
        assert_eq!(meeting_entries(&app, &id).await.0, before);
        step(
            &app,
            &s,
            &id,
            "rsvp",
            &[
                ("answer", "xin_vang"),
                ("reason", "Ốm"),
                ("on_behalf", &elder),
            ],
            "meeting.rsvp",
        )
        .await;
        step(
            &app,
            &s,
            &id,
            "comment",
            &[("body", "Nhất trí"), ("on_behalf", &elder)],
            "meeting.comment",
        )
        .await;
        step(&app, &s, &id, "start_meeting", &[], "meeting.start").await;
        step(
            &app,
            &s,
            &id,
            "set_attendance",
            &[("member_id", &me), ("state", "co_mat")],
            "meeting.attendance",
        )
        .await;
        step(&app, &s, &id, "all_present", &[], "meeting.all_present").await;
        let motion = step(
            &app,
            &s,
            &id,
            "open_motion",
            &[("question", "Thông qua kế hoạch")],
            "meeting.open_motion",
        )
        .await
        .as_i64()
        .unwrap()
        .to_string();
        step(
            &app,
            &s,
            &id,
            "vote",
            &[
                ("motion_id", &motion),
                ("choice", "dong_y"),
                ("other", ""),
                ("on_behalf", &elder),
            ],
            "meeting.vote",
        )
        .await;
        let (before, _) = meeting_entries(&app, &id).await;
        ok(
            &app,
            &member,
            "vote",
            &[
                ("id", &id),
                ("motion_id", &motion),
                ("choice", "dong_y"),
                ("other", ""),
            ],
        )
        .await;
        assert_eq!(
            meeting_entries(&app, &id).await.0,
            before,
            "a member's own vote is not audited"
        );
        step(
            &app,
            &s,
            &id,
            "close_motion",
            &[("motion_id", &motion)],
            "meeting.close_motion",
        )
        .await;
        // A refused write leaves no entry behind.
        let (s2, _) = call(
            &app,
            &s,
            "close_motion",
            &[("id", &id), ("motion_id", &motion)],
        )
        .await;
        assert_eq!(s2, 422);
        assert_eq!(meeting_entries(&app, &id).await.0, before + 1);
        step(
            &app,
            &s,
            &id,
            "finish_meeting",
            &[("rating", "tot")],
            "meeting.finish",
        )
        .await;
        step(
            &app,
            &s,
            &id,
            "save_minutes",
            &[("minutes", "Biên bản"), ("resolution", "Nghị quyết")],
            "meeting.minutes",
        )
        .await;
        let task = step(
            &app,
            &s,
            &id,
            "assign_task",
            &[
                ("assignee_id", &elder),
                ("task_title", "Tuyên truyền"),
                ("due_date", &next_month_day(28)),
            ],
            "task.assign",
        )
        .await
        .as_i64()
        .unwrap()
        .to_string();
        // The task's progress recorded for the assignee, and the cell's schedule: audited too.
        ok(
            &app,
            &s,
            "report_task",
            &[("task_id", &task), ("progress", "50"), ("note", "")],
        )
        .await;
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'task.report' AND target_id = {task} AND ip IS NOT NULL AND org_id = {cell}")).await, 1);
        ok(
            &app,
            &s,
            "set_schedule",
            &[
                ("org_id", &cell),
                ("rule_kind", "ngay"),
                ("day", "5"),
                ("start_time", "19:00"),
                ("place", ""),
            ],
        )
        .await;
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.schedule' AND org_id = {cell} AND ip IS NOT NULL")).await, 1);
    }
);

on_both_databases!(
    the_ward_admin_reads_the_wards_audit_log_only,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let secretary = signed_in(&app, "0900000002").await;
        let member = signed_in(&app, "0900000001").await;
        let other_ward = signed_in(&app, "0900000005").await;
        let admin = signed_in(&app, "0900000003").await;
        let cell = ok(&app, &secretary, "meetings", &[]).await["run_cells"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let elder = member_id(&app, "0900000006").await.to_string();

        // The secretary holds a meeting and records a vote for the member without a phone.
        let id = ok(
            &app,
            &secretary,
            "create_meeting",
            &[
                ("org_id", &cell),
                ("kind", "chuyen_de"),
                ("title", "Chuyên đề"),
                ("date", &next_month_day(10)),
                ("start_time", "19:30"),
                ("format", "tai_cho"),
                ("place", "Hội trường"),
                ("link", ""),
            ],
        )
        .await;
        let id = id.as_i64().unwrap().to_string();
        ok(&app, &secretary, "start_meeting", &[("id", &id)]).await;
        let motion = ok(
            &app,
            &secretary,
            "open_motion",
            &[("id", &id), ("question", "Thông qua")],
        )
        .await
        .as_i64()
        .unwrap()
        .to_string();
        ok(
            &app,
            &secretary,
            "vote",
            &[
                ("id", &id),
                ("motion_id", &motion),
                ("choice", "dong_y"),
                ("other", ""),
                ("on_behalf", &elder),
            ],
        )
        .await;
        // Entries of the other ward: a sign-out (no organisation: placed by the person) and a
        // meeting step written there.
        let (s, _) = call(&app, &other_ward, "sign_out", &[("everywhere", "false")]).await;
        assert_eq!(s, 200);
        let (s, _) = call(&app, &member, "sign_out", &[("everywhere", "false")]).await;
        assert_eq!(s, 200);
        let far_cell = scalar(
            &app,
            "SELECT org_id FROM members WHERE phone = '0900000005'",
        )
        .await;
        sqlx::query("INSERT INTO audit_log (at, action, org_id, detail) VALUES ($1, 'meeting.start', $2, 'ở phường khác')")
        .bind(app::platform::clock::now_unix())
        .bind(far_cell)
        .execute(app.db.pool())
        .await
        .unwrap();

        let all = ok(&app, &admin, "audit_log", &[]).await;
        let list = entries(&all);
        let vote = list
            .iter()
            .find(|e| e["action"] == "meeting.vote")
            .expect("the proxy vote is listed");
        assert_eq!(vote["actor"], "Trần Thị Bình");
        assert_eq!(vote["on_behalf"], "Võ Văn Sáu");
        assert_eq!(vote["ip"], "127.0.0.1");
        assert_eq!(vote["org"], "Chi bộ Khu phố 1");
        let at = vote["at"].as_str().unwrap();
        assert!(
            at.starts_with(&vn_day(0)) && at.len() == "dd/mm/yyyy HH:MM".len(),
            "{at}"
        );
        for a in [
            "meeting.create",
            "meeting.start",
            "meeting.open_motion",
            "sign_in",
            "sign_out",
        ] {
            assert!(actions(&all).iter().any(|x| x == a), "{a} listed");
        }
        assert!(
            list.iter()
                .any(|e| e["action"] == "sign_out" && e["actor"] == "Nguyễn Văn An"),
            "a sign-out of the ward, placed by its member"
        );
        assert!(
            !list.iter().any(|e| e["actor"] == "Hoàng Minh Đức"),
            "nothing of the other ward's member"
        );
        assert!(
            !list.iter().any(|e| e["detail"] == "ở phường khác"),
            "nothing written in the other ward"
        );
        // Newest first.
        let ids: Vec<i64> = list.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");

        // Filters: action, person (phone, name with or without marks), dates.
        let votes = ok(&app, &admin, "audit_log", &[("action", "meeting.vote")]).await;
        assert_eq!(actions(&votes), vec!["meeting.vote"]);
        for who in ["0900000006", "+84 900 000 006", "Võ Văn Sáu", "vo van sau"] {
            let mine = ok(&app, &admin, "audit_log", &[("person", who)]).await;
            assert_eq!(actions(&mine), vec!["meeting.vote"], "{who}");
        }
        let by_secretary = ok(&app, &admin, "audit_log", &[("person", "0900000002")]).await;
        assert!(
            actions(&by_secretary).contains(&"meeting.create".to_string())
                && entries(&by_secretary)
                    .iter()
                    .all(|e| e["actor"] == "Trần Thị Bình")
        );
        let today = ok(
            &app,
            &admin,
            "audit_log",
            &[("from", &vn_day(0)), ("to", &vn_day(0))],
        )
        .await;
        assert_eq!(entries(&today).len(), list.len());
        assert!(entries(&ok(&app, &admin, "audit_log", &[("from", &vn_day(1))]).await).is_empty());
        assert!(entries(&ok(&app, &admin, "audit_log", &[("to", &vn_day(-1))]).await).is_empty());
        let (s, b) = call(
            &app,
            &admin,
            "audit_log",
            &[("from", "31/02/2026"), ("action", "xoa")],
        )
        .await;
        assert_eq!(s, 422, "{b}");
        let fields: Vec<&str> = b["Invalid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["hanh_dong", "tu_ngay"]);
        let (s, b) = call(
            &app,
            &admin,
            "audit_log",
            &[("from", &vn_day(1)), ("to", &vn_day(0))],
        )
        .await;
        assert_eq!(
            (s, b["Invalid"][0]["key"].as_str()),
            (422, Some("err_date_range"))
        );

        // Nobody but admins reads it: secretary, plain member, nobody signed in.
        assert_eq!(call(&app, &secretary, "audit_log", &[]).await.0, 403);
        assert_eq!(
            call(
                &app,
                &signed_in(&app, "0900000001").await,
                "audit_log",
                &[("from", "sai")]
            )
            .await
            .0,
            403,
            "the right before the input"
        );
        assert_eq!(call(&app, &client(), "audit_log", &[]).await.0, 401);

        // The download: the same filter, a BOM, a header row; refused as the server function is.
        let res = admin
            .get(app.url("/quan-tri/nhat-ky.csv?hanh_dong=meeting.vote"))
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
            .contains("nhat-ky-"));
        let bytes = res.bytes().await.unwrap();
        assert_eq!(
            &bytes[..3],
            "\u{feff}".as_bytes(),
            "a byte-order mark, for Excel"
        );
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Thời điểm,Người thực hiện,Hành động,Thay mặt cho,Tổ chức,Địa chỉ IP,Chi tiết"
        );
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[1].contains(
                "Trần Thị Bình,Ghi thay biểu quyết,Võ Văn Sáu,Chi bộ Khu phố 1,127.0.0.1,"
            ),
            "{}",
            lines[1]
        );
        let res = secretary
            .get(app.url("/quan-tri/nhat-ky.csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let res = client()
            .get(app.url("/quan-tri/nhat-ky.csv?hanh_dong=meeting.vote"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            "/dang-nhap?next=/quan-tri/nhat-ky"
        );
        let res = admin
            .get(app.url("/quan-tri/nhat-ky.csv?tu_ngay=31%2F02%2F2026"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            (
                res.status().as_u16(),
                res.headers()["location"].to_str().unwrap()
            ),
            (303, "/quan-tri/nhat-ky?tu_ngay=31%2F02%2F2026"),
            "back to the page, which names the field"
        );

        // The pages: the list with its filter, and the link from the tree.
        let page = admin
            .get(app.url("/quan-tri/nhat-ky?hanh_dong=meeting.vote"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Nhật ký hoạt động")
                && page.contains("Ghi thay biểu quyết")
                && page.contains("data-testid=\"audit-entry\"")
        );
        assert!(page.contains("/quan-tri/nhat-ky.csv?hanh_dong=meeting.vote"));
        let page = admin
            .get(app.url("/quan-tri/nhat-ky?tu_ngay=31%2F02%2F2026"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Ngày không hợp lệ"), "the field's message");
        let page = admin
            .get(app.url("/quan-tri"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("href=\"/quan-tri/nhat-ky\""));
    }
);

on_both_databases!(
    the_audit_log_pages_back_newest_first,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let admin = signed_in(&app, "0900000003").await;
        let ward = scalar(&app, "SELECT g.org_id FROM role_grants g JOIN accounts a ON a.id = g.account_id JOIN members m ON m.id = a.member_id WHERE m.phone = '0900000003' AND g.role = 'admin'").await;
        let now = app::platform::clock::now_unix();
        // 150 entries of one second each, older than the sign-in.
        for i in 0..150i64 {
            sqlx::query("INSERT INTO audit_log (at, action, org_id, detail) VALUES ($1, 'org.rename', $2, $3)").bind(now - 1000 + i).bind(ward).bind(format!("n{i}")).execute(app.db.pool()).await.unwrap();
        }
        let first = ok(&app, &admin, "audit_log", &[("action", "org.rename")]).await;
        assert_eq!(entries(&first).len(), 100);
        assert_eq!(entries(&first)[0]["detail"], "n149");
        let older = first["older"].as_str().expect("an older page").to_string();
        let second = ok(
            &app,
            &admin,
            "audit_log",
            &[("action", "org.rename"), ("before", &older)],
        )
        .await;
        assert_eq!(entries(&second).len(), 50);
        assert_eq!(entries(&second)[0]["detail"], "n49");
        assert!(second["older"].is_null());
        let page = admin
            .get(app.url("/quan-tri/nhat-ky?hanh_dong=org.rename"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!(
                "/quan-tri/nhat-ky?hanh_dong=org.rename&amp;truoc={older}"
            )) || page.contains(&format!(
                "/quan-tri/nhat-ky?hanh_dong=org.rename&truoc={older}"
            )),
            "the older link keeps the filter"
        );
    }
);
