//! `sotay`: serve (default), migrate, seed, open-meetings, init, check. Help is in Vietnamese and English; messages follow
//! SOTAY_LANG (vi by default).

use app::platform::cli_text::{bilingual, cli_text, operator_locale, CliText};
use app::platform::db::Db;
use app::register::seed::SeedDecision;
use app::register::{seed, service as register};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use server::{init_tracing, serve, Config};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "sotay", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

// Parsed once at start: the size of the `init` variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
enum Command {
    Serve,
    Migrate,
    Seed {
        #[arg(long, default_value_t = seed::DEFAULT_SEED_MEMBERS)]
        members: usize,
        #[arg(long, default_value_t = 20)]
        documents: usize,
        #[arg(long)]
        if_empty: bool,
        #[arg(long)]
        replace: bool,
        #[arg(long)]
        force: bool,
    },
    OpenMeetings {
        /// YYYY-MM; the current month in Vietnam when absent.
        #[arg(long)]
        month: Option<String>,
    },
    Init {
        #[arg(long)]
        org_name: Option<String>,
        #[arg(long)]
        org_code: Option<String>,
        #[arg(long)]
        org_kind: Option<String>,
        #[arg(long)]
        admin_name: Option<String>,
        #[arg(long)]
        admin_phone: Option<String>,
        #[arg(long)]
        admin_member_code: Option<String>,
        #[arg(long)]
        admin_birth_date: Option<String>,
        #[arg(long)]
        admin_gender: Option<String>,
        #[arg(long)]
        admin_joined_date: Option<String>,
        #[arg(long)]
        admin_official_date: Option<String>,
        #[arg(long)]
        admin_ethnicity: Option<String>,
        #[arg(long)]
        new_code: bool,
    },
    Check,
}

fn command() -> clap::Command {
    Cli::command()
        .about(bilingual(CliText::About))
        .after_help(format!("DATABASE_URL: {}\nLEPTOS_SITE_ADDR, LEPTOS_SITE_ROOT, LOG_FORMAT (pretty|json), RUST_LOG, SOTAY_LANG (vi|en)", bilingual(CliText::DatabaseUrl)))
        .mut_subcommand("serve", |c| c.about(bilingual(CliText::Serve)))
        .mut_subcommand("migrate", |c| c.about(bilingual(CliText::Migrate)))
        .mut_subcommand("seed", |c| {
            c.about(bilingual(CliText::Seed))
                .mut_arg("members", |a| a.help(bilingual(CliText::SeedMembers)))
                .mut_arg("documents", |a| a.help(bilingual(CliText::SeedDocuments)))
                .mut_arg("if_empty", |a| a.help(bilingual(CliText::SeedIfEmpty)))
                .mut_arg("replace", |a| a.help(bilingual(CliText::SeedReplace)))
                .mut_arg("force", |a| a.help(bilingual(CliText::SeedForce)))
        })
        .mut_subcommand("open-meetings", |c| c.about(bilingual(CliText::OpenMeetings)).mut_arg("month", |a| a.help(bilingual(CliText::OpenMeetingsMonth))))
        .mut_subcommand("init", |c| {
            c.about(bilingual(CliText::Init))
                .mut_arg("org_name", |a| a.help(bilingual(CliText::InitOrgName)))
                .mut_arg("org_code", |a| a.help(bilingual(CliText::InitOrgCode)))
                .mut_arg("org_kind", |a| a.help(bilingual(CliText::InitOrgKind)))
                .mut_arg("admin_name", |a| a.help(bilingual(CliText::InitAdminName)))
                .mut_arg("admin_phone", |a| a.help(bilingual(CliText::InitAdminPhone)))
                .mut_arg("admin_member_code", |a| a.help(bilingual(CliText::InitAdminMemberCode)))
                .mut_arg("admin_birth_date", |a| a.help(bilingual(CliText::InitAdminBirthDate)))
                .mut_arg("admin_gender", |a| a.help(bilingual(CliText::InitAdminGender)))
                .mut_arg("admin_joined_date", |a| a.help(bilingual(CliText::InitAdminJoinedDate)))
                .mut_arg("admin_official_date", |a| a.help(bilingual(CliText::InitAdminOfficialDate)))
                .mut_arg("admin_ethnicity", |a| a.help(bilingual(CliText::InitAdminEthnicity)))
                .mut_arg("new_code", |a| a.help(bilingual(CliText::InitNewCode)))
        })
        .mut_subcommand("check", |c| c.about(bilingual(CliText::Check)))
}

