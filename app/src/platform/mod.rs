//! Shared platform code. Server-only parts (database, errors from the database, clock) are
//! behind the `ssr` feature; layout and i18n helpers compile for both sides.

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "hydrate")]
pub mod browser;
#[cfg(feature = "ssr")]
pub mod cli_text;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
pub mod layout;
pub mod messages;
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod serve;
#[cfg(feature = "ssr")]
pub mod session;
pub mod visitor;
pub mod words;
