//! Meetings (sinh hoạt chi bộ): kinds, the states a meeting moves through, attendance,
//! votes, ratings, tasks and the recurrence rules that date each cell's monthly meeting.
//! Codes are the values stored in the database; errors name i18n keys.

use super::lunar;
use super::register::{days_in_month, Date, FieldError};
use serde::{Deserialize, Serialize};

use super::code::coded_enum;

coded_enum!(
    /// Kinds of meeting (docs/DOMAIN.md, "Kinds of meeting").
    MeetingKind {
        /// Sinh hoạt thường kỳ: monthly, opened for every cell automatically.
        Periodic = "thuong_ky",
        /// Sinh hoạt chuyên đề: thematic, about quarterly.
        Thematic = "chuyen_de",
        /// Sinh hoạt cấp ủy: the cell committee only.
        Committee = "cap_uy",
        /// Bất thường: extraordinary.
        Extraordinary = "bat_thuong",
    }
);

coded_enum!(
    /// Where a meeting is held.
    MeetingFormat {
        InPerson = "tai_cho",
        Online = "truc_tuyen",
        Hybrid = "ket_hop",
    }
);

coded_enum!(
    /// The life of a meeting: prepared as a draft, published to members, held, closed.
    MeetingStatus {
        /// Dự thảo: only the leadership sees it.
        Draft = "du_thao",
        /// Đã công bố: members see the schedule, materials and agenda, and answer.
        Scheduled = "da_cong_bo",
        /// Đang họp: attendance, votes and minutes are taken.
        InProgress = "dang_hop",
        /// Đã họp: held and closed; minutes, resolution and rating kept.
        Held = "da_hop",
    }
);

coded_enum!(
    /// Attendance at a held meeting (docs/DOMAIN.md, "Attendance, opinions and votes").
    Attendance {
        /// Có mặt.
        Present = "co_mat",
        /// Vắng có lý do.
        Excused = "vang_co_ly_do",
        /// Vắng không lý do.
        Unexcused = "vang_khong_ly_do",
        /// Miễn sinh hoạt.
        Exempt = "mien",
    }
);

coded_enum!(
    /// A member's answer before the meeting.
    Rsvp {
        /// Sẽ tham dự.
        Attending = "se_den",
        /// Xin vắng (with a reason).
        Excused = "xin_vang",
    }
);

coded_enum!(
    /// Whether a motion still takes votes.
    MotionStatus {
        Open = "mo",
        Closed = "dong",
    }
);

coded_enum!(
    /// A vote (biểu quyết).
    VoteChoice {
        /// Đồng ý.
        Agree = "dong_y",
        /// Không đồng ý.
        Disagree = "khong_dong_y",
        /// Ý kiến khác (with text).
        Other = "y_kien_khac",
    }
);

coded_enum!(
    /// The cell's own rating of the quality of a meeting.
    MeetingRating {
        Good = "tot",
        Fair = "kha",
        Average = "trung_binh",
        Poor = "kem",
    }
);

coded_enum!(
    TaskStatus {
        Open = "dang_lam",
        Done = "hoan_thanh",
    }
);

/// What the leadership can do to a meeting in each state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingStep {
    /// Change date, time, place, agenda and materials.
    Prepare,
    Publish,
    Start,
    /// Attendance, votes, proxy records, minutes, tasks.
    Run,
    /// Close: finish with a rating.
    Finish,
    /// Minutes, resolution and tasks may still be completed after the meeting.
    FollowUp,
    /// Call off a published meeting: back to draft, members told; a new date follows.
    Cancel,
}

/// Whether `step` is allowed in `status`.
pub fn step_allowed(status: MeetingStatus, step: MeetingStep) -> bool {
    use MeetingStatus::*;
    use MeetingStep::*;
    match step {
        Prepare => matches!(status, Draft | Scheduled),
        Publish => status == Draft,
        Start => matches!(status, Draft | Scheduled),
        Run | Finish => status == InProgress,
        FollowUp => matches!(status, InProgress | Held),
        Cancel => status == Scheduled,
    }
}

