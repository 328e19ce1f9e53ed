//! The audit log's vocabulary: every action code written to `audit_log.action`, and the
//! filter of the inspectors' page (`/quan-tri/nhat-ky`): a person, an action, a date range.
//! Dates are Vietnamese civil dates (UTC+7); a range covers whole days.

use super::code::coded_enum;
use super::phone::Phone;
use super::register::{Date, FieldError};
use serde::{Deserialize, Serialize};

coded_enum!(
    /// What an audit entry is about (`audit_log.target_type`); `target_id` names which one.
    AuditTarget {
        Account = "account",
        ContactChange = "contact_change",
        Document = "document",
        ImportJob = "import_job",
        JoinRequest = "join_request",
        Meeting = "meeting",
        Member = "member",
        Organization = "organization",
        Task = "task",
    }
);

coded_enum!(
    /// What an audit entry records. The code is what the database keeps; the page shows a
    /// translated label per action (`audit_action_*` in the locale files).
    AuditAction {
        SignIn = "sign_in",
        SignInFailed = "sign_in_failed",
        SignOut = "sign_out",
        SignOutEverywhere = "sign_out_everywhere",
        PasskeyAdded = "passkey_added",
        PasskeysRemoved = "passkeys_removed",
        AccountActivated = "account_activated",
        /// A member set a new password with a reset code (sessions and passkeys ended).
        PasswordReset = "password_reset",
        /// A leader proved their password again before a sensitive step.
        PasswordConfirmed = "password_confirmed",
        AccountDisabled = "account_disabled",
        AccountEnabled = "account_enabled",
        /// Someone asked to join with the details of a member who has an active account (no
        /// request made; the member was told).
        JoinRequestedForActiveAccount = "join_requested_for_active_account",
        JoinRequested = "join_requested",
        JoinApproved = "join_approved",
        JoinRejected = "join_rejected",
        ActivationCodeIssued = "activation_code_issued",
        ResetCodeIssued = "reset_code_issued",
        ContactChangeRequested = "contact_change_requested",
        ContactChangeApproved = "contact_change_approved",
        ContactChangeRejected = "contact_change_rejected",
        RoleGranted = "role_granted",
        RoleRevoked = "role_revoked",
        DocumentPublished = "document_published",
        DocumentEdited = "document_edited",
        DocumentWithdrawn = "document_withdrawn",
        AttachmentUploaded = "attachment_uploaded",
        QuestionAdded = "document_question_added",
        ReadingReminder = "reading_reminder",
        /// A member marked as having (or not having) a smartphone: SMS reaches them.
        NoSmartphoneSet = "member.no_smartphone",
        /// `sotay init`: the root organisation and its first admin created from the console.
        Initialized = "system.init",
        OrgCreate = "org.create",
        OrgRename = "org.rename",
        OrgMove = "org.move",
        OrgMerge = "org.merge",
        OrgDissolve = "org.dissolve",
        /// A register file uploaded (the import job created).
        ImportUploaded = "register.import_upload",
        /// The dry run started with the admin's column mapping.
        ImportChecked = "register.import_check",
        /// The register written from the file.
        ImportApplied = "register.import",
        ImportDiscarded = "register.import_discard",
        /// The organisation tree written from a file (created, renamed, moved, dissolved).
        OrgImportApplied = "org.import",
        MeetingCreate = "meeting.create",
        MeetingUpdate = "meeting.update",
        MeetingPublish = "meeting.publish",
        MeetingCancel = "meeting.cancel",
        MeetingStart = "meeting.start",
        MeetingFinish = "meeting.finish",
        AgendaAdd = "meeting.agenda_add",
        AgendaRemove = "meeting.agenda_remove",
        MaterialAttach = "meeting.attach_document",
        MaterialDetach = "meeting.detach_document",
        Attendance = "meeting.attendance",
        AllPresent = "meeting.all_present",
        MotionOpen = "meeting.open_motion",
        MotionClose = "meeting.close_motion",
        Rsvp = "meeting.rsvp",
        Comment = "meeting.comment",
        Vote = "meeting.vote",
        Minutes = "meeting.minutes",
        ScheduleSet = "meeting.schedule",
        TaskAssign = "task.assign",
        TaskReport = "task.report",
    }
);

/// Whose entries: a phone number (national form) or words of a name (folded by the query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Person {
    Phone(String),
    Name(String),
}

/// The page's filter, parsed from its query. `from` and `until` are unix seconds: the start
/// of the first day and the start of the day after the last, Vietnam time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub person: Option<Person>,
    pub action: Option<AuditAction>,
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Entries older than this one (its time and id): the "older" link.
    pub before: Option<(i64, i64)>,
}

const VIETNAM_UTC_OFFSET_SECONDS: i64 = 7 * 3600;

/// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil).
pub fn days_from_civil(d: Date) -> i64 {
    let y = d.year as i64 - if d.month <= 2 { 1 } else { 0 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = d.month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d.day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix time of 00:00 of a day in Vietnam.
pub fn vietnam_day_start(d: Date) -> i64 {
    days_from_civil(d) * 86_400 - VIETNAM_UTC_OFFSET_SECONDS
}

/// The cursor of the "older" link: `<time>.<id>` of the last entry shown.
pub fn cursor(at: i64, id: i64) -> String {
    format!("{at}.{id}")
}

fn parse_cursor(s: &str) -> Option<(i64, i64)> {
    let (at, id) = s.split_once('.')?;
    Some((at.parse().ok()?, id.parse().ok()?))
}

/// The filter's part of the page's query string (`nguoi=…&hanh_dong=…&tu_ngay=…&den_ngay=…`,
/// empty values left out, percent-encoded), for the "older" and download links.
pub fn query_string(person: &str, action: &str, from: &str, to: &str) -> String {
    [
        ("nguoi", person),
        ("hanh_dong", action),
        ("tu_ngay", from),
        ("den_ngay", to),
    ]
    .iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| format!("{k}={}", super::url::encode_query_value(v.trim())))
    .collect::<Vec<_>>()
    .join("&")
}

/// Parses the page's query (field names are the form's): every bad field is named at once.
pub fn parse_filter(
    person: &str,
    action: &str,
    from: &str,
    to: &str,
    before: &str,
) -> Result<AuditFilter, Vec<FieldError>> {
    let mut errors = Vec::new();
    let person = person.trim();
    let person = if person.is_empty() {
        None
    } else if person.chars().any(|c| c.is_alphabetic()) {
        Some(Person::Name(person.chars().take(100).collect()))
    } else {
        match Phone::parse(person) {
            Ok(p) => Some(Person::Phone(p.as_str().to_string())),
            Err(e) => {
                errors.push(FieldError::new("nguoi", e.key()));
                None
            }
        }
    };
    let action = match action.trim() {
        "" => None,
        code => AuditAction::from_code(code).or_else(|| {
            errors.push(FieldError::new("hanh_dong", "err_invalid_value"));
            None
        }),
    };
    let mut day = |s: &str, field: &str| match s.trim() {
        "" => None,
        s => Date::parse(s).ok().or_else(|| {
            errors.push(FieldError::new(field, "err_date"));
            None
        }),
    };
    let (first, last) = (day(from, "tu_ngay"), day(to, "den_ngay"));
    if let (Some(f), Some(l)) = (first, last) {
        if f > l {
            errors.push(FieldError::new("den_ngay", "err_date_range"));
        }
    }
    let before = match before.trim() {
        "" => None,
        s => parse_cursor(s).or_else(|| {
            errors.push(FieldError::new("truoc", "err_invalid_value"));
            None
        }),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AuditFilter {
        person,
        action,
        from: first.map(vietnam_day_start),
        until: last.map(|d| vietnam_day_start(d) + 86_400),
        before,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(r: Result<AuditFilter, Vec<FieldError>>) -> Vec<(String, String)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.key))
            .collect()
    }

    #[test]
    fn action_codes_have_one_text_form() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(*a));
        }
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len(), "no code twice");
        // The codes written before the enum existed stay the same (rows already in databases).
        assert_eq!(AuditAction::ImportApplied.code(), "register.import");
        assert_eq!(AuditAction::Vote.code(), "meeting.vote");
        assert_eq!(AuditAction::SignIn.code(), "sign_in");
        assert_eq!(AuditAction::from_code("meeting.unknown"), None);
    }

    #[test]
    fn days_in_vietnam() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(days_from_civil(d("1970-01-01")), 0);
        assert_eq!(days_from_civil(d("2000-03-01")), 11_017);
        // 00:00 of 22/11/2026 in Vietnam is 17:00 UTC the day before.
        assert_eq!(vietnam_day_start(d("22/11/2026")), 1_795_280_400);
        for (s, days) in [
            ("1999-12-31", 10_956),
            ("2000-02-29", 11_016),
            ("2026-11-22", 20_779),
            ("2100-03-01", 47_541),
        ] {
            assert_eq!(days_from_civil(d(s)), days, "{s}");
        }
    }

    #[test]
    fn filters_parse() {
        assert_eq!(parse_filter("", "", "", "", ""), Ok(AuditFilter::default()));
        let f = parse_filter(
            " Võ Văn Sáu ",
            "meeting.vote",
            "01/12/2026",
            "2026-12-31",
            "1795280400.42",
        )
        .unwrap();
        assert_eq!(f.person, Some(Person::Name("Võ Văn Sáu".into())));
        assert_eq!(f.action, Some(AuditAction::Vote));
        assert_eq!(
            f.from,
            Some(vietnam_day_start(Date::parse("2026-12-01").unwrap()))
        );
        assert_eq!(
            f.until,
            Some(vietnam_day_start(Date::parse("2027-01-01").unwrap())),
            "the last day is whole"
        );
        assert_eq!(f.before, Some((1_795_280_400, 42)));
        assert_eq!(
            parse_filter("+84 900 000 006", "", "", "", "")
                .unwrap()
                .person,
            Some(Person::Phone("0900000006".into()))
        );
        // One day: from its start to the next day's.
        let one = parse_filter("", "", "05/12/2026", "05/12/2026", "").unwrap();
        assert_eq!(one.until.unwrap() - one.from.unwrap(), 86_400);
    }

    #[test]
    fn links_keep_the_filter() {
        assert_eq!(query_string("", "", "", ""), "");
        assert_eq!(
            query_string(" Sáu ", "meeting.vote", "01/12/2026", ""),
            "nguoi=S%C3%A1u&hanh_dong=meeting.vote&tu_ngay=01%2F12%2F2026"
        );
    }

    #[test]
    fn bad_filters_name_their_fields() {
        assert_eq!(
            keys(parse_filter(
                "12345",
                "xoa_het",
                "31/02/2026",
                "hôm qua",
                "abc"
            )),
            vec![
                ("nguoi".to_string(), "err_phone_length".to_string()),
                ("hanh_dong".to_string(), "err_invalid_value".to_string()),
                ("tu_ngay".to_string(), "err_date".to_string()),
                ("den_ngay".to_string(), "err_date".to_string()),
                ("truoc".to_string(), "err_invalid_value".to_string()),
            ]
        );
        assert_eq!(
            keys(parse_filter("", "", "10/12/2026", "09/12/2026", "")),
            vec![("den_ngay".to_string(), "err_date_range".to_string())]
        );
    }
}
