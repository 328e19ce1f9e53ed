//! Property tests of the domain parsers that read what anyone may send (issue #17, "Trust": no
//! input makes the server panic). Each module is a fuzz/property target: any input gives a value
//! or an error naming an i18n key that exists in `app/locales/vi.json`, never a panic; where a
//! value has a written form, writing it and parsing it again gives the same value. The case
//! counts are bounded (256 per property, `PROPTEST_CASES=N` for a longer run) so they run within
//! `cargo test -p app --features ssr`.
//! The file readers' targets are in `import::file`'s tests.

use proptest::prelude::*;
use std::sync::LazyLock;

static VI_KEYS: LazyLock<serde_json::Map<String, serde_json::Value>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../locales/vi.json")).expect("vi.json is a JSON object")
});

/// Whether `key` is a message of the Vietnamese locale (every error key must be one).
pub(crate) fn is_i18n_key(key: &str) -> bool {
    VI_KEYS.contains_key(key)
}

/// 256 cases per property, or `PROPTEST_CASES` for a longer local fuzzing run.
pub(crate) fn config() -> ProptestConfig {
    ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
    )
}

/// Text of every kind: any characters, and the characters the parsers treat specially (digits,
/// separators, signs, no-break and other spaces, combining marks, letters with marks).
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[0-9 +().:/\\-\u{a0}\t\u{2003}]{0,24}",
        "[0-9a-zA-ZđĐ\u{300}\u{301}\u{303}\u{309}\u{323}ếộ :\\-/.,_hg]{0,24}",
        any::<String>(),
    ]
}

#[test]
fn the_key_check_reads_the_locale() {
    assert!(is_i18n_key("err_phone_empty"));
    assert!(!is_i18n_key("err_no_such_key"));
}

/// Fuzz/property target of issue #17: `Phone::parse`.
mod phone {
    use super::*;
    use crate::domain::phone::Phone;

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_number_or_a_named_error(s in text()) {
            match Phone::parse(&s) {
                Ok(p) => {
                    prop_assert_eq!(Phone::parse(p.as_str()), Ok(p.clone()));
                    let international = p.tel_uri().trim_start_matches("tel:").to_string();
                    prop_assert_eq!(Phone::parse(&international), Ok(p));
                }
                Err(e) => {
                    prop_assert!(is_i18n_key(e.key()), "{}", e.key());
                    prop_assert_eq!(e.to_string(), e.key());
                }
            }
        }

        #[test]
        fn every_written_form_is_one_number(n in "0[35789][0-9]{8}|02[0-9]{9}") {
            let p = Phone::parse(&n).unwrap();
            prop_assert_eq!(p.as_str(), n.as_str());
            let rest = &n[1..];
            for form in [format!("+84 {rest}"), format!("84{rest}"), format!("0084{rest}"), format!("(+84) {rest}"), format!("{}.{}", &n[..4], &n[4..])] {
                prop_assert_eq!(Phone::parse(&form), Ok(p.clone()), "{}", form);
            }
        }
    }
}

/// Fuzz/property target of issue #17: `Cccd::parse`.
mod cccd {
    use super::*;
    use crate::domain::cccd::Cccd;
    use crate::domain::register::Gender;

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_number_or_a_named_error(s in prop_oneof![text(), "[0-9 ]{10,14}"], year in 1800i32..2200, female in any::<bool>()) {
            match Cccd::parse(&s) {
                Ok(c) => {
                    prop_assert_eq!(Cccd::parse(c.as_str()), Ok(c.clone()));
                    prop_assert!(c.province_code() > 0);
                    let _ = c.agrees_with(year, if female { Gender::Female } else { Gender::Male });
                }
                Err(e) => {
                    prop_assert!(is_i18n_key(e.key()));
                    prop_assert_eq!(e.to_string(), e.key());
                }
            }
        }

