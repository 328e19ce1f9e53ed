//! SMS rules that need data. Notices are queued in the transaction of what they announce (a
//! meeting published, the day-before reminder, a task assigned), once per member; a worker sends
//! the queue in the day, each message claimed by exactly one server and counted against its
//! organisation's monthly cap; replies come back through a signed webhook.

use super::provider::{self, SmsConfig};
use super::repo;
use crate::domain::meeting::Rsvp;
use crate::domain::register::Date;
use crate::domain::sms::{self, SmsKind, SmsStatus, Words};
use crate::i18n::{td_string, Locale};
use crate::platform::db::Db;
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection};

/// Queued messages older than this are not sent any more (a notice after its meeting).
const EXPIRE_AFTER_SECONDS: i64 = 2 * 86_400;

fn words(l: Locale) -> Words<'static> {
    Words {
        notice: td_string!(l, sms_meeting_notice),
        reminder: td_string!(l, sms_meeting_reminder),
        task: td_string!(l, sms_task),
        due: td_string!(l, sms_due),
        at_place: td_string!(l, sms_at_place),
        reply_hint: td_string!(l, sms_reply_hint),
        weekdays: [
            td_string!(l, mt_weekday_0),
            td_string!(l, mt_weekday_1),
            td_string!(l, mt_weekday_2),
            td_string!(l, mt_weekday_3),
            td_string!(l, mt_weekday_4),
            td_string!(l, mt_weekday_5),
            td_string!(l, mt_weekday_6),
        ],
    }
}

/// Whether texts go without diacritics: the setting, read once (`SOTAY_SMS_UNICODE`).
fn ascii() -> bool {
    static ASCII: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ASCII.get_or_init(|| SmsConfig::from_env().map(|c| c.ascii).unwrap_or(true))
}

