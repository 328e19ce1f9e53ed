//! SQL of meetings and tasks. Lists are filtered by the caller's cell or scopes in SQL; a
//! meeting's rows are fetched by its id (indexed), never loaded and then filtered.

use super::*;
use crate::domain::account::AccountStatus;
use crate::domain::meeting::{
    Attendance, MeetingFormat, MeetingKind, MeetingRating, MeetingStatus, Month, MotionStatus,
    Recurrence, Rsvp, Tally, Venue, VoteChoice,
};
use crate::domain::org::OrgPath;
use crate::domain::permission::Actor;
use crate::domain::register::Date;
use crate::platform::db::{scope_clause, Db};
use crate::platform::error::AppError;
use sqlx::{Any, AnyConnection, FromRow};

#[derive(sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub org_id: i64,
    #[sqlx(rename = "path")]
    pub org_path: OrgPath,
    pub org_name: String,
    pub kind: MeetingKind,
    pub status: MeetingStatus,
    pub period: Option<String>,
    pub title: String,
    #[sqlx(rename = "meeting_date")]
    pub date: String,
    pub start_time: String,
    pub format: MeetingFormat,
    pub place: Option<String>,
    pub link: Option<String>,
    pub minutes: Option<String>,
    pub resolution: Option<String>,
    pub rating: Option<MeetingRating>,
}

const MEETING_SELECT: &str = "SELECT m.id, m.org_id, o.path, o.name AS org_name, m.kind, m.status, m.period, m.title, m.meeting_date, m.start_time,
        m.format, m.place, m.link, m.minutes, m.resolution, m.rating
 FROM meetings m JOIN organizations o ON o.id = m.org_id WHERE m.id = $1";

pub async fn meeting(db: &Db, id: i64) -> Result<MeetingRow, AppError> {
    meeting_row(
        &sqlx::query(MEETING_SELECT)
            .bind(id)
            .fetch_one(db.pool())
            .await?,
    )
}

/// The meeting as the caller's transaction sees it (after a change, before the commit).
pub async fn meeting_in(conn: &mut AnyConnection, id: i64) -> Result<MeetingRow, AppError> {
    meeting_row(&sqlx::query(MEETING_SELECT).bind(id).fetch_one(conn).await?)
}

fn meeting_row(r: &sqlx::any::AnyRow) -> Result<MeetingRow, AppError> {
    Ok(MeetingRow::from_row(r)?)
}

fn summary_of(m: &MeetingRow, my_rsvp: Option<Rsvp>) -> MeetingSummary {
    MeetingSummary {
        id: m.id,
        org_name: m.org_name.clone(),
        kind: m.kind,
        title: m.title.clone(),
        period: m.period.clone(),
        status: m.status,
        date: m.date.clone(),
        start_time: m.start_time.clone(),
        format: m.format,
        place: m.place.clone(),
        link: m.link.clone(),
        rating: m.rating,
        my_rsvp,
    }
}

const SUMMARY_COLUMNS: &str = "m.id, o.name AS org_name, m.kind, m.title, m.period, m.status, m.meeting_date, m.start_time, m.format, m.place, m.link, m.rating";

fn summary_row(r: &sqlx::any::AnyRow) -> Result<MeetingSummary, sqlx::Error> {
    MeetingSummary::from_row(r)
}

pub async fn is_member_of(db: &Db, member_id: i64, org_id: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar::<Any, i64>(
        "SELECT COUNT(*) FROM members WHERE id = $1 AND org_id = $2",
    )
    .bind(member_id)
    .bind(org_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Members holding a position (bí thư, phó bí thư, chi ủy viên) in the cell.
pub async fn cell_leaders(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT id FROM members WHERE org_id = $1 AND position IS NOT NULL",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?)
}

/// Cells inside `scopes` (at most 200, by name), with their recurrence rule.
pub async fn run_cells(db: &Db, scopes: &[OrgPath]) -> Result<Vec<CellChoice>, AppError> {
    let (clause, binds) = scope_clause("o.path", scopes, 1);
    let sql = format!(
        "SELECT o.id, o.name, s.rule, s.start_time, s.place FROM organizations o LEFT JOIN meeting_schedules s ON s.org_id = o.id
         WHERE o.kind IN ('chi_bo', 'chi_bo_co_so') AND o.dissolved_at IS NULL AND {clause} ORDER BY o.path LIMIT 200"
    );
    let mut q = sqlx::query_as::<Any, CellScheduleRow>(&sql);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| CellChoice {
            id: r.id,
            name: r.name,
            rule: r
                .rule
                .unwrap_or_else(|| crate::domain::meeting::DEFAULT_RECURRENCE.code()),
            start_time: r
                .start_time
                .unwrap_or_else(|| crate::domain::meeting::DEFAULT_START_TIME.into()),
            place: r.place,
        })
        .collect())
}

