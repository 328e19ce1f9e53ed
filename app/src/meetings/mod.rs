//! Meetings (sinh hoạt chi bộ): the monthly cycle of a cell — prepare and publish, members
//! answer and send opinions, the meeting is held (attendance, votes, minutes, tasks, rating),
//! tasks are followed up. Leaders record for members who have no phone.
//!
//! Every server function: parse → `domain::permission` → repo. A meeting belongs to one cell;
//! `may_see_meeting` / `may_take_part` / `may(RunMeeting)` answer who may do what with it.

pub mod pages;
pub mod queue;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
use crate::domain::audit::AuditAction;
use crate::domain::meeting::{
    Attendance, MeetingFormat, MeetingKind, MeetingRating, MeetingStatus, Rsvp as Answer, Tally,
    VoteChoice,
};
use crate::platform::error::AppError;
use crate::tasks::TaskView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MeetingSummary {
    pub id: i64,
    pub org_name: String,
    pub kind: MeetingKind,
    /// Empty for the automatically opened periodic meeting: the page names it by its month.
    pub title: String,
    pub period: Option<String>,
    pub status: MeetingStatus,
    #[cfg_attr(feature = "ssr", sqlx(rename = "meeting_date"))]
    pub date: String,
    pub start_time: String,
    pub format: MeetingFormat,
    pub place: Option<String>,
    pub link: Option<String>,
    pub rating: Option<MeetingRating>,
    pub my_rsvp: Option<Answer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellChoice {
    pub id: i64,
    pub name: String,
    /// Recurrence rule code (`ngay:5`, `thu:1:0`, `am:16`) and default time and place.
    pub rule: String,
    pub start_time: String,
    pub place: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingList {
    pub upcoming: Vec<MeetingSummary>,
    pub past: Vec<MeetingSummary>,
    /// Cells whose meetings the caller runs (for creating meetings and setting the rule).
    pub run_cells: Vec<CellChoice>,
    pub follows_cells: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: i64,
    pub title: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub document_id: i64,
    pub number: Option<String>,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub body: String,
    /// Name of the leader who recorded it for the member, if so.
    pub recorded_by: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MotionView {
    pub id: i64,
    pub question: String,
    pub open: bool,
    /// The count, for those present and the leadership while open, for everyone once closed.
    pub tally: Option<Tally>,
    pub my_choice: Option<VoteChoice>,
    pub other_opinions: Vec<String>,
    /// Votes a leader recorded for a member without a phone: (member, recorded by).
    pub proxies: Vec<(String, String)>,
}

/// One member on the leader's attendance sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub member_id: i64,
    pub name: String,
    pub exempt: bool,
    pub has_account: bool,
    pub rsvp: Option<Answer>,
    pub rsvp_reason: Option<String>,
    pub attendance: Option<Attendance>,
    pub recorded_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPart {
    pub member_id: i64,
    pub rsvp: Option<Answer>,
    pub rsvp_reason: Option<String>,
    pub attendance: Option<Attendance>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingView {
    pub meeting: MeetingSummary,
    pub org_id: i64,
    pub minutes: Option<String>,
    pub resolution: Option<String>,
    pub agenda: Vec<AgendaItem>,
    pub materials: Vec<Material>,
    pub comments: Vec<CommentView>,
    pub motions: Vec<MotionView>,
    /// Tasks assigned at this meeting.
    pub tasks: Vec<TaskView>,
    /// The cell's tasks still open (the agenda reviews them).
    pub open_tasks: Vec<TaskView>,
    /// Present when the caller takes part in the meeting.
    pub me: Option<MyPart>,
    pub can_run: bool,
    /// The attendance sheet (leadership only).
    pub roster: Vec<RosterRow>,
    pub present: i64,
    pub expected: i64,
    pub exempt: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellMonth {
    pub org_id: i64,
    pub org_name: String,
    pub meeting_id: Option<i64>,
    pub status: Option<MeetingStatus>,
    pub rating: Option<MeetingRating>,
    pub present: i64,
    pub expected: i64,
    pub exempt: i64,
    pub rate: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub month: String,
    pub cells: Vec<CellMonth>,
    pub has_more: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocChoice {
    pub id: i64,
    pub number: Option<String>,
    pub title: String,
}

#[cfg(feature = "ssr")]
mod guard {
    use super::repo::{self, MeetingRow};
    use crate::domain::meeting::{step_allowed, MeetingStep};
    use crate::domain::permission::{may, may_see_meeting, may_take_part, Action};
    use crate::platform::db::Db;
    use crate::platform::error::AppError;
    use crate::platform::session::CurrentUser;

    pub struct Ctx {
        pub user: CurrentUser,
        pub db: Db,
        pub m: MeetingRow,
    }

    /// The meeting, if the caller may see it. Out-of-scope and draft meetings of other people
    /// look the same as missing ones.
    pub async fn visible(user: CurrentUser, db: Db, id: i64) -> Result<Ctx, AppError> {
        let m = repo::meeting(&db, id).await?;
        let committee = m.kind == crate::domain::meeting::MeetingKind::Committee;
        if !may_see_meeting(&user.actor, &m.org_path, committee) {
            return Err(AppError::NotFound);
        }
        if !crate::domain::meeting::visible_to_members(m.status)
            && !may(&user.actor, Action::RunMeeting, &m.org_path)
        {
            return Err(AppError::NotFound);
        }
        Ok(Ctx { user, db, m })
    }

    /// The meeting, if the caller runs it and `step` fits its state.
    pub async fn running(
        user: CurrentUser,
        db: Db,
        id: i64,
        step: MeetingStep,
    ) -> Result<Ctx, AppError> {
        let ctx = visible(user, db, id).await?;
        if !may(&ctx.user.actor, Action::RunMeeting, &ctx.m.org_path) {
            return Err(AppError::Forbidden);
        }
        if !step_allowed(ctx.m.status, step) {
            return Err(AppError::field("status", "err_meeting_state"));
        }
        Ok(ctx)
    }

    /// Who a member action is for: the caller themself (`on_behalf` 0), or — for a leader of
    /// the cell — a member of that cell. Returns (member id, recorded by).
    pub async fn participant(ctx: &Ctx, on_behalf: i64) -> Result<(i64, Option<i64>), AppError> {
        let committee = ctx.m.kind == crate::domain::meeting::MeetingKind::Committee;
        if on_behalf == 0 || on_behalf == ctx.user.actor.member_id {
            if !may_take_part(&ctx.user.actor, &ctx.m.org_path, committee) {
                return Err(AppError::Forbidden);
            }
            return Ok((ctx.user.actor.member_id, None));
        }
        if !may(&ctx.user.actor, Action::RunMeeting, &ctx.m.org_path) {
            return Err(AppError::Forbidden);
        }
        if !repo::is_member_of(&ctx.db, on_behalf, ctx.m.org_id).await? {
            return Err(AppError::field("member", "err_not_in_cell"));
        }
        let (_, subject, _) =
            crate::accounts::service::subject_of_member(&ctx.db, on_behalf).await?;
        // In a committee meeting only the cell's committee can be recorded.
        let on_committee = subject
            .grants
            .iter()
            .any(|g| g.scope == ctx.m.org_path && !g.role.is_grantable());
        if committee && !on_committee {
            return Err(AppError::field("member", "err_not_in_committee"));
        }
        if !crate::domain::permission::may_record_for(&ctx.user.actor, &subject) {
            return Err(AppError::Forbidden);
        }
        Ok((on_behalf, Some(ctx.user.actor.member_id)))
    }
}

/// A form's free text (`domain::register::bounded`), its error as the server function's.
#[cfg(feature = "ssr")]
fn text(input: &str, field: &str, max: usize, required: bool) -> Result<Option<String>, AppError> {
    crate::domain::register::bounded(input, field, max, required)
        .map_err(|e| AppError::Invalid(vec![e]))
}

/// The audit entry of a leadership step on the meeting (or a record for a member), from the
/// caller's address. Written in the transaction of the change.
#[cfg(feature = "ssr")]
fn audit_entry(
    ctx: &guard::Ctx,
    action: crate::domain::audit::AuditAction,
    on_behalf: Option<i64>,
    detail: Option<String>,
) -> crate::platform::audit::AuditEntry {
    crate::platform::audit::AuditEntry {
        action,
        actor_account_id: Some(ctx.user.actor.account_id),
        on_behalf_of: on_behalf,
        target_type: Some(crate::domain::audit::AuditTarget::Meeting),
        target_id: Some(ctx.m.id),
        org_id: Some(ctx.m.org_id),
        detail,
        ip: crate::platform::session::client_addr(),
    }
}

/// A change and its audit entry in one transaction: the change runs on the transaction, then
/// the entry is written and both commit together.
#[cfg(feature = "ssr")]
macro_rules! audited {
    ($db:expr, $entry:expr, |$tx:ident| $change:expr) => {{
        let mut $tx = $db.pool().begin().await?;
        let out = $change;
        crate::platform::audit::record(&mut $tx, $entry).await?;
        $tx.commit().await?;
        out
    }};
}

/// Tells the meeting's members: one row for the cell (fan-out on read), or for a committee
/// meeting one row per leader of the cell.
#[cfg(feature = "ssr")]
async fn notify_meeting(
    conn: &mut sqlx::AnyConnection,
    m: &repo::MeetingRow,
    kind: crate::domain::notification::NotificationKind,
) -> Result<(), AppError> {
    notify_meeting_with(conn, m, kind, None).await
}

/// A meeting notice's subject: title (if any), date and time, and a note (why it was called off).
#[cfg(feature = "ssr")]
fn meeting_subject(m: &repo::MeetingRow, note: Option<&str>) -> String {
    let date = crate::domain::register::Date::parse(&m.date)
        .map(|d| d.to_string())
        .unwrap_or_else(|_| m.date.clone());
    let subject = if m.title.is_empty() {
        format!("{date} · {}", m.start_time)
    } else {
        format!("{} · {date} · {}", m.title, m.start_time)
    };
    match note {
        Some(n) => format!("{subject} — {n}"),
        None => subject,
    }
}

/// As `notify_meeting`, with a note after the subject (why it was called off). Written on `conn`
/// (the caller's transaction, so the notice lands with the change it announces).
#[cfg(feature = "ssr")]
async fn notify_meeting_with(
    conn: &mut sqlx::AnyConnection,
    m: &repo::MeetingRow,
    kind: crate::domain::notification::NotificationKind,
    note: Option<&str>,
) -> Result<(), AppError> {
    let subject = meeting_subject(m, note);
    let now = crate::platform::clock::now_unix();
    if m.kind == crate::domain::meeting::MeetingKind::Committee {
        // On the caller's transaction: asking the pool for a second connection while holding
        // one can run it dry under load.
        let leaders = repo::cell_leaders(&mut *conn, m.org_id).await?;
        crate::notifications::service::notify_members(
            conn,
            kind,
            &leaders,
            crate::domain::notification::NotificationRef::Meeting,
            m.id,
            &subject,
            now,
        )
        .await
    } else {
        crate::notifications::service::notify_org(
            conn,
            kind,
            m.org_id,
            crate::domain::notification::NotificationRef::Meeting,
            m.id,
            &subject,
            now,
        )
        .await
    }
}

/// Upcoming and past meetings of the caller's cell, and of the cells they run.
#[server(prefix = "/api", endpoint = "meetings")]
pub async fn meetings() -> Result<MeetingList, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{scopes, Action};
        let run_cells = repo::run_cells(&db, &scopes(&user.actor, Action::RunMeeting)).await?;
        let all = repo::list_for(
            &db,
            &user.actor,
            &run_cells.iter().map(|c| c.id).collect::<Vec<_>>(),
            60,
        )
        .await?;
        let (mut upcoming, past): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|m| m.status != MeetingStatus::Held);
        upcoming.sort_by(|a, b| {
            (a.date.as_str(), a.start_time.as_str()).cmp(&(b.date.as_str(), b.start_time.as_str()))
        });
        Ok(MeetingList {
            upcoming,
            past,
            run_cells,
            follows_cells: !scopes(&user.actor, Action::FollowMeetings).is_empty(),
        })
    })
    .await
}

/// One meeting, as the caller may see it.
#[server(prefix = "/api", endpoint = "meeting")]
pub async fn meeting(id: i64) -> Result<MeetingView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::permission::{may, may_take_part, Action};
        let ctx = guard::visible(user, db, id).await?;
        let can_run = may(&ctx.user.actor, Action::RunMeeting, &ctx.m.org_path);
        let committee = ctx.m.kind == crate::domain::meeting::MeetingKind::Committee;
        let takes_part = may_take_part(&ctx.user.actor, &ctx.m.org_path, committee);
        repo::view(
            &ctx.db,
            &ctx.m,
            ctx.user.actor.member_id,
            takes_part,
            can_run,
        )
        .await
    })
    .await
}