/// Members answer (will come / excused) and send opinions before and during the meeting.
pub fn members_may_answer(status: MeetingStatus) -> bool {
    matches!(status, MeetingStatus::Scheduled | MeetingStatus::InProgress)
}

/// The longest meeting title, in characters.
pub const TITLE_MAX: usize = 300;

/// What, when and where a meeting is, as a leader types it when creating or changing it. A
/// periodic meeting needs no title (the page names it by its month); the others do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingDraft {
    pub title: Option<String>,
    pub date: Date,
    /// `HH:MM`.
    pub time: String,
    pub venue: Venue,
}

impl MeetingDraft {
    /// `kind` is `None` when the form's kind was not one (an error on `kind`). Every field's
    /// error at once, in the form's order.
    pub fn parse(
        kind: Option<MeetingKind>,
        title: &str,
        date: &str,
        start_time: &str,
        format: &str,
        place: &str,
        link: &str,
    ) -> Result<MeetingDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        if kind.is_none() {
            errors.push(FieldError::new("kind", "err_invalid_value"));
        }
        let date = Date::parse(date.trim())
            .ok()
            .filter(|d| (2000..=2100).contains(&d.year));
        if date.is_none() {
            errors.push(FieldError::new("date", "err_date"));
        }
        let time = parse_time(start_time);
        if time.is_none() {
            errors.push(FieldError::new("start_time", "err_time"));
        }
        let title = title.trim();
        let title_required = kind.is_some_and(|k| k != MeetingKind::Periodic);
        if title.is_empty() && title_required {
            errors.push(FieldError::new("title", "err_required"));
        } else if title.chars().count() > TITLE_MAX {
            errors.push(FieldError::new("title", "err_too_long"));
        }
        let venue = Venue::parse(format, place, link)
            .map_err(|e| errors.extend(e))
            .ok();
        match (date, time, venue) {
            (Some(date), Some(time), Some(venue)) if errors.is_empty() => Ok(MeetingDraft {
                title: (!title.is_empty()).then(|| title.to_string()),
                date,
                time,
                venue,
            }),
            _ => Err(errors),
        }
    }
}

/// A cell's regular meeting schedule from the leader's form: the recurrence, the start time
/// (`HH:MM`) and an optional usual place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleDraft {
    pub rule: Recurrence,
    pub time: String,
    pub place: Option<String>,
}

impl ScheduleDraft {
    /// Every field's error at once: the day (day of month 1–31, lunar day 1–30, or the n-th
    /// weekday), the time, the place (at most 300 characters).
    pub fn parse(
        rule_kind: &str,
        day: &str,
        nth: &str,
        weekday: &str,
        start_time: &str,
        place: &str,
    ) -> Result<ScheduleDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let rule = Recurrence::from_form(rule_kind, day, nth, weekday);
        if rule.is_none() {
            errors.push(FieldError::new("day", "err_rule_day"));
        }
        let time = parse_time(start_time);
        if time.is_none() {
            errors.push(FieldError::new("start_time", "err_time"));
        }
        let place = crate::domain::register::bounded(place, "place", 300, false)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        match (rule, time) {
            (Some(rule), Some(time)) if errors.is_empty() => {
                Ok(ScheduleDraft { rule, time, place })
            }
            _ => Err(errors),
        }
    }
}

/// What one person's meeting page holds, from the meeting's state and their part in it: the
/// page draws these parts and nothing else (the server functions check the same steps).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeetingParts {
    /// The member's own answer (coming, or excused with a reason).
    pub answer: bool,
    /// Editing the agenda and its materials.
    pub edit_agenda: bool,
    /// Voting on open motions.
    pub vote: bool,
    /// Opening and closing motions, votes recorded for members without a phone.
    pub run_motions: bool,
    /// The attendance sheet and opinions recorded for members.
    pub attendance: bool,
    /// Minutes, the resolution and tasks.
    pub follow_up: bool,
    /// Closing the meeting with its rating.
    pub finish: bool,
    /// The printable pack.
    pub print: bool,
    /// The minutes read as what was decided.
    pub decided: bool,
}

