//! The import's steps. Reading, the dry run and applying run as background tasks (a 126,000-row
//! file takes seconds, and the page shows progress meanwhile); the steps' progress lives in
//! this process's memory, their outcome in `import_jobs`.

use super::repo::{self, HeldMember, OrgInfo};
use super::{
    ApplyResult, BlockedReason, ChangedItem, CheckSummary, Column, ExemptionItem, ImportKind,
    ImportStage, InvalidItem, JobView, Overview, ReconcileReport, RowItem, LIST_LIMIT,
};
use crate::domain::audit::AuditAction;
use crate::domain::import::{
    changes, check_mapping, exemption_change, guess_mapping, merged, parse_row, ExemptionChange,
    Field, Held, ImportRow, Mapping, MAX_FILE_BYTES,
};
use crate::domain::org::OrgKind;
use crate::domain::org_import::{self, OrgField, OrgMapping, Placement, TreePlan};
use crate::domain::permission::{may, scopes, Action};
use crate::domain::register::Change;
use crate::domain::register::FieldError;
use crate::platform::audit::{self, AuditEntry};
use crate::platform::clock::{now_unix, today_vn};
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::platform::session::{client_addr, CurrentUser};
use crate::register::{NewMember, Org, Source};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex};

/// Rows done and to do for each job a task of this process is working on.
static PROGRESS: LazyLock<Mutex<HashMap<i64, (u64, u64)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
static STARTED_AT: LazyLock<i64> = LazyLock::new(now_unix);
/// A step that has not finished after this long has died with its process.
const STALE_AFTER_SECONDS: i64 = 600;
const PREVIEW_ROWS: usize = 3;

/// The progress map, even after a task panicked while holding it (the map stays usable).
fn progress_map() -> std::sync::MutexGuard<'static, HashMap<i64, (u64, u64)>> {
    PROGRESS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn set_progress(job: i64, done: u64, total: u64) {
    progress_map().insert(job, (done, total));
}

fn clear_progress(job: i64) {
    progress_map().remove(&job);
}

fn progress(job: i64) -> Option<(u64, u64)> {
    progress_map().get(&job).copied()
}

/// Runs a step to its end: its error, or a panic anywhere in it (caught as the task's
/// `JoinError`), becomes an `AppError`, so the caller always records an end state.
async fn guarded<F>(step: F) -> Result<(), AppError>
where
    F: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
{
    match tokio::spawn(step).await {
        Ok(outcome) => outcome,
        Err(e) => Err(AppError::internal(&format!("import step panicked: {e}"))),
    }
}

/// Starts a background step of job `id`. Whatever happens in it — an error, a bad row that
/// panics — the job ends failed with a message instead of staying "running" for ever; and its
/// progress entry goes in every case, so the page sees the step has ended.
fn spawn_step<F>(db: &Db, id: i64, step: F)
where
    F: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
{
    let db = db.clone();
    tokio::spawn(async move {
        if let Err(e) = guarded(step).await {
            fail(&db, id, e).await;
        }
        clear_progress(id);
    });
}

/// The right a file of this kind needs: members come into the register, organisations change
/// the tree.
fn action_of(kind: ImportKind) -> Action {
    match kind {
        ImportKind::Members => Action::ImportRegister,
        ImportKind::Orgs => Action::ManageTree,
    }
}

fn kind_of(job: &repo::JobRow) -> ImportKind {
    job.kind
}

/// The job, if it is the viewer's and they may still import into its organisation.
async fn own_job(db: &Db, user: &CurrentUser, id: i64) -> Result<(repo::JobRow, Org), AppError> {
    let job = repo::job(db, id).await?;
    if job.account_id != user.actor.account_id {
        return Err(AppError::NotFound);
    }
    let org = crate::register::service::org_by_id(db, job.root_org_id).await?;
    if !may(&user.actor, action_of(kind_of(&job)), &org.path) {
        return Err(AppError::Forbidden);
    }
    Ok((job, org))
}

pub async fn overview(db: &Db, user: &CurrentUser) -> Result<Overview, AppError> {
    let roots = scopes(&user.actor, Action::ImportRegister);
    if roots.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut orgs = Vec::new();
    for root in roots {
        let o = crate::register::service::org_by_id(db, root.id()).await?;
        orgs.push((o.id, o.name));
    }
    Ok(Overview {
        orgs,
        jobs: repo::recent_jobs(db, user.actor.account_id).await?,
    })
}

/// The audit entry of an import step on job `id` by `account`, from `ip`.
fn audit_entry(
    action: AuditAction,
    account: i64,
    id: i64,
    org_id: i64,
    detail: Option<String>,
    ip: Option<String>,
) -> AuditEntry {
    AuditEntry {
        actor_account_id: Some(account),
        target_type: Some(crate::domain::audit::AuditTarget::ImportJob),
        target_id: Some(id),
        org_id: Some(org_id),
        detail,
        ip,
        ..AuditEntry::new(action)
    }
}