/// Queues the meeting's notice (or, with `reminder`, the day-before reminder to `only` — those
/// who have not answered) for its members without a smartphone, in the caller's transaction.
pub async fn enqueue_meeting(
    conn: &mut AnyConnection,
    meeting_id: i64,
    reminder: bool,
    only: Option<&[i64]>,
    now: i64,
) -> Result<usize, AppError> {
    let m = sqlx::query_as::<Any, MeetingRow>(
        "SELECT org_id, kind, title, meeting_date, start_time, place FROM meetings WHERE id = $1",
    )
    .bind(meeting_id)
    .fetch_one(&mut *conn)
    .await?;
    let org_id = m.org_id;
    let committee = m.kind == crate::domain::meeting::MeetingKind::Committee;
    let Ok(date) = Date::parse(&m.meeting_date) else {
        return Ok(0);
    };
    let text = sms::meeting_text(
        &words(Locale::vi),
        reminder,
        &m.title,
        date,
        &m.start_time,
        &m.place.unwrap_or_default(),
        ascii(),
    );
    let kind = if reminder {
        SmsKind::MeetingReminder
    } else {
        SmsKind::MeetingNotice
    };
    let mut queued = 0;
    for (member, phone) in repo::sms_recipients(conn, org_id, only, committee).await? {
        if repo::enqueue(conn, member, org_id, kind, meeting_id, &phone, &text, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// What a meeting's SMS says and whom it goes to.
#[derive(sqlx::FromRow)]
struct MeetingRow {
    org_id: i64,
    kind: crate::domain::meeting::MeetingKind,
    title: String,
    meeting_date: String,
    start_time: String,
    place: Option<String>,
}

/// Queues the notice of a task assigned to a member without a smartphone.
pub async fn enqueue_task(
    conn: &mut AnyConnection,
    task_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let (assignee, title, due_date, org_id) = sqlx::query_as::<Any, (i64, String, String, i64)>("SELECT t.assignee_id, t.title, t.due_date, m.org_id FROM tasks t JOIN members m ON m.id = t.assignee_id WHERE t.id = $1").bind(task_id).fetch_one(&mut *conn).await?;
    let Some((_, phone)) = repo::sms_recipients(conn, org_id, Some(&[assignee]), false)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(false);
    };
    let due = Date::parse(&due_date).ok();
    let text = sms::task_text(&words(Locale::vi), &title, due, ascii());
    repo::enqueue(
        conn,
        assignee,
        org_id,
        SmsKind::TaskAssigned,
        task_id,
        &phone,
        &text,
        now,
    )
    .await
}

/// The month a message counts in (Vietnam time), `YYYY-MM`.
pub fn month_of(now: i64) -> String {
    let d = crate::platform::clock::date_from_unix(
        now + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS,
    );
    format!("{:04}-{:02}", d.year, d.month)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
    pub over_cap: usize,
    pub expired: usize,
}

/// One round of the worker: outside the day's window nothing goes; otherwise up to `batch`
/// queued messages are claimed one by one, checked against the cap and sent.
pub async fn send_due(
    db: &Db,
    config: &SmsConfig,
    client: &reqwest::Client,
    now: i64,
    batch: i64,
) -> Result<SendReport, AppError> {
    let mut report = SendReport::default();
    if config.provider == provider::Provider::Off || !sms::in_send_window(now) {
        return Ok(report);
    }
    let month = month_of(now);
    for m in repo::queued(db, batch).await? {
        if !repo::transition(db, m.id, SmsStatus::Queued, SmsStatus::Sending, None, now).await? {
            continue; // another server took it
        }
        if m.created_at < now - EXPIRE_AFTER_SECONDS {
            repo::transition(
                db,
                m.id,
                SmsStatus::Sending,
                SmsStatus::Failed,
                Some("expired"),
                now,
            )
            .await?;
            report.expired += 1;
            continue;
        }
        if !repo::take_from_cap(db, m.org_id, &month, config.monthly_cap).await? {
            repo::transition(db, m.id, SmsStatus::Sending, SmsStatus::OverCap, None, now).await?;
            report.over_cap += 1;
            continue;
        }
        match provider::send(&config.provider, client, &m.phone, &m.body).await {
            Ok(()) => {
                repo::transition(db, m.id, SmsStatus::Sending, SmsStatus::Sent, None, now).await?;
                report.sent += 1;
            }
            Err(e) => {
                tracing::warn!(sms = m.id, error = %e, "sms not sent");
                repo::return_to_cap(db, m.org_id, &month).await?;
                repo::transition(
                    db,
                    m.id,
                    SmsStatus::Sending,
                    SmsStatus::Failed,
                    Some(&e),
                    now,
                )
                .await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// What became of an inbound reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// The member's answer to their last meeting notice, recorded.
    Recorded(Rsvp),
    /// Kept for the secretary to read (not an answer, an unknown number, no meeting to answer).
    Unmatched,
    /// Seen before: nothing changed.
    Replayed,
}

/// A reply from the provider's webhook (already verified): "1" or "2" to the last notice the
/// member was sent records their own answer, marked as given by SMS.
pub async fn receive(
    db: &Db,
    provider_id: &str,
    from: &str,
    text: &str,
    now: i64,
) -> Result<Received, AppError> {
    let provider_id: String = provider_id
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(500)
        .collect();
    let phone = crate::domain::phone::Phone::parse(from)
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|_| from.chars().take(20).collect());
    let mut conn = db.pool().acquire().await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    if repo::inbound_seen(&mut tx, &provider_id).await? {
        return Ok(Received::Replayed);
    }
    let member = repo::member_by_phone(&mut tx, &phone).await?;
    let meeting = match member {
        Some((id, _)) => repo::answerable_meeting(&mut tx, id).await?,
        None => None,
    };
    let answer = sms::parse_reply(&text);
    let outcome = match (member, meeting, answer) {
        (Some((member_id, _)), Some(meeting_id), Some(answer)) => {
            let reason =
                (answer == Rsvp::Excused).then(|| td_string!(Locale::vi, sms_excused_reason));
            match crate::meetings::service::rsvp_via(
                &mut tx,
                meeting_id,
                member_id,
                answer,
                reason,
                None,
                Some("sms"),
                now,
            )
            .await
            {
                Ok(()) => Received::Recorded(answer),
                Err(AppError::Invalid(_)) => Received::Unmatched,
                Err(e) => return Err(e),
            }
        }
        _ => Received::Unmatched,
    };
    let recorded = matches!(outcome, Received::Recorded(_));
    // Two deliveries of one message racing: the unique id lets one in.
    if !repo::insert_inbound(
        &mut tx,
        &provider_id,
        &phone,
        &text,
        member.map(|m| m.0),
        member.map(|m| m.1),
        meeting,
        recorded,
        now,
    )
    .await?
    {
        return Ok(Received::Replayed);
    }
    tx.commit().await?;
    Ok(outcome)
}
