//! What other features and the server use of meetings (the SQL stays in `repo`): the monthly
//! opening, an answer given by SMS, and the pages a member keeps offline.

use crate::domain::permission::Actor;
use crate::platform::db::Db;
use crate::platform::error::AppError;

pub use super::repo::{open_month, rsvp_via};

/// The member's next meetings (at most 3) with their materials' document ids: what the phone
/// keeps for reading offline.
pub async fn kept_offline(
    db: &Db,
    actor: &Actor,
    today: &str,
) -> Result<Vec<(i64, Vec<i64>)>, AppError> {
    let mut kept = Vec::new();
    for m in super::repo::next_for_member(db, actor, today)
        .await?
        .iter()
        .take(3)
    {
        kept.push((m.id, super::repo::document_ids(db, m.id).await?));
    }
    Ok(kept)
}
