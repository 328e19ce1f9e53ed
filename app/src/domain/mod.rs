//! Pure domain rules: no I/O, no framework, unit-tested beside the code.
//! Every error here names an i18n key (see `app/locales/*.json`), never a sentence.

pub mod account;
pub mod audit;
pub mod cccd;
pub mod code;
pub mod document;
pub mod evaluation;
#[cfg(feature = "ssr")]
pub mod import;
pub mod import_codes;
pub mod lunar;
pub mod meeting;
#[cfg(feature = "ssr")]
pub mod net;
pub mod notification;
pub mod org;
#[cfg(feature = "ssr")]
pub mod org_import;
pub mod permission;
pub mod phone;
pub mod register;
#[cfg(feature = "ssr")]
pub mod sms;
pub mod statistics;
pub mod task;
#[cfg(feature = "ssr")]
pub mod text;
pub mod upload;
pub mod url;

// Issue #17's fuzz/property targets of the parsers above.
#[cfg(all(test, feature = "ssr"))]
pub(crate) mod properties;
