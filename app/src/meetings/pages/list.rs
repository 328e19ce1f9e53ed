//! The meetings list (`/sinh-hoat`), the member's next-meeting card, the home page's upcoming
//! meetings, and the leaders' forms to create a meeting and set the cell's schedule.

use super::*;

#[component]
pub(super) fn MeetingCard(m: MeetingSummary) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let href = format!("/sinh-hoat/{}", m.id);
    let title = meeting_title(l, &m);
    let where_ = m
        .place
        .clone()
        .unwrap_or_else(|| format_name(l, m.format).to_string());
    view! {
        <li class="card meeting-card" data-testid="meeting-card">
            <h3><a href=href>{title}</a></h3>
            <p class="meta">{m.org_name.clone()}</p>
            <p><strong><WhenWords date=m.date.clone() time=m.start_time.clone() with_year=true /></strong>" · "{where_}</p>
            <p>
                <span class="badge">{status_name(l, m.status)}</span>
                {m.my_rsvp.map(|r| {
                    let text = answer_name(l, r);
                    view! { " " <span class="badge badge-ok">{text}</span> }
                })}
                {m.rating.map(|r| view! { " " <span class="badge">{td_string!(l, mt_rating_label)}": "{rating_name(l, r)}</span> })}
            </p>
        </li>
    }
}

/// The member's next meeting as one card: when, in words; where; and the three things a member
/// does before it, each one large button.
#[component]
pub fn NextMeetingCard(m: MeetingSummary) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let id = m.id;
    let title = meeting_title(l, &m);
    let (date, time) = (m.date.clone(), m.start_time.clone());
    let where_ = m
        .place
        .clone()
        .unwrap_or_else(|| format_name(l, m.format).to_string());
    let answering = crate::domain::meeting::members_may_answer(m.status);
    let answer = RwSignal::new(m.my_rsvp);
    let attending = move || answer.get() == Some(Answer::Attending);
    let excused = move || answer.get() == Some(Answer::Excused);
    let action = send_or_queue(
        |r: Rsvp| Box::pin(rsvp(r.id, r.answer, r.reason, 0)),
        |r: &Rsvp| {
            Some(Queued::Rsvp(QueuedRsvp {
                meeting_id: r.id,
                answer: r.answer.clone(),
                reason: r.reason.clone(),
            }))
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            answer.set(Some(Answer::Attending));
        }
    });
    let error = action_error(action.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(input) = <Rsvp as leptos::form::FromFormData>::from_event(&ev) {
            action.dispatch(input);
        }
    };
    let url = <Rsvp as leptos::server_fn::ServerFn>::url();
    let (heading, heading_ref) = (format!("next-meeting-{id}"), format!("next-meeting-{id}"));
    view! {
        <section class="card next-meeting" aria-labelledby=heading_ref data-testid="next-meeting">
            <h2 id=heading><a href=format!("/sinh-hoat/{id}")>{title}</a></h2>
            <p class="when" data-testid="next-when"><WhenWords date time /></p>
            <p>{where_}</p>
            // The answer shows on its own button (nothing is added above the buttons, which keeps
            // all three on the first screen); the status region tells screen readers.
            <p class="visually-hidden" role="status" data-testid="next-answer">
                {move || answer.get().map(|r| {
                    let l = i18n.get_locale();
                    answer_name(l, r)
                })}
            </p>
            {answering.then(|| view! {
                <FormError error />
                <div class="next-actions">
                    <form method="post" action=url on:submit=submit class="next-attend">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="answer" value="se_den" />
                        <input type="hidden" name="reason" value="" />
                        <button type="submit" class="btn btn-huge" data-testid="next-attend" aria-pressed=move || if attending() { "true" } else { "false" }>
                            <Icon name="check" />
                            <span>{move || if attending() { td_string!(i18n.get_locale(), mt_action_attending) } else { td_string!(i18n.get_locale(), mt_action_attend) }}</span>
                        </button>
                    </form>
                    <a class="btn btn-huge btn-huge-quiet btn-half" href=format!("/sinh-hoat/{id}#tra-loi") data-testid="next-excuse"><Icon name="away" /><span>{move || if excused() { td_string!(i18n.get_locale(), mt_my_rsvp_excused) } else { td_string!(i18n.get_locale(), mt_action_excuse) }}</span></a>
                    <a class="btn btn-huge btn-huge-quiet btn-half" href=format!("/sinh-hoat/{id}#gop-y") data-testid="next-opinion"><Icon name="speak" /><span>{t!(i18n, mt_action_opinion)}</span></a>
                </div>
            })}
        </section>
    }
}