impl MeetingParts {
    /// `runs`: the person leads the meeting's cell; `takes_part`: they are one of its members.
    pub fn of(status: MeetingStatus, runs: bool, takes_part: bool) -> MeetingParts {
        let lead = |step| runs && step_allowed(status, step);
        MeetingParts {
            answer: takes_part && members_may_answer(status),
            edit_agenda: lead(MeetingStep::Prepare),
            vote: takes_part && status == MeetingStatus::InProgress,
            run_motions: lead(MeetingStep::Run),
            attendance: lead(MeetingStep::Run),
            follow_up: lead(MeetingStep::FollowUp),
            finish: lead(MeetingStep::Finish),
            print: visible_to_members(status),
            decided: status == MeetingStatus::Held,
        }
    }
}

/// A motion's count while it is open goes to those present and to whoever runs the meeting;
/// once closed, to everyone who sees the meeting.
pub fn tally_visible(open: bool, runs: bool, present: bool) -> bool {
    !open || runs || present
}

/// Members see a meeting once it is published.
pub fn visible_to_members(status: MeetingStatus) -> bool {
    status != MeetingStatus::Draft
}

/// The format with its place and link: an in-person meeting needs a place, an online one a
/// link (https), a hybrid one both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Venue {
    pub format: MeetingFormat,
    pub place: Option<String>,
    pub link: Option<String>,
}

impl Venue {
    pub fn parse(format: &str, place: &str, link: &str) -> Result<Venue, Vec<FieldError>> {
        let mut errors = Vec::new();
        let format = MeetingFormat::from_code(format.trim());
        if format.is_none() {
            errors.push(FieldError::new("format", "err_invalid_value"));
        }
        let place = Some(place.trim())
            .filter(|p| !p.is_empty())
            .map(|p| p.chars().take(300).collect::<String>());
        let link = Some(link.trim())
            .filter(|l| !l.is_empty())
            .map(str::to_string);
        if let Some(l) = &link {
            if !(l.starts_with("https://")
                && l.len() > 10
                && l.len() <= 500
                && !l.contains(char::is_whitespace))
            {
                errors.push(FieldError::new("link", "err_meeting_link"));
            }
        }
        if let Some(f) = format {
            if matches!(f, MeetingFormat::InPerson | MeetingFormat::Hybrid) && place.is_none() {
                errors.push(FieldError::new("place", "err_required"));
            }
            if matches!(f, MeetingFormat::Online | MeetingFormat::Hybrid) && link.is_none() {
                errors.push(FieldError::new("link", "err_required"));
            }
        }
        match (format, errors.is_empty()) {
            (Some(format), true) => Ok(Venue {
                format,
                link: if format == MeetingFormat::InPerson {
                    None
                } else {
                    link
                },
                place: if format == MeetingFormat::Online {
                    None
                } else {
                    place
                },
            }),
            _ => Err(errors),
        }
    }
}

/// A time of day as stored, `HH:MM`, from what a member types: "19:30", "19.30", "19h30".
pub fn parse_time(input: &str) -> Option<String> {
    crate::domain::notification::parse_clock(input)
        .ok()
        .map(crate::domain::notification::format_clock)
}

/// A month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(input: &str) -> Option<Month> {
        let (y, m) = input.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        ((2000..=2100).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year,
            month: date.month,
        }
    }
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }
    pub fn last_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: days_in_month(self.year, self.month),
        }
    }
}

