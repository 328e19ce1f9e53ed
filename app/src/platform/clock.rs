//! The clock, in the one place that reads it. Party dates are Vietnamese civil dates (UTC+7).

use crate::domain::register::Date;
use std::time::{SystemTime, UNIX_EPOCH};

pub const VIETNAM_UTC_OFFSET_SECONDS: i64 = 7 * 3600;

pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Today's date in Vietnam.
pub fn today_vn() -> Date {
    date_from_unix(now_unix() + VIETNAM_UTC_OFFSET_SECONDS)
}

/// Civil date of a unix time (days-from-civil inverse, Howard Hinnant's algorithm).
pub fn date_from_unix(secs: i64) -> Date {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
    Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(date_from_unix(0).iso(), "1970-01-01");
        assert_eq!(date_from_unix(951_782_400).iso(), "2000-02-29");
        // 2026-11-22 00:30 in Vietnam is still 2026-11-21 in UTC.
        let t = 1_795_282_200; // 2026-11-21T17:30:00Z
        assert_eq!(date_from_unix(t).iso(), "2026-11-21");
        assert_eq!(
            date_from_unix(t + VIETNAM_UTC_OFFSET_SECONDS).iso(),
            "2026-11-22"
        );
    }
}

/// "14:05 22/11/2026", Vietnam time.
pub fn local_time_text(t: i64) -> String {
    let local = t + VIETNAM_UTC_OFFSET_SECONDS;
    let secs = local.rem_euclid(86_400);
    format!(
        "{:02}:{:02} {}",
        secs / 3600,
        (secs % 3600) / 60,
        date_from_unix(local)
    )
}

/// "22/11/2026 14:05", Vietnam time (the audit page's order: date first).
pub fn local_date_time_text(t: i64) -> String {
    let local = t + VIETNAM_UTC_OFFSET_SECONDS;
    let secs = local.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}",
        date_from_unix(local),
        secs / 3600,
        (secs % 3600) / 60
    )
}

#[cfg(test)]
mod local_text_tests {
    #[test]
    fn date_then_time_in_vietnam() {
        // 2026-11-21T17:30:00Z is half past midnight on the 22nd in Vietnam.
        assert_eq!(
            super::local_date_time_text(1_795_282_200),
            "22/11/2026 00:30"
        );
        assert_eq!(super::local_time_text(1_795_282_200), "00:30 22/11/2026");
    }
}
