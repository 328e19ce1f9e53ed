//! The register's public surface: what other features, the command line and the tests read
//! and write of the organisation tree and the members (its SQL stays in `repo`).

pub use super::repo::{
    contents, count_members_in_subtree, delete_register, insert_members, insert_org, is_within,
    member_by_id, member_by_phone, member_history, move_subtree, move_subtree_in, org_by_code,
    org_by_id, subtree, Contents,
};
