//! Opinions and attendance answers made without a connection wait here (in the phone's local
//! storage, so closing the app loses nothing) and are sent when the connection returns. The
//! meeting page shows what is waiting.

use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Queued {
    Comment {
        meeting_id: i64,
        body: String,
    },
    Rsvp {
        meeting_id: i64,
        answer: String,
        reason: String,
    },
}

impl Queued {
    pub fn meeting_id(&self) -> i64 {
        match self {
            Queued::Comment { meeting_id, .. } | Queued::Rsvp { meeting_id, .. } => *meeting_id,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedItem {
    pub id: u64,
    pub action: Queued,
    /// The server refused it (an i18n key): it stays, shown, until the member removes it.
    pub error: Option<String>,
    /// The member who wrote it. A phone shared by two members keeps one outbox: each item is
    /// shown and sent only under its writer's session (older items without one are dropped).
    #[serde(default)]
    pub owner: Option<i64>,
}

#[derive(Clone, Copy)]
pub struct Outbox {
    pub items: RwSignal<Vec<QueuedItem>>,
    /// Bumped after each item is sent, so pages reload their data.
    pub sent: RwSignal<u32>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    busy: StoredValue<bool>,
    /// The signed-in member (set once the session is known), whose items this page shows and sends.
    owner: StoredValue<Option<i64>>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEY: &str = "sotay-outbox";

pub fn provide_outbox() {
    // Empty on the server and at hydration (so both agree); filled from storage afterwards.
    provide_context(Outbox {
        items: RwSignal::new(Vec::new()),
        sent: RwSignal::new(0),
        busy: StoredValue::new(false),
        owner: StoredValue::new(None),
    });
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

/// Whether an error means "not sent: no connection" (as opposed to a refusal).
pub fn is_offline_error(e: &AppError) -> bool {
    matches!(e, AppError::Transport(_))
}

impl Outbox {
    pub fn for_meeting(&self, meeting_id: i64) -> Vec<QueuedItem> {
        let owner = self.owner.get_value();
        self.items.with(|items| {
            items
                .iter()
                .filter(|i| {
                    i.action.meeting_id() == meeting_id && i.owner.is_some() && i.owner == owner
                })
                .cloned()
                .collect()
        })
    }

    #[allow(unused_variables)]
    fn save(&self) {
        #[cfg(feature = "hydrate")]
        {
            let json = self
                .items
                .with_untracked(|items| serde_json::to_string(items).unwrap_or_default());
            super::browser::local_set(KEY, &json);
        }
    }

    pub fn push(&self, action: Queued) {
        #[cfg(feature = "hydrate")]
        let id = js_sys::Date::now() as u64;
        #[cfg(not(feature = "hydrate"))]
        let id = 0;
        let owner = self.owner.get_value();
        self.items.update(|items| {
            items.push(QueuedItem {
                id,
                action,
                error: None,
                owner,
            })
        });
        self.save();
    }

    pub fn remove(&self, id: u64) {
        self.items.update(|items| items.retain(|i| i.id != id));
        self.save();
    }

    /// Reads what an earlier visit left, sends it when online, and sends again whenever the
    /// connection returns.
    #[cfg(feature = "hydrate")]
    pub fn load_and_flush(&self, owner: Option<i64>) {
        self.owner.set_value(owner);
        let stored = super::browser::local_get(KEY);
        if let Ok(mut items) = serde_json::from_str::<Vec<QueuedItem>>(&stored) {
            // Items written before outboxes had owners cannot be attributed: never sent.
            items.retain(|i| i.owner.is_some());
            self.items.set(items);
        }
        let this = *self;
        let handle = window_event_listener(leptos::ev::online, move |_| this.flush());
        // Lives as long as the page.
        std::mem::forget(handle);
        self.flush();
    }

    /// Sends waiting items one by one; stops at the first that finds no connection.
    #[cfg(feature = "hydrate")]
    pub fn flush(&self) {
        if self.busy.get_value() || self.owner.get_value().is_none() || !super::browser::is_online()
        {
            return;
        }
        self.busy.set_value(true);
        let this = *self;
        leptos::task::spawn_local(async move {
            let owner = this.owner.get_value();
            let waiting: Vec<QueuedItem> = this
                .items
                .get_untracked()
                .into_iter()
                .filter(|i| i.error.is_none() && owner.is_some() && i.owner == owner)
                .collect();
            for item in waiting {
                let result = match item.action.clone() {
                    Queued::Comment { meeting_id, body } => {
                        crate::meetings::comment(meeting_id, body, 0).await
                    }
                    Queued::Rsvp {
                        meeting_id,
                        answer,
                        reason,
                    } => crate::meetings::rsvp(meeting_id, answer, reason, 0).await,
                };
                match result {
                    Ok(()) => {
                        this.remove(item.id);
                        this.sent.update(|n| *n += 1);
                    }
                    Err(e) if is_offline_error(&e) => break,
                    Err(e) => {
                        let key = match &e {
                            AppError::Invalid(fields) if !fields.is_empty() => {
                                fields[0].key.clone()
                            }
                            other => other.key().to_string(),
                        };
                        this.items.update(|items| {
                            if let Some(i) = items.iter_mut().find(|i| i.id == item.id) {
                                i.error = Some(key);
                            }
                        });
                        this.save();
                    }
                }
            }
            this.busy.set_value(false);
        });
    }
}
