//! What the meeting page sends through the outbox (`platform::outbox`) when there is no
//! connection: a member's own opinion and their answer (coming, or excused with a reason).
//! Registered once at start (`crate::App`), with how each is sent and described.

use super::{comment, rsvp};
use crate::domain::meeting::Rsvp;
use crate::i18n::*;
use crate::platform::outbox::{Kind, Outbox, Sending};
use serde::{Deserialize, Serialize};

/// An opinion or an answer waiting to be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Queued {
    Comment(QueuedComment),
    Rsvp(QueuedRsvp),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedComment {
    pub meeting_id: i64,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedRsvp {
    pub meeting_id: i64,
    /// The answer's code (`Rsvp`).
    pub answer: String,
    pub reason: String,
}

// The kinds' names are stored on phones (the outbox's first format used them): never rename.
const COMMENT: &str = "Comment";
const RSVP: &str = "Rsvp";

impl Queued {
    /// Puts this in the outbox.
    pub fn queue(&self, outbox: &Outbox) {
        match self {
            Queued::Comment(c) => outbox.push(COMMENT, c),
            Queued::Rsvp(r) => outbox.push(RSVP, r),
        }
    }
}

/// The page that shows a meeting's waiting items.
pub fn topic(meeting_id: i64) -> String {
    format!("meeting:{meeting_id}")
}

fn unreadable() -> Sending {
    // Not sendable: shown with this error until the member removes it.
    Box::pin(async {
        Err(crate::platform::error::AppError::field(
            "body",
            "err_invalid_value",
        ))
    })
}

/// The kinds this feature queues, for `platform::outbox::provide_outbox`.
pub fn outbox_kinds() -> Vec<Kind> {
    vec![
        Kind {
            name: COMMENT,
            send: |payload| match serde_json::from_str::<QueuedComment>(payload) {
                Ok(c) => Box::pin(comment(c.meeting_id, c.body, 0)),
                Err(_) => unreadable(),
            },
            topic: |payload| {
                serde_json::from_str::<QueuedComment>(payload)
                    .ok()
                    .map(|c| topic(c.meeting_id))
            },
            describe: |payload, l| {
                let body = serde_json::from_str::<QueuedComment>(payload)
                    .map(|c| c.body)
                    .unwrap_or_default();
                format!("{}: {body}", td_string!(l, off_waiting_comment))
            },
        },
        Kind {
            name: RSVP,
            send: |payload| match serde_json::from_str::<QueuedRsvp>(payload) {
                Ok(r) => Box::pin(rsvp(r.meeting_id, r.answer, r.reason, 0)),
                Err(_) => unreadable(),
            },
            topic: |payload| {
                serde_json::from_str::<QueuedRsvp>(payload)
                    .ok()
                    .map(|r| topic(r.meeting_id))
            },
            describe: |payload, l| {
                let Ok(r) = serde_json::from_str::<QueuedRsvp>(payload) else {
                    return String::new();
                };
                let answer = match Rsvp::from_code(&r.answer) {
                    Some(Rsvp::Excused) => td_string!(l, mt_rsvp_excuse),
                    _ => td_string!(l, mt_rsvp_attend),
                };
                if r.reason.trim().is_empty() {
                    answer.to_string()
                } else {
                    format!("{answer}: {}", r.reason)
                }
            },
        },
    ]
}
