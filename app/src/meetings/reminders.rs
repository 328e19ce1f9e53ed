//! Scheduled reminders of the meetings feature, sent once each (recorded in `reminders_sent` in
//! the same transaction) and only to people who have not acted: the day before a meeting to
//! those who have not answered, the hour before to those who have not sent apologies; a task
//! due tomorrow, and a task overdue, to its assignee while it is not done.

use crate::domain::meeting::{MeetingKind, MeetingStatus, Rsvp, TaskStatus};
use crate::domain::notification::{meeting_reminder_due, parse_clock, task_reminder_due, Reminder};
use crate::domain::register::Date;
use crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection};

/// A published meeting of today or tomorrow.
#[derive(sqlx::FromRow)]
struct DueMeeting {
    id: i64,
    org_id: i64,
    kind: MeetingKind,
    title: String,
    meeting_date: String,
    start_time: String,
}

/// An open task due by tomorrow whose overdue reminder has not gone out.
#[derive(sqlx::FromRow)]
struct DueTask {
    id: i64,
    assignee_id: i64,
    title: String,
    due_date: String,
}

/// Claims a reminder; false when it was already sent (by this or another server).
async fn claim(
    conn: &mut AnyConnection,
    reminder: Reminder,
    ref_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let r = sqlx::query("INSERT INTO reminders_sent (kind, ref_id, sent_at) VALUES ($1, $2, $3) ON CONFLICT (kind, ref_id) DO NOTHING")
        .bind(reminder.code())
        .bind(ref_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

fn julian(d: Date) -> i64 {
    crate::domain::lunar::julian_day(d.year, d.month, d.day)
}

/// Unix time of a meeting's start (date and HH:MM in Vietnam time).
pub fn start_unix(date: &str, time: &str) -> Option<i64> {
    let d = Date::parse(date).ok()?;
    let minutes = parse_clock(time).ok()? as i64;
    Some((julian(d) - 2_440_588) * 86_400 + minutes * 60 - VIETNAM_UTC_OFFSET_SECONDS)
}

/// Sends what is due at `now`; returns how many reminders went out.
pub async fn run(db: &Db, now: i64) -> Result<usize, AppError> {
    let today = crate::platform::clock::date_from_unix(now + VIETNAM_UTC_OFFSET_SECONDS);
    let tomorrow = {
        let (y, m, d) = crate::domain::lunar::from_julian_day(julian(today) + 1);
        Date {
            year: y,
            month: m,
            day: d,
        }
    };
    let mut sent = 0;
    let meetings = sqlx::query_as::<Any, DueMeeting>(
        "SELECT id, org_id, kind, title, meeting_date, start_time FROM meetings
         WHERE status = $3 AND meeting_date IN ($1, $2)",
    )
    .bind(today.iso())
    .bind(tomorrow.iso())
    .bind(MeetingStatus::Scheduled)
    .fetch_all(db.pool())
    .await?;
    for m in meetings {
        let (id, org_id, date, time, title) =
            (m.id, m.org_id, m.meeting_date, m.start_time, m.title);
        let Some(start) = start_unix(&date, &time) else {
            continue;
        };
        let Some(reminder) = meeting_reminder_due(start, now) else {
            continue;
        };
        let committee = m.kind == MeetingKind::Committee;
        let shown = Date::parse(&date)
            .map(|d| d.to_string())
            .unwrap_or(date.clone());
        let subject = if title.is_empty() {
            format!("{shown} · {time}")
        } else {
            format!("{title} · {shown} · {time}")
        };
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        if !claim(&mut tx, reminder, id, now).await? {
            continue;
        }
        // Not acted: day before, no answer yet; hour before, anyone who has not sent apologies.
        let acted = match reminder {
            Reminder::MeetingDayBefore => "a.rsvp IS NOT NULL".to_string(),
            _ => format!("a.rsvp = '{}'", Rsvp::Excused.code()),
        };
        let sql = format!(
            "SELECT mb.id FROM members mb
             WHERE mb.org_id = $1 AND mb.exempt_since IS NULL {}
               AND NOT EXISTS (SELECT 1 FROM meeting_attendance a WHERE a.meeting_id = $2 AND a.member_id = mb.id AND {acted})",
            if committee { "AND mb.position IS NOT NULL" } else { "" }
        );
        let members: Vec<i64> = sqlx::query_scalar::<Any, i64>(&sql)
            .bind(org_id)
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        crate::notifications::service::notify_members(
            &mut tx,
            crate::domain::notification::NotificationKind::MeetingReminder,
            &members,
            crate::domain::notification::NotificationRef::Meeting,
            id,
            &subject,
            now,
        )
        .await?;
        // The day before, by SMS too, to those without a smartphone who have not answered.
        if reminder == Reminder::MeetingDayBefore {
            crate::sms::service::enqueue_meeting(&mut tx, id, true, Some(&members), now).await?;
        }
        tx.commit().await?;
        sent += members.len();
    }
    let tasks = sqlx::query_as::<Any, DueTask>(
        "SELECT t.id, t.assignee_id, t.title, t.due_date FROM tasks t
         WHERE t.status = $3 AND t.due_date <= $1
           AND NOT EXISTS (SELECT 1 FROM reminders_sent r WHERE r.kind = $2 AND r.ref_id = t.id)
         ORDER BY t.due_date LIMIT 5000",
    )
    .bind(tomorrow.iso())
    .bind(Reminder::TaskOverdue.code())
    .bind(TaskStatus::Open)
    .fetch_all(db.pool())
    .await?;
    for t in tasks {
        let id = t.id;
        let Ok(due) = Date::parse(&t.due_date) else {
            continue;
        };
        let Some(reminder) = task_reminder_due(julian(due), julian(today)) else {
            continue;
        };
        let kind = if reminder == Reminder::TaskOverdue {
            crate::domain::notification::NotificationKind::TaskOverdue
        } else {
            crate::domain::notification::NotificationKind::TaskDueTomorrow
        };
        let mut conn = db.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        if !claim(&mut tx, reminder, id, now).await? {
            continue;
        }
        let subject = format!("{} · {}", t.title, due);
        crate::notifications::service::notify_members(
            &mut tx,
            kind,
            &[t.assignee_id],
            crate::domain::notification::NotificationRef::Task,
            id,
            &subject,
            now,
        )
        .await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    #[test]
    fn meeting_start_in_vietnam_time() {
        // 2026-11-22 19:30 in Vietnam = 12:30 UTC.
        assert_eq!(
            super::start_unix("2026-11-22", "19:30"),
            Some(1_795_305_600 + 12 * 3600 + 30 * 60)
        );
        assert_eq!(super::start_unix("bad", "19:30"), None);
    }
}
