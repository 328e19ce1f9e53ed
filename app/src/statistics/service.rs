//! What the server uses of statistics (the SQL stays in `repo`): the nightly snapshot.

pub use super::repo::snapshot;
