//! Pages of the accounts feature: sign in, ask to join, activate, my information and settings,
//! help, and leadership's account work.

use super::*;
use crate::domain::account::AccountStatus;
use crate::i18n::*;
use crate::label;
use crate::platform::messages::error_text;
use crate::ui::forms::{action_error, Field, FormError};
use crate::ui::{use_session, CallSecretary, Page, RequireUser, SimpleModeSwitch, TextSizeChoice};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = query.with_untracked(|q| {
        q.get("next")
            .map(|n| safe_next(&n))
            .unwrap_or_else(|| "/".into())
    });
    // Without JavaScript, what was typed comes back in a short-lived cookie (never the URL).
    #[cfg(feature = "ssr")]
    let typed_id = crate::platform::session::typed_identifier().unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let typed_id = String::new();
    // Without JavaScript, a failed sign-in comes back here with the error key in the URL.
    let url_error = query
        .with_untracked(|q| q.get("loi"))
        .map(|key| AppError::field("form", &key));
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || {
        action.value().get().and_then(|r| r.err()).or_else(|| {
            (action.version().get() == 0)
                .then(|| url_error.clone())
                .flatten()
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(next)) = action.value().get() {
            // A full load, so every part of the page sees the new session.
            let _ = window().location().set_href(&next);
        }
    });
    let session = use_session();
    let already = session.user().is_some();
    let next_for_passkey = next.clone();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), sign_in_title) />
        <Page>
            <h1>{t!(i18n, sign_in_title)}</h1>
            <p>{t!(i18n, sign_in_intro)}</p>
            <Show when=move || already>
                <p class="alert">{t!(i18n, home_your_cell, org = move || session.user().map(|u| u.org_name).unwrap_or_default())}</p>
            </Show>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="next" value=next.clone() />
                <Field name="identifier" label=label!(i18n, field_identifier) hint=label!(i18n, field_identifier_hint)
                    autocomplete="username" inputmode="tel" value=typed_id.clone() required=true error />
                <Field name="password" label=label!(i18n, field_password) kind="password" autocomplete="current-password" required=true error />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="sign-in-submit" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { td_string!(i18n.get_locale(), sign_in_working) } else { td_string!(i18n.get_locale(), sign_in_submit) }}
                </button>
            </ActionForm>
            <PasskeySignIn next=next_for_passkey />
            <p class="note">{t!(i18n, sign_in_records)}</p>
            <ul class="link-list">
                <li><a href="/dang-ky">{t!(i18n, sign_in_no_account)}</a></li>
                <li><a href="/kich-hoat">{t!(i18n, sign_in_have_code)}</a></li>
                <li><a href="/tro-giup">{t!(i18n, help_title)}</a></li>
            </ul>
            <CallSecretary />
        </Page>
    }
}

/// Whether this browser can use passkeys. Known only after hydration, so the server renders the
/// passkey controls hidden and hydration never disagrees.
fn passkeys_available() -> RwSignal<bool> {
    let available = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| available.set(super::passkey_js::passkeys_supported()));
    available
}

#[cfg(feature = "hydrate")]
fn cancelled() -> AppError {
    AppError::field("form", "err_passkey_cancelled")
}

#[component]
fn PasskeySignIn(next: String) -> impl IntoView {
    let i18n = use_i18n();
    let available = passkeys_available();
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let next = next.clone();
            let identifier = document()
                .get_element_by_id("f-identifier")
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|i| i.value())
                .unwrap_or_default();
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = async {
                    let c = passkey_sign_in_start(identifier).await?;
                    let credential = super::passkey_js::passkey_get(c.options)
                        .await
                        .map_err(|_| cancelled())?;
                    passkey_sign_in_finish(c.challenge, credential.as_string().unwrap_or_default())
                        .await
                }
                .await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        let _ = window().location().set_href(&next);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &next;
    };
    view! {
        <Show when=move || available.get()>
            <section class="passkey" aria-labelledby="passkey-heading">
                <h2 id="passkey-heading" class="visually-hidden">{t!(i18n, passkey_sign_in)}</h2>
                <FormError error=Signal::derive(move || error.get()) />
                <button type="button" class="btn btn-secondary btn-wide" data-testid="passkey-sign-in" disabled=move || busy.get() on:click=on_click.clone()>
                    {t!(i18n, passkey_sign_in)}
                </button>
                <p class="hint">{t!(i18n, passkey_sign_in_hint)}</p>
            </section>
        </Show>
    }
}

