//! Administration of the organisation tree (`/quan-tri`): an admin sees their subtree and
//! creates, renames, moves (the 2025 mergers re-parented whole provinces), merges and dissolves
//! organisations inside it. Every change is audited; nothing is deleted — a dissolved or
//! merged-away organisation keeps its row (past meetings and documents still name it) and the
//! members a merge moved keep their past organisation in `member_org_history`.

pub mod pages;
#[cfg(feature = "ssr")]
mod repo;

#[cfg(feature = "ssr")]
use crate::domain::audit::AuditAction;
use crate::domain::org::OrgKind;
use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrgNode {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub code: String,
    /// Members in the whole subtree.
    pub members: i64,
    /// Live organisations directly under it.
    pub children: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeView {
    pub org: OrgNode,
    /// From the top of the viewer's scope down to the parent of `org`.
    pub breadcrumb: Vec<(i64, String)>,
    pub children: Vec<OrgNode>,
    /// The organisation itself may be renamed, moved, merged or dissolved (strictly inside scope).
    pub may_change: bool,
    /// Kinds that may be created under it.
    pub child_kinds: Vec<OrgKind>,
}

#[cfg(feature = "ssr")]
mod guard {
    use crate::domain::org::OrgPath;
    use crate::domain::permission::{may, may_change_org, Action};
    use crate::platform::error::AppError;
    use crate::platform::session::CurrentUser;
    use crate::register::Org;

    pub fn path_of(o: &Org) -> &OrgPath {
        &o.path
    }

    /// The organisation, if it is live and the viewer manages the tree at it.
    pub async fn visible(
        db: &crate::platform::db::Db,
        user: &CurrentUser,
        id: i64,
    ) -> Result<Org, AppError> {
        let org = crate::register::service::org_by_id(db, id).await?;
        if !may(&user.actor, Action::ManageTree, path_of(&org)) {
            return Err(AppError::Forbidden);
        }
        if is_dissolved(db, id).await? {
            return Err(AppError::NotFound);
        }
        Ok(org)
    }

    /// As `visible`, and the organisation itself may be changed (not the scope's own root).
    pub async fn changeable(
        db: &crate::platform::db::Db,
        user: &CurrentUser,
        id: i64,
    ) -> Result<Org, AppError> {
        let org = visible(db, user, id).await?;
        if !may_change_org(&user.actor, path_of(&org)) {
            return Err(AppError::Forbidden);
        }
        Ok(org)
    }

    /// A target named by its code, inside the viewer's scope and live.
    pub async fn target_by_code(
        db: &crate::platform::db::Db,
        user: &CurrentUser,
        code: &str,
        field: &str,
    ) -> Result<Org, AppError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(AppError::field(field, "err_required"));
        }
        let org = match crate::register::service::org_by_code(db, code).await {
            Ok(o) => o,
            Err(AppError::NotFound) => return Err(AppError::field(field, "err_org_code_unknown")),
            Err(e) => return Err(e),
        };
        if !may(&user.actor, Action::ManageTree, path_of(&org)) || is_dissolved(db, org.id).await? {
            return Err(AppError::field(field, "err_org_outside_scope"));
        }
        Ok(org)
    }

    async fn is_dissolved(db: &crate::platform::db::Db, id: i64) -> Result<bool, AppError> {
        let dissolved_at = sqlx::query_scalar::<sqlx::Any, Option<i64>>(
            "SELECT dissolved_at FROM organizations WHERE id = $1",
        )
        .bind(id)
        .fetch_one(db.pool())
        .await?;
        Ok(dissolved_at.is_some())
    }
}

/// The audit entry of a change to the tree, written in the change's transaction.
#[cfg(feature = "ssr")]
async fn audit(
    conn: &mut sqlx::AnyConnection,
    user: &crate::platform::session::CurrentUser,
    action: crate::domain::audit::AuditAction,
    org_id: i64,
    detail: String,
) -> Result<(), AppError> {
    crate::platform::audit::record(
        conn,
        crate::platform::audit::AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            target_type: Some(crate::domain::audit::AuditTarget::Organization),
            target_id: Some(org_id),
            org_id: Some(org_id),
            detail: Some(detail),
            ip: crate::platform::session::client_addr(),
            ..crate::platform::audit::AuditEntry::new(action)
        },
    )
    .await
}