        #[test]
        fn a_composed_number_parses_and_agrees(province in prop::sample::select(vec![1u16, 2, 68, 79, 96]), year in 1900i32..2100, female in any::<bool>(), serial in any::<u32>()) {
            let gender = if female { Gender::Female } else { Gender::Male };
            let c = Cccd::compose(province, year, gender, serial);
            prop_assert_eq!(Cccd::parse(c.as_str()), Ok(c.clone()));
            prop_assert_eq!(c.province_code(), province);
            prop_assert!(c.agrees_with(year, gender));
        }
    }
}

/// Fuzz/property target of issue #17: `Date::parse` and the register's date rules.
mod dates {
    use super::*;
    use crate::domain::register::{days_in_month, Date, PartyDates};

    fn date() -> impl Strategy<Value = Date> {
        (1800i32..=2200, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| Date {
            year: y,
            month: m,
            day: d.min(days_in_month(y, m)),
        })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_date_or_a_named_error(s in prop_oneof![text(), "[0-9]{1,12}[-/.][0-9]{1,12}[-/.][0-9]{1,12}"]) {
            match Date::parse(&s) {
                Ok(d) => {
                    prop_assert_eq!(Date::new(d.year, d.month, d.day), Ok(d));
                    prop_assert_eq!(Date::parse(&d.iso()), Ok(d));
                }
                Err(e) => prop_assert!(is_i18n_key(&e.to_string())),
            }
        }

        /// Each number of the text is the field it fills, as written: none wraps round (a month
        /// of 2³² + 1 is not January).
        #[test]
        fn the_numbers_read_are_the_numbers_written(y in prop_oneof![1800u64..=2200, 0u64..=9999], m in prop_oneof![1u64..=12, (1u64..4, 1u64..=12).prop_map(|(k, m)| (k << 32) + m)], d in prop_oneof![1u64..=31, (1u64..4, 1u64..=28).prop_map(|(k, d)| (k << 32) + d)], iso in any::<bool>()) {
            let text = if iso { format!("{y:04}-{m}-{d}") } else { format!("{d}/{m}/{y:04}") };
            if let Ok(date) = Date::parse(&text) {
                prop_assert_eq!((date.year as u64, date.month as u64, date.day as u64), (y, m, d), "{}", text);
            }
        }

        #[test]
        fn both_written_forms_read_back(d in date()) {
            prop_assert_eq!(Date::parse(&d.iso()), Ok(d));
            prop_assert_eq!(Date::parse(&d.to_string()), Ok(d));
            prop_assert_eq!(Date::parse(&format!("{}.{}.{}", d.day, d.month, d.year)), Ok(d));
        }

        #[test]
        fn party_dates_give_a_value_or_named_errors(birth in date(), joined in date(), official in proptest::option::of(date()), exempt in proptest::option::of(date()), today in date(), months in 0u32..2400) {
            match PartyDates::parse(birth, joined, official, exempt, today) {
                Ok(p) => {
                    let _ = p.status();
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for e in errors {
                        prop_assert!(is_i18n_key(&e.key), "{}", e.key);
                    }
                }
            }
            let later = birth.add_months(months);
            prop_assert!(later.day >= 1 && later.day <= days_in_month(later.year, later.month));
            let _ = birth.years_until(today);
        }
    }
}

/// Fuzz/property target of issue #17: `Identifier::parse`, activation codes and the
/// preferences cookie (all read from sign-in forms and request headers).
mod account {
    use super::*;
    use crate::domain::account::{
        check_new_password, format_activation_code, parse_activation_code, Identifier, Preferences,
    };

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_an_identifier_or_a_named_error(s in prop_oneof![text(), "[a-zA-Z0-9 .\\-\t]{0,24}"]) {
            match Identifier::parse(&s) {
                Ok(Identifier::Phone(p)) => prop_assert_eq!(Identifier::parse(p.as_str()), Ok(Identifier::Phone(p))),
                Ok(Identifier::MemberCode(c)) => {
                    prop_assert!(c.len() >= 4 && c.len() <= 20);
                    prop_assert_eq!(Identifier::parse(&c), Ok(Identifier::MemberCode(c.clone())));
                }
                Err(k) => prop_assert!(is_i18n_key(k), "{}", k),
            }
        }

