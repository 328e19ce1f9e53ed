//! Dates, times and numbers as a member reads them: "Thứ Năm, 10 tháng 12, 19 giờ 30" and
//! "126.000", whatever language the phone is set to. The sentences come from the i18n files
//! (`dt_*`); the pieces are computed here.

use crate::domain::meeting::weekday;
use crate::domain::register::Date;
use crate::i18n::*;
use leptos::prelude::*;

/// The weekday's name (0 = Monday … 6 = Sunday), as written inside a sentence.
pub fn weekday_word(locale: Locale, w: u32) -> &'static str {
    match w {
        0 => td_string!(locale, mt_weekday_0),
        1 => td_string!(locale, mt_weekday_1),
        2 => td_string!(locale, mt_weekday_2),
        3 => td_string!(locale, mt_weekday_3),
        4 => td_string!(locale, mt_weekday_4),
        5 => td_string!(locale, mt_weekday_5),
        _ => td_string!(locale, mt_weekday_6),
    }
}

/// Hours and minutes of "19:30" (also "7:05", "19:30:00"); `None` for anything else.
pub fn clock(time: &str) -> Option<(u32, u32)> {
    let (h, m) = time.trim().split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.get(..2)?.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// "Thứ Năm, 10 tháng 12" (with "năm 2026" when `with_year`); the text unchanged if it is not
/// a date.
#[component]
pub fn DateWords(#[prop(into)] date: String, #[prop(optional)] with_year: bool) -> impl IntoView {
    let i18n = use_i18n();
    let Ok(d) = Date::parse(&date) else {
        return date.into_any();
    };
    let w = move || capitalised(weekday_word(i18n.get_locale(), weekday(d)));
    let (day, month, year) = (d.day, d.month, d.year);
    if with_year {
        t!(
            i18n,
            dt_date_year,
            weekday = w,
            day = move || day,
            month = move || month,
            year = move || year
        )
        .into_any()
    } else {
        t!(
            i18n,
            dt_date,
            weekday = w,
            day = move || day,
            month = move || month
        )
        .into_any()
    }
}

/// "19 giờ 30", "7 giờ"; the text unchanged if it is not a time.
#[component]
pub fn TimeWords(#[prop(into)] time: String) -> impl IntoView {
    let i18n = use_i18n();
    match clock(&time) {
        Some((hour, 0)) => t!(i18n, dt_hour, hour = move || hour).into_any(),
        Some((hour, minute)) => {
            let minute = format!("{minute:02}");
            t!(
                i18n,
                dt_hour_minute,
                hour = move || hour,
                minute = move || minute.clone()
            )
            .into_any()
        }
        None => time.into_any(),
    }
}

/// "Thứ Năm, 10 tháng 12, 19 giờ 30".
#[component]
pub fn WhenWords(
    #[prop(into)] date: String,
    #[prop(into)] time: String,
    #[prop(optional)] with_year: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    t!(
        i18n,
        dt_date_time,
        date = move || view! { <DateWords date=date.clone() with_year /> },
        time = move || view! { <TimeWords time=time.clone() /> }
    )
}

/// Thousands grouped as the language writes them: 126.000 in Vietnamese, 126,000 in English.
pub fn number(locale: Locale, n: i64) -> String {
    let sep = match locale {
        Locale::vi => '.',
        Locale::en => ',',
    };
    group(n, sep)
}

fn group(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_are_named_and_capitalised_for_the_start_of_a_sentence() {
        // 10 December 2026 is a Thursday, 22 November 2026 a Sunday (checked against the calendar).
        let name =
            |iso: &str| capitalised(weekday_word(Locale::vi, weekday(Date::parse(iso).unwrap())));
        assert_eq!(name("2026-12-10"), "Thứ Năm");
        assert_eq!(name("2026-11-22"), "Chủ nhật");
        assert_eq!(capitalised(weekday_word(Locale::en, 3)), "Thursday");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn clock_reads_hours_and_minutes() {
        assert_eq!(clock("19:30"), Some((19, 30)));
        assert_eq!(clock("7:05"), Some((7, 5)));
        assert_eq!(clock("19:30:00"), Some((19, 30)));
        assert_eq!(clock("19"), None);
        assert_eq!(clock("ab:cd"), None);
        assert_eq!(clock("12:60"), None);
        assert_eq!(clock("24:00"), None);
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(number(Locale::vi, 126_000), "126.000");
        assert_eq!(number(Locale::en, 126_000), "126,000");
        assert_eq!(number(Locale::vi, 5_600_000), "5.600.000");
        assert_eq!(number(Locale::vi, 999), "999");
        assert_eq!(number(Locale::vi, 0), "0");
        assert_eq!(number(Locale::vi, -1234), "-1.234");
        assert_eq!(number(Locale::vi, i64::MIN), "-9.223.372.036.854.775.808");
    }
}
