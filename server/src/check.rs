//! `sotay check`: is this configuration and this machine ready for production? Each check
//! reports what it found in the operator's language, and what to do about a problem; warnings
//! do not fail the run. Nothing is changed: the database is not migrated, and the only file
//! written is a probe in the upload folder (created if missing, as the server would), removed
//! at once.

use crate::Config;
use app::domain::net::TrustedProxies;
use app::i18n::Locale;
use app::platform::cli_text::{cli_text, CliText};
use app::platform::db::{sqlite_file, Db};
use std::path::{Path, PathBuf};

/// Everything the checks read, so tests can hand in a broken configuration.
#[derive(Clone, Debug)]
pub struct CheckEnv {
    pub database_url: String,
    pub public_url: Option<String>,
    pub trusted_proxies: String,
    /// The address the server listens on (`LEPTOS_SITE_ADDR`).
    pub site_addr: String,
    pub site_root: PathBuf,
    pub pkg_dir: String,
    pub output_name: String,
    /// The hash file next to the binary, when file hashing is on.
    pub hash_file: Option<PathBuf>,
    pub upload_dir: PathBuf,
    pub push_contact: Option<String>,
}

impl CheckEnv {
    /// The environment `sotay serve` would run with.
    pub fn from_env(config: &Config) -> CheckEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let hash_files = var("LEPTOS_HASH_FILES").is_some_and(|v| v == "true");
        let hash_file = hash_files.then(|| {
            let dir = std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .unwrap_or_default();
            dir.join(var("LEPTOS_HASH_FILE_NAME").unwrap_or_else(|| "hash.txt".to_string()))
        });
        CheckEnv {
            database_url: config.database_url.clone(),
            public_url: var("SOTAY_PUBLIC_URL"),
            trusted_proxies: config.trusted_proxies.clone(),
            site_addr: var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_string()),
            site_root: PathBuf::from(
                var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_string()),
            ),
            pkg_dir: var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".to_string()),
            output_name: var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "sotay".to_string()),
            hash_file,
            upload_dir: app::documents::attachments::upload_dir(),
            push_contact: var("SOTAY_PUSH_CONTACT"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Warning,
    Problem,
}

/// One thing found: how bad, the message, and a detail (a path, a version, an error).
#[derive(Clone, Debug)]
pub struct Finding {
    pub verdict: Verdict,
    pub text: CliText,
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    fn add(&mut self, verdict: Verdict, text: CliText, detail: Option<String>) {
        self.findings.push(Finding {
            verdict,
            text,
            detail,
        });
    }

    pub fn passed(&self) -> bool {
        !self.findings.iter().any(|f| f.verdict == Verdict::Problem)
    }

    /// Whether the report names `text` with `verdict` (tests).
    pub fn has(&self, verdict: Verdict, text: CliText) -> bool {
        self.findings.iter().any(|f| {
            f.verdict == verdict && std::mem::discriminant(&f.text) == std::mem::discriminant(&text)
        })
    }

    pub fn render(&self, locale: Locale) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let label = match f.verdict {
                Verdict::Ok => CliText::ChkLabelOk,
                Verdict::Warning => CliText::ChkLabelWarning,
                Verdict::Problem => CliText::ChkLabelProblem,
            };
            out.push_str(&format!(
                "[{}] {}",
                cli_text(label, locale),
                cli_text(f.text, locale)
            ));
            if let Some(d) = &f.detail {
                out.push_str(&format!(" ({d})"));
            }
            out.push('\n');
        }
        let problems = self
            .findings
            .iter()
            .filter(|f| f.verdict == Verdict::Problem)
            .count();
        let warnings = self
            .findings
            .iter()
            .filter(|f| f.verdict == Verdict::Warning)
            .count();
        out.push_str(&format!(
            "{}: {problems} · {}: {warnings}\n",
            cli_text(CliText::ChkProblems, locale),
            cli_text(CliText::ChkWarnings, locale)
        ));
        out
    }
}

pub async fn run(config: &Config) -> Report {
    run_with(&CheckEnv::from_env(config)).await
}

