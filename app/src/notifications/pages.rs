//! The notification centre (`/thong-bao`).

use super::*;
use crate::domain::notification::NotificationKind;
use crate::i18n::*;
use crate::platform::messages::error_text;
use crate::ui::{Page, RequireUser};
use leptos_meta::Title;

/// A notification kind in words: its label, and what the card's button does.
pub fn kind_words(locale: Locale, kind: NotificationKind) -> (&'static str, &'static str) {
    use NotificationKind as K;
    let (read, news, meeting, task, open) = (
        td_string!(locale, nt_action_read),
        td_string!(locale, nt_action_news),
        td_string!(locale, nt_action_meeting),
        td_string!(locale, nt_action_task),
        td_string!(locale, nt_action_open),
    );
    match kind {
        K::NewDocument => (td_string!(locale, nt_kind_van_ban_moi), read),
        K::NewNews => (td_string!(locale, nt_kind_tin_tuc_moi), news),
        K::MeetingPublished => (td_string!(locale, nt_kind_hop_cong_bo), meeting),
        K::MeetingChanged => (td_string!(locale, nt_kind_hop_thay_doi), meeting),
        K::MeetingCancelled => (td_string!(locale, nt_kind_hop_huy), meeting),
        K::MeetingReminder => (td_string!(locale, nt_kind_nhac_hop), meeting),
        K::TaskAssigned => (td_string!(locale, nt_kind_nhiem_vu_giao), task),
        K::TaskDueTomorrow => (td_string!(locale, nt_kind_nhiem_vu_sap_han), task),
        K::TaskOverdue => (td_string!(locale, nt_kind_nhiem_vu_qua_han), task),
        K::ReadReminder => (td_string!(locale, nt_kind_nhac_doc), read),
        K::JoinRequest => (td_string!(locale, nt_kind_yeu_cau_gia_nhap), open),
        K::AccountSecurity => (td_string!(locale, nt_kind_bao_mat), open),
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
                                                    let kind = n.kind;
                                                    view! {
                                                        <li class=if read { "card notification" } else { "card notification unread" } data-testid="notification">
                                                            <p>
                                                                <span class="kind">{move || kind_words(i18n.get_locale(), kind).0}</span>
                                                                {(!read).then(|| view! { " " <span class="badge badge-new">{t!(i18n, nt_new)}</span> })}
                                                            </p>
                                                            <p><strong>{n.subject.clone()}</strong></p>
                                                            <p class="note">{n.when.clone()}</p>
                                                            // The action is on the card, one large button.
                                                            <a class="btn btn-primary btn-wide" href=n.href.clone() on:click=move |_| {
                                                                // Not tied to this page: the request outlives the navigation it starts.
                                                                if !read { leptos::task::spawn_local(async move { let _ = mark_read(id).await; }); }
                                                            }>
                                                                {move || kind_words(i18n.get_locale(), kind).1}
                                                            </a>
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

/// Push on this phone, which groups to be told about, and quiet hours (`/ca-nhan`).
#[component]
pub fn NotificationSettings() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveNotificationSettings>::new();
    let devices_changed = RwSignal::new(0u32);
    let settings = Resource::new(
        move || (save.version().get(), devices_changed.get()),
        |_| notification_settings(),
    );
    view! {
        <section class="card" aria-labelledby="nt-settings-heading" data-testid="notification-settings">
            <h2 id="nt-settings-heading">{t!(i18n, nt_settings_title)}</h2>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                        Ok(s) => view! {
                            <PushSwitch key=s.push_key.clone() devices=s.devices changed=devices_changed />
                            <SettingsForm s save />
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One large button to turn push on for this phone, with a plain explanation; the browser's
/// permission prompt appears only after the member taps it.
#[component]
fn PushSwitch(key: String, devices: i64, changed: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    // "" until the browser has been asked (after hydration); then on / off / denied / unsupported.
    let state = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<&'static str>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let s = crate::platform::browser::push_state()
                .await
                .as_string()
                .unwrap_or_default();
            state.set(s);
        });
    });
    let key = StoredValue::new(key);
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, changed, failed, busy);
    let enable = move |_| {
        #[cfg(feature = "hydrate")]
        {
            busy.set(true);
            failed.set(None);
            leptos::task::spawn_local(async move {
                let result = crate::platform::browser::push_enable(&key.get_value()).await;
                match result {
                    Ok(v) => {
                        let text = v.as_string().unwrap_or_default();
                        let mut parts = text.split('\n');
                        let (endpoint, p256dh, auth) = (
                            parts.next().unwrap_or(""),
                            parts.next().unwrap_or(""),
                            parts.next().unwrap_or(""),
                        );
                        match push_subscribe(
                            endpoint.to_string(),
                            p256dh.to_string(),
                            auth.to_string(),
                        )
                        .await
                        {
                            Ok(_) => {
                                state.set("on".into());
                                changed.update(|n| *n += 1);
                            }
                            Err(e) => failed.set(Some(e.key())),
                        }
                    }
                    Err(_) => {
                        let s = crate::platform::browser::push_state()
                            .await
                            .as_string()
                            .unwrap_or_default();
                        failed.set(Some(if s == "denied" {
                            "err_push_denied"
                        } else {
                            "err_push_failed"
                        }));
                        state.set(s);
                    }
                }
                busy.set(false);
            });
        }
    };
    let disable = move |_| {
        #[cfg(feature = "hydrate")]
        {
            busy.set(true);
            leptos::task::spawn_local(async move {
                if let Ok(endpoint) = crate::platform::browser::push_disable().await {
                    let endpoint = endpoint.as_string().unwrap_or_default();
                    if !endpoint.is_empty() {
                        let _ = push_unsubscribe(endpoint).await;
                    }
                }
                state.set("off".into());
                changed.update(|n| *n += 1);
                busy.set(false);
            });
        }
    };
    view! {
        <div class="push-switch" data-testid="push-switch">
            <p>{t!(i18n, nt_push_intro)}</p>
            {move || match state.get().as_str() {
                "" => view! { <p class="note">{t!(i18n, nt_push_needs_js)}</p> }.into_any(),
                "unsupported" => view! { <p class="alert alert-info" role="status" data-testid="push-unsupported">{t!(i18n, nt_push_unsupported)}</p> }.into_any(),
                "denied" => view! { <p class="alert alert-info" role="status" data-testid="push-denied">{t!(i18n, nt_push_denied_help)}</p> }.into_any(),
                "on" => view! {
                    <p class="alert alert-ok" role="status" data-testid="push-on">{t!(i18n, nt_push_on)}</p>
                    <button type="button" class="btn btn-secondary btn-wide" data-testid="push-disable" disabled=move || busy.get() on:click=disable>{t!(i18n, nt_push_disable)}</button>
                }.into_any(),
                _ => view! {
                    <p class="note">{t!(i18n, nt_push_prompt_note)}</p>
                    <button type="button" class="btn btn-primary btn-huge" data-testid="push-enable" disabled=move || busy.get() on:click=enable>{t!(i18n, nt_push_enable)}</button>
                }.into_any(),
            }}
            {move || failed.get().map(|k| view! { <p class="alert alert-error" role="alert" data-testid="push-error">{error_text(i18n.get_locale(), k)}</p> })}
            <p class="note" data-testid="push-devices">{t!(i18n, nt_push_devices, count = move || devices)}</p>
        </div>
    }
}

