//! Documents and news: the library members open most. Reading, searching without diacritics,
//! bookmarking and marking a resolution studied. (Publishing with uploads and the leaders'
//! view of who has read what are the next steps of this feature.)

#[cfg(feature = "ssr")]
pub mod attachments;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "hydrate")]
pub mod tts_js;

#[cfg(feature = "ssr")]
use crate::domain::audit::AuditAction;
use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Library filters, as the page's query string carries them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DocFilter {
    /// `van_ban` (documents) or `tin_tuc` (news).
    pub kind: String,
    pub query: String,
    pub doc_type: Option<String>,
    pub year: Option<i32>,
    /// Level of the audience: `tinh` (province), `co_so` (commune, ward or agency committee),
    /// `chi_bo` (a cell).
    pub level: Option<String>,
    pub saved_only: bool,
    pub offset: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSummary {
    pub id: i64,
    pub kind: String,
    pub doc_type: Option<String>,
    pub number: Option<String>,
    pub issuing_body: Option<String>,
    pub issued_on: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    /// Name of the organisation the document is addressed to.
    pub audience: String,
    pub bookmarked: bool,
    pub studied: bool,
    /// The member has opened it (read, or at least begun).
    #[serde(default)]
    pub opened: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryPage {
    pub items: Vec<DocSummary>,
    pub has_more: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocView {
    pub doc: DocSummary,
    pub paragraphs: Vec<String>,
    pub tags: Vec<String>,
    pub reflection: Option<String>,
    pub attachment: Option<AttachmentView>,
    /// Questions without their answers (checked on the server).
    pub questions: Vec<QuestionView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: i64,
    pub question: String,
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerCheck {
    pub id: i64,
    pub chosen: Option<String>,
    pub correct: String,
    pub right: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub name: String,
    pub size_kb: i64,
    pub is_pdf: bool,
}

/// A document to insert (publishing and the demo seed).
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub org_id: i64,
    pub kind: crate::domain::document::DocumentKind,
    pub doc_type: Option<String>,
    pub number: Option<String>,
    pub issuing_body: Option<String>,
    pub issued_on: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub tags: Option<String>,
    pub published_by: Option<i64>,
}

pub const PAGE_SIZE: i64 = 20;

#[server(prefix = "/api", endpoint = "library")]
pub async fn library(
    kind: String,
    query: String,
    doc_type: String,
    year: String,
    #[server(default)] level: String,
    saved: bool,
    offset: i64,
) -> Result<LibraryPage, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::document::DocType;
        use crate::domain::document::DocumentKind;
        let kind = match DocumentKind::from_code(kind.trim()) {
            Some(DocumentKind::News) => DocumentKind::News,
            _ => DocumentKind::Document,
        }
        .code();
        let doc_type = match doc_type.trim() {
            "" => None,
            t => Some(
                DocType::from_code(t)
                    .ok_or_else(|| AppError::field("doc_type", "err_invalid_value"))?
                    .code()
                    .to_string(),
            ),
        };
        let year = match year.trim() {
            "" => None,
            y => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1930..=2100).contains(y))
                    .ok_or_else(|| AppError::field("year", "err_invalid_value"))?,
            ),
        };
        let level = match level.trim() {
            "" => None,
            l @ ("tinh" | "co_so" | "chi_bo") => Some(l.to_string()),
            _ => return Err(AppError::field("level", "err_invalid_value")),
        };
        let filter = DocFilter {
            kind: kind.into(),
            query: query.chars().take(200).collect(),
            doc_type,
            year,
            level,
            saved_only: saved,
            offset: offset.max(0),
        };
        // One row more than a page tells whether there is a next page.
        let mut items = repo::library(
            &db,
            &user.actor.org,
            user.actor.member_id,
            &filter,
            PAGE_SIZE + 1,
        )
        .await?;
        let has_more = items.len() as i64 > PAGE_SIZE;
        items.truncate(PAGE_SIZE as usize);
        Ok(LibraryPage { items, has_more })
    })
    .await
}

