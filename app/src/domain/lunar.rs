//! The Vietnamese lunar calendar (âm lịch).
//!
//! This is Hồ Ngọc Đức's published algorithm (new moons and solar terms after Jean Meeus,
//! "Astronomical Algorithms"), which the calendars printed in Vietnam follow, computed for the
//! meridian the calendar used at the time: UTC+7 from 1968 on, UTC+8 before (see [`zone`]). A
//! crate for the Chinese calendar is not enough: it computes for UTC+8 throughout, and the two
//! differ in some months since 1968 (Tết 1985, Tết 2007). The one Vietnamese crate on crates.io
//! (`amlich` 0.0.1) finds month 11 with the new-moon function instead of the month-11 function
//! when converting to lunar, so it gives wrong dates; hence this module.
//!
//! Checked, every day from 1901 to 2099, against Hồ Ngọc Đức's published year tables (the
//! fixture `lunar_months_1901_2099.txt`, written by `scripts/lunar-reference.mjs`); the few months
//! where the tables and this simplified algorithm part are listed in [`CORRECTIONS`].

use std::f64::consts::PI;

/// The time zone of the calendar on local day `jdn`, in hours east of Greenwich.
///
/// Decision 121-CP of 8 August 1967 set the calendar on UTC+7, Vietnam's legal time, from 1968
/// on; until then the lunar calendar used in Vietnam was the one computed for UTC+8 (the Chinese
/// one). Hence Tết Mậu Thân fell on 29 January 1968 in the North and on the 30th in the South,
/// which kept the old calendar until 1975; the published tables follow the North.
fn zone(jdn: i64) -> f64 {
    // 1968-01-01.
    if jdn < 2439857 {
        8.0
    } else {
        7.0
    }
}

/// New moons (by their number `k` after 1900-01-01, as in [`new_moon_day`]) that begin their
/// month on another day in the published Vietnamese calendar (Hồ Ngọc Đức's year tables) than
/// in this simplified algorithm, with the day the tables give.
///
/// - 1906, 1914, 1916, 1920: the new moon fell between 16:01 and 16:07 UT, just after midnight
///   at UTC+8 but before it on the meridian of Beijing (UTC+7:46), for which the calendar was
///   computed until 1928; the month began on the earlier day (Tết 1916 on 3 February).
/// - 1925: the tables put Tết Ất Sửu on 25 January, a day after the new moon (24 January,
///   14:45 UT, the day of a total solar eclipse) and after Tết in the Chinese calendar (24
///   January). No source at hand explains it; kept so as to agree with the tables.
/// - 2054, 2072, 2077: the new moon falls within two minutes of midnight at UTC+7, nearer than
///   the simplified formula can tell; the tables, computed with a finer theory, begin the month
///   on the earlier day.
const CORRECTIONS: [(i64, (i32, u32, u32)); 8] = [
    (78, (1906, 4, 23)),
    (184, (1914, 11, 17)),
    (199, (1916, 2, 3)),
    (258, (1920, 11, 10)),
    (310, (1925, 1, 25)),
    (1909, (2054, 5, 7)),
    (2139, (2072, 12, 9)),
    (2200, (2077, 11, 15)),
];

/// A day of the lunar calendar. `leap` marks a day of the leap month (tháng nhuận).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LunarDate {
    pub day: u32,
    pub month: u32,
    pub year: i32,
    pub leap: bool,
}

