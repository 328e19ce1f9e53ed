//! Notification settings, reminders and Web Push on both databases. Push goes to a local push
//! service on 127.0.0.1 that checks the VAPID signature (ES256 over the JWT, with the `p256`
//! crate) and decrypts the payload with the subscription's private key (the `ece` crate, an
//! implementation independent of the one sending), and answers 201, 410 or 429 by endpoint.
use crate::common;
use app::notifications::push;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{call, signed_in, TestApp};
use serde_json::Value;
use std::sync::{Arc, Mutex};

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

/// Every group on, quiet hours off: pushes go at any hour the test happens to run.
const ALL_ON: &[(&str, &str)] = &[
    ("push_van_ban", "on"),
    ("push_tin_tuc", "on"),
    ("push_sinh_hoat", "on"),
    ("push_nhiem_vu", "on"),
    ("push_nhac_doc", "on"),
    ("push_gia_nhap", "on"),
    ("quiet_start", "21:00"),
    ("quiet_end", "06:00"),
];

on_both_databases!(settings_are_kept_and_checked, |app: TestApp| async move {
    app::register::seed::seed(&app.db, 300).await.unwrap();
    let member = signed_in(&app, "0900000001").await;
    let s = ok(&app, &member, "notification_settings", &[]).await;
    assert_eq!(
        (
            s["quiet_enabled"].as_bool(),
            s["quiet_start"].as_str(),
            s["quiet_end"].as_str()
        ),
        (Some(true), Some("21:00"), Some("06:00")),
        "quiet nights by default"
    );
    assert_eq!(s["groups_off"].as_array().unwrap().len(), 0);
    assert_eq!(s["is_leader"], false);
    let key = URL_SAFE_NO_PAD
        .decode(s["push_key"].as_str().unwrap())
        .unwrap();
    assert_eq!((key.len(), key[0]), (65, 4), "an uncompressed P-256 point");
    // Bad times name their field; nothing is saved.
    let (st, b) = call(
        &app,
        &member,
        "save_notification_settings",
        &[
            ("quiet_enabled", "on"),
            ("quiet_start", "25:00"),
            ("quiet_end", "6h"),
        ],
    )
    .await;
    assert_eq!(st, 422, "{b}");
    assert_eq!(b["Invalid"][0]["field"], "quiet_start");
    assert_eq!(b["Invalid"][0]["key"], "err_time_format");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM notification_settings").await,
        0
    );
    // News and meetings off (absent checkboxes), quiet 22:00–05:30.
    ok(
        &app,
        &member,
        "save_notification_settings",
        &[
            ("push_van_ban", "on"),
            ("push_nhiem_vu", "on"),
            ("push_nhac_doc", "on"),
            ("push_gia_nhap", "on"),
            ("quiet_enabled", "on"),
            ("quiet_start", "22:00"),
            ("quiet_end", "5:30"),
        ],
    )
    .await;
    let s = ok(&app, &member, "notification_settings", &[]).await;
    assert_eq!(s["groups_off"], serde_json::json!(["tin_tuc", "sinh_hoat"]));
    assert_eq!(
        (s["quiet_start"].as_str(), s["quiet_end"].as_str()),
        (Some("22:00"), Some("05:30"))
    );
    // The same key on every call (kept, not regenerated).
    assert_eq!(
        ok(&app, &member, "notification_settings", &[]).await["push_key"],
        s["push_key"]
    );
    // Subscriptions: https only (http only where the operator allows it), real keys only.
    let (st, _) = call(
        &app,
        &member,
        "push_subscribe",
        &[
            ("endpoint", "ftp://x/y"),
            ("p256dh", "AAAA"),
            ("auth", "AAAA"),
        ],
    )
    .await;
    assert_eq!(st, 422);
    assert_eq!(
        call(
            &app,
            &common::client(),
            "push_subscribe",
            &[("endpoint", "https://x/y"), ("p256dh", "A"), ("auth", "A")]
        )
        .await
        .0,
        401
    );
    // Data saver is a display preference: saved on the account.
    ok(
        &app,
        &member,
        "preferences",
        &[
            ("text_size", "large"),
            ("simple_mode", "false"),
            ("data_saver", "true"),
        ],
    )
    .await;
    assert_eq!(
        ok(&app, &member, "session", &[]).await["prefs"]["data_saver"],
        true
    );
    assert_eq!(
        ok(&app, &member, "offline_pages", &[]).await,
        serde_json::json!([]),
        "no prefetch under data saver"
    );
});

