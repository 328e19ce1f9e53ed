//! The notification centre (`/thong-bao`).

use super::*;
use crate::i18n::*;
use crate::platform::messages::error_text;
use crate::shell::{Page, RequireUser};
use leptos_meta::Title;

pub fn kind_text(locale: Locale, kind: &str) -> &'static str {
    match kind {
        "van_ban_moi" => td_string!(locale, nt_kind_van_ban_moi),
        "tin_tuc_moi" => td_string!(locale, nt_kind_tin_tuc_moi),
        "hop_cong_bo" => td_string!(locale, nt_kind_hop_cong_bo),
        "hop_thay_doi" => td_string!(locale, nt_kind_hop_thay_doi),
        "nhiem_vu_giao" => td_string!(locale, nt_kind_nhiem_vu_giao),
        "nhac_doc" => td_string!(locale, nt_kind_nhac_doc),
        _ => "",
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let all = ServerAction::<MarkAllRead>::new();
    let list = Resource::new(move || all.version().get(), |_| notifications(0));
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), nt_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, nt_title)}</h1>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                            Ok(p) => {
                                let unread = p.unread;
                                view! {
                                    <p data-testid="unread-count">{t!(i18n, nt_unread)}": "<strong>{unread}</strong></p>
                                    {(unread > 0).then(|| view! {
                                        <button type="button" class="btn btn-secondary btn-wide" data-testid="mark-all-read" on:click=move |_| { all.dispatch(MarkAllRead {}); }>
                                            {t!(i18n, nt_mark_all_read)}
                                        </button>
                                    })}
                                    {if p.items.is_empty() {
                                        view! { <p class="note">{t!(i18n, nt_empty)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="plain-list notifications">
                                                {p.items.into_iter().map(|n| {
                                                    let id = n.id;
                                                    let read = n.read;
                                                    let kind = n.kind.clone();
                                                    view! {
                                                        <li class=if read { "notification" } else { "notification unread" } data-testid="notification">
                                                            <a href=n.href.clone() on:click=move |_| {
                                                                // Not tied to this page: the request outlives the navigation it starts.
                                                                if !read { leptos::task::spawn_local(async move { let _ = mark_read(id).await; }); }
                                                            }>
                                                                <span class="kind">{move || kind_text(i18n.get_locale(), &kind)}</span>
                                                                {(!read).then(|| view! { " " <span class="badge badge-new">{t!(i18n, nt_new)}</span> })}
                                                                <br />
                                                                <strong>{n.subject.clone()}</strong>
                                                            </a>
                                                            <p class="note">{n.when.clone()}</p>
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}
