//! Tasks (nhiệm vụ): given to a member at a meeting (the meetings feature assigns them through
//! `service::assign`), followed up by the member or, for a member without a phone, by a leader
//! of the cell; `/nhiem-vu` lists the member's own and, for leaders, their cells'.

pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::meeting::TaskStatus;
use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TaskView {
    pub id: i64,
    pub title: String,
    pub assignee: String,
    pub assignee_id: i64,
    pub due_date: String,
    pub status: TaskStatus,
    pub progress: i64,
    pub last_note: Option<String>,
    pub meeting_id: Option<i64>,
    pub org_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskList {
    pub mine: Vec<TaskView>,
    /// The tasks of the cells the caller runs.
    pub cell: Vec<TaskView>,
}

/// My tasks, and for leaders the tasks of their cells.
#[server(prefix = "/api", endpoint = "tasks")]
pub async fn tasks() -> Result<TaskList, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        let mine = repo::tasks_of_member(&db, user.actor.member_id).await?;
        let cell = repo::tasks_in_scopes(&db, &scopes(&user.actor, Action::RunMeeting)).await?;
        Ok(TaskList { mine, cell })
    })
    .await
}

/// Progress on a task: by its assignee, or by a leader of its cell on their behalf.
#[server(prefix = "/api", endpoint = "report_task")]
pub async fn report_task(
    task_id: i64,
    progress: String,
    note: String,
    #[server(default)] done: bool,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{may, Action};
        use crate::domain::task::ProgressReport;
        let (assignee, org_path) = repo::task_owner(&db, task_id).await?;
        let own = assignee == user.actor.member_id;
        if !own && !may(&user.actor, Action::RunMeeting, &org_path) {
            return Err(AppError::NotFound);
        }
        if !own {
            let (_, subject, _) =
                crate::accounts::service::subject_of_member(&db, assignee).await?;
            if !crate::domain::permission::may_record_for(&user.actor, &subject) {
                return Err(AppError::Forbidden);
            }
        }
        let report = ProgressReport::parse(&progress, &note, done).map_err(AppError::Invalid)?;
        let recorded_by = (!own).then_some(user.actor.member_id);
        let mut tx = db.pool().begin().await?;
        repo::report(
            &mut tx,
            task_id,
            assignee,
            &report,
            recorded_by,
            crate::platform::clock::now_unix(),
        )
        .await?;
        // A leader's report for the assignee is audited with it.
        if !own {
            let entry = crate::platform::audit::AuditEntry {
                actor_account_id: Some(user.actor.account_id),
                on_behalf_of: Some(assignee),
                target_type: Some(crate::domain::audit::AuditTarget::Task),
                target_id: Some(task_id),
                org_id: Some(org_path.id()),
                detail: Some(report.progress.to_string()),
                ip: crate::platform::session::client_addr(),
                ..crate::platform::audit::AuditEntry::new(
                    crate::domain::audit::AuditAction::TaskReport,
                )
            };
            crate::platform::audit::record(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}
