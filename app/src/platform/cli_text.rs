//! Texts of the `sotay` command line, from the same i18n files as the app.

use crate::i18n::*;

#[derive(Clone, Copy, Debug)]
pub enum CliText {
    About,
    Serve,
    Migrate,
    Seed,
    SeedMembers,
    SeedDocuments,
    SeedIfEmpty,
    SeedReplace,
    SeedForce,
    DatabaseUrl,
    SeedDone,
    SeedSkipped,
    SeedRefuseDemo,
    SeedRefuseReal,
    DemoAccounts,
    OpenMeetings,
    OpenMeetingsMonth,
    OpenMeetingsDone,
    OpenMeetingsBadMonth,
    AppName,
    AppShortName,
    AppTagline,
}

pub fn cli_text(text: CliText, locale: Locale) -> String {
    let s = match text {
        CliText::About => td_string!(locale, cli_about),
        CliText::Serve => td_string!(locale, cli_serve),
        CliText::Migrate => td_string!(locale, cli_migrate),
        CliText::Seed => td_string!(locale, cli_seed),
        CliText::SeedMembers => td_string!(locale, cli_seed_members),
        CliText::SeedDocuments => td_string!(locale, cli_seed_documents),
        CliText::SeedIfEmpty => td_string!(locale, cli_seed_if_empty),
        CliText::SeedReplace => td_string!(locale, cli_seed_replace),
        CliText::SeedForce => td_string!(locale, cli_seed_force),
        CliText::DatabaseUrl => td_string!(locale, cli_database_url),
        CliText::SeedDone => td_string!(locale, cli_seed_done),
        CliText::SeedSkipped => td_string!(locale, cli_seed_skipped),
        CliText::SeedRefuseDemo => td_string!(locale, cli_seed_refuse_demo),
        CliText::SeedRefuseReal => td_string!(locale, cli_seed_refuse_real),
        CliText::DemoAccounts => td_string!(locale, cli_demo_accounts),
        CliText::OpenMeetings => td_string!(locale, cli_open_meetings),
        CliText::OpenMeetingsMonth => td_string!(locale, cli_open_meetings_month),
        CliText::OpenMeetingsDone => td_string!(locale, cli_open_meetings_done),
        CliText::OpenMeetingsBadMonth => td_string!(locale, cli_open_meetings_bad_month),
        CliText::AppName => td_string!(locale, app_name),
        CliText::AppShortName => td_string!(locale, app_short_name),
        CliText::AppTagline => td_string!(locale, app_tagline),
    };
    s.to_string()
}

/// Vietnamese and English together, for `--help`.
pub fn bilingual(text: CliText) -> String {
    format!("{} / {}", cli_text(text, Locale::vi), cli_text(text, Locale::en))
}

/// The operator's language for messages: Vietnamese unless SOTAY_LANG=en.
pub fn operator_locale() -> Locale {
    match std::env::var("SOTAY_LANG").as_deref() {
        Ok("en") => Locale::en,
        _ => Locale::vi,
    }
}