/// Creates a meeting for a cell the caller runs. A periodic meeting is one per month: asking
/// again for a month that has one returns that one.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "create_meeting")]
pub async fn create_meeting(
    org_id: i64,
    kind: String,
    title: String,
    date: String,
    start_time: String,
    format: String,
    place: String,
    link: String,
) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::{MeetingDraft, MeetingKind};
        use crate::domain::permission::{may, Action};
        let org = crate::register::service::org_by_id(&db, org_id)
            .await
            .map_err(|_| AppError::Forbidden)?;
        if !may(&user.actor, Action::RunMeeting, &org.path) || !org.kind.is_cell() {
            return Err(AppError::Forbidden);
        }
        let kind = MeetingKind::from_code(kind.trim());
        let draft = MeetingDraft::parse(kind, &title, &date, &start_time, &format, &place, &link)
            .map_err(AppError::Invalid)?;
        let kind = kind.ok_or_else(|| AppError::field("kind", "err_invalid_value"))?;
        let MeetingDraft {
            title,
            date,
            time,
            venue,
        } = draft;
        let now = crate::platform::clock::now_unix();
        let mut tx = db.pool().begin().await?;
        let id = repo::create(
            &mut tx,
            org.id,
            kind,
            title.as_deref().unwrap_or(""),
            date,
            &time,
            &venue,
            user.actor.member_id,
            now,
        )
        .await?;
        let entry = crate::platform::audit::AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            target_type: Some(crate::domain::audit::AuditTarget::Meeting),
            target_id: Some(id),
            org_id: Some(org.id),
            detail: Some(format!("{} {} {time}", kind.code(), date.iso())),
            ip: crate::platform::session::client_addr(),
            ..crate::platform::audit::AuditEntry::new(AuditAction::MeetingCreate)
        };
        crate::platform::audit::record(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// Changes date, time, place or title while the meeting is being prepared.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "update_meeting")]
pub async fn update_meeting(
    id: i64,
    title: String,
    date: String,
    start_time: String,
    format: String,
    place: String,
    link: String,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::{MeetingDraft, MeetingStep};
        let ctx = guard::running(user, db, id, MeetingStep::Prepare).await?;
        let MeetingDraft {
            title,
            date,
            time,
            venue,
        } = MeetingDraft::parse(
            Some(ctx.m.kind),
            &title,
            &date,
            &start_time,
            &format,
            &place,
            &link,
        )
        .map_err(AppError::Invalid)?;
        let entry = audit_entry(
            &ctx,
            AuditAction::MeetingUpdate,
            None,
            Some(format!("{} {time}", date.iso())),
        );
        audited!(ctx.db, entry, |tx| {
            repo::update(
                &mut tx,
                &ctx.m,
                title.as_deref().unwrap_or(""),
                date,
                &time,
                &venue,
                crate::platform::clock::now_unix(),
            )
            .await?;
            // Members already told of the meeting hear of the change (in the same transaction).
            if ctx.m.status == crate::domain::meeting::MeetingStatus::Scheduled {
                let changed = repo::meeting_in(&mut tx, id).await?;
                notify_meeting(
                    &mut tx,
                    &changed,
                    crate::domain::notification::NotificationKind::MeetingChanged,
                )
                .await?;
            }
        });
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "add_agenda_item")]
pub async fn add_agenda_item(id: i64, agenda_title: String, note: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx =
            guard::running(user, db, id, crate::domain::meeting::MeetingStep::Prepare).await?;
        let title = text(&agenda_title, "agenda_title", 300, true)?.unwrap_or_default();
        let note = text(&note, "agenda_note", 2000, false)?;
        let entry = audit_entry(&ctx, AuditAction::AgendaAdd, None, Some(title.clone()));
        audited!(ctx.db, entry, |tx| repo::add_agenda_item(
            &mut tx,
            id,
            &title,
            note.as_deref()
        )
        .await?);
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "remove_agenda_item")]
pub async fn remove_agenda_item(id: i64, item_id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx =
            guard::running(user, db, id, crate::domain::meeting::MeetingStep::Prepare).await?;
        let entry = audit_entry(
            &ctx,
            AuditAction::AgendaRemove,
            None,
            Some(item_id.to_string()),
        );
        audited!(ctx.db, entry, |tx| repo::remove_agenda_item(
            &mut tx, id, item_id
        )
        .await?);
        Ok(())
    })
    .await
}