on_both_databases!(
    reminders_go_once_to_those_who_have_not_acted,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let secretary = signed_in(&app, "0900000002").await;
        let member = signed_in(&app, "0900000001").await;
        let cell = ok(&app, &secretary, "meetings", &[]).await["run_cells"][0]["id"]
            .as_i64()
            .unwrap();
        let m = app::domain::meeting::Month::of(app::platform::clock::today_vn()).next();
        let date = format!("{:04}-{:02}-12", m.year, m.month);
        let id = ok(
            &app,
            &secretary,
            "create_meeting",
            &[
                ("org_id", &cell.to_string()),
                ("kind", "chuyen_de"),
                ("title", "Học tập chuyên đề"),
                ("date", &date),
                ("start_time", "19:30"),
                ("format", "tai_cho"),
                ("place", "Nhà văn hóa"),
                ("link", ""),
            ],
        )
        .await
        .as_i64()
        .unwrap();
        ok(
            &app,
            &secretary,
            "publish_meeting",
            &[("id", &id.to_string())],
        )
        .await;
        // The member answers "attending"; another sends apologies.
        ok(
            &app,
            &member,
            "rsvp",
            &[
                ("id", &id.to_string()),
                ("answer", "se_den"),
                ("reason", ""),
            ],
        )
        .await;
        let excused: i64 = scalar(&app, &format!("SELECT id FROM members WHERE org_id = {cell} AND exempt_since IS NULL AND phone IS NULL ORDER BY id LIMIT 1")).await;
        ok(
            &app,
            &secretary,
            "rsvp",
            &[
                ("id", &id.to_string()),
                ("answer", "xin_vang"),
                ("reason", "Ốm"),
                ("on_behalf", &excused.to_string()),
            ],
        )
        .await;
        let me: i64 = scalar(&app, "SELECT id FROM members WHERE phone = '0900000001'").await;
        let expected: i64 = scalar(
            &app,
            &format!("SELECT COUNT(*) FROM members WHERE org_id = {cell} AND exempt_since IS NULL"),
        )
        .await;
        let start = app::meetings::reminders::start_unix(&date, "19:30").unwrap();
        // Two days before: nothing yet.
        assert_eq!(
            app::meetings::reminders::run(&app.db, start - 2 * 86_400)
                .await
                .unwrap(),
            0
        );
        // The day before: everyone expected who has not answered (not the member, not the excused).
        let sent = app::meetings::reminders::run(&app.db, start - 5 * 3600)
            .await
            .unwrap();
        assert_eq!(sent as i64, expected - 2);
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM notifications WHERE kind = \'nhac_hop\' AND ref_id = {id} AND member_id = {me}")).await, 0);
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM notifications WHERE kind = \'nhac_hop\' AND ref_id = {id} AND member_id = {excused}")).await, 0);
        // Running again (another server, a restart) sends nothing twice.
        assert_eq!(
            app::meetings::reminders::run(&app.db, start - 5 * 3600 + 60)
                .await
                .unwrap(),
            0
        );
        // The hour before: everyone but those who sent apologies, the member included.
        let sent = app::meetings::reminders::run(&app.db, start - 1800)
            .await
            .unwrap();
        assert_eq!(sent as i64, expected - 1);
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM notifications WHERE kind = \'nhac_hop\' AND ref_id = {id} AND member_id = {me}")).await, 1);
        assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM notifications WHERE kind = \'nhac_hop\' AND ref_id = {id} AND member_id = {excused}")).await, 0);
        let p = ok(&app, &member, "notifications", &[]).await;
        assert_eq!(
            (
                p["items"][0]["kind"].as_str(),
                p["items"][0]["href"].as_str()
            ),
            (Some("nhac_hop"), Some(format!("/sinh-hoat/{id}").as_str()))
        );

        // Tasks: due tomorrow, then overdue, to the assignee only, once each; nothing once done.
        ok(
            &app,
            &secretary,
            "start_meeting",
            &[("id", &id.to_string())],
        )
        .await;
        let due = format!("{:04}-{:02}-20", m.year, m.month);
        ok(
            &app,
            &secretary,
            "assign_task",
            &[
                ("id", &id.to_string()),
                ("assignee_id", &me.to_string()),
                ("task_title", "Viết thu hoạch"),
                ("due_date", &due),
            ],
        )
        .await;
        let due_start = app::meetings::reminders::start_unix(&due, "00:00").unwrap();
        assert_eq!(
            app::meetings::reminders::run(&app.db, due_start - 86_400 - 3600)
                .await
                .unwrap(),
            0,
            "two days ahead"
        );
        assert_eq!(
            app::meetings::reminders::run(&app.db, due_start - 3600)
                .await
                .unwrap(),
            1,
            "the day before"
        );
        assert_eq!(
            app::meetings::reminders::run(&app.db, due_start - 1800)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            app::meetings::reminders::run(&app.db, due_start + 86_400 + 3600)
                .await
                .unwrap(),
            1,
            "overdue"
        );
        assert_eq!(
            app::meetings::reminders::run(&app.db, due_start + 3 * 86_400)
                .await
                .unwrap(),
            0
        );
        let kinds: Vec<String> = sqlx::query_scalar(
            "SELECT kind FROM notifications WHERE ref_type = 'task' AND member_id = $1 ORDER BY id",
        )
        .bind(me)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        assert_eq!(
            kinds,
            ["nhiem_vu_giao", "nhiem_vu_sap_han", "nhiem_vu_qua_han"]
        );
    }
);

