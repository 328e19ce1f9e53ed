//! Web Push (RFC 8030, 8291, 8292): the server's VAPID key pair (generated on first start and kept
//! in `server_keys`), members' browser subscriptions, and the delivery queue. A background worker
//! turns each new notification into one `push_deliveries` row per subscribed device of its
//! audience (the member's push settings applied), then sends what is due, encrypted with
//! aes128gcm by `web-push-native`. The queue is in the database, so a restart loses nothing;
//! 429/5xx/no answer are retried with back-off, 404/410 delete the subscription.

use crate::domain::notification::{push_outcome, NotificationKind, PushOutcome, QuietHours};
use crate::domain::register::FieldError;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use futures::StreamExt;
use sqlx::{Any, Row};
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::{p256, Auth, WebPushBuilder};

const KEY_NAME: &str = "vapid_private_key";
/// How long a push service may hold a message for an offline phone (a reminder a day old
/// is still worth showing; older ones are not).
const TTL_SECS: u64 = 24 * 3600;
/// A claimed delivery that was not finished (the server died mid-send) is tried again after this.
const LEASE_SECS: i64 = 300;
/// Notifications older than this when the worker first sees them are not pushed (the server
/// was down for days: the centre still lists them, the phone does not buzz for stale news).
const STALE_SECS: i64 = 24 * 3600;

/// The server's VAPID identity.
pub struct PushKeys {
    pair: ES256KeyPair,
    /// Uncompressed P-256 point, base64url without padding: the browser's `applicationServerKey`.
    pub public_key: String,
    /// VAPID `sub`: `mailto:` or `https:` contact of the operator (SOTAY_PUSH_CONTACT).
    pub contact: String,
}

impl PushKeys {
    fn from_private(bytes: &[u8]) -> Result<PushKeys, AppError> {
        let pair = ES256KeyPair::from_bytes(bytes).map_err(|e| AppError::internal(&format!("vapid key: {e}")))?;
        let public = pair.public_key().public_key().to_bytes_uncompressed();
        Ok(PushKeys {
            public_key: URL_SAFE_NO_PAD.encode(public),
            pair,
            contact: std::env::var("SOTAY_PUSH_CONTACT").unwrap_or_else(|_| "mailto:quantri@localhost".to_string()),
        })
    }
}

/// Loads the key pair, creating it on first start. Several servers starting together agree:
/// the first INSERT wins and everyone reads it back.
pub async fn keys(db: &Db) -> Result<PushKeys, AppError> {
    if let Some(row) = sqlx::query("SELECT value FROM server_keys WHERE name = $1").bind(KEY_NAME).fetch_optional(db.pool()).await? {
        let value: String = row.try_get(0)?;
        let bytes = URL_SAFE_NO_PAD.decode(value.as_bytes()).map_err(|e| AppError::internal(&format!("vapid key: {e}")))?;
        return PushKeys::from_private(&bytes);
    }
    let fresh = ES256KeyPair::generate();
    sqlx::query("INSERT INTO server_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
        .bind(KEY_NAME)
        .bind(URL_SAFE_NO_PAD.encode(fresh.to_bytes()))
        .bind(crate::platform::clock::now_unix())
        .execute(db.pool())
        .await?;
    Box::pin(keys(db)).await
}

/// A browser's subscription, parsed: an https endpoint (http only where allowed, for a local
/// push service in tests), the P-256 key and the 16-byte auth secret.
#[derive(Clone, Debug)]
pub struct NewSubscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

fn b64(input: &str) -> Option<Vec<u8>> {
    let t = input.trim().trim_end_matches('=');
    URL_SAFE_NO_PAD.decode(t.as_bytes()).ok().or_else(|| URL_SAFE.decode(input.trim().as_bytes()).ok())
}

/// Whether plain-http endpoints are accepted (SOTAY_PUSH_ALLOW_HTTP=1; for tests on 127.0.0.1).
pub fn http_allowed() -> bool {
    std::env::var("SOTAY_PUSH_ALLOW_HTTP").map(|v| v == "1").unwrap_or(false)
}

pub fn parse_subscription(endpoint: &str, p256dh: &str, auth: &str, allow_http: bool) -> Result<NewSubscription, AppError> {
    let endpoint = endpoint.trim();
    let uri: Option<http::Uri> = endpoint.parse().ok();
    let scheme_ok = match uri.as_ref().and_then(|u| u.scheme_str()) {
        Some("https") => true,
        Some("http") => allow_http,
        _ => false,
    };
    if endpoint.len() > 2000 || !scheme_ok || uri.as_ref().and_then(|u| u.host()).is_none() {
        return Err(AppError::Invalid(vec![FieldError::new("endpoint", "err_push_subscription")]));
    }
    let key_ok = b64(p256dh).and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok()).is_some();
    let auth_ok = b64(auth).map(|a| a.len() == 16).unwrap_or(false);
    if !key_ok || !auth_ok {
        return Err(AppError::Invalid(vec![FieldError::new("p256dh", "err_push_subscription")]));
    }
    Ok(NewSubscription { endpoint: endpoint.to_string(), p256dh: p256dh.trim().to_string(), auth: auth.trim().to_string() })
}

