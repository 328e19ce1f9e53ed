//! Integration tests: the real app against fresh SQLite and PostgreSQL databases, over HTTP.
//! One test binary (linked once), one module per area.
// Rows read back as tuples and stub handlers' extractors are spelled out where they are used.
#![allow(clippy::type_complexity)]

#[macro_use]
mod common;
mod accounts;
mod admin;
mod audit;
mod cli;
mod documents;
mod first_day;
mod http;
mod import;
mod meetings;
mod notifications;
mod push;
mod register;
mod schema;
mod sms;
mod statistics;
mod trust;
