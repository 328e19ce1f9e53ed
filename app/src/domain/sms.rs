//! SMS for members without a smartphone: the texts (at most 160 characters, without diacritics
//! when the provider needs it), the answers a member can send back, the signature of the
//! provider's inbound webhook, and when messages may go out. No I/O here.

use super::meeting::Rsvp;
use super::register::Date;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// One SMS segment of 7-bit text.
pub const MAX_CHARS: usize = 160;
/// How far an inbound request's timestamp may be from the server's clock.
pub const INBOUND_MAX_SKEW_SECONDS: i64 = 300;
/// Messages go out between 07:00 and 21:00, Vietnam time; later ones wait for the morning.
pub const SEND_FROM_MINUTE: i64 = 7 * 60;
pub const SEND_UNTIL_MINUTE: i64 = 21 * 60;
const VIETNAM_UTC_OFFSET_SECONDS: i64 = 7 * 3600;

super::code::coded_enum!(
    /// What a message is about (also `sms_messages.kind`).
    SmsKind {
        /// A meeting was published: date, time, place, and how to answer.
        MeetingNotice = "hop_cong_bo",
        /// The day before a meeting, to those who have not answered.
        MeetingReminder = "nhac_hop",
        /// A task assigned to the member.
        TaskAssigned = "nhiem_vu_giao",
    }
);

super::code::coded_enum!(
    /// Where a message is in its life (`sms_messages.status`). `Sending` that never ends (a
    /// server died mid-send) is left alone: a message is sent at most once.
    SmsStatus {
        Queued = "queued",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        /// Not sent: the organisation's monthly cap was reached.
        OverCap = "over_cap",
    }
);