/// Stores (or moves to this member and session) a device's subscription.
pub async fn subscribe(db: &Db, member_id: i64, session_hash: &str, s: &NewSubscription, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO push_subscriptions (member_id, endpoint, p256dh, auth, session_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (endpoint) DO UPDATE SET member_id = excluded.member_id, p256dh = excluded.p256dh, auth = excluded.auth,
                                              session_hash = excluded.session_hash, created_at = excluded.created_at",
    )
    .bind(member_id)
    .bind(s.endpoint.clone())
    .bind(s.p256dh.clone())
    .bind(s.auth.clone())
    .bind(session_hash.to_string())
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Forgets a device (only the member's own).
pub async fn unsubscribe(db: &Db, member_id: i64, endpoint: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1 AND member_id = $2").bind(endpoint.trim().to_string()).bind(member_id).execute(db.pool()).await?;
    Ok(())
}

/// How many devices of the member receive pushes.
pub async fn device_count(db: &Db, member_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query("SELECT COUNT(*) FROM push_subscriptions WHERE member_id = $1").bind(member_id).fetch_one(db.pool()).await?.try_get(0)?)
}

/// Turns up to `limit` new notifications into deliveries. Each notification is claimed by
/// setting `pushed_at` in the same transaction as its deliveries, so several workers never
/// double it and a crash mid-way redoes it whole.
pub async fn expand_pending(db: &Db, now: i64, limit: i64) -> Result<usize, AppError> {
    let pending = sqlx::query(
        "SELECT n.id, n.kind, n.org_id, n.member_id, n.created_at, o.path FROM notifications n
         LEFT JOIN organizations o ON o.id = n.org_id
         WHERE n.pushed_at IS NULL ORDER BY n.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut done = 0;
    for row in pending {
        let id: i64 = row.try_get("id")?;
        let kind: String = row.try_get("kind")?;
        let created_at: i64 = row.try_get("created_at")?;
        let member_id: Option<i64> = row.try_get("member_id")?;
        let path: Option<String> = row.try_get("path")?;
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let claimed = sqlx::query("UPDATE notifications SET pushed_at = $1 WHERE id = $2 AND pushed_at IS NULL").bind(now).bind(id).execute(&mut *tx).await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        if now - created_at <= STALE_SECS {
            // Live sessions only: signing out stops the pushes to that phone.
            let common = "SELECT $1, s.id, $2 FROM push_subscriptions s
                 JOIN sessions se ON se.token_hash = s.session_hash AND se.expires_at > $2";
            let muted = "NOT EXISTS (SELECT 1 FROM notification_settings ns WHERE ns.member_id = s.member_id
                                    AND (',' || ns.push_off || ',') LIKE $3)";
            let like = format!("%,{kind},%");
            let to_member = format!(
                "INSERT INTO push_deliveries (notification_id, subscription_id, due_at) {common}
                 WHERE s.member_id = $4 AND {muted} ON CONFLICT (notification_id, subscription_id) DO NOTHING"
            );
            let to_subtree = format!(
                "INSERT INTO push_deliveries (notification_id, subscription_id, due_at) {common}
                 JOIN members m ON m.id = s.member_id JOIN organizations o ON o.id = m.org_id
                 WHERE o.path >= $4 AND o.path < $5 AND {muted} ON CONFLICT (notification_id, subscription_id) DO NOTHING"
            );
            let q = match (member_id, path) {
                (Some(m), _) => sqlx::query::<Any>(&to_member).bind(id).bind(now).bind(like).bind(m),
                (None, Some(path)) => {
                    let upper = crate::domain::org::OrgPath::parse(&path).map_err(|e| AppError::internal(&format!("{e:?}")))?.subtree_upper();
                    sqlx::query::<Any>(&to_subtree).bind(id).bind(now).bind(like).bind(path).bind(upper)
                }
                (None, None) => {
                    tx.commit().await?;
                    continue;
                }
            };
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        done += 1;
    }
    Ok(done)
}

/// What one round of sending did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub delivered: usize,
    pub retried: usize,
    pub gone: usize,
    pub dropped: usize,
    pub deferred: usize,
}

/// The body the service worker shows: a large, plain title and body, and where a tap leads.
pub fn payload(kind: &str, subject: &str, href: &str, id: i64) -> String {
    let title = super::pages::kind_text(crate::i18n::Locale::vi, kind);
    serde_json::json!({ "title": title, "body": subject, "url": href, "tag": format!("n{id}") }).to_string()
}

/// Sends up to `limit` deliveries that are due. Each is leased first (its due time moved on),
/// so a second worker skips it and a crash retries it later.
pub async fn send_due(db: &Db, client: &reqwest::Client, keys: &PushKeys, now: i64, limit: i64) -> Result<SendReport, AppError> {
    let rows = sqlx::query(
        "SELECT d.id, d.due_at, d.attempts, s.id AS subscription_id, s.member_id, s.endpoint, s.p256dh, s.auth,
                n.id AS notification_id, n.kind, n.ref_type, n.ref_id, n.subject,
                ns.quiet_enabled, ns.quiet_start, ns.quiet_end
         FROM push_deliveries d
         JOIN push_subscriptions s ON s.id = d.subscription_id
         JOIN notifications n ON n.id = d.notification_id
         LEFT JOIN notification_settings ns ON ns.member_id = s.member_id
         WHERE d.due_at <= $1 ORDER BY d.due_at, d.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    // Push services answer in tens of milliseconds; one request at a time would take most of an
    // hour for a province. Up to SEND_CONCURRENCY requests are in flight at once.
    let outcomes: Vec<Result<Sent, AppError>> = futures::stream::iter(rows.into_iter().map(|row| deliver_one(db, client, keys, row, now)))
        .buffer_unordered(SEND_CONCURRENCY)
        .collect()
        .await;
    let mut report = SendReport::default();
    for outcome in outcomes {
        match outcome? {
            Sent::Skipped => {}
            Sent::Deferred => report.deferred += 1,
            Sent::Outcome(PushOutcome::Delivered) => report.delivered += 1,
            Sent::Outcome(PushOutcome::Gone) => report.gone += 1,
            Sent::Outcome(PushOutcome::Retry(_)) => report.retried += 1,
            Sent::Outcome(PushOutcome::Drop) => report.dropped += 1,
        }
    }
    Ok(report)
}

const SEND_CONCURRENCY: usize = 32;

enum Sent {
    /// Another worker holds it.
    Skipped,
    /// Quiet hours: moved to the window's end.
    Deferred,
    Outcome(PushOutcome),
}

async fn deliver_one(db: &Db, client: &reqwest::Client, keys: &PushKeys, row: sqlx::any::AnyRow, now: i64) -> Result<Sent, AppError> {
    let id: i64 = row.try_get("id")?;
    let due_at: i64 = row.try_get("due_at")?;
    let attempts: i64 = row.try_get::<i64, _>("attempts")? + 1;
    let quiet = match row.try_get::<Option<i64>, _>("quiet_enabled")? {
        None => QuietHours::default(),
        Some(enabled) => QuietHours {
            enabled: enabled == 1,
            start: row.try_get::<i64, _>("quiet_start")? as u32,
            end: row.try_get::<i64, _>("quiet_end")? as u32,
        },
    };
    if let Some(until) = quiet.deferred_until(now, crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS) {
        sqlx::query("UPDATE push_deliveries SET due_at = $1 WHERE id = $2").bind(until).bind(id).execute(db.pool()).await?;
        return Ok(Sent::Deferred);
    }
    let leased = sqlx::query("UPDATE push_deliveries SET due_at = $1, attempts = $2 WHERE id = $3 AND due_at = $4")
        .bind(now + LEASE_SECS)
        .bind(attempts)
        .bind(id)
        .bind(due_at)
        .execute(db.pool())
        .await?;
    if leased.rows_affected() == 0 {
        return Ok(Sent::Skipped);
    }
    let subscription_id: i64 = row.try_get("subscription_id")?;
    let endpoint: String = row.try_get("endpoint")?;
    let kind: String = row.try_get("kind")?;
    let ref_type: String = row.try_get("ref_type")?;
    let ref_id: i64 = row.try_get("ref_id")?;
    let subject: String = row.try_get("subject")?;
    let body = payload(&kind, &subject, &super::repo::href(&ref_type, ref_id), row.try_get("notification_id")?);
    let (status, retry_after, error) = match build_request(keys, &endpoint, &row.try_get::<String, _>("p256dh")?, &row.try_get::<String, _>("auth")?, body) {
        Err(e) => (Some(400), None, Some(e)),
        Ok(req) => match client.execute(req).await {
            Ok(res) => {
                let retry_after = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
                let status = res.status().as_u16();
                let text = if res.status().is_success() { None } else { Some(format!("{status} {}", res.text().await.unwrap_or_default().chars().take(200).collect::<String>())) };
                (Some(status), retry_after, text)
            }
            Err(e) => (None, None, Some(e.to_string())),
        },
    };
    let outcome = push_outcome(status, attempts, retry_after);
    match outcome {
        PushOutcome::Delivered => {
            sqlx::query("DELETE FROM push_deliveries WHERE id = $1").bind(id).execute(db.pool()).await?;
            sqlx::query("UPDATE push_subscriptions SET last_success_at = $1 WHERE id = $2").bind(now).bind(subscription_id).execute(db.pool()).await?;
        }
        PushOutcome::Gone => {
            // The browser dropped the subscription; its queued deliveries go with it.
            sqlx::query("DELETE FROM push_deliveries WHERE subscription_id = $1").bind(subscription_id).execute(db.pool()).await?;
            sqlx::query("DELETE FROM push_subscriptions WHERE id = $1").bind(subscription_id).execute(db.pool()).await?;
        }
        PushOutcome::Retry(after) => {
            sqlx::query("UPDATE push_deliveries SET due_at = $1, last_error = $2 WHERE id = $3")
                .bind(now + after)
                .bind(error.unwrap_or_default())
                .bind(id)
                .execute(db.pool())
                .await?;
        }
        PushOutcome::Drop => {
            tracing::warn!(delivery = id, endpoint = %endpoint_host(&endpoint), error = ?error, attempts, "push delivery dropped");
            sqlx::query("DELETE FROM push_deliveries WHERE id = $1").bind(id).execute(db.pool()).await?;
        }
    }
    Ok(Sent::Outcome(outcome))
}

/// Only the push service's host goes to logs (the endpoint path identifies a device).
fn endpoint_host(endpoint: &str) -> String {
    endpoint.parse::<http::Uri>().ok().and_then(|u| u.host().map(str::to_string)).unwrap_or_default()
}

fn build_request(keys: &PushKeys, endpoint: &str, p256dh: &str, auth: &str, body: String) -> Result<reqwest::Request, String> {
    let uri: http::Uri = endpoint.parse().map_err(|e| format!("endpoint: {e}"))?;
    let key = b64(p256dh).and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok()).ok_or("p256dh")?;
    let auth_bytes = b64(auth).filter(|a| a.len() == 16).ok_or("auth")?;
    let request = WebPushBuilder::new(uri, key, Auth::clone_from_slice(&auth_bytes))
        .with_valid_duration(std::time::Duration::from_secs(TTL_SECS))
        .with_vapid(&keys.pair, &keys.contact)
        .build(body.into_bytes())
        .map_err(|e| e.to_string())?;
    let (mut parts, body) = request.into_parts();
    // Reminders and meeting changes should wake the phone; news can wait for its next wake-up.
    parts.headers.insert("urgency", http::HeaderValue::from_static("normal"));
    reqwest::Request::try_from(http::Request::from_parts(parts, body)).map_err(|e| e.to_string())
}

/// The HTTP client of the worker: short timeouts, so one slow push service does not hold the queue.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .user_agent("sotay-push")
        .build()
        .unwrap_or_default()
}

