//! SMS for members without a smartphone, on both databases: notices go exactly to the members of
//! the meeting's cell the secretary marked (and who have a number), once, however often they are
//! queued and however many servers send; a signed reply records the member's own answer, marked
//! as given by SMS; an unsigned, stale or replayed one changes nothing; other replies wait on the
//! secretary's list; the monthly cap holds. The provider is a local HTTP server standing in for a
//! brand-name SMS API.
use crate::common;
use app::sms::provider::{Provider, SmsConfig};
use common::{call, signed_in, TestApp};
use serde_json::Value;
use std::sync::{Arc, Mutex};

const SECRET: &str = "bi-mat-webhook-thu-nghiem";

/// The inbound secret, process-wide (the handler reads the environment per request).
fn inbound_secret() {
    static SET: std::sync::Once = std::sync::Once::new();
    SET.call_once(|| std::env::set_var("SOTAY_SMS_INBOUND_SECRET", SECRET));
}

/// A provider's HTTP API on an ephemeral port; returns its URL and the requests it received.
async fn provider() -> (String, Arc<Mutex<Vec<(String, Value)>>>) {
    use axum::{extract::State, http::HeaderMap, routing::post, Json, Router};
    let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let app = Router::new()
        .route(
            "/send",
            post(
                |State(seen): State<Arc<Mutex<Vec<(String, Value)>>>>,
                 headers: HeaderMap,
                 Json(body): Json<Value>| async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    seen.lock().unwrap().push((auth, body));
                    "OK"
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/send"), seen)
}

/// 10:00 today in Vietnam: inside the sending window.
fn mid_morning() -> i64 {
    let now = app::platform::clock::now_unix();
    now - (now + 7 * 3600).rem_euclid(86_400) + 10 * 3600
}

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

async fn reply(
    app: &TestApp,
    id: &str,
    from: &str,
    text: &str,
    signature: Option<String>,
    timestamp: i64,
) -> (u16, Value) {
    let body = serde_json::json!({ "id": id, "from": from, "text": text }).to_string();
    let ts = timestamp.to_string();
    let sig = signature.unwrap_or_else(|| app::domain::sms::sign(SECRET, &ts, body.as_bytes()));
    let res = common::client()
        .post(app.url("/sms/tra-loi"))
        .header("x-sotay-timestamp", &ts)
        .header("x-sotay-signature", sig)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn next_month_day(day: u32) -> String {
    let m = app::domain::meeting::Month::of(app::platform::clock::today_vn()).next();
    format!("{:04}-{:02}-{:02}", m.year, m.month, day)
}

on_both_databases!(notices_answers_and_the_cap, |app: TestApp| async move {
    inbound_secret();
    app::register::seed::seed(&app.db, 300).await.unwrap();
    let secretary = signed_in(&app, "0900000002").await;
    let list = ok(&app, &secretary, "meetings", &[]).await;
    let cell = list["run_cells"][0]["id"].as_i64().unwrap();
    // Two members of the secretary's cell without a smartphone: one with a number, one without;
    // and one in another cell (marked directly), who must get nothing from this cell's meetings.
    let members: Vec<(i64, Option<String>)> = sqlx::query_as("SELECT id, phone FROM members WHERE org_id = $1 AND exempt_since IS NULL AND phone IS NOT NULL AND position IS NULL ORDER BY id")
        .bind(cell)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    let (texted, phone) = (members[0].0, members[0].1.clone().unwrap());
    let unreachable = members[1].0;
    sqlx::query("UPDATE members SET phone = NULL WHERE id = $1")
        .bind(unreachable)
        .execute(app.db.pool())
        .await
        .unwrap();
    for m in [texted, unreachable] {
        ok(
            &app,
            &secretary,
            "set_no_smartphone",
            &[("member_id", &m.to_string()), ("value", "true")],
        )
        .await;
    }
    sqlx::query("UPDATE members SET no_smartphone = 1 WHERE id = (SELECT MIN(id) FROM members WHERE org_id <> $1 AND phone IS NOT NULL)").bind(cell).execute(app.db.pool()).await.unwrap();
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'member.no_smartphone'"
        )
        .await,
        2
    );
    // Only the cell's leadership marks its members.
    let member = signed_in(&app, "0900000001").await;
    assert_eq!(
        call(
            &app,
            &member,
            "set_no_smartphone",
            &[("member_id", &texted.to_string()), ("value", "false")]
        )
        .await
        .0,
        403
    );

    // The secretary's list of whom SMS reaches and whom to visit.
    let phones = ok(
        &app,
        &secretary,
        "cell_phones",
        &[("org_id", &cell.to_string())],
    )
    .await;
    let marked: Vec<&Value> = phones
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["no_smartphone"] == true)
        .collect();
    assert_eq!(marked.len(), 2);
    assert!(marked.iter().any(|m| m["phone"].is_null()));
    assert_eq!(
        call(
            &app,
            &member,
            "cell_phones",
            &[("org_id", &cell.to_string())]
        )
        .await
        .0,
        403
    );

    // Publishing queues exactly one notice: the marked member of this cell with a number.
    let cell_s = cell.to_string();
    let date = next_month_day(12);
    let meeting = ok(
        &app,
        &secretary,
        "create_meeting",
        &[
            ("org_id", &cell_s),
            ("kind", "chuyen_de"),
            ("title", "Học tập chuyên đề"),
            ("date", &date),
            ("start_time", "19:30"),
            ("format", "tai_cho"),
            ("place", "Nhà văn hóa khu phố 1"),
            ("link", ""),
        ],
    )
    .await;
    let meeting = meeting.as_i64().unwrap();
    ok(
        &app,
        &secretary,
        "publish_meeting",
        &[("id", &meeting.to_string())],
    )
    .await;
    let queued: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT member_id, phone, body FROM sms_messages")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!((queued[0].0, queued[0].1.clone()), (texted, phone.clone()));
    assert!(
        queued[0].2.contains("19:30")
            && queued[0].2.contains("Tra loi 1")
            && queued[0].2.chars().count() <= 160,
        "{}",
        queued[0].2
    );
    // Queued again (a restart, a second server): still once.
    let mut conn = app.db.pool().acquire().await.unwrap();
    assert_eq!(
        app::sms::service::enqueue_meeting(
            &mut conn,
            meeting,
            false,
            None,
            app::platform::clock::now_unix()
        )
        .await
        .unwrap(),
        0
    );
    drop(conn);

    // Two servers sending at once: the provider gets it once.
    let (url, seen) = provider().await;
    let config = SmsConfig {
        provider: Provider::Http {
            url,
            account: "so-tay".into(),
            key: "khoa-api".into(),
        },
        ascii: true,
        monthly_cap: 10,
        inbound_secret: None,
    };
    let client = app::sms::provider::http_client();
    let now = mid_morning();
    let (a, b) = tokio::join!(
        app::sms::service::send_due(&app.db, &config, &client, now, 50),
        app::sms::service::send_due(&app.db, &config, &client, now, 50)
    );
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 1);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0, "Bearer khoa-api");
        assert_eq!(seen[0].1["to"], phone.as_str());
        assert_eq!(seen[0].1["account"], "so-tay");
    }
    // At night nothing goes.
    assert_eq!(
        app::sms::service::send_due(&app.db, &config, &client, now + 12 * 3600, 50)
            .await
            .unwrap(),
        Default::default()
    );

    // A signed "1" records the member's own answer, marked as by SMS.
    let ts = app::platform::clock::now_unix();
    let (s, b) = reply(&app, "msg-1", &phone, "1", None, ts).await;
    assert_eq!((s, b["outcome"].as_str()), (200, Some("recorded")), "{b}");
    let (rsvp, channel, by): (String, Option<String>, Option<i64>) = sqlx::query_as("SELECT rsvp, rsvp_channel, rsvp_recorded_by FROM meeting_attendance WHERE meeting_id = $1 AND member_id = $2").bind(meeting).bind(texted).fetch_one(app.db.pool()).await.unwrap();
    assert_eq!(
        (rsvp.as_str(), channel.as_deref(), by),
        ("se_den", Some("sms"), None)
    );
    // The same message again (a replay), unsigned, badly signed or stale: nothing changes.
    let (s, b) = reply(&app, "msg-1", &phone, "2", None, ts).await;
    assert_eq!((s, b["outcome"].as_str()), (200, Some("replayed")));
    assert_eq!(
        reply(&app, "msg-2", &phone, "2", Some(String::new()), ts)
            .await
            .0,
        401
    );
    assert_eq!(
        reply(&app, "msg-3", &phone, "2", Some("0".repeat(64)), ts)
            .await
            .0,
        401
    );
    assert_eq!(
        reply(&app, "msg-4", &phone, "2", None, ts - 3600).await.0,
        401
    );
    let rsvp: String = sqlx::query_scalar(
        "SELECT rsvp FROM meeting_attendance WHERE meeting_id = $1 AND member_id = $2",
    )
    .bind(meeting)
    .bind(texted)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(rsvp, "se_den");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM sms_inbound").await, 1);

    // "2" changes the answer to excused; something else waits on the secretary's list.
    let (_, b) = reply(&app, "msg-5", &phone, "2", None, ts).await;
    assert_eq!(b["outcome"], "recorded");
    let (_, b) = reply(
        &app,
        "msg-6",
        &phone,
        "Tôi bị ốm, nhờ đồng chí báo giúp",
        None,
        ts,
    )
    .await;
    assert_eq!(b["outcome"], "unmatched");
    let replies = ok(&app, &secretary, "sms_replies", &[]).await;
    assert_eq!(replies.as_array().unwrap().len(), 1, "{replies}");
    assert!(replies[0]["body"].as_str().unwrap().contains("bị ốm"));
    let reply_id = replies[0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        call(&app, &member, "sms_reply_handled", &[("id", &reply_id)])
            .await
            .0,
        404,
        "not the member's to handle"
    );
    ok(&app, &secretary, "sms_reply_handled", &[("id", &reply_id)]).await;
    assert_eq!(
        ok(&app, &secretary, "sms_replies", &[])
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // The cap: with one message a month, the next notice is not sent (and counted as refused).
    let meeting2 = ok(
        &app,
        &secretary,
        "create_meeting",
        &[
            ("org_id", &cell_s),
            ("kind", "chuyen_de"),
            ("title", "Chuyên đề hai"),
            ("date", &next_month_day(20)),
            ("start_time", "08:00"),
            ("format", "tai_cho"),
            ("place", "Hội trường"),
            ("link", ""),
        ],
    )
    .await;
    ok(
        &app,
        &secretary,
        "publish_meeting",
        &[("id", &meeting2.as_i64().unwrap().to_string())],
    )
    .await;
    let capped = SmsConfig {
        monthly_cap: 1,
        ..config.clone()
    };
    let r = app::sms::service::send_due(&app.db, &capped, &client, now, 50)
        .await
        .unwrap();
    assert_eq!((r.sent, r.over_cap), (0, 1));
    assert_eq!(seen.lock().unwrap().len(), 1);
    let usage = ok(&app, &secretary, "sms_usage", &[]).await;
    assert_eq!(
        (
            usage["sent"].as_i64(),
            usage["refused"].as_i64(),
            usage["at_cap"].as_i64(),
            usage["cap"].as_i64()
        ),
        (Some(1), Some(1), Some(0), Some(300)),
        "{usage}"
    );
    let row = usage["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["org_id"] == cell)
        .cloned()
        .unwrap_or_else(|| panic!("{usage}"));
    assert_eq!(
        (row["sent"].as_i64(), row["refused"].as_i64()),
        (Some(1), Some(1))
    );
});

#[tokio::test]
async fn a_signed_body_that_is_not_a_reply_is_refused() {
    // A body that is not a reply, even signed, and the wrong method never reach the database.
    inbound_secret();
    let app = common::spawn(common::Backend::Sqlite).await.unwrap();
    let ts = app::platform::clock::now_unix().to_string();
    let body = "not json";
    let sig = app::domain::sms::sign(SECRET, &ts, body.as_bytes());
    let res = common::client()
        .post(app.url("/sms/tra-loi"))
        .header("x-sotay-timestamp", &ts)
        .header("x-sotay-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let res = common::client()
        .get(app.url("/sms/tra-loi"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 405);
}