#[component]
fn SettingsForm(
    s: NotificationSettingsView,
    save: ServerAction<SaveNotificationSettings>,
) -> impl IntoView {
    use crate::domain::notification::PushGroup;
    use crate::ui::forms::{action_error, ControlError, FormError};
    use leptos::form::ActionForm;
    let i18n = use_i18n();
    let error = action_error(save.value());
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let off = s.groups_off.clone();
    let group = move |g: PushGroup| {
        let name = format!("push_{}", g.code());
        let id = format!("f-{name}");
        let label = move || match g {
            PushGroup::Documents => td_string!(i18n.get_locale(), nt_group_van_ban),
            PushGroup::News => td_string!(i18n.get_locale(), nt_group_tin_tuc),
            PushGroup::Meetings => td_string!(i18n.get_locale(), nt_group_sinh_hoat),
            PushGroup::Tasks => td_string!(i18n.get_locale(), nt_group_nhiem_vu),
            PushGroup::ReadReminders => td_string!(i18n.get_locale(), nt_group_nhac_doc),
            PushGroup::JoinRequests => td_string!(i18n.get_locale(), nt_group_gia_nhap),
            PushGroup::Security => td_string!(i18n.get_locale(), nt_group_bao_mat),
        };
        let checked = !off.iter().any(|c| c == g.code());
        view! {
            <div class="check">
                <input type="checkbox" id=id.clone() name=name value="on" checked=checked data-testid=format!("push-group-{}", g.code()) />
                <label for=id>{label}</label>
            </div>
        }
    };
    let groups: Vec<PushGroup> = PushGroup::ALL
        .iter()
        .copied()
        .filter(|g| *g != PushGroup::Security && (*g != PushGroup::JoinRequests || s.is_leader))
        .collect();
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <fieldset class="checks">
                <legend>{t!(i18n, nt_groups_legend)}</legend>
                {groups.into_iter().map(group).collect_view()}
                // Members who are not leaders keep join requests on, should they become one.
                {(!s.is_leader).then(|| view! { <input type="hidden" name="push_gia_nhap" value="on" /> })}
            </fieldset>
            <fieldset class="checks">
                <legend>{t!(i18n, nt_quiet_legend)}</legend>
                <div class="check">
                    <input type="checkbox" id="f-quiet_enabled" name="quiet_enabled" value="on" checked=s.quiet_enabled data-testid="quiet-enabled" />
                    <label for="f-quiet_enabled">{t!(i18n, nt_quiet_enabled)}</label>
                </div>
                <div class="field field-inline">
                    <label for="f-quiet_start">{t!(i18n, nt_quiet_from)}</label>
                    <input type="text" inputmode="decimal" placeholder=td_string!(i18n.get_locale_untracked(), time_placeholder) id="f-quiet_start" name="quiet_start" value=s.quiet_start.clone() data-testid="quiet-start"
                        aria-invalid=move || error.get().and_then(|e| crate::platform::messages::field_message(i18n.get_locale(), &e, "quiet_start")).map(|_| "true") />
                    <ControlError error field="quiet_start" />
                </div>
                <div class="field field-inline">
                    <label for="f-quiet_end">{t!(i18n, nt_quiet_to)}</label>
                    <input type="text" inputmode="decimal" placeholder=td_string!(i18n.get_locale_untracked(), time_placeholder) id="f-quiet_end" name="quiet_end" value=s.quiet_end.clone() data-testid="quiet-end"
                        aria-invalid=move || error.get().and_then(|e| crate::platform::messages::field_message(i18n.get_locale(), &e, "quiet_end")).map(|_| "true") />
                    <ControlError error field="quiet_end" />
                </div>
                <p class="note">{t!(i18n, nt_quiet_note)}</p>
            </fieldset>
            <FormError error />
            <Show when=saved>
                <p class="alert alert-ok" role="status" data-testid="notification-settings-saved">{t!(i18n, nt_settings_saved)}</p>
            </Show>
            <button type="submit" class="btn btn-primary btn-wide" data-testid="notification-settings-save">{t!(i18n, nt_settings_save)}</button>
        </ActionForm>
    }
}