#[component]
pub fn MeetingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| meetings());
    let next = Resource::new(|| (), |_| next_meetings());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), mt_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, mt_title)}</h1>
                // What the page is for comes first: the member's next meeting and what to do.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        next.await.ok().and_then(|l| l.into_iter().next()).map(|m| view! { <NextMeetingCard m /> })
                    })}
                </Transition>
                <p><a class="btn btn-secondary" href="/nhiem-vu">{t!(i18n, task_title)}</a></p>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(e) => view! { <ErrorCard e /> }.into_any(),
                            Ok(l) => {
                                let MeetingList { upcoming, past, run_cells, follows_cells } = l;
                                view! {
                                    <section aria-labelledby="mt-upcoming">
                                        <h2 id="mt-upcoming">{t!(i18n, mt_upcoming)}</h2>
                                        {if upcoming.is_empty() {
                                            view! { <p class="note">{t!(i18n, mt_none_upcoming)}</p> }.into_any()
                                        } else {
                                            view! { <ul class="plain-list">{upcoming.into_iter().map(|m| view! { <MeetingCard m /> }).collect_view()}</ul> }.into_any()
                                        }}
                                    </section>
                                    <Show when=move || follows_cells>
                                        <p><a class="btn btn-secondary btn-wide" href="/sinh-hoat/thong-ke">{t!(i18n, mt_overview_title)}</a></p>
                                    </Show>
                                    {(!run_cells.is_empty()).then(|| view! {
                                        <p><a class="btn btn-secondary btn-wide" href="/sinh-hoat/khong-dien-thoai" data-testid="phoneless-link">{t!(i18n, sms_page_title)}</a></p>
                                        <CreateMeetingForm cells=run_cells.clone() />
                                        <ScheduleRule cells=run_cells />
                                    })}
                                    <section aria-labelledby="mt-past">
                                        <h2 id="mt-past">{t!(i18n, mt_past)}</h2>
                                        {if past.is_empty() {
                                            view! { <p class="note">{t!(i18n, mt_none_past)}</p> }.into_any()
                                        } else {
                                            view! { <ul class="plain-list">{past.into_iter().map(|m| view! { <MeetingCard m /> }).collect_view()}</ul> }.into_any()
                                        }}
                                    </section>
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

/// Fields shared by creating and editing a meeting: date, time, format, place, link.
#[component]
pub(super) fn WhenWhere(
    error: Signal<Option<AppError>>,
    #[prop(optional, into)] date: String,
    #[prop(optional, into)] time: String,
    #[prop(optional, into)] format: String,
    #[prop(optional, into)] place: String,
    #[prop(optional, into)] link: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let format = if format.is_empty() {
        "tai_cho".to_string()
    } else {
        format
    };
    let invalid = move |field: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| field_message(i18n.get_locale(), &e, field))
                .map(|_| "true")
        }
    };
    view! {
        <Field name="date" label=label!(i18n, mt_field_date) kind="date" value=date required=true error />
        <Field name="start_time" label=label!(i18n, mt_field_time) kind="time" value=if time.is_empty() { "19:30".to_string() } else { time } required=true error />
        <fieldset class="choice-group" aria-invalid=invalid("format")>
            <legend>{t!(i18n, mt_field_format)}</legend>
            {MeetingFormat::ALL.iter().map(|f| {
                let code = f.code();
                let checked = format == code;
                let f = *f;
                view! { <label class="check"><input type="radio" name="format" value=code checked=checked />{move || format_name(i18n.get_locale(), f)}</label> }
            }).collect_view()}
            <ControlError error field="format" />
        </fieldset>
        <Field name="place" label=label!(i18n, mt_field_place) value=place error />
        <Field name="link" label=label!(i18n, mt_field_link) kind="url" hint=label!(i18n, mt_field_link_hint) value=link error />
    }
}