/// A cell's schedule, if it has one (`open_month`).
#[derive(sqlx::FromRow)]
struct ScheduleRow {
    id: i64,
    rule: Option<String>,
    start_time: Option<String>,
    place: Option<String>,
}

/// A cell with its schedule, if it has one (`run_cells`).
#[derive(sqlx::FromRow)]
struct CellScheduleRow {
    id: i64,
    name: String,
    rule: Option<String>,
    start_time: Option<String>,
    place: Option<String>,
}

/// Meetings of the member's own cell (published ones; committee meetings only for its
/// leaders) and every meeting of the cells they run, newest first.
pub async fn list_for(
    db: &Db,
    actor: &Actor,
    run_cell_ids: &[i64],
    limit: i64,
) -> Result<Vec<MeetingSummary>, AppError> {
    let own_org: i64 = *actor.org.ids().last().unwrap_or(&0);
    let leads_own = run_cell_ids.contains(&own_org);
    let mut sql = format!(
        "SELECT {SUMMARY_COLUMNS},
                (SELECT a.rsvp FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.member_id = $1) AS my_rsvp
         FROM meetings m JOIN organizations o ON o.id = m.org_id
         WHERE (m.org_id = $2 AND m.status <> 'du_thao' AND m.kind <> $3)"
    );
    let mut ids: Vec<i64> = run_cell_ids.to_vec();
    ids.truncate(200);
    if !ids.is_empty() {
        let ph: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 5)).collect();
        sql.push_str(&format!(" OR m.org_id IN ({})", ph.join(", ")));
    }
    sql.push_str(" ORDER BY m.meeting_date DESC, m.id DESC LIMIT $4");
    let mut q = sqlx::query::<Any>(&sql)
        .bind(actor.member_id)
        .bind(own_org)
        // A plain member does not see committee meetings; a leader sees them through `ids`.
        .bind(if leads_own {
            "-"
        } else {
            MeetingKind::Committee.code()
        })
        .bind(limit);
    for id in ids {
        q = q.bind(id);
    }
    q.fetch_all(db.pool())
        .await?
        .iter()
        .map(summary_row)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The next published meetings of the member's own cell (not committee ones).
pub async fn next_for_member(
    db: &Db,
    actor: &Actor,
    today: &str,
) -> Result<Vec<MeetingSummary>, AppError> {
    let own_org: i64 = *actor.org.ids().last().unwrap_or(&0);
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS},
                (SELECT a.rsvp FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.member_id = $1) AS my_rsvp
         FROM meetings m JOIN organizations o ON o.id = m.org_id
         WHERE m.org_id = $2 AND m.status IN ('da_cong_bo', 'dang_hop') AND m.kind <> 'cap_uy' AND m.meeting_date >= $3
         ORDER BY m.meeting_date, m.start_time LIMIT 3"
    );
    sqlx::query::<Any>(&sql)
        .bind(actor.member_id)
        .bind(own_org)
        .bind(today.to_string())
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(summary_row)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Members expected at a meeting: the cell's members, or for a committee meeting its leaders.
fn expected_clause(kind: MeetingKind) -> &'static str {
    if kind == MeetingKind::Committee {
        "mb.org_id = $1 AND mb.position IS NOT NULL"
    } else {
        "mb.org_id = $1"
    }
}

