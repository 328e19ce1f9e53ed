//! What other features use of documents (the SQL stays in `repo`).

pub use super::repo::bookmarked_ids;