/// Opens a document: checks the audience, records the opening, returns the reading view.
#[server(prefix = "/api", endpoint = "document")]
pub async fn open_document(id: i64) -> Result<DocView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let row = readable(&user, &db, id).await?;
        let (bookmarked, studied, reflection) = repo::open(
            &db,
            id,
            user.actor.member_id,
            crate::platform::clock::now_unix(),
        )
        .await?;
        let attachment =
            attachments::latest(&db, id)
                .await?
                .map(|(name, size, content_type, _)| AttachmentView {
                    name,
                    size_kb: (size + 1023) / 1024,
                    is_pdf: content_type == "application/pdf",
                });
        let body = row
            .body
            .clone()
            .or_else(|| row.summary.summary.clone())
            .unwrap_or_default();
        Ok(DocView {
            doc: DocSummary {
                bookmarked,
                studied,
                opened: true,
                ..row.summary
            },
            paragraphs: body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            tags: row
                .tags
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            reflection,
            attachment,
            questions: repo::questions(&db, id)
                .await?
                .into_iter()
                .map(|(qid, question, options, _)| QuestionView {
                    id: qid,
                    question,
                    options: options.to_vec(),
                })
                .collect(),
        })
    })
    .await
}

/// The document, if the caller may publish (and so edit, withdraw, add questions to) it.
#[cfg(feature = "ssr")]
async fn publishable(
    user: &crate::platform::session::CurrentUser,
    db: &crate::platform::db::Db,
    id: i64,
) -> Result<repo::DocumentRow, AppError> {
    use crate::domain::permission::{may, Action};
    let row = repo::document(db, id).await?;
    if !may(&user.actor, Action::Publish, &row.audience_path) {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// The document, if the caller may read it. Withdrawn and out-of-audience documents look the
/// same as missing ones.
#[cfg(feature = "ssr")]
async fn readable(
    user: &crate::platform::session::CurrentUser,
    db: &crate::platform::db::Db,
    id: i64,
) -> Result<repo::DocumentRow, AppError> {
    let row = repo::document(db, id).await?;
    if row.status != crate::domain::document::DocumentStatus::Published
        || !crate::domain::permission::may_read_document(&user.actor, &row.audience_path)
    {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

#[server(prefix = "/api", endpoint = "bookmark")]
pub async fn set_bookmark(id: i64, on: bool) -> Result<bool, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        readable(&user, &db, id).await?;
        repo::set_bookmark(
            &db,
            id,
            user.actor.member_id,
            on,
            crate::platform::clock::now_unix(),
        )
        .await?;
        Ok(on)
    })
    .await
}

/// "Đã học tập", with an optional short reflection (thu hoạch).
#[server(prefix = "/api", endpoint = "studied")]
pub async fn mark_studied(id: i64, reflection: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let reflection = reflection.trim();
        if reflection.chars().count() > 2000 {
            return Err(AppError::field("reflection", "err_too_long"));
        }
        readable(&user, &db, id).await?;
        let reflection = (!reflection.is_empty()).then(|| crate::domain::text::nfc(reflection));
        repo::mark_studied(
            &db,
            id,
            user.actor.member_id,
            reflection.as_deref(),
            crate::platform::clock::now_unix(),
        )
        .await
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberProgress {
    pub name: String,
    pub exempt: bool,
    pub opened: bool,
    pub studied: bool,
    pub reminded: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellProgress {
    pub org_name: String,
    pub members: Vec<MemberProgress>,
    /// Members who count (exempt members do not).
    pub total: i64,
    pub opened: i64,
    pub studied: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressView {
    pub id: i64,
    pub title: String,
    pub number: Option<String>,
    pub cells: Vec<CellProgress>,
}

/// The document, if the caller leads some part of its audience; with the caller's scopes.
#[cfg(feature = "ssr")]
async fn followable(
    user: &crate::platform::session::CurrentUser,
    db: &crate::platform::db::Db,
    id: i64,
) -> Result<(repo::DocumentRow, Vec<crate::domain::org::OrgPath>), AppError> {
    use crate::domain::permission::{scopes, Action};
    let row = repo::document(db, id).await?;
    let audience = row.audience_path.clone();
    let scopes: Vec<_> = scopes(&user.actor, Action::FollowReading)
        .into_iter()
        .filter(|s| s.contains(&audience) || audience.contains(s))
        .collect();
    if scopes.is_empty() || row.status != crate::domain::document::DocumentStatus::Published {
        return Err(AppError::Forbidden);
    }
    Ok((row, scopes))
}

/// Who in the caller's part of the audience has opened and studied the document, per chi bộ.
#[server(prefix = "/api", endpoint = "document_progress")]
pub async fn document_progress(id: i64) -> Result<ProgressView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let (row, scopes) = followable(&user, &db, id).await?;
        let rows = repo::progress(&db, id, &row.audience_path, &scopes).await?;
        let mut cells: Vec<CellProgress> = Vec::new();
        let mut last_org = None;
        for r in rows {
            if last_org != Some(r.org_id) {
                cells.push(CellProgress {
                    org_name: r.org_name.clone(),
                    members: Vec::new(),
                    total: 0,
                    opened: 0,
                    studied: 0,
                });
                last_org = Some(r.org_id);
            }
            let cell = cells.last_mut().expect("pushed above");
            if !r.exempt {
                cell.total += 1;
                cell.opened += r.opened as i64;
                cell.studied += r.studied as i64;
            }
            cell.members.push(MemberProgress {
                name: r.full_name,
                exempt: r.exempt,
                opened: r.opened,
                studied: r.studied,
                reminded: r.reminded,
            });
        }
        Ok(ProgressView {
            id,
            title: row.summary.title,
            number: row.summary.number,
            cells,
        })
    })
    .await
}

/// Reminds, once, every member in the caller's part of the audience who has not studied the
/// document (exempt members excepted). Returns how many were reminded now.
#[server(prefix = "/api", endpoint = "remind_readers")]
pub async fn remind_readers(id: i64) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use sqlx::Connection;
        let (row, scopes) = followable(&user, &db, id).await?;
        let rows = repo::progress(&db, id, &row.audience_path, &scopes).await?;
        let targets: Vec<i64> = rows
            .iter()
            .filter(|r| !r.exempt && !r.studied && !r.reminded)
            .map(|r| r.member_id)
            .collect();
        let now = crate::platform::clock::now_unix();
        let mut conn = db.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        let sent = repo::remind(&mut tx, id, &targets, user.actor.account_id, now).await?;
        crate::notifications::service::notify_members(
            &mut tx,
            crate::domain::notification::NotificationKind::ReadReminder,
            &targets,
            crate::domain::notification::NotificationRef::Document,
            id,
            &row.summary.title,
            now,
        )
        .await?;
        crate::platform::audit::record(
            &mut tx,
            crate::platform::audit::AuditEntry {
                actor_account_id: Some(user.actor.account_id),
                target_type: Some(crate::domain::audit::AuditTarget::Document),
                target_id: Some(id),
                // Where the reminder went: the audience, or the caller's part of it.
                org_id: scopes.first().map(|s| {
                    if s.contains(&row.audience_path) {
                        row.audience_path.id()
                    } else {
                        s.id()
                    }
                }),
                detail: Some(format!("{sent} members")),
                ip: crate::platform::session::client_addr(),
                ..crate::platform::audit::AuditEntry::new(AuditAction::ReadingReminder)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(sent as i64)
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderView {
    pub id: i64,
    pub title: String,
    pub number: Option<String>,
}

#[server(prefix = "/api", endpoint = "my_reminders")]
pub async fn my_reading_reminders() -> Result<Vec<ReminderView>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        Ok(repo::my_reminders(&db, user.actor.member_id)
            .await?
            .into_iter()
            .map(|(id, title, number)| ReminderView { id, title, number })
            .collect())
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PublishTarget {
    pub id: i64,
    pub name: String,
    pub depth: i64,
}

/// Organisations the caller may publish to: each publishing scope and the organisations right
/// below it.
#[server(prefix = "/api", endpoint = "publish_targets")]
pub async fn publish_targets() -> Result<Vec<PublishTarget>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        let mut out = Vec::new();
        for scope in scopes(&user.actor, Action::Publish) {
            for org in repo::publish_targets(&db, &scope).await? {
                out.push(org);
            }
        }
        Ok(out)
    })
    .await
}

