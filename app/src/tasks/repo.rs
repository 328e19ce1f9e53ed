//! The tasks' SQL.

use super::TaskView;
use crate::domain::meeting::TaskStatus;
use crate::domain::org::OrgPath;
use crate::domain::register::Date;
use crate::platform::db::{scope_clause, Db};
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection};

/// A task with its assignee, cell and latest report note.
const TASK_SELECT: &str = "SELECT t.id, t.title, t.assignee_id, mb.full_name AS assignee, t.due_date, t.status, t.progress, t.meeting_id, o.name AS org_name,
        (SELECT r.note FROM task_reports r WHERE r.task_id = t.id AND r.note IS NOT NULL ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS last_note
    FROM tasks t JOIN members mb ON mb.id = t.assignee_id JOIN organizations o ON o.id = t.org_id";

async fn task_query(
    db: &Db,
    filter: &str,
    value: i64,
    limit: i64,
) -> Result<Vec<TaskView>, AppError> {
    let sql =
        format!("{TASK_SELECT} WHERE {filter} ORDER BY t.status, t.due_date, t.id LIMIT {limit}");
    Ok(sqlx::query_as::<Any, TaskView>(&sql)
        .bind(value)
        .fetch_all(db.pool())
        .await?)
}

/// The tasks given at a meeting and the open tasks of its cell, in one statement: the meeting
/// page shows both, and each list keeps its own order and limit.
pub async fn meeting_and_open_tasks(
    db: &Db,
    meeting_id: i64,
    org_id: i64,
) -> Result<(Vec<TaskView>, Vec<TaskView>), AppError> {
    let sql = format!(
        "SELECT * FROM (SELECT CAST(0 AS BIGINT) AS part, g.* FROM ({TASK_SELECT} WHERE t.meeting_id = $1 ORDER BY t.status, t.due_date, t.id LIMIT 200) g) given
         UNION ALL
         SELECT * FROM (SELECT CAST(1 AS BIGINT) AS part, c.* FROM ({TASK_SELECT} WHERE t.org_id = $2 AND t.status = 'dang_lam' ORDER BY t.status, t.due_date, t.id LIMIT 200) c) cell_open
         ORDER BY part, status, due_date, id"
    );
    let rows = sqlx::query_as::<Any, PartTask>(&sql)
        .bind(meeting_id)
        .bind(org_id)
        .fetch_all(db.pool())
        .await?;
    let (mut given, mut open) = (Vec::new(), Vec::new());
    for r in rows {
        if r.part == 0 {
            given.push(r.task);
        } else {
            open.push(r.task);
        }
    }
    Ok((given, open))
}

/// A task of `meeting_and_open_tasks`: 0 given at the meeting, 1 open in the cell.
#[derive(sqlx::FromRow)]
struct PartTask {
    part: i64,
    #[sqlx(flatten)]
    task: TaskView,
}

pub async fn tasks_of_member(db: &Db, member_id: i64) -> Result<Vec<TaskView>, AppError> {
    task_query(db, "t.assignee_id = $1", member_id, 200).await
}

pub async fn tasks_in_scopes(db: &Db, scopes: &[OrgPath]) -> Result<Vec<TaskView>, AppError> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let (clause, binds) = scope_clause("o.path", scopes, 1);
    let sql = format!("{TASK_SELECT} WHERE {clause} ORDER BY t.status, t.due_date, t.id LIMIT 200");
    let mut q = sqlx::query_as::<Any, TaskView>(&sql);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.pool()).await?)
}

/// (assignee, organisation path) of a task.
pub async fn task_owner(db: &Db, task_id: i64) -> Result<(i64, OrgPath), AppError> {
    Ok(sqlx::query_as::<Any, (i64, OrgPath)>("SELECT t.assignee_id, o.path FROM tasks t JOIN organizations o ON o.id = t.org_id WHERE t.id = $1").bind(task_id).fetch_one(db.pool()).await?)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    meeting_id: i64,
    assignee: i64,
    title: &str,
    due: Date,
    by: i64,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "INSERT INTO tasks (org_id, meeting_id, assignee_id, title, due_date, status, progress, assigned_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $8, 0, $6, $7, $7) RETURNING id",
    )
    .bind(org_id)
    .bind(meeting_id)
    .bind(assignee)
    .bind(crate::domain::text::nfc(title))
    .bind(due.iso())
    .bind(by)
    .bind(now)
    .bind(TaskStatus::Open)
    .fetch_one(conn)
    .await?)
}

#[allow(clippy::too_many_arguments)]
/// A progress report and the task's new state; two statements, so the caller passes a
/// transaction.
pub async fn report(
    conn: &mut AnyConnection,
    task_id: i64,
    member_id: i64,
    report: &crate::domain::task::ProgressReport,
    recorded_by: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO task_reports (task_id, member_id, progress, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(task_id)
        .bind(member_id)
        .bind(report.progress)
        .bind(report.note.as_deref().map(crate::domain::text::nfc))
        .bind(recorded_by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let done = report.done();
    sqlx::query(
        "UPDATE tasks SET progress = $2, status = $3, completed_at = CASE WHEN $3 = 'hoan_thanh' THEN $4 ELSE NULL END, updated_at = $4 WHERE id = $1",
    )
    .bind(task_id)
    .bind(report.progress)
    .bind(if done { TaskStatus::Done } else { TaskStatus::Open })
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
