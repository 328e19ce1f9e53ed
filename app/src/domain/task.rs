//! Tasks (nhiệm vụ) given at a meeting and followed up: what a leader types to assign one and
//! what a member types to report progress, parsed into drafts the repository can store as they
//! are (docs/DOMAIN.md, "Tasks"). Errors name the form field and an i18n key.

use super::register::{Date, FieldError};

/// The longest task title, in characters.
pub const TITLE_MAX: usize = 500;
/// The longest progress note, in characters.
pub const NOTE_MAX: usize = 2000;

/// A task to assign: a title and a due date no earlier than the meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDraft {
    pub title: String,
    pub due: Date,
}

impl TaskDraft {
    /// `meeting_date` is the meeting's ISO date (`2026-12-05`). Every field's error at once.
    pub fn parse(
        title: &str,
        due_date: &str,
        meeting_date: &str,
    ) -> Result<TaskDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = title.trim();
        if title.is_empty() {
            errors.push(FieldError::new("task_title", "err_required"));
        } else if title.chars().count() > TITLE_MAX {
            errors.push(FieldError::new("task_title", "err_too_long"));
        }
        let due = match Date::parse(due_date.trim()) {
            Ok(d) if !(2000..=2100).contains(&d.year) => {
                errors.push(FieldError::new("due_date", "err_date"));
                None
            }
            Ok(d) if d.iso().as_str() < meeting_date => {
                errors.push(FieldError::new("due_date", "err_due_before_meeting"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new("due_date", "err_date"));
                None
            }
        };
        match due {
            Some(due) if errors.is_empty() => Ok(TaskDraft {
                title: title.to_string(),
                due,
            }),
            _ => Err(errors),
        }
    }
}

/// Progress on a task: a percentage (`70`, `70 %`), 100 when marked done, and a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressReport {
    pub progress: i64,
    pub note: Option<String>,
}

impl ProgressReport {
    pub fn parse(
        progress: &str,
        note: &str,
        done: bool,
    ) -> Result<ProgressReport, Vec<FieldError>> {
        let mut errors = Vec::new();
        let progress = if done {
            Some(100)
        } else {
            let p = progress
                .trim()
                .trim_end_matches('%')
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=100).contains(p));
            if p.is_none() {
                errors.push(FieldError::new("progress", "err_progress"));
            }
            p
        };
        let note = note.trim();
        if note.chars().count() > NOTE_MAX {
            errors.push(FieldError::new("note", "err_too_long"));
        }
        match progress {
            Some(progress) if errors.is_empty() => Ok(ProgressReport {
                progress,
                note: (!note.is_empty()).then(|| note.to_string()),
            }),
            _ => Err(errors),
        }
    }

    /// Whether the task is done with this report.
    pub fn done(&self) -> bool {
        self.progress >= 100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(e: Vec<FieldError>) -> Vec<(String, String)> {
        e.into_iter().map(|f| (f.field, f.key)).collect()
    }

    #[test]
    fn a_task_needs_a_title_and_a_due_date_from_the_meeting_on() {
        let t = TaskDraft::parse("  Thu đảng phí quý IV ", "20/12/2026", "2026-12-05").unwrap();
        assert_eq!(t.title, "Thu đảng phí quý IV");
        assert_eq!(t.due.iso(), "2026-12-20");
        assert!(TaskDraft::parse("x", "2026-12-05", "2026-12-05").is_ok());
        assert_eq!(
            keys(TaskDraft::parse("", "4/12/2026", "2026-12-05").unwrap_err()),
            vec![
                ("task_title".into(), "err_required".into()),
                ("due_date".into(), "err_due_before_meeting".into())
            ]
        );
        assert_eq!(
            keys(TaskDraft::parse(&"a".repeat(501), "ngày mai", "2026-12-05").unwrap_err()),
            vec![
                ("task_title".into(), "err_too_long".into()),
                ("due_date".into(), "err_date".into())
            ]
        );
        assert_eq!(
            keys(TaskDraft::parse("x", "1/1/2300", "2026-12-05").unwrap_err()),
            vec![("due_date".into(), "err_date".into())]
        );
    }

    #[test]
    fn progress_is_a_percentage_or_done() {
        let p = ProgressReport::parse(" 70 % ", "  Đã thu 7/10 ", false).unwrap();
        assert_eq!(
            (p.progress, p.note.as_deref(), p.done()),
            (70, Some("Đã thu 7/10"), false)
        );
        let done = ProgressReport::parse("bất kỳ", "", true).unwrap();
        assert_eq!(
            (done.progress, done.note.clone(), done.done()),
            (100, None, true)
        );
        for bad in ["", "101", "-1", "bảy mươi", "7.5"] {
            assert_eq!(
                keys(ProgressReport::parse(bad, "", false).unwrap_err()),
                vec![("progress".into(), "err_progress".into())],
                "{bad}"
            );
        }
        assert_eq!(
            keys(ProgressReport::parse("10", &"n".repeat(2001), false).unwrap_err()),
            vec![("note".into(), "err_too_long".into())]
        );
    }
}