/// Documents of the library the cell's members can read, to attach as materials.
#[server(prefix = "/api", endpoint = "attachable_documents")]
pub async fn attachable_documents(id: i64, query: String) -> Result<Vec<DocChoice>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx =
            guard::running(user, db, id, crate::domain::meeting::MeetingStep::Prepare).await?;
        let found = crate::documents::readable_in(&ctx.db, &ctx.m.org_path, &query, 20).await?;
        Ok(found
            .into_iter()
            .map(|d| DocChoice {
                id: d.id,
                number: d.number,
                title: d.title,
            })
            .collect())
    })
    .await
}

#[server(prefix = "/api", endpoint = "attach_document")]
pub async fn attach_document(id: i64, document_id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx =
            guard::running(user, db, id, crate::domain::meeting::MeetingStep::Prepare).await?;
        // Only what every member of the cell may read (the documents feature decides).
        if !crate::documents::is_readable_in(&ctx.db, document_id, &ctx.m.org_path).await? {
            return Err(AppError::field("document_id", "err_document_not_for_cell"));
        }
        let entry = audit_entry(
            &ctx,
            AuditAction::MaterialAttach,
            None,
            Some(document_id.to_string()),
        );
        audited!(ctx.db, entry, |tx| repo::attach_document(
            &mut tx,
            id,
            document_id,
            crate::platform::clock::now_unix()
        )
        .await?);
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "detach_document")]
pub async fn detach_document(id: i64, document_id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx =
            guard::running(user, db, id, crate::domain::meeting::MeetingStep::Prepare).await?;
        let entry = audit_entry(
            &ctx,
            AuditAction::MaterialDetach,
            None,
            Some(document_id.to_string()),
        );
        audited!(ctx.db, entry, |tx| repo::detach_document(
            &mut tx,
            id,
            document_id
        )
        .await?);
        Ok(())
    })
    .await
}