/// A file arrives: the job is recorded with the bytes and reading starts in the background.
/// `ip` is the uploader's address (the upload is a plain HTTP handler, not a server function).
pub async fn create_job(
    db: &Db,
    user: &CurrentUser,
    org_id: i64,
    kind: ImportKind,
    file_name: &str,
    bytes: Vec<u8>,
    ip: Option<String>,
) -> Result<i64, AppError> {
    let org = match crate::register::service::org_by_id(db, org_id).await {
        Ok(o) => o,
        Err(AppError::NotFound) => return Err(AppError::Forbidden),
        Err(e) => return Err(e),
    };
    if !may(&user.actor, action_of(kind), &org.path) {
        return Err(AppError::Forbidden);
    }
    if bytes.is_empty() {
        return Err(AppError::field("tep", "err_upload_missing"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::field("tep", "err_import_too_large"));
    }
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let name = if name.trim().is_empty() {
        "tep".to_string()
    } else {
        name
    };
    let mut tx = db.pool().begin().await?;
    let id = repo::insert_job(
        &mut tx,
        kind,
        user.actor.account_id,
        org.id,
        &name,
        &bytes,
        now_unix(),
    )
    .await?;
    let detail = format!("{name} ({} bytes, {})", bytes.len(), kind.code());
    audit::record(
        &mut tx,
        audit_entry(
            AuditAction::ImportUploaded,
            user.actor.account_id,
            id,
            org.id,
            Some(detail),
            ip,
        ),
    )
    .await?;
    tx.commit().await?;
    LazyLock::force(&STARTED_AT);
    set_progress(id, 0, 0);
    let task_db = db.clone();
    spawn_step(db, id, async move {
        read_step(&task_db, id, kind, name, bytes)
            .await
            .map_err(|e| {
                tracing::error!(job = id, error = %e, "import: reading failed");
                AppError::internal(&e)
            })
    });
    Ok(id)
}

async fn read_step(
    db: &Db,
    id: i64,
    kind: ImportKind,
    name: String,
    bytes: Vec<u8>,
) -> Result<(), AppError> {
    let table = tokio::task::spawn_blocking(move || super::file::read(&bytes, &name))
        .await
        .map_err(|e| AppError::internal(&e))?;
    let table = match table {
        Ok(t) => t,
        Err(e) => return repo::set_failed(db, id, e.key, e.line, now_unix()).await,
    };
    let preview: Vec<&Vec<String>> = table
        .rows
        .iter()
        .take(PREVIEW_ROWS)
        .map(|(_, r)| r)
        .collect();
    let mapping: Vec<&str> = match kind {
        ImportKind::Members => guess_mapping(&table.headers)
            .iter()
            .map(|f| f.map(Field::code).unwrap_or(""))
            .collect(),
        ImportKind::Orgs => org_import::guess_mapping(&table.headers)
            .iter()
            .map(|f| f.map(OrgField::code).unwrap_or(""))
            .collect(),
    };
    let json = |v: &dyn erased::Json| v.to_json();
    repo::set_read(
        db,
        id,
        table.encoding.code(),
        &json(&table.headers),
        &json(&preview),
        table.rows.len() as i64,
        &json(&mapping),
        now_unix(),
    )
    .await
}

/// `serde_json` of the few shapes stored in the job row.
mod erased {
    pub trait Json {
        fn to_json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|_| "null".to_string())
        }
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(s: &Option<String>) -> Option<T> {
    s.as_deref().and_then(|s| serde_json::from_str(s).ok())
}

pub async fn job_view(db: &Db, user: &CurrentUser, id: i64) -> Result<JobView, AppError> {
    let (mut job, _) = own_job(db, user, id).await?;
    let running = job.stage.is_running();
    let progress = progress(id);
    // A step with no task behind it died with a previous process (or ran too long): say so.
    if running
        && progress.is_none()
        && (job.updated_at < *STARTED_AT || job.updated_at < now_unix() - STALE_AFTER_SECONDS)
    {
        repo::set_failed(db, id, "err_import_interrupted", None, now_unix()).await?;
        job = repo::job(db, id).await?;
    }
    let headers: Vec<String> = parse_json(&job.headers).unwrap_or_default();
    let preview: Vec<Vec<String>> = parse_json(&job.preview).unwrap_or_default();
    let mapping: Vec<String> = parse_json(&job.mapping).unwrap_or_default();
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, h)| Column {
            header: h.clone(),
            samples: preview
                .iter()
                .filter_map(|r| r.get(i))
                .filter(|v| !v.is_empty())
                .cloned()
                .collect(),
            field: mapping.get(i).filter(|f| !f.is_empty()).cloned(),
        })
        .collect();
    Ok(JobView {
        id: job.id,
        kind: kind_of(&job),
        org_id: job.root_org_id,
        org_name: job.org_name,
        file_name: job.file_name,
        file_size: job.file_size,
        progress: if job.stage.is_running() {
            progress
        } else {
            None
        },
        stage: job.stage,
        encoding: job.encoding,
        error_key: job.error_key,
        error_line: job.error_line,
        row_count: job.row_count.unwrap_or(0),
        columns,
        summary: parse_json(&job.summary),
        result: parse_json(&job.result),
        created: crate::platform::clock::local_time_text(job.created_at),
    })
}

/// `"member_code,,full_name"` → one field (or none) per column; unknown codes are refused.
fn parse_mapping(raw: &str, columns: usize) -> Result<Mapping, AppError> {
    let mut mapping: Mapping = Vec::with_capacity(columns);
    for code in raw.split(',').take(columns) {
        let code = code.trim();
        if code.is_empty() {
            mapping.push(None);
        } else {
            mapping
                .push(Some(Field::from_code(code).ok_or_else(|| {
                    AppError::field("mapping", "err_invalid_value")
                })?));
        }
    }
    mapping.resize(columns, None);
    check_mapping(&mapping).map_err(AppError::Invalid)?;
    Ok(mapping)
}

/// As `parse_mapping`, for a tree file.
fn parse_org_mapping(raw: &str, columns: usize) -> Result<OrgMapping, AppError> {
    let mut mapping: OrgMapping = Vec::with_capacity(columns);
    for code in raw.split(',').take(columns) {
        let code = code.trim();
        mapping.push(if code.is_empty() {
            None
        } else {
            Some(
                OrgField::from_code(code)
                    .ok_or_else(|| AppError::field("mapping", "err_invalid_value"))?,
            )
        });
    }
    mapping.resize(columns, None);
    org_import::check_mapping(&mapping).map_err(AppError::Invalid)?;
    Ok(mapping)
}

/// A checked mapping of either kind of file.
#[derive(Clone)]
enum AnyMapping {
    Members(Mapping),
    Orgs(OrgMapping),
}

