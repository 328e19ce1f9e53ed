//! The offline page (`/ngoai-tuyen`, served by the service worker when a page is neither
//! reachable nor kept) and the service worker's start (`OfflineSync`).

use crate::i18n::*;
use crate::ui::{CallSecretary, Page};
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
                crate::platform::browser::sw_keep(&path);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (previous, signed_in, data_saver, member);
        path
    });
}