/// Vietnamese without its marks (`Đ` → `D`), for providers that take 7-bit text only.
pub fn strip_marks(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// The words of the messages in the member's language (from the locale files).
#[derive(Clone, Debug)]
pub struct Words<'a> {
    pub notice: &'a str,
    pub reminder: &'a str,
    pub task: &'a str,
    pub due: &'a str,
    pub at_place: &'a str,
    pub reply_hint: &'a str,
    /// Monday first.
    pub weekdays: [&'a str; 7],
}

/// Monday = 0 (the Julian day number of a Monday is divisible by 7).
pub fn weekday(d: Date) -> usize {
    (super::lunar::julian_day(d.year, d.month, d.day).rem_euclid(7)) as usize
}

/// The text with its free part (a title, a place) shortened so the whole fits one segment.
fn fit(prefix: &str, free: &str, suffix: &str, ascii: bool) -> String {
    let conv = |s: &str| if ascii { strip_marks(s) } else { s.to_string() };
    let (prefix, free, suffix) = (conv(prefix), conv(free), conv(suffix));
    let fixed = prefix.chars().count() + suffix.chars().count();
    let room = MAX_CHARS.saturating_sub(fixed);
    let free = if free.chars().count() > room {
        let kept: String = free.chars().take(room.saturating_sub(3)).collect();
        format!("{}...", kept.trim_end())
    } else {
        free
    };
    let text = format!("{prefix}{free}{suffix}");
    text.chars().take(MAX_CHARS).collect()
}

/// "Họp chi bộ: <title>, 19:30 thứ Năm 10/12 tại <place>. Trả lời 1 …" (or the reminder's
/// opening). The title and place give way first when it is long.
#[allow(clippy::too_many_arguments)]
pub fn meeting_text(
    w: &Words,
    reminder: bool,
    title: &str,
    date: Date,
    time: &str,
    place: &str,
    ascii: bool,
) -> String {
    let opening = if reminder { w.reminder } else { w.notice };
    let when = format!(
        "{time} {} {:02}/{:02}",
        w.weekdays[weekday(date)],
        date.day,
        date.month
    );
    let middle = match (title.trim(), place.trim()) {
        ("", "") => String::new(),
        ("", p) => format!(", {} {p}", w.at_place),
        (t, "") => format!(", {t}"),
        (t, p) => format!(", {t}, {} {p}", w.at_place),
    };
    // The date and the answer hint are never cut: the title and place are.
    fit(
        &format!("{opening}: {when}"),
        &middle,
        &format!(". {}", w.reply_hint),
        ascii,
    )
}

/// "Nhiệm vụ mới: <title>, hạn 20/12."
pub fn task_text(w: &Words, title: &str, due: Option<Date>, ascii: bool) -> String {
    let suffix = match due {
        Some(d) => format!(", {} {:02}/{:02}/{}.", w.due, d.day, d.month, d.year),
        None => ".".to_string(),
    };
    fit(&format!("{}: ", w.task), title.trim(), &suffix, ascii)
}

/// A member's answer by SMS: "1" will attend, "2" excused (spaces, a final full stop and the
/// words some phones add are tolerated); anything else is for the secretary to read.
pub fn parse_reply(text: &str) -> Option<Rsvp> {
    let t = strip_marks(text).to_lowercase();
    let t = t.trim().trim_end_matches(['.', '!']).trim();
    match t {
        "1" | "co" | "co mat" | "du" | "se du" => Some(Rsvp::Attending),
        "2" | "vang" | "xin vang" => Some(Rsvp::Excused),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InboundError {
    /// No signature, a malformed one, or one that does not match.
    BadSignature,
    /// The timestamp is missing, not a number, or too far from now (a replay).
    Stale,
}

type HmacSha256 = Hmac<Sha256>;

/// The signature the provider puts in `X-Sotay-Signature`: hex HMAC-SHA256 of
/// `"<timestamp>.<body>"` with the shared secret.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks an inbound request: the timestamp close to `now` and the signature right (compared
/// in constant time).
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    body: &[u8],
    signature: Option<&str>,
    now: i64,
) -> Result<(), InboundError> {
    let ts = timestamp.ok_or(InboundError::Stale)?;
    let at: i64 = ts.trim().parse().map_err(|_| InboundError::Stale)?;
    if (now - at).abs() > INBOUND_MAX_SKEW_SECONDS {
        return Err(InboundError::Stale);
    }
    let sig = signature.ok_or(InboundError::BadSignature)?.trim();
    let sig = sig.strip_prefix("sha256=").unwrap_or(sig);
    if sig.len() != 64 || !sig.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(InboundError::BadSignature);
    }
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&sig[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect();
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| InboundError::BadSignature)?;
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&bytes)
        .map_err(|_| InboundError::BadSignature)
}

