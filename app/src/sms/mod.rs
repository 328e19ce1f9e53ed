//! SMS for members without a smartphone (issue #19). The secretary marks who has none; meeting
//! notices, the day-before reminder and their tasks then reach them by SMS when they have a
//! phone number, and they answer "1" or "2"; replies that are not an answer wait on the
//! secretary's list. Members with no phone at all are on the secretary's list of people to visit
//! or call. Sending is capped per organisation and month.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsReply {
    pub id: i64,
    pub member: Option<String>,
    pub phone: String,
    pub body: String,
    pub received: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellMemberPhone {
    pub id: i64,
    pub name: String,
    /// With no smartphone: reached by SMS when there is a number, otherwise visited.
    pub phone: Option<String>,
    pub address: Option<String>,
    pub no_smartphone: bool,
}

/// The month's SMS under one organisation, for the statistics page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMonth {
    pub month: String,
    /// Messages per organisation and month.
    pub cap: i64,
    pub sent: i64,
    pub refused: i64,
    /// Organisations that used their whole cap.
    pub at_cap: i64,
    /// The organisations that sent most (at most 20).
    pub rows: Vec<SmsUsageRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsUsageRow {
    pub org_id: i64,
    pub org_name: String,
    pub sent: i64,
    /// Not sent: the monthly cap was reached.
    pub refused: i64,
}

/// Marks (or unmarks) a member as having no smartphone. The cell's leadership (and admins above)
/// may, as they may record for the member; audited.
#[server(prefix = "/api", endpoint = "set_no_smartphone")]
pub async fn set_no_smartphone(member_id: i64, value: bool) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::audit::AuditAction;
        use crate::domain::permission::may_record_for;
        let (org_id, subject, _) =
            crate::accounts::service::subject_of_member(&db, member_id).await?;
        if !may_record_for(&user.actor, &subject) {
            return Err(AppError::Forbidden);
        }
        let now = crate::platform::clock::now_unix();
        let mut tx = db.pool().begin().await?;
        repo::set_no_smartphone(&mut tx, member_id, value, now).await?;
        crate::platform::audit::record(
            &mut tx,
            crate::platform::audit::AuditEntry {
                actor_account_id: Some(user.actor.account_id),
                on_behalf_of: Some(member_id),
                target_type: Some(crate::domain::audit::AuditTarget::Member),
                target_id: Some(member_id),
                org_id: Some(org_id),
                detail: Some(value.to_string()),
                ..crate::platform::audit::AuditEntry::new(AuditAction::NoSmartphoneSet)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Replies by SMS that were not an answer, for the cells the viewer runs.
#[server(prefix = "/api", endpoint = "sms_replies")]
pub async fn sms_replies() -> Result<Vec<SmsReply>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        let scopes = scopes(&user.actor, Action::RunMeeting);
        if scopes.is_empty() {
            return Err(AppError::Forbidden);
        }
        Ok(repo::unmatched(&db, &scopes, 200)
            .await?
            .into_iter()
            .map(|r| SmsReply {
                id: r.id,
                member: r.member,
                phone: r.phone,
                body: r.body,
                received: crate::platform::clock::local_time_text(r.received_at),
            })
            .collect())
    })
    .await
}

/// The secretary has read (and dealt with) a reply.
#[server(prefix = "/api", endpoint = "sms_reply_handled")]
pub async fn sms_reply_handled(id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{may, Action};
        let org = repo::inbound_org(&db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let org = crate::register::service::org_by_id(&db, org).await?;
        if !may(&user.actor, Action::RunMeeting, &org.path) {
            return Err(AppError::NotFound);
        }
        repo::mark_handled(
            &mut *db.pool().acquire().await?,
            id,
            crate::platform::clock::now_unix(),
        )
        .await
    })
    .await
}

/// The cell's members (not exempt) with their phone and mark: whom the app reaches, whom SMS
/// reaches, and whom to visit.
#[server(prefix = "/api", endpoint = "cell_phones")]
pub async fn cell_phones(org_id: i64) -> Result<Vec<CellMemberPhone>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{may, Action};
        let org = crate::register::service::org_by_id(&db, org_id)
            .await
            .map_err(|_| AppError::Forbidden)?;
        if !may(&user.actor, Action::RunMeeting, &org.path) {
            return Err(AppError::Forbidden);
        }
        Ok(repo::cell_phones(&db, org.id)
            .await?
            .into_iter()
            .map(|r| CellMemberPhone {
                id: r.id,
                name: r.name,
                phone: r.phone,
                address: r.address,
                no_smartphone: r.no_smartphone,
            })
            .collect())
    })
    .await
}

/// This month's messages under an organisation of the viewer's statistics scope (`org` 0: the
/// viewer's first scope), with the cap they count against.
#[server(prefix = "/api", endpoint = "sms_usage")]
pub async fn sms_usage(#[server(default)] org: i64) -> Result<SmsMonth, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        let scopes = scopes(&user.actor, Action::ViewStatistics);
        // Refused before anything is looked up: no scope, no answer about any organisation.
        if scopes.is_empty() {
            return Err(AppError::Forbidden);
        }
        let scope = match org {
            0 => scopes[0].clone(),
            id => repo::org_path(&db, id)
                .await?
                .filter(|p| scopes.iter().any(|s| s.contains(p)))
                .ok_or(AppError::NotFound)?,
        };
        let cap = provider::SmsConfig::from_env()
            .map(|c| c.monthly_cap)
            .unwrap_or(provider::DEFAULT_MONTHLY_CAP);
        let month = service::month_of(crate::platform::clock::now_unix());
        let ((sent, refused, at_cap), rows) = repo::usage(&db, &scope, &month, cap, 20).await?;
        let rows = rows
            .into_iter()
            .map(|(org_id, org_name, sent, refused)| SmsUsageRow {
                org_id,
                org_name,
                sent,
                refused,
            })
            .collect();
        Ok(SmsMonth {
            month,
            cap,
            sent,
            refused,
            at_cap,
            rows,
        })
    })
    .await
}