/// What the local push service received.
#[derive(Clone, Debug)]
struct Received {
    device: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct PushService {
    received: Arc<Mutex<Vec<Received>>>,
}

async fn push_endpoint(
    State(svc): State<PushService>,
    Path(device): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let mut received = svc.received.lock().unwrap();
    let earlier = received.iter().filter(|r| r.device == device).count();
    received.push(Received {
        device: device.clone(),
        headers,
        body: body.to_vec(),
    });
    match device.as_str() {
        "gone" => StatusCode::GONE,
        // Busy the first time, then fine: the worker must come back later.
        "busy" if earlier == 0 => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::CREATED,
    }
}

async fn start_push_service() -> (String, PushService) {
    let svc = PushService::default();
    let router = axum::Router::new()
        .route("/push/{device}", axum::routing::post(push_endpoint))
        .with_state(svc.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), svc)
}

/// A browser's push subscription: its key pair and auth secret, as `ece` makes them.
struct Browser {
    keys: Box<dyn ece::crypto::LocalKeyPair>,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        let (keys, auth) = ece::generate_keypair_and_auth_secret().unwrap();
        Browser { keys, auth }
    }
    fn p256dh(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.keys.pub_as_raw().unwrap())
    }
    fn auth(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.auth)
    }
    fn decrypt(&self, body: &[u8]) -> Value {
        let plain = ece::decrypt(&self.keys.raw_components().unwrap(), &self.auth, body)
            .expect("decrypts with the subscription's key");
        serde_json::from_slice(&plain).unwrap()
    }
}

/// Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292): an ES256 JWT for this push
/// service's origin, signed by the server's public key, which is the one browsers were given.
fn check_vapid(headers: &HeaderMap, server_key: &str, contact: &str) {
    use p256::ecdsa::signature::Verifier;
    let auth = headers
        .get("authorization")
        .expect("Authorization header")
        .to_str()
        .unwrap();
    let rest = auth.strip_prefix("vapid ").expect("vapid scheme");
    let mut t = None;
    let mut k = None;
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=').unwrap();
        match name {
            "t" => t = Some(value.to_string()),
            "k" => k = Some(value.to_string()),
            _ => {}
        }
    }
    let (t, k) = (t.expect("t="), k.expect("k="));
    assert_eq!(
        k, server_key,
        "signed with the key the browsers subscribed with"
    );
    let segments: Vec<&str> = t.split('.').collect();
    assert_eq!(segments.len(), 3);
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segments[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segments[1]).unwrap()).unwrap();
    // web-push-native names the origin by scheme and host (push services listen on 443).
    assert_eq!(claims["aud"], "http://127.0.0.1");
    assert_eq!(claims["sub"], contact);
    let exp = claims["exp"].as_i64().unwrap();
    let now = app::platform::clock::now_unix();
    assert!(
        exp > now && exp <= now + 24 * 3600,
        "expires within a day (RFC 8292)"
    );
    let key =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(&k).unwrap()).unwrap();
    let sig =
        p256::ecdsa::Signature::from_slice(&URL_SAFE_NO_PAD.decode(segments[2]).unwrap()).unwrap();
    key.verify(format!("{}.{}", segments[0], segments[1]).as_bytes(), &sig)
        .expect("valid ES256 signature");
}

fn allow_local_push_service() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::env::set_var("SOTAY_PUSH_ALLOW_HTTP", "1"));
}

