//! The first day of a deployment (`sotay init`). On an empty database: the root organisation,
//! its first admin's member record, account and admin grant over the root, and a one-time
//! activation code with which the admin sets a password at `/kich-hoat` — one transaction,
//! audited. A database that already has organisations is refused. When that first code is lost
//! before anyone else can issue one, `sotay init --new-code` issues a fresh one from the console.

use crate::domain::audit::AuditAction;
use crate::domain::org::{parse_org_code, parse_org_name, OrgKind};
use crate::domain::phone::Phone;
use crate::domain::register::{Date, FieldError, Gender, PartyDates};
use crate::platform::audit::{self, AuditEntry};
use crate::platform::clock::{now_unix, today_vn};
use crate::platform::db::Db;
use crate::platform::error::AppError;
use crate::register::{NewMember, NewOrg, Source};
use sqlx::{Any, Connection};

/// `sotay init`'s options as typed. Errors name the option (`org-name`), so the console
/// message says which one to fix.
#[derive(Clone, Debug, Default)]
pub struct InitInput {
    pub org_name: Option<String>,
    pub org_code: Option<String>,
    /// An `OrgKind` code; a province committee when absent.
    pub org_kind: Option<String>,
    pub admin_name: Option<String>,
    pub admin_phone: Option<String>,
    pub admin_member_code: Option<String>,
    pub admin_birth_date: Option<String>,
    pub admin_gender: Option<String>,
    pub admin_joined_date: Option<String>,
    pub admin_official_date: Option<String>,
    pub admin_ethnicity: Option<String>,
}

/// What `init` writes, parsed.
#[derive(Clone, Debug)]
pub struct InitPlan {
    pub org: NewOrg,
    /// The admin's member record (its organisation is the new root).
    pub admin: NewMember,
}

/// What `init` created; `code` is shown once and stored only as a hash.
#[derive(Clone, Debug)]
pub struct Initialized {
    pub org_id: i64,
    pub org_name: String,
    pub member_id: i64,
    pub account_id: i64,
    pub admin_name: String,
    pub phone: String,
    pub code: String,
    pub expires: i64,
}

fn required<'a>(
    v: &'a Option<String>,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a str> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(s),
        None => {
            errors.push(FieldError::new(field, "err_required"));
            None
        }
    }
}

fn date(v: Option<&str>, field: &'static str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let raw = v?;
    match Date::parse(raw) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, "err_date_format"));
            None
        }
    }
}

/// Every rule of the options at once, each error naming its option.
pub fn parse(input: &InitInput, today: Date) -> Result<InitPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let org_name = required(&input.org_name, "org-name", &mut errors).and_then(|n| {
        parse_org_name(n)
            .map_err(|k| errors.push(FieldError::new("org-name", k)))
            .ok()
    });
    let org_code = required(&input.org_code, "org-code", &mut errors).and_then(|c| {
        parse_org_code(c)
            .map_err(|k| errors.push(FieldError::new("org-code", k)))
            .ok()
    });
    let kind = match input
        .org_kind
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Some(OrgKind::Province),
        // A root is a committee: a cell has no one above it to be a root of.
        Some(code) => match OrgKind::from_code(code).filter(|k| !k.is_cell()) {
            Some(k) => Some(k),
            None => {
                errors.push(FieldError::new("org-kind", "err_org_kind"));
                None
            }
        },
    };
    let name = required(&input.admin_name, "admin-name", &mut errors).and_then(|n| {
        parse_org_name(n)
            .map_err(|k| errors.push(FieldError::new("admin-name", k)))
            .ok()
    });
    let phone = required(&input.admin_phone, "admin-phone", &mut errors).and_then(|p| {
        Phone::parse(p)
            .map_err(|e| errors.push(FieldError::new("admin-phone", e.key())))
            .ok()
    });
    let member_code = required(&input.admin_member_code, "admin-member-code", &mut errors)
        .and_then(|c| {
            if c.chars().count() > 40 || c.chars().any(char::is_control) {
                errors.push(FieldError::new("admin-member-code", "err_too_long"));
                None
            } else {
                Some(c.to_string())
            }
        });
    let gender = required(&input.admin_gender, "admin-gender", &mut errors).and_then(|g| {
        Gender::from_code(g).or_else(|| {
            errors.push(FieldError::new("admin-gender", "err_import_gender"));
            None
        })
    });
    let birth = required(&input.admin_birth_date, "admin-birth-date", &mut errors);
    let birth = date(birth, "admin-birth-date", &mut errors);
    let joined = required(&input.admin_joined_date, "admin-joined-date", &mut errors);
    let joined = date(joined, "admin-joined-date", &mut errors);
    let official = date(
        input
            .admin_official_date
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        "admin-official-date",
        &mut errors,
    );
    let dates = match (birth, joined) {
        (Some(b), Some(j)) => PartyDates::parse(b, j, official, None, today)
            .map_err(|e| {
                // The register's rules name its columns; here the options are named.
                errors.extend(
                    e.into_iter()
                        .map(|f| FieldError::new(option_of(&f.field), &f.key)),
                );
            })
            .ok(),
        _ => None,
    };
    let ethnicity = input
        .admin_ethnicity
        .as_deref()
        .map(|e| crate::domain::text::nfc(e.trim()))
        .unwrap_or_default();
    match (
        org_name,
        org_code,
        kind,
        name,
        phone,
        member_code,
        gender,
        dates,
    ) {
        (
            Some(org_name),
            Some(org_code),
            Some(kind),
            Some(full_name),
            Some(phone),
            Some(member_code),
            Some(gender),
            Some(dates),
        ) if errors.is_empty() => Ok(InitPlan {
            org: NewOrg {
                kind,
                name: org_name,
                code: org_code,
                source: Source::Manual,
            },
            admin: NewMember {
                org_id: 0,
                member_code,
                full_name,
                gender,
                ethnicity,
                hometown: None,
                cccd: None,
                phone: Some(phone),
                card_number: None,
                dates,
                exempt_reason: None,
                position: None,
                address: None,
                source: Source::Manual,
            },
        }),
        _ => Err(errors),
    }
}