        /// A phone number with any kind of space or separator in it is that phone number.
        #[test]
        fn a_spaced_out_number_is_that_number(n in "0[35789][0-9]{8}", seps in prop::collection::vec((1usize..10, prop::sample::select(vec![" ", "\t", "\u{a0}", "\u{2003}", ".", "-", "\n"])), 0..4)) {
            let mut seps = seps;
            // From the last position back, so each position is still among the digits.
            seps.sort_by_key(|s| std::cmp::Reverse(s.0));
            let mut text = n.clone();
            for (at, sep) in seps {
                text.insert_str(at, sep);
            }
            let expected = crate::domain::phone::Phone::parse(&n).unwrap();
            prop_assert_eq!(Identifier::parse(&text), Ok(Identifier::Phone(expected)), "{:?}", text);
        }

        #[test]
        fn any_text_is_an_activation_code_or_a_named_error(s in prop_oneof![text(), "[0-9 \\-]{6,12}"]) {
            match parse_activation_code(&s) {
                Ok(code) => {
                    prop_assert_eq!(code.len(), 8);
                    prop_assert_eq!(parse_activation_code(&format_activation_code(&code)), Ok(code));
                }
                Err(k) => prop_assert!(is_i18n_key(k)),
            }
            let _ = format_activation_code(&s);
        }

        #[test]
        fn activation_codes_round_trip(code in "[0-9]{8}") {
            prop_assert_eq!(parse_activation_code(&format_activation_code(&code)), Ok(code));
        }

        #[test]
        fn passwords_and_cookies_never_panic(a in text(), b in text()) {
            if let Err((field, key)) = check_new_password(&a, &b) {
                prop_assert!(field == "password" || field == "password2");
                prop_assert!(is_i18n_key(key));
            }
            if let Some(p) = Preferences::from_cookie(&a) {
                prop_assert_eq!(Preferences::from_cookie(&p.to_cookie()), Some(p));
            }
        }
    }
}

/// Fuzz/property target of issue #17: the meeting forms — `parse_time`, `Month::parse`,
/// `parse_vote`, `Venue::parse` and the schedule rule `set_schedule` builds from its fields.
mod meeting {
    use super::*;
    use crate::domain::meeting::{
        parse_time, parse_vote, weekday, Month, Recurrence, Venue, VoteChoice,
    };
    use crate::domain::register::days_in_month;

    fn month() -> impl Strategy<Value = Month> {
        (2000i32..=2100, 1u32..=12).prop_map(|(year, month)| Month { year, month })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_time_or_none(s in prop_oneof![text(), "[0-9+]{0,3}:[0-9+]{0,4}"]) {
            if let Some(t) = parse_time(&s) {
                prop_assert_eq!(t.len(), 5);
                prop_assert_eq!(parse_time(&t), Some(t));
            }
        }

        #[test]
        fn any_text_is_a_month_or_none(s in prop_oneof![text(), "[0-9+\\-]{1,6}-[0-9+\\-]{1,4}"]) {
            if let Some(m) = Month::parse(&s) {
                prop_assert_eq!(Month::parse(&m.code()), Some(m));
                prop_assert!(m.first_day() <= m.last_day());
                let _ = (m.next(), m.previous(), crate::domain::meeting::schedule_due(m));
            }
        }

        #[test]
        fn months_round_trip(m in month()) {
            prop_assert_eq!(Month::parse(&m.code()), Some(m));
            prop_assert_eq!(m.next().previous(), m);
        }

        #[test]
        fn any_vote_is_a_choice_or_a_named_error(choice in prop_oneof![text(), prop::sample::select(vec!["dong_y", "khong_dong_y", "y_kien_khac", " y_kien_khac "]).prop_map(String::from)], other in text()) {
            match parse_vote(&choice, &other) {
                Ok((c, text)) => {
                    prop_assert_eq!(Some(c), VoteChoice::from_code(choice.trim()));
                    prop_assert_eq!(text.is_some(), c == VoteChoice::Other);
                    prop_assert!(text.map(|t| t.chars().count() <= 1000).unwrap_or(true));
                }
                Err(e) => prop_assert!(is_i18n_key(&e.key), "{}", e.key),
            }
        }

        #[test]
        fn any_venue_is_a_venue_or_named_errors(format in prop_oneof![text(), prop::sample::select(vec!["tai_cho", "truc_tuyen", "ket_hop"]).prop_map(String::from)], place in text(), link in prop_oneof![text(), "https://[a-z.]{0,12}/.{0,20}"]) {
            if let Err(errors) = Venue::parse(&format, &place, &link) {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(is_i18n_key(&e.key), "{}", e.key);
                }
            }
        }