on_both_databases!(
    push_reaches_the_push_service_encrypted_and_signed,
    |app: TestApp| async move {
        allow_local_push_service();
        app::register::seed::seed(&app.db, 300).await.unwrap();
        app::documents::seed::seed(&app.db, 0).await.unwrap();
        let (base, svc) = start_push_service().await;
        let member = signed_in(&app, "0900000001").await;
        let other = signed_in(&app, "0900000005").await;
        let editor = signed_in(&app, "0900000004").await;
        ok(&app, &member, "save_notification_settings", ALL_ON).await;
        ok(&app, &other, "save_notification_settings", ALL_ON).await;
        let server_key = ok(&app, &member, "notification_settings", &[]).await["push_key"]
            .as_str()
            .unwrap()
            .to_string();
        // The member's phone, a stale browser (410) and a busy one (429 once); another member's phone.
        let phone = Browser::new();
        let stale = Browser::new();
        let busy = Browser::new();
        let others = Browser::new();
        for (who, b, device) in [
            (&member, &phone, "phone"),
            (&member, &stale, "gone"),
            (&member, &busy, "busy"),
            (&other, &others, "other"),
        ] {
            ok(
                &app,
                who,
                "push_subscribe",
                &[
                    ("endpoint", &format!("{base}/push/{device}")),
                    ("p256dh", &b.p256dh()),
                    ("auth", &b.auth()),
                ],
            )
            .await;
        }
        assert_eq!(
            ok(&app, &member, "notification_settings", &[]).await["devices"],
            3
        );

        let targets = ok(&app, &editor, "publish_targets", &[]).await;
        let province = targets.as_array().unwrap()[0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        ok(
            &app,
            &editor,
            "publish",
            &[
                ("kind", "van_ban"),
                ("audience", &province),
                ("doc_type", "nghi_quyet"),
                ("number", "12-NQ/TU"),
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
        // The centre has it at once; the push is queued by the worker, in the database.
        assert_eq!(
            ok(&app, &member, "notifications", &[]).await["items"][0]["subject"],
            "Nghị quyết về chuyển đổi số"
        );
        let keys = push::keys(&app.db).await.unwrap();
        assert_eq!(keys.public_key, server_key);
        let now = app::platform::clock::now_unix();
        push::expand_pending(&app.db, now, 50).await.unwrap();
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM push_deliveries").await,
            4,
            "one per subscribed device of the audience"
        );
        let client = push::http_client();
        let report = push::run_once(&app.db, &client, &keys, now).await.unwrap();
        assert_eq!(
            (report.delivered, report.gone, report.retried),
            (2, 1, 1),
            "{report:?}"
        );

        let received = svc.received.lock().unwrap().clone();
        let doc_id = scalar(&app, "SELECT id FROM documents WHERE number = '12-NQ/TU'").await;
        for (device, browser) in [("phone", &phone), ("other", &others)] {
            let r = received
                .iter()
                .find(|r| r.device == device)
                .unwrap_or_else(|| panic!("{device} got nothing"));
            assert_eq!(r.headers.get("content-encoding").unwrap(), "aes128gcm");
            assert!(
                r.headers
                    .get("ttl")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
                    > 0
            );
            check_vapid(&r.headers, &server_key, &keys.contact);
            assert!(
                !String::from_utf8_lossy(&r.body).contains("chuyển đổi"),
                "the body is encrypted"
            );
            let payload = browser.decrypt(&r.body);
            assert_eq!(payload["title"], "Văn bản mới");
            assert_eq!(payload["body"], "Nghị quyết về chuyển đổi số");
            assert_eq!(payload["url"], format!("/van-ban/{doc_id}"));
        }
        // 410: the subscription is deleted. 429: kept, tried again after the back-off.
        assert_eq!(
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM push_subscriptions WHERE endpoint = '{base}/push/gone'"
                )
            )
            .await,
            0
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM push_deliveries").await,
            1
        );
        assert_eq!(
            scalar(&app, "SELECT attempts FROM push_deliveries").await,
            1
        );
        assert_eq!(
            push::run_once(&app.db, &client, &keys, now + 5)
                .await
                .unwrap(),
            push::SendReport::default(),
            "not before its time"
        );
        let report = push::run_once(&app.db, &client, &keys, now + 31)
            .await
            .unwrap();
        assert_eq!(report.delivered, 1);
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM push_deliveries").await,
            0
        );
        let busy_bodies: Vec<Received> = svc
            .received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.device == "busy")
            .cloned()
            .collect();
        assert_eq!(busy_bodies.len(), 2);
        assert_eq!(
            busy.decrypt(&busy_bodies[1].body)["body"],
            "Nghị quyết về chuyển đổi số"
        );

        // Muted group: news switched off reaches no phone of that member; quiet hours defer.
        let minute = ((now + 7 * 3600).rem_euclid(86_400) / 60) as u32;
        let around = |d: i64| {
            app::domain::notification::format_clock(((minute as i64 + d).rem_euclid(1440)) as u32)
        };
        ok(
            &app,
            &member,
            "save_notification_settings",
            &[
                ("push_van_ban", "on"),
                ("quiet_enabled", "on"),
                ("quiet_start", &around(-30)),
                ("quiet_end", &around(30)),
            ],
        )
        .await;
        ok(
            &app,
            &editor,
            "publish",
            &[
                ("kind", "tin_tuc"),
                ("audience", &province),
                ("doc_type", ""),
                ("number", ""),
                ("issuing_body", ""),
                ("issued_on", ""),
                ("title", "Tin hội nghị"),
                ("summary", ""),
                ("body", "Nội dung tin."),
                ("tags", ""),
                ("not_classified", "on"),
            ],
        )
        .await;
        ok(
            &app,
            &editor,
            "publish",
            &[
                ("kind", "van_ban"),
                ("audience", &province),
                ("doc_type", "chi_thi"),
                ("number", "13-CT/TU"),
                ("issuing_body", "Tỉnh ủy"),
                ("issued_on", "2026-11-21"),
                ("title", "Chỉ thị về an toàn"),
                ("summary", ""),
                ("body", "Nội dung."),
                ("tags", ""),
                ("not_classified", "on"),
            ],
        )
        .await;
        let report = push::run_once(&app.db, &client, &keys, now + 40)
            .await
            .unwrap();
        // The other member gets both; the member's two phones get the document only, deferred.
        assert_eq!((report.delivered, report.deferred), (2, 2), "{report:?}");
        let deferred_until = scalar(&app, "SELECT MIN(due_at) FROM push_deliveries").await;
        assert!(
            deferred_until > now + 40 && deferred_until <= now + 40 + 31 * 60,
            "until the quiet window ends"
        );

        // Signing out stops pushes to that phone (its session is gone).
        ok(&app, &other, "sign_out", &[("everywhere", "false")]).await;
        sqlx::query("DELETE FROM push_deliveries")
            .execute(app.db.pool())
            .await
            .unwrap();
        ok(
            &app,
            &editor,
            "publish",
            &[
                ("kind", "van_ban"),
                ("audience", &province),
                ("doc_type", "chi_thi"),
                ("number", "14-CT/TU"),
                ("issuing_body", "Tỉnh ủy"),
                ("issued_on", "2026-11-21"),
                ("title", "Chỉ thị khác"),
                ("summary", ""),
                ("body", "Nội dung."),
                ("tags", ""),
                ("not_classified", "on"),
            ],
        )
        .await;
        push::expand_pending(&app.db, now + 50, 50).await.unwrap();
        let to_other: i64 = scalar(&app, &format!("SELECT COUNT(*) FROM push_deliveries d JOIN push_subscriptions s ON s.id = d.subscription_id WHERE s.endpoint = '{base}/push/other'")).await;
        assert_eq!(to_other, 0);
    }
);

