//! What other features use of notifications: telling members and organisations, and a
//! member's unread count (the SQL stays in `repo`).

pub use super::repo::{notify_members, notify_org, unread_count};