impl AnyMapping {
    fn parse(kind: ImportKind, raw: &str, columns: usize) -> Result<AnyMapping, AppError> {
        Ok(match kind {
            ImportKind::Members => AnyMapping::Members(parse_mapping(raw, columns)?),
            ImportKind::Orgs => AnyMapping::Orgs(parse_org_mapping(raw, columns)?),
        })
    }

    fn codes(&self) -> Vec<&'static str> {
        match self {
            AnyMapping::Members(m) => m.iter().map(|f| f.map(Field::code).unwrap_or("")).collect(),
            AnyMapping::Orgs(m) => m
                .iter()
                .map(|f| f.map(OrgField::code).unwrap_or(""))
                .collect(),
        }
    }
}

/// The dry run of either kind: its summary and fingerprint.
async fn check_any(
    db: &Db,
    id: i64,
    org: &Org,
    mapping: &AnyMapping,
) -> Result<(CheckSummary, String), AppError> {
    match mapping {
        AnyMapping::Members(m) => build_plan(db, id, org, m)
            .await
            .map(|p| (p.summary, p.hash)),
        AnyMapping::Orgs(m) => build_tree_plan(db, id, org, m)
            .await
            .map(|p| (p.summary, p.hash)),
    }
}

pub async fn start_check(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    raw_mapping: &str,
) -> Result<(), AppError> {
    let (job, org) = own_job(db, user, id).await?;
    let headers: Vec<String> = parse_json(&job.headers).unwrap_or_default();
    if !matches!(job.stage, ImportStage::Mapping | ImportStage::Checked) {
        return Err(AppError::field("stage", "err_import_stage"));
    }
    let mapping = AnyMapping::parse(kind_of(&job), raw_mapping, headers.len())?;
    let codes = mapping.codes();
    let codes = serde_json::to_string(&codes).unwrap_or_default();
    let mut tx = db.pool().begin().await?;
    repo::set_mapping(&mut tx, id, &codes, now_unix()).await?;
    if !repo::advance(
        &mut tx,
        id,
        &[ImportStage::Mapping, ImportStage::Checked],
        ImportStage::Checking,
        now_unix(),
    )
    .await?
    {
        return Err(AppError::field("stage", "err_import_stage"));
    }
    audit::record(
        &mut tx,
        audit_entry(
            AuditAction::ImportChecked,
            user.actor.account_id,
            id,
            org.id,
            Some(codes),
            client_addr(),
        ),
    )
    .await?;
    // Progress before the new stage is visible: a poll between the two must not take the step
    // for a dead one.
    set_progress(id, 0, job.row_count.unwrap_or(0) as u64 * 2);
    if let Err(e) = tx.commit().await {
        clear_progress(id);
        return Err(e.into());
    }
    let task_db = db.clone();
    spawn_step(db, id, async move {
        let (summary, hash) = check_any(&task_db, id, &org, &mapping).await?;
        repo::set_checked(
            &task_db,
            id,
            &serde_json::to_string(&summary).unwrap_or_default(),
            &hash,
            None,
            now_unix(),
        )
        .await
    });
    Ok(())
}

async fn fail(db: &Db, id: i64, e: AppError) {
    let key = match &e {
        AppError::Invalid(f) if f.iter().any(|f| f.key == "err_duplicate") => "err_import_conflict",
        AppError::Invalid(f) => f.first().map(|f| f.key.as_str()).unwrap_or("err_invalid"),
        other => other.key(),
    };
    tracing::warn!(job = id, error = ?e, "import step failed");
    let _ = repo::set_failed(db, id, key, None, now_unix()).await;
}

/// What applying would write, and the dry run that describes it.
struct Plan {
    inserts: Vec<NewMember>,
    /// Codes of new members the file marks as having no smartphone.
    marked_new: Vec<String>,
    /// (member id, old org id, new org id, merged values)
    updates: Vec<(i64, i64, i64, Held)>,
    unchanged: u32,
    invalid: u32,
    /// (org id, members, exempt) as the file has them.
    org_counts: Vec<(i64, i64, i64)>,
    summary: CheckSummary,
    hash: String,
}

fn cell<'a>(row: &'a [String], mapping: &Mapping, f: Field) -> &'a str {
    mapping
        .iter()
        .position(|m| *m == Some(f))
        .and_then(|i| row.get(i))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// The dry run. Every row is parsed with the register's rules; its organisation must be a live