pub async fn run_with(env: &CheckEnv) -> Report {
    let mut r = Report::default();
    check_database(env, &mut r).await;
    check_public_url(env, &mut r);
    check_site(env, &mut r);
    check_uploads(env, &mut r);
    r
}

async fn check_database(env: &CheckEnv, r: &mut Report) {
    // `Db::connect` would create a missing SQLite file: an empty database is not the one meant.
    if let Some(file) = sqlite_file(&env.database_url) {
        if !file.is_file() {
            r.add(
                Verdict::Problem,
                CliText::ChkDbMissingFile,
                Some(file.display().to_string()),
            );
            return;
        }
    }
    let db = match Db::connect(&env.database_url, Some(2)).await {
        Ok(db) => db,
        Err(e) => {
            r.add(
                Verdict::Problem,
                CliText::ChkDbUnreachable,
                Some(format!("{}: {e}", crate::redact(&env.database_url))),
            );
            return;
        }
    };
    if let Err(e) = db.ping().await {
        r.add(
            Verdict::Problem,
            CliText::ChkDbUnreachable,
            Some(format!("{}: {e}", crate::redact(&env.database_url))),
        );
        return;
    }
    r.add(
        Verdict::Ok,
        CliText::ChkDbOk,
        Some(crate::redact(&env.database_url)),
    );
    let versions = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let migrated = match db.migration_state().await {
        Err(e) => {
            r.add(
                Verdict::Problem,
                CliText::ChkDbUnreachable,
                Some(e.to_string()),
            );
            false
        }
        Ok(s) => {
            if !s.unknown.is_empty() {
                r.add(
                    Verdict::Problem,
                    CliText::ChkMigrationsUnknown,
                    Some(versions(&s.unknown)),
                );
            }
            if !s.modified.is_empty() {
                r.add(
                    Verdict::Problem,
                    CliText::ChkMigrationsModified,
                    Some(versions(&s.modified)),
                );
            }
            if !s.pending.is_empty() {
                r.add(
                    Verdict::Problem,
                    CliText::ChkMigrationsPending,
                    Some(versions(&s.pending)),
                );
            }
            if s == Default::default() {
                r.add(Verdict::Ok, CliText::ChkMigrationsOk, None);
            }
            s.pending.is_empty() && s.modified.is_empty()
        }
    };
    if migrated {
        let count = |sql: &'static str| {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<sqlx::Any, i64>(sql)
                    .fetch_one(db.pool())
                    .await
                    .unwrap_or(0)
            }
        };
        let roots = count("SELECT COUNT(*) FROM organizations WHERE parent_id IS NULL").await;
        let admins = count("SELECT COUNT(*) FROM role_grants g JOIN organizations o ON o.id = g.org_id WHERE g.role = 'admin' AND o.parent_id IS NULL").await;
        if roots > 0 && admins > 0 {
            r.add(Verdict::Ok, CliText::ChkInitOk, None);
        } else {
            r.add(Verdict::Problem, CliText::ChkInitMissing, None);
        }
        match sqlx::query("SELECT value FROM server_keys WHERE name = 'vapid_private_key'")
            .fetch_optional(db.pool())
            .await
        {
            Ok(Some(_)) => r.add(Verdict::Ok, CliText::ChkPushOk, None),
            _ => r.add(Verdict::Problem, CliText::ChkPushMissing, None),
        }
    }
    db.close().await;
}