#[component]
fn PasskeySettings() -> impl IntoView {
    let i18n = use_i18n();
    let available = passkeys_available();
    let version = RwSignal::new(0u32);
    let count = Resource::new(move || version.get(), |_| passkey_count());
    let error = RwSignal::new(None::<AppError>);
    let added = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let add = move |_| {
        #[cfg(feature = "hydrate")]
        {
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = async {
                    let c = passkey_register_start().await?;
                    let credential = super::passkey_js::passkey_create(c.options)
                        .await
                        .map_err(|_| cancelled())?;
                    passkey_register_finish(c.challenge, credential.as_string().unwrap_or_default())
                        .await
                }
                .await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        added.set(true);
                        version.update(|v| *v += 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let remove = move |_| {
        leptos::task::spawn_local(async move {
            if passkeys_remove().await.is_ok() {
                added.set(false);
                version.update(|v| *v += 1);
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="passkey-settings-heading">
            <h2 id="passkey-settings-heading">{t!(i18n, passkey_title)}</h2>
            <p>{t!(i18n, passkey_intro)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let n = count.await.unwrap_or(0);
                    view! {
                        <p data-testid="passkey-count">{t!(i18n, passkey_count, count = move || n)}</p>
                        <Show when=move || { n > 0 }>
                            <button type="button" class="btn btn-secondary btn-wide" data-testid="passkey-remove" on:click=remove>
                                {t!(i18n, passkey_remove)}
                            </button>
                        </Show>
                    }
                })}
            </Transition>
            <Show when=move || added.get()>
                <div class="alert alert-ok" role="status" data-testid="passkey-added"><p>{t!(i18n, passkey_added)}</p></div>
            </Show>
            <FormError error=Signal::derive(move || error.get()) />
            <Show when=move || available.get()>
                <button type="button" class="btn btn-primary btn-wide" data-testid="passkey-add" disabled=move || busy.get() on:click=add>
                    {t!(i18n, passkey_add)}
                </button>
            </Show>
        </section>
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestJoin>::new();
    let error = action_error(action.value());
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), join_title) />
        <Page>
            <h1>{t!(i18n, join_title)}</h1>
            <Show when=sent fallback=move || view! {
                <p>{t!(i18n, join_intro)}</p>
                <FormError error />
                <ActionForm action attr:class="form" attr:novalidate=true>
                    <Field name="phone" label=label!(i18n, field_phone) kind="tel" autocomplete="tel" inputmode="tel" required=true error />
                    <Field name="member_code" label=label!(i18n, field_member_code) error />
                    <p class="hint">{t!(i18n, join_or_cccd)}</p>
                    <Field name="cccd" label=label!(i18n, field_cccd) inputmode="numeric" error />
                    <Field name="birth_date" label=label!(i18n, field_birth_date) inputmode="numeric" hint=Signal::derive(|| "19/05/1960".to_string()) error />
                    <Field name="password" label=label!(i18n, field_password_new) kind="password" autocomplete="new-password" required=true error />
                    <Field name="password2" label=label!(i18n, field_password_repeat) kind="password" autocomplete="new-password" required=true error />
                    <button type="submit" class="btn btn-primary btn-wide" data-testid="join-submit" disabled=move || action.pending().get()>
                        {t!(i18n, join_submit)}
                    </button>
                </ActionForm>
            }>
                <div class="alert alert-ok" role="status" data-testid="join-sent"><p>{t!(i18n, join_sent)}</p></div>
            </Show>
            <CallSecretary />
        </Page>
    }
}

#[component]
pub fn ActivatePage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Activate>::new();
    let error = action_error(action.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let _ = window().location().set_href("/");
        }
    });
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), activate_title) />
        <Page>
            <h1>{t!(i18n, activate_title)}</h1>
            <p>{t!(i18n, activate_intro)}</p>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <Field name="identifier" label=label!(i18n, field_identifier) autocomplete="username" inputmode="tel" required=true error />
                <Field name="code" label=label!(i18n, field_code) inputmode="numeric" autocomplete="one-time-code" required=true error />
                <Field name="password" label=label!(i18n, field_password_new) kind="password" autocomplete="new-password" required=true error />
                <Field name="password2" label=label!(i18n, field_password_repeat) kind="password" autocomplete="new-password" required=true error />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="activate-submit" disabled=move || action.pending().get()>
                    {t!(i18n, activate_submit)}
                </button>
            </ActionForm>
            <CallSecretary />
        </Page>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), profile_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, profile_title)}</h1>
                <ProfileDetails />
                <section class="card" aria-labelledby="settings-heading">
                    <h2 id="settings-heading">{t!(i18n, settings_title)}</h2>
                    <TextSizeChoice />
                    <SimpleModeSwitch />
                    <div class="field">
                        <p>{t!(i18n, settings_language)}</p>
                        <crate::ui::LanguageSwitch class="btn-secondary" />
                    </div>
                    <crate::ui::DataSaverSwitch />
                </section>
                <crate::notifications::pages::NotificationSettings />
                <PasskeySettings />
                <SignOutButtons />
            </RequireUser>
        </Page>
    }
}