/// Publishes the schedule, agenda and materials to the cell's members.
#[server(prefix = "/api", endpoint = "publish_meeting")]
pub async fn publish_meeting(id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::{MeetingStatus, MeetingStep};
        let ctx = guard::running(user, db, id, MeetingStep::Publish).await?;
        let now = crate::platform::clock::now_unix();
        // One transaction: the status, the members' notice and the audit entry land together
        // (and cost one commit — it matters in the monthly burst).
        let mut tx = ctx.db.pool().begin().await?;
        repo::set_status(
            &mut tx,
            id,
            MeetingStatus::Draft,
            MeetingStatus::Scheduled,
            now,
        )
        .await?;
        notify_meeting(
            &mut tx,
            &ctx.m,
            crate::domain::notification::NotificationKind::MeetingPublished,
        )
        .await?;
        // Members without a smartphone get the notice by SMS (queued with it, once).
        crate::sms::service::enqueue_meeting(&mut tx, id, false, None, now).await?;
        crate::platform::audit::record(
            &mut tx,
            audit_entry(&ctx, AuditAction::MeetingPublish, None, None),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Calls off a published meeting: it goes back to draft (to be dated and published again), and
/// its members are told why.
#[server(prefix = "/api", endpoint = "cancel_meeting")]
pub async fn cancel_meeting(id: i64, cancel_reason: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::{MeetingStatus, MeetingStep};
        let ctx = guard::running(user, db, id, MeetingStep::Cancel).await?;
        let reason = cancel_reason.trim();
        if reason.is_empty() {
            return Err(AppError::field("cancel_reason", "err_reason_required"));
        }
        let reason: String = reason.chars().take(300).collect();
        let now = crate::platform::clock::now_unix();
        let mut tx = ctx.db.pool().begin().await?;
        repo::set_status(
            &mut tx,
            id,
            MeetingStatus::Scheduled,
            MeetingStatus::Draft,
            now,
        )
        .await?;
        notify_meeting_with(
            &mut tx,
            &ctx.m,
            crate::domain::notification::NotificationKind::MeetingCancelled,
            Some(&reason),
        )
        .await?;
        crate::platform::audit::record(
            &mut tx,
            audit_entry(&ctx, AuditAction::MeetingCancel, None, Some(reason)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Opens the meeting: attendance and votes begin. Exempt members are preset to exempt.
#[server(prefix = "/api", endpoint = "start_meeting")]
pub async fn start_meeting(id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::MeetingStep;
        let ctx = guard::running(user, db, id, MeetingStep::Start).await?;
        let entry = audit_entry(&ctx, AuditAction::MeetingStart, None, None);
        audited!(ctx.db, entry, |tx| repo::start(
            &mut tx,
            &ctx.m,
            crate::platform::clock::now_unix()
        )
        .await?);
        Ok(())
    })
    .await
}

/// Closes the meeting with the cell's rating of it. Members nobody marked become unexcused
/// absentees, or excused ones where they had asked to be excused.
#[server(prefix = "/api", endpoint = "finish_meeting")]
pub async fn finish_meeting(id: i64, rating: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::{MeetingRating, MeetingStep};
        let ctx = guard::running(user, db, id, MeetingStep::Finish).await?;
        let rating = MeetingRating::from_code(rating.trim())
            .ok_or_else(|| AppError::field("rating", "err_required"))?;
        let entry = audit_entry(
            &ctx,
            AuditAction::MeetingFinish,
            None,
            Some(rating.code().into()),
        );
        audited!(ctx.db, entry, |tx| repo::finish(
            &mut tx,
            &ctx.m,
            rating,
            crate::platform::clock::now_unix()
        )
        .await?);
        Ok(())
    })
    .await
}

/// A member's answer before the meeting: coming, or excused with a reason.
#[server(prefix = "/api", endpoint = "rsvp")]
pub async fn rsvp(
    id: i64,
    answer: String,
    reason: String,
    #[server(default)] on_behalf: i64,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::{members_may_answer, Rsvp};
        let ctx = guard::visible(user, db, id).await?;
        let (member, recorded_by) = guard::participant(&ctx, on_behalf).await?;
        if !members_may_answer(ctx.m.status) {
            return Err(AppError::field("answer", "err_meeting_state"));
        }
        let answer = Rsvp::from_code(answer.trim())
            .ok_or_else(|| AppError::field("answer", "err_invalid_value"))?;
        let reason = match answer {
            Rsvp::Excused => Some(text(&reason, "reason", 500, true)?.unwrap_or_default()),
            Rsvp::Attending => None,
        };
        let now = crate::platform::clock::now_unix();
        if recorded_by.is_some() {
            let entry = audit_entry(
                &ctx,
                AuditAction::Rsvp,
                Some(member),
                Some(answer.code().into()),
            );
            audited!(ctx.db, entry, |tx| repo::rsvp(
                &mut tx,
                id,
                member,
                answer,
                reason.as_deref(),
                recorded_by,
                now
            )
            .await?);
        } else {
            repo::rsvp(
                &mut *ctx.db.pool().acquire().await?,
                id,
                member,
                answer,
                reason.as_deref(),
                None,
                now,
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// An opinion (góp ý) on the meeting's agenda.
#[server(prefix = "/api", endpoint = "comment")]
pub async fn comment(
    id: i64,
    body: String,
    #[server(default)] on_behalf: i64,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx = guard::visible(user, db, id).await?;
        let (member, recorded_by) = guard::participant(&ctx, on_behalf).await?;
        if !crate::domain::meeting::members_may_answer(ctx.m.status) {
            return Err(AppError::field("body", "err_meeting_state"));
        }
        let body = text(&body, "body", 4000, true)?.unwrap_or_default();
        let (body, now) = (
            crate::domain::text::nfc(&body),
            crate::platform::clock::now_unix(),
        );
        if recorded_by.is_some() {
            let entry = audit_entry(&ctx, AuditAction::Comment, Some(member), None);
            audited!(ctx.db, entry, |tx| repo::comment(
                &mut tx,
                id,
                member,
                &body,
                recorded_by,
                now
            )
            .await?);
        } else {
            repo::comment(
                &mut *ctx.db.pool().acquire().await?,
                id,
                member,
                &body,
                None,
                now,
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// Marks one member's attendance (`all_present` marks everyone not exempt as present).
#[server(prefix = "/api", endpoint = "set_attendance")]
pub async fn set_attendance(id: i64, member_id: i64, state: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::{Attendance, MeetingStep};
        let ctx = guard::running(user, db, id, MeetingStep::Run).await?;
        let state = Attendance::from_code(state.trim())
            .ok_or_else(|| AppError::field("state", "err_invalid_value"))?;
        if !repo::is_member_of(&ctx.db, member_id, ctx.m.org_id).await? {
            return Err(AppError::field("member", "err_not_in_cell"));
        }
        let entry = audit_entry(
            &ctx,
            AuditAction::Attendance,
            Some(member_id),
            Some(state.code().into()),
        );
        audited!(ctx.db, entry, |tx| repo::set_attendance(
            &mut tx,
            id,
            member_id,
            state,
            ctx.user.actor.member_id,
            crate::platform::clock::now_unix()
        )
        .await?);
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "all_present")]
pub async fn all_present(id: i64) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx = guard::running(user, db, id, crate::domain::meeting::MeetingStep::Run).await?;
        let mut tx = ctx.db.pool().begin().await?;
        let n = repo::all_present(
            &mut tx,
            &ctx.m,
            ctx.user.actor.member_id,
            crate::platform::clock::now_unix(),
        )
        .await?;
        crate::platform::audit::record(
            &mut tx,
            audit_entry(&ctx, AuditAction::AllPresent, None, Some(n.to_string())),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    })
    .await
}

/// Puts a motion to the vote.
#[server(prefix = "/api", endpoint = "open_motion")]
pub async fn open_motion(id: i64, question: String) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx = guard::running(user, db, id, crate::domain::meeting::MeetingStep::Run).await?;
        let question = text(&question, "question", 500, true)?.unwrap_or_default();
        let mut tx = ctx.db.pool().begin().await?;
        let motion =
            repo::open_motion(&mut tx, id, &question, crate::platform::clock::now_unix()).await?;
        crate::platform::audit::record(
            &mut tx,
            audit_entry(
                &ctx,
                AuditAction::MotionOpen,
                None,
                Some(format!("{motion}: {question}")),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(motion)
    })
    .await
}

#[server(prefix = "/api", endpoint = "close_motion")]
pub async fn close_motion(id: i64, motion_id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx = guard::running(user, db, id, crate::domain::meeting::MeetingStep::Run).await?;
        let entry = audit_entry(
            &ctx,
            AuditAction::MotionClose,
            None,
            Some(motion_id.to_string()),
        );
        audited!(ctx.db, entry, |tx| repo::close_motion(
            &mut tx,
            id,
            motion_id,
            crate::platform::clock::now_unix()
        )
        .await?);
        Ok(())
    })
    .await
}

/// A vote on an open motion; may be changed until the chair closes it.
#[server(prefix = "/api", endpoint = "vote")]
pub async fn vote(
    id: i64,
    motion_id: i64,
    choice: String,
    #[server(default)] other: String,
    #[server(default)] on_behalf: i64,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx = guard::visible(user, db, id).await?;
        let (member, recorded_by) = guard::participant(&ctx, on_behalf).await?;
        if ctx.m.status != crate::domain::meeting::MeetingStatus::InProgress {
            return Err(AppError::field("choice", "err_meeting_state"));
        }
        let (choice, other) = crate::domain::meeting::parse_vote(&choice, &other)
            .map_err(|e| AppError::Invalid(vec![e]))?;
        let now = crate::platform::clock::now_unix();
        if recorded_by.is_some() {
            let entry = audit_entry(
                &ctx,
                AuditAction::Vote,
                Some(member),
                Some(format!("{motion_id}:{}", choice.code())),
            );
            audited!(ctx.db, entry, |tx| repo::vote(
                &mut tx,
                id,
                motion_id,
                member,
                choice,
                other.as_deref(),
                recorded_by,
                now
            )
            .await?);
        } else {
            repo::vote(
                &mut *ctx.db.pool().acquire().await?,
                id,
                motion_id,
                member,
                choice,
                other.as_deref(),
                None,
                now,
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// Minutes (biên bản) and the cell's resolution (nghị quyết chi bộ).
#[server(prefix = "/api", endpoint = "save_minutes")]
pub async fn save_minutes(id: i64, minutes: String, resolution: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx =
            guard::running(user, db, id, crate::domain::meeting::MeetingStep::FollowUp).await?;
        let minutes =
            text(&minutes, "minutes", 50_000, false)?.map(|t| crate::domain::text::nfc(&t));
        let resolution =
            text(&resolution, "resolution", 50_000, false)?.map(|t| crate::domain::text::nfc(&t));
        let entry = audit_entry(&ctx, AuditAction::Minutes, None, None);
        audited!(ctx.db, entry, |tx| repo::save_minutes(
            &mut tx,
            id,
            minutes.as_deref(),
            resolution.as_deref(),
            crate::platform::clock::now_unix()
        )
        .await?);
        Ok(())
    })
    .await
}

/// Assigns a task from the meeting to a member of the cell.
#[server(prefix = "/api", endpoint = "assign_task")]
pub async fn assign_task(
    id: i64,
    assignee_id: i64,
    task_title: String,
    due_date: String,
) -> Result<i64, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        let ctx =
            guard::running(user, db, id, crate::domain::meeting::MeetingStep::FollowUp).await?;
        use crate::domain::task::TaskDraft;
        let in_cell = repo::is_member_of(&ctx.db, assignee_id, ctx.m.org_id).await?;
        let draft = TaskDraft::parse(&task_title, &due_date, &ctx.m.date);
        let draft = match (in_cell, draft) {
            (true, Ok(draft)) => draft,
            (in_cell, draft) => {
                let mut errors = draft.err().unwrap_or_default();
                if !in_cell {
                    errors.insert(
                        0,
                        crate::domain::register::FieldError::new("assignee_id", "err_not_in_cell"),
                    );
                }
                return Err(AppError::Invalid(errors));
            }
        };
        let now = crate::platform::clock::now_unix();
        let mut tx = ctx.db.pool().begin().await?;
        let id = crate::tasks::service::assign(
            &mut tx,
            ctx.m.org_id,
            ctx.m.id,
            assignee_id,
            &draft,
            ctx.user.actor.member_id,
            now,
        )
        .await?;
        crate::platform::audit::record(
            &mut tx,
            audit_entry(
                &ctx,
                AuditAction::TaskAssign,
                Some(assignee_id),
                Some(id.to_string()),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// A cell's recurrence rule, default time and place.
#[server(prefix = "/api", endpoint = "set_schedule")]
pub async fn set_schedule(
    org_id: i64,
    rule_kind: String,
    #[server(default)] day: String,
    #[server(default)] nth: String,
    #[server(default)] weekday: String,
    start_time: String,
    place: String,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::ScheduleDraft;
        use crate::domain::permission::{may, Action};
        let org = crate::register::service::org_by_id(&db, org_id)
            .await
            .map_err(|_| AppError::Forbidden)?;
        if !may(&user.actor, Action::RunMeeting, &org.path) || !org.kind.is_cell() {
            return Err(AppError::Forbidden);
        }
        let ScheduleDraft { rule, time, place } =
            ScheduleDraft::parse(&rule_kind, &day, &nth, &weekday, &start_time, &place)
                .map_err(AppError::Invalid)?;
        let entry = crate::platform::audit::AuditEntry {
            actor_account_id: Some(user.actor.account_id),
            target_type: Some(crate::domain::audit::AuditTarget::Organization),
            target_id: Some(org_id),
            org_id: Some(org_id),
            detail: Some(format!("{} {time}", rule.code())),
            ip: crate::platform::session::client_addr(),
            ..crate::platform::audit::AuditEntry::new(AuditAction::ScheduleSet)
        };
        audited!(db, entry, |tx| repo::set_schedule(
            &mut tx,
            org_id,
            rule,
            &time,
            place.as_deref(),
            user.actor.member_id,
            crate::platform::clock::now_unix()
        )
        .await?);
        Ok(())
    })
    .await
}

/// For committees: each cell of their subtree in one month — meeting state, rating and
/// attendance rate.
#[server(prefix = "/api", endpoint = "meeting_overview")]
pub async fn meeting_overview(
    month: String,
    #[server(default)] offset: i64,
) -> Result<Overview, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::Month;
        use crate::domain::permission::{scopes, Action};
        let month = match month.trim() {
            "" => Month::of(crate::platform::clock::today_vn()).previous(),
            m => Month::parse(m).ok_or_else(|| AppError::field("month", "err_invalid_value"))?,
        };
        let scopes = scopes(&user.actor, Action::FollowMeetings);
        if scopes.is_empty() {
            return Err(AppError::Forbidden);
        }
        const PAGE: i64 = 100;
        let mut cells =
            repo::overview(&db, &scopes, &month.code(), offset.max(0), PAGE + 1).await?;
        let has_more = cells.len() as i64 > PAGE;
        cells.truncate(PAGE as usize);
        Ok(Overview {
            month: month.code(),
            cells,
            has_more,
        })
    })
    .await
}

/// The next published meetings of the caller's cell, for the home page.
#[server(prefix = "/api", endpoint = "next_meetings")]
pub async fn next_meetings() -> Result<Vec<MeetingSummary>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        repo::next_for_member(&db, &user.actor, &crate::platform::clock::today_vn().iso()).await
    })
    .await
}