/// Julian day number of a Gregorian date.
pub fn julian_day(year: i32, month: u32, day: u32) -> i64 {
    let (y, m, d) = (year as i64, month as i64, day as i64);
    let a = (14 - m) / 12;
    let y = y + 4800 - a;
    let m = m + 12 * a - 3;
    d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

/// The Gregorian date (year, month, day) of a Julian day number.
pub fn from_julian_day(jd: i64) -> (i32, u32, u32) {
    let a = jd + 32044;
    let b = (4 * a + 3) / 146097;
    let c = a - b * 146097 / 4;
    let d = (4 * c + 3) / 1461;
    let e = c - 1461 * d / 4;
    let m = (5 * e + 2) / 153;
    let day = e - (153 * m + 2) / 5 + 1;
    let month = m + 3 - 12 * (m / 10);
    let year = b * 100 + d - 4800 + m / 10;
    (year as i32, month as u32, day as u32)
}

/// The local day (Julian day number) of the k-th new moon after 1900-01-01.
fn new_moon_day(k: i64) -> i64 {
    if let Some(&(_, (y, m, d))) = CORRECTIONS.iter().find(|(c, _)| *c == k) {
        return julian_day(y, m, d);
    }
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    // The new moon in UT, as a Julian date; its Julian day number is the UT day.
    let ut = jd1 + c1 - delta_t + 0.5;
    (ut + zone(ut.floor() as i64) / 24.0).floor() as i64
}

/// The sun's longitude at the start of local day `jdn`, as one of 12 sectors of 30°.
fn sun_longitude_sector(jdn: i64) -> i64 {
    let t = (jdn as f64 - 2451545.5 - zone(jdn) / 24.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin()
        + (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin()
        + 0.000290 * (dr * 3.0 * m).sin();
    let mut l = (l0 + dl) * dr;
    l -= PI * 2.0 * (l / (PI * 2.0)).floor();
    (l / PI * 6.0).floor() as i64
}

/// The first day of lunar month 11 (the month holding the winter solstice) of year `year`.
fn lunar_month_11(year: i32) -> i64 {
    let off = julian_day(year, 12, 31) - 2415021;
    let k = (off as f64 / 29.530588853).floor() as i64;
    let nm = new_moon_day(k);
    if sun_longitude_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Which month after month 11 (starting at `a11`) is the leap month: the first without a
/// principal solar term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_longitude_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_longitude_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The lunar date of a Gregorian date.
pub fn to_lunar(year: i32, month: u32, day: u32) -> LunarDate {
    let day_number = julian_day(year, month, day);
    // The last new moon on or before the day. The mean-month estimate can be one too far when
    // the true new moon comes late (Hồ Ngọc Đức's `k`, then `k + 1`, gave day 0 on 7 May 2054
    // and 9 April 2062), so step back until the month has begun.
    let mut k = ((day_number as f64 - 2415021.076998695) / 29.530588853).floor() as i64 + 1;
    let mut month_start = new_moon_day(k);
    while month_start > day_number {
        k -= 1;
        month_start = new_moon_day(k);
    }
    let mut a11 = lunar_month_11(year);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = year;
        a11 = lunar_month_11(year - 1);
    } else {
        lunar_year = year + 1;
        b11 = lunar_month_11(year + 1);
    }
    let lunar_day = day_number - month_start + 1;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut lunar_month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            lunar_month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if lunar_month > 12 {
        lunar_month -= 12;
    }
    if lunar_month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    LunarDate {
        day: lunar_day as u32,
        month: lunar_month as u32,
        year: lunar_year,
        leap,
    }
}

/// The Gregorian date (year, month, day) of a lunar date, or `None` if there is no such day
/// (a leap flag on a month that is not leap that year).
pub fn from_lunar(l: LunarDate) -> Option<(i32, u32, u32)> {
    let (a11, b11) = if l.month < 11 {
        (lunar_month_11(l.year - 1), lunar_month_11(l.year))
    } else {
        (lunar_month_11(l.year), lunar_month_11(l.year + 1))
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut off = l.month as i64 - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if l.leap && l.month as i64 != leap_month {
            return None;
        }
        if l.leap || off >= leap_off {
            off += 1;
        }
    } else if l.leap {
        return None;
    }
    let month_start = new_moon_day(k + off);
    Some(from_julian_day(month_start + l.day as i64 - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lunar(y: i32, m: u32, d: u32) -> (u32, u32, i32, bool) {
        let l = to_lunar(y, m, d);
        (l.day, l.month, l.year, l.leap)
    }

    /// The first day of every lunar month from 1901 to 2099 (and of the month in progress on
    /// 1901-01-01), from Hồ Ngọc Đức's year tables as the npm package `@dqcai/vn-lunar` decodes
    /// them: an implementation that shares no code with this module. Written by
    /// `scripts/lunar-reference.mjs`, whose header says how to run it again.
    const REFERENCE: &str = include_str!("lunar_months_1901_2099.txt");

    /// The reference's months: (Julian day of day 1, lunar year, month, leap).
    fn reference_months() -> Vec<(i64, i32, u32, bool)> {
        REFERENCE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.trim().split(',').collect();
                assert_eq!(f.len(), 4, "fixture line {l:?}");
                let d: Vec<u32> = f[0].split('-').map(|x| x.parse().unwrap()).collect();
                let jd = julian_day(d[0] as i32, d[1], d[2]);
                let leap = match f[3] {
                    "0" => false,
                    "1" => true,
                    other => panic!("fixture line {l:?}: leap flag {other:?}"),
                };
                (jd, f[1].parse().unwrap(), f[2].parse().unwrap(), leap)
            })
            .collect()
    }

    /// Every day from 1901-01-01 to 2099-12-31: `to_lunar` gives the day the reference implies
    /// (never day 0), and `from_lunar` takes it back to the same solar date.
    #[test]
    fn agrees_with_the_reference_table_every_day_1901_2099() {
        let months = reference_months();
        let (first, last) = (julian_day(1901, 1, 1), julian_day(2099, 12, 31));
        assert!(
            months.len() > 2400,
            "{} months in the fixture",
            months.len()
        );
        assert!(
            months[0].0 <= first && months[1].0 > first,
            "fixture starts late"
        );
        assert!(months[months.len() - 1].0 <= last, "fixture ends past 2099");
        for w in months.windows(2) {
            let len = w[1].0 - w[0].0;
            assert!(
                len == 29 || len == 30,
                "fixture month {:?} lasts {len} days",
                w[0]
            );
        }
        let iso = |(y, m, d): (i32, u32, u32)| format!("{y:04}-{m:02}-{d:02}");
        let show = |l: LunarDate| {
            let leap = if l.leap { " nhuận" } else { "" };
            format!("{}/{}{leap}/{}", l.day, l.month, l.year)
        };
        let mut wrong = Vec::new();
        let mut i = 0;
        for jd in first..=last {
            while i + 1 < months.len() && months[i + 1].0 <= jd {
                i += 1;
            }
            let (start, year, month, leap) = months[i];
            let want = LunarDate {
                day: (jd - start + 1) as u32,
                month,
                year,
                leap,
            };
            let solar = from_julian_day(jd);
            let got = to_lunar(solar.0, solar.1, solar.2);
            if got != want || got.day == 0 {
                wrong.push(format!(
                    "{}: to_lunar gives {}, the reference {}",
                    iso(solar),
                    show(got),
                    show(want)
                ));
            } else if from_lunar(got) != Some(solar) {
                wrong.push(format!(
                    "{}: from_lunar({}) gives {:?}",
                    iso(solar),
                    show(got),
                    from_lunar(got).map(iso)
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} days disagree with the reference; the first: {}\n{}",
            wrong.len(),
            wrong[0],
            wrong
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// Where Hồ Ngọc Đức's published algorithm alone went wrong: its first guess of the month's
    /// new moon could be one too far, giving day 0 (9 April 2062; 7 May 2054 before the
    /// correction of that month).
    #[test]
    fn a_lunar_day_is_never_zero() {
        assert_eq!(lunar(2054, 5, 6), (29, 3, 2054, false));
        assert_eq!(lunar(2054, 5, 7), (1, 4, 2054, false));
        assert_eq!(lunar(2062, 4, 9), (30, 2, 2062, false));
        assert_eq!(lunar(2062, 4, 10), (1, 3, 2062, false));
    }

    /// Before 1968 the calendar was computed for UTC+8 (Decision 121-CP of 1967).
    #[test]
    fn before_1968_the_calendar_is_that_of_utc8() {
        // Tết Mậu Thân: 29 January 1968 on UTC+7 (30 January on UTC+8).
        assert_eq!(lunar(1968, 1, 29), (1, 1, 1968, false));
        // Tết Ất Tỵ 1965: 2 February on UTC+8 (1 February on UTC+7).
        assert_eq!(lunar(1965, 2, 1), (30, 12, 1964, false));
        assert_eq!(lunar(1965, 2, 2), (1, 1, 1965, false));
        // 1947 had a leap second month, from 23 March (22 March on UTC+7).
        assert_eq!(lunar(1947, 3, 22), (30, 2, 1947, false));
        assert_eq!(lunar(1947, 3, 23), (1, 2, 1947, true));
    }

    #[test]
    fn julian_days_round_trip() {
        assert_eq!(julian_day(2000, 1, 1), 2451545);
        for jd in [2415021, 2451545, 2460000, 2470000] {
            let (y, m, d) = from_julian_day(jd);
            assert_eq!(julian_day(y, m, d), jd);
        }
    }

    /// Tết Nguyên Đán as published in Vietnamese calendars, 2000–2030.
    #[test]
    fn tet_falls_on_the_published_dates() {
        let tet = [
            (2000, 2, 5),
            (2001, 1, 24),
            (2002, 2, 12),
            (2003, 2, 1),
            (2004, 1, 22),
            (2005, 2, 9),
            (2006, 1, 29),
            (2007, 2, 17),
            (2008, 2, 7),
            (2009, 1, 26),
            (2010, 2, 14),
            (2011, 2, 3),
            (2012, 1, 23),
            (2013, 2, 10),
            (2014, 1, 31),
            (2015, 2, 19),
            (2016, 2, 8),
            (2017, 1, 28),
            (2018, 2, 16),
            (2019, 2, 5),
            (2020, 1, 25),
            (2021, 2, 12),
            (2022, 2, 1),
            (2023, 1, 22),
            (2024, 2, 10),
            (2025, 1, 29),
            (2026, 2, 17),
            (2027, 2, 6),
            (2028, 1, 26),
            (2029, 2, 13),
            // The new moon of 2 Feb 2030 falls at 23:07 in Hà Nội, 00:07 on the 3rd in Beijing.
            (2030, 2, 2),
        ];
        for (y, m, d) in tet {
            assert_eq!(lunar(y, m, d), (1, 1, y, false), "Tết {y}");
            assert_eq!(
                from_lunar(LunarDate {
                    day: 1,
                    month: 1,
                    year: y,
                    leap: false
                }),
                Some((y, m, d))
            );
            // The day before is the last day of month 12 of the previous lunar year.
            let (py, pm, pd) = from_julian_day(julian_day(y, m, d) - 1);
            let before = to_lunar(py, pm, pd);
            assert_eq!((before.month, before.year), (12, y - 1));
        }
    }

    /// Where Vietnam (UTC+7) and China (UTC+8) differ.
    #[test]
    fn the_vietnamese_calendar_is_not_the_chinese_one() {
        assert_eq!(
            lunar(1985, 1, 21),
            (1, 1, 1985, false),
            "Tết 1985 in Vietnam"
        );
        assert_ne!(
            lunar(1985, 2, 20),
            (1, 1, 1985, false),
            "20 Feb 1985 is Tết only in China"
        );
        assert_eq!(
            lunar(2007, 2, 17),
            (1, 1, 2007, false),
            "Tết 2007 in Vietnam"
        );
        assert_eq!(lunar(2007, 2, 18), (2, 1, 2007, false));
        assert_eq!(
            lunar(2030, 2, 3),
            (2, 1, 2030, false),
            "3 Feb 2030 is Tết only in China"
        );
    }

    /// First days of the 27 lunar months from Tết Giáp Thìn (2024) to Tết Bính Ngọ (2026),
    /// as published (including the leap sixth month of 2025).
    #[test]
    fn month_starts_for_two_years() {
        let starts = [
            ((2024, 2, 10), 1, 2024, false),
            ((2024, 3, 10), 2, 2024, false),
            ((2024, 4, 9), 3, 2024, false),
            ((2024, 5, 8), 4, 2024, false),
            ((2024, 6, 6), 5, 2024, false),
            ((2024, 7, 6), 6, 2024, false),
            ((2024, 8, 4), 7, 2024, false),
            ((2024, 9, 3), 8, 2024, false),
            ((2024, 10, 3), 9, 2024, false),
            ((2024, 11, 1), 10, 2024, false),
            ((2024, 12, 1), 11, 2024, false),
            ((2024, 12, 31), 12, 2024, false),
            ((2025, 1, 29), 1, 2025, false),
            ((2025, 2, 28), 2, 2025, false),
            ((2025, 3, 29), 3, 2025, false),
            ((2025, 4, 28), 4, 2025, false),
            ((2025, 5, 27), 5, 2025, false),
            ((2025, 6, 25), 6, 2025, false),
            ((2025, 7, 25), 6, 2025, true),
            ((2025, 8, 23), 7, 2025, false),
            ((2025, 9, 22), 8, 2025, false),
            ((2025, 10, 21), 9, 2025, false),
            ((2025, 11, 20), 10, 2025, false),
            ((2025, 12, 20), 11, 2025, false),
            ((2026, 1, 19), 12, 2025, false),
            ((2026, 2, 17), 1, 2026, false),
        ];
        for ((y, m, d), lm, ly, leap) in starts {
            assert_eq!(lunar(y, m, d), (1, lm, ly, leap), "{y}-{m}-{d}");
            assert_eq!(
                from_lunar(LunarDate {
                    day: 1,
                    month: lm,
                    year: ly,
                    leap
                }),
                Some((y, m, d)),
                "back to {y}-{m}-{d}"
            );
        }
    }

    #[test]
    fn festivals_of_recent_years() {
        // Rằm tháng Tám (Mid-Autumn), Giỗ Tổ Hùng Vương (10/3), Vu Lan (15/7).
        assert_eq!(lunar(2023, 9, 29), (15, 8, 2023, false));
        assert_eq!(lunar(2024, 9, 17), (15, 8, 2024, false));
        assert_eq!(lunar(2025, 10, 6), (15, 8, 2025, false));
        assert_eq!(lunar(2024, 4, 18), (10, 3, 2024, false));
        assert_eq!(lunar(2025, 4, 7), (10, 3, 2025, false));
        assert_eq!(lunar(2025, 9, 6), (15, 7, 2025, false));
        // 2023 had a leap second month; 2020 a leap fourth.
        assert_eq!(lunar(2023, 3, 22), (1, 2, 2023, true));
        assert_eq!(lunar(2020, 5, 23), (1, 4, 2020, true));
    }

    #[test]
    fn a_leap_flag_on_an_ordinary_month_is_no_date() {
        assert_eq!(
            from_lunar(LunarDate {
                day: 1,
                month: 5,
                year: 2025,
                leap: true
            }),
            None
        );
        assert_eq!(
            from_lunar(LunarDate {
                day: 1,
                month: 6,
                year: 2024,
                leap: true
            }),
            None
        );
    }
}