/// cell inside the job's subtree; a member code, CCCD, phone or card number may belong to one
/// member only (in the file and in the whole register); then each valid row is compared with
/// the member held under that code.
async fn build_plan(db: &Db, job_id: i64, root: &Org, mapping: &Mapping) -> Result<Plan, AppError> {
    let bytes = repo::file(db, job_id).await?;
    let name = repo::job(db, job_id).await?.file_name;
    let table = tokio::task::spawn_blocking(move || super::file::read(&bytes, &name))
        .await
        .map_err(|e| AppError::internal(&e))?;
    let table = table.map_err(|e| AppError::field("file", e.key))?;
    let total = table.rows.len() as u64 * 2;
    let today = today_vn();

    let orgs: HashMap<String, OrgInfo> = repo::subtree_orgs(db, &root.path)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect();
    let org_names: HashMap<i64, String> = orgs.values().map(|o| (o.id, o.name.clone())).collect();
    let held: HashMap<String, HeldMember> = repo::held_members(db, &root.path)
        .await?
        .into_iter()
        .map(|m| (m.code.clone(), m))
        .collect();

    // Pass 1: the rules of one row, and the organisation it names.
    let mut invalid: Vec<InvalidItem> = Vec::new();
    let mut candidates: Vec<(u32, ImportRow, i64)> = Vec::new();
    let mut first_line_of: HashMap<String, u32> = HashMap::new();
    let mut unknown_orgs: HashSet<String> = HashSet::new();
    let mut pending_org: Vec<(u32, ImportRow)> = Vec::new();
    let mut file_codes: HashSet<String> = HashSet::new();
    let mut counts: HashMap<i64, (i64, i64)> = HashMap::new();
    for (n, (line, cells)) in table.rows.iter().enumerate() {
        if n % 2_000 == 0 {
            set_progress(job_id, n as u64, total);
        }
        let code = cell(cells, mapping, Field::MemberCode).to_string();
        let name = cell(cells, mapping, Field::FullName).to_string();
        if !code.is_empty() {
            file_codes.insert(code.clone());
        }
        if let Some(o) = orgs.get(cell(cells, mapping, Field::OrgCode)) {
            let c = counts.entry(o.id).or_default();
            c.0 += 1;
            if !cell(cells, mapping, Field::ExemptSince).is_empty() {
                c.1 += 1;
            }
        }
        let bad = |errors: Vec<FieldError>, other_line: Option<u32>| InvalidItem {
            line: *line,
            code: code.clone(),
            name: name.clone(),
            errors,
            other_line,
        };
        let row = match parse_row(cells, mapping, today) {
            Ok(r) => r,
            Err(errors) => {
                invalid.push(bad(errors, None));
                continue;
            }
        };
        if let Some(first) = first_line_of.get(&row.member_code) {
            invalid.push(bad(
                vec![FieldError::new("member_code", "err_import_duplicate_code")],
                Some(*first),
            ));
            continue;
        }
        first_line_of.insert(row.member_code.clone(), *line);
        match orgs.get(&row.org_code) {
            Some(o) if !o.live => invalid.push(bad(
                vec![FieldError::new("org_code", "err_import_org_dissolved")],
                None,
            )),
            Some(o) if !o.kind.is_cell() => invalid.push(bad(
                vec![FieldError::new("org_code", "err_import_org_not_cell")],
                None,
            )),
            Some(o) => candidates.push((*line, row, o.id)),
            None => {
                unknown_orgs.insert(row.org_code.clone());
                pending_org.push((*line, row));
            }
        }
    }
    // Organisation codes not in the subtree: elsewhere in the register, or nowhere.
    let elsewhere: HashSet<String> =
        repo::known_org_codes(db, &unknown_orgs.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .collect();
    for (line, row) in pending_org {
        let key = if elsewhere.contains(&row.org_code) {
            "err_import_org_outside"
        } else {
            "err_import_org_unknown"
        };
        invalid.push(InvalidItem {
            line,
            code: row.member_code.clone(),
            name: row.full_name.clone(),
            errors: vec![FieldError::new("org_code", key)],
            other_line: None,
        });
    }

    // Member codes held outside the subtree belong to another committee's register.
    let outside_codes: Vec<String> = candidates
        .iter()
        .filter(|(_, r, _)| !held.contains_key(&r.member_code))
        .map(|(_, r, _)| r.member_code.clone())
        .collect();
    let outside: HashSet<String> = repo::holders(db, "member_code", &outside_codes)
        .await?
        .into_iter()
        .map(|(v, _)| v)
        .collect();

    // Unique values: who holds each in the end. Members of the subtree not in the file keep
    // theirs; members elsewhere keep theirs; file rows claim theirs in file order.
    let unique_fields: [(Field, &'static str); 3] = [
        (Field::Cccd, "cccd"),
        (Field::Phone, "phone"),
        (Field::CardNumber, "card_number"),
    ];
    let mut owner: HashMap<(&'static str, String), String> = HashMap::new();
    let candidate_codes: HashSet<&str> = candidates
        .iter()
        .map(|(_, r, _)| r.member_code.as_str())
        .collect();
    for m in held
        .values()
        .filter(|m| !candidate_codes.contains(m.code.as_str()))
    {
        for (col, v) in [
            ("cccd", &m.held.cccd),
            ("phone", &m.held.phone),
            ("card_number", &m.held.card_number),
        ] {
            if let Some(v) = v {
                owner.insert((col, v.clone()), m.code.clone());
            }
        }
    }
    for (_, col) in unique_fields {
        let values: Vec<String> = candidates
            .iter()
            .filter_map(|(_, r, _)| unique_value(r, col))
            .collect();
        for (v, code) in repo::holders(db, col, &values).await? {
            if !held.contains_key(&code) {
                owner.insert((col, v), code);
            }
        }
    }

    // Pass 2: compare with what is held.
    let mut plan = Plan {
        inserts: Vec::new(),
        marked_new: Vec::new(),
        updates: Vec::new(),
        unchanged: 0,
        invalid: 0,
        org_counts: Vec::new(),
        summary: CheckSummary::default(),
        hash: String::new(),
    };
    let mut s = CheckSummary {
        rows: table.rows.len() as u32,
        ..CheckSummary::default()
    };
    let mut hasher = Sha256::new();
    let rows_done = table.rows.len() as u64;
    for (n, (line, row, org_id)) in candidates.into_iter().enumerate() {
        if n % 2_000 == 0 {
            set_progress(job_id, rows_done + n as u64, total);
        }
        let bad = |errors: Vec<FieldError>| InvalidItem {
            line,
            code: row.member_code.clone(),
            name: row.full_name.clone(),
            errors,
            other_line: None,
        };
        if outside.contains(&row.member_code) {
            invalid.push(bad(vec![FieldError::new(
                "member_code",
                "err_import_member_outside",
            )]));
            continue;
        }
        let existing = held.get(&row.member_code);
        let new = match existing {
            Some(m) => merged(&m.held, &row),
            None => merged(&Held::default(), &row),
        };
        let mut errors = Vec::new();
        let mut other_line = None;
        for (field, col) in unique_fields {
            let value = match col {
                "cccd" => &new.cccd,
                "phone" => &new.phone,
                _ => &new.card_number,
            };
            if let Some(v) = value {
                match owner.get(&(col, v.clone())) {
                    Some(holder) if holder != &row.member_code => {
                        let in_file = first_line_of.get(holder).copied();
                        other_line = other_line.or(in_file);
                        errors.push(FieldError::new(
                            field.code(),
                            if in_file.is_some() {
                                "err_import_duplicate_value"
                            } else {
                                "err_import_taken"
                            },
                        ));
                    }
                    _ => {}
                }
            }
        }
        if existing.is_none() && new.ethnicity.trim().is_empty() {
            errors.push(FieldError::new("ethnicity", "err_required"));
        }
        if new
            .official_date
            .as_deref()
            .is_some_and(|o| o < new.joined_date.as_str())
        {
            errors.push(FieldError::new(
                "official_date",
                "err_official_before_joined",
            ));
        }
        if !errors.is_empty() {
            let mut item = bad(errors);
            item.other_line = other_line;
            invalid.push(item);
            continue;
        }
        for (_, col) in unique_fields {
            if let Some(v) = match col {
                "cccd" => &new.cccd,
                "phone" => &new.phone,
                _ => &new.card_number,
            } {
                owner.insert((col, v.clone()), row.member_code.clone());
            }
        }
        if new.exempt_since.is_some() {
            s.file_exempt += 1;
        }
        let org_name = org_names.get(&org_id).cloned().unwrap_or_default();
        match existing {
            None => {
                s.new += 1;
                if s.new_list.len() < LIST_LIMIT {
                    s.new_list.push(RowItem {
                        line,
                        code: row.member_code.clone(),
                        name: row.full_name.clone(),
                        org: org_name,
                    });
                }
                let member = new_member(&row, org_id, &new);
                hasher.update(format!("+{member:?} {}\n", new.no_smartphone).as_bytes());
                if new.no_smartphone {
                    plan.marked_new.push(member.member_code.clone());
                }
                plan.inserts.push(member);
            }
            Some(m) => {
                let diff = changes(&m.held, &new);
                if diff.is_empty() {
                    plan.unchanged += 1;
                    continue;
                }
                if let Some(ex) = exemption_change(&m.held, &new) {
                    if ex == ExemptionChange::Starts {
                        s.exempt_starts += 1;
                    } else {
                        s.exempt_ends += 1;
                    }
                    if s.exemption_list.len() < LIST_LIMIT {
                        s.exemption_list.push(ExemptionItem {
                            line,
                            code: row.member_code.clone(),
                            name: row.full_name.clone(),
                            starts: ex == ExemptionChange::Starts,
                        });
                    }
                }
                s.changed += 1;
                if s.changed_list.len() < LIST_LIMIT {
                    s.changed_list.push(ChangedItem {
                        line,
                        code: row.member_code.clone(),
                        name: m.held.full_name.clone(),
                        changes: diff,
                    });
                }
                hasher.update(format!("~{} {} {:?}\n", m.id, org_id, new).as_bytes());
                plan.updates.push((m.id, m.org_id, org_id, new));
            }
        }
    }
    invalid.sort_by_key(|i| i.line);
    plan.invalid = invalid.len() as u32;
    s.invalid = plan.invalid;
    s.unchanged = plan.unchanged;
    s.invalid_list = invalid.into_iter().take(LIST_LIMIT).collect();
    let mut missing: Vec<&HeldMember> = held
        .values()
        .filter(|m| !file_codes.contains(&m.code))
        .collect();
    missing.sort_by(|a, b| {
        (&a.held.org_code, &a.held.full_name).cmp(&(&b.held.org_code, &b.held.full_name))
    });
    s.missing = missing.len() as u32;
    s.missing_list = missing
        .into_iter()
        .take(LIST_LIMIT)
        .map(|m| RowItem {
            line: 0,
            code: m.code.clone(),
            name: m.held.full_name.clone(),
            org: org_names.get(&m.org_id).cloned().unwrap_or_default(),
        })
        .collect();
    s.app_members = held.len() as u32;
    s.app_exempt = held
        .values()
        .filter(|m| m.held.exempt_since.is_some())
        .count() as u32;
    let mut org_counts: Vec<(i64, i64, i64)> =
        counts.into_iter().map(|(o, (n, e))| (o, n, e)).collect();
    org_counts.sort();
    plan.org_counts = org_counts;
    plan.summary = s;
    plan.hash = format!("{:x}", hasher.finalize());
    set_progress(job_id, total, total);
    Ok(plan)
}

fn unique_value(r: &ImportRow, col: &str) -> Option<String> {
    match col {
        "cccd" => r.cccd.as_ref().map(|c| c.as_str().to_string()),
        "phone" => r.phone.as_ref().map(|p| p.as_str().to_string()),
        _ => r.card_number.clone(),
    }
}

fn new_member(row: &ImportRow, org_id: i64, merged: &Held) -> NewMember {
    NewMember {
        org_id,
        member_code: row.member_code.clone(),
        full_name: row.full_name.clone(),
        gender: row.gender,
        ethnicity: merged.ethnicity.clone(),
        hometown: row.hometown.clone(),
        cccd: row.cccd.clone(),
        phone: row.phone.clone(),
        card_number: row.card_number.clone(),
        dates: row.dates.clone(),
        exempt_reason: row.exempt_reason.clone(),
        position: row.position,
        address: row.address.clone(),
        source: Source::Import,
    }
}

pub async fn start_apply(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    dissolve_missing: bool,
) -> Result<(), AppError> {
    let (job, org) = own_job(db, user, id).await?;
    crate::platform::session::require_recent_verification(user, now_unix())?;
    let mapping: Vec<String> = parse_json(&job.mapping).unwrap_or_default();
    let mapping = AnyMapping::parse(kind_of(&job), &mapping.join(","), mapping.len())?;
    set_progress(id, 0, job.row_count.unwrap_or(0) as u64 * 2);
    if !repo::advance(
        &mut *db.pool().acquire().await?,
        id,
        &[ImportStage::Checked],
        ImportStage::Applying,
        now_unix(),
    )
    .await?
    {
        clear_progress(id);
        return Err(AppError::field("stage", "err_import_stage"));
    }
    let expected = job.plan_hash.unwrap_or_default();
    // The background step has no request: it is audited with this one's account and address.
    let (account, ip) = (user.actor.account_id, client_addr());
    let task_db = db.clone();
    spawn_step(db, id, async move {
        match mapping {
            AnyMapping::Members(m) => {
                apply_step(&task_db, id, &org, &m, &expected, account, ip).await
            }
            AnyMapping::Orgs(m) => {
                apply_tree_step(
                    &task_db,
                    id,
                    &org,
                    &m,
                    &expected,
                    dissolve_missing,
                    account,
                    ip,
                )
                .await
            }
        }
    });
    Ok(())
}

/// Applies in one transaction exactly what the dry run showed; when the register changed in
/// between, nothing is written and the new dry run is shown instead.
async fn apply_step(
    db: &Db,
    id: i64,
    org: &Org,
    mapping: &Mapping,
    expected: &str,
    account: i64,
    ip: Option<String>,
) -> Result<(), AppError> {
    let plan = build_plan(db, id, org, mapping).await?;
    let now = now_unix();
    if plan.hash != expected {
        return repo::set_checked(
            db,
            id,
            &serde_json::to_string(&plan.summary).unwrap_or_default(),
            &plan.hash,
            Some("err_import_stale"),
            now,
        )
        .await;
    }
    let total = (plan.inserts.len() + plan.updates.len()) as u64;
    set_progress(id, 0, total);
    let mut conn = db.pool().acquire().await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let mut done: u64 = 0;
    for chunk in plan.inserts.chunks(2_000) {
        crate::register::service::insert_members(&mut tx, chunk).await?;
        done += chunk.len() as u64;
        set_progress(id, done, total);
    }
    repo::mark_no_smartphone(&mut tx, &plan.marked_new).await?;
    let mut moved = 0;
    for (i, (member, old_org, new_org, values)) in plan.updates.iter().enumerate() {
        repo::update_member(&mut tx, *member, *new_org, values, now).await?;
        if old_org != new_org {
            repo::record_transfer(&mut tx, *member, *old_org, now).await?;
            moved += 1;
        }
        if i % 2_000 == 0 {
            set_progress(id, done + i as u64, total);
        }
    }
    repo::insert_org_counts(&mut tx, id, &plan.org_counts).await?;
    let result = ApplyResult {
        inserted: plan.inserts.len() as u32,
        updated: plan.updates.len() as u32,
        moved,
        unchanged: plan.unchanged,
        skipped: plan.invalid,
        dissolved: 0,
    };
    repo::finish(
        &mut tx,
        id,
        &serde_json::to_string(&result).unwrap_or_default(),
        now,
    )
    .await?;
    let detail = format!(
        "inserted {}, updated {}, moved {}, unchanged {}, skipped {}",
        result.inserted, result.updated, result.moved, result.unchanged, result.skipped
    );
    audit::record(
        &mut tx,
        audit_entry(
            AuditAction::ImportApplied,
            account,
            id,
            org.id,
            Some(detail),
            ip,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A tree file's dry run: the plan, its summary and fingerprint.
struct TreeCheck {
    plan: TreePlan,
    summary: CheckSummary,
    hash: String,
}

/// The tree file against the subtree held (`domain::org_import::plan_tree`).
async fn build_tree_plan(
    db: &Db,
    job_id: i64,
    root: &Org,
    mapping: &OrgMapping,
) -> Result<TreeCheck, AppError> {
    let bytes = repo::file(db, job_id).await?;
    let name = repo::job(db, job_id).await?.file_name;
    let table = tokio::task::spawn_blocking(move || super::file::read(&bytes, &name))
        .await
        .map_err(|e| AppError::internal(&e))?;
    let table = table.map_err(|e| AppError::field("file", e.key))?;
    let total = table.rows.len() as u64;
    let held = repo::held_orgs(db, &root.path).await?;
    let cell = |row: &[String], f: OrgField| {
        mapping
            .iter()
            .position(|m| *m == Some(f))
            .and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    let mut unparsed: Vec<InvalidItem> = Vec::new();
    let mut named: HashSet<String> = HashSet::new();
    for (n, (line, cells)) in table.rows.iter().enumerate() {
        if n % 2_000 == 0 {
            set_progress(job_id, n as u64, total);
        }
        let code = cell(cells, OrgField::Code);
        if !code.is_empty() {
            named.insert(code.clone());
        }
        match org_import::parse_row(cells, mapping) {
            Ok(r) => rows.push((*line, r)),
            Err(errors) => unparsed.push(InvalidItem {
                line: *line,
                code,
                name: cell(cells, OrgField::Name),
                errors,
                other_line: None,
            }),
        }
    }
    // Codes of the file (and parents it names) that are not in the subtree: elsewhere, or nowhere.
    let held_codes: HashSet<&str> = held.iter().map(|h| h.code.as_str()).collect();
    let foreign: Vec<String> = rows
        .iter()
        .flat_map(|(_, r)| std::iter::once(r.code.clone()).chain(r.parent_code.clone()))
        .filter(|c| !held_codes.contains(c.as_str()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let elsewhere: HashSet<String> = repo::known_org_codes(db, &foreign)
        .await?
        .into_iter()
        .collect();
    let plan = org_import::plan_tree(root.id, &held, rows, &named, &elsewhere);
    let name_of: HashMap<&str, &str> = held
        .iter()
        .map(|h| (h.code.as_str(), h.name.as_str()))
        .collect();

    let mut s = CheckSummary {
        rows: table.rows.len() as u32,
        ..CheckSummary::default()
    };
    let mut hasher = Sha256::new();
    for p in &plan.placements {
        hasher.update(format!("{p:?}\n").as_bytes());
        if let Placement::Insert {
            line,
            code,
            name,
            parent_code,
            ..
        } = p
        {
            s.new += 1;
            if s.new_list.len() < LIST_LIMIT {
                s.new_list.push(RowItem {
                    line: *line,
                    code: code.clone(),
                    name: name.clone(),
                    org: parent_code.clone(),
                });
            }
        }
    }
    // One entry per organisation that changes, with each change old → new.
    let mut changed: std::collections::BTreeMap<u32, ChangedItem> =
        std::collections::BTreeMap::new();
    let mut change = |line: u32, code: &str, field: &str, old: &str, new: &str| {
        let item = changed.entry(line).or_insert_with(|| ChangedItem {
            line,
            code: code.to_string(),
            name: name_of.get(code).unwrap_or(&"").to_string(),
            changes: Vec::new(),
        });
        item.changes.push(Change {
            field: field.to_string(),
            old: old.to_string(),
            new: new.to_string(),
        });
    };
    for u in &plan.renames {
        hasher.update(format!("{u:?}\n").as_bytes());
        change(u.line, &u.code, "org_name", &u.old, &u.new);
    }
    for u in &plan.kind_changes {
        hasher.update(format!("kind {u:?}\n").as_bytes());
        change(u.line, &u.code, "org_kind", &u.old, &u.new);
    }
    for p in &plan.placements {
        if let Placement::Move {
            line,
            code,
            parent_code,
            old_parent_code,
            ..
        } = p
        {
            s.moved += 1;
            change(*line, code, "parent_code", old_parent_code, parent_code);
        }
    }
    hasher.update(format!("dissolvable {:?}\n", plan.dissolvable).as_bytes());
    s.changed = changed.len() as u32;
    s.changed_list = changed.into_values().take(LIST_LIMIT).collect();
    s.unchanged = plan.unchanged;
    let mut invalid: Vec<InvalidItem> = unparsed;
    invalid.extend(plan.invalid.iter().map(|r| InvalidItem {
        line: r.line,
        code: r.code.clone(),
        name: r.name.clone(),
        errors: r.errors.clone(),
        other_line: r.other_line,
    }));
    invalid.sort_by_key(|i| i.line);
    s.invalid = invalid.len() as u32;
    s.invalid_list = invalid.into_iter().take(LIST_LIMIT).collect();
    s.missing = plan.missing.len() as u32;
    s.missing_list = plan
        .missing
        .iter()
        .take(LIST_LIMIT)
        .map(|(_, code, name)| RowItem {
            line: 0,
            code: code.clone(),
            name: name.clone(),
            org: String::new(),
        })
        .collect();
    s.dissolvable = plan.dissolvable.len() as u32;
    set_progress(job_id, total, total);
    Ok(TreeCheck {
        plan,
        summary: s,
        hash: format!("{:x}", hasher.finalize()),
    })
}

/// Applies a tree file in one transaction, exactly as its dry run showed (else nothing, and
/// the new dry run is shown): kinds, names, then new and moved organisations parents first,
/// then — only when asked — the missing empty ones dissolved.
#[allow(clippy::too_many_arguments)]
async fn apply_tree_step(
    db: &Db,
    id: i64,
    root: &Org,
    mapping: &OrgMapping,
    expected: &str,
    dissolve_missing: bool,
    account: i64,
    ip: Option<String>,
) -> Result<(), AppError> {
    let check = build_tree_plan(db, id, root, mapping).await?;
    let now = now_unix();
    if check.hash != expected {
        return repo::set_checked(
            db,
            id,
            &serde_json::to_string(&check.summary).unwrap_or_default(),
            &check.hash,
            Some("err_import_stale"),
            now,
        )
        .await;
    }
    let plan = check.plan;
    let total = (plan.placements.len() + plan.renames.len() + plan.kind_changes.len()) as u64;
    set_progress(id, 0, total);
    let mut conn = db.pool().acquire().await?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    for u in &plan.kind_changes {
        let kind = OrgKind::from_code(&u.new).ok_or_else(|| AppError::internal(&"planned kind"))?;
        // Members arrived since the dry run: nothing is written, the new dry run is shown.
        if !repo::set_org_kind(&mut tx, u.id, kind, now).await? {
            drop(tx);
            return repo::set_checked(
                db,
                id,
                &serde_json::to_string(&check.summary).unwrap_or_default(),
                "",
                Some("err_import_stale"),
                now,
            )
            .await;
        }
    }
    for u in &plan.renames {
        repo::rename_org(&mut tx, u.id, &u.new, now).await?;
    }
    // Parents by code: new ones are added as they are made; a move changes paths below it, so
    // the cache is dropped after each.
    let mut parents: HashMap<String, Org> = HashMap::new();
    let (mut inserted, mut moved) = (0u32, 0u32);
    for (n, p) in plan.placements.iter().enumerate() {
        if n % 500 == 0 {
            set_progress(
                id,
                (plan.kind_changes.len() + plan.renames.len() + n) as u64,
                total,
            );
        }
        match p {
            Placement::Insert {
                code,
                name,
                kind,
                parent_code,
                ..
            } => {
                let parent = match parents.get(parent_code) {
                    Some(o) => o.clone(),
                    None => repo::org_in_tx(&mut tx, parent_code).await?,
                };
                let org = crate::register::service::insert_org(
                    &mut tx,
                    Some(&parent),
                    &crate::register::NewOrg {
                        kind: *kind,
                        name: name.clone(),
                        code: code.clone(),
                        source: crate::register::Source::Import,
                    },
                )
                .await?;
                parents.insert(parent_code.clone(), parent);
                parents.insert(code.clone(), org);
                inserted += 1;
            }
            Placement::Move {
                id: org_id,
                code,
                parent_code,
                ..
            } => {
                let org = repo::org_in_tx(&mut tx, code).await?;
                let parent = repo::org_in_tx(&mut tx, parent_code).await?;
                let new_path = org
                    .path
                    .moved_under(&parent.path)
                    .map_err(|e| AppError::internal(&e))?;
                crate::register::service::move_subtree_in(
                    &mut tx, &org.path, *org_id, &new_path, parent.id, now,
                )
                .await?;
                parents.clear();
                moved += 1;
            }
        }
    }
    let mut dissolved = 0u32;
    if dissolve_missing {
        for org_id in &plan.dissolvable {
            // One that is no longer empty (members imported meanwhile) stays.
            if repo::dissolve_org(&mut tx, *org_id, now).await? {
                dissolved += 1;
            }
        }
    }
    let updated = check.summary.changed;
    let result = ApplyResult {
        inserted,
        updated,
        moved,
        unchanged: plan.unchanged,
        skipped: check.summary.invalid,
        dissolved,
    };
    repo::finish(
        &mut tx,
        id,
        &serde_json::to_string(&result).unwrap_or_default(),
        now,
    )
    .await?;
    let detail = format!(
        "inserted {inserted}, renamed {}, kind changed {}, moved {moved}, dissolved {dissolved}, unchanged {}, skipped {}",
        plan.renames.len(),
        plan.kind_changes.len(),
        result.unchanged,
        result.skipped
    );
    audit::record(
        &mut tx,
        audit_entry(
            AuditAction::OrgImportApplied,
            account,
            id,
            root.id,
            Some(detail),
            ip,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn discard(db: &Db, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let (job, org) = own_job(db, user, id).await?;
    if job.stage.is_running() || job.stage == ImportStage::Applied {
        return Err(AppError::field("stage", "err_import_stage"));
    }
    let mut tx = db.pool().begin().await?;
    repo::discard(&mut tx, id, now_unix()).await?;
    audit::record(
        &mut tx,
        audit_entry(
            AuditAction::ImportDiscarded,
            user.actor.account_id,
            id,
            org.id,
            None,
            client_addr(),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reconciliation(
    db: &Db,
    user: &CurrentUser,
    org: i64,
) -> Result<ReconcileReport, AppError> {
    let roots = scopes(&user.actor, Action::Reconcile);
    let Some(first) = roots.first() else {
        return Err(AppError::Forbidden);
    };
    let id = if org > 0 { org } else { first.id() };
    let o = crate::register::service::org_by_id(db, id).await?;
    let Some(scope) = roots.iter().find(|s| s.contains(&o.path)) else {
        return Err(AppError::Forbidden);
    };
    let (members, _) = repo::app_counts(db, &o.path).await?;
    let mut counts = repo::blocked_counts(db, &o.path).await?;
    counts.sort_by_key(|(r, _)| {
        BlockedReason::ALL
            .iter()
            .position(|x| x == r)
            .unwrap_or(usize::MAX)
    });
    let blocked_total = counts.iter().map(|(_, n)| n).sum();
    let blocked = repo::blocked(db, &o.path, LIST_LIMIT as i64).await?;
    // Exemptions per live child organisation (or the cell itself).
    let mut children: Vec<(i64, String, crate::domain::org::OrgPath)> = Vec::new();
    let rows: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, name, path FROM organizations WHERE parent_id = $1 AND dissolved_at IS NULL ORDER BY name")
        .bind(o.id)
        .fetch_all(db.pool())
        .await?;
    for (cid, name, path) in rows {
        if let Ok(p) = crate::domain::org::OrgPath::parse(&path) {
            children.push((cid, name, p));
        }
    }
    if children.is_empty() {
        children.push((o.id, o.name.clone(), o.path.clone()));
    }
    let mut exemptions = Vec::new();
    let mut imported_at = None;
    for (cid, name, path) in children {
        let (app_members, app_exempt) = repo::app_counts(db, &path).await?;
        let file = repo::file_counts(db, &path).await?;
        if let Some((_, _, at)) = file {
            imported_at = imported_at.max(Some(at));
        }
        exemptions.push(super::ExemptionRow {
            org_id: cid,
            org_name: name,
            app_members,
            app_exempt,
            file_members: file.map(|f| f.0),
            file_exempt: file.map(|f| f.1),
        });
    }
    let parent = o.parent_id.filter(|_| &o.path != scope);
    Ok(ReconcileReport {
        org_id: o.id,
        org_name: o.name,
        members,
        counts,
        blocked,
        blocked_total,
        exemptions,
        imported_at: imported_at.map(crate::platform::clock::local_time_text),
        parent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #17: a step that panics (a bad row the rules did not foresee) ends as an error the
    /// job is failed with, instead of leaving it "running" for ever.
    #[tokio::test]
    async fn a_panicking_step_ends_as_an_internal_error() {
        let outcome = guarded(async { panic!("a row nobody foresaw") }).await;
        assert!(
            matches!(outcome, Err(AppError::Internal { .. })),
            "{outcome:?}"
        );
        assert_eq!(outcome.unwrap_err().key(), "err_internal");
        assert!(guarded(async { Ok(()) }).await.is_ok());
        let refused = guarded(async { Err(AppError::field("file", "err_import_not_xlsx")) }).await;
        assert!(
            matches!(refused, Err(AppError::Invalid(_))),
            "an error keeps its own message"
        );
    }

    /// A task that panicked while holding the progress map does not break every later import.
    #[test]
    fn progress_survives_a_poisoned_lock() {
        let _ = std::thread::spawn(|| {
            let _guard = PROGRESS.lock().unwrap();
            panic!("poison the progress lock");
        })
        .join();
        set_progress(-17, 1, 2);
        assert_eq!(progress(-17), Some((1, 2)));
        clear_progress(-17);
        assert_eq!(progress(-17), None);
    }
}