pub async fn view(
    db: &Db,
    m: &MeetingRow,
    member_id: i64,
    takes_part: bool,
    can_run: bool,
) -> Result<MeetingView, AppError> {
    let (agenda, materials, comments) = agenda_materials_comments(db, m.id).await?;

    let roster = if can_run {
        let sql = format!(
            "SELECT mb.id, mb.full_name, mb.exempt_since, ac.status AS account_status, a.rsvp, a.rsvp_reason, a.state, r.full_name AS recorder
             FROM members mb
             LEFT JOIN accounts ac ON ac.member_id = mb.id
             LEFT JOIN meeting_attendance a ON a.meeting_id = $2 AND a.member_id = mb.id
             LEFT JOIN members r ON r.id = a.recorded_by
             WHERE {} ORDER BY mb.full_name, mb.id",
            expected_clause(m.kind)
        );
        sqlx::query_as::<Any, RosterLine>(&sql)
            .bind(m.org_id)
            .bind(m.id)
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|r| RosterRow {
                member_id: r.id,
                name: r.full_name,
                exempt: r.exempt_since.is_some(),
                has_account: r.account_status == Some(AccountStatus::Active),
                rsvp: r.rsvp,
                rsvp_reason: r.rsvp_reason,
                attendance: r.state,
                recorded_by: r.recorder,
            })
            .collect()
    } else {
        Vec::new()
    };
    // A leader's page counts the attendance sheet it shows (the same members as the count); a
    // member's page has the count and the member's own answer in one statement.
    let (present, expected, exempt, mine) = if can_run {
        let (present, expected, exempt) = roster_counts(&roster);
        let mine = roster
            .iter()
            .find(|r| r.member_id == member_id)
            .map(|r| (r.rsvp, r.rsvp_reason.clone(), r.attendance));
        (present, expected, exempt, mine)
    } else {
        let (present, expected, exempt, mine) = counts_and_answer(db, m, member_id).await?;
        (present, expected, exempt, Some(mine))
    };
    let me = if takes_part {
        let (rsvp, rsvp_reason, attendance) = match mine {
            Some(mine) => mine,
            // A leader who takes part but is not on the sheet (a committee member running a
            // cell's meeting).
            None => my_answer(db, m.id, member_id).await?,
        };
        Some(MyPart {
            member_id,
            rsvp,
            rsvp_reason,
            attendance,
        })
    } else {
        None
    };
    let present_me = me
        .as_ref()
        .is_some_and(|p| p.attendance == Some(Attendance::Present));

    // The motions with every ballot in one statement (a motion without ballots comes as one
    // row of NULLs), then shared out by motion.
    let rows = sqlx::query_as::<Any, BallotLine>(
        "SELECT mo.id, mo.question, mo.status, b.member_id, b.choice, b.other_text, mb.full_name AS voter, r.full_name AS recorder
         FROM meeting_motions mo LEFT JOIN meeting_ballots b ON b.motion_id = mo.id
         LEFT JOIN members mb ON mb.id = b.member_id LEFT JOIN members r ON r.id = b.recorded_by
         WHERE mo.meeting_id = $1 ORDER BY mo.id, b.cast_at, b.member_id",
    )
    .bind(m.id)
    .fetch_all(db.pool())
    .await?;
    let mut motions: Vec<MotionView> = Vec::new();
    let mut rows = rows.iter().peekable();
    while let Some(first) = rows.next() {
        let id = first.id;
        let open = first.status == MotionStatus::Open;
        let mut proxies = Vec::new();
        let mut tally = Tally::default();
        let mut my_choice = None;
        let mut other_opinions = Vec::new();
        let mut b = Some(first);
        while let Some(row) = b {
            if let Some(choice) = row.choice {
                tally.add(choice);
                if row.member_id == Some(member_id) {
                    my_choice = Some(choice);
                }
                if let Some(t) = &row.other_text {
                    other_opinions.push(t.clone());
                }
                if let Some(r) = &row.recorder {
                    proxies.push((row.voter.clone().unwrap_or_default(), r.clone()));
                }
            }
            let same_motion = rows.peek().is_some_and(|next| next.id == id);
            b = if same_motion { rows.next() } else { None };
        }
        // Live results go to those present and the chair; everyone sees them once closed.
        let show = crate::domain::meeting::tally_visible(open, can_run, present_me);
        motions.push(MotionView {
            id,
            question: first.question.clone(),
            open,
            tally: show.then_some(tally),
            my_choice,
            other_opinions: if show { other_opinions } else { Vec::new() },
            proxies: if show { proxies } else { Vec::new() },
        });
    }

    let (tasks, open_tasks) =
        crate::tasks::service::meeting_and_open_tasks(db, m.id, m.org_id).await?;

    let my_rsvp = me.as_ref().and_then(|p| p.rsvp);
    Ok(MeetingView {
        meeting: summary_of(m, my_rsvp),
        org_id: m.org_id,
        minutes: m.minutes.clone(),
        resolution: m.resolution.clone(),
        agenda,
        materials,
        comments,
        motions,
        tasks,
        open_tasks,
        me,
        can_run,
        roster,
        present,
        expected,
        exempt,
    })
}

/// The agenda, the attached documents (published ones, with their titles) and the opinions of
/// a meeting in one statement: each was a statement of its own (the materials two), and on the
/// meeting page every statement costs more through the driver than in the database.
async fn agenda_materials_comments(
    db: &Db,
    meeting_id: i64,
) -> Result<(Vec<AgendaItem>, Vec<Material>, Vec<CommentView>), AppError> {
    // Columns per part — 0 agenda: a title, b note; 1 material: a title, b number;
    // 2 opinion: a body, b author, c recorder, stamp created_at.
    let rows = sqlx::query_as::<Any, PartLine>(
        "SELECT CAST(0 AS BIGINT) AS part, g.id, g.title AS a, g.note AS b, CAST(NULL AS TEXT) AS c, g.position AS pos, CAST(0 AS BIGINT) AS stamp
         FROM meeting_agenda g WHERE g.meeting_id = $1
         UNION ALL
         SELECT CAST(1 AS BIGINT), d.id, d.title, d.number, CAST(NULL AS TEXT), CAST(0 AS BIGINT), md.added_at
         FROM meeting_documents md JOIN documents d ON d.id = md.document_id AND d.status = 'published'
         WHERE md.meeting_id = $1
         UNION ALL
         SELECT CAST(2 AS BIGINT), c.id, c.body, a.full_name, r.full_name, CAST(0 AS BIGINT), c.created_at
         FROM meeting_comments c JOIN members a ON a.id = c.member_id LEFT JOIN members r ON r.id = c.recorded_by
         WHERE c.meeting_id = $1
         ORDER BY part, pos, stamp, id",
    )
    .bind(meeting_id)
    .fetch_all(db.pool())
    .await?;
    let (mut agenda, mut materials, mut comments) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        match r.part {
            0 => agenda.push(AgendaItem {
                id: r.id,
                title: r.a,
                note: r.b,
            }),
            1 => materials.push(Material {
                document_id: r.id,
                title: r.a,
                number: r.b,
            }),
            _ => comments.push(CommentView {
                id: r.id,
                body: r.a,
                author: r.b.unwrap_or_default(),
                recorded_by: r.c,
                created_at: r.stamp,
            }),
        }
    }
    Ok((agenda, materials, comments))
}