/// One round of the worker: expand new notifications, then send what is due.
pub async fn run_once(db: &Db, client: &reqwest::Client, keys: &PushKeys, now: i64) -> Result<SendReport, AppError> {
    while expand_pending(db, now, 50).await? == 50 {}
    let mut total = SendReport::default();
    loop {
        let r = send_due(db, client, keys, now, 100).await?;
        total.delivered += r.delivered;
        total.retried += r.retried;
        total.gone += r.gone;
        total.dropped += r.dropped;
        total.deferred += r.deferred;
        if r.delivered + r.retried + r.gone + r.dropped + r.deferred < 100 {
            return Ok(total);
        }
    }
}

/// Whether `kind` is a kind this app pushes (all of them are; kept as a check on stored rows).
pub fn is_known_kind(kind: &str) -> bool {
    NotificationKind::from_code(kind).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    #[test]
    fn subscriptions_are_parsed() {
        let s = parse_subscription(" https://fcm.googleapis.com/fcm/send/abc ", KEY, AUTH, false).expect("valid");
        assert_eq!(s.endpoint, "https://fcm.googleapis.com/fcm/send/abc");
        assert!(parse_subscription("http://127.0.0.1:9/x", KEY, AUTH, false).is_err());
        assert!(parse_subscription("http://127.0.0.1:9/x", KEY, AUTH, true).is_ok());
        assert!(parse_subscription("file:///etc/passwd", KEY, AUTH, true).is_err());
        assert!(parse_subscription("https://push.example/x", "AAAA", AUTH, false).is_err());
        assert!(parse_subscription("https://push.example/x", KEY, "c2hvcnQ", false).is_err());
        // Padded base64url, as some browsers send it, is accepted too.
        assert!(parse_subscription("https://push.example/x", KEY, "BTBZMqHH6r4Tts7J_aSIgg==", false).is_ok());
    }

    #[test]
    fn payload_is_plain_json() {
        let p: serde_json::Value = serde_json::from_str(&payload("van_ban_moi", "Nghị quyết số 1", "/van-ban/5", 9)).unwrap();
        assert_eq!(p["title"], "Văn bản mới");
        assert_eq!(p["body"], "Nghị quyết số 1");
        assert_eq!(p["url"], "/van-ban/5");
        assert_eq!(p["tag"], "n9");
        assert!(is_known_kind("nhac_hop") && !is_known_kind("spam"));
    }
}
