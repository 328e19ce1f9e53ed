//! Rules of accounts: how members identify themselves, passwords, activation codes,
//! display preferences, and how repeated failed sign-ins are slowed and then locked.

use super::cccd::Cccd;
use super::code::coded_enum;
use super::phone::Phone;
use super::register::{Date, FieldError};
use serde::{Deserialize, Serialize};

coded_enum!(
    /// An account's state. `Blocked` is never stored: it is a `disabled` account an admin
    /// disabled (`blocked_by` set), which the queries that read a status report as such, since
    /// no code and no join approval may reopen it.
    AccountStatus {
        /// Asked to join; the cell's leadership has not decided.
        Pending = "pending",
        Active = "active",
        Rejected = "rejected",
        /// Not yet activated, or disabled.
        Disabled = "disabled",
        Blocked = "blocked",
    }
);

coded_enum!(
    /// What a one-time code does: set the first password of an account, or replace the password
    /// of one in use (the member is told at once, and the audit log says which).
    ActivationPurpose {
        Activate = "activate",
        Reset = "reset",
    }
);

coded_enum!(
    /// A self-registration request: waiting for the cell's leadership, or decided.
    JoinRequestStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
);

coded_enum!(
    /// A member's proposed new phone or address: waiting for the secretary, or decided.
    ContactChangeStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
);

/// What a member types to sign in: a phone number in any common form, or the member code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identifier {
    Phone(Phone),
    MemberCode(String),
}

impl Identifier {
    pub fn parse(input: &str) -> Result<Identifier, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("err_identifier_empty");
        }
        if let Ok(phone) = Phone::parse(trimmed) {
            return Ok(Identifier::Phone(phone));
        }
        let code: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        // A number typed with a tab or another kind of space is still the number.
        if let Ok(phone) = Phone::parse(&code) {
            return Ok(Identifier::Phone(phone));
        }
        if code.len() >= 4
            && code.len() <= 20
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Ok(Identifier::MemberCode(code.to_ascii_uppercase()));
        }
        Err("err_identifier_invalid")
    }

    /// The key sign-in throttling counts failures under.
    pub fn throttle_key(&self) -> String {
        match self {
            Identifier::Phone(p) => format!("id:{}", p.as_str()),
            Identifier::MemberCode(c) => format!("id:{c}"),
        }
    }
}

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A new password: long enough, not absurdly long, and typed the same twice.
pub fn check_new_password(
    password: &str,
    repeated: &str,
) -> Result<(), (&'static str, &'static str)> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(("password", "err_password_short"));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(("password", "err_password_long"));
    }
    if password != repeated {
        return Err(("password2", "err_password_mismatch"));
    }
    Ok(())
}

/// Activation codes: 8 digits, read aloud or printed as "1234 5678".
pub const ACTIVATION_CODE_DIGITS: usize = 8;
pub const ACTIVATION_CODE_DAYS: i64 = 7;

pub fn parse_activation_code(input: &str) -> Result<String, &'static str> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() != ACTIVATION_CODE_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("err_code_shape");
    }
    Ok(digits)
}

/// The activation (or reset) form: who, the code they were given, and the password they choose.
/// Checked in the order the form reports them: the password, then the identifier, then the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivationDraft {
    pub identifier: Identifier,
    /// The code's digits only.
    pub code: String,
    pub password: String,
}

impl ActivationDraft {
    pub fn parse(
        identifier: &str,
        code: &str,
        password: &str,
        password2: &str,
    ) -> Result<ActivationDraft, FieldError> {
        check_new_password(password, password2).map_err(|(f, k)| FieldError::new(f, k))?;
        let identifier =
            Identifier::parse(identifier).map_err(|k| FieldError::new("identifier", k))?;
        let code = parse_activation_code(code).map_err(|k| FieldError::new("code", k))?;
        Ok(ActivationDraft {
            identifier,
            code,
            password: password.to_string(),
        })
    }
}

pub fn format_activation_code(digits: &str) -> String {
    match (digits.get(..4), digits.get(4..)) {
        (Some(head), Some(tail)) if !tail.is_empty() => format!("{head} {tail}"),
        _ => digits.to_string(),
    }
}

/// How the join form names the member: their member code, or their CCCD with their birth date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinMatch {
    /// Upper-cased, as stored.
    MemberCode(String),
    /// The CCCD's 12 digits and the ISO birth date.
    CccdAndBirth(String, String),
}

/// The self-registration form: the phone to sign in with, who the member is, and the password
/// they choose. Every field's error at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinDraft {
    pub phone: Phone,
    pub member: JoinMatch,
    pub password: String,
}

