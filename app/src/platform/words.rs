//! Dates, times and numbers as a member reads them: "Thứ Năm, 10 tháng 12, 19 giờ 30" and
//! "126.000", whatever language the phone is set to.

use crate::domain::meeting::weekday;
use crate::domain::register::Date;
use crate::i18n::*;

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

/// Hours and minutes of "19:30" (also "7:05"); `None` for anything else.
pub fn clock(time: &str) -> Option<(u32, u32)> {
    let (h, m) = time.trim().split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.get(..2)?.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// "Thứ Năm, 10 tháng 12" from an ISO date (with the year when `with_year`); the input
/// unchanged if it is not a date.
pub fn date_in_words(locale: Locale, iso: &str, with_year: bool) -> String {
    let Ok(d) = Date::parse(iso) else {
        return iso.to_string();
    };
    let w = capitalised(weekday_word(locale, weekday(d)));
    let (day, month, year) = (d.day, d.month, d.year);
    if with_year {
        td_string!(
            locale,
            dt_date_year,
            weekday = w,
            day = day,
            month = month,
            year = year
        )
        .to_string()
    } else {
        td_string!(locale, dt_date, weekday = w, day = day, month = month).to_string()
    }
}

/// "19 giờ 30", "7 giờ" from "19:30", "07:00"; the input unchanged if it is not a time.
pub fn time_in_words(locale: Locale, time: &str) -> String {
    match clock(time) {
        Some((hour, 0)) => td_string!(locale, dt_hour, hour = hour).to_string(),
        Some((hour, minute)) => {
            let minute = format!("{minute:02}");
            td_string!(locale, dt_hour_minute, hour = hour, minute = minute).to_string()
        }
        None => time.to_string(),
    }
}

/// "Thứ Năm, 10 tháng 12, 19 giờ 30".
pub fn when_in_words(locale: Locale, iso: &str, time: &str, with_year: bool) -> String {
    let (date, time) = (
        date_in_words(locale, iso, with_year),
        time_in_words(locale, time),
    );
    td_string!(locale, dt_date_time, date = date, time = time).to_string()
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
    fn dates_and_times_read_as_words() {
        // 10 December 2026 is a Thursday (checked against the calendar).
        assert_eq!(
            when_in_words(Locale::vi, "2026-12-10", "19:30", false),
            "Thứ Năm, 10 tháng 12, 19 giờ 30"
        );
        assert_eq!(
            when_in_words(Locale::vi, "2026-11-22", "07:00", true),
            "Chủ nhật, 22 tháng 11 năm 2026, 7 giờ"
        );
        assert_eq!(time_in_words(Locale::vi, "19:05"), "19 giờ 05");
        assert_eq!(
            when_in_words(Locale::en, "2026-12-10", "19:30", false),
            "Thursday 10/12, 19:30"
        );
        assert_eq!(date_in_words(Locale::vi, "not a date", false), "not a date");
        assert_eq!(time_in_words(Locale::vi, "25:00"), "25:00");
    }

    #[test]
    fn clock_reads_hours_and_minutes() {
        assert_eq!(clock("19:30"), Some((19, 30)));
        assert_eq!(clock("7:05"), Some((7, 5)));
        assert_eq!(clock("19:30:00"), Some((19, 30)));
        assert_eq!(clock("19"), None);
        assert_eq!(clock("ab:cd"), None);
        assert_eq!(clock("12:60"), None);
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