/// (present, expected, exempt) of an attendance sheet, by the same rule as `counts`: present
/// when marked so; exempt when marked so, or unmarked and exempt in the register.
fn roster_counts(roster: &[RosterRow]) -> (i64, i64, i64) {
    let marked = |r: &RosterRow, state: Attendance| r.attendance == Some(state);
    let present = roster
        .iter()
        .filter(|r| marked(r, Attendance::Present))
        .count() as i64;
    let exempt = roster
        .iter()
        .filter(|r| marked(r, Attendance::Exempt) || (r.attendance.is_none() && r.exempt))
        .count() as i64;
    (present, roster.len() as i64, exempt)
}

/// A member's answer and attendance at a meeting: (rsvp, reason, attendance state).
type Answer = (Option<Rsvp>, Option<String>, Option<Attendance>);

async fn my_answer(db: &Db, meeting_id: i64, member_id: i64) -> Result<Answer, AppError> {
    let r = sqlx::query_as::<Any, Answer>("SELECT rsvp, rsvp_reason, state FROM meeting_attendance WHERE meeting_id = $1 AND member_id = $2")
        .bind(meeting_id)
        .bind(member_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(r.unwrap_or((None, None, None)))
}

/// (present, expected, exempt) for a meeting, with the given member's answer.
async fn counts_and_answer(
    db: &Db,
    m: &MeetingRow,
    member_id: i64,
) -> Result<(i64, i64, i64, Answer), AppError> {
    let mine = |column: &str| {
        format!("(SELECT {column} FROM meeting_attendance WHERE meeting_id = $2 AND member_id = $3) AS my_{column}")
    };
    let sql = format!(
        "SELECT COUNT(*) AS expected,
                COALESCE(SUM(CASE WHEN a.state = 'co_mat' THEN 1 ELSE 0 END), 0) AS present,
                COALESCE(SUM(CASE WHEN a.state = 'mien' OR (a.state IS NULL AND mb.exempt_since IS NOT NULL) THEN 1 ELSE 0 END), 0) AS exempt,
                {}, {}, {}
         FROM members mb LEFT JOIN meeting_attendance a ON a.meeting_id = $2 AND a.member_id = mb.id
         WHERE {}",
        mine("rsvp"),
        mine("rsvp_reason"),
        mine("state"),
        expected_clause(m.kind)
    );
    let r = sqlx::query_as::<Any, CountsAndAnswer>(&sql)
        .bind(m.org_id)
        .bind(m.id)
        .bind(member_id)
        .fetch_one(db.pool())
        .await?;
    Ok((
        r.present,
        r.expected,
        r.exempt,
        (r.my_rsvp, r.my_rsvp_reason, r.my_state),
    ))
}

#[derive(sqlx::FromRow)]
struct CountsAndAnswer {
    present: i64,
    expected: i64,
    exempt: i64,
    my_rsvp: Option<Rsvp>,
    my_rsvp_reason: Option<String>,
    my_state: Option<Attendance>,
}

/// One member of a meeting's attendance sheet (`view`).
#[derive(sqlx::FromRow)]
struct RosterLine {
    id: i64,
    full_name: String,
    exempt_since: Option<String>,
    account_status: Option<AccountStatus>,
    rsvp: Option<Rsvp>,
    rsvp_reason: Option<String>,
    state: Option<Attendance>,
    recorder: Option<String>,
}

/// A motion with one of its ballots, or NULLs when it has none (`view`).
#[derive(sqlx::FromRow)]
struct BallotLine {
    id: i64,
    question: String,
    status: MotionStatus,
    member_id: Option<i64>,
    choice: Option<VoteChoice>,
    other_text: Option<String>,
    voter: Option<String>,
    recorder: Option<String>,
}

/// One row of `agenda_materials_comments`: which part it belongs to and its columns.
#[derive(sqlx::FromRow)]
struct PartLine {
    part: i64,
    id: i64,
    a: String,
    b: Option<String>,
    c: Option<String>,
    stamp: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn create(
    conn: &mut AnyConnection,
    org_id: i64,
    kind: MeetingKind,
    title: &str,
    date: Date,
    time: &str,
    venue: &Venue,
    by: i64,
    now: i64,
) -> Result<i64, AppError> {
    let period = (kind == MeetingKind::Periodic).then(|| Month::of(date).code());
    // A periodic meeting is one per cell and month: creating it again (the monthly opening did,
    // or another leader did) updates the one there while it is still being prepared.
    let row = sqlx::query_scalar::<Any, i64>(
        "INSERT INTO meetings (org_id, kind, period, title, status, meeting_date, start_time, format, place, link, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'du_thao', $5, $6, $7, $8, $9, $10, $11, $11)
         ON CONFLICT (org_id, period) DO UPDATE SET title = excluded.title, meeting_date = excluded.meeting_date,
             start_time = excluded.start_time, format = excluded.format, place = excluded.place, link = excluded.link,
             updated_at = excluded.updated_at
         WHERE meetings.status IN ('du_thao', 'da_cong_bo')
         RETURNING id",
    )
    .bind(org_id)
    .bind(kind.code())
    .bind(period.clone())
    .bind(title.to_string())
    .bind(date.iso())
    .bind(time.to_string())
    .bind(venue.format.code())
    .bind(venue.place.clone())
    .bind(venue.link.clone())
    .bind(by)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(id) => Ok(id),
        None => Err(AppError::field("date", "err_meeting_already_held")),
    }
}

pub async fn update(
    conn: &mut AnyConnection,
    m: &MeetingRow,
    title: &str,
    date: Date,
    time: &str,
    venue: &Venue,
    now: i64,
) -> Result<(), AppError> {
    // The month of a periodic meeting stays its period; moving it to another month would
    // leave that month without one, so the date must stay in the period.
    if let Some(p) = &m.period {
        if Month::of(date).code() != *p {
            return Err(AppError::field("date", "err_meeting_other_month"));
        }
    }
    sqlx::query(
        "UPDATE meetings SET title = $2, meeting_date = $3, start_time = $4, format = $5, place = $6, link = $7, updated_at = $8
         WHERE id = $1 AND status IN ('du_thao', 'da_cong_bo')",
    )
    .bind(m.id)
    .bind(title.to_string())
    .bind(date.iso())
    .bind(time.to_string())
    .bind(venue.format.code())
    .bind(venue.place.clone())
    .bind(venue.link.clone())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_agenda_item(
    conn: &mut AnyConnection,
    meeting_id: i64,
    title: &str,
    note: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO meeting_agenda (meeting_id, position, title, note)
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_agenda WHERE meeting_id = $1), $2, $3)",
    )
    .bind(meeting_id)
    .bind(crate::domain::text::nfc(title))
    .bind(note.map(crate::domain::text::nfc))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove_agenda_item(
    conn: &mut AnyConnection,
    meeting_id: i64,
    item_id: i64,
) -> Result<(), AppError> {
    let r = sqlx::query("DELETE FROM meeting_agenda WHERE id = $1 AND meeting_id = $2")
        .bind(item_id)
        .bind(meeting_id)
        .execute(conn)
        .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn attach_document(
    conn: &mut AnyConnection,
    meeting_id: i64,
    document_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO meeting_documents (meeting_id, document_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (meeting_id, document_id) DO NOTHING")
        .bind(meeting_id)
        .bind(document_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn detach_document(
    conn: &mut AnyConnection,
    meeting_id: i64,
    document_id: i64,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM meeting_documents WHERE meeting_id = $1 AND document_id = $2")
        .bind(meeting_id)
        .bind(document_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a meeting from one state to the next; a concurrent change makes it a state error.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: MeetingStatus,
    to: MeetingStatus,
    now: i64,
) -> Result<(), AppError> {
    // Back to draft (called off) clears the publication; every other step stamps its time.
    let stamp = match to {
        MeetingStatus::Scheduled => "published_at = $4,",
        MeetingStatus::InProgress => "started_at = $4,",
        MeetingStatus::Held => "held_at = $4,",
        MeetingStatus::Draft => "published_at = NULL,",
    };
    let r = sqlx::query(&format!(
        "UPDATE meetings SET status = $3, {stamp} updated_at = $4 WHERE id = $1 AND status = $2"
    ))
    .bind(id)
    .bind(from.code())
    .bind(to.code())
    .bind(now)
    .execute(conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::field("status", "err_meeting_state"));
    }
    Ok(())
}

/// Opens the meeting, in the caller's transaction.
pub async fn start(conn: &mut AnyConnection, m: &MeetingRow, now: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "UPDATE meetings SET status = 'dang_hop', started_at = $2, updated_at = $2, published_at = COALESCE(published_at, $2)
         WHERE id = $1 AND status IN ('du_thao', 'da_cong_bo')",
    )
    .bind(m.id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::field("status", "err_meeting_state"));
    }
    // Exempt members are preset to exempt.
    let sql = format!(
        "INSERT INTO meeting_attendance (meeting_id, member_id, state, updated_at)
         SELECT $2, mb.id, 'mien', $3 FROM members mb WHERE {} AND mb.exempt_since IS NOT NULL
         ON CONFLICT (meeting_id, member_id) DO UPDATE SET state = 'mien', updated_at = excluded.updated_at",
        expected_clause(m.kind)
    );
    sqlx::query::<Any>(&sql)
        .bind(m.org_id)
        .bind(m.id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Closes the meeting, in the caller's transaction.
pub async fn finish(
    conn: &mut AnyConnection,
    m: &MeetingRow,
    rating: MeetingRating,
    now: i64,
) -> Result<(), AppError> {
    // Whoever was not marked: excused if they had asked to be, otherwise unexcused.
    let sql = format!(
        "INSERT INTO meeting_attendance (meeting_id, member_id, state, updated_at)
         SELECT $2, mb.id, CASE WHEN mb.exempt_since IS NOT NULL THEN 'mien' ELSE 'vang_khong_ly_do' END, $3 FROM members mb WHERE {}
         ON CONFLICT (meeting_id, member_id) DO UPDATE SET
             state = CASE WHEN meeting_attendance.rsvp = 'xin_vang' THEN 'vang_co_ly_do' ELSE excluded.state END,
             updated_at = excluded.updated_at
         WHERE meeting_attendance.state IS NULL",
        expected_clause(m.kind)
    );
    sqlx::query::<Any>(&sql)
        .bind(m.org_id)
        .bind(m.id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE meeting_motions SET status = 'dong', closed_at = $2 WHERE meeting_id = $1 AND status = 'mo'").bind(m.id).bind(now).execute(&mut *conn).await?;
    let r = sqlx::query("UPDATE meetings SET status = 'da_hop', rating = $2, held_at = $3, updated_at = $3 WHERE id = $1 AND status = 'dang_hop'")
        .bind(m.id)
        .bind(rating.code())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::field("status", "err_meeting_state"));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn rsvp(
    conn: &mut AnyConnection,
    meeting_id: i64,
    member_id: i64,
    answer: Rsvp,
    reason: Option<&str>,
    recorded_by: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    rsvp_via(
        conn,
        meeting_id,
        member_id,
        answer,
        reason,
        recorded_by,
        None,
        now,
    )
    .await
}

/// As `rsvp`, saying how the member's own answer came (`Some("sms")`: a reply to the notice).
#[allow(clippy::too_many_arguments)]
pub async fn rsvp_via(
    conn: &mut AnyConnection,
    meeting_id: i64,
    member_id: i64,
    answer: Rsvp,
    reason: Option<&str>,
    recorded_by: Option<i64>,
    channel: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "INSERT INTO meeting_attendance (meeting_id, member_id, rsvp, rsvp_reason, recorded_by, rsvp_recorded_by, updated_at, rsvp_channel) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)
         ON CONFLICT (meeting_id, member_id) DO UPDATE SET rsvp = excluded.rsvp, rsvp_reason = excluded.rsvp_reason,
             recorded_by = excluded.recorded_by, rsvp_recorded_by = excluded.rsvp_recorded_by, updated_at = excluded.updated_at,
             rsvp_channel = excluded.rsvp_channel
         WHERE excluded.rsvp_recorded_by IS NULL OR meeting_attendance.rsvp IS NULL OR meeting_attendance.rsvp_recorded_by IS NOT NULL",
    )
    .bind(meeting_id)
    .bind(member_id)
    .bind(answer.code())
    .bind(reason.map(str::to_string))
    .bind(recorded_by)
    .bind(now)
    .bind(channel.map(str::to_string))
    .execute(conn)
    .await?;
    // A proxy record never replaces the member's own answer (the upsert's condition).
    if done.rows_affected() == 0 {
        return Err(AppError::field("answer", "err_proxy_own_answer"));
    }
    Ok(())
}

/// An opinion. One recorded for a member (`recorded_by`) is refused when the member has an active
/// account and has already written an opinion on this meeting themselves.
pub async fn comment(
    conn: &mut AnyConnection,
    meeting_id: i64,
    member_id: i64,
    body: &str,
    recorded_by: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "INSERT INTO meeting_comments (meeting_id, member_id, body, recorded_by, created_at)
         SELECT $1, $2, $3, $4, $5
         WHERE $4 IS NULL
            OR NOT EXISTS (SELECT 1 FROM accounts a WHERE a.member_id = $2 AND a.status = 'active')
            OR NOT EXISTS (SELECT 1 FROM meeting_comments c WHERE c.meeting_id = $1 AND c.member_id = $2 AND c.recorded_by IS NULL)",
    )
    .bind(meeting_id)
    .bind(member_id)
    .bind(body.to_string())
    .bind(recorded_by)
    .bind(now)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::field("body", "err_proxy_own_answer"));
    }
    Ok(())
}

pub async fn set_attendance(
    conn: &mut AnyConnection,
    meeting_id: i64,
    member_id: i64,
    state: Attendance,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO meeting_attendance (meeting_id, member_id, state, recorded_by, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (meeting_id, member_id) DO UPDATE SET state = excluded.state, recorded_by = excluded.recorded_by, updated_at = excluded.updated_at",
    )
    .bind(meeting_id)
    .bind(member_id)
    .bind(state.code())
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks present everyone expected who is not exempt and not yet marked; returns how many.
pub async fn all_present(
    conn: &mut AnyConnection,
    m: &MeetingRow,
    by: i64,
    now: i64,
) -> Result<i64, AppError> {
    let sql = format!(
        "INSERT INTO meeting_attendance (meeting_id, member_id, state, recorded_by, updated_at)
         SELECT $2, mb.id, 'co_mat', $3, $4 FROM members mb WHERE {} AND mb.exempt_since IS NULL
         ON CONFLICT (meeting_id, member_id) DO UPDATE SET state = 'co_mat', recorded_by = excluded.recorded_by, updated_at = excluded.updated_at
         WHERE meeting_attendance.state IS NULL",
        expected_clause(m.kind)
    );
    let r = sqlx::query::<Any>(&sql)
        .bind(m.org_id)
        .bind(m.id)
        .bind(by)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(r.rows_affected() as i64)
}

pub async fn open_motion(
    conn: &mut AnyConnection,
    meeting_id: i64,
    question: &str,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>("INSERT INTO meeting_motions (meeting_id, question, status, opened_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(meeting_id)
        .bind(crate::domain::text::nfc(question))
        .bind(MotionStatus::Open)
        .bind(now)
        .fetch_one(conn)
        .await?)
}

pub async fn close_motion(
    conn: &mut AnyConnection,
    meeting_id: i64,
    motion_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let r = sqlx::query("UPDATE meeting_motions SET status = $4, closed_at = $3 WHERE id = $1 AND meeting_id = $2 AND status = $5")
        .bind(motion_id)
        .bind(meeting_id)
        .bind(now)
        .bind(MotionStatus::Closed)
        .bind(MotionStatus::Open)
        .execute(conn)
        .await?;
    if r.rows_affected() == 0 {
        return Err(AppError::field("motion", "err_motion_closed"));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn vote(
    conn: &mut AnyConnection,
    meeting_id: i64,
    motion_id: i64,
    member_id: i64,
    choice: VoteChoice,
    other: Option<&str>,
    recorded_by: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    let open = sqlx::query_scalar::<Any, MotionStatus>(
        "SELECT status FROM meeting_motions WHERE id = $1 AND meeting_id = $2",
    )
    .bind(motion_id)
    .bind(meeting_id)
    .fetch_optional(&mut *conn)
    .await?;
    match open {
        None => return Err(AppError::NotFound),
        Some(MotionStatus::Open) => {}
        Some(MotionStatus::Closed) => return Err(AppError::field("choice", "err_motion_closed")),
    }
    let done = sqlx::query(
        "INSERT INTO meeting_ballots (motion_id, member_id, choice, other_text, recorded_by, cast_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (motion_id, member_id) DO UPDATE SET choice = excluded.choice, other_text = excluded.other_text,
             recorded_by = excluded.recorded_by, cast_at = excluded.cast_at
         WHERE excluded.recorded_by IS NULL OR meeting_ballots.recorded_by IS NOT NULL",
    )
    .bind(motion_id)
    .bind(member_id)
    .bind(choice.code())
    .bind(other.map(crate::domain::text::nfc))
    .bind(recorded_by)
    .bind(now)
    .execute(conn)
    .await?;
    // A proxy ballot never replaces the member's own (the upsert's condition).
    if done.rows_affected() == 0 {
        return Err(AppError::field("choice", "err_proxy_own_answer"));
    }
    Ok(())
}

pub async fn save_minutes(
    conn: &mut AnyConnection,
    id: i64,
    minutes: Option<&str>,
    resolution: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE meetings SET minutes = $2, resolution = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(minutes.map(str::to_string))
        .bind(resolution.map(str::to_string))
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn set_schedule(
    conn: &mut AnyConnection,
    org_id: i64,
    rule: Recurrence,
    time: &str,
    place: Option<&str>,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO meeting_schedules (org_id, rule, start_time, place, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (org_id) DO UPDATE SET rule = excluded.rule, start_time = excluded.start_time, place = excluded.place,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(rule.code())
    .bind(time.to_string())
    .bind(place.map(str::to_string))
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Each cell of the scopes in one month: its periodic meeting's state, rating and attendance.
pub async fn overview(
    db: &Db,
    scopes: &[OrgPath],
    period: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<CellMonth>, AppError> {
    let (clause, binds) = scope_clause("o.path", scopes, 4);
    let sql = format!(
        "SELECT o.id, o.name, m.id AS meeting_id, m.status, m.rating,
                (SELECT COUNT(*) FROM members mb WHERE mb.org_id = o.id) AS expected,
                (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.state = 'co_mat') AS present,
                (SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.state = 'mien') AS exempt
         FROM organizations o LEFT JOIN meetings m ON m.org_id = o.id AND m.period = $1
         WHERE o.kind IN ('chi_bo', 'chi_bo_co_so') AND o.dissolved_at IS NULL AND {clause}
         ORDER BY o.path LIMIT $2 OFFSET $3"
    );
    let mut q = sqlx::query_as::<Any, CellMonthRow>(&sql)
        .bind(period.to_string())
        .bind(limit)
        .bind(offset);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| CellMonth {
            org_id: r.id,
            org_name: r.name,
            meeting_id: r.meeting_id,
            status: r.status,
            rating: r.rating,
            present: r.present,
            expected: r.expected,
            exempt: r.exempt,
            rate: if r.status == Some(MeetingStatus::Held) {
                crate::domain::meeting::attendance_rate(r.present, r.expected, r.exempt)
            } else {
                None
            },
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct CellMonthRow {
    id: i64,
    name: String,
    meeting_id: Option<i64>,
    status: Option<MeetingStatus>,
    rating: Option<MeetingRating>,
    present: i64,
    expected: i64,
    exempt: i64,
}

/// Opens the periodic meeting of `month` for every cell that has none: cells are read in
/// pages and inserted in batched transactions; running it again creates nothing new.
/// Returns how many meetings it created.
pub async fn open_month(db: &Db, month: Month, now: i64) -> Result<u64, AppError> {
    const PAGE: i64 = 2000;
    let period = month.code();
    let mut created = 0u64;
    let mut after = 0i64;
    // One memo per rule: 5,000 cells share a handful of rules.
    let mut dates: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    loop {
        let rows = sqlx::query_as::<Any, ScheduleRow>(
            "SELECT o.id, s.rule, s.start_time, s.place FROM organizations o
             LEFT JOIN meeting_schedules s ON s.org_id = o.id
             WHERE o.kind IN ('chi_bo', 'chi_bo_co_so') AND o.dissolved_at IS NULL AND o.id > $1
               AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.org_id = o.id AND m.period = $2)
             ORDER BY o.id LIMIT $3",
        )
        .bind(after)
        .bind(period.clone())
        .bind(PAGE)
        .fetch_all(db.pool())
        .await?;
        if rows.is_empty() {
            break;
        }
        let mut batch: Vec<(i64, String, String, Option<String>)> = Vec::with_capacity(rows.len());
        let fetched = rows.len();
        for r in rows {
            let rule = r
                .rule
                .and_then(|c| Recurrence::from_code(&c))
                .unwrap_or(crate::domain::meeting::DEFAULT_RECURRENCE);
            let date = dates
                .entry(rule.code())
                .or_insert_with(|| rule.date_in(month).iso())
                .clone();
            let time = r
                .start_time
                .unwrap_or_else(|| crate::domain::meeting::DEFAULT_START_TIME.into());
            after = after.max(r.id);
            batch.push((r.id, date, time, r.place));
        }
        let mut tx = db.pool().begin().await?;
        for chunk in batch.chunks(50) {
            let mut sql = String::from(
                "INSERT INTO meetings (org_id, kind, period, title, status, meeting_date, start_time, format, place, created_at, updated_at) VALUES ",
            );
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let b = i * 4;
                    format!(
                        "(${}, 'thuong_ky', $1, '', 'du_thao', ${}, ${}, 'tai_cho', ${}, $2, $2)",
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6
                    )
                })
                .collect();
            sql.push_str(&values.join(", "));
            sql.push_str(" ON CONFLICT (org_id, period) DO NOTHING");
            let mut q = sqlx::query::<Any>(&sql).bind(period.clone()).bind(now);
            for (id, date, time, place) in chunk {
                q = q
                    .bind(*id)
                    .bind(date.clone())
                    .bind(time.clone())
                    .bind(place.clone());
            }
            created += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        if (fetched as i64) < PAGE {
            break;
        }
    }
    Ok(created)
}

/// A meeting's materials (document ids), in the order they were added.
pub async fn document_ids(db: &Db, meeting_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar::<Any, i64>(
        "SELECT document_id FROM meeting_documents WHERE meeting_id = $1 ORDER BY added_at",
    )
    .bind(meeting_id)
    .fetch_all(db.pool())
    .await?)
}
