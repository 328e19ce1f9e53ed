//! The one harness of server functions: a body runs with the signed-in user and the database
//! ([`signed_in`]) or without a user ([`serve`], or [`with_db`] with the database, for sign-in,
//! joining and other public calls), and every error it returns gets its HTTP status (and i18n
//! key) in one place. A server function then reads as: parse the input into domain types,
//! authorise with `domain::permission`, call the feature's service, return typed data.

use crate::platform::db::{self, Db};
use crate::platform::error::{with_status, AppError};
use crate::platform::session::{require_user, CurrentUser};
use std::future::Future;

/// Runs a server function's body; its error carries its HTTP status.
pub async fn serve<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    body.await.map_err(with_status)
}

/// Runs a server function's body for the signed-in visitor, with the database: anyone else gets
/// 401 before the body runs.
pub async fn signed_in<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(CurrentUser, Db) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    serve(async move {
        let user = require_user()?;
        let db = db::from_context()?;
        body(user, db).await
    })
    .await
}

/// Runs a server function's body with the database, whether or not anyone is signed in (signing
/// in, joining, activating, and calls a visitor may make signed out).
pub async fn with_db<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    serve(async move {
        let db = db::from_context()?;
        body(db).await
    })
    .await
}