/// Day of the week, Monday = 0 … Sunday = 6.
pub fn weekday(d: Date) -> u32 {
    // Julian day 0 was a Monday; jd mod 7 gives Monday = 0.
    (lunar::julian_day(d.year, d.month, d.day).rem_euclid(7)) as u32
}

/// When a cell's periodic meeting falls each month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recurrence {
    /// Ngày N hằng tháng (1–31; a shorter month uses its last day).
    DayOfMonth(u32),
    /// The n-th (1–4) or, with 5, the last given weekday (0 = Monday … 6 = Sunday).
    NthWeekday { n: u32, weekday: u32 },
    /// Ngày N âm lịch hằng tháng (1–30; a 29-day lunar month uses its 29th).
    LunarDay(u32),
}

/// Cells that have not chosen a rule meet on the 5th: in the first week, as is customary
/// (docs/DOMAIN.md, "Dates and the lunar calendar").
pub const DEFAULT_RECURRENCE: Recurrence = Recurrence::DayOfMonth(5);
pub const DEFAULT_START_TIME: &str = "19:30";

impl Recurrence {
    /// Stored form: `ngay:5`, `thu:1:0` (first Monday), `am:16`.
    pub fn code(self) -> String {
        match self {
            Recurrence::DayOfMonth(n) => format!("ngay:{n}"),
            Recurrence::NthWeekday { n, weekday } => format!("thu:{n}:{weekday}"),
            Recurrence::LunarDay(n) => format!("am:{n}"),
        }
    }

    pub fn from_code(code: &str) -> Option<Recurrence> {
        let mut parts = code.trim().split(':');
        let kind = parts.next()?;
        let a: u32 = parts.next()?.trim().parse().ok()?;
        let r = match kind {
            "ngay" if (1..=31).contains(&a) => Recurrence::DayOfMonth(a),
            "am" if (1..=30).contains(&a) => Recurrence::LunarDay(a),
            "thu" => {
                let w: u32 = parts.next()?.trim().parse().ok()?;
                if !(1..=5).contains(&a) || w > 6 {
                    return None;
                }
                Recurrence::NthWeekday { n: a, weekday: w }
            }
            _ => return None,
        };
        parts.next().is_none().then_some(r)
    }

    /// The rule of the schedule form (`set_schedule`): its kind (`ngay`, `thu`, `am`) and the
    /// fields that kind uses, as typed.
    pub fn from_form(kind: &str, day: &str, nth: &str, weekday: &str) -> Option<Recurrence> {
        let code = match kind.trim() {
            "thu" => format!("thu:{}:{}", nth.trim(), weekday.trim()),
            "am" => format!("am:{}", day.trim()),
            _ => format!("ngay:{}", day.trim()),
        };
        Recurrence::from_code(&code)
    }

    /// The meeting day in `month`.
    pub fn date_in(self, month: Month) -> Date {
        let last = days_in_month(month.year, month.month);
        match self {
            Recurrence::DayOfMonth(n) => Date {
                year: month.year,
                month: month.month,
                day: n.min(last),
            },
            Recurrence::NthWeekday { n, weekday: w } => {
                let first = weekday(month.first_day());
                let first_match = 1 + (w + 7 - first) % 7;
                let day = if n == 5 {
                    let mut d = first_match;
                    while d + 7 <= last {
                        d += 7;
                    }
                    d
                } else {
                    first_match + 7 * (n - 1)
                };
                Date {
                    year: month.year,
                    month: month.month,
                    day,
                }
            }
            Recurrence::LunarDay(n) => {
                // The first day of the month whose lunar day is n; for n = 30 in a month of
                // 29 days, that month's last day. A lunar month is shorter than any solar
                // one, so some day always qualifies.
                for day in 1..=last {
                    let l = lunar::to_lunar(month.year, month.month, day);
                    if l.day == n {
                        return Date {
                            year: month.year,
                            month: month.month,
                            day,
                        };
                    }
                    if n == 30 && l.day == 29 {
                        let jd = lunar::julian_day(month.year, month.month, day) + 1;
                        let (y, m, d) = lunar::from_julian_day(jd);
                        if lunar::to_lunar(y, m, d).day == 1 {
                            return Date {
                                year: month.year,
                                month: month.month,
                                day,
                            };
                        }
                    }
                }
                Date {
                    year: month.year,
                    month: month.month,
                    day: last,
                }
            }
        }
    }
}

