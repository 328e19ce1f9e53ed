//! Web Push (RFC 8030, 8291, 8292): the server's VAPID key pair (generated on first start and kept
//! in `server_keys`), members' browser subscriptions, and the delivery queue. A background worker
//! turns each new notification into one `push_deliveries` row per subscribed device of its
//! audience (the member's push settings applied), then sends what is due, encrypted with
//! aes128gcm by `web-push-native`. The queue is in the database, so a restart loses nothing;
//! 429/5xx/no answer are retried with back-off, 404/410 delete the subscription.

use crate::domain::notification::NotificationRef;
use crate::domain::notification::{push_outcome, NotificationKind, PushOutcome, QuietHours};
use crate::domain::register::FieldError;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use futures::StreamExt;
use sqlx::{Any, FromRow};
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
        let pair = ES256KeyPair::from_bytes(bytes)
            .map_err(|e| AppError::internal(&format!("vapid key: {e}")))?;
        let public = pair.public_key().public_key().to_bytes_uncompressed();
        Ok(PushKeys {
            public_key: URL_SAFE_NO_PAD.encode(public),
            pair,
            contact: std::env::var("SOTAY_PUSH_CONTACT")
                .unwrap_or_else(|_| "mailto:quantri@localhost".to_string()),
        })
    }
}

/// Loads the key pair, creating it on first start. Several servers starting together agree:
/// the first INSERT wins and everyone reads it back.
pub async fn keys(db: &Db) -> Result<PushKeys, AppError> {
    if let Some(value) =
        sqlx::query_scalar::<Any, String>("SELECT value FROM server_keys WHERE name = $1")
            .bind(KEY_NAME)
            .fetch_optional(db.pool())
            .await?
    {
        let bytes = URL_SAFE_NO_PAD
            .decode(value.as_bytes())
            .map_err(|e| AppError::internal(&format!("vapid key: {e}")))?;
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
    URL_SAFE_NO_PAD
        .decode(t.as_bytes())
        .ok()
        .or_else(|| URL_SAFE.decode(input.trim().as_bytes()).ok())
}

/// Whether plain-http endpoints on any host are accepted (SOTAY_PUSH_ALLOW_HTTP=1; for the
/// tests' local push service on 127.0.0.1, never in production).
pub fn http_allowed() -> bool {
    std::env::var("SOTAY_PUSH_ALLOW_HTTP")
        .map(|v| v == "1")
        .unwrap_or(false)
}

/// The longest endpoint accepted (FCM's are about 200 characters, Windows' about 500).
pub const MAX_ENDPOINT_LEN: usize = 2000;

/// The most devices (browsers) of one member that receive pushes.
pub const MAX_DEVICES_PER_MEMBER: i64 = 10;

/// Whether `host` is `suffix` itself or a name under it (whole labels: `evilpush.apple.com` is
/// not under `push.apple.com`).
fn host_under(host: &str, suffix: &str) -> bool {
    host == suffix
        || host
            .strip_suffix(suffix)
            .and_then(|p| p.strip_suffix('.'))
            .is_some_and(|p| p.split('.').all(|l| !l.is_empty()))
}

/// Whether the server may send to `endpoint`: https on a known push service's host — the
/// browsers' own services: Google's FCM (Chrome, Android, Samsung Internet, Opera, Cốc Cốc) on
/// its push paths, Mozilla's autopush (Firefox), Apple's (Safari) and Microsoft's WNS (Edge on
/// Windows) — with no user name or password in it and of bounded length. Anything else would let
/// a subscriber make the server post to an address of their choosing. With `any_host` (the test
/// switch) http and every host are accepted, still without user info.
pub fn endpoint_allowed(endpoint: &str, any_host: bool) -> bool {
    if endpoint.is_empty()
        || endpoint.len() > MAX_ENDPOINT_LEN
        || !endpoint.bytes().all(|b| b.is_ascii_graphic())
    {
        return false;
    }
    let Ok(uri) = endpoint.parse::<http::Uri>() else {
        return false;
    };
    let Some(authority) = uri.authority() else {
        return false;
    };
    // Requests go out through reqwest, which reads the URL again with the WHATWG parser: both
    // readings must name the same host, and neither may carry user info.
    let Ok(url) = reqwest::Url::parse(endpoint) else {
        return false;
    };
    if authority.as_str().contains('@') || !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    let host = authority.host().to_ascii_lowercase();
    if url.host_str().map(str::to_ascii_lowercase).as_deref() != Some(host.as_str()) {
        return false;
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if any_host => {}
        _ => return false,
    }
    if any_host {
        return true;
    }
    if !matches!(uri.port_u16(), None | Some(443))
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return false;
    }
    let path = uri.path();
    let google = host_under(&host, "googleapis.com")
        && ["/fcm/send/", "/wp/", "/gcm/send/"]
            .iter()
            .any(|p| path.starts_with(p));
    let mozilla = host_under(&host, "push.services.mozilla.com");
    let apple = host != "push.apple.com" && host_under(&host, "push.apple.com");
    let microsoft = host != "notify.windows.com" && host_under(&host, "notify.windows.com");
    google || mozilla || apple || microsoft
}