fn option_of(register_field: &str) -> &'static str {
    match register_field {
        "birth_date" => "admin-birth-date",
        "official_date" => "admin-official-date",
        _ => "admin-joined-date",
    }
}

/// Whether the database holds no organisation yet (then `init` may run).
pub async fn is_empty(db: &Db) -> Result<bool, AppError> {
    let n = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM organizations")
        .fetch_one(db.pool())
        .await?;
    Ok(n == 0)
}

/// Creates the root organisation and its first admin on an empty database. `operator` says
/// who ran it and where (the console user and host), for the audit log.
pub async fn init(db: &Db, plan: InitPlan, operator: &str) -> Result<Initialized, AppError> {
    let now = now_unix();
    let mut conn = db.pool().acquire().await?;
    let mut tx = conn.begin().await?;
    // Two inits at once on PostgreSQL would both see an empty table (SQLite serialises writers).
    if db.dialect() == crate::platform::db::Dialect::Postgres {
        sqlx::query("LOCK TABLE organizations IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let existing = sqlx::query_scalar::<Any, i64>("SELECT COUNT(*) FROM organizations")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Err(AppError::field("database", "err_init_not_empty"));
    }
    let org = crate::register::service::insert_org(&mut tx, None, &plan.org).await?;
    let admin = NewMember {
        org_id: org.id,
        ..plan.admin
    };
    crate::register::service::insert_members(&mut tx, std::slice::from_ref(&admin)).await?;
    let member_id = sqlx::query_scalar::<Any, i64>("SELECT id FROM members WHERE member_code = $1")
        .bind(&admin.member_code)
        .fetch_one(&mut *tx)
        .await?;
    let (account_id, code, expires) =
        crate::accounts::service::bootstrap_admin(&mut tx, member_id, org.id, now).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            target_type: Some(crate::domain::audit::AuditTarget::Organization),
            target_id: Some(org.id),
            org_id: Some(org.id),
            on_behalf_of: Some(member_id),
            detail: Some(format!(
                "{} ({}); admin {} {}",
                org.name, org.code, admin.member_code, admin.full_name
            )),
            ip: Some(operator.to_string()),
            ..AuditEntry::new(AuditAction::Initialized)
        },
    )
    .await?;
    tx.commit().await?;
    drop(conn);
    // The push key now rather than at first start, so `sotay check` finds it.
    crate::notifications::push::keys(db).await?;
    let phone = admin
        .phone
        .as_ref()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    Ok(Initialized {
        org_id: org.id,
        org_name: org.name,
        member_id,
        account_id,
        admin_name: admin.full_name,
        phone,
        code,
        expires,
    })
}

/// A fresh activation code for an admin of a root organisation, named by phone, from the
/// console: the way back in when the first code was lost or expired and no one above can issue
/// one. The account's sessions end when the code is used (as with any reset).
pub async fn new_code(db: &Db, phone: &str, operator: &str) -> Result<Initialized, AppError> {
    let phone = Phone::parse(phone).map_err(|e| AppError::field("admin-phone", e.key()))?;
    let (member_id, name, account_id, org_id, org_name) =
        sqlx::query_as::<Any, (i64, String, i64, i64, String)>(
            "SELECT m.id, m.full_name, a.id, o.id, o.name FROM members m
         JOIN accounts a ON a.member_id = m.id
         JOIN role_grants g ON g.account_id = a.id AND g.role = 'admin'
         JOIN organizations o ON o.id = g.org_id AND o.parent_id IS NULL
         WHERE m.phone = $1",
        )
        .bind(phone.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| AppError::field("admin-phone", "err_init_no_root_admin"))?;
    let now = now_unix();
    let code =
        crate::accounts::service::console_code(db, account_id, member_id, org_id, operator, now)
            .await?;
    Ok(Initialized {
        org_id,
        org_name,
        member_id,
        account_id,
        admin_name: name,
        phone: phone.as_str().to_string(),
        code: code.0,
        expires: code.1,
    })
}

/// Today in Vietnam, for `parse`.
pub fn today() -> Date {
    today_vn()
}
