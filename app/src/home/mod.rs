//! The home page: a welcome for visitors; for members their cell, whom to call, their roles,
//! reading reminders and (for leaders) waiting join requests; or the simplified home.
pub mod pages;
