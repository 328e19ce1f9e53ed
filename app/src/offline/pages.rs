//! The offline page (`/ngoai-tuyen`, served by the service worker when a page is neither
//! reachable nor kept) and the "waiting to send" card of the meeting page.

use super::outbox::{use_outbox, Queued};
use crate::i18n::*;
use crate::platform::messages::error_text;
use crate::shell::{CallSecretary, Page};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OfflinePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), off_title) />
        <Page>
            <h1 data-testid="offline-title">{t!(i18n, off_title)}</h1>
            <p class="lead">{t!(i18n, off_body)}</p>
            <p>{t!(i18n, off_kept)}</p>
            <ul class="plain-list">
                <li><a class="btn btn-secondary btn-wide" href="/">{t!(i18n, nav_home)}</a></li>
                <li><a class="btn btn-secondary btn-wide" href="/van-ban">{t!(i18n, nav_documents)}</a></li>
                <li><a class="btn btn-secondary btn-wide" href="/sinh-hoat">{t!(i18n, nav_meetings)}</a></li>
            </ul>
            <CallSecretary />
        </Page>
    }
}

/// What this member said about the meeting while offline, not yet sent.
#[component]
pub fn Waiting(meeting_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let items = move || outbox.for_meeting(meeting_id);
    view! {
        <Show when=move || !items().is_empty()>
            <section class="card card-waiting" aria-labelledby="waiting-heading" data-testid="waiting">
                <h2 id="waiting-heading">{t!(i18n, off_waiting_title)}</h2>
                <p role="status">{t!(i18n, off_waiting_note)}</p>
                <ul class="plain-list">
                    {move || items().into_iter().map(|item| {
                        let id = item.id;
                        let l = i18n.get_locale_untracked();
                        let what = match &item.action {
                            Queued::Comment { body, .. } => format!("{}: {body}", td_string!(l, off_waiting_comment)),
                            Queued::Rsvp { answer, reason, .. } => {
                                let a = if answer == "xin_vang" { td_string!(l, mt_rsvp_excuse) } else { td_string!(l, mt_rsvp_attend) };
                                if reason.trim().is_empty() { a.to_string() } else { format!("{a}: {reason}") }
                            }
                        };
                        view! {
                            <li data-testid="waiting-item">
                                <p>{what}</p>
                                {item.error.clone().map(|key| view! {
                                    <p class="alert alert-error" role="alert">{error_text(l, &key)}</p>
                                    <button type="button" class="btn btn-secondary" on:click=move |_| outbox.remove(id)>{t!(i18n, off_waiting_discard)}</button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// Starts the service worker once per page load, and asks it to keep each document or
/// meeting page the member opens inside the app (whole-page loads it keeps by itself).
#[component]
pub fn OfflineSync(member: Option<i64>, data_saver: bool) -> impl IntoView {
    let signed_in = member.is_some();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        #[cfg(feature = "hydrate")]
        {
            thread_local! { static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) }; }
            if !STARTED.with(|s| s.replace(true)) {
                super::start(member, data_saver);
            } else if previous.as_deref() != Some(path.as_str())
                && signed_in
                && !data_saver
                && super::keepable(&path)
            {
                super::browser::sw_keep(&path);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (previous, signed_in, data_saver, member);
        path
    });
}
