//! Rules of notifications and Web Push: kinds and the groups members switch on and off, quiet
//! hours, when reminders are due, and what to do with a push service's answer. No I/O.

use super::code::coded_enum;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// What a notification points at (its `ref_type`), which decides where a tap leads.
    NotificationRef {
        Document = "document",
        Meeting = "meeting",
        Task = "task",
        JoinRequest = "join_request",
        Account = "account",
    }
);

impl NotificationRef {
    /// Where tapping a notification about `id` leads.
    pub fn href(self, id: i64) -> String {
        match self {
            NotificationRef::Document => format!("/van-ban/{id}"),
            NotificationRef::Meeting => format!("/sinh-hoat/{id}"),
            NotificationRef::Task => "/nhiem-vu".to_string(),
            NotificationRef::JoinRequest => "/quan-tri/tai-khoan".to_string(),
            NotificationRef::Account => "/ca-nhan".to_string(),
        }
    }
}

coded_enum!(
    /// What a notification is about, as stored.
    NotificationKind {
        /// Văn bản mới in the member's audience.
        NewDocument = "van_ban_moi",
        /// Tin tức mới.
        NewNews = "tin_tuc_moi",
        /// The cell's meeting was published.
        MeetingPublished = "hop_cong_bo",
        /// Its time, place or agenda changed.
        MeetingChanged = "hop_thay_doi",
        /// It was called off (back to draft; a new date will follow).
        MeetingCancelled = "hop_huy",
        /// Reminder the day before and one hour before.
        MeetingReminder = "nhac_hop",
        /// A task was assigned to the member.
        TaskAssigned = "nhiem_vu_giao",
        /// The member's task is due tomorrow.
        TaskDueTomorrow = "nhiem_vu_sap_han",
        /// The member's task is past its due date.
        TaskOverdue = "nhiem_vu_qua_han",
        /// A leader asked the member to read a document.
        ReadReminder = "nhac_doc",
        /// A join request waits for the cell's leadership.
        JoinRequest = "yeu_cau_gia_nhap",
        /// Something happened to the member's own account that they must know of: a reset code
        /// was issued for it, someone asked to join with their details.
        AccountSecurity = "bao_mat",
    }
);

coded_enum!(
    /// What a member switches push on or off for: a few plain groups, not eleven kinds.
    PushGroup {
        Documents = "van_ban",
        News = "tin_tuc",
        Meetings = "sinh_hoat",
        Tasks = "nhiem_vu",
        ReadReminders = "nhac_doc",
        JoinRequests = "gia_nhap",
        /// Account security notices: always pushed, not a switch.
        Security = "bao_mat",
    }
);

impl NotificationKind {
    pub fn group(self) -> PushGroup {
        use NotificationKind::*;
        match self {
            NewDocument => PushGroup::Documents,
            NewNews => PushGroup::News,
            MeetingPublished | MeetingChanged | MeetingCancelled | MeetingReminder => {
                PushGroup::Meetings
            }
            TaskAssigned | TaskDueTomorrow | TaskOverdue => PushGroup::Tasks,
            ReadReminder => PushGroup::ReadReminders,
            JoinRequest => PushGroup::JoinRequests,
            AccountSecurity => PushGroup::Security,
        }
    }
}

impl PushGroup {
    pub fn kinds(self) -> Vec<NotificationKind> {
        NotificationKind::ALL
            .iter()
            .copied()
            .filter(|k| k.group() == self)
            .collect()
    }
}

/// The stored `push_off` list (comma-separated kinds) from the groups switched off.
pub fn push_off_list(off: &[PushGroup]) -> String {
    let mut kinds: Vec<&str> = off
        .iter()
        .flat_map(|g| g.kinds())
        .map(NotificationKind::code)
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds.join(",")
}

/// The groups switched off, from the stored list (a group is off when any of its kinds is).
pub fn groups_off(push_off: &str) -> Vec<PushGroup> {
    let kinds: Vec<NotificationKind> = push_off
        .split(',')
        .filter_map(NotificationKind::from_code)
        .collect();
    PushGroup::ALL
        .iter()
        .copied()
        .filter(|g| kinds.iter().any(|k| k.group() == *g))
        .collect()
}

pub const MINUTES_PER_DAY: u32 = 1440;
/// 21:00 to 06:00 by default (the and members' expectation of a quiet night).
pub const DEFAULT_QUIET_START: u32 = 21 * 60;
pub const DEFAULT_QUIET_END: u32 = 6 * 60;

/// Parses "21:00" / "6:30" into minutes after midnight.
pub fn parse_clock(input: &str) -> Result<u32, &'static str> {
    let s = input.trim();
    // ':' as written, '.' from a phone's number pad (which has no ':'), 'h'/'g' as in "19h30".
    let (h, m) = s
        .split_once([':', '.', 'h', 'g'])
        .ok_or("err_time_format")?;
    let (h, m) = (h.trim(), if m.trim().is_empty() { "0" } else { m.trim() });
    if h.is_empty()
        || h.len() > 2
        || m.len() > 2
        || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err("err_time_format");
    }
    let (h, m): (u32, u32) = (
        h.parse().map_err(|_| "err_time_format")?,
        m.parse().map_err(|_| "err_time_format")?,
    );
    if h > 23 || m > 59 {
        return Err("err_time_format");
    }
    Ok(h * 60 + m)
}

