//! Shared UI: the components every feature's pages use (the page frame, form fields, the call
//! card, switches). It depends on `platform` and `domain` only, never on a feature
//! (scripts/check-layers.sh), so any feature may use it.

pub mod forms;
mod frame;
mod waiting;

pub use frame::*;
pub use waiting::Waiting;
