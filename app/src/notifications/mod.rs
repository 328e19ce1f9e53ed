//! Notifications (thông báo): new documents and news in the member's audience, meetings
//! published or changed, tasks assigned, reminders to read. Fanned out on read: an event is one
//! row addressed to an organisation's subtree or to one member, so publishing to a province is
//! one INSERT and a member's unread count is one indexed query over their handful of ancestors.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;

use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Kinds, as stored.
pub const KINDS: &[&str] = &["van_ban_moi", "tin_tuc_moi", "hop_cong_bo", "hop_thay_doi", "nhiem_vu_giao", "nhac_doc"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    /// Where tapping it leads.
    pub href: String,
    pub created_at: i64,
    /// dd/mm/yyyy hh:mm, Vietnam time.
    pub when: String,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub unread: i64,
    pub has_more: bool,
}

pub const PAGE_SIZE: i64 = 30;

/// The caller's notifications, newest first.
#[server(prefix = "/api", endpoint = "notifications")]
pub async fn notifications(#[server(default)] offset: i64) -> Result<NotificationPage, AppError> {
    async move {
        let user = crate::platform::session::require_user()?;
        let db = crate::platform::db::from_context()?;
        let now = crate::platform::clock::now_unix();
        let mut items = repo::list(&db, &user.actor, now, offset.max(0), PAGE_SIZE + 1).await?;
        let has_more = items.len() as i64 > PAGE_SIZE;
        items.truncate(PAGE_SIZE as usize);
        let unread = repo::unread_count(&db, &user.actor, now).await?;
        Ok(NotificationPage { items, unread, has_more })
    }
    .await
    .map_err(crate::platform::error::with_status)
}

/// Marks one notification read (opening it does this too).
#[server(prefix = "/api", endpoint = "mark_read")]
pub async fn mark_read(id: i64) -> Result<(), AppError> {
    async move {
        let user = crate::platform::session::require_user()?;
        let db = crate::platform::db::from_context()?;
        repo::mark_read(&db, &user.actor, id, crate::platform::clock::now_unix()).await
    }
    .await
    .map_err(crate::platform::error::with_status)
}

#[server(prefix = "/api", endpoint = "mark_all_read")]
pub async fn mark_all_read() -> Result<(), AppError> {
    async move {
        let user = crate::platform::session::require_user()?;
        let db = crate::platform::db::from_context()?;
        repo::mark_all_read(&db, user.actor.member_id, crate::platform::clock::now_unix()).await
    }
    .await
    .map_err(crate::platform::error::with_status)
}
