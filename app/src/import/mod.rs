//! Register import (`/quan-tri/nhap-du-lieu`) and the reconciliation report
//! (`/quan-tri/doi-soat`). An admin uploads an export of the national database — the
//! organisation tree first (`ImportKind::Orgs`), then the members; the
//! file is read in the background (`file`), its columns mapped (guessed from the Vietnamese
//! headers), and a dry run lists new members, changes old → new, members missing from the file,
//! rows that fail and exemption changes — before anything is written. Applying runs one
//! transaction and refuses when the register changed since the dry run; re-applying the same
//! file finds nothing to change. Everything stays inside the admin's subtree.

#[cfg(feature = "ssr")]
pub mod file;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::register::{Change, FieldError};
use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::import_codes::{BlockedReason, ImportKind, ImportStage};

/// How many of each list the dry run keeps to show (the counts are always complete).
pub const LIST_LIMIT: usize = 300;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub header: String,
    /// The first few values, to recognise the column by.
    pub samples: Vec<String>,
    /// The field's code it is mapped to (the admin's choice, else the guess).
    pub field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowItem {
    pub line: u32,
    pub code: String,
    pub name: String,
    pub org: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedItem {
    pub line: u32,
    pub code: String,
    pub name: String,
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidItem {
    pub line: u32,
    /// The member code as written (may be empty).
    pub code: String,
    pub name: String,
    pub errors: Vec<FieldError>,
    /// The other line of a duplicate.
    pub other_line: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionItem {
    pub line: u32,
    pub code: String,
    pub name: String,
    pub starts: bool,
}

/// The dry run: what applying would do, and what it would leave alone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub rows: u32,
    pub new: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub invalid: u32,
    pub missing: u32,
    pub exempt_starts: u32,
    pub exempt_ends: u32,
    /// Exempt members according to the file (valid rows) and according to the app now.
    pub file_exempt: u32,
    pub app_exempt: u32,
    pub app_members: u32,
    pub new_list: Vec<RowItem>,
    pub changed_list: Vec<ChangedItem>,
    pub invalid_list: Vec<InvalidItem>,
    pub missing_list: Vec<RowItem>,
    pub exemption_list: Vec<ExemptionItem>,
    /// Tree files: organisations moved under another parent (counted in `changed`), and the
    /// missing ones that could be dissolved on request (empty, nothing left under them).
    #[serde(default)]
    pub moved: u32,
    #[serde(default)]
    pub dissolvable: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyResult {
    pub inserted: u32,
    pub updated: u32,
    pub moved: u32,
    pub unchanged: u32,
    pub skipped: u32,
    /// Tree files: missing organisations dissolved on request.
    #[serde(default)]
    pub dissolved: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: i64,
    pub kind: ImportKind,
    pub org_id: i64,
    pub org_name: String,
    pub file_name: String,
    pub file_size: i64,
    pub stage: ImportStage,
    pub encoding: Option<String>,
    pub error_key: Option<String>,
    pub error_line: Option<i64>,
    /// Rows done and rows to do, while a background task works on the job.
    pub progress: Option<(u64, u64)>,
    pub row_count: i64,
    pub columns: Vec<Column>,
    pub summary: Option<CheckSummary>,
    pub result: Option<ApplyResult>,
    pub created: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobListItem {
    pub id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub org_name: String,
    pub stage: ImportStage,
    pub created: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// Organisations the viewer may import into (their scopes' roots).
    pub orgs: Vec<(i64, String)>,
    pub jobs: Vec<JobListItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct BlockedMember {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(rename = "full_name"))]
    pub name: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "member_code"))]
    pub code: String,
    #[cfg_attr(feature = "ssr", sqlx(rename = "org_name"))]
    pub org: String,
    pub phone: Option<String>,
    pub reason: BlockedReason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionRow {
    pub org_id: i64,
    pub org_name: String,
    pub app_members: i64,
    pub app_exempt: i64,
    /// From the last applied import covering this organisation (None: never imported).
    pub file_members: Option<i64>,
    pub file_exempt: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileReport {
    pub org_id: i64,
    pub org_name: String,
    pub members: i64,
    /// (reason, count) for every reason with at least one member.
    pub counts: Vec<(BlockedReason, i64)>,
    pub blocked: Vec<BlockedMember>,
    /// How many blocked members there are in all (the list stops at `LIST_LIMIT`).
    pub blocked_total: i64,
    pub exemptions: Vec<ExemptionRow>,
    /// When the register file behind `file_*` was applied.
    pub imported_at: Option<String>,
    /// Child organisations to drill into, and the way back up inside the viewer's scope.
    pub parent: Option<i64>,
}

#[server(prefix = "/api", endpoint = "import_overview")]
pub async fn import_overview() -> Result<Overview, AppError> {
    crate::platform::serve::signed_in(
        move |user, db| async move { service::overview(&db, &user).await },
    )
    .await
}

#[server(prefix = "/api", endpoint = "import_job")]
pub async fn import_job(id: i64) -> Result<JobView, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::job_view(&db, &user, id).await
    })
    .await
}

/// Starts the dry run with a mapping: one field code (or nothing) per column, comma-separated
/// in column order.
#[server(prefix = "/api", endpoint = "check_import")]
pub async fn check_import(id: i64, mapping: String) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::start_check(&db, &user, id, &mapping).await
    })
    .await
}

/// Applies the dry run; for a tree file, `dissolve_missing` also dissolves the organisations
/// the file no longer names that are empty (never deleted).
#[server(prefix = "/api", endpoint = "apply_import")]
pub async fn apply_import(
    id: i64,
    #[server(default)] dissolve_missing: bool,
) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::start_apply(&db, &user, id, dissolve_missing).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "discard_import")]
pub async fn discard_import(id: i64) -> Result<(), AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::discard(&db, &user, id).await
    })
    .await
}

/// The reconciliation report of `org` (0 = the top of the viewer's scope).
#[server(prefix = "/api", endpoint = "reconciliation")]
pub async fn reconciliation(#[server(default)] org: i64) -> Result<ReconcileReport, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        service::reconciliation(&db, &user, org).await
    })
    .await
}