/// A motion's tally.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub agree: i64,
    pub disagree: i64,
    pub other: i64,
}

impl Tally {
    pub fn add(&mut self, choice: VoteChoice) {
        match choice {
            VoteChoice::Agree => self.agree += 1,
            VoteChoice::Disagree => self.disagree += 1,
            VoteChoice::Other => self.other += 1,
        }
    }
    pub fn total(&self) -> i64 {
        self.agree + self.disagree + self.other
    }
    /// Passed when more than half of those entitled to vote agree (the Party's rule of
    /// majority of the members present with voting rights).
    pub fn passed(&self, entitled: i64) -> bool {
        entitled > 0 && self.agree * 2 > entitled
    }
}

/// A vote with its text for "other opinion".
pub fn parse_vote(choice: &str, other: &str) -> Result<(VoteChoice, Option<String>), FieldError> {
    let choice = VoteChoice::from_code(choice.trim())
        .ok_or_else(|| FieldError::new("choice", "err_invalid_value"))?;
    let text = other.trim();
    match choice {
        VoteChoice::Other if text.is_empty() => {
            Err(FieldError::new("other", "err_vote_other_text"))
        }
        VoteChoice::Other => Ok((choice, Some(text.chars().take(1000).collect()))),
        _ => Ok((choice, None)),
    }
}

/// Attendance rate in percent: present ÷ (expected − exempt). `None` when nobody is expected.
pub fn attendance_rate(present: i64, expected: i64, exempt: i64) -> Option<i64> {
    let base = expected - exempt;
    (base > 0).then(|| (present * 100 + base / 2) / base)
}