        /// The three form fields as `set_schedule` reads them, whatever they hold.
        #[test]
        fn any_schedule_form_is_a_rule_or_none(kind in prop_oneof![text(), prop::sample::select(vec!["ngay", "thu", "am"]).prop_map(String::from)], day in prop_oneof![text(), "[0-9]{1,3}"], nth in prop_oneof![text(), "[0-9:]{1,3}"], wd in prop_oneof![text(), "[0-9]{1,2}"], m in month()) {
            if let Some(rule) = Recurrence::from_form(&kind, &day, &nth, &wd) {
                prop_assert_eq!(Recurrence::from_code(&rule.code()), Some(rule));
                let d = rule.date_in(m);
                prop_assert_eq!((d.year, d.month), (m.year, m.month));
                prop_assert!(d.day >= 1 && d.day <= days_in_month(m.year, m.month), "{:?} in {:?}: {:?}", rule, m, d);
            }
            if let Some(rule) = Recurrence::from_code(&day) {
                prop_assert_eq!(Recurrence::from_code(&rule.code()), Some(rule));
            }
        }

        #[test]
        fn every_rule_round_trips_and_falls_in_its_month(n in 1u32..=31, nth in 1u32..=5, w in 0u32..=6, m in month()) {
            for rule in [Recurrence::DayOfMonth(n), Recurrence::NthWeekday { n: nth, weekday: w }, Recurrence::LunarDay(n.min(30))] {
                prop_assert_eq!(Recurrence::from_code(&rule.code()), Some(rule));
                let d = rule.date_in(m);
                prop_assert!(d.day >= 1 && d.day <= days_in_month(m.year, m.month));
                if let Recurrence::NthWeekday { .. } = rule {
                    prop_assert_eq!(weekday(d), w);
                }
            }
        }
    }
}

/// Fuzz/property target of issue #17: `parse_clock` (quiet hours).
mod clock {
    use super::*;
    use crate::domain::notification::{format_clock, groups_off, parse_clock, MINUTES_PER_DAY};

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_clock_or_a_named_error(s in prop_oneof![text(), "[0-9 ]{0,3}[:hg][0-9 ]{0,3}"]) {
            match parse_clock(&s) {
                Ok(m) => {
                    prop_assert!(m < MINUTES_PER_DAY);
                    prop_assert_eq!(parse_clock(&format_clock(m)), Ok(m));
                }
                Err(k) => prop_assert!(is_i18n_key(k)),
            }
            let _ = groups_off(&s);
        }

        #[test]
        fn clocks_round_trip(m in 0u32..MINUTES_PER_DAY) {
            prop_assert_eq!(parse_clock(&format_clock(m)), Ok(m));
        }
    }
}

/// Fuzz/property target of issue #17: `DocNumber::parse` and search terms.
mod document {
    use super::*;
    use crate::domain::document::DocNumber;

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_number_or_a_named_error(s in prop_oneof![text(), "[0-9]{1,7} ?[-–] ?[A-Za-zĐđ]{1,4}/[A-Za-zĐđ0-9\\-]{1,8}"]) {
            match DocNumber::parse(&s) {
                Ok(n) => {
                    prop_assert_eq!(DocNumber::parse(n.as_str()), Ok(n.clone()));
                    let _ = n.doc_type();
                }
                Err(k) => prop_assert!(is_i18n_key(k)),
            }
            let terms = crate::domain::text::search_terms(&s);
            prop_assert!(terms.len() <= 12 && terms.iter().all(|t| t.chars().count() <= 40 && !t.is_empty()));
        }
    }
}