impl JoinDraft {
    pub fn parse(
        phone: &str,
        member_code: &str,
        cccd: &str,
        birth_date: &str,
        password: &str,
        password2: &str,
    ) -> Result<JoinDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let phone = Phone::parse(phone)
            .map_err(|e| errors.push(FieldError::new("phone", e.key())))
            .ok();
        let code = member_code.trim().to_ascii_uppercase();
        // The CCCD and birth date are read only when no member code was given.
        let member = if code.is_empty() {
            let c = Cccd::parse(cccd)
                .map_err(|e| errors.push(FieldError::new("cccd", e.key())))
                .ok();
            let b = Date::parse(birth_date)
                .map_err(|_| errors.push(FieldError::new("birth_date", "err_date_format")))
                .ok();
            c.zip(b)
                .map(|(c, b)| JoinMatch::CccdAndBirth(c.as_str().to_string(), b.iso()))
        } else {
            Some(JoinMatch::MemberCode(code))
        };
        if let Err((field, key)) = check_new_password(password, password2) {
            errors.push(FieldError::new(field, key));
        }
        match (phone, member) {
            (Some(phone), Some(member)) if errors.is_empty() => Ok(JoinDraft {
                phone,
                member,
                password: password.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

/// Longest address a member may propose, in characters.
pub const ADDRESS_MAX_CHARS: usize = 300;

/// A member's proposed new phone and/or address (empty: unchanged). The first error only.
/// Server-only: NFC composition (`text`) is not shipped to the browser.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactChangeDraft {
    pub phone: Option<Phone>,
    /// Trimmed, in NFC.
    pub address: Option<String>,
}

#[cfg(feature = "ssr")]
impl ContactChangeDraft {
    pub fn parse(phone: &str, address: &str) -> Result<ContactChangeDraft, FieldError> {
        let phone = if phone.trim().is_empty() {
            None
        } else {
            Some(Phone::parse(phone).map_err(|e| FieldError::new("phone", e.key()))?)
        };
        let address = address.trim();
        if address.chars().count() > ADDRESS_MAX_CHARS {
            return Err(FieldError::new("address", "err_too_long"));
        }
        let address = (!address.is_empty()).then(|| super::text::nfc(address));
        if phone.is_none() && address.is_none() {
            return Err(FieldError::new("phone", "err_contact_change_empty"));
        }
        Ok(ContactChangeDraft { phone, address })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    ExtraLarge,
}

crate::domain::code::coded_by_hand!(TextSize);

impl TextSize {
    pub fn code(self) -> &'static str {
        match self {
            TextSize::Normal => "normal",
            TextSize::Large => "large",
            TextSize::ExtraLarge => "xlarge",
        }
    }
    pub fn from_code(code: &str) -> Option<TextSize> {
        match code {
            "normal" => Some(TextSize::Normal),
            "large" => Some(TextSize::Large),
            "xlarge" => Some(TextSize::ExtraLarge),
            _ => None,
        }
    }
}

/// Display preferences, kept on the account and in a cookie the server reads, so the first
/// HTML already has the right size and hydration never disagrees with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Preferences {
    pub text_size: TextSize,
    pub simple_mode: bool,
    /// Data saver: no images until tapped, nothing fetched ahead for offline reading.
    #[serde(default)]
    pub data_saver: bool,
}

impl Preferences {
    /// Cookie value, e.g. `large.1.0` (text size, simplified mode, data saver).
    pub fn to_cookie(self) -> String {
        format!(
            "{}.{}.{}",
            self.text_size.code(),
            self.simple_mode as u8,
            self.data_saver as u8
        )
    }
    /// Also reads the older two-part cookie (`large.1`), without data saver.
    pub fn from_cookie(value: &str) -> Option<Preferences> {
        let mut parts = value.split('.');
        let flag = |p: Option<&str>| match p {
            Some("1") => Some(true),
            Some("0") | None => Some(false),
            _ => None,
        };
        let text_size = TextSize::from_code(parts.next()?)?;
        let simple = parts.next()?;
        let simple_mode = flag(Some(simple))?;
        let data_saver = flag(parts.next())?;
        if parts.next().is_some() {
            return None;
        }
        Some(Preferences {
            text_size,
            simple_mode,
            data_saver,
        })
    }
}

/// Members born before this year are offered simplified mode at their first sign-in.
pub const SIMPLE_MODE_OFFER_BORN_BEFORE: i32 = 1956;

pub fn offer_simple_mode(birth_year: i32, already_offered: bool) -> bool {
    !already_offered && birth_year < SIMPLE_MODE_OFFER_BORN_BEFORE
}

/// Sign-in throttling. Per identifier (and per activation code, per passkey account): from the
/// 5th failure in a row each attempt waits 30 s more; from the 10th the identifier is locked for
/// 15 minutes. Per client address nothing is ever locked — behind a carrier's NAT or the reverse
/// proxy many members share one address — but past 10 failures every answer to that address
/// waits a little longer (`address_delay_ms`). A successful sign-in clears the identifier's
/// counter. Counts are kept in the database and incremented atomically, so concurrent failures
/// all count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleState {
    pub failures: i64,
    pub window_start: i64,
    pub locked_until: i64,
}

pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
pub const LOCK_SECS: i64 = 15 * 60;
/// Failures an address may have in the window before its answers are slowed.
pub const ADDRESS_FREE_FAILURES: i64 = 10;
/// Each failure past the free ones adds this much to every answer of the address…
pub const ADDRESS_DELAY_STEP_MS: u64 = 100;
/// …up to this.
pub const ADDRESS_DELAY_MAX_MS: u64 = 3_000;
/// Wrong tries one activation or reset code survives; then it is void (a new one is needed).
pub const CODE_MAX_FAILED_ATTEMPTS: i64 = 5;
/// Join requests: per address and per member in the throttle window.
pub const JOIN_REQUESTS_PER_ADDRESS: i64 = 10;
pub const JOIN_REQUESTS_PER_MEMBER: i64 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThrottleKind {
    Identifier,
    Address,
}

/// Seconds the caller must still wait, or 0.
pub fn wait_seconds(state: Option<ThrottleState>, now: i64) -> i64 {
    state.map(|s| (s.locked_until - now).max(0)).unwrap_or(0)
}

/// Whether a stored count has run out: its window passed and no lock holds. The database's
/// atomic increment applies the same test (`accounts::repo::count_failure`).
pub fn window_expired(state: ThrottleState, now: i64) -> bool {
    now - state.window_start >= THROTTLE_WINDOW_SECS && state.locked_until <= now
}

/// Until when a key with `failures` failures in its window is locked (0: not locked).
pub fn lock_until(kind: ThrottleKind, failures: i64, now: i64) -> i64 {
    match kind {
        ThrottleKind::Identifier if failures >= 10 => now + LOCK_SECS,
        ThrottleKind::Identifier if failures >= 5 => now + 30 * (failures - 4),
        _ => 0,
    }
}

/// How long to hold every answer to an address with this many failures in the window.
pub fn address_delay_ms(state: Option<ThrottleState>, now: i64) -> u64 {
    match state {
        Some(s) if !window_expired(s, now) && s.failures > ADDRESS_FREE_FAILURES => {
            ((s.failures - ADDRESS_FREE_FAILURES) as u64 * ADDRESS_DELAY_STEP_MS)
                .min(ADDRESS_DELAY_MAX_MS)
        }
        _ => 0,
    }
}

/// The state after one more failure at `now` (the rule the database's increment follows).
pub fn after_failure(kind: ThrottleKind, state: Option<ThrottleState>, now: i64) -> ThrottleState {
    let mut s = match state {
        Some(s) if !window_expired(s, now) => s,
        _ => ThrottleState {
            failures: 0,
            window_start: now,
            locked_until: 0,
        },
    };
    s.failures += 1;
    s.locked_until = s.locked_until.max(lock_until(kind, s.failures, now));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(
            Identifier::parse("+84 900 000 001").unwrap(),
            Identifier::Phone(Phone::parse("0900000001").unwrap())
        );
        assert_eq!(
            Identifier::parse(" 6800000012 ").unwrap(),
            Identifier::MemberCode("6800000012".into())
        );
        assert_eq!(
            Identifier::parse("dv-123").unwrap(),
            Identifier::MemberCode("DV-123".into())
        );
        assert_eq!(Identifier::parse("  "), Err("err_identifier_empty"));
        assert_eq!(Identifier::parse("a b"), Err("err_identifier_invalid"));
        assert_eq!(Identifier::parse("'; drop"), Err("err_identifier_invalid"));
        assert_eq!(
            Identifier::parse("0900000001").unwrap().throttle_key(),
            Identifier::parse("84900000001").unwrap().throttle_key()
        );
        // Issue #17's round-trip property: typed with a tab, the number became a member code.
        assert_eq!(
            Identifier::parse("0900\t000 001").unwrap(),
            Identifier::Phone(Phone::parse("0900000001").unwrap())
        );
    }

