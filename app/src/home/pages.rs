use crate::accounts::UserView;
use crate::domain::account::{Preferences, TextSize};
use crate::domain::permission::Role;
use crate::i18n::*;
use crate::ui::{icon_path, use_session, CallSecretary, Icon, Page};
use leptos::prelude::*;
use leptos_meta::Title;

pub fn role_name(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Admin => td_string!(locale, role_admin),
        Role::Assistant => td_string!(locale, role_assistant),
        Role::Editor => td_string!(locale, role_editor),
        Role::Secretary => td_string!(locale, role_bi_thu),
        Role::DeputySecretary => td_string!(locale, role_pho_bi_thu),
        Role::CellCommittee => td_string!(locale, role_chi_uy_vien),
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = session.user();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), home_title) />
        {match user {
            None => view! { <Page><SignedOutHome /></Page> }.into_any(),
            Some(user) => {
                let user = StoredValue::new(user);
                view! {
                    <Show
                        when=move || session.prefs.get().simple_mode
                        fallback=move || view! { <Page><MemberHome user=user.get_value() /></Page> }
                    >
                        <Page><SimpleHome user=user.get_value() /></Page>
                    </Show>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn SignedOutHome() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, app_name)}</h1>
        <p class="lead">{t!(i18n, home_intro)}</p>
        <p>{t!(i18n, home_signed_out_cta)}</p>
        <p class="actions">
            <a class="btn btn-primary btn-wide" href="/dang-nhap">{t!(i18n, sign_in_button)}</a>
            <a class="btn btn-secondary btn-wide" href="/dang-ky">{t!(i18n, home_join_link)}</a>
        </p>
        <section aria-labelledby="who-heading" class="card">
            <h2 id="who-heading">{t!(i18n, home_features_title)}</h2>
            <ul class="plain-list">
                <li>{t!(i18n, home_feature_members)}</li>
                <li>{t!(i18n, home_feature_cells)}</li>
                <li>{t!(i18n, home_feature_committees)}</li>
            </ul>
        </section>
    }
}