/// The default date of the periodic meeting: the rule's day, and the schedule is due around
/// the 20th of the month before.
pub fn schedule_due(month: Month) -> Date {
    let p = month.previous();
    Date {
        year: p.year,
        month: p.month,
        day: 20,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date {
            year: y,
            month: m,
            day,
        }
    }

    #[test]
    fn schedule_draft_parses_or_names_every_field() {
        let ok = ScheduleDraft::parse("am", "16", "", "", "7:30", "  Hội trường ").unwrap();
        assert_eq!(ok.rule, Recurrence::LunarDay(16));
        assert_eq!(ok.time, "07:30");
        assert_eq!(ok.place.as_deref(), Some("Hội trường"));
        let no_place = ScheduleDraft::parse("ngay", "5", "", "", "19:00", " ").unwrap();
        assert_eq!(no_place.place, None);
        let keys = |e: Vec<FieldError>| e.into_iter().map(|e| (e.field, e.key)).collect::<Vec<_>>();
        let long = "x".repeat(301);
        assert_eq!(
            keys(ScheduleDraft::parse("am", "31", "", "", "25:00", &long).unwrap_err()),
            vec![
                ("day".to_string(), "err_rule_day".to_string()),
                ("start_time".to_string(), "err_time".to_string()),
                ("place".to_string(), "err_too_long".to_string()),
            ]
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::from_code(k.code()), Some(*k));
        }
        for a in Attendance::ALL {
            assert_eq!(Attendance::from_code(a.code()), Some(*a));
        }
        assert_eq!(MeetingStatus::from_code("xyz"), None);
        for r in [
            Recurrence::DayOfMonth(5),
            Recurrence::NthWeekday { n: 1, weekday: 0 },
            Recurrence::LunarDay(16),
        ] {
            assert_eq!(Recurrence::from_code(&r.code()), Some(r));
        }
        for bad in [
            "", "ngay:0", "ngay:32", "am:31", "thu:6:1", "thu:1:7", "thu:1", "ngay:5:1", "x:1",
        ] {
            assert_eq!(Recurrence::from_code(bad), None, "{bad}");
        }
        // The schedule form: only the fields of its kind count; a colon cannot smuggle a part in.
        assert_eq!(
            Recurrence::from_form("thu", "9", " 1 ", "0"),
            Some(Recurrence::NthWeekday { n: 1, weekday: 0 })
        );
        assert_eq!(
            Recurrence::from_form("am", "16", "", ""),
            Some(Recurrence::LunarDay(16))
        );
        assert_eq!(
            Recurrence::from_form("", "5", "", ""),
            Some(Recurrence::DayOfMonth(5))
        );
        assert_eq!(Recurrence::from_form("ngay", "5:1", "", ""), None);
        assert_eq!(Recurrence::from_form("thu", "", "1:2", ""), None);
    }

    #[test]
    fn the_steps_follow_the_meeting() {
        use MeetingStatus::*;
        use MeetingStep::*;
        assert!(step_allowed(Draft, Publish));
        assert!(!step_allowed(Scheduled, Publish));
        assert!(step_allowed(Scheduled, Start));
        assert!(!step_allowed(Held, Start));
        assert!(step_allowed(InProgress, Run));
        assert!(!step_allowed(Scheduled, Run));
        assert!(!step_allowed(Held, Run));
        assert!(step_allowed(Held, FollowUp));
        assert!(step_allowed(Scheduled, Cancel));
        assert!(
            !step_allowed(Draft, Cancel)
                && !step_allowed(InProgress, Cancel)
                && !step_allowed(Held, Cancel)
        );
        assert!(!step_allowed(InProgress, Prepare));
        assert!(!visible_to_members(Draft));
        assert!(members_may_answer(Scheduled));
        assert!(!members_may_answer(Held));
    }

    #[test]
    fn venues_need_a_place_or_a_link() {
        assert!(Venue::parse("tai_cho", "Nhà văn hóa khu phố 1", "").is_ok());
        let e = Venue::parse("tai_cho", " ", "").unwrap_err();
        assert_eq!(e[0].field, "place");
        let e = Venue::parse("truc_tuyen", "", "http://x.vn/a").unwrap_err();
        assert_eq!(e[0].key, "err_meeting_link");
        let v = Venue::parse("truc_tuyen", "Hội trường", "https://meet.example.vn/chibo1").unwrap();
        assert_eq!(v.place, None, "an online meeting keeps no place");
        assert_eq!(Venue::parse("ket_hop", "", "").unwrap_err().len(), 2);
        assert!(Venue::parse("bay", "x", "").is_err());
    }

    #[test]
    fn times_and_months() {
        assert_eq!(parse_time("7:30").as_deref(), Some("07:30"));
        assert_eq!(parse_time("19:30").as_deref(), Some("19:30"));
        assert_eq!(
            parse_time("19.30").as_deref(),
            Some("19:30"),
            "a phone's number pad has no colon"
        );
        assert_eq!(parse_time("19h").as_deref(), Some("19:00"));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("abc"), None);
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.next().code(), "2027-01");
        assert_eq!(m.previous().code(), "2026-11");
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(
            schedule_due(Month::parse("2027-01").unwrap()).iso(),
            "2026-12-20"
        );
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday(d(2026, 11, 22)), 6, "22 Nov 2026 is a Sunday");
        assert_eq!(weekday(d(2024, 2, 10)), 5, "Tết 2024 was a Saturday");
    }

    #[test]
    fn recurrence_dates() {
        let nov = Month {
            year: 2026,
            month: 11,
        };
        assert_eq!(Recurrence::DayOfMonth(5).date_in(nov).iso(), "2026-11-05");
        assert_eq!(Recurrence::DayOfMonth(31).date_in(nov).iso(), "2026-11-30");
        assert_eq!(
            Recurrence::DayOfMonth(31)
                .date_in(Month {
                    year: 2028,
                    month: 2
                })
                .iso(),
            "2028-02-29"
        );
        // November 2026 starts on a Sunday.
        assert_eq!(
            Recurrence::NthWeekday { n: 1, weekday: 0 }
                .date_in(nov)
                .iso(),
            "2026-11-02"
        );
        assert_eq!(
            Recurrence::NthWeekday { n: 1, weekday: 6 }
                .date_in(nov)
                .iso(),
            "2026-11-01"
        );
        assert_eq!(
            Recurrence::NthWeekday { n: 2, weekday: 2 }
                .date_in(nov)
                .iso(),
            "2026-11-11"
        );
        assert_eq!(
            Recurrence::NthWeekday { n: 5, weekday: 0 }
                .date_in(nov)
                .iso(),
            "2026-11-30"
        );
        assert_eq!(
            Recurrence::NthWeekday { n: 5, weekday: 1 }
                .date_in(nov)
                .iso(),
            "2026-11-24"
        );
    }

    /// The 16th lunar day, as fishing cells keep it, over two years of published calendars:
    /// it is the day after each full-moon (Rằm) day.
    #[test]
    fn the_sixteenth_lunar_day_each_month() {
        let expected = [
            ("2024-01", "2024-01-26"),
            ("2024-02", "2024-02-25"),
            ("2024-03", "2024-03-25"),
            ("2024-04", "2024-04-24"),
            ("2024-05", "2024-05-23"),
            ("2024-06", "2024-06-21"),
            ("2024-07", "2024-07-21"),
            ("2024-08", "2024-08-19"),
            ("2024-09", "2024-09-18"),
            ("2024-10", "2024-10-18"),
            ("2024-11", "2024-11-16"),
            ("2024-12", "2024-12-16"),
            ("2025-01", "2025-01-15"),
            ("2025-02", "2025-02-13"),
            ("2025-03", "2025-03-15"),
            ("2025-04", "2025-04-13"),
            ("2025-05", "2025-05-13"),
            ("2025-06", "2025-06-11"),
            ("2025-07", "2025-07-10"),
            ("2025-08", "2025-08-09"),
            ("2025-09", "2025-09-07"),
            ("2025-10", "2025-10-07"),
            ("2025-11", "2025-11-05"),
            ("2025-12", "2025-12-05"),
        ];
        for (month, date) in expected {
            assert_eq!(
                Recurrence::LunarDay(16)
                    .date_in(Month::parse(month).unwrap())
                    .iso(),
                date,
                "{month}"
            );
        }
        // Lunar day 1 in a month that holds two new moons: the first one.
        assert_eq!(
            Recurrence::LunarDay(1)
                .date_in(Month::parse("2024-12").unwrap())
                .iso(),
            "2024-12-01"
        );
    }

    #[test]
    fn votes_and_rates() {
        assert_eq!(
            parse_vote("dong_y", "ignored").unwrap(),
            (VoteChoice::Agree, None)
        );
        assert_eq!(
            parse_vote("y_kien_khac", "  ").unwrap_err().key,
            "err_vote_other_text"
        );
        assert_eq!(
            parse_vote("y_kien_khac", "Cần thêm thời gian")
                .unwrap()
                .1
                .as_deref(),
            Some("Cần thêm thời gian")
        );
        assert!(parse_vote("maybe", "").is_err());
        let mut t = Tally::default();
        for c in [VoteChoice::Agree, VoteChoice::Agree, VoteChoice::Other] {
            t.add(c);
        }
        assert_eq!(t.total(), 3);
        assert!(t.passed(3));
        assert!(!t.passed(4));
        assert_eq!(attendance_rate(9, 12, 2), Some(90));
        assert_eq!(attendance_rate(0, 1, 1), None);
    }

    #[test]
    fn each_person_sees_the_parts_of_the_meeting_that_are_theirs() {
        use MeetingStatus::*;
        let member = |s| MeetingParts::of(s, false, true);
        let leader = |s| MeetingParts::of(s, true, true);
        // A draft: only its leaders see it, to prepare it; nothing to print yet.
        assert_eq!(
            leader(Draft),
            MeetingParts {
                edit_agenda: true,
                ..Default::default()
            }
        );
        // Published: members answer; leaders still prepare; the pack prints.
        assert_eq!(
            member(Scheduled),
            MeetingParts {
                answer: true,
                print: true,
                ..Default::default()
            }
        );
        assert!(leader(Scheduled).edit_agenda && !leader(Scheduled).attendance);
        // Under way: members answer and vote; leaders keep the sheet, motions, minutes, close.
        let running = leader(InProgress);
        assert!(running.vote && running.run_motions && running.attendance && running.finish);
        assert!(running.follow_up && !running.edit_agenda);
        let m = member(InProgress);
        assert!(m.answer && m.vote && !m.run_motions && !m.attendance && !m.follow_up);
        // A leader of the cell above who is not a member of it runs it without voting.
        let above = MeetingParts::of(InProgress, true, false);
        assert!(above.run_motions && !above.vote && !above.answer);
        // Held: minutes and tasks still follow up; the minutes read as what was decided.
        let held = leader(Held);
        assert!(held.follow_up && held.decided && !held.finish && !held.vote && !held.answer);
        assert_eq!(
            member(Held),
            MeetingParts {
                print: true,
                decided: true,
                ..Default::default()
            }
        );
    }

    #[test]
    fn live_results_go_to_those_present_and_the_chair() {
        assert!(tally_visible(true, true, false));
        assert!(tally_visible(true, false, true));
        assert!(!tally_visible(true, false, false));
        assert!(tally_visible(false, false, false));
    }

    #[test]
    fn a_meeting_draft_has_every_error_at_once() {
        let ok = MeetingDraft::parse(
            Some(MeetingKind::Periodic),
            "  ",
            "10/12/2026",
            "19g30",
            "tai_cho",
            "Nhà văn hóa",
            "",
        )
        .unwrap();
        assert_eq!(
            (ok.title, ok.date.iso(), ok.time.as_str()),
            (None, "2026-12-10".to_string(), "19:30")
        );
        let thematic = MeetingDraft::parse(
            Some(MeetingKind::Thematic),
            " Học tập Nghị quyết ",
            "2026-12-10",
            "7:00",
            "tai_cho",
            "Hội trường",
            "",
        )
        .unwrap();
        assert_eq!(thematic.title.as_deref(), Some("Học tập Nghị quyết"));
        let fields = |e: Vec<FieldError>| -> Vec<(String, String)> {
            e.into_iter().map(|f| (f.field, f.key)).collect()
        };
        let all_wrong = MeetingDraft::parse(
            None,
            &"t".repeat(301),
            "31/02/2026",
            "25:00",
            "tai_cho",
            "",
            "",
        )
        .unwrap_err();
        let keys = fields(all_wrong);
        assert_eq!(
            keys[0],
            ("kind".to_string(), "err_invalid_value".to_string())
        );
        assert_eq!(keys[1], ("date".to_string(), "err_date".to_string()));
        assert_eq!(keys[2], ("start_time".to_string(), "err_time".to_string()));
        assert_eq!(keys[3], ("title".to_string(), "err_too_long".to_string()));
        assert!(keys.len() >= 4);
        let untitled = MeetingDraft::parse(
            Some(MeetingKind::Extraordinary),
            "",
            "10/12/1999",
            "19:30",
            "tai_cho",
            "Hội trường",
            "",
        )
        .unwrap_err();
        assert_eq!(
            fields(untitled),
            vec![
                ("date".to_string(), "err_date".to_string()),
                ("title".to_string(), "err_required".to_string())
            ]
        );
    }
}