#[tokio::main]
async fn main() -> ExitCode {
    server::tune_allocator();
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let config = Config::from_env();
    init_tracing(config.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config).await,
        Command::Migrate => migrate(&config).await,
        Command::Seed {
            members,
            documents,
            if_empty,
            replace,
            force,
        } => run_seed(&config, members, documents, if_empty, replace, force).await,
        Command::OpenMeetings { month } => open_meetings(&config, month).await,
        Command::Init {
            org_name,
            org_code,
            org_kind,
            admin_name,
            admin_phone,
            admin_member_code,
            admin_birth_date,
            admin_gender,
            admin_joined_date,
            admin_official_date,
            admin_ethnicity,
            new_code,
        } => {
            let input = app::setup::InitInput {
                org_name,
                org_code,
                org_kind,
                admin_name,
                admin_phone,
                admin_member_code,
                admin_birth_date,
                admin_gender,
                admin_joined_date,
                admin_official_date,
                admin_ethnicity,
            };
            init(&config, input, new_code).await
        }
        Command::Check => {
            let report = server::check::run(&config).await;
            print!("{}", report.render(operator_locale()));
            return if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sotay: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn connect(config: &Config) -> Result<Db, Box<dyn std::error::Error>> {
    let db = Db::connect(&config.database_url, config.max_connections).await?;
    db.migrate().await?;
    Ok(db)
}

async fn migrate(config: &Config) -> Result<(), Box<dyn std::error::Error>> {
    let db = connect(config).await?;
    db.close().await;
    println!("ok");
    Ok(())
}

async fn run_seed(
    config: &Config,
    members: usize,
    documents: usize,
    if_empty: bool,
    replace: bool,
    force: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let locale = operator_locale();
    let db = connect(config).await?;
    let contents = register::contents(&db).await.map_err(describe)?;
    match seed::decide(&contents, if_empty, replace, force) {
        SeedDecision::Load => {}
        SeedDecision::Skip => {
            println!("{}", cli_text(CliText::SeedSkipped, locale));
            print_demo_accounts(locale);
            return Ok(());
        }
        SeedDecision::RefuseReal => return Err(cli_text(CliText::SeedRefuseReal, locale).into()),
        SeedDecision::RefuseDemo => return Err(cli_text(CliText::SeedRefuseDemo, locale).into()),
        SeedDecision::Replace => {
            let mut conn = db.pool().acquire().await?;
            register::delete_register(&mut conn)
                .await
                .map_err(describe)?;
        }
    }
    let started = std::time::Instant::now();
    let report = seed::seed(&db, members).await.map_err(describe)?;
    let library = app::documents::seed::seed(&db, documents)
        .await
        .map_err(describe)?;
    let meetings = app::meetings::seed::seed(
        &db,
        app::platform::clock::today_vn(),
        app::platform::clock::now_unix(),
    )
    .await
    .map_err(describe)?;
    println!(
        "{}: {} tổ chức/organisations, {} chi bộ/cells, {} đảng viên/members ({} miễn sinh hoạt/exempt, {} dự bị/probationary), {} văn bản/documents, {} cuộc họp/meetings, {} nhiệm vụ/tasks — {:.1} s",
        cli_text(CliText::SeedDone, locale),
        report.organizations,
        report.cells,
        report.members,
        report.exempt,
        report.probationary,
        library,
        meetings.meetings,
        meetings.tasks,
        started.elapsed().as_secs_f64()
    );
    print_demo_accounts(locale);
    db.close().await;
    Ok(())
}

/// Opens the month's periodic meeting for every cell that has none (idempotent).
async fn open_meetings(
    config: &Config,
    month: Option<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    use app::domain::meeting::Month;
    let locale = operator_locale();
    let month = match month {
        Some(m) => {
            Month::parse(&m).ok_or_else(|| cli_text(CliText::OpenMeetingsBadMonth, locale))?
        }
        None => Month::of(app::platform::clock::today_vn()),
    };
    let db = connect(config).await?;
    let started = std::time::Instant::now();
    let created = app::meetings::service::open_month(&db, month, app::platform::clock::now_unix())
        .await
        .map_err(describe)?;
    println!(
        "{} {}: {created} — {:.1} s",
        cli_text(CliText::OpenMeetingsDone, locale),
        month.code(),
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    Ok(())
}

/// Who runs a console command and where, for the audit log: `console user@host`.
fn operator() -> String {
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "?".to_string());
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "?".to_string());
    format!("console {user}@{host}")
}

/// `sotay init`: the root organisation and its first admin on an empty database, or with
/// `--new-code` a fresh code for a root admin.
async fn init(
    config: &Config,
    input: app::setup::InitInput,
    new_code: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let locale = operator_locale();
    let db = connect(config).await?;
    let done = if new_code {
        let phone = input.admin_phone.unwrap_or_default();
        app::setup::new_code(&db, &phone, &operator())
            .await
            .map_err(describe)?
    } else {
        // Refused before the options are read: on a database in use, nothing else matters.
        if !app::setup::is_empty(&db).await.map_err(describe)? {
            return Err(describe(app::platform::error::AppError::field(
                "database",
                "err_init_not_empty",
            ))
            .into());
        }
        let plan = app::setup::parse(&input, app::setup::today())
            .map_err(|e| describe(app::platform::error::AppError::Invalid(e)))?;
        app::setup::init(&db, plan, &operator())
            .await
            .map_err(describe)?
    };
    db.close().await;
    let expires = app::platform::clock::local_time_text(done.expires);
    if !new_code {
        println!("{}: {}", cli_text(CliText::InitDone, locale), done.org_name);
    }
    println!(
        "{}: {} ({})",
        cli_text(CliText::InitAdmin, locale),
        done.admin_name,
        done.phone
    );
    println!("{}: {}", cli_text(CliText::InitCode, locale), done.code);
    println!("{}: {expires}", cli_text(CliText::InitExpires, locale));
    let url = std::env::var("SOTAY_PUBLIC_URL").unwrap_or_default();
    println!(
        "{} {}/kich-hoat",
        cli_text(CliText::InitNext, locale),
        url.trim_end_matches('/')
    );
    Ok(())
}

/// An application error as the operator reads it: the message in their language, plus the field.
fn describe(e: app::platform::error::AppError) -> String {
    use app::platform::error::AppError;
    use app::platform::messages::error_text;
    let locale = operator_locale();
    match &e {
        AppError::Invalid(fields) => fields
            .iter()
            .map(|f| format!("{} ({})", error_text(locale, &f.key), f.field))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Internal { reference } => {
            format!("{} [{reference}]", error_text(locale, e.key()))
        }
        other => error_text(locale, other.key()).to_string(),
    }
}

fn print_demo_accounts(locale: app::i18n::Locale) {
    println!("{}:", cli_text(CliText::DemoAccounts, locale));
    for p in seed::demo_people() {
        let role = if locale == app::i18n::Locale::en {
            p.role_en
        } else {
            p.role_vi
        };
        println!("  {:<10}  {} — {}", p.phone, p.name, role);
    }
}