/// Whether messages may go out at `now` (unix seconds): not at night.
pub fn in_send_window(now: i64) -> bool {
    let minute = (now + VIETNAM_UTC_OFFSET_SECONDS).rem_euclid(86_400) / 60;
    (SEND_FROM_MINUTE..SEND_UNTIL_MINUTE).contains(&minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words<'static> {
        Words {
            notice: "Họp chi bộ",
            reminder: "Nhắc: mai họp chi bộ",
            task: "Nhiệm vụ mới",
            due: "hạn",
            at_place: "tại",
            reply_hint: "Trả lời 1 nếu dự, 2 nếu xin vắng.",
            weekdays: [
                "thứ Hai",
                "thứ Ba",
                "thứ Tư",
                "thứ Năm",
                "thứ Sáu",
                "thứ Bảy",
                "Chủ nhật",
            ],
        }
    }

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date {
            year: y,
            month: m,
            day: d,
        }
    }

    #[test]
    fn weekdays_agree_with_the_calendar() {
        // 10 December 2026 is a Thursday; 1 January 2000 a Saturday.
        assert_eq!(weekday(date(2026, 12, 10)), 3);
        assert_eq!(weekday(date(2000, 1, 1)), 5);
        assert_eq!(weekday(date(2026, 12, 7)), 0);
    }

    #[test]
    fn a_meeting_notice_in_one_segment() {
        let t = meeting_text(
            &words(),
            false,
            "Sinh hoạt tháng 12",
            date(2026, 12, 10),
            "19:30",
            "Nhà văn hóa khu phố 1",
            true,
        );
        assert_eq!(t, "Hop chi bo: 19:30 thu Nam 10/12, Sinh hoat thang 12, tai Nha van hoa khu pho 1. Tra loi 1 neu du, 2 neu xin vang.");
        assert!(t.is_ascii());
        let long = meeting_text(
            &words(),
            true,
            &"Học tập chuyên đề ".repeat(10),
            date(2026, 12, 10),
            "07:00",
            &"Hội trường ".repeat(10),
            false,
        );
        assert_eq!(long.chars().count(), MAX_CHARS);
        assert!(
            long.starts_with("Nhắc: mai họp chi bộ: 07:00 thứ Năm 10/12, Học tập"),
            "{long}"
        );
        assert!(
            long.ends_with("Trả lời 1 nếu dự, 2 nếu xin vắng."),
            "the answer hint survives: {long}"
        );
    }

    #[test]
    fn a_task_notice() {
        assert_eq!(
            task_text(
                &words(),
                "Thăm hỏi gia đình đồng chí Nguyễn Văn An",
                Some(date(2026, 12, 20)),
                true
            ),
            "Nhiem vu moi: Tham hoi gia dinh dong chi Nguyen Van An, han 20/12/2026."
        );
        assert!(
            task_text(&words(), &"x".repeat(400), None, true)
                .chars()
                .count()
                <= MAX_CHARS
        );
    }

    #[test]
    fn replies() {
        assert_eq!(parse_reply(" 1 "), Some(Rsvp::Attending));
        assert_eq!(parse_reply("2."), Some(Rsvp::Excused));
        assert_eq!(parse_reply("Xin vắng"), Some(Rsvp::Excused));
        assert_eq!(parse_reply("12"), None);
        assert_eq!(parse_reply("Tôi bị ốm"), None);
    }

    #[test]
    fn signatures_and_replays() {
        let body = br#"{"id":"m1","from":"0912345678","text":"1"}"#;
        let sig = sign("bi-mat", "1800000000", body);
        assert_eq!(
            verify(
                "bi-mat",
                Some("1800000000"),
                body,
                Some(&sig),
                1_800_000_100
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                "bi-mat",
                Some("1800000000"),
                body,
                Some(&format!("sha256={sig}")),
                1_800_000_100
            ),
            Ok(())
        );
        assert_eq!(
            verify("khac", Some("1800000000"), body, Some(&sig), 1_800_000_100),
            Err(InboundError::BadSignature)
        );
        assert_eq!(
            verify(
                "bi-mat",
                Some("1800000000"),
                b"{}",
                Some(&sig),
                1_800_000_100
            ),
            Err(InboundError::BadSignature)
        );
        assert_eq!(
            verify("bi-mat", Some("1800000000"), body, None, 1_800_000_100),
            Err(InboundError::BadSignature)
        );
        assert_eq!(
            verify(
                "bi-mat",
                Some("1800000000"),
                body,
                Some("zz"),
                1_800_000_100
            ),
            Err(InboundError::BadSignature)
        );
        assert_eq!(
            verify(
                "bi-mat",
                Some("1800000000"),
                body,
                Some(&sig),
                1_800_000_400
            ),
            Err(InboundError::Stale)
        );
        assert_eq!(
            verify("bi-mat", None, body, Some(&sig), 1_800_000_000),
            Err(InboundError::Stale)
        );
    }

    #[test]
    fn not_at_night() {
        // 1_800_000_000 is 2027-01-15 08:00 UTC = 15:00 in Vietnam.
        assert!(in_send_window(1_800_000_000));
        assert!(!in_send_window(1_800_000_000 + 7 * 3600), "22:00");
        assert!(!in_send_window(1_800_000_000 - 9 * 3600), "06:00");
    }
}