pub fn format_clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// No push inside the window (minutes after midnight, Vietnam time; it may wrap past midnight).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub enabled: bool,
    pub start: u32,
    pub end: u32,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            enabled: true,
            start: DEFAULT_QUIET_START,
            end: DEFAULT_QUIET_END,
        }
    }
}

impl QuietHours {
    /// Whether `minute` (after local midnight) falls inside the quiet window.
    pub fn contains(&self, minute: u32) -> bool {
        if !self.enabled || self.start == self.end {
            return false;
        }
        if self.start < self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }

    /// When a push due at `now` (Unix seconds) may go: `None` when it may go now, or the Unix
    /// time the window ends.
    pub fn deferred_until(&self, now: i64, utc_offset_secs: i64) -> Option<i64> {
        let local = now + utc_offset_secs;
        let minute = (local.rem_euclid(86_400) / 60) as u32;
        if !self.contains(minute) {
            return None;
        }
        let wait_minutes = (self.end + MINUTES_PER_DAY - minute) % MINUTES_PER_DAY;
        let start_of_minute = now - local.rem_euclid(60);
        Some(start_of_minute + wait_minutes as i64 * 60)
    }
}

coded_enum!(
    /// Reminders the scheduler sends once each (the key of `reminders_sent`).
    Reminder {
        MeetingDayBefore = "hop_1_ngay",
        MeetingHourBefore = "hop_1_gio",
        TaskDueTomorrow = "viec_sap_han",
        TaskOverdue = "viec_qua_han",
    }
);

/// Which meeting reminder is due at `now` for a meeting starting at `start` (Unix seconds):
/// the hour-before one in the last hour, the day-before one from 24 hours to one hour before.
pub fn meeting_reminder_due(start: i64, now: i64) -> Option<Reminder> {
    let left = start - now;
    if left <= 0 {
        None
    } else if left <= 3600 {
        Some(Reminder::MeetingHourBefore)
    } else if left <= 86_400 {
        Some(Reminder::MeetingDayBefore)
    } else {
        None
    }
}

/// Which task reminder is due, by Julian day numbers of the due date and of today.
pub fn task_reminder_due(due_day: i64, today: i64) -> Option<Reminder> {
    if due_day == today + 1 {
        Some(Reminder::TaskDueTomorrow)
    } else if due_day < today {
        Some(Reminder::TaskOverdue)
    } else {
        None
    }
}

/// What to do after a push service answered a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    /// 2xx: done.
    Delivered,
    /// 404 or 410: the subscription is gone; delete it.
    Gone,
    /// 429, 5xx or no answer: try again after this many seconds.
    Retry(i64),
    /// Any other answer (400, 403, 413 …): retrying cannot help; drop this delivery.
    Drop,
}

/// Deliveries are given up after this many attempts (about a day and a half of back-off).
pub const MAX_PUSH_ATTEMPTS: i64 = 8;

/// Back-off after the `attempts`-th failure: 30 s, 2 min, 8 min … capped at 6 hours; the push
/// service's Retry-After wins when it asks for longer.
pub fn retry_delay(attempts: i64, retry_after: Option<i64>) -> i64 {
    let base = 30i64
        .saturating_mul(4i64.saturating_pow(attempts.clamp(1, 10) as u32 - 1))
        .min(6 * 3600);
    base.max(retry_after.unwrap_or(0).min(24 * 3600))
}

