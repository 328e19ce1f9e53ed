//! The one error type of the application. Every variant maps to an HTTP status and an i18n
//! message key; database errors are logged with a reference id and never shown raw, and
//! constraint violations become field errors.

use crate::domain::register::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("err_not_found")]
    NotFound,
    #[error("err_sign_in_required")]
    Unauthorized,
    #[error("err_forbidden")]
    Forbidden,
    /// Input that breaks a rule; each entry names a field and an i18n key.
    #[error("err_invalid")]
    Invalid(Vec<FieldError>),
    /// Something failed on the server; the reference is in the log next to the cause.
    #[error("err_internal")]
    Internal { reference: String },
    /// The request never reached the server function or its answer could not be read.
    #[error("err_network")]
    Transport(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Invalid(_) => 422,
            AppError::Internal { .. } => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// The i18n key of the message a user reads.
    pub fn key(&self) -> &'static str {
        match self {
            AppError::NotFound => "err_not_found",
            AppError::Unauthorized => "err_sign_in_required",
            AppError::Forbidden => "err_forbidden",
            AppError::Invalid(_) => "err_invalid",
            AppError::Internal { .. } => "err_internal",
            AppError::Transport(_) => "err_network",
        }
    }

    pub fn field(field: &str, key: &str) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    /// Logs `cause` with a fresh reference id and returns the error the user sees.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: &dyn std::fmt::Display) -> AppError {
        let reference = reference_id();
        tracing::error!(reference = %reference, error = %cause, "internal error");
        AppError::Internal { reference }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

/// Puts the error's HTTP status on the server function's response (server functions answer
/// 500 for every error otherwise).
#[cfg(feature = "ssr")]
pub fn with_status(error: AppError) -> AppError {
    // A plain form post (no JavaScript) is answered with a redirect; keep its status.
    if crate::platform::session::is_plain_form_post() {
        return error;
    }
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            res.set_status(status);
        }
    }
    error
}

#[cfg(feature = "ssr")]
fn reference_id() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{:012X}", n & 0xFFFF_FFFF_FFFF)
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> AppError {
        if let sqlx::Error::RowNotFound = err {
            return AppError::NotFound;
        }
        if let Some(db_err) = err.as_database_error() {
            if let Some(error) = constraint_violation(db_err) {
                return error;
            }
        }
        AppError::internal(&err)
    }
}

/// Unique and check violations name a column; turn them into a field error.
#[cfg(feature = "ssr")]
fn constraint_violation(db_err: &dyn sqlx::error::DatabaseError) -> Option<AppError> {
    use sqlx::error::ErrorKind;
    let key = match db_err.kind() {
        ErrorKind::UniqueViolation => "err_duplicate",
        ErrorKind::ForeignKeyViolation => "err_reference_missing",
        ErrorKind::NotNullViolation => "err_required",
        ErrorKind::CheckViolation => "err_invalid_value",
        _ => return None,
    };
    // PostgreSQL names the constraint (`members_cccd_key`); SQLite puts the column in the
    // message (`UNIQUE constraint failed: members.cccd`).
    let field = db_err
        .constraint()
        .and_then(|c| {
            let c = c
                .strip_suffix("_key")
                .or_else(|| c.strip_suffix("_fkey"))
                .or_else(|| c.strip_suffix("_check"))?;
            c.split_once('_').map(|(_, col)| col.to_string())
        })
        .or_else(|| {
            let msg = db_err.message();
            let after = msg.split_once(": ")?.1;
            let column = after.split(',').next()?.trim();
            Some(column.rsplit('.').next()?.to_string())
        })
        .unwrap_or_default();
    Some(AppError::Invalid(vec![FieldError::new(&field, key)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_keys() {
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Forbidden.key(), "err_forbidden");
        assert_eq!(AppError::field("cccd", "err_duplicate").status(), 422);
        assert_eq!(
            AppError::Internal {
                reference: "X".into()
            }
            .to_string(),
            "err_internal"
        );
    }
}
