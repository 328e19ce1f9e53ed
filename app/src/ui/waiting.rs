//! The "waiting to send" card: what the member sent without a connection, still in the
//! outbox (`platform::outbox`), on the page it belongs to.

use crate::i18n::*;
use crate::platform::messages::error_text;
use crate::platform::outbox::use_outbox;
use leptos::prelude::*;

/// What this member sent from this page (`topic`, e.g. `meeting:12`) while offline, not yet sent.
#[component]
pub fn Waiting(topic: String) -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let items = move || outbox.for_topic(&topic, i18n.get_locale_untracked());
    let shown = items.clone();
    view! {
        <Show when=move || !shown().is_empty()>
            <section class="card card-waiting" aria-labelledby="waiting-heading" data-testid="waiting">
                <h2 id="waiting-heading">{t!(i18n, off_waiting_title)}</h2>
                <p role="status">{t!(i18n, off_waiting_note)}</p>
                <ul class="plain-list">
                    {let items = items.clone(); move || items().into_iter().map(|(item, what)| {
                        let id = item.id;
                        let l = i18n.get_locale_untracked();
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