/// Classifies an answer; `status` is `None` when the request did not get one.
pub fn push_outcome(status: Option<u16>, attempts: i64, retry_after: Option<i64>) -> PushOutcome {
    let retry = || {
        if attempts >= MAX_PUSH_ATTEMPTS {
            PushOutcome::Drop
        } else {
            PushOutcome::Retry(retry_delay(attempts, retry_after))
        }
    };
    match status {
        Some(s) if (200..300).contains(&s) => PushOutcome::Delivered,
        Some(404) | Some(410) => PushOutcome::Gone,
        Some(429) | None => retry(),
        Some(s) if s >= 500 => retry(),
        Some(_) => PushOutcome::Drop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_group_and_groups_round_trip() {
        for k in NotificationKind::ALL {
            assert!(k.group().kinds().contains(k));
        }
        let list = push_off_list(&[PushGroup::News, PushGroup::Meetings]);
        assert_eq!(
            list,
            "hop_cong_bo,hop_huy,hop_thay_doi,nhac_hop,tin_tuc_moi"
        );
        assert_eq!(
            groups_off(&list),
            vec![PushGroup::News, PushGroup::Meetings]
        );
        assert_eq!(groups_off(""), vec![]);
        assert_eq!(groups_off("rac,,van_ban_moi"), vec![PushGroup::Documents]);
    }

    #[test]
    fn clock_parsing() {
        assert_eq!(parse_clock("21:00"), Ok(1260));
        assert_eq!(parse_clock(" 6:30 "), Ok(390));
        assert_eq!(parse_clock("6h"), Ok(360));
        assert_eq!(parse_clock("06g15"), Ok(375));
        assert_eq!(parse_clock("19.30"), Ok(1170));
        for bad in ["", "24:00", "7:60", "ab:cd", "7", "-1:00", "123:00"] {
            assert_eq!(parse_clock(bad), Err("err_time_format"), "{bad}");
        }
        assert_eq!(format_clock(390), "06:30");
    }

    #[test]
    fn quiet_hours_wrap_past_midnight() {
        let q = QuietHours::default();
        assert!(
            q.contains(21 * 60)
                && q.contains(23 * 60 + 59)
                && q.contains(0)
                && q.contains(5 * 60 + 59)
        );
        assert!(!q.contains(6 * 60) && !q.contains(12 * 60) && !q.contains(20 * 60 + 59));
        let day = QuietHours {
            enabled: true,
            start: 12 * 60,
            end: 13 * 60,
        };
        assert!(day.contains(12 * 60 + 30) && !day.contains(13 * 60) && !day.contains(11 * 60));
        assert!(!QuietHours {
            enabled: false,
            ..q
        }
        .contains(22 * 60));
        assert!(!QuietHours {
            enabled: true,
            start: 600,
            end: 600
        }
        .contains(600));
    }

    #[test]
    fn deferral_ends_at_the_window_end_in_vietnam_time() {
        let q = QuietHours::default();
        let offset = 7 * 3600;
        // 2026-11-22 22:10:30 in Vietnam = 15:10:30 UTC.
        let at = 1_795_305_600 + 15 * 3600 + 10 * 60 + 30; // 2026-11-22 00:00 UTC + …
        let until = q.deferred_until(at, offset).expect("quiet");
        // 06:00 Vietnam on the 23rd = 2026-11-22 23:00 UTC.
        assert_eq!(until, 1_795_305_600 + 23 * 3600);
        // 10:00 Vietnam: no deferral.
        assert_eq!(q.deferred_until(1_795_305_600 + 3 * 3600, offset), None);
        // 05:59 Vietnam: one minute.
        // 05:59 Vietnam on the 22nd = 22:59 UTC on the 21st: one minute.
        let early = 1_795_305_600 - 3600 - 60;
        assert_eq!(q.deferred_until(early, offset), Some(early + 60));
    }

    #[test]
    fn reminders_fall_in_their_windows() {
        let start = 1_000_000;
        assert_eq!(meeting_reminder_due(start, start - 90_000), None);
        assert_eq!(
            meeting_reminder_due(start, start - 86_400),
            Some(Reminder::MeetingDayBefore)
        );
        assert_eq!(
            meeting_reminder_due(start, start - 3601),
            Some(Reminder::MeetingDayBefore)
        );
        assert_eq!(
            meeting_reminder_due(start, start - 3600),
            Some(Reminder::MeetingHourBefore)
        );
        assert_eq!(
            meeting_reminder_due(start, start - 1),
            Some(Reminder::MeetingHourBefore)
        );
        assert_eq!(meeting_reminder_due(start, start), None);
        assert_eq!(task_reminder_due(11, 10), Some(Reminder::TaskDueTomorrow));
        assert_eq!(task_reminder_due(10, 10), None);
        assert_eq!(task_reminder_due(12, 10), None);
        assert_eq!(task_reminder_due(9, 10), Some(Reminder::TaskOverdue));
    }

    #[test]
    fn push_answers() {
        assert_eq!(push_outcome(Some(201), 1, None), PushOutcome::Delivered);
        assert_eq!(push_outcome(Some(410), 1, None), PushOutcome::Gone);
        assert_eq!(push_outcome(Some(404), 1, None), PushOutcome::Gone);
        assert_eq!(push_outcome(Some(429), 1, None), PushOutcome::Retry(30));
        assert_eq!(push_outcome(Some(503), 2, None), PushOutcome::Retry(120));
        assert_eq!(push_outcome(None, 3, None), PushOutcome::Retry(480));
        assert_eq!(
            push_outcome(Some(429), 1, Some(600)),
            PushOutcome::Retry(600)
        );
        assert_eq!(
            push_outcome(Some(500), MAX_PUSH_ATTEMPTS, None),
            PushOutcome::Drop
        );
        assert_eq!(push_outcome(Some(400), 1, None), PushOutcome::Drop);
        assert_eq!(push_outcome(Some(403), 1, None), PushOutcome::Drop);
        assert_eq!(retry_delay(50, None), 6 * 3600);
    }
}
