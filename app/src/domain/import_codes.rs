//! The import's codes, shared with the browser (the import page shows them); the import's
//! rules are in `domain::import`, which only the server compiles.

use super::code::coded_enum;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// What an import file holds: the member register or the organisation tree.
    ImportKind {
        Members = "members",
        Orgs = "orgs",
    }
);

coded_enum!(
    /// The stages of one import, in order (`Failed` and `Discarded` end it early).
    ImportStage {
        Reading = "reading",
        Mapping = "mapping",
        Checking = "checking",
        Checked = "checked",
        Applying = "applying",
        Applied = "applied",
        Failed = "failed",
        Discarded = "discarded",
    }
);

impl ImportStage {
    /// Whether a background task is working on the job (the page polls while it is).
    pub fn is_running(self) -> bool {
        matches!(
            self,
            ImportStage::Reading | ImportStage::Checking | ImportStage::Applying
        )
    }
}

coded_enum!(
    /// Why a member cannot sign in (the reconciliation report), in the order the report lists
    /// them.
    BlockedReason {
        NoPhone = "no_phone",
        NoAccount = "no_account",
        Pending = "pending",
        NoPassword = "no_password",
        Locked = "locked",
        Rejected = "rejected",
    }
);
