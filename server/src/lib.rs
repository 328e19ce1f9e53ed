//! The `sotay` server: configuration, the axum router around the Leptos app, security headers,
//! health check and graceful shutdown. `main.rs` holds only the command line.

use app::domain::net::TrustedProxies;
use app::platform::db::Db;
use app::platform::layout::CspNonce;
use app::platform::session::{hash_token, session_token, ClientAddr, SessionExt};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub mod check;
pub mod pwa;

/// Shared state of every request (as in Leptos' `session_auth_axum` example).
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Reverse proxies whose forwarding headers name the client (`SOTAY_TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

/// Settings read from the environment (documented in README, "Configuration").
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub max_connections: Option<u32>,
    pub log_format: LogFormat,
    /// `SOTAY_TRUSTED_PROXIES` as written (parsed by `serve`, which refuses a bad entry).
    pub trusted_proxies: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Config {
    pub fn from_env() -> Config {
        Config {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| app::platform::db::DEFAULT_DATABASE_URL.to_string()),
            max_connections: std::env::var("DATABASE_MAX_CONNECTIONS")
                .ok()
                .and_then(|v| v.parse().ok()),
            log_format: match std::env::var("LOG_FORMAT").as_deref() {
                Ok("json") => LogFormat::Json,
                _ => LogFormat::Pretty,
            },
            trusted_proxies: std::env::var("SOTAY_TRUSTED_PROXIES").unwrap_or_default(),
        }
    }
}

pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed process-wide (leptos_server's `SuppressResourceLoad`, a global flag): a page
/// rendering at that moment in another router of the same process — the integration tests start
/// one per test — waited forever for a resource first polled then (leptos-rs/leptos#4773; it hung
/// a test binary now and then).
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = routes();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .route("/sw.js", get(pwa::service_worker))
        .route("/manifest.webmanifest", get(pwa::manifest))
        .route("/thong-ke/bao-cao.csv", get(report_csv))
        .route("/thong-ke/bao-cao.xlsx", get(report_xlsx))
        .route("/quan-tri/nhat-ky.csv", get(audit_csv))
        // Uploads are counted and capped by the handler itself (so an oversized file gets a
        // Vietnamese message, not a bare 413), hence no default body limit here.
        .route(
            "/van-ban/{id}/tep",
            get(download_attachment)
                .post(upload_attachment)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/quan-tri/nhap-du-lieu/tep",
            axum::routing::post(upload_import).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/sms/tra-loi",
            axum::routing::post(sms_inbound).layer(axum::extract::DefaultBodyLimit::max(16 * 1024)),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let db = state.db.clone();
                move || provide_context(db.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        // The 404 page renders the app too: it needs the database (who is signed in).
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            {
                let db = state.db.clone();
                move || provide_context(db.clone())
            },
            app::shell,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), session_layer))
        .layer(middleware::from_fn(same_site_writes))
        .layer(middleware::from_fn(bad_arguments_are_4xx))
        .layer(middleware::from_fn_with_state(state.clone(), asset_caching))
        .layer(middleware::from_fn(security_headers))
        .layer(on_the_fly_compression())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Compression of what the server writes per request: gzip only. On a 9 KB meeting page,
/// brotli (quality 4, its full window: tables allocated and zeroed for every response) came out
/// no smaller than gzip (3.24 against 3.25 KiB) and cost 30–40% of the page's throughput
/// (docs/BENCHMARKS.md). The static assets keep their brotli files, made once at build time.
fn on_the_fly_compression() -> CompressionLayer<impl tower_http::compression::Predicate> {
    CompressionLayer::new()
        .no_br()
        .compress_when(worth_compressing())
}

/// Responses below about one TCP segment are sent as they are: compressing them saves no packet
/// on the phone's link, and on the server brotli's set-up for a 300-byte answer cost half the
/// throughput of the home data (docs/BENCHMARKS.md). Streamed pages (size unknown) and larger
/// bodies are compressed; never images, gRPC or event streams (tower-http's defaults).
fn worth_compressing() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    SizeAbove::new(COMPRESS_FROM_BYTES)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE)
}

/// Smallest body the server compresses on the fly.
pub const COMPRESS_FROM_BYTES: u16 = 1024;

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// Room for the multipart framing and the small fields around a file, on top of its limit.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// The largest text field an upload form carries (an organisation id).
const SMALL_FIELD_BYTES: usize = 64;

fn declared_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The multipart reader of an upload, made only once the handler has checked the user's right
/// (an extractor in the signature would run before the handler's first line).
async fn multipart_of(
    req: Request<Body>,
) -> Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection> {
    use axum::extract::FromRequest;
    axum::extract::Multipart::from_request(req, &()).await
}

/// A small text field, read up to `SMALL_FIELD_BYTES`; `None` past that or if it is not text.
async fn small_field(mut field: axum::extract::multipart::Field<'_>) -> Option<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.ok()? {
        if bytes.len() + chunk.len() > SMALL_FIELD_BYTES {
            return None;
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).ok()
}

/// `POST /van-ban/{id}/tep`: one file from a multipart form, read in chunks and refused as soon
/// as it passes the largest limit; the answer is a redirect back to the document.
async fn upload_attachment(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Extension(session): axum::Extension<SessionExt>,
    addr: Option<axum::Extension<ClientAddr>>,
    req: Request<Body>,
) -> Response {
    use app::documents::attachments;
    use app::domain::upload::MAX_PDF_BYTES;
    use app::platform::error::AppError;
    let back = |key: Option<&str>| match key {
        None => see_other(&format!("/van-ban/{id}?tep=ok")),
        Some(key) => see_other(&format!("/van-ban/{id}?loi={key}")),
    };
    let Some(user) = session.0 else {
        return see_other(&format!("/dang-nhap?next=/van-ban/{id}"));
    };
    match attachments::may_attach(&state.db, &user, id).await {
        Ok(()) => {}
        Err(AppError::Forbidden) => return StatusCode::FORBIDDEN.into_response(),
        Err(AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return back(Some(e.key())),
    }
    if declared_length(req.headers()).is_some_and(|n| n > MAX_PDF_BYTES as u64 + MULTIPART_OVERHEAD)
    {
        return back(Some("err_upload_pdf_too_large"));
    }
    let mut multipart = match multipart_of(req).await {
        Ok(m) => m,
        Err(_) => return back(Some("err_upload_missing")),
    };
    let mut bytes: Vec<u8> = Vec::new();
    let mut name = String::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("tep") => {
                name = field.file_name().unwrap_or("").to_string();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > MAX_PDF_BYTES {
                                return back(Some("err_upload_pdf_too_large"));
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(_) => return back(Some("err_network")),
                    }
                }
            }
            // Nothing else belongs in this form: an unknown field is refused, not skipped.
            Ok(Some(_)) => return back(Some("err_invalid_value")),
            Ok(None) => break,
            Err(_) => return back(Some("err_network")),
        }
    }
    if bytes.is_empty() {
        return back(Some("err_upload_missing"));
    }
    match attachments::store(&state.db, &user, id, &name, &bytes, addr.map(|a| a.0 .0)).await {
        Ok(()) => back(None),
        Err(AppError::Invalid(fields)) => back(Some(&fields[0].key)),
        Err(e) => back(Some(e.key())),
    }
}

/// `POST /quan-tri/nhap-du-lieu/tep`: a file for import (multipart: `don_vi`, `loai` —
/// `to_chuc` for the organisation tree, `dang_vien` (default) for members — and `tep`),
/// read in chunks and refused past the cap; the answer is a redirect to the job's page, where
/// reading goes on in the background.
async fn upload_import(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<SessionExt>,
    addr: Option<axum::Extension<ClientAddr>>,
    req: Request<Body>,
) -> Response {
    use app::domain::import::MAX_FILE_BYTES;
    use app::platform::error::AppError;
    const PAGE: &str = "/quan-tri/nhap-du-lieu";
    let back = |key: &str| see_other(&format!("{PAGE}?loi={key}"));
    let Some(user) = session.0 else {
        return see_other(&format!("/dang-nhap?next={PAGE}"));
    };
    // The right first, before a byte of the body is read: only admins import.
    if app::domain::permission::scopes(&user.actor, app::domain::permission::Action::ImportRegister)
        .is_empty()
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    if declared_length(req.headers())
        .is_some_and(|n| n > MAX_FILE_BYTES as u64 + MULTIPART_OVERHEAD)
    {
        return back("err_import_too_large");
    }
    let mut multipart = match multipart_of(req).await {
        Ok(m) => m,
        Err(_) => return back("err_upload_missing"),
    };
    let mut org: i64 = 0;
    let mut kind = app::import::ImportKind::Members;
    let mut bytes: Vec<u8> = Vec::new();
    let mut name = String::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("don_vi") => match small_field(field).await {
                Some(t) => org = t.trim().parse().unwrap_or(0),
                None => return back("err_invalid_value"),
            },
            // What the file holds: the organisation tree or (by default) the members.
            Ok(Some(field)) if field.name() == Some("loai") => {
                match small_field(field).await.as_deref().map(str::trim) {
                    Some("to_chuc") => kind = app::import::ImportKind::Orgs,
                    Some("dang_vien") => kind = app::import::ImportKind::Members,
                    _ => return back("err_invalid_value"),
                }
            }
            Ok(Some(mut field)) if field.name() == Some("tep") => {
                name = field.file_name().unwrap_or("").to_string();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                                return back("err_import_too_large");
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(_) => return back("err_network"),
                    }
                }
            }
            // Nothing else belongs in this form: an unknown field is refused, not skipped.
            Ok(Some(_)) => return back("err_invalid_value"),
            Ok(None) => break,
            Err(_) => return back("err_network"),
        }
    }
    match app::import::service::create_job(
        &state.db,
        &user,
        org,
        kind,
        &name,
        bytes,
        addr.map(|a| a.0 .0),
    )
    .await
    {
        Ok(id) => see_other(&format!("{PAGE}?lan={id}")),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(AppError::Invalid(fields)) => back(&fields[0].key),
        Err(e) => back(e.key()),
    }
}

/// `POST /sms/tra-loi`: the SMS provider's webhook for replies, JSON `{"id", "from", "text"}`,
/// signed: `X-Sotay-Timestamp` (unix seconds) and `X-Sotay-Signature` (hex HMAC-SHA256 of
/// `"<timestamp>.<body>"` with `SOTAY_SMS_INBOUND_SECRET`). A wrong or stale signature is 401 and
/// changes nothing; a replayed message id is answered 200 and changes nothing either.
async fn sms_inbound(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use app::sms::service::Received;
    let Some(secret) = app::sms::provider::SmsConfig::from_env()
        .ok()
        .and_then(|c| c.inbound_secret)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = app::platform::clock::now_unix();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(e) = app::domain::sms::verify(
        &secret,
        header("x-sotay-timestamp"),
        &body,
        header("x-sotay-signature"),
        now,
    ) {
        tracing::warn!(error = ?e, "sms reply refused");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let msg: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let field = |k: &str| msg.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let (Some(id), Some(from), Some(text)) = (field("id"), field("from"), field("text")) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match app::sms::service::receive(&state.db, &id, &from, &text, now).await {
        Ok(outcome) => {
            let code = match outcome {
                Received::Recorded(_) => "recorded",
                Received::Unmatched => "unmatched",
                Received::Replayed => "replayed",
            };
            axum::Json(serde_json::json!({ "outcome": code })).into_response()
        }
        Err(e) => {
            tracing::error!(error = ?e, "sms reply not stored");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /van-ban/{id}/tep`: the document's file, only for readers inside its audience.
async fn download_attachment(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    axum::Extension(session): axum::Extension<SessionExt>,
) -> Response {
    let Some(user) = session.0 else {
        return see_other(&format!("/dang-nhap?next=/van-ban/{id}"));
    };
    let stored = match app::documents::attachments::for_reader(&state.db, &user, id).await {
        Ok(s) => s,
        Err(e) => {
            return StatusCode::from_u16(e.status())
                .unwrap_or(StatusCode::NOT_FOUND)
                .into_response()
        }
    };
    let bytes = match tokio::fs::read(&stored.path).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, path = %stored.path.display(), "attachment file missing");
            return StatusCode::NOT_FOUND.into_response();
        }
    };
    let download = query
        .as_deref()
        .map(|q| q.split('&').any(|p| p == "tai=1"))
        .unwrap_or(false);
    // RFC 6266: an ASCII fallback plus the UTF-8 name, percent-encoded.
    let ascii: String = stored
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = stored
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if download { "attachment" } else { "inline" }
    );
    let _ = stored.size;
    let csp = attachment_csp(&stored.content_type);
    (
        [
            (header::CONTENT_TYPE, stored.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            // Whatever a file holds runs nothing on this site: no script, no same-origin access.
            (header::CONTENT_SECURITY_POLICY, csp.to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The policy an uploaded image is served with: a sandboxed document that loads nothing.
pub const ATTACHMENT_CSP: &str = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";
/// The policy of an uploaded PDF: the same without `sandbox`, which Chromium's PDF viewer refuses
/// to run under (the page would show "blocked"); its viewer runs a PDF's scripts in its own
/// isolated process, the bytes were checked to be a PDF, and `nosniff` keeps them one.
pub const PDF_ATTACHMENT_CSP: &str = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'";

pub fn attachment_csp(content_type: &str) -> &'static str {
    if content_type == "application/pdf" {
        PDF_ATTACHMENT_CSP
    } else {
        ATTACHMENT_CSP
    }
}

/// The monthly report for a download: the signed-in viewer's, inside their scope.
async fn report_for(
    state: &AppState,
    session: SessionExt,
    query: &std::collections::HashMap<String, String>,
) -> Result<app::statistics::Report, Response> {
    let Some(user) = session.0 else {
        return Err(see_other("/dang-nhap?next=/thong-ke/bao-cao"));
    };
    let org = query
        .get("don_vi")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let month = query.get("thang").cloned().unwrap_or_default();
    app::statistics::build_report(
        &state.db,
        &user,
        org,
        &month,
        app::platform::clock::now_unix(),
    )
    .await
    .map_err(|e| {
        StatusCode::from_u16(e.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response()
    })
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /thong-ke/bao-cao.csv?don_vi=…&thang=YYYY-MM`
async fn report_csv(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<SessionExt>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    match report_for(&state, session, &query).await {
        Ok(r) => {
            let name = app::statistics::report::file_name(&r, "csv");
            download(
                app::statistics::report::csv(&r, app::i18n::Locale::vi),
                "text/csv; charset=utf-8",
                name,
            )
        }
        Err(res) => res,
    }
}

/// `GET /thong-ke/bao-cao.xlsx?don_vi=…&thang=YYYY-MM`
async fn report_xlsx(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<SessionExt>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    match report_for(&state, session, &query).await {
        Ok(r) => match app::statistics::report::xlsx(&r, app::i18n::Locale::vi) {
            Ok(bytes) => {
                let name = app::statistics::report::file_name(&r, "xlsx");
                download(
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    name,
                )
            }
            Err(e) => {
                tracing::error!(error = %e, "xlsx report failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(res) => res,
    }
}

/// `GET /quan-tri/nhat-ky.csv?nguoi=…&hanh_dong=…&tu_ngay=…&den_ngay=…`: the audit page's list
/// as a file (at most `app::audit::EXPORT_LIMIT` entries). Who asks and their right are checked
/// before the query is read; a filter the page would refuse sends the admin back to the page,
/// which names the field.
async fn audit_csv(
    State(state): State<AppState>,
    axum::Extension(session): axum::Extension<SessionExt>,
    uri: axum::http::Uri,
) -> Response {
    use app::domain::permission::{scopes, Action};
    use app::platform::error::AppError;
    let Some(user) = session.0 else {
        return see_other("/dang-nhap?next=/quan-tri/nhat-ky");
    };
    if scopes(&user.actor, Action::ViewAudit).is_empty() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let query: std::collections::HashMap<String, String> =
        match axum::extract::Query::try_from_uri(&uri) {
            Ok(axum::extract::Query(q)) => q,
            Err(_) => return see_other("/quan-tri/nhat-ky"),
        };
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let values = [
        get("nguoi"),
        get("hanh_dong"),
        get("tu_ngay"),
        get("den_ngay"),
        get("truoc"),
    ];
    match app::audit::entries_for(&state.db, &user, values, app::audit::EXPORT_LIMIT).await {
        Ok((entries, _)) => {
            let rows: Vec<app::audit::AuditRow> = entries.into_iter().map(|e| e.row).collect();
            let name = format!("nhat-ky-{}.csv", app::platform::clock::today_vn().iso());
            download(
                app::audit::csv(&rows, app::i18n::Locale::vi),
                "text/csv; charset=utf-8",
                name,
            )
        }
        Err(AppError::Invalid(_)) => see_other(&format!(
            "/quan-tri/nhat-ky?{}",
            uri.query().unwrap_or_default()
        )),
        Err(e) => StatusCode::from_u16(e.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
    }
}

/// `GET /livez`: 200 while the process serves HTTP, without touching the database (a liveness
/// probe; also the bare baseline endpoint the throughput benchmarks compare against, since it
/// passes through the same middleware as every page).
async fn livez() -> &'static str {
    "ok"
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(db): State<Db>) -> Response {
    match db.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "error", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

/// Resolves the session cookie once per request into the `CurrentUser` (or nobody) and notes
/// the client address; static assets skip the database. Signed-in HTML is never stored by a
/// browser's or proxy's HTTP cache (the service worker keeps what a member reads offline).
async fn session_layer(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let is_static = path.starts_with("/pkg/")
        || path.starts_with("/icons/")
        || path == "/healthz"
        || path == "/livez"
        || path == "/sw.js"
        || path == "/manifest.webmanifest"
        || path.starts_with("/favicon");
    if is_static {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let addr = match peer {
        Some(peer) => {
            // Every line of the header: a client can send its own line ahead of the proxy's.
            let forwarded: Vec<&str> = req
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
            app::domain::net::client_address(peer, forwarded.as_deref(), &state.trusted_proxies)
                .to_string()
        }
        None => "unknown".to_string(),
    };
    req.extensions_mut().insert(ClientAddr(addr));
    let token = req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(session_token)
        .map(str::to_string);
    let user = match token {
        Some(token) => match app::accounts::service::load_current_user(
            &state.db,
            &hash_token(&token),
            app::platform::clock::now_unix(),
        )
        .await
        {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(error = ?e, "session lookup failed");
                None
            }
        },
        None => None,
    };
    let signed_in = user.is_some();
    req.extensions_mut().insert(SessionExt(user));
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if signed_in && html && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// A server function whose arguments could not be read (a letter where a number belongs, a
/// missing field) is answered by Leptos with 500 and a `Transport` error: the request never
/// reached the function, so it is the client's error (400), and monitoring that counts 5xx as
/// the server's faults stays true.
async fn bad_arguments_are_4xx(req: Request<Body>, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if matches!(
        serde_json::from_slice::<app::platform::error::AppError>(&bytes),
        Ok(app::platform::error::AppError::Transport(_))
    ) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Refuses a state-changing request that a browser says comes from another site (cross-site
/// request forgery). `Sec-Fetch-Site` is believed when present (`same-origin` and `none` — typed
/// or bookmarked — pass); else `Origin` must be this site's; a request with neither (an old
/// browser, curl, a test) passes, as the session cookie is `SameSite=Lax` anyway. Same-origin
/// forms without JavaScript send both headers and pass.
async fn same_site_writes(req: Request<Body>, next: Next) -> Response {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let host = text(header::HOST);
    let allowed = match fetch_site {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => match text(header::ORIGIN) {
            Some(origin) => same_origin(origin, host),
            None => true,
        },
    };
    if allowed {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), origin = ?text(header::ORIGIN), fetch_site = ?fetch_site, "cross-site write refused");
    let body = app::platform::messages::error_text(app::i18n::Locale::vi, "err_cross_site");
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Whether an `Origin` names this site: the public URL's origin when one is configured
/// (`SOTAY_PUBLIC_URL`, behind a proxy), else the request's own `Host`.
pub fn same_origin(origin: &str, host: Option<&str>) -> bool {
    if origin == "null" {
        return false;
    }
    let Some(origin) = normalized_origin(origin) else {
        return false;
    };
    if let Ok(public) = std::env::var("SOTAY_PUBLIC_URL") {
        if let Some(public) = normalized_origin(&public) {
            return origin == public;
        }
    }
    let Some(host) = host else { return false };
    // Without a public URL: the same host and port, by either scheme (behind a proxy the scheme
    // the browser used is not this server's).
    let own = |scheme: &str| normalized_origin(&format!("{scheme}://{host}"));
    own("http").as_deref() == Some(origin.as_str())
        || own("https").as_deref() == Some(origin.as_str())
}

/// `scheme://host[:port]` in lower case, without a path and without the scheme's default port.
fn normalized_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    (!authority.is_empty() && !authority.contains('@')).then(|| format!("{scheme}://{authority}"))
}

/// Gives each request a fresh nonce (read by the shell for the hydration scripts) and sets
/// the security headers, with a CSP that allows only scripts carrying that nonce.
async fn security_headers(mut req: Request<Body>, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    // A handler may set a stricter policy of its own (attachments are sandboxed).
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    if app::platform::session::public_url_is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    res
}

/// How long a browser may keep a file of the build's pkg folder. Hashed names (release and
/// development builds made by cargo-leptos) change with their content, so a phone keeps them a
/// year and never asks again: on a weak connection a revisit costs no round trip per file (a
/// page needs its script, its wasm and 50–250 wasm chunks). wasm-bindgen's `snippets/` folders
/// are named after the crate, not the content, and unhashed builds keep their names: those are
/// revalidated (`no-cache`: a 304 when unchanged). `None` outside the pkg folder.
pub fn asset_cache_control(path: &str, pkg_dir: &str, hashed_names: bool) -> Option<&'static str> {
    let rest = path
        .strip_prefix('/')?
        .strip_prefix(pkg_dir)?
        .strip_prefix('/')?;
    if hashed_names && !rest.starts_with("snippets/") && !rest.contains("..") {
        Some("public, max-age=31536000, immutable")
    } else {
        Some("no-cache")
    }
}

async fn asset_caching(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let options = &state.leptos_options;
    let policy = asset_cache_control(req.uri().path(), &options.site_pkg_dir, options.hash_files);
    let mut res = next.run(req).await;
    if let Some(policy) = policy {
        if res.status() == StatusCode::OK && !res.headers().contains_key(header::CACHE_CONTROL) {
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
            // The same URL is sent as brotli, gzip or plain (precompressed files): a shared cache
            // in front (a CDN, the reverse proxy's cache) must keep them apart.
            res.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    res
}

/// Signing in hashes with argon2id, 19 MiB a hash. glibc's malloc raises its mmap threshold once
/// such a block is freed, so later ones come from its heap arenas and stay there: resident memory
/// grew from 55 MB to about 740 MB after a few seconds of sign-ins and never came back (measured,
/// docs/BENCHMARKS.md, "Server suite"). A fixed threshold keeps big blocks as mappings that go
/// back to the system when freed. Other platforms' allocators are left as they are.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a malloc parameter; called once, at start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Connects, migrates and serves until Ctrl-C or SIGTERM, then drains open requests.
pub async fn serve(config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    let conf = get_configuration(None)?;
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;
    let trusted_proxies = TrustedProxies::parse(&config.trusted_proxies)
        .map_err(|entry| format!("SOTAY_TRUSTED_PROXIES: {entry:?}"))?;
    let db = Db::connect(&config.database_url, config.max_connections).await?;
    db.migrate().await?;
    let state = AppState {
        leptos_options,
        db: db.clone(),
        trusted_proxies,
    };
    spawn_meeting_scheduler(db.clone());
    spawn_notification_workers(db.clone()).await?;
    let sms = app::sms::provider::SmsConfig::from_env()
        .map_err(|setting| format!("{setting}: docs/OPERATIONS.md, SMS"))?;
    spawn_sms_worker(db.clone(), sms);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!(%addr, database = %redact(&config.database_url), "listening on http://{addr}");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Sends queued SMS every 30 seconds (in the day; each message once, whatever other servers do).
fn spawn_sms_worker(db: Db, config: app::sms::provider::SmsConfig) {
    if config.provider == app::sms::provider::Provider::Off {
        return;
    }
    tokio::spawn(async move {
        let client = app::sms::provider::http_client();
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::sms::service::send_due(
                &db,
                &config,
                &client,
                app::platform::clock::now_unix(),
                200,
            )
            .await
            {
                Ok(r) if r == Default::default() => {}
                Ok(r) => tracing::info!(
                    sent = r.sent,
                    failed = r.failed,
                    over_cap = r.over_cap,
                    expired = r.expired,
                    "sms"
                ),
                Err(e) => tracing::warn!(error = ?e, "sms worker failed"),
            }
        }
    });
}

/// The scheduled job of the meetings feature: every hour, make sure every cell has this
/// month's periodic meeting, and from the 15th next month's too, so leaders can prepare and
/// publish it around the 20th. Idempotent, so restarts and several servers do no harm.
fn spawn_meeting_scheduler(db: Db) {
    use app::domain::meeting::Month;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let today = app::platform::clock::today_vn();
            let this = Month::of(today);
            let mut months = vec![this];
            if today.day >= 15 {
                months.push(this.next());
            }
            for month in months {
                match app::meetings::service::open_month(
                    &db,
                    month,
                    app::platform::clock::now_unix(),
                )
                .await
                {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(month = %month.code(), created = n, "opened periodic meetings")
                    }
                    Err(e) => {
                        tracing::warn!(month = %month.code(), error = ?e, "opening periodic meetings failed")
                    }
                }
            }
            // This month's usage snapshot (the rate-over-time chart), refreshed every hour.
            if let Err(e) = app::statistics::service::snapshot(
                &db,
                &this.code(),
                app::platform::clock::now_unix(),
            )
            .await
            {
                tracing::warn!(error = ?e, "usage snapshot failed");
            }
        }
    });
}

/// Reminders (every minute) and the Web Push worker (every few seconds: two indexed queries
/// when idle). The VAPID keys are made here on first start, so the settings page has them.
async fn spawn_notification_workers(db: Db) -> Result<(), Box<dyn std::error::Error>> {
    let keys = app::notifications::push::keys(&db)
        .await
        .map_err(|e| format!("push keys: {e:?}"))?;
    let reminders_db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match app::meetings::reminders::run(&reminders_db, app::platform::clock::now_unix())
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(sent = n, "reminders sent"),
                Err(e) => tracing::warn!(error = ?e, "reminders failed"),
            }
        }
    });
    tokio::spawn(async move {
        let client = app::notifications::push::http_client();
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::notifications::push::run_once(
                &db,
                &client,
                &keys,
                app::platform::clock::now_unix(),
            )
            .await
            {
                Ok(r) if r == Default::default() => {}
                Ok(r) => tracing::info!(
                    delivered = r.delivered,
                    retried = r.retried,
                    gone = r.gone,
                    dropped = r.dropped,
                    deferred = r.deferred,
                    "push round"
                ),
                Err(e) => tracing::warn!(error = ?e, "push worker round failed"),
            }
        }
    });
    Ok(())
}

