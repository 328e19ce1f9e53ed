//! Pages of meetings: the list (`/sinh-hoat`), one meeting (`/sinh-hoat/:id`, the member view
//! and, for leaders, the running view), its printable pack (`/sinh-hoat/:id/in`)
//! and the committee's overview (`/sinh-hoat/thong-ke`).
//!
//! One file per screen: `list` (the meetings list, the next-meeting card, creating and
//! scheduling), `meeting` (one meeting as a member takes part in it), `leader` (preparing,
//! running and following it up), `print` (the large-print pack), `overview` (the committee's
//! month). The names and helpers they share are here.

mod leader;
mod list;
mod meeting;
mod overview;
mod print;

use leader::*;
use list::*;
pub use list::{MeetingsPage, NextMeetingCard, UpcomingMeetings};
pub use meeting::MeetingPage;
use meeting::*;
pub use overview::OverviewPage;
pub use print::PrintPage;

use super::queue::{Queued, QueuedComment, QueuedRsvp};
use super::*;
use crate::domain::meeting::Recurrence;
use crate::i18n::*;
use crate::label;
use crate::platform::messages::field_message;
use crate::platform::outbox::{is_offline_error, use_outbox};
use crate::platform::words::{DateWords, WhenWords};
use crate::tasks::pages::TaskItem;
use crate::ui::forms::{action_error, ControlError, Field, FormError};
use crate::ui::{ErrorCard, Icon, Page, RequireUser};
use leptos::form::ActionForm;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// A meeting's name: its title, or for the automatically opened periodic one, its month.
pub fn meeting_title(locale: Locale, m: &MeetingSummary) -> String {
    if !m.title.is_empty() {
        return m.title.clone();
    }
    let kind = kind_name(locale, m.kind);
    match m.period.as_deref().and_then(|p| p.split_once('-')) {
        Some((y, mo)) => format!(
            "{kind} {} {}/{y}",
            td_string!(locale, mt_month_word),
            mo.trim_start_matches('0')
        ),
        None => kind.to_string(),
    }
}

pub fn kind_name(locale: Locale, kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Periodic => td_string!(locale, mt_kind_thuong_ky),
        MeetingKind::Thematic => td_string!(locale, mt_kind_chuyen_de),
        MeetingKind::Committee => td_string!(locale, mt_kind_cap_uy),
        MeetingKind::Extraordinary => td_string!(locale, mt_kind_bat_thuong),
    }
}

pub(super) fn status_name(locale: Locale, status: MeetingStatus) -> &'static str {
    match status {
        MeetingStatus::Draft => td_string!(locale, mt_status_du_thao),
        MeetingStatus::Scheduled => td_string!(locale, mt_status_da_cong_bo),
        MeetingStatus::InProgress => td_string!(locale, mt_status_dang_hop),
        MeetingStatus::Held => td_string!(locale, mt_status_da_hop),
    }
}

pub(super) fn attendance_name(locale: Locale, attendance: Attendance) -> &'static str {
    match attendance {
        Attendance::Present => td_string!(locale, mt_att_co_mat),
        Attendance::Excused => td_string!(locale, mt_att_vang_co_ly_do),
        Attendance::Unexcused => td_string!(locale, mt_att_vang_khong_ly_do),
        Attendance::Exempt => td_string!(locale, mt_att_mien),
    }
}

pub(super) fn rating_name(locale: Locale, rating: MeetingRating) -> &'static str {
    match rating {
        MeetingRating::Good => td_string!(locale, mt_rating_tot),
        MeetingRating::Fair => td_string!(locale, mt_rating_kha),
        MeetingRating::Average => td_string!(locale, mt_rating_trung_binh),
        MeetingRating::Poor => td_string!(locale, mt_rating_kem),
    }
}

pub(super) fn format_name(locale: Locale, format: MeetingFormat) -> &'static str {
    match format {
        MeetingFormat::InPerson => td_string!(locale, mt_format_tai_cho),
        MeetingFormat::Online => td_string!(locale, mt_format_truc_tuyen),
        MeetingFormat::Hybrid => td_string!(locale, mt_format_ket_hop),
    }
}

pub(super) fn vote_name(locale: Locale, choice: VoteChoice) -> &'static str {
    match choice {
        VoteChoice::Agree => td_string!(locale, mt_vote_dong_y),
        VoteChoice::Disagree => td_string!(locale, mt_vote_khong_dong_y),
        VoteChoice::Other => td_string!(locale, mt_vote_y_kien_khac),
    }
}

/// The member's own answer in words.
pub(super) fn answer_name(locale: Locale, answer: Answer) -> &'static str {
    match answer {
        Answer::Attending => td_string!(locale, mt_my_rsvp_attending),
        Answer::Excused => td_string!(locale, mt_my_rsvp_excused),
    }
}

pub(super) fn rule_text(locale: Locale, code: &str) -> String {
    match Recurrence::from_code(code) {
        Some(Recurrence::DayOfMonth(n)) => {
            format!("{} {n}", td_string!(locale, mt_rule_day_of_month))
        }
        Some(Recurrence::LunarDay(n)) => format!("{} {n}", td_string!(locale, mt_rule_lunar_day)),
        Some(Recurrence::NthWeekday { n, weekday }) => {
            let nth = if n == 5 {
                td_string!(locale, mt_rule_last).to_string()
            } else {
                format!("{} {n}", td_string!(locale, mt_rule_nth))
            };
            format!(
                "{} {} {nth}",
                td_string!(locale, mt_rule_weekday_prefix),
                crate::platform::words::weekday_word(locale, weekday)
            )
        }
        None => code.to_string(),
    }
}

/// Bumped by every successful action on the meeting page, so the page reloads its data.
#[derive(Clone, Copy)]
pub(super) struct Refresh(RwSignal<u32>);

pub(super) fn refresh_on_success<T, V>(value: V)
where
    V: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let Refresh(r) = expect_context::<Refresh>();
    Effect::new(move |_| {
        if let Some(Ok(_)) = value.get() {
            r.update(|n| *n += 1);
        }
    });
}