#[component]
fn MemberHome(user: UserView) -> impl IntoView {
    let i18n = use_i18n();
    let name = user.full_name.clone();
    let org = user.org_name.clone();
    let roles = user.roles.clone();
    let pending = user.pending_join_requests;
    view! {
        <h1>{t!(i18n, home_greeting, name = move || name.clone())}</h1>
        <p class="lead">{t!(i18n, home_your_cell, org = move || org.clone())}</p>
        <OfferSimpleMode offer=user.offer_simple_mode />
        <OfferGuide offer=user.offer_guide && !user.offer_simple_mode />
        <crate::meetings::pages::UpcomingMeetings />
        <ReadingReminders />
        <section class="card" aria-labelledby="call-heading">
            <h2 id="call-heading" class="visually-hidden">{t!(i18n, call_secretary)}</h2>
            <CallSecretary />
        </section>
        <Show when=move || !roles.is_empty()>
            <section class="card" aria-labelledby="roles-heading">
                <h2 id="roles-heading">{t!(i18n, home_roles_title)}</h2>
                <ul class="plain-list" data-testid="roles">
                    {user.roles.iter().map(|r| {
                        let role = r.role;
                        let org = r.org_name.clone();
                        view! { <li>{move || role_name(i18n.get_locale(), role)}" — "{org}</li> }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
        <Show when=move || user.is_leader>
            <section class="card" aria-labelledby="manage-heading">
                <h2 id="manage-heading">{t!(i18n, nav_manage)}</h2>
                <p data-testid="pending-joins">{t!(i18n, home_pending_joins, count = move || pending)}</p>
                <a class="btn btn-primary btn-wide" href="/quan-tri/tai-khoan">{t!(i18n, home_manage_accounts)}</a>
            </section>
        </Show>
    }
}

/// Simplified home: a few very large buttons, one column, nothing to remember.
#[component]
fn SimpleHome(user: UserView) -> impl IntoView {
    let i18n = use_i18n();
    let unread = user.unread_notifications;
    let session = use_session();
    let name = user.full_name.clone();
    view! {
        <h1 class="simple-title">{t!(i18n, home_greeting, name = move || name.clone())}</h1>
        <OfferSimpleMode offer=user.offer_simple_mode />
        <OfferGuide offer=user.offer_guide && !user.offer_simple_mode />
        <nav class="simple-grid" aria-label=move || td_string!(i18n.get_locale(), nav_label).to_string()>
            <a class="btn btn-huge" href="/van-ban"><Icon name="document" /><span>{t!(i18n, nav_documents)}</span></a>
            <a class="btn btn-huge" href="/sinh-hoat"><Icon name="meeting" /><span>{t!(i18n, simple_meetings)}</span></a>
            <a class="btn btn-huge" href="/nhiem-vu"><Icon name="task" /><span>{t!(i18n, simple_tasks)}</span></a>
            <a class="btn btn-huge" href="/thong-bao"><Icon name="bell" /><span>{t!(i18n, nav_notifications)}{(unread > 0).then(|| format!(" ({unread})"))}</span></a>
            <a class="btn btn-huge" href="/ca-nhan"><Icon name="person" /><span>{t!(i18n, simple_my_info)}</span></a>
            <CallSecretary big=true />
            <Show when=move || user.is_leader>
                <a class="btn btn-huge" href="/quan-tri/tai-khoan"><Icon name="manage" /><span>{t!(i18n, simple_manage)}</span></a>
            </Show>
            <a class="btn btn-huge" href="/tro-giup"><Icon name="help" /><span>{t!(i18n, simple_help)}</span></a>
            // Text size is what elderly members change most: one press steps it up, and round.
            <button type="button" class="btn btn-huge" data-testid="simple-text-size"
                on:click=move |_| {
                    let p = session.prefs.get_untracked();
                    let text_size = match p.text_size {
                        TextSize::Normal => TextSize::Large,
                        TextSize::Large => TextSize::ExtraLarge,
                        TextSize::ExtraLarge => TextSize::Normal,
                    };
                    session.set_prefs(Preferences { text_size, ..p });
                }>
                <Icon name="text" />
                <span>{t!(i18n, text_size_label)}": "{move || match session.prefs.get().text_size {
                    TextSize::Normal => td_string!(i18n.get_locale(), text_size_normal),
                    TextSize::Large => td_string!(i18n.get_locale(), text_size_large),
                    TextSize::ExtraLarge => td_string!(i18n.get_locale(), text_size_xlarge),
                }}</span>
            </button>
        </nav>
        <p>
            <button type="button" class="btn btn-secondary btn-wide" data-testid="simple-exit"
                on:click=move |_| session.set_prefs(Preferences { simple_mode: false, ..session.prefs.get_untracked() })>
                {t!(i18n, simple_exit)}
            </button>
        </p>
    }
}

/// Offered once to members born before 1956: either answer is remembered.
#[component]
fn OfferSimpleMode(offer: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(offer);
    let answer = move |simple: bool| {
        open.set(false);
        session.set_prefs(Preferences {
            simple_mode: simple,
            ..session.prefs.get_untracked()
        });
    };
    view! {
        <Show when=move || open.get() && !session.prefs.get().simple_mode>
            <section class="card card-offer" aria-labelledby="offer-heading" data-testid="offer-simple">
                <h2 id="offer-heading">{t!(i18n, offer_simple_title)}</h2>
                <p>{t!(i18n, offer_simple_body)}</p>
                <p class="actions">
                    <button type="button" class="btn btn-primary btn-wide" on:click=move |_| answer(true)>{t!(i18n, offer_simple_yes)}</button>
                    <button type="button" class="btn btn-secondary btn-wide" on:click=move |_| answer(false)>{t!(i18n, offer_simple_no)}</button>
                </p>
            </section>
        </Show>
    }
}

/// Documents a leader asked this member to read (until notifications exist, they show here).
#[component]
fn ReadingReminders() -> impl IntoView {
    let i18n = use_i18n();
    let reminders = Resource::new(|| (), |_| crate::documents::my_reading_reminders());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = reminders.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="card card-offer" aria-labelledby="reminders-heading" data-testid="reading-reminders">
                        <h2 id="reminders-heading">{t!(i18n, home_reminders_title)}</h2>
                        <p>{t!(i18n, home_reminders_note)}</p>
                        <ul class="link-list">
                            {list.into_iter().map(|r| view! {
                                <li><a href=format!("/van-ban/{}", r.id)>{r.number.map(|n| format!("{n} — ")).unwrap_or_default()}{r.title}</a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}

/// Offered on the home page until the member finishes or skips the guide (help replays it).
#[component]
fn OfferGuide(offer: bool) -> impl IntoView {
    let i18n = use_i18n();
    offer.then(|| {
        view! {
            <section class="card card-offer" aria-labelledby="guide-offer-heading" data-testid="guide-offer">
                <h2 id="guide-offer-heading">{t!(i18n, guide_offer_title)}</h2>
                <p>{t!(i18n, guide_offer_text)}</p>
                <div class="actions">
                    <a class="btn btn-primary btn-wide" href="/huong-dan" data-testid="guide-open">{t!(i18n, guide_offer_open)}</a>
                    <SkipGuide />
                </div>
            </section>
        }
    })
}

/// Finishes or skips the guide. A plain form: the answer is a full load of the home page, which
/// then no longer offers the guide, with or without JavaScript.
#[component]
fn SkipGuide(#[prop(optional)] finish: bool) -> impl IntoView {
    let i18n = use_i18n();
    let url = <crate::accounts::FinishGuide as leptos::server_fn::ServerFn>::url();
    view! {
        <form method="post" action=url class="inline-form">
            {if finish {
                view! { <button type="submit" class="btn btn-huge" data-testid="guide-finish"><Icon name="check" /><span>{t!(i18n, guide_finish)}</span></button> }.into_any()
            } else {
                view! { <button type="submit" class="btn btn-secondary btn-wide" data-testid="guide-skip">{t!(i18n, guide_skip)}</button> }.into_any()
            }}
        </form>
    }
}

/// `/huong-dan`: three screens with a large picture each — documents, the meeting, the
/// secretary — that a secretary can walk a member through. `?buoc=` picks the screen, so it
/// works as plain links.
#[component]
pub fn GuidePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let step = move || {
        query
            .with(|q| q.get("buoc").and_then(|s| s.parse::<u32>().ok()))
            .unwrap_or(1)
            .clamp(1, GUIDE_STEPS)
    };
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), guide_title) />
        <Page>
            <h1>{t!(i18n, guide_title)}</h1>
            {move || {
                let n = step();
                let l = i18n.get_locale();
                let (icon, button, title, text) = match n {
                    1 => ("document", td_string!(l, nav_documents), td_string!(l, guide_1_title), td_string!(l, guide_1_text)),
                    2 => ("meeting", td_string!(l, simple_meetings), td_string!(l, guide_2_title), td_string!(l, guide_2_text)),
                    _ => ("phone", td_string!(l, call_secretary), td_string!(l, guide_3_title), td_string!(l, guide_3_text)),
                };
                view! {
                    <p class="note" data-testid="guide-step">{t!(i18n, guide_step, n = move || n, total = || GUIDE_STEPS)}</p>
                    <GuidePicture icon button />
                    <h2>{title}</h2>
                    <p class="lead">{text}</p>
                    <div class="guide-actions">
                        {if n < GUIDE_STEPS {
                            view! {
                                <a class="btn btn-huge" href=format!("/huong-dan?buoc={}", n + 1) data-testid="guide-next">
                                    <span>{t!(i18n, guide_next)}</span>
                                </a>
                            }.into_any()
                        } else {
                            view! { <SkipGuide finish=true /> }.into_any()
                        }}
                        {(n > 1).then(|| view! { <a class="btn btn-secondary btn-wide" href=format!("/huong-dan?buoc={}", n - 1)>{t!(i18n, guide_back)}</a> })}
                        {(n < GUIDE_STEPS).then(|| view! { <SkipGuide /> })}
                    </div>
                }
            }}
        </Page>
    }
}

const GUIDE_STEPS: u32 = 3;

/// A phone with one large button on its screen: the button the step is about.
#[component]
fn GuidePicture(icon: &'static str, button: &'static str) -> impl IntoView {
    view! {
        <svg class="guide-picture" viewBox="0 0 200 240" aria-hidden="true" focusable="false">
            <rect class="phone" x="40" y="6" width="120" height="228" rx="16" />
            <rect class="screen" x="50" y="26" width="100" height="188" rx="4" />
            <rect class="button" x="52" y="108" width="96" height="64" rx="8" />
            <g transform="translate(76 36) scale(2)"><path class="glyph" d=icon_path(icon) /></g>
            <text x="100" y="146" text-anchor="middle">{button}</text>
            <circle class="finger" cx="128" cy="164" r="14" />
        </svg>
    }
}
