//! What other features use of tasks (the SQL stays in `repo`): assigning one at a meeting, and
//! a meeting's tasks for its page.

use crate::domain::task::TaskDraft;
use crate::platform::error::AppError;
use sqlx::AnyConnection;

pub use super::repo::meeting_and_open_tasks;

/// Gives a task to a member, in the caller's transaction: the task, the member's notification
/// and (for a member without a smartphone) the SMS. The caller audits the assignment.
pub async fn assign(
    tx: &mut AnyConnection,
    org_id: i64,
    meeting_id: i64,
    assignee: i64,
    draft: &TaskDraft,
    by: i64,
    now: i64,
) -> Result<i64, AppError> {
    let id = super::repo::insert(
        &mut *tx,
        org_id,
        meeting_id,
        assignee,
        &draft.title,
        draft.due,
        by,
        now,
    )
    .await?;
    crate::notifications::service::notify_members(
        &mut *tx,
        crate::domain::notification::NotificationKind::TaskAssigned,
        &[assignee],
        crate::domain::notification::NotificationRef::Task,
        id,
        &draft.title,
        now,
    )
    .await?;
    crate::sms::service::enqueue_task(&mut *tx, id, now).await?;
    Ok(id)
}