/// Publishes a document or news post to an organisation's subtree. The publisher confirms it is
/// not classified; every field error is reported at once.
#[server(prefix = "/api", endpoint = "publish")]
#[allow(clippy::too_many_arguments)]
pub async fn publish_document(
    kind: String,
    doc_type: String,
    number: String,
    issuing_body: String,
    issued_on: String,
    title: String,
    summary: String,
    body: String,
    tags: String,
    audience: i64,
    #[server(default)] not_classified: Option<String>,
) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::document::{DocumentDraft, DocumentKind, PublishForm};
        use crate::domain::permission::{may, Action};
        use sqlx::Connection;
        let draft = DocumentDraft::parse(
            &PublishForm {
                kind: &kind,
                doc_type: &doc_type,
                number: &number,
                issuing_body: &issuing_body,
                issued_on: &issued_on,
                title: &title,
                summary: &summary,
                body: &body,
                tags: &tags,
                not_classified: not_classified.as_deref(),
            },
            crate::platform::clock::today_vn(),
        );
        // Authorisation before the form's errors: one who may not publish there learns nothing.
        let org = crate::register::service::org_by_id(&db, audience)
            .await
            .map_err(|_| AppError::field("audience", "err_reference_missing"))?;
        if !may(&user.actor, Action::Publish, &org.path) {
            return Err(AppError::Forbidden);
        }
        let draft = draft.map_err(AppError::Invalid)?;
        let is_news = draft.kind == DocumentKind::News;
        let now = crate::platform::clock::now_unix();
        let title_for_notice = draft.title.clone();
        let mut conn = db.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        let id = repo::insert_document(
            &mut tx,
            &NewDocument {
                org_id: org.id,
                kind: draft.kind,
                doc_type: draft.doc_type.map(|t| t.code().to_string()),
                number: draft.number.map(|n| n.as_str().to_string()),
                issuing_body: draft.issuing_body,
                issued_on: Some(draft.issued_on.iso()),
                title: draft.title,
                summary: draft.summary,
                body: draft.body,
                tags: draft.tags,
                published_by: Some(user.actor.account_id),
            },
            now,
        )
        .await?;
        crate::platform::audit::record(
            &mut tx,
            crate::platform::audit::AuditEntry {
                actor_account_id: Some(user.actor.account_id),
                target_type: Some(crate::domain::audit::AuditTarget::Document),
                target_id: Some(id),
                org_id: Some(org.id),
                ip: crate::platform::session::client_addr(),
                ..crate::platform::audit::AuditEntry::new(AuditAction::DocumentPublished)
            },
        )
        .await?;
        // One row for the whole audience (fan-out on read), in the same transaction.
        crate::notifications::service::notify_org(
            &mut tx,
            if is_news {
                crate::domain::notification::NotificationKind::NewNews
            } else {
                crate::domain::notification::NotificationKind::NewDocument
            },
            org.id,
            crate::domain::notification::NotificationRef::Document,
            id,
            &title_for_notice,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// Withdraws a document: members no longer see it; read and study records stay.
#[server(prefix = "/api", endpoint = "withdraw")]
pub async fn withdraw_document(id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use sqlx::Connection;
        let row = publishable(&user, &db, id).await?;
        let mut conn = db.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        repo::withdraw(&mut tx, id, crate::platform::clock::now_unix()).await?;
        crate::platform::audit::record(
            &mut tx,
            crate::platform::audit::AuditEntry {
                actor_account_id: Some(user.actor.account_id),
                target_type: Some(crate::domain::audit::AuditTarget::Document),
                target_id: Some(id),
                org_id: Some(row.audience_path.id()),
                ip: crate::platform::session::client_addr(),
                ..crate::platform::audit::AuditEntry::new(AuditAction::DocumentWithdrawn)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i64,
    pub title: String,
    pub edited_on: String,
}

/// Edits a document's title, summary and text; every earlier version is kept.
#[server(prefix = "/api", endpoint = "edit_document")]
pub async fn edit_document(
    id: i64,
    title: String,
    summary: String,
    body: String,
) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use sqlx::Connection;
        let draft = crate::domain::document::EditDraft::parse(&title, &summary, &body);
        let row = publishable(&user, &db, id).await?;
        let draft = draft.map_err(|e| AppError::Invalid(vec![e]))?;
        let now = crate::platform::clock::now_unix();
        let mut conn = db.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        let version = repo::edit(
            &mut tx,
            id,
            &draft.title,
            draft.summary.as_deref(),
            draft.body.as_deref(),
            user.actor.account_id,
            now,
        )
        .await?;
        crate::platform::audit::record(
            &mut tx,
            crate::platform::audit::AuditEntry {
                actor_account_id: Some(user.actor.account_id),
                target_type: Some(crate::domain::audit::AuditTarget::Document),
                target_id: Some(id),
                org_id: Some(row.audience_path.id()),
                detail: Some(format!("version {version}")),
                ip: crate::platform::session::client_addr(),
                ..crate::platform::audit::AuditEntry::new(AuditAction::DocumentEdited)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    })
    .await
}

/// The version history of a document, for those who may publish it.
#[server(prefix = "/api", endpoint = "document_versions")]
pub async fn document_versions(id: i64) -> Result<Vec<VersionView>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        publishable(&user, &db, id).await?;
        Ok(repo::versions(&db, id)
            .await?
            .into_iter()
            .map(|(version, title, at)| VersionView {
                version,
                title,
                edited_on: crate::platform::clock::date_from_unix(
                    at + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS,
                )
                .to_string(),
            })
            .collect())
    })
    .await
}