    #[test]
    fn passwords() {
        assert!(check_new_password("sotay2026", "sotay2026").is_ok());
        assert_eq!(
            check_new_password("short", "short"),
            Err(("password", "err_password_short"))
        );
        assert_eq!(
            check_new_password("longenough", "longenougH"),
            Err(("password2", "err_password_mismatch"))
        );
        assert_eq!(
            check_new_password(&"x".repeat(129), &"x".repeat(129)),
            Err(("password", "err_password_long"))
        );
        // Counted in characters: eight Vietnamese letters are enough.
        assert!(check_new_password("đảngviên", "đảngviên").is_ok());
    }

    #[test]
    fn activation_codes() {
        assert_eq!(parse_activation_code("1234 5678").unwrap(), "12345678");
        assert_eq!(parse_activation_code("1234-5678").unwrap(), "12345678");
        assert_eq!(parse_activation_code("1234567"), Err("err_code_shape"));
        assert_eq!(parse_activation_code("1234567a"), Err("err_code_shape"));
        assert_eq!(format_activation_code("12345678"), "1234 5678");
        // Never a slice through a character or past the end (issue #17).
        assert_eq!(format_activation_code("123"), "123");
        assert_eq!(format_activation_code("123\u{e9}5678"), "123\u{e9}5678");
    }

