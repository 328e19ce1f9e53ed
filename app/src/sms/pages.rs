//! `/sinh-hoat/khong-dien-thoai`: for the leaders of a cell, who has no smartphone (a tick per
//! member), whom SMS reaches and whom to visit or call before the meeting (a printable list), and
//! the SMS replies that were not an answer.

use super::*;
use crate::i18n::*;
use crate::platform::messages::error_text;
use crate::ui::forms::{action_error, FormError};
use crate::ui::{Page, RequireUser};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PhonelessPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let cells = Resource::new(|| (), |_| crate::meetings::meetings());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), sms_page_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, sms_page_title)}</h1>
                <p class="hint no-print">{t!(i18n, sms_page_intro)}</p>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match cells.await {
                            Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), e.key())}</p></div> }.into_any(),
                            Ok(l) if l.run_cells.is_empty() => view! { <div class="alert alert-error" role="alert"><p>{error_text(i18n.get_locale_untracked(), "err_forbidden")}</p></div> }.into_any(),
                            Ok(l) => {
                                let chosen = query.with_untracked(|q| q.get("don_vi").and_then(|v| v.parse::<i64>().ok()));
                                let cell = l.run_cells.iter().find(|c| Some(c.id) == chosen).unwrap_or(&l.run_cells[0]).clone();
                                view! {
                                    {(l.run_cells.len() > 1).then(|| view! {
                                        <nav class="no-print" aria-label=td_string!(i18n.get_locale_untracked(), sms_choose_cell)>
                                            <ul class="plain-list">
                                                {l.run_cells.iter().map(|c| view! { <li><a href=format!("/sinh-hoat/khong-dien-thoai?don_vi={}", c.id) rel="external">{c.name.clone()}</a></li> }).collect_view()}
                                            </ul>
                                        </nav>
                                    })}
                                    <CellPhones org_id=cell.id name=cell.name.clone() />
                                    <Replies />
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn CellPhones(org_id: i64, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    let rows = Resource::new(move || tick.get(), move |_| cell_phones(org_id));
    let set = ServerAction::<SetNoSmartphone>::new();
    let error = action_error(set.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = set.value().get() {
            tick.update(|n| *n += 1);
        }
    });
    view! {
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || {
                let name = name.clone();
                Suspend::new(async move {
                let l = i18n.get_locale_untracked();
                match rows.await {
                    Err(e) => view! { <div class="alert alert-error" role="alert"><p>{error_text(l, e.key())}</p></div> }.into_any(),
                    Ok(rows) => {
                        let marked: Vec<CellMemberPhone> = rows.iter().filter(|r| r.no_smartphone).cloned().collect();
                        view! {
                            <section class="card" aria-labelledby="sms-visit">
                                <h2 id="sms-visit">{t!(i18n, sms_visit_title)}" — "{name.clone()}</h2>
                                {if marked.is_empty() {
                                    view! { <p class="note">{t!(i18n, sms_visit_none)}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="plain-list" data-testid="visit-list">
                                            {marked.into_iter().map(|m| {
                                                let how = match &m.phone {
                                                    Some(p) => view! { <p class="note">{t!(i18n, sms_by_sms)}": "<a href=format!("tel:{p}")>{p.clone()}</a></p> }.into_any(),
                                                    None => view! { <p class="note">{t!(i18n, sms_visit_home)}{m.address.clone().map(|a| format!(": {a}"))}</p> }.into_any(),
                                                };
                                                view! { <li class="item"><p class="item-title">{m.name.clone()}</p>{how}</li> }
                                            }).collect_view()}
                                        </ul>
                                        <p class="no-print"><button type="button" class="btn btn-secondary" on:click=|_| { let _ = window().print(); }>{t!(i18n, mt_print_button)}</button></p>
                                    }.into_any()
                                }}
                            </section>
                            <section class="card no-print" aria-labelledby="sms-mark">
                                <h2 id="sms-mark">{t!(i18n, sms_mark_title)}</h2>
                                <p class="hint">{t!(i18n, sms_mark_hint)}</p>
                                <FormError error />
                                <ul class="plain-list" data-testid="phone-list">
                                    {rows.into_iter().map(|m| {
                                        let id = format!("sms-mark-{}", m.id);
                                        let member_id = m.id;
                                        let checked = m.no_smartphone;
                                        view! {
                                            <li class="item">
                                                <label class="choice" for=id.clone()>
                                                    <input type="checkbox" id=id.clone() data-testid="no-smartphone" prop:checked=checked
                                                        disabled=move || set.pending().get()
                                                        on:change=move |ev| { set.dispatch(SetNoSmartphone { member_id, value: event_target_checked(&ev) }); } />
                                                    " "{m.name.clone()}
                                                </label>
                                                <p class="note">{m.phone.clone().unwrap_or_else(|| td_string!(l, sms_no_number).to_string())}</p>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                }
            })
            }}
        </Transition>
    }
}

#[component]
fn Replies() -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    let replies = Resource::new(move || tick.get(), |_| sms_replies());
    let handled = ServerAction::<SmsReplyHandled>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = handled.value().get() {
            tick.update(|n| *n += 1);
        }
    });
    view! {
        <section class="card no-print" aria-labelledby="sms-replies">
            <h2 id="sms-replies">{t!(i18n, sms_replies_title)}</h2>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match replies.await {
                        Err(e) => view! { <p class="note">{error_text(i18n.get_locale_untracked(), e.key())}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="note">{t!(i18n, sms_replies_none)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list" data-testid="sms-replies">
                                {list.into_iter().map(|r| {
                                    let id = r.id;
                                    view! {
                                        <li class="item">
                                            <p class="item-title">{r.member.clone().unwrap_or_else(|| r.phone.clone())}" · "{r.received.clone()}</p>
                                            <p>{r.body.clone()}</p>
                                            <button type="button" class="btn btn-secondary" on:click=move |_| { handled.dispatch(SmsReplyHandled { id }); }>{t!(i18n, sms_reply_done)}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The month's SMS under an organisation, on the statistics page: what was sent, what the cap
/// held back, and the organisations that sent most.
#[component]
pub fn SmsUsageCard(u: SmsMonth) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let n = move |v: i64| crate::platform::words::number(l, v);
    let (cap, at_cap) = (n(u.cap), n(u.at_cap));
    view! {
        <section class="card" aria-labelledby="st-sms" data-testid="sms-usage">
            <h2 id="st-sms">{t!(i18n, sms_usage_title)}</h2>
            <dl class="figures">
                <div class="dl-row"><dt>{t!(i18n, sms_usage_sent)}</dt><dd data-testid="sms-sent">{n(u.sent)}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, sms_usage_refused)}</dt><dd data-testid="sms-refused">{n(u.refused)}</dd></div>
            </dl>
            <p class="note">{t!(i18n, sms_usage_cap, cap = move || cap.clone(), count = move || at_cap.clone())}</p>
            {(!u.rows.is_empty()).then(|| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="st-sms">
                    <table class="data-table">
                        <caption class="visually-hidden">{t!(i18n, sms_usage_title)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, st_col_org)}</th>
                            <th scope="col">{t!(i18n, sms_usage_sent)}</th>
                            <th scope="col">{t!(i18n, sms_usage_refused)}</th>
                        </tr></thead>
                        <tbody>
                            {u.rows.into_iter().map(|r| view! {
                                <tr data-testid="sms-usage-row"><td>{r.org_name}</td><td>{n(r.sent)}</td><td>{n(r.refused)}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}
