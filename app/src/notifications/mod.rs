//! Notifications (thông báo): new documents and news in the member's audience, meetings
//! published or changed, tasks assigned, reminders to read. Fanned out on read: an event is one
//! row addressed to an organisation's subtree or to one member, so publishing to a province is
//! one INSERT and a member's unread count is one indexed query over their handful of ancestors.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub kind: crate::domain::notification::NotificationKind,
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
    crate::platform::serve::signed_in(move |user, db| async move {
        let now = crate::platform::clock::now_unix();
        let mut items = repo::list(&db, &user.actor, now, offset.max(0), PAGE_SIZE + 1).await?;
        let has_more = items.len() as i64 > PAGE_SIZE;
        items.truncate(PAGE_SIZE as usize);
        let unread = repo::unread_count(&db, &user.actor, now).await?;
        Ok(NotificationPage {
            items,
            unread,
            has_more,
        })
    })
    .await
}

/// Marks one notification read (opening it does this too).
#[server(prefix = "/api", endpoint = "mark_read")]
pub async fn mark_read(id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        repo::mark_read(&db, &user.actor, id, crate::platform::clock::now_unix()).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "mark_all_read")]
pub async fn mark_all_read() -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        repo::mark_all_read(
            &db,
            user.actor.member_id,
            crate::platform::clock::now_unix(),
        )
        .await
    })
    .await
}

/// The member's notification settings, as the settings page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettingsView {
    /// Push groups switched off (codes of `PushGroup`).
    pub groups_off: Vec<String>,
    pub quiet_enabled: bool,
    /// "21:00".
    pub quiet_start: String,
    pub quiet_end: String,
    /// Devices (browsers) of this member that receive pushes.
    pub devices: i64,
    /// The server's VAPID public key, for `pushManager.subscribe`.
    pub push_key: String,
    /// Leaders also choose about join requests.
    pub is_leader: bool,
}

#[server(prefix = "/api", endpoint = "notification_settings")]
pub async fn notification_settings() -> Result<NotificationSettingsView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::notification::{format_clock, groups_off};
        let (push_off, quiet) = repo::settings(&db, user.actor.member_id).await?;
        Ok(NotificationSettingsView {
            groups_off: groups_off(&push_off)
                .into_iter()
                .map(|g| g.code().to_string())
                .collect(),
            quiet_enabled: quiet.enabled,
            quiet_start: format_clock(quiet.start),
            quiet_end: format_clock(quiet.end),
            devices: push::device_count(&db, user.actor.member_id).await?,
            push_key: push::keys(&db).await?.public_key,
            is_leader: crate::domain::permission::is_leader(&user.actor),
        })
    })
    .await
}

/// Saves push groups and quiet hours. A checkbox that is absent is off; times are "HH:MM".
#[server(prefix = "/api", endpoint = "save_notification_settings")]
#[allow(clippy::too_many_arguments)]
pub async fn save_notification_settings(
    #[server(default)] push_van_ban: Option<String>,
    #[server(default)] push_tin_tuc: Option<String>,
    #[server(default)] push_sinh_hoat: Option<String>,
    #[server(default)] push_nhiem_vu: Option<String>,
    #[server(default)] push_nhac_doc: Option<String>,
    #[server(default)] push_gia_nhap: Option<String>,
    #[server(default)] quiet_enabled: Option<String>,
    #[server(default)] quiet_start: String,
    #[server(default)] quiet_end: String,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::notification::{parse_clock, push_off_list, PushGroup, QuietHours};
        use crate::domain::register::FieldError;
        let on = |v: &Option<String>| {
            v.as_deref()
                .map(|v| !v.is_empty() && v != "0" && v != "false")
                .unwrap_or(false)
        };
        let choices = [
            (PushGroup::Documents, &push_van_ban),
            (PushGroup::News, &push_tin_tuc),
            (PushGroup::Meetings, &push_sinh_hoat),
            (PushGroup::Tasks, &push_nhiem_vu),
            (PushGroup::ReadReminders, &push_nhac_doc),
            (PushGroup::JoinRequests, &push_gia_nhap),
        ];
        let off: Vec<PushGroup> = choices
            .iter()
            .filter(|(_, v)| !on(v))
            .map(|(g, _)| *g)
            .collect();
        let enabled = on(&quiet_enabled);
        let mut errors = Vec::new();
        let start = parse_clock(&quiet_start)
            .map_err(|k| errors.push(FieldError::new("quiet_start", k)))
            .ok();
        let end = parse_clock(&quiet_end)
            .map_err(|k| errors.push(FieldError::new("quiet_end", k)))
            .ok();
        let (Some(start), Some(end)) = (start, end) else {
            return Err(AppError::Invalid(errors));
        };
        let quiet = QuietHours {
            enabled,
            start,
            end,
        };
        repo::save_settings(
            &db,
            user.actor.member_id,
            &push_off_list(&off),
            quiet,
            crate::platform::clock::now_unix(),
        )
        .await
    })
    .await
}

/// Registers this browser for pushes (from `pushManager.subscribe`); returns the device count.
#[server(prefix = "/api", endpoint = "push_subscribe")]
pub async fn push_subscribe(
    endpoint: String,
    p256dh: String,
    auth: String,
) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let sub = push::parse_subscription(&endpoint, &p256dh, &auth, push::http_allowed())?;
        push::subscribe(
            &db,
            user.actor.member_id,
            &user.token_hash,
            &sub,
            crate::platform::clock::now_unix(),
        )
        .await?;
        push::device_count(&db, user.actor.member_id).await
    })
    .await
}

/// Stops pushes to this browser.
#[server(prefix = "/api", endpoint = "push_unsubscribe")]
pub async fn push_unsubscribe(endpoint: String) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        push::unsubscribe(&db, user.actor.member_id, &endpoint).await?;
        push::device_count(&db, user.actor.member_id).await
    })
    .await
}