/// Adds a multiple-choice question (three options, one right) to a document; at most three.
#[server(prefix = "/api", endpoint = "add_question")]
pub async fn add_question(
    id: i64,
    question: String,
    option_a: String,
    option_b: String,
    option_c: String,
    correct: String,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let draft = crate::domain::document::QuestionDraft::parse(
            &question,
            [&option_a, &option_b, &option_c],
            &correct,
        );
        let row = publishable(&user, &db, id).await?;
        let draft = draft.map_err(AppError::Invalid)?;
        let mut tx = db.pool().begin().await?;
        let [a, b, c] = &draft.options;
        repo::add_question(
            &mut tx,
            id,
            &draft.question,
            [a.as_str(), b.as_str(), c.as_str()],
            &draft.correct,
            crate::platform::clock::now_unix(),
        )
        .await?;
        crate::platform::audit::record(
            &mut tx,
            crate::platform::audit::AuditEntry {
                actor_account_id: Some(user.actor.account_id),
                target_type: Some(crate::domain::audit::AuditTarget::Document),
                target_id: Some(id),
                org_id: Some(row.audience_path.id()),
                detail: Some(draft.question),
                ip: crate::platform::session::client_addr(),
                ..crate::platform::audit::AuditEntry::new(AuditAction::QuestionAdded)
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Checks a member's answers: `answers` is "questionId:letter" pairs separated by commas.
#[server(prefix = "/api", endpoint = "check_answers")]
pub async fn check_answers(id: i64, answers: String) -> Result<Vec<AnswerCheck>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        readable(&user, &db, id).await?;
        let chosen: std::collections::HashMap<i64, String> = answers
            .split(',')
            .filter_map(|p| p.split_once(':'))
            .filter_map(|(q, a)| Some((q.trim().parse().ok()?, a.trim().to_string())))
            .collect();
        Ok(repo::questions(&db, id)
            .await?
            .into_iter()
            .map(|(qid, _, _, correct)| {
                let c = chosen.get(&qid).cloned();
                AnswerCheck {
                    id: qid,
                    right: c.as_deref() == Some(correct.as_str()),
                    chosen: c,
                    correct,
                }
            })
            .collect())
    })
    .await
}

// ---- For other features (meetings attach documents as materials) ----

/// Published documents every member of the organisation at `org` may read, newest first,
/// matching `query` (without diacritics) when given.
#[cfg(feature = "ssr")]
pub async fn readable_in(
    db: &crate::platform::db::Db,
    org: &crate::domain::org::OrgPath,
    query: &str,
    limit: i64,
) -> Result<Vec<DocSummary>, AppError> {
    let filter = DocFilter {
        kind: crate::domain::document::DocumentKind::Document
            .code()
            .into(),
        query: query.chars().take(200).collect(),
        ..Default::default()
    };
    // No member: bookmark and study flags are irrelevant here.
    repo::library(db, org, 0, &filter, limit).await
}

/// Whether every member of the organisation at `org` may read the document.
#[cfg(feature = "ssr")]
pub async fn is_readable_in(
    db: &crate::platform::db::Db,
    id: i64,
    org: &crate::domain::org::OrgPath,
) -> Result<bool, AppError> {
    match repo::document(db, id).await {
        Ok(row) => Ok(
            row.status == crate::domain::document::DocumentStatus::Published
                && row.audience_path.contains(org),
        ),
        Err(AppError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}