    #[test]
    fn activation_drafts() {
        let d =
            ActivationDraft::parse("0900 000 001", "1234 5678", "sotay2026", "sotay2026").unwrap();
        assert_eq!(
            d,
            ActivationDraft {
                identifier: Identifier::Phone(Phone::parse("0900000001").unwrap()),
                code: "12345678".into(),
                password: "sotay2026".into(),
            }
        );
        let err = |i, c, p, p2| ActivationDraft::parse(i, c, p, p2).unwrap_err();
        assert_eq!(
            err("0900000001", "12345678", "short", "short"),
            FieldError::new("password", "err_password_short")
        );
        assert_eq!(
            err("0900000001", "12345678", "sotay2026", "sotay2027"),
            FieldError::new("password2", "err_password_mismatch")
        );
        // The password is reported first, then the identifier, then the code.
        assert_eq!(
            err("", "1", "short", "short"),
            FieldError::new("password", "err_password_short")
        );
        assert_eq!(
            err(" ", "1", "sotay2026", "sotay2026"),
            FieldError::new("identifier", "err_identifier_empty")
        );
        assert_eq!(
            err("a b", "12345678", "sotay2026", "sotay2026"),
            FieldError::new("identifier", "err_identifier_invalid")
        );
        assert_eq!(
            err("0900000001", "1234 567", "sotay2026", "sotay2026"),
            FieldError::new("code", "err_code_shape")
        );
    }