/// Fuzz/property target of issue #17: the register import's rules — header guessing, mapping
/// checks and `parse_row` on arbitrary cells under the national export's mapping.
mod import {
    use super::*;
    use crate::domain::cccd::Cccd;
    use crate::domain::import::{
        changes, check_archive, check_mapping, exemption_change, guess_mapping, merged, parse_row,
        Field, Held, Mapping,
    };
    use crate::domain::register::{Date, Gender};

    const HEADERS: [&str; 17] = [
        "Mã tổ chức đảng",
        "Mã đảng viên",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Quê quán",
        "Số CCCD",
        "Số điện thoại",
        "Số thẻ đảng",
        "Ngày vào Đảng",
        "Ngày chính thức",
        "Trạng thái",
        "Miễn sinh hoạt từ",
        "Lý do miễn sinh hoạt",
        "Chức vụ",
        "Địa chỉ",
    ];

    fn mapping() -> Mapping {
        guess_mapping(&HEADERS.map(String::from))
    }

    fn today() -> Date {
        Date {
            year: 2026,
            month: 11,
            day: 22,
        }
    }

    /// A cell as exports and hostile files have them.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => text(),
            1 => Just(String::new()),
            1 => Just("-".to_string()),
            1 => "[0-3]?[0-9]/[01]?[0-9]/(19|20)[0-9]{2}",
            1 => "(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]( 00:00:00|T00:00)?",
            1 => "0?[35789][0-9]{8}",
            1 => "0?[0-9]{11}",
            1 => prop::sample::select(vec!["Nam", "Nữ", "nu", "Chính thức", "Dự bị", "Bí thư", "Đảng viên", "=1+1", "+84 912 345 678", "@SUM(A1)", "-1+2", "\t=x"]).prop_map(String::from),
            1 => "[a-zA-ZÀ-ỹ ]{501,520}",
        ]
    }

    fn check_errors(errors: &[crate::domain::register::FieldError]) -> Result<(), TestCaseError> {
        prop_assert!(!errors.is_empty());
        for e in errors {
            prop_assert!(is_i18n_key(&e.key), "{}", e.key);
            prop_assert!(
                e.field == "row" || Field::from_code(&e.field).is_some(),
                "{}",
                e.field
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_row_is_a_member_or_named_errors(cells in prop::collection::vec(cell(), 0..20)) {
            let m = mapping();
            prop_assert!(check_mapping(&m).is_ok());
            match parse_row(&cells, &m, today()) {
                Ok(row) => {
                    let new = merged(&Held::default(), &row);
                    let _ = (changes(&Held::default(), &new), exemption_change(&Held::default(), &new));
                    if let Some(c) = &row.cccd {
                        prop_assert_eq!(Cccd::parse(c.as_str()), Ok(c.clone()));
                    }
                    prop_assert!(row.dates.birth <= today() && row.dates.joined <= today());
                }
                Err(errors) => check_errors(&errors)?,
            }
        }

        /// A good row with a few cells replaced by anything (blanks and "-" most often).
        #[test]
        fn a_good_row_with_bad_cells_is_a_member_or_named_errors(edits in prop::collection::vec((0usize..17, prop_oneof![1 => Just(String::new()), 1 => Just("-".to_string()), 2 => cell()]), 1..4)) {
            let mut cells: Vec<String> = [
                "CB01", "DV0001", "Nguyễn Văn An", "05/01/1970", "Nam", "Kinh", "Hà Nội", "001070012345", "0912345678", "12345",
                "01/06/1995", "01/06/1996", "Chính thức", "", "", "Bí thư", "Số 5 Hàng Bài",
            ].map(String::from).to_vec();
            prop_assert!(parse_row(&cells, &mapping(), today()).is_ok());
            for (at, value) in edits {
                cells[at] = value;
            }
            if let Err(errors) = parse_row(&cells, &mapping(), today()) {
                check_errors(&errors)?;
            }
        }

        #[test]
        fn any_row_under_any_mapping_never_panics(cells in prop::collection::vec(cell(), 0..8), fields in prop::collection::vec(proptest::option::of(prop::sample::select(Field::ALL.to_vec())), 0..10)) {
            if let Err(errors) = parse_row(&cells, &fields, today()) {
                check_errors(&errors)?;
            }
            if let Err(errors) = check_mapping(&fields) {
                for e in errors {
                    prop_assert!(is_i18n_key(&e.key));
                }
            }
        }

        /// A member written out as the national export writes them reads back as that member.
        #[test]
        fn a_written_member_reads_back(birth_year in 1930i32..1985, age_at_joining in 18i32..40, month in 1u32..=12, day in 1u32..=28, female in any::<bool>(), phone in "0[35789][0-9]{8}", serial in 0u32..1_000_000, iso in any::<bool>(), official in any::<bool>()) {
            let birth = Date { year: birth_year, month, day };
            let joined = Date { year: birth_year + age_at_joining, month, day };
            let official_date = official.then(|| joined.add_months(12));
            let gender = if female { Gender::Female } else { Gender::Male };
            let cccd = Cccd::compose(1, birth_year, gender, serial);
            let write = |d: Date| if iso { d.iso() } else { d.to_string() };
            let cells: Vec<String> = vec![
                "CB01".into(), "DV0001".into(), "Nguyễn Thị Bình".into(), write(birth), if female { "Nữ".into() } else { "Nam".into() }, "Kinh".into(), "".into(),
                // Spreadsheets drop the leading zeros of numbers.
                cccd.as_str().trim_start_matches('0').to_string(), phone[1..].to_string(),
                "".into(), write(joined), official_date.map(write).unwrap_or_default(), if official { "Chính thức".into() } else { "Dự bị".into() }, "".into(), "".into(), "".into(), "".into(),
            ];
            let row = parse_row(&cells, &mapping(), today()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(row.dates.birth, birth);
            prop_assert_eq!(row.dates.joined, joined);
            prop_assert_eq!(row.dates.official, official_date);
            prop_assert_eq!(row.gender, gender);
            prop_assert_eq!(row.cccd, Some(cccd));
            prop_assert_eq!(row.phone.map(|p| p.as_str().to_string()), Some(phone));
            prop_assert_eq!(row.full_name, "Nguyễn Thị Bình");
        }

        #[test]
        fn any_headers_guess_each_field_at_most_once(headers in prop::collection::vec(prop_oneof![text(), prop::sample::select(HEADERS.to_vec()).prop_map(String::from), prop::sample::select(Field::ALL.map(Field::code).to_vec()).prop_map(|c| c.to_uppercase())], 0..30)) {
            let m = guess_mapping(&headers);
            prop_assert_eq!(m.len(), headers.len());
            for f in Field::ALL {
                prop_assert!(m.iter().filter(|x| **x == Some(f)).count() <= 1);
            }
            if let Err(errors) = check_mapping(&m) {
                for e in errors {
                    prop_assert!(is_i18n_key(&e.key));
                }
            }
        }

        /// The field codes are headers too, in any order and case: the mapping comes back.
        #[test]
        fn field_codes_as_headers_map_back(order in Just(Field::ALL.to_vec()).prop_shuffle(), upper in any::<bool>()) {
            let headers: Vec<String> = order.iter().map(|f| if upper { f.code().to_uppercase() } else { f.code().to_string() }).collect();
            prop_assert_eq!(guess_mapping(&headers), order.into_iter().map(Some).collect::<Mapping>());
        }

        #[test]
        fn any_zip_directory_is_accepted_or_refused_by_name(entries in prop::collection::vec((any::<u64>(), any::<u64>()), 0..20)) {
            if let Err(k) = check_archive(&entries) {
                prop_assert!(is_i18n_key(k));
            }
        }
    }
}
