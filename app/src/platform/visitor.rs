//! Who is looking at the page: what every page needs to know about the visitor, loaded once per
//! page load (the accounts feature fills it in; the shared UI and the session frame read it).

use crate::domain::account::Preferences;
use crate::domain::permission::Role;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub tel: String,
    pub deputy: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub role: Role,
    pub org_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// The member's id: the phone's shared outbox sends only this member's items.
    pub member_id: i64,
    pub full_name: String,
    pub org_name: String,
    pub roles: Vec<RoleView>,
    pub is_leader: bool,
    /// May publish documents somewhere (editor or admin).
    pub can_publish: bool,
    pub secretary: Option<Contact>,
    pub offer_simple_mode: bool,
    /// Offer the first-use guide (not yet finished or skipped).
    pub offer_guide: bool,
    pub pending_join_requests: i64,
    /// Unread notifications (the bottom bar's badge).
    pub unread_notifications: i64,
}

/// What every page needs to know about the visitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SessionView {
    pub user: Option<UserView>,
    pub prefs: Preferences,
}