on_both_databases!(
    a_called_off_meeting_tells_its_members_why,
    |app: TestApp| async move {
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let secretary = signed_in(&app, "0900000002").await;
        let member = signed_in(&app, "0900000001").await;
        let other = signed_in(&app, "0900000005").await;
        let cell = ok(&app, &secretary, "meetings", &[]).await["run_cells"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let m = app::domain::meeting::Month::of(app::platform::clock::today_vn()).next();
        let date = format!("{:04}-{:02}-14", m.year, m.month);
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
        .await
        .as_i64()
        .unwrap()
        .to_string();
        // A draft cannot be called off; a member cannot call anything off; a reason is required.
        assert_eq!(
            call(
                &app,
                &secretary,
                "cancel_meeting",
                &[("id", &id), ("cancel_reason", "Mưa bão")]
            )
            .await
            .0,
            422
        );
        ok(&app, &secretary, "publish_meeting", &[("id", &id)]).await;
        assert_eq!(
            call(
                &app,
                &member,
                "cancel_meeting",
                &[("id", &id), ("cancel_reason", "Không muốn họp")]
            )
            .await
            .0,
            403
        );
        let (s, b) = call(
            &app,
            &secretary,
            "cancel_meeting",
            &[("id", &id), ("cancel_reason", "  ")],
        )
        .await;
        assert_eq!(
            (s, b["Invalid"][0]["field"].as_str()),
            (422, Some("cancel_reason"))
        );
        ok(
            &app,
            &secretary,
            "cancel_meeting",
            &[("id", &id), ("cancel_reason", "Mưa bão, dời sang tuần sau")],
        )
        .await;
        let n = ok(&app, &member, "notifications", &[]).await;
        assert_eq!(n["items"][0]["kind"], "hop_huy");
        assert!(
            n["items"][0]["subject"]
                .as_str()
                .unwrap()
                .ends_with("— Mưa bão, dời sang tuần sau"),
            "{n}"
        );
        assert!(ok(&app, &other, "notifications", &[]).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] != "hop_huy"));
        // Back to draft: hidden from members until published again; no reminders for it.
        assert_eq!(call(&app, &member, "meeting", &[("id", &id)]).await.0, 404);
        let start = app::meetings::reminders::start_unix(&date, "19:30").unwrap();
        assert_eq!(
            app::meetings::reminders::run(&app.db, start - 3 * 3600)
                .await
                .unwrap(),
            0
        );
        ok(&app, &secretary, "publish_meeting", &[("id", &id)]).await;
        assert_eq!(
            ok(&app, &member, "meeting", &[("id", &id)]).await["meeting"]["status"],
            "da_cong_bo"
        );
    }
);