#[component]
pub(super) fn CreateMeetingForm(cells: Vec<CellChoice>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateMeeting>::new();
    let error = action_error(action.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate(&format!("/sinh-hoat/{id}"), Default::default());
        }
    });
    let invalid = move |field: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| field_message(i18n.get_locale(), &e, field))
                .map(|_| "true")
        }
    };
    view! {
        <section class="card" aria-labelledby="mt-create">
            <h2 id="mt-create">{t!(i18n, mt_create_title)}</h2>
            <p class="note">{t!(i18n, mt_create_note)}</p>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <div class="field">
                    <label for="f-org_id">{t!(i18n, mt_field_cell)}</label>
                    <select id="f-org_id" name="org_id">
                        {cells.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-kind">{t!(i18n, mt_field_kind)}</label>
                    <select id="f-kind" name="kind" aria-invalid=invalid("kind")>
                        {MeetingKind::ALL.iter().map(|k| {
                            let code = k.code();
                            let k = *k;
                            view! { <option value=code>{move || kind_name(i18n.get_locale(), k)}</option> }
                        }).collect_view()}
                    </select>
                    <ControlError error field="kind" />
                </div>
                <Field name="title" label=label!(i18n, mt_field_title) hint=label!(i18n, mt_field_title_hint) error />
                <WhenWhere error />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="create-meeting" disabled=move || action.pending().get()>
                    {t!(i18n, mt_create_submit)}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub(super) fn ScheduleRule(cells: Vec<CellChoice>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetSchedule>::new();
    let error = action_error(action.value());
    let first = cells.first().cloned();
    let current = first.as_ref().map(|c| c.rule.clone()).unwrap_or_default();
    let (kind, day, nth, weekday) = match Recurrence::from_code(&current) {
        Some(Recurrence::DayOfMonth(n)) => ("ngay", n, 1, 0),
        Some(Recurrence::LunarDay(n)) => ("am", n, 1, 0),
        Some(Recurrence::NthWeekday { n, weekday }) => ("thu", 1, n, weekday),
        None => ("ngay", 5, 1, 0),
    };
    view! {
        <section class="card" aria-labelledby="mt-rule">
            <h2 id="mt-rule">{t!(i18n, mt_rule_title)}</h2>
            {cells.iter().map(|c| {
                let (name, rule, time) = (c.name.clone(), c.rule.clone(), c.start_time.clone());
                view! { <p data-testid="cell-rule">{name}": "{move || rule_text(i18n.get_locale(), &rule)}" · "{time.clone()}</p> }
            }).collect_view()}
            {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! { <p class="alert alert-ok" role="status">{t!(i18n, mt_rule_saved)}</p> })}
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <div class="field">
                    <label for="f-rule-org">{t!(i18n, mt_field_cell)}</label>
                    <select id="f-rule-org" name="org_id">
                        {cells.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <fieldset class="choice-group">
                    <legend>{t!(i18n, mt_rule_kind)}</legend>
                    <label class="check"><input type="radio" name="rule_kind" value="ngay" checked=kind == "ngay" />{t!(i18n, mt_rule_kind_day)}</label>
                    <label class="check"><input type="radio" name="rule_kind" value="thu" checked=kind == "thu" />{t!(i18n, mt_rule_kind_weekday)}</label>
                    <label class="check"><input type="radio" name="rule_kind" value="am" checked=kind == "am" />{t!(i18n, mt_rule_kind_lunar)}</label>
                </fieldset>
                <Field name="day" label=label!(i18n, mt_rule_day) inputmode="numeric" value=day.to_string() hint=label!(i18n, mt_rule_day_hint) error />
                <div class="field">
                    <label for="f-nth">{t!(i18n, mt_rule_nth_label)}</label>
                    <select id="f-nth" name="nth">
                        {(1..=5u32).map(|n| view! { <option value=n.to_string() selected=n == nth>{move || if n == 5 { td_string!(i18n.get_locale(), mt_rule_last).to_string() } else { n.to_string() }}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-weekday">{t!(i18n, mt_rule_weekday_label)}</label>
                    <select id="f-weekday" name="weekday">
                        {(0..7u32).map(|w| view! { <option value=w.to_string() selected=w == weekday>{move || crate::platform::words::weekday_word(i18n.get_locale(), w)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-rule-time">{t!(i18n, mt_rule_time)}</label>
                    <input id="f-rule-time" type="text" inputmode="decimal" placeholder=td_string!(i18n.get_locale_untracked(), time_placeholder) name="start_time" value=first.as_ref().map(|c| c.start_time.clone()).unwrap_or_default() />
                    <ControlError error field="start_time" />
                </div>
                <div class="field">
                    <label for="f-rule-place">{t!(i18n, mt_rule_place)}</label>
                    <input id="f-rule-place" name="place" value=first.and_then(|c| c.place).unwrap_or_default() />
                </div>
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="save-rule">{t!(i18n, mt_rule_save)}</button>
            </ActionForm>
        </section>
    }
}

/// The next meetings of the member's cell, on the home page.
#[component]
pub fn UpcomingMeetings() -> impl IntoView {
    let i18n = use_i18n();
    let next = Resource::new(|| (), |_| next_meetings());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = next.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="home-meetings" data-testid="home-meetings">
                        <h2 id="home-meetings">{t!(i18n, mt_home_title)}</h2>
                        <ul class="plain-list">{list.into_iter().map(|m| view! { <MeetingCard m /> }).collect_view()}</ul>
                    </section>
                })
            })}
        </Transition>
    }
}