/// One organisation of the viewer's tree and the live ones directly under it. `org` 0 = the
/// top of the viewer's scope.
#[server(prefix = "/api", endpoint = "org_tree")]
pub async fn org_tree(#[server(default)] org: i64) -> Result<TreeView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{may_change_org, scopes, Action};
        let scopes = scopes(&user.actor, Action::ManageTree);
        let Some(first) = scopes.first() else {
            return Err(AppError::Forbidden);
        };
        let id = if org > 0 { org } else { first.id() };
        let o = guard::visible(&db, &user, id).await?;
        let mut conn = db.pool().acquire().await?;
        let children = repo::children(&mut conn, o.id).await?;
        let (own_members, _) = repo::contents(&mut conn, o.id).await?;
        let scope = scopes
            .iter()
            .find(|s| s.contains(&o.path))
            .cloned()
            .unwrap_or_else(|| first.clone());
        let mut breadcrumb = Vec::new();
        for ancestor in o.path.ids().into_iter().filter(|a| *a != o.id) {
            let a = crate::register::service::org_by_id(&db, ancestor).await?;
            if scope.contains(&a.path) {
                breadcrumb.push((a.id, a.name));
            }
        }
        let kinds = [
            OrgKind::Committee,
            OrgKind::GrassrootsCommittee,
            OrgKind::GrassrootsCell,
            OrgKind::Cell,
        ];
        Ok(TreeView {
            org: OrgNode {
                id: o.id,
                name: o.name.clone(),
                kind: o.kind,
                code: o.code.clone(),
                members: own_members + children.iter().map(|c| c.members).sum::<i64>(),
                children: children.len() as i64,
            },
            breadcrumb,
            children,
            may_change: may_change_org(&user.actor, &o.path),
            child_kinds: kinds
                .iter()
                .filter(|k| o.kind.may_contain(**k))
                .copied()
                .collect(),
        })
    })
    .await
}

/// A new organisation under `parent_id`; its code must be unique.
#[server(prefix = "/api", endpoint = "create_org")]
pub async fn create_org(
    parent_id: i64,
    kind: String,
    name: String,
    code: String,
) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::org::OrgDraft;
        use crate::register::{NewOrg, Source};
        let parent = guard::visible(&db, &user, parent_id).await?;
        let OrgDraft { kind, name, code } =
            OrgDraft::parse(parent.kind, &kind, &name, &code).map_err(AppError::Invalid)?;
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let org = crate::register::service::insert_org(
            &mut tx,
            Some(&parent),
            &NewOrg {
                kind,
                name: name.clone(),
                code: code.clone(),
                source: Source::Manual,
            },
        )
        .await?;
        audit(
            &mut tx,
            &user,
            AuditAction::OrgCreate,
            org.id,
            format!("{name} ({code}) under {}", parent.code),
        )
        .await?;
        tx.commit().await?;
        Ok(org.id)
    })
    .await
}