// Issue #17: a member keeps at most ten devices; the eleventh replaces the least recently used
// (and that device's queued pushes go with it). Only known push services are accepted outside
// the test switch, which this binary turns on for its local push service.
on_both_databases!(
    a_member_keeps_at_most_ten_devices,
    |app: TestApp| async move {
        allow_local_push_service();
        app::register::seed::seed(&app.db, 300).await.unwrap();
        let member = signed_in(&app, "0900000001").await;
        let other = signed_in(&app, "0900000005").await;
        let browser = Browser::new();
        let subscribe = |c: &reqwest::Client, device: String| {
            let form = [
                (
                    "endpoint".to_string(),
                    format!("http://127.0.0.1:9/push/{device}"),
                ),
                ("p256dh".to_string(), browser.p256dh()),
                ("auth".to_string(), browser.auth()),
            ];
            let c = c.clone();
            let app = &app;
            async move {
                let form: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                ok(app, &c, "push_subscribe", &form).await
            }
        };
        ok(
            &app,
            &other,
            "push_subscribe",
            &[
                ("endpoint", "http://127.0.0.1:9/push/other"),
                ("p256dh", &browser.p256dh()),
                ("auth", &browser.auth()),
            ],
        )
        .await;
        for i in 1..=10 {
            assert_eq!(subscribe(&member, format!("d{i}")).await, i);
        }
        // A push queued for the oldest device, which the eleventh replaces.
        let oldest: i64 = scalar(
            &app,
            "SELECT id FROM push_subscriptions WHERE endpoint = 'http://127.0.0.1:9/push/d1'",
        )
        .await;
        sqlx::query("INSERT INTO notifications (kind, member_id, ref_type, ref_id, subject, created_at, pushed_at) SELECT 'nhiem_vu_giao', id, 'task', 1, 'Việc', 0, 0 FROM members WHERE phone = '0900000001'")
        .execute(app.db.pool())
        .await
        .unwrap();
        let notification: i64 = scalar(&app, "SELECT MAX(id) FROM notifications").await;
        sqlx::query("INSERT INTO push_deliveries (notification_id, subscription_id, due_at) VALUES ($1, $2, 0)").bind(notification).bind(oldest).execute(app.db.pool()).await.unwrap();
        // The second device was used since: it is kept over the third.
        sqlx::query("UPDATE push_subscriptions SET created_at = created_at - 100")
            .execute(app.db.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE push_subscriptions SET last_success_at = created_at + 50 WHERE endpoint LIKE '%/push/d2'").execute(app.db.pool()).await.unwrap();
        assert_eq!(subscribe(&member, "d11".into()).await, 10, "still ten");
        let kept: Vec<String> = sqlx::query_scalar(
            "SELECT endpoint FROM push_subscriptions WHERE endpoint LIKE '%/push/d%' ORDER BY id",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        let kept: Vec<&str> = kept.iter().map(|e| e.rsplit('/').next().unwrap()).collect();
        assert!(
            !kept.contains(&"d1"),
            "the least recently used goes: {kept:?}"
        );
        assert!(kept.contains(&"d2") && kept.contains(&"d11"), "{kept:?}");
        assert_eq!(kept.len(), 10);
        assert_eq!(
            scalar(
                &app,
                &format!("SELECT COUNT(*) FROM push_deliveries WHERE subscription_id = {oldest}")
            )
            .await,
            0,
            "its queue goes with it"
        );
        // The next one replaces the oldest remaining (d3), not d2; subscribing a kept device again replaces nothing.
        assert_eq!(subscribe(&member, "d12".into()).await, 10);
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM push_subscriptions WHERE endpoint LIKE '%/push/d3'"
            )
            .await,
            0
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM push_subscriptions WHERE endpoint LIKE '%/push/d2'"
            )
            .await,
            1
        );
        assert_eq!(subscribe(&member, "d12".into()).await, 10);
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM push_subscriptions WHERE endpoint LIKE '%/push/d4'"
            )
            .await,
            1
        );
        // Another member's devices are not counted nor touched.
        assert_eq!(
            ok(&app, &other, "notification_settings", &[]).await["devices"],
            1
        );
        // User info in an endpoint is refused even under the test switch.
        let (st, _) = call(
            &app,
            &member,
            "push_subscribe",
            &[
                ("endpoint", "http://u:p@127.0.0.1:9/push/x"),
                ("p256dh", &browser.p256dh()),
                ("auth", &browser.auth()),
            ],
        )
        .await;
        assert_eq!(st, 422);
    }
);
