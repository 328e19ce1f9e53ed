//! Meetings on both databases: the whole cycle over HTTP (prepare, publish, answer, hold, vote,
//! record on behalf, minutes, tasks, rating), the monthly opening, the committee overview, and
//! refusals for members of another cell at every server function.
use crate::common;
use common::{call, client, signed_in, TestApp};
use serde_json::Value;
use sqlx::Row;

async fn ok(app: &TestApp, c: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (s, b) = call(app, c, endpoint, form).await;
    assert_eq!(s, 200, "{endpoint}: {b}");
    b
}

async fn seeded(app: &TestApp) {
    app::register::seed::seed(&app.db, 300).await.unwrap();
    app::documents::seed::seed(&app.db, 0).await.unwrap();
}

async fn member_id(app: &TestApp, phone: &str) -> i64 {
    sqlx::query("SELECT id FROM members WHERE phone = $1")
        .bind(phone)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

fn field_errors(b: &Value) -> Vec<String> {
    b["Invalid"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn next_month_day(day: u32) -> String {
    let m = app::domain::meeting::Month::of(app::platform::clock::today_vn()).next();
    format!("{:04}-{:02}-{:02}", m.year, m.month, day)
}

on_both_databases!(the_whole_meeting_cycle, |app: TestApp| async move {
    seeded(&app).await;
    let secretary = signed_in(&app, "0900000002").await;
    let member = signed_in(&app, "0900000001").await;
    let list = ok(&app, &secretary, "meetings", &[]).await;
    let cells = list["run_cells"].as_array().unwrap();
    assert_eq!(cells.len(), 1, "the secretary runs their own cell only");
    let cell = cells[0]["id"].as_i64().unwrap().to_string();

    // Bad input: every field named, nothing created.
    let (s, b) = call(
        &app,
        &secretary,
        "create_meeting",
        &[
            ("org_id", &cell),
            ("kind", "chuyen_de"),
            ("title", ""),
            ("date", "31/02/2026"),
            ("start_time", "25:00"),
            ("format", "truc_tuyen"),
            ("place", ""),
            ("link", "http://x"),
        ],
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let fields = field_errors(&b);
    for f in ["title", "date", "start_time", "link"] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }

    let date = next_month_day(12);
    let id = ok(
        &app,
        &secretary,
        "create_meeting",
        &[
            ("org_id", &cell),
            ("kind", "chuyen_de"),
            ("title", "Học tập chuyên đề năm 2026"),
            ("date", &date),
            ("start_time", "19:30"),
            ("format", "tai_cho"),
            ("place", "Nhà văn hóa khu phố 1"),
            ("link", ""),
        ],
    )
    .await;
    let id = id.as_i64().unwrap().to_string();
    // A draft is the committee's: members do not see it.
    assert_eq!(call(&app, &member, "meeting", &[("id", &id)]).await.0, 404);

    ok(
        &app,
        &secretary,
        "add_agenda_item",
        &[
            ("id", &id),
            ("agenda_title", "Quán triệt chuyên đề"),
            ("note", ""),
        ],
    )
    .await;
    let docs = ok(
        &app,
        &secretary,
        "attachable_documents",
        &[("id", &id), ("query", "")],
    )
    .await;
    let doc = docs
        .as_array()
        .unwrap()
        .first()
        .expect("documents the cell can read")["id"]
        .as_i64()
        .unwrap()
        .to_string();
    ok(
        &app,
        &secretary,
        "attach_document",
        &[("id", &id), ("document_id", &doc)],
    )
    .await;
    // Another ward's document cannot be a material of this cell.
    let foreign: i64 = sqlx::query("SELECT id FROM documents WHERE number = '45-TB/ĐU'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    let (s, b) = call(
        &app,
        &secretary,
        "attach_document",
        &[("id", &id), ("document_id", &foreign.to_string())],
    )
    .await;
    assert_eq!(s, 422, "{b}");
    // Members cannot publish.
    assert_eq!(
        call(&app, &member, "publish_meeting", &[("id", &id)])
            .await
            .0,
        404,
        "a draft does not exist for a member"
    );
    ok(&app, &secretary, "publish_meeting", &[("id", &id)]).await;
    assert_eq!(
        call(&app, &member, "publish_meeting", &[("id", &id)])
            .await
            .0,
        403
    );
    // The publication, its one notice to the cell and its audit entry landed together (on
    // PostgreSQL in one statement), and a second publication is refused by the meeting's state.
    let landed = |sql: &'static str| {
        let (app, id) = (&app, id.clone());
        async move {
            sqlx::query(sql)
                .bind(id.parse::<i64>().unwrap())
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get::<i64, _>(0)
                .unwrap()
        }
    };
    assert_eq!(landed("SELECT COUNT(*) FROM meetings WHERE id = $1 AND status = 'da_cong_bo' AND published_at IS NOT NULL").await, 1);
    assert_eq!(landed("SELECT COUNT(*) FROM notifications WHERE ref_type = 'meeting' AND ref_id = $1 AND kind = 'hop_cong_bo' AND org_id IS NOT NULL").await, 1);
    assert_eq!(landed("SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.publish' AND target_id = $1 AND actor_account_id IS NOT NULL").await, 1);
    assert_eq!(
        call(&app, &secretary, "publish_meeting", &[("id", &id)])
            .await
            .0,
        422,
        "published already"
    );
    assert_eq!(
        landed("SELECT COUNT(*) FROM notifications WHERE ref_type = 'meeting' AND ref_id = $1")
            .await,
        1,
        "no second notice"
    );

    // The member sees it, with its material, on the home page too.
    let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
    assert_eq!(v["materials"].as_array().unwrap().len(), 1);
    assert_eq!(v["agenda"].as_array().unwrap().len(), 1);
    assert!(
        v["roster"].as_array().unwrap().is_empty(),
        "no attendance sheet for members"
    );
    let next = ok(&app, &member, "next_meetings", &[]).await;
    assert!(next
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"].as_i64().unwrap().to_string() == id));

    // Asks to be excused: a reason is needed; then comments.
    let (s, b) = call(
        &app,
        &member,
        "rsvp",
        &[("id", &id), ("answer", "xin_vang"), ("reason", "  ")],
    )
    .await;
    assert_eq!((s, field_errors(&b)), (422, vec!["reason".to_string()]));
    ok(
        &app,
        &member,
        "rsvp",
        &[
            ("id", &id),
            ("answer", "xin_vang"),
            ("reason", "Đi công tác"),
        ],
    )
    .await;
    ok(
        &app,
        &member,
        "comment",
        &[
            ("id", &id),
            ("body", "Đề nghị bổ sung nội dung về phòng cháy"),
        ],
    )
    .await;
    let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
    assert_eq!(v["me"]["rsvp"], "xin_vang");
    assert_eq!(v["comments"][0]["recorded_by"], Value::Null);

    // The meeting: attendance, a vote with one recorded on behalf, minutes, a task.
    ok(&app, &secretary, "start_meeting", &[("id", &id)]).await;
    let elder = member_id(&app, "0900000006").await.to_string();
    let me = member_id(&app, "0900000001").await.to_string();
    ok(
        &app,
        &secretary,
        "set_attendance",
        &[("id", &id), ("member_id", &me), ("state", "vang_co_ly_do")],
    )
    .await;
    let marked = ok(&app, &secretary, "all_present", &[("id", &id)])
        .await
        .as_i64()
        .unwrap();
    assert!(marked >= 2, "the others are marked present ({marked})");
    let v = ok(&app, &secretary, "meeting", &[("id", &id)]).await;
    let roster = v["roster"].as_array().unwrap();
    let mine = roster
        .iter()
        .find(|r| r["member_id"].as_i64().unwrap().to_string() == me)
        .unwrap();
    assert_eq!(
        mine["attendance"], "vang_co_ly_do",
        "an explicit absence survives 'everyone present'"
    );
    assert!(
        roster
            .iter()
            .filter(|r| r["exempt"] == true)
            .all(|r| r["attendance"] == "mien"),
        "exempt members are preset"
    );

    let motion = ok(
        &app,
        &secretary,
        "open_motion",
        &[
            ("id", &id),
            ("question", "Thông qua kế hoạch học tập chuyên đề"),
        ],
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
    let (s, b) = call(
        &app,
        &member,
        "vote",
        &[
            ("id", &id),
            ("motion_id", &motion),
            ("choice", "y_kien_khac"),
            ("other", " "),
        ],
    )
    .await;
    assert_eq!((s, field_errors(&b)), (422, vec!["other".to_string()]));
    ok(
        &app,
        &member,
        "vote",
        &[
            ("id", &id),
            ("motion_id", &motion),
            ("choice", "khong_dong_y"),
            ("other", ""),
        ],
    )
    .await;
    ok(
        &app,
        &member,
        "vote",
        &[
            ("id", &id),
            ("motion_id", &motion),
            ("choice", "y_kien_khac"),
            ("other", "Cần thêm thời gian"),
        ],
    )
    .await;
    let v = ok(&app, &secretary, "meeting", &[("id", &id)]).await;
    let tally = &v["motions"][0]["tally"];
    assert_eq!(
        (
            tally["agree"].as_i64(),
            tally["disagree"].as_i64(),
            tally["other"].as_i64()
        ),
        (Some(1), Some(0), Some(1)),
        "one vote per member, changeable"
    );
    // The member is marked absent, so the live count is not theirs to see yet.
    let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
    assert_eq!(v["motions"][0]["tally"], Value::Null);
    assert_eq!(v["motions"][0]["my_choice"], "y_kien_khac");
    ok(
        &app,
        &secretary,
        "close_motion",
        &[("id", &id), ("motion_id", &motion)],
    )
    .await;
    let (s, _) = call(
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
    assert_eq!(s, 422, "closed votes stay closed");
    let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
    assert_eq!(
        v["motions"][0]["tally"]["agree"], 1,
        "everyone sees the result once closed"
    );

    // The proxy record is visible as such and is in the audit log.
    let r = sqlx::query(
        "SELECT recorded_by FROM meeting_ballots WHERE motion_id = $1 AND member_id = $2",
    )
    .bind(motion.parse::<i64>().unwrap())
    .bind(elder.parse::<i64>().unwrap())
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        r.try_get::<Option<i64>, _>(0).unwrap(),
        Some(member_id(&app, "0900000002").await)
    );
    let audited: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.vote' AND on_behalf_of = $1",
    )
    .bind(elder.parse::<i64>().unwrap())
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(audited, 1);
    ok(
        &app,
        &secretary,
        "comment",
        &[
            ("id", &id),
            ("body", "Nhất trí với kế hoạch"),
            ("on_behalf", &elder),
        ],
    )
    .await;
    let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
    assert!(
        v["comments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["recorded_by"].is_string()),
        "recorded on behalf by …"
    );

    ok(
        &app,
        &secretary,
        "save_minutes",
        &[
            ("id", &id),
            ("minutes", "Chi bộ đã học tập chuyên đề."),
            ("resolution", "Mỗi đảng viên viết bài thu hoạch."),
        ],
    )
    .await;
    let (s, b) = call(
        &app,
        &secretary,
        "assign_task",
        &[
            ("id", &id),
            ("assignee_id", &me),
            ("task_title", "Viết bài thu hoạch"),
            ("due_date", "2001-01-01"),
        ],
    )
    .await;
    assert_eq!((s, field_errors(&b)), (422, vec!["due_date".to_string()]));
    let due = next_month_day(28);
    ok(
        &app,
        &secretary,
        "assign_task",
        &[
            ("id", &id),
            ("assignee_id", &me),
            ("task_title", "Viết bài thu hoạch"),
            ("due_date", &due),
        ],
    )
    .await;
    // The page shows the task twice: given at this meeting, and open in the cell. The leader's
    // counts (from the attendance sheet) and the member's (counted in SQL) agree.
    let lead = ok(&app, &secretary, "meeting", &[("id", &id)]).await;
    let seen = ok(&app, &member, "meeting", &[("id", &id)]).await;
    let titled = |v: &Value, list: &str| {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["title"] == "Viết bài thu hoạch")
            .count()
    };
    assert_eq!(
        (titled(&seen, "tasks"), titled(&seen, "open_tasks")),
        (1, 1)
    );
    assert!(seen["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["meeting_id"].as_i64().unwrap().to_string() == id));
    assert!(seen["open_tasks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["status"] == "dang_lam"));
    let count = |v: &Value| {
        (
            v["present"].as_i64(),
            v["expected"].as_i64(),
            v["exempt"].as_i64(),
        )
    };
    assert_eq!(count(&lead), count(&seen));
    assert_eq!(
        lead["expected"].as_i64().unwrap() as usize,
        lead["roster"].as_array().unwrap().len()
    );
    assert!(lead["present"].as_i64().unwrap() >= 2);
    let (s, b) = call(
        &app,
        &secretary,
        "finish_meeting",
        &[("id", &id), ("rating", "")],
    )
    .await;
    assert_eq!((s, field_errors(&b)), (422, vec!["rating".to_string()]));
    ok(
        &app,
        &secretary,
        "finish_meeting",
        &[("id", &id), ("rating", "tot")],
    )
    .await;
    let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
    assert_eq!(v["meeting"]["status"], "da_hop");
    assert_eq!(v["minutes"], "Chi bộ đã học tập chuyên đề.");
    assert!(v["present"].as_i64().unwrap() >= 2);

    // The member reports on and completes the task.
    let tasks = ok(&app, &member, "tasks", &[]).await;
    let task = tasks["mine"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Viết bài thu hoạch")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let (s, b) = call(
        &app,
        &member,
        "report_task",
        &[("task_id", &task), ("progress", "150"), ("note", "")],
    )
    .await;
    assert_eq!((s, field_errors(&b)), (422, vec!["progress".to_string()]));
    ok(
        &app,
        &member,
        "report_task",
        &[
            ("task_id", &task),
            ("progress", "50"),
            ("note", "Đã viết một nửa"),
        ],
    )
    .await;
    ok(
        &app,
        &member,
        "report_task",
        &[
            ("task_id", &task),
            ("progress", ""),
            ("note", ""),
            ("done", "true"),
        ],
    )
    .await;
    let tasks = ok(&app, &secretary, "tasks", &[]).await;
    let t = tasks["cell"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == "Viết bài thu hoạch")
        .unwrap();
    assert_eq!(
        (
            t["status"].as_str(),
            t["progress"].as_i64(),
            t["last_note"].as_str()
        ),
        (Some("hoan_thanh"), Some(100), Some("Đã viết một nửa"))
    );
    // Done: still among the meeting's tasks, no longer among the cell's open ones.
    let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
    assert_eq!((titled(&v, "tasks"), titled(&v, "open_tasks")), (1, 0));
});

// The page reads its agenda, materials and opinions in one statement and a member's answer with
// the counts: each part keeps its own order, and a withdrawn document is no longer a material.
on_both_databases!(
    a_meeting_page_keeps_each_part_in_order,
    |app: TestApp| async move {
        seeded(&app).await;
        let secretary = signed_in(&app, "0900000002").await;
        let member = signed_in(&app, "0900000001").await;
        let cell = ok(&app, &secretary, "meetings", &[]).await["run_cells"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let date = next_month_day(14);
        let id = ok(
            &app,
            &secretary,
            "create_meeting",
            &[
                ("org_id", &cell),
                ("kind", "chuyen_de"),
                ("title", "Chuyên đề quý IV"),
                ("date", &date),
                ("start_time", "19:30"),
                ("format", "tai_cho"),
                ("place", "Hội trường"),
                ("link", ""),
            ],
        )
        .await;
        let id = id.as_i64().unwrap().to_string();
        for (title, note) in [
            ("Khai mạc", ""),
            ("Quán triệt nghị quyết", "Đồng chí bí thư trình bày"),
            ("Thảo luận", ""),
        ] {
            ok(
                &app,
                &secretary,
                "add_agenda_item",
                &[("id", &id), ("agenda_title", title), ("note", note)],
            )
            .await;
        }
        let docs = ok(
            &app,
            &secretary,
            "attachable_documents",
            &[("id", &id), ("query", "")],
        )
        .await;
        let docs: Vec<i64> = docs
            .as_array()
            .unwrap()
            .iter()
            .take(2)
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert_eq!(docs.len(), 2, "two documents the cell can read");
        for d in &docs {
            ok(
                &app,
                &secretary,
                "attach_document",
                &[("id", &id), ("document_id", &d.to_string())],
            )
            .await;
        }
        ok(&app, &secretary, "publish_meeting", &[("id", &id)]).await;
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
            &[("id", &id), ("body", "Ý kiến thứ nhất")],
        )
        .await;
        ok(
            &app,
            &secretary,
            "comment",
            &[("id", &id), ("body", "Ý kiến thứ hai")],
        )
        .await;

        // Both attached in the same second (forced: a second may tick between the two calls).
        sqlx::query("UPDATE meeting_documents SET added_at = 1000 WHERE meeting_id = $1")
            .bind(id.parse::<i64>().unwrap())
            .execute(app.db.pool())
            .await
            .unwrap();
        let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
        let texts = |list: &str, key: &str| {
            v[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x[key].as_str().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            texts("agenda", "title"),
            ["Khai mạc", "Quán triệt nghị quyết", "Thảo luận"]
        );
        assert_eq!(v["agenda"][1]["note"], "Đồng chí bí thư trình bày");
        assert_eq!(v["agenda"][0]["note"], Value::Null);
        let materials: Vec<i64> = v["materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["document_id"].as_i64().unwrap())
            .collect();
        let mut by_id = docs.clone();
        by_id.sort();
        assert_eq!(materials, by_id, "attached in the same second: by document");
        assert!(v["materials"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| !m["title"].as_str().unwrap().is_empty()));
        assert_eq!(
            texts("comments", "body"),
            ["Ý kiến thứ nhất", "Ý kiến thứ hai"]
        );
        assert!(v["comments"][0]["created_at"].as_i64().unwrap() > 0);
        assert_eq!(
            (v["me"]["rsvp"].as_str(), v["me"]["attendance"].as_str()),
            (Some("se_den"), None)
        );
        assert_eq!(v["meeting"]["my_rsvp"], "se_den");

        // The leader's page (counts from the sheet) agrees, and finds its own answer on the sheet.
        ok(
            &app,
            &secretary,
            "rsvp",
            &[
                ("id", &id),
                ("answer", "xin_vang"),
                ("reason", "Đi công tác"),
            ],
        )
        .await;
        let lead = ok(&app, &secretary, "meeting", &[("id", &id)]).await;
        let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
        let count = |v: &Value| {
            (
                v["present"].as_i64(),
                v["expected"].as_i64(),
                v["exempt"].as_i64(),
            )
        };
        assert_eq!(count(&lead), count(&v));
        assert_eq!(
            (
                lead["me"]["rsvp"].as_str(),
                lead["me"]["rsvp_reason"].as_str()
            ),
            (Some("xin_vang"), Some("Đi công tác"))
        );

        // In the order attached: the later one an hour later.
        sqlx::query("UPDATE meeting_documents SET added_at = added_at + 3600 WHERE meeting_id = $1 AND document_id = $2").bind(id.parse::<i64>().unwrap()).bind(by_id[0]).execute(app.db.pool()).await.unwrap();
        let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
        let materials: Vec<i64> = v["materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["document_id"].as_i64().unwrap())
            .collect();
        assert_eq!(materials, [by_id[1], by_id[0]], "in the order attached");

        // A withdrawn document stays attached but is no longer listed.
        sqlx::query("UPDATE documents SET status = 'withdrawn' WHERE id = $1")
            .bind(docs[0])
            .execute(app.db.pool())
            .await
            .unwrap();
        let v = ok(&app, &member, "meeting", &[("id", &id)]).await;
        let materials: Vec<i64> = v["materials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["document_id"].as_i64().unwrap())
            .collect();
        assert_eq!(materials, [docs[1]]);
    }
);

on_both_databases!(other_cells_cannot_see_or_act, |app: TestApp| async move {
    seeded(&app).await;
    let secretary = signed_in(&app, "0900000002").await;
    let cell = ok(&app, &secretary, "meetings", &[]).await["run_cells"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let date = next_month_day(10);
    let id = ok(
        &app,
        &secretary,
        "create_meeting",
        &[
            ("org_id", &cell),
            ("kind", "bat_thuong"),
            ("title", "Họp bất thường"),
            ("date", &date),
            ("start_time", "08:00"),
            ("format", "truc_tuyen"),
            ("place", ""),
            ("link", "https://hop.example.vn/kp1"),
        ],
    )
    .await
    .as_i64()
    .unwrap()
    .to_string();
    ok(&app, &secretary, "publish_meeting", &[("id", &id)]).await;
    ok(&app, &secretary, "start_meeting", &[("id", &id)]).await;
    let motion = ok(
        &app,
        &secretary,
        "open_motion",
        &[("id", &id), ("question", "Biểu quyết")],
    )
    .await
    .as_i64()
    .unwrap()
    .to_string();
    let task = ok(
        &app,
        &secretary,
        "assign_task",
        &[
            ("id", &id),
            (
                "assignee_id",
                &member_id(&app, "0900000001").await.to_string(),
            ),
            ("task_title", "Việc"),
            ("due_date", &date),
        ],
    )
    .await
    .as_i64()
    .unwrap()
    .to_string();
    let insider = member_id(&app, "0900000001").await.to_string();

    // 0900000005 is a member of another ward's cell; 0900000003 is in another cell of the same ward.
    for phone in ["0900000005", "0900000004"] {
        let outsider = signed_in(&app, phone).await;
        let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("meeting", vec![("id", &id)]),
            (
                "update_meeting",
                vec![
                    ("id", &id),
                    ("title", "x"),
                    ("date", &date),
                    ("start_time", "08:00"),
                    ("format", "truc_tuyen"),
                    ("place", ""),
                    ("link", "https://a.vn/x"),
                ],
            ),
            (
                "add_agenda_item",
                vec![("id", &id), ("agenda_title", "x"), ("note", "")],
            ),
            ("remove_agenda_item", vec![("id", &id), ("item_id", "1")]),
            ("attachable_documents", vec![("id", &id), ("query", "")]),
            ("attach_document", vec![("id", &id), ("document_id", "1")]),
            ("detach_document", vec![("id", &id), ("document_id", "1")]),
            ("publish_meeting", vec![("id", &id)]),
            ("start_meeting", vec![("id", &id)]),
            ("finish_meeting", vec![("id", &id), ("rating", "tot")]),
            (
                "rsvp",
                vec![("id", &id), ("answer", "se_den"), ("reason", "")],
            ),
            ("comment", vec![("id", &id), ("body", "x")]),
            (
                "set_attendance",
                vec![("id", &id), ("member_id", &insider), ("state", "co_mat")],
            ),
            ("all_present", vec![("id", &id)]),
            ("open_motion", vec![("id", &id), ("question", "x")]),
            ("close_motion", vec![("id", &id), ("motion_id", &motion)]),
            (
                "vote",
                vec![
                    ("id", &id),
                    ("motion_id", &motion),
                    ("choice", "dong_y"),
                    ("other", ""),
                ],
            ),
            (
                "save_minutes",
                vec![("id", &id), ("minutes", "x"), ("resolution", "")],
            ),
            (
                "assign_task",
                vec![
                    ("id", &id),
                    ("assignee_id", &insider),
                    ("task_title", "x"),
                    ("due_date", &date),
                ],
            ),
        ];
        for (endpoint, form) in calls {
            let (s, b) = call(&app, &outsider, endpoint, &form).await;
            assert_eq!(s, 404, "{phone} {endpoint}: {b}");
        }
        let (s, _) = call(
            &app,
            &outsider,
            "report_task",
            &[("task_id", &task), ("progress", "10"), ("note", "")],
        )
        .await;
        assert_eq!(s, 404, "{phone} report_task");
        let (s, _) = call(
            &app,
            &outsider,
            "create_meeting",
            &[
                ("org_id", &cell),
                ("kind", "chuyen_de"),
                ("title", "x"),
                ("date", &date),
                ("start_time", "08:00"),
                ("format", "truc_tuyen"),
                ("place", ""),
                ("link", "https://a.vn/x"),
            ],
        )
        .await;
        assert_eq!(s, 403, "{phone} create_meeting");
        let (s, _) = call(
            &app,
            &outsider,
            "set_schedule",
            &[
                ("org_id", &cell),
                ("rule_kind", "am"),
                ("day", "16"),
                ("start_time", "19:00"),
                ("place", ""),
            ],
        )
        .await;
        assert_eq!(s, 403, "{phone} set_schedule");
        let list = ok(&app, &outsider, "meetings", &[]).await;
        assert!(!list["upcoming"].as_array().unwrap().iter().any(|m| m["id"]
            .as_i64()
            .unwrap()
            .to_string()
            == id));
        let tasks = ok(&app, &outsider, "tasks", &[]).await;
        assert!(tasks["cell"].as_array().unwrap().is_empty());
    }
    // A member of the cell may see but not run it, nor record for others.
    let member = signed_in(&app, "0900000001").await;
    assert_eq!(
        call(
            &app,
            &member,
            "open_motion",
            &[("id", &id), ("question", "x")]
        )
        .await
        .0,
        403
    );
    assert_eq!(
        call(
            &app,
            &member,
            "set_attendance",
            &[("id", &id), ("member_id", &insider), ("state", "co_mat")]
        )
        .await
        .0,
        403
    );
    let elder = member_id(&app, "0900000006").await.to_string();
    assert_eq!(
        call(
            &app,
            &member,
            "vote",
            &[
                ("id", &id),
                ("motion_id", &motion),
                ("choice", "dong_y"),
                ("other", ""),
                ("on_behalf", &elder)
            ]
        )
        .await
        .0,
        403
    );
    assert_eq!(
        call(&app, &member, "meeting_overview", &[("month", "")])
            .await
            .0,
        403
    );
    // Signed out: nothing.
    assert_eq!(
        call(&app, &client(), "meeting", &[("id", &id)]).await.0,
        401
    );
});

on_both_databases!(
    monthly_opening_is_idempotent_and_follows_the_rule,
    |app: TestApp| async move {
        seeded(&app).await;
        use app::domain::meeting::Month;
        let cells: i64 = sqlx::query(
            "SELECT COUNT(*) FROM organizations WHERE kind IN ('chi_bo', 'chi_bo_co_so')",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        // A fishing cell meets on the 16th lunar day.
        let secretary = signed_in(&app, "0900000002").await;
        let cell = ok(&app, &secretary, "meetings", &[]).await["run_cells"][0]["id"]
            .as_i64()
            .unwrap();
        let (s, b) = call(
            &app,
            &secretary,
            "set_schedule",
            &[
                ("org_id", &cell.to_string()),
                ("rule_kind", "am"),
                ("day", "31"),
                ("start_time", "19:00"),
                ("place", ""),
            ],
        )
        .await;
        assert_eq!((s, field_errors(&b)), (422, vec!["day".to_string()]));
        ok(
            &app,
            &secretary,
            "set_schedule",
            &[
                ("org_id", &cell.to_string()),
                ("rule_kind", "am"),
                ("day", "16"),
                ("start_time", "18:00"),
                ("place", "Bến cá"),
            ],
        )
        .await;
        let month = Month::parse("2025-08").unwrap();
        let now = app::platform::clock::now_unix();
        let first = app::meetings::service::open_month(&app.db, month, now)
            .await
            .unwrap();
        assert_eq!(first as i64, cells);
        let again = app::meetings::service::open_month(&app.db, month, now)
            .await
            .unwrap();
        assert_eq!(again, 0, "running it twice creates nothing new");
        let r = sqlx::query("SELECT meeting_date, start_time, place, status FROM meetings WHERE org_id = $1 AND period = '2025-08'").bind(cell).fetch_one(app.db.pool()).await.unwrap();
        assert_eq!(
            r.try_get::<String, _>(0).unwrap(),
            "2025-08-09",
            "16th day of the sixth lunar month (leap), 2025"
        );
        assert_eq!(r.try_get::<String, _>(1).unwrap(), "18:00");
        assert_eq!(
            r.try_get::<Option<String>, _>(2).unwrap().as_deref(),
            Some("Bến cá")
        );
        assert_eq!(r.try_get::<String, _>(3).unwrap(), "du_thao");
        let other: String = sqlx::query(
            "SELECT meeting_date FROM meetings WHERE org_id <> $1 AND period = '2025-08' LIMIT 1",
        )
        .bind(cell)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(other, "2025-08-05", "the default rule");
        // A leader "creating" the month's periodic meeting updates the opened one.
        let id = ok(
            &app,
            &secretary,
            "create_meeting",
            &[
                ("org_id", &cell.to_string()),
                ("kind", "thuong_ky"),
                ("title", ""),
                ("date", "2025-08-20"),
                ("start_time", "19:30"),
                ("format", "tai_cho"),
                ("place", "Nhà văn hóa"),
                ("link", ""),
            ],
        )
        .await;
        let n: i64 =
            sqlx::query("SELECT COUNT(*) FROM meetings WHERE org_id = $1 AND period = '2025-08'")
                .bind(cell)
                .fetch_one(app.db.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(n, 1);
        let v = ok(&app, &secretary, "meeting", &[("id", &id.to_string())]).await;
        assert_eq!(v["meeting"]["date"], "2025-08-20");
        // A periodic meeting stays in its month.
        let (s, b) = call(
            &app,
            &secretary,
            "update_meeting",
            &[
                ("id", &id.to_string()),
                ("title", ""),
                ("date", "2025-09-02"),
                ("start_time", "19:30"),
                ("format", "tai_cho"),
                ("place", "Nhà văn hóa"),
                ("link", ""),
            ],
        )
        .await;
        assert_eq!((s, field_errors(&b)), (422, vec!["date".to_string()]));
    }
);

on_both_databases!(
    demo_meetings_and_the_committee_overview,
    |app: TestApp| async move {
        seeded(&app).await;
        let today = app::platform::clock::today_vn();
        let report = app::meetings::seed::seed(&app.db, today, app::platform::clock::now_unix())
            .await
            .unwrap();
        let cells: i64 = sqlx::query(
            "SELECT COUNT(*) FROM organizations WHERE kind IN ('chi_bo', 'chi_bo_co_so')",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(
            report.meetings as i64,
            2 * cells,
            "last month's and this month's for every cell"
        );
        assert!(report.tasks > 0);
        let member = signed_in(&app, "0900000001").await;
        let list = ok(&app, &member, "meetings", &[]).await;
        let upcoming = list["upcoming"].as_array().unwrap();
        assert_eq!(upcoming.len(), 1, "{list}");
        assert!(
            upcoming[0]["date"].as_str().unwrap() >= today.iso().as_str(),
            "this month's is still ahead"
        );
        let v = ok(
            &app,
            &member,
            "meeting",
            &[("id", &upcoming[0]["id"].as_i64().unwrap().to_string())],
        )
        .await;
        assert_eq!(v["agenda"].as_array().unwrap().len(), 3);
        assert_eq!(v["materials"].as_array().unwrap().len(), 2);
        let past = list["past"].as_array().unwrap();
        assert_eq!(past.len(), 1);
        let held = ok(
            &app,
            &member,
            "meeting",
            &[("id", &past[0]["id"].as_i64().unwrap().to_string())],
        )
        .await;
        assert!(
            held["minutes"].is_string()
                && held["resolution"].is_string()
                && held["meeting"]["rating"].is_string()
        );
        assert_eq!(held["motions"][0]["open"], false);
        assert!(held["motions"][0]["tally"]["agree"].as_i64().unwrap() > 0);

        // The ward admin sees every cell of the ward, with ratings and attendance rates.
        let admin = signed_in(&app, "0900000003").await;
        let last = app::domain::meeting::Month::of(today).previous().code();
        let o = ok(&app, &admin, "meeting_overview", &[("month", &last)]).await;
        let rows = o["cells"].as_array().unwrap();
        let in_ward: i64 = {
            let ward_path: String = sqlx::query("SELECT p.path FROM members m JOIN organizations c ON c.id = m.org_id JOIN organizations p ON p.id = c.parent_id WHERE m.phone = '0900000001'").fetch_one(app.db.pool()).await.unwrap().try_get(0).unwrap();
            sqlx::query("SELECT COUNT(*) FROM organizations WHERE kind IN ('chi_bo', 'chi_bo_co_so') AND path LIKE $1").bind(format!("{ward_path}%")).fetch_one(app.db.pool()).await.unwrap().try_get(0).unwrap()
        };
        assert_eq!(rows.len() as i64, in_ward.min(100));
        assert!(rows
            .iter()
            .all(|r| r["status"] == "da_hop" && r["rating"].is_string()));
        assert!(rows.iter().all(|r| r["rate"]
            .as_i64()
            .map(|x| (0..=100).contains(&x))
            .unwrap_or(r["expected"] == 0)));
        let (s, b) = call(&app, &admin, "meeting_overview", &[("month", "2026-13")]).await;
        assert_eq!((s, field_errors(&b)), (422, vec!["month".to_string()]));
    }
);
