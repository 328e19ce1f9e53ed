//! `sotay`: serve (default), migrate, seed, open-meetings. Help is in Vietnamese and English; messages follow
//! SOTAY_LANG (vi by default).

use app::platform::cli_text::{bilingual, cli_text, operator_locale, CliText};
use app::platform::db::Db;
use app::register::seed::SeedDecision;
use app::register::{repo, seed};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use server::{init_tracing, serve, Config};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "sotay", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

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
        Command::Seed { members, documents, if_empty, replace, force } => run_seed(&config, members, documents, if_empty, replace, force).await,
        Command::OpenMeetings { month } => open_meetings(&config, month).await,
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

async fn run_seed(config: &Config, members: usize, documents: usize, if_empty: bool, replace: bool, force: bool) -> Result<(), Box<dyn std::error::Error>> {
    let locale = operator_locale();
    let db = connect(config).await?;
    let contents = repo::contents(&db).await.map_err(describe)?;
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
            repo::delete_register(&mut conn).await.map_err(describe)?;
        }
    }
    let started = std::time::Instant::now();
    let report = seed::seed(&db, members).await.map_err(describe)?;
    let library = app::documents::seed::seed(&db, documents).await.map_err(describe)?;
    let meetings = app::meetings::seed::seed(&db, app::platform::clock::today_vn(), app::platform::clock::now_unix()).await.map_err(describe)?;
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
async fn open_meetings(config: &Config, month: Option<String>) -> Result<(), Box<dyn std::error::Error>> {
    use app::domain::meeting::Month;
    let locale = operator_locale();
    let month = match month {
        Some(m) => Month::parse(&m).ok_or_else(|| cli_text(CliText::OpenMeetingsBadMonth, locale))?,
        None => Month::of(app::platform::clock::today_vn()),
    };
    let db = connect(config).await?;
    let started = std::time::Instant::now();
    let created = app::meetings::repo::open_month(&db, month, app::platform::clock::now_unix()).await.map_err(describe)?;
    println!("{} {}: {created} — {:.1} s", cli_text(CliText::OpenMeetingsDone, locale), month.code(), started.elapsed().as_secs_f64());
    db.close().await;
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
        AppError::Internal { reference } => format!("{} [{reference}]", error_text(locale, e.key())),
        other => error_text(locale, other.key()).to_string(),
    }
}

fn print_demo_accounts(locale: app::i18n::Locale) {
    println!("{}:", cli_text(CliText::DemoAccounts, locale));
    for p in seed::demo_people() {
        let role = if locale == app::i18n::Locale::en { p.role_en } else { p.role_vi };
        println!("  {:<10}  {} — {}", p.phone, p.name, role);
    }
}