#[server(prefix = "/api", endpoint = "rename_org")]
pub async fn rename_org(id: i64, name: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let org = guard::changeable(&db, &user, id).await?;
        let name = crate::domain::org::OrgDraft::parse_name(&name).map_err(AppError::Invalid)?;
        let mut tx = db.pool().begin().await?;
        repo::rename(&mut tx, id, &name, crate::platform::clock::now_unix()).await?;
        audit(
            &mut tx,
            &user,
            AuditAction::OrgRename,
            id,
            format!("{} → {name}", org.name),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Moves an organisation and everything under it beneath another (named by its code).
#[server(prefix = "/api", endpoint = "move_org")]
pub async fn move_org(id: i64, new_parent_code: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let org = guard::changeable(&db, &user, id).await?;
        let parent = guard::target_by_code(&db, &user, &new_parent_code, "new_parent_code").await?;
        let new_path =
            crate::domain::org::moved_path(org.kind, &org.path, parent.kind, &parent.path)
                .map_err(|key| AppError::field("new_parent_code", key))?;
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let moved = crate::register::service::move_subtree_in(
            &mut tx,
            &org.path,
            org.id,
            &new_path,
            parent.id,
            crate::platform::clock::now_unix(),
        )
        .await?;
        audit(
            &mut tx,
            &user,
            AuditAction::OrgMove,
            id,
            format!(
                "{} → {} ({moved} organisations)",
                org.path.as_str(),
                new_path.as_str()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Merges an organisation into another of the same kind: its members and the organisations
/// under it move over, and it is kept, dissolved, with a pointer to where it went.
#[server(prefix = "/api", endpoint = "merge_org")]
pub async fn merge_org(id: i64, into_code: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let org = guard::changeable(&db, &user, id).await?;
        let into = guard::target_by_code(&db, &user, &into_code, "into_code").await?;
        if into.id == org.id || into.kind != org.kind {
            return Err(AppError::field("into_code", "err_org_merge_kind"));
        }
        if org.path.contains(&into.path) || into.path.contains(&org.path) {
            return Err(AppError::field("into_code", "err_org_move_into_self"));
        }
        let now = crate::platform::clock::now_unix();
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let members = repo::move_members(&mut tx, org.id, into.id, now).await?;
        for child in repo::child_paths(&mut tx, org.id).await? {
            let c = crate::register::service::org_by_id(&db, child).await?;
            let new_path = c
                .path
                .moved_under(&into.path)
                .map_err(|e| AppError::field("into_code", &e.to_string()))?;
            crate::register::service::move_subtree_in(
                &mut tx, &c.path, c.id, &new_path, into.id, now,
            )
            .await?;
        }
        repo::dissolve(&mut tx, org.id, Some(into.id), now).await?;
        audit(
            &mut tx,
            &user,
            AuditAction::OrgMerge,
            id,
            format!(
                "{} ({}) → {} ({}), {members} members",
                org.name, org.code, into.name, into.code
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Dissolves an organisation that no longer has members or organisations under it.
#[server(prefix = "/api", endpoint = "dissolve_org")]
pub async fn dissolve_org(id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let org = guard::changeable(&db, &user, id).await?;
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let (members, children) = repo::contents(&mut tx, id).await?;
        if members > 0 || children > 0 {
            return Err(AppError::field("id", "err_org_not_empty"));
        }
        repo::dissolve(&mut tx, id, None, crate::platform::clock::now_unix()).await?;
        audit(
            &mut tx,
            &user,
            AuditAction::OrgDissolve,
            id,
            format!("{} ({})", org.name, org.code),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Someone holding quản trị, trợ lý or ban biên tập over an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RoleHolder {
    #[cfg_attr(feature = "ssr", sqlx(rename = "id"))]
    pub member_id: i64,
    pub full_name: String,
    pub org_name: String,
    pub role: crate::domain::permission::Role,
}

/// The grants over one organisation of the viewer's tree.
#[server(prefix = "/api", endpoint = "org_roles")]
pub async fn org_roles(org: i64) -> Result<Vec<RoleHolder>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let o = guard::visible(&db, &user, org).await?;
        Ok(sqlx::query_as::<sqlx::Any, RoleHolder>(
            "SELECT m.id, m.full_name, mo.name AS org_name, g.role FROM role_grants g
             JOIN accounts a ON a.id = g.account_id JOIN members m ON m.id = a.member_id JOIN organizations mo ON mo.id = m.org_id
             WHERE g.org_id = $1 ORDER BY g.role, m.full_name",
        )
        .bind(o.id)
        .fetch_all(db.pool())
        .await?)
    })
    .await
}

/// Grants a role over an organisation to a member of the viewer's tree, named by phone or
/// member code (revoking uses the accounts feature's `set_role`).
#[server(prefix = "/api", endpoint = "grant_role")]
pub async fn grant_role(org_id: i64, identifier: String, role: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::account::Identifier;
        use crate::domain::permission::{may, Action, Role};
        let role = Role::from_code(&role)
            .filter(|r| r.is_grantable())
            .ok_or_else(|| AppError::field("role", "err_invalid_value"))?;
        let id = Identifier::parse(&identifier).map_err(|k| AppError::field("identifier", k))?;
        let Some((member_id, _)) =
            crate::accounts::service::member_for_identifier(&db, &id).await?
        else {
            return Err(AppError::field("identifier", "err_member_unknown"));
        };
        let member = crate::register::service::member_by_id(&db, member_id).await?;
        let member_org = crate::register::service::org_by_id(&db, member.org_id).await?;
        if !may(&user.actor, Action::ManageTree, &member_org.path) {
            return Err(AppError::field("identifier", "err_org_outside_scope"));
        }
        crate::accounts::service::set_role(
            &db,
            &user,
            member_id,
            org_id,
            role,
            true,
            crate::platform::session::client_addr(),
        )
        .await
    })
    .await
}
