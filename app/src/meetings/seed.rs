//! Demo meetings, so a new user sees a living cell: every cell gets last month's periodic
//! meeting (held, with attendance, a vote, opinions, minutes, a resolution and a rating) and
//! this month's (published, with agenda and materials), and a few tasks. Set-based SQL, so it
//! stays quick for a 126,000-member province. Texts: app/seed-data/meetings.json.

use super::repo;
use crate::domain::meeting::Month;
use crate::domain::register::Date;
use crate::platform::db::Db;
use crate::platform::error::AppError;
use serde::Deserialize;

const TEXTS: &str = include_str!("../../seed-data/meetings.json");

#[derive(Deserialize)]
struct Texts {
    place: String,
    excuse_reason: String,
    agenda: Vec<Agenda>,
    motion: String,
    other_opinion: String,
    comments: Vec<String>,
    minutes: String,
    resolution: String,
    tasks: Vec<String>,
}

#[derive(Deserialize)]
struct Agenda {
    title: String,
    note: Option<String>,
}

pub struct SeedReport {
    pub meetings: u64,
    pub tasks: u64,
}

/// Seeds meetings around `today`; `now` is the current unix time.
pub async fn seed(db: &Db, today: Date, now: i64) -> Result<SeedReport, AppError> {
    let t: Texts = serde_json::from_str(TEXTS).map_err(|e| AppError::internal(&e))?;
    let this = Month::of(today);
    let last = this.previous();
    let mut meetings = repo::open_month(db, last, now - 40 * 86_400).await?;
    meetings += repo::open_month(db, this, now - 10 * 86_400).await?;
    let (lp, tp) = (last.code(), this.code());
    let mut tx = db.pool().begin().await?;
    let held_at = now - 20 * 86_400;

    // Last month: held.
    sqlx::query(
        "UPDATE meetings SET status = 'da_hop', place = $2, minutes = $3, resolution = $4,
                rating = CASE WHEN org_id % 4 = 3 THEN 'kha' WHEN org_id % 7 = 0 THEN 'trung_binh' ELSE 'tot' END,
                published_at = $5, started_at = $6, held_at = $6, updated_at = $6
         WHERE period = $1 AND status = 'du_thao'",
    )
    .bind(lp.clone())
    .bind(t.place.clone())
    .bind(t.minutes.clone())
    .bind(t.resolution.clone())
    .bind(held_at - 15 * 86_400)
    .bind(held_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO meeting_attendance (meeting_id, member_id, rsvp, rsvp_reason, state, updated_at)
         SELECT m.id, mb.id,
                CASE WHEN mb.exempt_since IS NULL AND mb.id % 10 = 0 THEN 'xin_vang' ELSE NULL END,
                CASE WHEN mb.exempt_since IS NULL AND mb.id % 10 = 0 THEN $2 ELSE NULL END,
                CASE WHEN mb.exempt_since IS NOT NULL THEN 'mien'
                     WHEN mb.id % 10 = 0 THEN 'vang_co_ly_do'
                     WHEN mb.id % 23 = 0 THEN 'vang_khong_ly_do'
                     ELSE 'co_mat' END,
                $3
         FROM meetings m JOIN members mb ON mb.org_id = m.org_id
         WHERE m.period = $1
         ON CONFLICT (meeting_id, member_id) DO NOTHING",
    )
    .bind(lp.clone())
    .bind(t.excuse_reason.clone())
    .bind(held_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO meeting_motions (meeting_id, question, status, opened_at, closed_at)
         SELECT m.id, $2, 'dong', $3, $3 FROM meetings m
         WHERE m.period = $1 AND NOT EXISTS (SELECT 1 FROM meeting_motions x WHERE x.meeting_id = m.id)",
    )
    .bind(lp.clone())
    .bind(t.motion.clone())
    .bind(held_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO meeting_ballots (motion_id, member_id, choice, other_text, cast_at)
         SELECT mo.id, a.member_id,
                CASE WHEN a.member_id % 13 = 0 THEN 'y_kien_khac' ELSE 'dong_y' END,
                CASE WHEN a.member_id % 13 = 0 THEN $2 ELSE NULL END,
                $3
         FROM meetings m JOIN meeting_motions mo ON mo.meeting_id = m.id
              JOIN meeting_attendance a ON a.meeting_id = m.id AND a.state = 'co_mat'
         WHERE m.period = $1
         ON CONFLICT (motion_id, member_id) DO NOTHING",
    )
    .bind(lp.clone())
    .bind(t.other_opinion.clone())
    .bind(held_at)
    .execute(&mut *tx)
    .await?;
    for (i, body) in t.comments.iter().enumerate() {
        // An opinion from the first (and the second) member of each cell.
        let pick = if i == 0 { "MIN" } else { "MAX" };
        sqlx::query(&format!(
            // One grouping of the members, joined: a subquery per meeting took 46 s on PostgreSQL
            // over a freshly loaded register (no statistics yet, so each was a full scan).
            "INSERT INTO meeting_comments (meeting_id, member_id, body, created_at)
             SELECT m.id, f.member_id, $2, $3
             FROM meetings m JOIN (SELECT org_id, {pick}(id) AS member_id FROM members GROUP BY org_id) f ON f.org_id = m.org_id
             WHERE m.period = $1"
        ))
        .bind(lp.clone())
        .bind(body.clone())
        .bind(held_at - 86_400 * (2 - i as i64))
        .execute(&mut *tx)
        .await?;
    }

    // Tasks from last month's meeting: an open one for the first member of each cell, a done
    // one for the last.
    let due = this.last_day().iso();
    let mut tasks = 0u64;
    for (i, (title, pick, status, progress)) in [
        (0usize, "MIN", "dang_lam", 50i64),
        (1, "MAX", "hoan_thanh", 100),
    ]
    .iter()
    .map(|(k, p, s, pr)| (t.tasks[*k % t.tasks.len()].clone(), *p, *s, *pr))
    .enumerate()
    {
        tasks += sqlx::query(&format!(
            "INSERT INTO tasks (org_id, meeting_id, assignee_id, title, due_date, status, progress, created_at, completed_at, updated_at)
             SELECT m.org_id, m.id, (SELECT {pick}(mb.id) FROM members mb WHERE mb.org_id = m.org_id AND mb.exempt_since IS NULL),
                    $2, $3, $4, $5, $6, CASE WHEN $4 = 'hoan_thanh' THEN $6 ELSE NULL END, $6
             FROM meetings m
             WHERE m.period = $1 AND EXISTS (SELECT 1 FROM members mb WHERE mb.org_id = m.org_id AND mb.exempt_since IS NULL)"
        ))
        .bind(lp.clone())
        .bind(title)
        .bind(due.clone())
        .bind(status)
        .bind(progress)
        .bind(held_at + i as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }

    // This month: published, with agenda and materials, on a day still ahead.
    let ahead = {
        let rule_day = crate::domain::meeting::DEFAULT_RECURRENCE.date_in(this);
        let soon = (today.day + 3).min(this.last_day().day);
        if rule_day.day > today.day {
            rule_day
        } else {
            Date { day: soon, ..today }
        }
    };
    sqlx::query(
        "UPDATE meetings SET status = 'da_cong_bo', place = $2, published_at = $3, updated_at = $3,
                meeting_date = CASE WHEN meeting_date < $4 THEN $4 ELSE meeting_date END
         WHERE period = $1 AND status = 'du_thao'",
    )
    .bind(tp.clone())
    .bind(t.place.clone())
    .bind(now - 2 * 86_400)
    .bind(ahead.iso())
    .execute(&mut *tx)
    .await?;
    for (i, a) in t.agenda.iter().enumerate() {
        sqlx::query(
            "INSERT INTO meeting_agenda (meeting_id, position, title, note)
             SELECT m.id, $2, $3, $4 FROM meetings m WHERE m.period = $1",
        )
        .bind(tp.clone())
        .bind(i as i64 + 1)
        .bind(a.title.clone())
        .bind(a.note.clone())
        .execute(&mut *tx)
        .await?;
    }
    // Materials: the two newest documents addressed to the top of the tree (every cell may
    // read them).
    let docs: Vec<i64> = sqlx::query_scalar::<sqlx::Any, i64>(
        "SELECT d.id FROM documents d JOIN organizations o ON o.id = d.org_id
         WHERE d.status = 'published' AND d.kind = 'van_ban' AND o.parent_id IS NULL
         ORDER BY d.published_at DESC, d.id DESC LIMIT 2",
    )
    .fetch_all(&mut *tx)
    .await?;
    for d in docs {
        sqlx::query(
            "INSERT INTO meeting_documents (meeting_id, document_id, added_at)
             SELECT m.id, $2, $3 FROM meetings m WHERE m.period = $1
             ON CONFLICT (meeting_id, document_id) DO NOTHING",
        )
        .bind(tp.clone())
        .bind(d)
        .bind(now - 2 * 86_400)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(SeedReport { meetings, tasks })
}