fn check_public_url(env: &CheckEnv, r: &mut Report) {
    let https = match env.public_url.as_deref() {
        None => {
            r.add(Verdict::Problem, CliText::ChkUrlMissing, None);
            false
        }
        Some(u) if u.starts_with("https://") && u.len() > "https://".len() => {
            r.add(Verdict::Ok, CliText::ChkUrlOk, Some(u.to_string()));
            true
        }
        Some(u) => {
            r.add(
                Verdict::Problem,
                CliText::ChkUrlNotHttps,
                Some(u.to_string()),
            );
            false
        }
    };
    // The app speaks plain HTTP: with an https address, or listening on loopback only, a
    // reverse proxy is in front and must be named, or every client has the proxy's address.
    let loopback = env
        .site_addr
        .parse::<std::net::SocketAddr>()
        .map(|a| a.ip().is_loopback())
        .unwrap_or(false);
    match TrustedProxies::parse(&env.trusted_proxies) {
        Err(entry) => r.add(Verdict::Problem, CliText::ChkProxiesBad, Some(entry)),
        Ok(_) if env.trusted_proxies.trim().is_empty() && (https || loopback) => {
            r.add(Verdict::Problem, CliText::ChkProxiesMissing, None)
        }
        Ok(_) if env.trusted_proxies.trim().is_empty() => r.add(
            Verdict::Warning,
            CliText::ChkProxiesNone,
            Some(env.site_addr.clone()),
        ),
        Ok(_) => r.add(
            Verdict::Ok,
            CliText::ChkProxiesOk,
            Some(env.trusted_proxies.clone()),
        ),
    }
    match env.push_contact.as_deref() {
        Some(c) if c.starts_with("mailto:") || c.starts_with("https://") => {}
        other => r.add(
            Verdict::Warning,
            CliText::ChkPushContact,
            other.map(str::to_string),
        ),
    }
}

/// The page loads the script, wasm and style named by the hash file: every one must exist in
/// the site folder, or every page breaks (a missing hash file even stops rendering).
fn check_site(env: &CheckEnv, r: &mut Report) {
    let pkg = env.site_root.join(&env.pkg_dir);
    if !pkg.is_dir() {
        r.add(
            Verdict::Problem,
            CliText::ChkSiteMissing,
            Some(pkg.display().to_string()),
        );
        return;
    }
    let name = &env.output_name;
    let expected: Vec<PathBuf> = match &env.hash_file {
        None => vec![
            pkg.join(format!("{name}.js")),
            pkg.join(format!("{name}.wasm")),
            pkg.join(format!("{name}.css")),
        ],
        Some(hash_file) => {
            let Ok(text) = std::fs::read_to_string(hash_file) else {
                r.add(
                    Verdict::Problem,
                    CliText::ChkHashMissing,
                    Some(hash_file.display().to_string()),
                );
                return;
            };
            let hash = |kind: &str| {
                text.lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(k, _)| k.trim() == kind)
                    .map(|(_, h)| h.trim().to_string())
            };
            let mut files = Vec::new();
            for (kind, file) in [
                ("js", format!("{name}.{{}}.js")),
                ("wasm", format!("{name}.{{}}.wasm")),
                ("css", format!("{name}.{{}}.css")),
                ("split", "__wasm_split.{}.js".to_string()),
                ("manifest", "__wasm_split_manifest.{}.json".to_string()),
            ] {
                match hash(kind) {
                    Some(h) => files.push(pkg.join(file.replace("{}", &h))),
                    // The split files exist only in split builds; the three others always.
                    None if matches!(kind, "split" | "manifest") => {}
                    None => {
                        r.add(
                            Verdict::Problem,
                            CliText::ChkHashMismatch,
                            Some(format!("{}: {kind}", hash_file.display())),
                        );
                        return;
                    }
                }
            }
            files
        }
    };
    let missing: Vec<String> = expected
        .iter()
        .filter(|p| !p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        r.add(
            Verdict::Ok,
            CliText::ChkSiteOk,
            Some(env.site_root.display().to_string()),
        );
    } else if env.hash_file.is_some() {
        r.add(
            Verdict::Problem,
            CliText::ChkHashMismatch,
            Some(missing.join(", ")),
        );
    } else {
        r.add(
            Verdict::Problem,
            CliText::ChkSiteMissing,
            Some(missing.join(", ")),
        );
    }
}

fn check_uploads(env: &CheckEnv, r: &mut Report) {
    let probe = env
        .upload_dir
        .join(format!(".sotay-check-{}", std::process::id()));
    let outcome = std::fs::create_dir_all(&env.upload_dir)
        .and_then(|_| std::fs::write(&probe, b"ok"))
        .and_then(|_| std::fs::remove_file(&probe));
    match outcome {
        Ok(()) => r.add(
            Verdict::Ok,
            CliText::ChkUploadsOk,
            Some(env.upload_dir.display().to_string()),
        ),
        Err(e) => r.add(
            Verdict::Problem,
            CliText::ChkUploadsBad,
            Some(format!("{}: {e}", env.upload_dir.display())),
        ),
    }
}