#[component]
fn ProfileDetails() -> impl IntoView {
    let i18n = use_i18n();
    let contact = ServerAction::<RequestContactChange>::new();
    let profile = Resource::new(move || contact.version().get(), |_| my_profile());
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p><CallSecretary /></div> }.into_any(),
                    Ok(p) => view! { <ProfileCard p contact /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProfileCard(p: ProfileView, contact: ServerAction<RequestContactChange>) -> impl IntoView {
    let i18n = use_i18n();
    let loc = move || i18n.get_locale();
    let none = move || td_string!(loc(), not_recorded).to_string();
    let status = p.status.clone();
    let gender = p.gender.clone();
    let position = p.position.clone();
    let error = action_error(contact.value());
    let row = move |label: &'static str, value: String| view! { <div class="dl-row"><dt>{label}</dt><dd>{value}</dd></div> };
    let l = loc();
    view! {
        <section class="member-card" aria-labelledby="card-heading" data-testid="member-card">
            <h2 id="card-heading">{t!(i18n, profile_card_title)}</h2>
            <p class="member-card-name">{p.full_name.clone()}</p>
            <dl>
                {row(td_string!(l, label_card_number), p.card_number.clone().unwrap_or_else(none))}
                {row(td_string!(l, label_member_code), p.member_code.clone())}
                {row(td_string!(l, label_org), p.org_name.clone())}
                {(!p.past_orgs.is_empty()).then(|| row(td_string!(l, label_past_orgs), p.past_orgs.join("; ")))}
                {row(td_string!(l, label_joined), p.joined_date.clone())}
            </dl>
        </section>
        <section class="card" aria-labelledby="register-heading">
            <h2 id="register-heading">{t!(i18n, profile_register_title)}</h2>
            <p class="note">{t!(i18n, profile_register_note)}</p>
            <dl>
                {row(td_string!(l, label_full_name), p.full_name.clone())}
                {row(td_string!(l, label_birth_date), p.birth_date.clone())}
                {row(td_string!(l, label_gender), if gender == "nu" { td_string!(l, gender_nu) } else { td_string!(l, gender_nam) }.to_string())}
                {row(td_string!(l, label_ethnicity), p.ethnicity.clone())}
                {row(td_string!(l, label_hometown), p.hometown.clone().unwrap_or_else(none))}
                {row(td_string!(l, label_cccd), p.cccd_masked.clone().unwrap_or_else(none))}
                {row(td_string!(l, label_status), if status == "chinh_thuc" { td_string!(l, status_chinh_thuc) } else { td_string!(l, status_du_bi) }.to_string())}
                {row(td_string!(l, label_official), p.official_date.clone().unwrap_or_else(none))}
                {p.exempt.clone().map(|e| row(td_string!(l, label_exempt), e))}
                {row(td_string!(l, label_position), position.as_deref().and_then(crate::domain::permission::Role::from_code).map(|r| crate::home::pages::role_name(l, r).to_string()).unwrap_or_else(none))}
            </dl>
        </section>
        <section class="card" aria-labelledby="contact-heading">
            <h2 id="contact-heading">{t!(i18n, contact_title)}</h2>
            <dl>
                {row(td_string!(l, label_phone), p.phone.clone().unwrap_or_else(none))}
                {row(td_string!(l, label_address), p.address.clone().unwrap_or_else(none))}
            </dl>
            <Show when=move || p.has_pending_change>
                <p class="alert" data-testid="contact-pending">
                    {t!(i18n, contact_pending)}" "
                    {p.pending_phone.clone().unwrap_or_default()}" "{p.pending_address.clone().unwrap_or_default()}
                </p>
            </Show>
            <p class="note">{t!(i18n, contact_note)}</p>
            <FormError error />
            <ActionForm action=contact attr:class="form" attr:novalidate=true>
                <Field name="phone" label=label!(i18n, field_new_phone) kind="tel" inputmode="tel" autocomplete="tel" error />
                <Field name="address" label=label!(i18n, field_new_address) autocomplete="street-address" error />
                <button type="submit" class="btn btn-secondary btn-wide">{t!(i18n, contact_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SignOutButtons() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            // Nothing of this member's stays readable offline on a shared phone.
            #[cfg(feature = "hydrate")]
            crate::platform::browser::sw_forget();
            let _ = window().location().set_href("/dang-nhap");
        }
    });
    view! {
        <section class="card" aria-labelledby="account-heading">
            <h2 id="account-heading">{t!(i18n, account_title)}</h2>
            <ActionForm action attr:class="form-inline">
                <input type="hidden" name="everywhere" value="false" />
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="sign-out">{t!(i18n, sign_out)}</button>
            </ActionForm>
            <ActionForm action attr:class="form-inline">
                <input type="hidden" name="everywhere" value="true" />
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="sign-out-everywhere">{t!(i18n, sign_out_everywhere)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn HelpPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), help_title) />
        <Page>
            <h1>{t!(i18n, help_title)}</h1>
            <section class="card" aria-labelledby="help-call">
                <h2 id="help-call">{t!(i18n, help_call_title)}</h2>
                <CallSecretary big=true />
            </section>
            <section class="card">
                <h2>{t!(i18n, help_sign_in_q)}</h2>
                <p>{t!(i18n, help_sign_in_a)}</p>
                <h2>{t!(i18n, help_no_account_q)}</h2>
                <p>{t!(i18n, help_no_account_a)}</p>
                <h2>{t!(i18n, help_forgot_q)}</h2>
                <p>{t!(i18n, help_forgot_a)}</p>
                <h2>{t!(i18n, help_text_q)}</h2>
                <p>{t!(i18n, help_text_a)}</p>
            </section>
            <p><a class="btn btn-secondary btn-wide" href="/huong-dan" data-testid="help-guide">{t!(i18n, help_guide)}</a></p>
        </Page>
    }
}

