//! What a member sends without a connection waits here (in the phone's local storage, so
//! closing the app loses nothing) and goes when the connection returns. The outbox knows
//! nothing of what it carries: each feature registers the kinds it queues ([`Kind`]: how to
//! send one, which page shows it waiting, how to describe it), once, at start (`crate::App`).

use crate::i18n::Locale;
use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

/// Sending one queued item.
pub type Sending = Pin<Box<dyn Future<Output = Result<(), AppError>>>>;

/// A kind of item a feature queues. `name` is stored on phones with each item: never rename it.
#[derive(Clone, Copy)]
pub struct Kind {
    pub name: &'static str,
    /// Sends the item (its payload, the JSON the feature queued).
    pub send: fn(&str) -> Sending,
    /// Which page shows the item waiting (`meeting:12`), or `None` when the payload is unreadable.
    pub topic: fn(&str) -> Option<String>,
    /// The item in words, for the list of what is waiting.
    pub describe: fn(&str, Locale) -> String,
}

/// One waiting item. Stored as `{"id", "action": {<kind>: <payload>}, "error", "owner"}`, the
/// outbox's first format, so items a phone kept across an upgrade are still sent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QueuedItem {
    pub id: u64,
    action: BTreeMap<String, Box<RawValue>>,
    /// The server refused it (an i18n key): it stays, shown, until the member removes it.
    pub error: Option<String>,
    /// The member who wrote it. A phone shared by two members keeps one outbox: each item is
    /// shown and sent only under its writer's session (older items without one are dropped).
    #[serde(default)]
    pub owner: Option<i64>,
}

impl QueuedItem {
    /// The item's kind and payload.
    pub fn parts(&self) -> Option<(&str, &str)> {
        self.action
            .iter()
            .next()
            .map(|(kind, payload)| (kind.as_str(), payload.get()))
    }
}

#[derive(Clone, Copy)]
pub struct Outbox {
    pub items: RwSignal<Vec<QueuedItem>>,
    /// Bumped after each item is sent, so pages reload their data.
    pub sent: RwSignal<u32>,
    kinds: StoredValue<Vec<Kind>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    busy: StoredValue<bool>,
    /// The signed-in member (set once the session is known), whose items this page shows and sends.
    owner: StoredValue<Option<i64>>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const KEY: &str = "sotay-outbox";

/// Provides the outbox with the kinds the features queue.
pub fn provide_outbox(kinds: Vec<Kind>) {
    // Empty on the server and at hydration (so both agree); filled from storage afterwards.
    provide_context(Outbox {
        items: RwSignal::new(Vec::new()),
        sent: RwSignal::new(0),
        kinds: StoredValue::new(kinds),
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
    fn kind(&self, name: &str) -> Option<Kind> {
        self.kinds
            .with_value(|kinds| kinds.iter().find(|k| k.name == name).copied())
    }

    /// The member's waiting items shown on one page (`topic`), each with its description.
    pub fn for_topic(&self, topic: &str, locale: Locale) -> Vec<(QueuedItem, String)> {
        let owner = self.owner.get_value();
        self.items.with(|items| {
            items
                .iter()
                .filter(|i| i.owner.is_some() && i.owner == owner)
                .filter_map(|i| {
                    let (name, payload) = i.parts()?;
                    let kind = self.kind(name)?;
                    ((kind.topic)(payload).as_deref() == Some(topic))
                        .then(|| (i.clone(), (kind.describe)(payload, locale)))
                })
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

    /// Queues an item of a registered kind; `payload` is what its `send` takes.
    pub fn push(&self, kind: &'static str, payload: &impl Serialize) {
        let Some(raw) = serde_json::to_string(payload)
            .ok()
            .and_then(|json| RawValue::from_string(json).ok())
        else {
            return;
        };
        #[cfg(feature = "hydrate")]
        let id = js_sys::Date::now() as u64;
        #[cfg(not(feature = "hydrate"))]
        let id = 0;
        let owner = self.owner.get_value();
        self.items.update(|items| {
            items.push(QueuedItem {
                id,
                action: BTreeMap::from([(kind.to_string(), raw)]),
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
                // A kind no feature registers (any more) waits, shown nowhere, never sent.
                let Some((kind, payload)) = item
                    .parts()
                    .and_then(|(name, payload)| Some((this.kind(name)?, payload.to_string())))
                else {
                    continue;
                };
                match (kind.send)(&payload).await {
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

#[cfg(test)]
mod tests {
    use super::QueuedItem;

    #[test]
    fn items_kept_in_the_first_format_are_read() {
        let stored = r#"[{"id":1,"action":{"Comment":{"meeting_id":3,"body":"Đồng ý"}},"error":null,"owner":7},
            {"id":2,"action":{"Rsvp":{"meeting_id":3,"answer":"xin_vang","reason":"ốm"}},"error":"err_x","owner":7}]"#;
        let items: Vec<QueuedItem> = serde_json::from_str(stored).unwrap();
        assert_eq!(
            items[0].parts(),
            Some(("Comment", r#"{"meeting_id":3,"body":"Đồng ý"}"#))
        );
        assert_eq!(items[1].parts().map(|p| p.0), Some("Rsvp"));
        assert_eq!(items[1].error.as_deref(), Some("err_x"));
        // Written back in the same shape.
        let again: Vec<QueuedItem> =
            serde_json::from_str(&serde_json::to_string(&items).unwrap()).unwrap();
        assert_eq!(again[0].parts(), items[0].parts());
    }
}