    #[test]
    fn join_drafts() {
        let ok = |phone, code, cccd, birth| {
            JoinDraft::parse(phone, code, cccd, birth, "sotay2026", "sotay2026")
        };
        assert_eq!(
            ok("0900000001", " dv-12 ", "", "").unwrap(),
            JoinDraft {
                phone: Phone::parse("0900000001").unwrap(),
                member: JoinMatch::MemberCode("DV-12".into()),
                password: "sotay2026".into(),
            }
        );
        // With a member code the CCCD and birth date are not read at all.
        assert!(ok("0900000001", "DV-12", "nonsense", "nonsense").is_ok());
        assert_eq!(
            ok("0900000001", "", "068 1 85 001234", "05/03/1985")
                .unwrap()
                .member,
            JoinMatch::CccdAndBirth("068185001234".into(), "1985-03-05".into())
        );
        let keys = |r: Result<JoinDraft, Vec<FieldError>>| {
            r.unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.key))
                .collect::<Vec<_>>()
        };
        let pair = |f: &str, k: &str| (f.to_string(), k.to_string());
        assert_eq!(
            keys(ok("", "DV-12", "", "")),
            vec![pair("phone", "err_phone_empty")]
        );
        assert_eq!(
            keys(ok("0900000001", "", "", "05/03/1985")),
            vec![pair("cccd", "err_cccd_empty")]
        );
        assert_eq!(
            keys(ok("0900000001", "", "068185001234", "31/02/1985")),
            vec![pair("birth_date", "err_date_format")]
        );
        assert_eq!(
            keys(JoinDraft::parse(
                "0900000001",
                "DV-12",
                "",
                "",
                "short",
                "short"
            )),
            vec![pair("password", "err_password_short")]
        );
        assert_eq!(
            keys(JoinDraft::parse(
                "0900000001",
                "DV-12",
                "",
                "",
                "sotay2026",
                "sotay2027"
            )),
            vec![pair("password2", "err_password_mismatch")]
        );
        // Every field's error at once, in the form's order.
        assert_eq!(
            keys(JoinDraft::parse("12", "", "1", "x", "a", "a")),
            vec![
                pair("phone", "err_phone_length"),
                pair("cccd", "err_cccd_shape"),
                pair("birth_date", "err_date_format"),
                pair("password", "err_password_short"),
            ]
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn contact_change_drafts() {
        assert_eq!(
            ContactChangeDraft::parse(" +84 900 000 001 ", "  ").unwrap(),
            ContactChangeDraft {
                phone: Some(Phone::parse("0900000001").unwrap()),
                address: None,
            }
        );
        // The address is trimmed and composed (NFC): "ê" typed as e + combining circumflex.
        assert_eq!(
            ContactChangeDraft::parse("", " Nghe\u{302} An ").unwrap(),
            ContactChangeDraft {
                phone: None,
                address: Some("Ngh\u{ea} An".into()),
            }
        );
        assert_eq!(
            ContactChangeDraft::parse("12", "Hà Nội").unwrap_err(),
            FieldError::new("phone", "err_phone_length")
        );
        assert!(ContactChangeDraft::parse("", &"a".repeat(ADDRESS_MAX_CHARS)).is_ok());
        assert_eq!(
            ContactChangeDraft::parse("", &"a".repeat(ADDRESS_MAX_CHARS + 1)).unwrap_err(),
            FieldError::new("address", "err_too_long")
        );
        assert_eq!(
            ContactChangeDraft::parse(" ", " ").unwrap_err(),
            FieldError::new("phone", "err_contact_change_empty")
        );
    }

    #[test]
    fn preferences_cookie() {
        let p = Preferences {
            text_size: TextSize::Large,
            simple_mode: true,
            data_saver: true,
        };
        assert_eq!(
            Preferences::from_cookie("large.1"),
            Some(Preferences {
                data_saver: false,
                ..p
            })
        );
        assert_eq!(Preferences::from_cookie("large.1.1.1"), None);
        assert_eq!(p.to_cookie(), "large.1.1");
        assert_eq!(Preferences::from_cookie("large.1.1"), Some(p));
        assert_eq!(Preferences::from_cookie("huge.1"), None);
        assert_eq!(Preferences::from_cookie("normal.2"), None);
        assert_eq!(Preferences::from_cookie(""), None);
    }

    #[test]
    fn simple_mode_offer() {
        assert!(offer_simple_mode(1946, false));
        assert!(!offer_simple_mode(1946, true));
        assert!(!offer_simple_mode(1956, false));
    }

    #[test]
    fn throttling_slows_then_locks() {
        let now = 1_000_000;
        let mut s = None;
        for i in 1..=4 {
            s = Some(after_failure(ThrottleKind::Identifier, s, now));
            assert_eq!(wait_seconds(s, now), 0, "failure {i}");
        }
        s = Some(after_failure(ThrottleKind::Identifier, s, now));
        assert_eq!(wait_seconds(s, now), 30);
        s = Some(after_failure(ThrottleKind::Identifier, s, now + 30));
        assert_eq!(wait_seconds(s, now + 30), 60);
        for _ in 7..=10 {
            s = Some(after_failure(ThrottleKind::Identifier, s, now + 100));
        }
        assert_eq!(wait_seconds(s, now + 100), LOCK_SECS);
        // Waiting it out ends the lock and, past the window, starts counting afresh.
        let later = now + 100 + LOCK_SECS + THROTTLE_WINDOW_SECS;
        assert_eq!(wait_seconds(s, later), 0);
        assert_eq!(
            after_failure(ThrottleKind::Identifier, s, later).failures,
            1
        );
        // Addresses are never locked, only slowed, and the delay has a ceiling.
        let mut a = None;
        for _ in 0..ADDRESS_FREE_FAILURES {
            a = Some(after_failure(ThrottleKind::Address, a, now));
        }
        assert_eq!(address_delay_ms(a, now), 0);
        a = Some(after_failure(ThrottleKind::Address, a, now));
        assert_eq!(address_delay_ms(a, now), ADDRESS_DELAY_STEP_MS);
        for _ in 0..1000 {
            a = Some(after_failure(ThrottleKind::Address, a, now));
        }
        assert_eq!(wait_seconds(a, now), 0, "an address is never locked");
        assert_eq!(address_delay_ms(a, now), ADDRESS_DELAY_MAX_MS);
        assert_eq!(
            address_delay_ms(a, now + THROTTLE_WINDOW_SECS),
            0,
            "the window passes"
        );
        assert_eq!(address_delay_ms(None, now), 0);
    }
}