#[component]
pub fn ManageAccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let leader = session.user().map(|u| u.is_leader).unwrap_or(false);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), manage_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, manage_title)}</h1>
                {if leader {
                    view! {
                        <p class="actions">
                            <a class="btn btn-secondary" href="/thong-ke" data-testid="stats-link">{t!(i18n, st_title)}</a>
                            <a class="btn btn-secondary" href="/quan-tri" data-testid="tree-link">{t!(i18n, adm_title)}</a>
                        </p>
                        <JoinRequests /><ContactChanges /><IssueCodes />
                    }.into_any()
                } else {
                    view! { <p class="alert">{t!(i18n, manage_no_rights)}</p> }.into_any()
                }}
            </RequireUser>
        </Page>
    }
}

#[component]
fn JoinRequests() -> impl IntoView {
    let i18n = use_i18n();
    let decide = ServerAction::<DecideJoinRequest>::new();
    let requests = Resource::new(move || decide.version().get(), |_| list_join_requests());
    let error = action_error(decide.value());
    view! {
        <section class="card" aria-labelledby="joins-heading">
            <h2 id="joins-heading">{t!(i18n, manage_joins_title)}</h2>
            <FormError error />
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = requests.await.unwrap_or_default();
                    if list.is_empty() {
                        return view! { <p data-testid="joins-empty">{t!(i18n, manage_joins_empty)}</p> }.into_any();
                    }
                    view! {
                        <ul class="item-list" data-testid="join-requests">
                            {list.into_iter().map(|r| {
                                let reason = RwSignal::new(String::new());
                                let id = r.id;
                                let date = r.requested_on.clone();
                                let reason_id = format!("reason-{id}");
                                view! {
                                    <li class="item" data-testid="join-request">
                                        <p class="item-title">{r.full_name.clone()}</p>
                                        <p>{r.org_name.clone()}" · "{r.birth_date.clone()}" · "{r.phone.clone()}</p>
                                        <p class="note">{t!(i18n, manage_requested_on, date = move || date.clone())}</p>
                                        {(r.others_pending > 0).then(|| {
                                            let count = r.others_pending;
                                            view! { <p class="alert alert-warn" role="note" data-testid="join-duplicate">{t!(i18n, ac_join_other_requests, count = move || count)}</p> }
                                        })}
                                        {r.has_active_account.then(|| view! {
                                            <p class="alert alert-warn" role="note" data-testid="join-has-account">{t!(i18n, ac_join_has_account)}</p>
                                        })}
                                        <label for=reason_id.clone()>{t!(i18n, field_reject_reason)}</label>
                                        <input id=reason_id type="text" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                                        <div class="actions">
                                            <button type="button" class="btn btn-primary" data-testid="approve"
                                                on:click=move |_| { decide.dispatch(DecideJoinRequest { id, approve: true, reason: String::new() }); }>
                                                {t!(i18n, approve)}
                                            </button>
                                            <button type="button" class="btn btn-secondary" data-testid="reject"
                                                on:click=move |_| { decide.dispatch(DecideJoinRequest { id, approve: false, reason: reason.get_untracked() }); }>
                                                {t!(i18n, reject)}
                                            </button>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ContactChanges() -> impl IntoView {
    let i18n = use_i18n();
    let decide = ServerAction::<DecideContactChange>::new();
    let changes = Resource::new(move || decide.version().get(), |_| list_contact_changes());
    let error = action_error(decide.value());
    view! {
        <section class="card" aria-labelledby="contacts-heading">
            <h2 id="contacts-heading">{t!(i18n, manage_contacts_title)}</h2>
            <FormError error />
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = changes.await.unwrap_or_default();
                    if list.is_empty() {
                        return view! { <p>{t!(i18n, manage_contacts_empty)}</p> }.into_any();
                    }
                    view! {
                        <ul class="item-list">
                            {list.into_iter().map(|c| {
                                let id = c.id;
                                let from = format!("{} {}", c.old_phone.clone().unwrap_or_default(), c.old_address.clone().unwrap_or_default());
                                let to = format!("{} {}", c.phone.clone().unwrap_or_default(), c.address.clone().unwrap_or_default());
                                view! {
                                    <li class="item" data-testid="contact-change">
                                        <p class="item-title">{c.full_name.clone()}" · "{c.org_name.clone()}</p>
                                        <p><del>{from}</del>" → "<ins>{to}</ins></p>
                                        <div class="actions">
                                            <button type="button" class="btn btn-primary" on:click=move |_| { decide.dispatch(DecideContactChange { id, approve: true }); }>{t!(i18n, confirm)}</button>
                                            <button type="button" class="btn btn-secondary" on:click=move |_| { decide.dispatch(DecideContactChange { id, approve: false }); }>{t!(i18n, reject)}</button>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
fn IssueCodes() -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let issue = ServerAction::<IssueActivationCode>::new();
    let disable = ServerAction::<SetAccountDisabled>::new();
    let disable_error = action_error(disable.value());
    let is_admin = use_session()
        .user()
        .is_some_and(|u| u.roles.iter().any(|r| r.role == Role::Admin));
    let members = Resource::new(
        move || (search.get(), issue.version().get(), disable.version().get()),
        |(q, _, _)| list_member_accounts(q),
    );
    let names = StoredValue::new(std::collections::HashMap::<i64, String>::new());
    let error = action_error(issue.value());
    view! {
        <section class="card" aria-labelledby="codes-heading">
            <h2 id="codes-heading">{t!(i18n, manage_members_title)}</h2>
            <form class="form-inline" on:submit=move |ev| { ev.prevent_default(); search.set(query.get_untracked()); }>
                <label for="member-search">{t!(i18n, manage_search)}</label>
                <input id="member-search" type="search" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                <button type="submit" class="btn btn-secondary">{t!(i18n, manage_search_submit)}</button>
            </form>
            <FormError error />
            <ReauthPrompt error />
            <FormError error=disable_error />
            <ReauthPrompt error=disable_error />
            {move || matches!(disable.value().get(), Some(Ok(()))).then(|| view! {
                <p class="alert alert-ok" role="status" data-testid="account-disabled">{t!(i18n, account_disabled_done)}</p>
            })}
            {move || issue.value().get().and_then(|r| r.ok()).map(|c| {
                let name = names.with_value(|n| n.get(&c.member_id).cloned()).unwrap_or_default();
                let (code, date) = (c.code.clone(), c.expires_on.clone());
                view! {
                    <div class="alert alert-ok" role="status" data-testid="code-issued">
                        <p>{t!(i18n, code_issued, name = move || name.clone(), code = move || code.clone(), date = move || date.clone())}</p>
                    </div>
                }
            })}
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = members.await.unwrap_or_default();
                    view! {
                        <ul class="item-list" data-testid="member-accounts">
                            {list.into_iter().map(|m| {
                                names.update_value(|n| { n.insert(m.member_id, m.full_name.clone()); });
                                let id = m.member_id;
                                let status = m.account_status;
                                let toggle = match (is_admin, status) {
                                    (true, Some(AccountStatus::Active)) => Some(true),
                                    (true, Some(AccountStatus::Blocked)) => Some(false),
                                    _ => None,
                                };
                                let status_text = move || match status {
                                    None => td_string!(i18n.get_locale(), account_none),
                                    Some(AccountStatus::Pending) => td_string!(i18n.get_locale(), account_pending),
                                    Some(AccountStatus::Active) => td_string!(i18n.get_locale(), account_active),
                                    Some(AccountStatus::Rejected) => td_string!(i18n.get_locale(), account_rejected),
                                    Some(AccountStatus::Disabled | AccountStatus::Blocked) => td_string!(i18n.get_locale(), account_disabled),
                                };
                                view! {
                                    <li class="item item-row" data-testid="member-account">
                                        <div>
                                            <p class="item-title">{m.full_name.clone()}</p>
                                            <p class="note">{m.org_name.clone()}" · "{status_text}</p>
                                        </div>
                                        <button type="button" class="btn btn-secondary" on:click=move |_| { issue.dispatch(IssueActivationCode { member_id: id }); }>
                                            {t!(i18n, issue_code)}
                                        </button>
                                        {toggle.map(|disabled| view! {
                                            <button type="button" class="btn btn-secondary" data-testid="account-toggle"
                                                on:click=move |_| { disable.dispatch(SetAccountDisabled { member_id: id, disabled }); }>
                                                {if disabled { t!(i18n, account_disable).into_any() } else { t!(i18n, account_enable).into_any() }}
                                            </button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </section>
    }
}

/// Shown where a step answered `err_reauth_required` (granting roles, issuing codes, applying an
/// import, disabling an account): the password, confirmed in place; then the leader presses the
/// step's button again.
#[component]
pub fn ReauthPrompt(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let confirm = ServerAction::<ConfirmPassword>::new();
    let confirm_error = action_error(confirm.value());
    let needed = move || {
        error.get().is_some_and(|e| matches!(&e, AppError::Invalid(f) if f.iter().any(|f| f.key == "err_reauth_required")))
    };
    let done = move || matches!(confirm.value().get(), Some(Ok(())));
    view! {
        <Show when=needed>
            <div class="card" role="group" aria-labelledby="reauth-heading" data-testid="reauth">
                <h3 id="reauth-heading">{t!(i18n, reauth_title)}</h3>
                <p>{t!(i18n, reauth_intro)}</p>
                <FormError error=confirm_error />
                <ActionForm action=confirm attr:class="form" attr:novalidate=true>
                    <Field name="password" label=label!(i18n, field_password) kind="password" autocomplete="current-password" required=true error=confirm_error />
                    <button type="submit" class="btn btn-primary" data-testid="reauth-submit">{t!(i18n, reauth_submit)}</button>
                </ActionForm>
                <Show when=done>
                    <p class="alert alert-ok" role="status" data-testid="reauth-done">{t!(i18n, reauth_done)}</p>
                </Show>
            </div>
        </Show>
    }
}