/// The database URL without a password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://sotay:secret@db:5432/sotay"),
            "postgres://sotay:***@db:5432/sotay"
        );
        assert_eq!(
            super::redact("sqlite://data/sotay.db"),
            "sqlite://data/sotay.db"
        );
    }

    #[test]
    fn origins_compare_by_scheme_host_and_port() {
        use super::same_origin;
        assert!(same_origin("http://127.0.0.1:3000", Some("127.0.0.1:3000")));
        assert!(same_origin(
            "https://sotay.example.vn",
            Some("sotay.example.vn")
        ));
        assert!(same_origin(
            "HTTP://Sotay.Example.VN:80",
            Some("sotay.example.vn")
        ));
        assert!(!same_origin(
            "http://evil.example",
            Some("sotay.example.vn")
        ));
        assert!(!same_origin(
            "http://sotay.example.vn.evil.example",
            Some("sotay.example.vn")
        ));
        assert!(!same_origin("null", Some("sotay.example.vn")));
        assert!(!same_origin(
            "http://a@sotay.example.vn",
            Some("sotay.example.vn")
        ));
        assert!(!same_origin("http://sotay.example.vn", None));
        assert_eq!(
            super::normalized_origin("https://sotay.example.vn:443/app/"),
            Some("https://sotay.example.vn".into())
        );
    }

    #[test]
    fn build_files_cache_policy() {
        use super::asset_cache_control as policy;
        let year = Some("public, max-age=31536000, immutable");
        assert_eq!(policy("/pkg/sotay.abc.wasm", "pkg", true), year);
        assert_eq!(policy("/pkg/chunk_3.abc.wasm", "pkg", true), year);
        assert_eq!(
            policy("/pkg/snippets/app-1/inline0.js", "pkg", true),
            Some("no-cache")
        );
        assert_eq!(policy("/pkg/sotay.wasm", "pkg", false), Some("no-cache"));
        assert_eq!(policy("/pkgx/a.js", "pkg", true), None);
        assert_eq!(policy("/sinh-hoat/1", "pkg", true), None);
        assert_eq!(policy("/", "pkg", true), None);
    }
}
