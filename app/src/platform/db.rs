//! One database handle for SQLite (the embedded default) and PostgreSQL (production).
//! Queries are written once with `$1` placeholders and run through sqlx's `Any` driver;
//! the few statements that differ by dialect ask `Db::dialect()`.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sotay.db";

/// A pooled PostgreSQL connection idle for longer than this is checked before it is used again.
/// Under load connections come back within milliseconds and skip the check; after a quiet
/// second (when the server may have restarted) they are checked — HikariCP's rule, with its
/// 500 ms widened to a second.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    dialect: Dialect,
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("unsupported DATABASE_URL (use sqlite://… or postgres://…): {0}")]
    UnsupportedUrl(String),
    #[error("cannot create the directory for the SQLite file {0}: {1}")]
    Directory(String, std::io::Error),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Connects (creating the SQLite file and its directory if needed).
    pub async fn connect(url: &str, max_connections: Option<u32>) -> Result<Db, DbSetupError> {
        sqlx::any::install_default_drivers();
        let (dialect, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            (Dialect::Sqlite, sqlite_url(rest)?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_string())
        } else {
            return Err(DbSetupError::UnsupportedUrl(url.to_string()));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool_options = AnyPoolOptions::new()
            .max_connections(max_connections.unwrap_or(match dialect {
                // SQLite serialises writers anyway; a few readers run beside them under WAL.
                Dialect::Sqlite => 8,
                Dialect::Postgres => 20,
            }))
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection it hands out by default: a second round trip (on
            // SQLite a second trip through the connection's worker thread) for every
            // statement. Only a connection that has sat idle can have been dropped by the
            // server or the network between, so only those are pinged; an embedded SQLite
            // file cannot hang up.
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if !needs_ping(dialect, meta.idle_for) {
                        return Ok(true);
                    }
                    // A failed ping discards the connection and the pool opens another.
                    Ok(sqlx::Connection::ping(conn).await.is_ok())
                })
            });
        let pool = match dialect {
            Dialect::Sqlite => {
                pool_options
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Dialect::Postgres => pool_options.connect_with(options).await?,
        };
        Ok(Db { pool, dialect })
    }

    pub async fn migrate(&self) -> Result<(), DbSetupError> {
        match self.dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// How the database's applied migrations compare with this binary's, without running any
    /// (`sotay check`).
    pub async fn migration_state(&self) -> Result<MigrationState, sqlx::Error> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        // No table yet: nothing applied.
        let applied: Vec<(i64, Vec<u8>)> = match sqlx::query_as::<sqlx::Any, (i64, Vec<u8>)>(
            "SELECT version, checksum FROM _sqlx_migrations WHERE success = TRUE",
        )
        .fetch_all(&self.pool)
        .await
        {
            Ok(rows) => rows,
            Err(sqlx::Error::Database(e))
                if e.code().as_deref() == Some("42P01")
                    || e.message().contains("no such table") =>
            {
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let mut state = MigrationState::default();
        for m in migrator.iter() {
            match applied.iter().find(|(v, _)| *v == m.version) {
                None => state.pending.push(m.version),
                Some((_, sum)) if sum.as_slice() != &*m.checksum => state.modified.push(m.version),
                Some(_) => {}
            }
        }
        state.unknown = applied
            .iter()
            .map(|(v, _)| *v)
            .filter(|v| !migrator.iter().any(|m| m.version == *v))
            .collect();
        Ok(state)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// A cheap round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Migrations of this binary not yet applied, applied ones whose file changed since, and
/// applied ones this binary does not know (a newer version ran against the database).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationState {
    pub pending: Vec<i64>,
    pub modified: Vec<i64>,
    pub unknown: Vec<i64>,
}

/// The file of a `sqlite:` URL, `None` for any other.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| std::path::PathBuf::from(path))
}

/// Whether a pooled connection is checked before use (see `Db::connect`).
fn needs_ping(dialect: Dialect, idle_for: Duration) -> bool {
    dialect == Dialect::Postgres && idle_for >= PING_WHEN_IDLE_FOR
}

/// The database of the current request (provided to every route and server function).
pub fn from_context() -> Result<Db, crate::platform::error::AppError> {
    leptos::prelude::use_context::<Db>()
        .ok_or_else(|| crate::platform::error::AppError::internal(&"database not in context"))
}

/// `(o.path >= $n AND o.path < $n+1) OR …` for a list of scopes, starting at placeholder `first`;
/// `FALSE`-equivalent when there are none. Returns the clause and the values to bind in order.
pub fn scope_clause(
    column: &str,
    scopes: &[crate::domain::org::OrgPath],
    first: usize,
) -> (String, Vec<String>) {
    if scopes.is_empty() {
        return ("1 = 0".to_string(), Vec::new());
    }
    let mut parts = Vec::new();
    let mut binds = Vec::new();
    for (i, s) in scopes.iter().enumerate() {
        let n = first + 2 * i;
        parts.push(format!("({column} >= ${n} AND {column} < ${})", n + 1));
        binds.push(s.as_str().to_string());
        binds.push(s.subtree_upper());
    }
    (format!("({})", parts.join(" OR ")), binds)
}

/// `sqlite://data/sotay.db` → make sure `data/` exists and the file may be created.
fn sqlite_url(rest: &str) -> Result<String, DbSetupError> {
    let path_and_query = rest.trim_start_matches("//");
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    if path.is_empty() || path == ":memory:" {
        // A pool of in-memory SQLite connections would give each connection its own database.
        return Err(DbSetupError::UnsupportedUrl(format!("sqlite:{rest}")));
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbSetupError::Directory(path.to_string(), e))?;
        }
    }
    let query = match query {
        Some(q) if q.contains("mode=") => q.to_string(),
        Some(q) => format!("{q}&mode=rwc"),
        None => "mode=rwc".to_string(),
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idle_postgres_connections_are_pinged() {
        assert!(
            !needs_ping(Dialect::Postgres, Duration::from_millis(5)),
            "a busy connection goes straight to its statement"
        );
        assert!(!needs_ping(
            Dialect::Postgres,
            PING_WHEN_IDLE_FOR - Duration::from_millis(1)
        ));
        assert!(needs_ping(Dialect::Postgres, PING_WHEN_IDLE_FOR));
        assert!(needs_ping(Dialect::Postgres, Duration::from_secs(3600)));
        assert!(
            !needs_ping(Dialect::Sqlite, Duration::from_secs(3600)),
            "an embedded file cannot hang up"
        );
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join(format!("sotay-url-{}", std::process::id()));
        let file = dir.join("x.db");
        let url = sqlite_url(&format!("//{}", file.display())).unwrap();
        assert_eq!(url, format!("sqlite://{}?mode=rwc", file.display()));
        assert!(dir.is_dir());
        assert!(sqlite_url("//:memory:").is_err());
        assert_eq!(
            sqlite_url("//a.db?mode=ro").unwrap(),
            "sqlite://a.db?mode=ro"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}

/// Reading and binding stored codes as their enums (`domain::code`): a `FromRow` field or a
/// `query_scalar` of type `MeetingStatus` fails with the column's unknown value (logged with a
/// reference, never shown as another state), and `.bind(status)` stores `status.code()`.
macro_rules! sql_codes {
    ($($ty:path),+ $(,)?) => {$(
        impl sqlx::Type<sqlx::Any> for $ty {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <&str as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $ty {
            fn decode(
                value: sqlx::any::AnyValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                use crate::domain::code::Coded;
                let text = <&str as sqlx::Decode<sqlx::Any>>::decode(value)?;
                <$ty as Coded>::from_code(text).ok_or_else(|| {
                    format!("unknown {} code {text:?}", <$ty as Coded>::NAME).into()
                })
            }
        }
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                use crate::domain::code::Coded;
                <&str as sqlx::Encode<sqlx::Any>>::encode(Coded::code(*self), buf)
            }
        }
    )+};
}

sql_codes!(
    crate::domain::document::DocumentKind,
    crate::domain::document::DocumentStatus,
    crate::domain::account::AccountStatus,
    crate::domain::org::OrgKind,
    crate::domain::meeting::MeetingKind,
    crate::domain::meeting::MeetingFormat,
    crate::domain::meeting::MeetingStatus,
    crate::domain::meeting::Attendance,
    crate::domain::meeting::Rsvp,
    crate::domain::meeting::VoteChoice,
    crate::domain::meeting::MotionStatus,
    crate::domain::meeting::MeetingRating,
    crate::domain::meeting::TaskStatus,
    crate::domain::notification::NotificationKind,
    crate::domain::notification::NotificationRef,
    crate::domain::audit::AuditAction,
    crate::domain::audit::AuditTarget,
    crate::domain::sms::SmsKind,
    crate::domain::sms::SmsStatus,
    crate::domain::account::ActivationPurpose,
    crate::domain::account::JoinRequestStatus,
    crate::domain::account::ContactChangeStatus,
    crate::domain::import_codes::ImportKind,
    crate::domain::import_codes::ImportStage,
    crate::domain::import_codes::BlockedReason,
    crate::domain::permission::Role,
    crate::domain::register::Position,
    crate::domain::register::Gender,
    crate::domain::register::MemberStatus,
    crate::domain::account::TextSize,
    crate::domain::document::DocType,
);

/// Reading stored text that parses into a domain type (an organisation path), so row structs
/// can derive `sqlx::FromRow`: a value that does not parse is an error with the column's text.
macro_rules! sql_parsed {
    ($($ty:path),+ $(,)?) => {$(
        impl sqlx::Type<sqlx::Any> for $ty {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <&str as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $ty {
            fn decode(
                value: sqlx::any::AnyValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<sqlx::Any>>::decode(value)?;
                <$ty>::parse(text).map_err(|e| format!("{text:?}: {e:?}").into())
            }
        }
    )+};
}

sql_parsed!(crate::domain::org::OrgPath);
