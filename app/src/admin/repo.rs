//! SQL of the organisation tree's changes (creating and moving use the register's own
//! `insert_org` and `move_subtree`). Everything here runs in the caller's transaction.

use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection};

/// A live organisation's children with their subtree's member count, by name.
pub async fn children(
    conn: &mut AnyConnection,
    parent_id: i64,
) -> Result<Vec<super::OrgNode>, AppError> {
    Ok(sqlx::query_as::<Any, super::OrgNode>(
        "SELECT c.id, c.name, c.kind, c.code, c.path,
                (SELECT COUNT(*) FROM members m JOIN organizations o ON o.id = m.org_id
                  WHERE o.path >= c.path AND o.path < substr(c.path, 1, length(c.path) - 1) || '0') AS members,
                (SELECT COUNT(*) FROM organizations g WHERE g.parent_id = c.id AND g.dissolved_at IS NULL) AS children
         FROM organizations c WHERE c.parent_id = $1 AND c.dissolved_at IS NULL ORDER BY c.name",
    )
    .bind(parent_id)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn rename(
    conn: &mut AnyConnection,
    id: i64,
    name: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE organizations SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name.to_string())
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Members directly in the organisation, and live organisations directly under it.
pub async fn contents(conn: &mut AnyConnection, id: i64) -> Result<(i64, i64), AppError> {
    Ok(sqlx::query_as::<Any, (i64, i64)>(
        "SELECT (SELECT COUNT(*) FROM members WHERE org_id = $1) AS members,
                (SELECT COUNT(*) FROM organizations WHERE parent_id = $1 AND dissolved_at IS NULL) AS children",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn dissolve(
    conn: &mut AnyConnection,
    id: i64,
    merged_into: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE organizations SET dissolved_at = $1, merged_into = $2, updated_at = $1 WHERE id = $3")
        .bind(now)
        .bind(merged_into)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves the members of `from` into `into`, remembering where they were.
pub async fn move_members(
    conn: &mut AnyConnection,
    from: i64,
    into: i64,
    now: i64,
) -> Result<u64, AppError> {
    sqlx::query("INSERT INTO member_org_history (member_id, org_id, until, reason) SELECT id, $1, $2, 'merge' FROM members WHERE org_id = $1")
        .bind(from)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(
        sqlx::query("UPDATE members SET org_id = $1, updated_at = $2 WHERE org_id = $3")
            .bind(into)
            .bind(now)
            .bind(from)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

/// Live children of an organisation, as (id, path), for moving them one by one.
pub async fn child_paths(conn: &mut AnyConnection, id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT id FROM organizations WHERE parent_id = $1 AND dissolved_at IS NULL",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}