pub fn parse_subscription(
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    allow_http: bool,
) -> Result<NewSubscription, AppError> {
    let endpoint = endpoint.trim();
    if !endpoint_allowed(endpoint, allow_http) {
        return Err(AppError::Invalid(vec![FieldError::new(
            "endpoint",
            "err_push_subscription",
        )]));
    }
    // A P-256 point is 87 characters in base64, the auth secret 22: anything much longer is not one.
    let key_ok = p256dh.len() <= 200
        && b64(p256dh)
            .and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok())
            .is_some();
    let auth_ok = auth.len() <= 100 && b64(auth).map(|a| a.len() == 16).unwrap_or(false);
    if !key_ok || !auth_ok {
        return Err(AppError::Invalid(vec![FieldError::new(
            "p256dh",
            "err_push_subscription",
        )]));
    }
    Ok(NewSubscription {
        endpoint: endpoint.to_string(),
        p256dh: p256dh.trim().to_string(),
        auth: auth.trim().to_string(),
    })
}

/// Stores (or moves to this member and session) a device's subscription. A member keeps at
/// most `MAX_DEVICES_PER_MEMBER` devices: an 11th replaces the one least recently used (last
/// delivered to, or subscribed). Refusing it instead would leave the member without
/// notifications on the phone in their hand because of phones they no longer have: a reset or
/// replaced phone, or a browser whose data was cleared, leaves its subscription behind until a
/// push to it is answered "gone", and members cannot see or remove old devices themselves. The
/// least recently used device is the one most likely gone; if it is not, turning notifications
/// on there again brings it back.
pub async fn subscribe(
    db: &Db,
    member_id: i64,
    session_hash: &str,
    s: &NewSubscription,
    now: i64,
) -> Result<(), AppError> {
    let mut conn = db.pool().acquire().await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
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
    .execute(&mut *tx)
    .await?;
    let beyond_limit = format!(
        "SELECT id FROM push_subscriptions WHERE member_id = $1 AND id NOT IN (
             SELECT id FROM push_subscriptions WHERE member_id = $1
             ORDER BY CASE WHEN last_success_at > created_at THEN last_success_at ELSE created_at END DESC, id DESC
             LIMIT {MAX_DEVICES_PER_MEMBER})"
    );
    sqlx::query(&format!(
        "DELETE FROM push_deliveries WHERE subscription_id IN ({beyond_limit})"
    ))
    .bind(member_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "DELETE FROM push_subscriptions WHERE id IN ({beyond_limit})"
    ))
    .bind(member_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets a device (only the member's own).
pub async fn unsubscribe(db: &Db, member_id: i64, endpoint: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1 AND member_id = $2")
        .bind(endpoint.trim().to_string())
        .bind(member_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// How many devices of the member receive pushes.
pub async fn device_count(db: &Db, member_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM push_subscriptions WHERE member_id = $1",
    )
    .bind(member_id)
    .fetch_one(db.pool())
    .await?)
}

/// Turns up to `limit` new notifications into deliveries. Each notification is claimed by
/// setting `pushed_at` in the same transaction as its deliveries, so several workers never
/// double it and a crash mid-way redoes it whole.
pub async fn expand_pending(db: &Db, now: i64, limit: i64) -> Result<usize, AppError> {
    let pending = sqlx::query_as::<Any, PendingRow>(
        "SELECT n.id, n.kind, n.org_id, n.member_id, n.created_at, o.path FROM notifications n
         LEFT JOIN organizations o ON o.id = n.org_id
         WHERE n.pushed_at IS NULL ORDER BY n.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut done = 0;
    for PendingRow {
        id,
        kind,
        created_at,
        member_id,
        path,
    } in pending
    {
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let claimed = sqlx::query(
            "UPDATE notifications SET pushed_at = $1 WHERE id = $2 AND pushed_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
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
                (Some(m), _) => sqlx::query::<Any>(&to_member)
                    .bind(id)
                    .bind(now)
                    .bind(like)
                    .bind(m),
                (None, Some(path)) => {
                    let upper = crate::domain::org::OrgPath::parse(&path)
                        .map_err(|e| AppError::internal(&format!("{e:?}")))?
                        .subtree_upper();
                    sqlx::query::<Any>(&to_subtree)
                        .bind(id)
                        .bind(now)
                        .bind(like)
                        .bind(path)
                        .bind(upper)
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

/// A notification not yet expanded. The kind stays text: it only goes into a LIKE pattern.
#[derive(FromRow)]
struct PendingRow {
    id: i64,
    kind: String,
    created_at: i64,
    member_id: Option<i64>,
    path: Option<String>,
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
pub fn payload(kind: NotificationKind, subject: &str, href: &str, id: i64) -> String {
    let title = super::pages::kind_words(crate::i18n::Locale::vi, kind).0;
    serde_json::json!({ "title": title, "body": subject, "url": href, "tag": format!("n{id}") })
        .to_string()
}

/// Sends up to `limit` deliveries that are due. Each is leased first (its due time moved on),
/// so a second worker skips it and a crash retries it later.
pub async fn send_due(
    db: &Db,
    client: &reqwest::Client,
    keys: &PushKeys,
    now: i64,
    limit: i64,
) -> Result<SendReport, AppError> {
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
    let outcomes: Vec<Result<Sent, AppError>> = futures::stream::iter(
        rows.into_iter()
            .map(|row| deliver_one(db, client, keys, row, now)),
    )
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

/// What a delivery needs before it is leased: its queue state and the member's quiet hours
/// (NULL when the member never saved settings).
#[derive(FromRow)]
struct DeliveryHead {
    id: i64,
    due_at: i64,
    attempts: i64,
    quiet_enabled: Option<i64>,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
}

/// The rest of a delivery, read once it is leased: a row whose codes do not decode then waits
/// out its lease instead of failing every round of the queue.
#[derive(FromRow)]
struct DeliveryBody {
    subscription_id: i64,
    endpoint: String,
    p256dh: String,
    auth: String,
    notification_id: i64,
    kind: NotificationKind,
    ref_type: NotificationRef,
    ref_id: i64,
    subject: String,
}

async fn deliver_one(
    db: &Db,
    client: &reqwest::Client,
    keys: &PushKeys,
    row: sqlx::any::AnyRow,
    now: i64,
) -> Result<Sent, AppError> {
    let head = DeliveryHead::from_row(&row)?;
    let (id, due_at, attempts) = (head.id, head.due_at, head.attempts + 1);
    let quiet = match head.quiet_enabled {
        None => QuietHours::default(),
        // The settings columns are NOT NULL: with a settings row all three are there.
        Some(enabled) => QuietHours {
            enabled: enabled == 1,
            start: head.quiet_start.unwrap_or_default() as u32,
            end: head.quiet_end.unwrap_or_default() as u32,
        },
    };
    if let Some(until) =
        quiet.deferred_until(now, crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS)
    {
        sqlx::query("UPDATE push_deliveries SET due_at = $1 WHERE id = $2")
            .bind(until)
            .bind(id)
            .execute(db.pool())
            .await?;
        return Ok(Sent::Deferred);
    }
    let leased = sqlx::query(
        "UPDATE push_deliveries SET due_at = $1, attempts = $2 WHERE id = $3 AND due_at = $4",
    )
    .bind(now + LEASE_SECS)
    .bind(attempts)
    .bind(id)
    .bind(due_at)
    .execute(db.pool())
    .await?;
    if leased.rows_affected() == 0 {
        return Ok(Sent::Skipped);
    }
    let DeliveryBody {
        subscription_id,
        endpoint,
        p256dh,
        auth,
        notification_id,
        kind,
        ref_type,
        ref_id,
        subject,
    } = DeliveryBody::from_row(&row)?;
    let body = payload(kind, &subject, &ref_type.href(ref_id), notification_id);
    // Subscriptions stored before the endpoint rule (or under the test switch) are checked
    // again: one the rule refuses is never posted to, and goes as if its service said "gone".
    let (status, retry_after, error) = if !endpoint_allowed(&endpoint, http_allowed()) {
        (
            Some(410),
            None,
            Some("endpoint not on a known push service".to_string()),
        )
    } else {
        match build_request(keys, &endpoint, &p256dh, &auth, body) {
            Err(e) => (Some(400), None, Some(e)),
            Ok(req) => match client.execute(req).await {
                Ok(res) => {
                    let retry_after = res
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<i64>().ok());
                    let status = res.status().as_u16();
                    let text = if res.status().is_success() {
                        None
                    } else {
                        Some(format!("{status} {}", answer_start(res).await))
                    };
                    (Some(status), retry_after, text)
                }
                Err(e) => (None, None, Some(e.to_string())),
            },
        }
    };
    let outcome = push_outcome(status, attempts, retry_after);
    match outcome {
        PushOutcome::Delivered => {
            sqlx::query("DELETE FROM push_deliveries WHERE id = $1")
                .bind(id)
                .execute(db.pool())
                .await?;
            sqlx::query("UPDATE push_subscriptions SET last_success_at = $1 WHERE id = $2")
                .bind(now)
                .bind(subscription_id)
                .execute(db.pool())
                .await?;
        }
        PushOutcome::Gone => {
            // The browser dropped the subscription; its queued deliveries go with it.
            sqlx::query("DELETE FROM push_deliveries WHERE subscription_id = $1")
                .bind(subscription_id)
                .execute(db.pool())
                .await?;
            sqlx::query("DELETE FROM push_subscriptions WHERE id = $1")
                .bind(subscription_id)
                .execute(db.pool())
                .await?;
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
            sqlx::query("DELETE FROM push_deliveries WHERE id = $1")
                .bind(id)
                .execute(db.pool())
                .await?;
        }
    }
    Ok(Sent::Outcome(outcome))
}

/// The most of a push service's answer that is read (only its start is kept, for the log).
const MAX_ANSWER_BYTES: usize = 4096;

/// The start of an error answer's body, reading at most `MAX_ANSWER_BYTES` of it however much
/// the service sends.
async fn answer_start(mut res: reqwest::Response) -> String {
    let mut body: Vec<u8> = Vec::new();
    while body.len() < MAX_ANSWER_BYTES {
        match res.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..chunk.len().min(MAX_ANSWER_BYTES - body.len())])
            }
            _ => break,
        }
    }
    String::from_utf8_lossy(&body).chars().take(200).collect()
}

/// Only the push service's host goes to logs (the endpoint path identifies a device).
fn endpoint_host(endpoint: &str) -> String {
    endpoint
        .parse::<http::Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_string))
        .unwrap_or_default()
}

fn build_request(
    keys: &PushKeys,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    body: String,
) -> Result<reqwest::Request, String> {
    let uri: http::Uri = endpoint.parse().map_err(|e| format!("endpoint: {e}"))?;
    let key = b64(p256dh)
        .and_then(|k| p256::PublicKey::from_sec1_bytes(&k).ok())
        .ok_or("p256dh")?;
    let auth_bytes = b64(auth).filter(|a| a.len() == 16).ok_or("auth")?;
    let request = WebPushBuilder::new(uri, key, Auth::clone_from_slice(&auth_bytes))
        .with_valid_duration(std::time::Duration::from_secs(TTL_SECS))
        .with_vapid(&keys.pair, &keys.contact)
        .build(body.into_bytes())
        .map_err(|e| e.to_string())?;
    let (mut parts, body) = request.into_parts();
    // Reminders and meeting changes should wake the phone; news can wait for its next wake-up.
    parts
        .headers
        .insert("urgency", http::HeaderValue::from_static("normal"));
    reqwest::Request::try_from(http::Request::from_parts(parts, body)).map_err(|e| e.to_string())
}

/// The HTTP client of the worker: short timeouts, so one slow push service does not hold the
/// queue (the whole exchange, answer included, within 30 s); and no redirects, so a push service
/// (or whatever answers in its name) cannot send the server's request on to another address.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("sotay-push")
        .build()
        // Building fails only when the TLS backend cannot start; then no push could go anyway.
        .unwrap_or_default()
}

/// One round of the worker: expand new notifications, then send what is due.
pub async fn run_once(
    db: &Db,
    client: &reqwest::Client,
    keys: &PushKeys,
    now: i64,
) -> Result<SendReport, AppError> {
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

    const KEY: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    #[test]
    fn subscriptions_are_parsed() {
        let s = parse_subscription(
            " https://fcm.googleapis.com/fcm/send/abc ",
            KEY,
            AUTH,
            false,
        )
        .expect("valid");
        assert_eq!(s.endpoint, "https://fcm.googleapis.com/fcm/send/abc");
        assert!(parse_subscription("http://127.0.0.1:9/x", KEY, AUTH, false).is_err());
        assert!(parse_subscription("http://127.0.0.1:9/x", KEY, AUTH, true).is_ok());
        assert!(parse_subscription("file:///etc/passwd", KEY, AUTH, true).is_err());
        let fcm = "https://fcm.googleapis.com/wp/abc";
        assert!(parse_subscription(fcm, "AAAA", AUTH, false).is_err());
        assert!(parse_subscription(fcm, KEY, "c2hvcnQ", false).is_err());
        assert!(
            parse_subscription(fcm, &format!("{KEY}{}", "A".repeat(200)), AUTH, false).is_err()
        );
        // Padded base64url, as some browsers send it, is accepted too.
        assert!(parse_subscription(fcm, KEY, "BTBZMqHH6r4Tts7J_aSIgg==", false).is_ok());
    }

    /// Issue #17: the server posts only to the browsers' push services.
    #[test]
    fn endpoints_only_on_known_push_services() {
        for ok in [
            "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH",
            "https://fcm.googleapis.com/wp/dGVzdA",
            "https://android.googleapis.com/gcm/send/abc",
            "https://FCM.googleapis.com:443/wp/abc",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
            "https://updates-eu.push.services.mozilla.com/wpush/v1/abc",
            "https://web.push.apple.com/QGuQyavXutnMH6mYrs2dgm",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAABPS6Pnog%2f0sal0z2V",
            "https://db3.notify.windows.com/?token=AgUAAADCQmTg7OMlCg%2fK0K8",
        ] {
            assert!(endpoint_allowed(ok, false), "{ok}");
        }
        for bad in [
            "",
            "http://fcm.googleapis.com/wp/abc",
            "https://fcm.googleapis.com/v1/projects/x/messages:send",
            "https://storage.googleapis.com/bucket/object",
            "https://fcm.googleapis.com.evil.example/wp/abc",
            "https://evilfcm.googleapis.com.example/wp/abc",
            "https://push.apple.com/abc",
            "https://evilpush.apple.com/abc",
            "https://notify.windows.com/abc",
            "https://evil.example/?x=fcm.googleapis.com/wp/",
            "https://user:pass@fcm.googleapis.com/wp/abc",
            "https://fcm.googleapis.com@evil.example/wp/abc",
            "https://evil.example\\@fcm.googleapis.com/wp/abc",
            "https://fcm.googleapis.com:8443/wp/abc",
            "https://127.0.0.1/wp/abc",
            "https://[::1]/wp/abc",
            "https://fcm.googleapis.com/wp/a b",
            "https://fcm.googleapis.com/wp/\u{e9}",
            "https://fcm.googleapis.com%2eevil.example/wp/abc",
            "ftp://fcm.googleapis.com/wp/abc",
            "/wp/abc",
        ] {
            assert!(!endpoint_allowed(bad, false), "{bad}");
        }
        let long = format!(
            "https://fcm.googleapis.com/wp/{}",
            "a".repeat(MAX_ENDPOINT_LEN)
        );
        assert!(!endpoint_allowed(&long, false), "bounded length");
        // The test switch: any host, http too, still no user info.
        assert!(endpoint_allowed("http://127.0.0.1:40123/push/phone", true));
        assert!(endpoint_allowed("https://push.example/x", true));
        assert!(!endpoint_allowed(
            "http://u:p@127.0.0.1:40123/push/phone",
            true
        ));
        assert!(!endpoint_allowed("file:///etc/passwd", true));
    }

    #[test]
    fn payload_is_plain_json() {
        let p: serde_json::Value = serde_json::from_str(&payload(
            NotificationKind::NewDocument,
            "Nghị quyết số 1",
            "/van-ban/5",
            9,
        ))
        .unwrap();
        assert_eq!(p["title"], "Văn bản mới");
        assert_eq!(p["body"], "Nghị quyết số 1");
        assert_eq!(p["url"], "/van-ban/5");
        assert_eq!(p["tag"], "n9");
        assert!(is_known_kind("nhac_hop") && !is_known_kind("spam"));
    }
}
