//! Pages of meetings: the list (`/sinh-hoat`), one meeting (`/sinh-hoat/:id`, the member view
//! and, for leaders, the running view), its printable pack (`/sinh-hoat/:id/in`), tasks
//! (`/nhiem-vu`) and the committee's overview (`/sinh-hoat/thong-ke`).

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

fn status_name(locale: Locale, status: MeetingStatus) -> &'static str {
    match status {
        MeetingStatus::Draft => td_string!(locale, mt_status_du_thao),
        MeetingStatus::Scheduled => td_string!(locale, mt_status_da_cong_bo),
        MeetingStatus::InProgress => td_string!(locale, mt_status_dang_hop),
        MeetingStatus::Held => td_string!(locale, mt_status_da_hop),
    }
}

fn attendance_name(locale: Locale, attendance: Attendance) -> &'static str {
    match attendance {
        Attendance::Present => td_string!(locale, mt_att_co_mat),
        Attendance::Excused => td_string!(locale, mt_att_vang_co_ly_do),
        Attendance::Unexcused => td_string!(locale, mt_att_vang_khong_ly_do),
        Attendance::Exempt => td_string!(locale, mt_att_mien),
    }
}

fn rating_name(locale: Locale, rating: MeetingRating) -> &'static str {
    match rating {
        MeetingRating::Good => td_string!(locale, mt_rating_tot),
        MeetingRating::Fair => td_string!(locale, mt_rating_kha),
        MeetingRating::Average => td_string!(locale, mt_rating_trung_binh),
        MeetingRating::Poor => td_string!(locale, mt_rating_kem),
    }
}

fn format_name(locale: Locale, format: MeetingFormat) -> &'static str {
    match format {
        MeetingFormat::InPerson => td_string!(locale, mt_format_tai_cho),
        MeetingFormat::Online => td_string!(locale, mt_format_truc_tuyen),
        MeetingFormat::Hybrid => td_string!(locale, mt_format_ket_hop),
    }
}

fn vote_name(locale: Locale, choice: VoteChoice) -> &'static str {
    match choice {
        VoteChoice::Agree => td_string!(locale, mt_vote_dong_y),
        VoteChoice::Disagree => td_string!(locale, mt_vote_khong_dong_y),
        VoteChoice::Other => td_string!(locale, mt_vote_y_kien_khac),
    }
}

/// The member's own answer in words.
fn answer_name(locale: Locale, answer: Answer) -> &'static str {
    match answer {
        Answer::Attending => td_string!(locale, mt_my_rsvp_attending),
        Answer::Excused => td_string!(locale, mt_my_rsvp_excused),
    }
}

fn rule_text(locale: Locale, code: &str) -> String {
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

#[component]
fn MeetingCard(m: MeetingSummary) -> impl IntoView {
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
fn WhenWhere(
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
fn CreateMeetingForm(cells: Vec<CellChoice>) -> impl IntoView {
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
fn ScheduleRule(cells: Vec<CellChoice>) -> impl IntoView {
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

/// Bumped by every successful action on the meeting page, so the page reloads its data.
#[derive(Clone, Copy)]
struct Refresh(RwSignal<u32>);

fn refresh_on_success<T, V>(value: V)
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

#[component]
pub fn MeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let refresh = RwSignal::new(0u32);
    provide_context(Refresh(refresh));
    // Opinions sent from the outbox when the connection returns show up at once.
    let sent = use_outbox().sent;
    let data = Resource::new(
        move || (id(), refresh.get(), sent.get()),
        |(id, _, _)| meeting(id),
    );
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), mt_title) />
        <Page>
            <RequireUser>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <h1>{t!(i18n, mt_title)}</h1> <ErrorCard e /> }.into_any(),
                            Ok(v) => view! { <MeetingBody v /> }.into_any(),
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn MeetingBody(v: MeetingView) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let m = v.meeting.clone();
    let id = m.id;
    let status = m.status;
    let title = meeting_title(l, &m);
    let me = v.me.clone();
    // Which parts this person's page holds: the rules are in domain::meeting.
    let parts = crate::domain::meeting::MeetingParts::of(status, v.can_run, me.is_some());
    let held = parts.decided;
    reveal_hash_target();
    view! {
        <h1 data-testid="meeting-title">{title}</h1>
        // After the meeting, what was decided comes first.
        {held.then(|| view! { <Decided v=v.clone() /> })}
        <section class="card" aria-labelledby="mt-when">
            <h2 id="mt-when" class="visually-hidden">{t!(i18n, mt_when_where)}</h2>
            <p class="meta">{m.org_name.clone()}" · "{move || kind_name(i18n.get_locale(), m.kind)}</p>
            <p class="lead"><strong><WhenWords date=m.date.clone() time=m.start_time.clone() with_year=true /></strong></p>
            <p>{let f = m.format; move || format_name(i18n.get_locale(), f)}{m.place.clone().map(|p| view! { ": " {p} })}</p>
            {m.link.clone().map(|link| view! { <p><a class="btn btn-secondary" href=link.clone() rel="noopener noreferrer" target="_blank">{t!(i18n, mt_join_online)}</a></p> })}
            <p><span class="badge" data-testid="meeting-status">{status_name(l, m.status)}</span></p>
            {parts.print.then(|| view! { <p><a href=format!("/sinh-hoat/{id}/in") data-testid="print-link">{t!(i18n, mt_print)}</a></p> })}
        </section>

        <crate::ui::Waiting topic=super::queue::topic(id) />
        {me.clone().filter(|_| parts.answer).map(|me| view! { <MyAnswer id me /> })}

        <section class="card" aria-labelledby="mt-agenda">
            <h2 id="mt-agenda">{t!(i18n, mt_agenda)}</h2>
            {if v.agenda.is_empty() { view! { <p class="note">{t!(i18n, mt_agenda_empty)}</p> }.into_any() } else {
                view! {
                    <ol class="agenda">
                        {v.agenda.iter().map(|a| view! {
                            <li data-testid="agenda-item">
                                <strong>{a.title.clone()}</strong>
                                {a.note.clone().map(|n| view! { <br /> <span class="note">{n}</span> })}
                                {parts.edit_agenda.then(|| view! { <RemoveAgendaButton id item_id=a.id /> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <h3>{t!(i18n, mt_materials)}</h3>
            {if v.materials.is_empty() { view! { <p class="note">{t!(i18n, mt_materials_empty)}</p> }.into_any() } else {
                view! {
                    <ul class="plain-list">
                        {v.materials.iter().map(|d| view! {
                            <li data-testid="material">
                                <a href=format!("/van-ban/{}", d.document_id)>{d.number.clone().map(|n| format!("{n} — ")).unwrap_or_default()}{d.title.clone()}</a>
                                {parts.edit_agenda.then(|| view! { <DetachDocumentButton id document_id=d.document_id /> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!v.open_tasks.is_empty()).then(|| view! {
                <h3>{t!(i18n, mt_open_tasks)}</h3>
                <ul class="plain-list">
                    {v.open_tasks.iter().map(|t| view! { <li data-testid="open-task">{t.title.clone()}" — "{t.assignee.clone()}" · "<DateWords date=t.due_date.clone() with_year=true />" · "{t.progress}"%"</li> }).collect_view()}
                </ul>
            })}
        </section>

        {v.can_run.then(|| view! { <LeaderPanel v=v.clone() /> })}

        <Motions id motions=v.motions.clone() can_vote=parts.vote roster=v.roster.clone() can_run=parts.run_motions />

        <section class="card" aria-labelledby="mt-comments">
            <h2 id="mt-comments">{t!(i18n, mt_comments)}</h2>
            {if v.comments.is_empty() { view! { <p class="note">{t!(i18n, mt_comments_empty)}</p> }.into_any() } else {
                view! {
                    <ul class="plain-list comments">
                        {v.comments.iter().map(|c| view! {
                            <li data-testid="comment">
                                <p><strong>{c.author.clone()}</strong></p>
                                <p>{c.body.clone()}</p>
                                {c.recorded_by.clone().map(|r| view! { <p class="note" data-testid="recorded-by">{t!(i18n, mt_recorded_by)}" "{r}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {parts.answer.then(|| view! { <CommentForm id on_behalf=0 /> })}
        </section>

        {(!held).then(|| view! { <Decided v=v.clone() /> })}
    }
}

/// A link to `#gop-y` or `#tra-loi` (the next-meeting card's "Góp ý", "Xin vắng") navigates
/// before the meeting has loaded, so the browser finds no target: once the meeting is on the
/// page, bring that part into view, and put the cursor in the opinion's text box.
fn reveal_hash_target() {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        // After this render is in the document and after the router's own scrolling.
        set_timeout(
            || {
                use wasm_bindgen::JsCast;
                let Some(w) = web_sys::window() else { return };
                let hash = w.location().hash().unwrap_or_default();
                let id = hash.trim_start_matches('#');
                if id.is_empty() {
                    return;
                }
                if let Some(el) = w.document().and_then(|d| d.get_element_by_id(id)) {
                    el.scroll_into_view();
                    if let Ok(Some(field)) = el.query_selector("textarea, input:not([type=hidden])")
                    {
                        if let Some(field) = field.dyn_ref::<web_sys::HtmlElement>() {
                            let _ = field.focus();
                        }
                    }
                }
            },
            std::time::Duration::from_millis(50),
        );
    });
}

/// What the meeting decided (minutes, resolution, rating, attendance) and the tasks it gave.
#[component]
fn Decided(v: MeetingView) -> impl IntoView {
    let i18n = use_i18n();
    let m = v.meeting.clone();
    let status = m.status;
    let present_rate = crate::domain::meeting::attendance_rate(v.present, v.expected, v.exempt);
    view! {
        {(v.minutes.is_some() || v.resolution.is_some() || status == MeetingStatus::Held).then(|| view! {
            <section class="card" aria-labelledby="mt-minutes">
                <h2 id="mt-minutes">{if status == MeetingStatus::Held { t!(i18n, mt_decided).into_any() } else { t!(i18n, mt_minutes).into_any() }}</h2>
                {v.minutes.clone().map(|t| view! { <div class="prose" data-testid="minutes">{t.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div> })}
                {v.resolution.clone().map(|t| view! {
                    <h3>{t!(i18n, mt_resolution)}</h3>
                    <div class="prose" data-testid="resolution">{t.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</div>
                })}
                {m.rating.map(|r| view! { <p>{t!(i18n, mt_rating_label)}": "<strong>{move || rating_name(i18n.get_locale(), r)}</strong></p> })}
                {(status == MeetingStatus::Held).then(|| view! {
                    <p>{t!(i18n, mt_attendance_summary)}": "{v.present}"/"{v.expected - v.exempt}{present_rate.map(|r| format!(" ({r}%)"))}</p>
                })}
            </section>
        })}

        {(!v.tasks.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="mt-tasks">
                <h2 id="mt-tasks">{t!(i18n, mt_tasks_assigned)}</h2>
                <ul class="plain-list">
                    {v.tasks.iter().cloned().map(|t| view! { <TaskItem t can_report=false /> }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// Sends an opinion or an answer; without a connection, the member's own one waits in the
/// outbox (Ok(false)) and goes when the connection returns.
fn send_or_queue<I>(
    send: impl Fn(I) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>
        + 'static,
    queue: impl Fn(&I) -> Option<Queued> + 'static,
) -> Action<I, Result<bool, AppError>>
where
    I: Clone + Send + Sync + 'static,
{
    let outbox = use_outbox();
    Action::new_unsync(move |input: &I| {
        let queued = queue(input);
        let fut = send(input.clone());
        async move {
            match fut.await {
                Ok(()) => Ok(true),
                Err(e) if is_offline_error(&e) && queued.is_some() => {
                    if let Some(q) = queued {
                        q.queue(&outbox);
                    }
                    Ok(false)
                }
                Err(e) => Err(e),
            }
        }
    })
}

/// Reloads the page's data after a real send (not after queueing: offline, a reload would fail
/// and hide the page).
fn refresh_on_sent(action: Action<impl Send + Sync + 'static, Result<bool, AppError>>) {
    let Refresh(r) = expect_context::<Refresh>();
    Effect::new(move |_| {
        if let Some(Ok(true)) = action.value().get() {
            r.update(|n| *n += 1);
        }
    });
}

/// After a successful (or queued) send, empties the form so the text is not sent twice.
fn reset_on_success(
    action: Action<impl Send + Sync + 'static, Result<bool, AppError>>,
    form: NodeRef<leptos::html::Form>,
) {
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
        }
    });
}

#[component]
fn MyAnswer(id: i64, me: MyPart) -> impl IntoView {
    let i18n = use_i18n();
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
    refresh_on_sent(action);
    let error = action_error(action.value());
    let current = me.rsvp;
    let excused = current == Some(Answer::Excused);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(input) = <Rsvp as leptos::form::FromFormData>::from_event(&ev) {
            action.dispatch(input);
        }
    };
    let url = <Rsvp as leptos::server_fn::ServerFn>::url();
    view! {
        <section class="card" aria-labelledby="mt-answer" id="tra-loi">
            <h2 id="mt-answer">{t!(i18n, mt_answer_title)}</h2>
            {current.map(|r| {
                let text = answer_name(i18n.get_locale_untracked(), r);
                view! { <p class="alert alert-ok" role="status" data-testid="my-rsvp">{text}{me.rsvp_reason.clone().map(|r| format!(": {r}"))}</p> }
            })}
            <FormError error />
            <form method="post" action=url class="form-inline" on:submit=submit>
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="answer" value="se_den" />
                <input type="hidden" name="reason" value="" />
                <button type="submit" class="btn btn-primary btn-wide" data-testid="rsvp-attend">{t!(i18n, mt_rsvp_attend)}</button>
            </form>
            <form method="post" action=url class="form" novalidate=true on:submit=submit>
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="answer" value="xin_vang" />
                <Field name="reason" label=label!(i18n, mt_rsvp_reason) value=if excused { me.rsvp_reason.clone().unwrap_or_default() } else { String::new() } error />
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="rsvp-excuse">{t!(i18n, mt_rsvp_excuse)}</button>
            </form>
        </section>
    }
}

#[component]
fn CommentForm(id: i64, on_behalf: i64) -> impl IntoView {
    let i18n = use_i18n();
    // Only the member's own opinion waits offline: a leader recording for someone else is
    // at the meeting, with the member beside them, and should know at once.
    let action = send_or_queue(
        |c: Comment| Box::pin(comment(c.id, c.body, c.on_behalf)),
        |c: &Comment| {
            (c.on_behalf == 0).then(|| {
                Queued::Comment(QueuedComment {
                    meeting_id: c.id,
                    body: c.body.clone(),
                })
            })
        },
    );
    refresh_on_sent(action);
    let form = NodeRef::<leptos::html::Form>::new();
    reset_on_success(action, form);
    let error = action_error(action.value());
    let field_id = format!("f-body-{on_behalf}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(input) = <Comment as leptos::form::FromFormData>::from_event(&ev) {
            action.dispatch(input);
        }
    };
    let url = <Comment as leptos::server_fn::ServerFn>::url();
    view! {
        <FormError error />
        <form method="post" action=url class="form" novalidate=true on:submit=submit node_ref=form id=(on_behalf == 0).then_some("gop-y")>
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="on_behalf" value=on_behalf.to_string() />
            <div class="field">
                <label for=field_id.clone()>{if on_behalf == 0 { t!(i18n, mt_comment_label).into_any() } else { t!(i18n, mt_comment_for_label).into_any() }}</label>
                <textarea id=field_id name="body" rows="3" aria-invalid=move || error.get().and_then(|e| field_message(i18n.get_locale(), &e, "body")).map(|_| "true")></textarea>
                <ControlError error field="body" />
            </div>
            <button type="submit" class="btn btn-secondary btn-wide" data-testid=if on_behalf == 0 { "comment-submit" } else { "proxy-comment-submit" }>{t!(i18n, mt_comment_submit)}</button>
        </form>
    }
}

#[component]
fn Motions(
    id: i64,
    motions: Vec<MotionView>,
    can_vote: bool,
    roster: Vec<RosterRow>,
    can_run: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if motions.is_empty() && !can_run {
        return ().into_any();
    }
    // Live results: while a vote is open, its count is fetched again every few seconds.
    let live: RwSignal<Vec<MotionView>> = RwSignal::new(motions.clone());
    let any_open = motions.iter().any(|m| m.open);
    #[cfg(feature = "hydrate")]
    if any_open {
        use leptos::prelude::set_interval_with_handle;
        if let Ok(handle) = set_interval_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    if let Ok(v) = meeting(id).await {
                        live.set(v.motions);
                    }
                });
            },
            std::time::Duration::from_secs(5),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    let _ = any_open;
    view! {
        <section class="card" aria-labelledby="mt-votes">
            <h2 id="mt-votes">{t!(i18n, mt_votes)}</h2>
            {motions.into_iter().map(|mo| {
                let mid = mo.id;
                let tally = move || live.with(|l| l.iter().find(|x| x.id == mid).and_then(|x| x.tally));
                let others = move || live.with(|l| l.iter().find(|x| x.id == mid).map(|x| x.other_opinions.clone()).unwrap_or_default());
                view! {
                    <div class="motion" data-testid="motion">
                        <h3>{mo.question.clone()}</h3>
                        <p><span class="badge">{if mo.open { t!(i18n, mt_vote_open).into_any() } else { t!(i18n, mt_vote_closed).into_any() }}</span></p>
                        {move || tally().map(|t| view! {
                            <p data-testid="tally" aria-live="polite">
                                {t!(i18n, mt_vote_dong_y)}": "<strong>{t.agree}</strong>" · "
                                {t!(i18n, mt_vote_khong_dong_y)}": "<strong>{t.disagree}</strong>" · "
                                {t!(i18n, mt_vote_y_kien_khac)}": "<strong>{t.other}</strong>
                            </p>
                        })}
                        {move || { let o = others(); (!o.is_empty()).then(|| view! { <ul class="plain-list note">{o.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul> }) }}
                        {(!mo.proxies.is_empty()).then(|| view! {
                            <ul class="plain-list note">
                                {mo.proxies.iter().cloned().map(|(voter, recorder)| view! { <li data-testid="proxy-record">{voter}" — "{t!(i18n, mt_recorded_by)}" "{recorder}</li> }).collect_view()}
                            </ul>
                        })}
                        {mo.my_choice.map(|c| view! { <p data-testid="my-vote">{t!(i18n, mt_my_vote)}": "{move || vote_name(i18n.get_locale(), c)}</p> })}
                        {(mo.open && can_vote).then(|| view! { <VoteForm id motion_id=mid on_behalf=0 /> })}
                        {(mo.open && can_run).then(|| view! { <CloseMotionButton id motion_id=mid /> })}
                        {(mo.open && can_run && !roster.is_empty()).then(|| view! { <ProxyVote id motion_id=mid roster=roster.clone() /> })}
                    </div>
                }
            }).collect_view()}
            {can_run.then(|| view! { <OpenMotionForm id /> })}
        </section>
    }
    .into_any()
}

#[component]
fn VoteForm(id: i64, motion_id: i64, on_behalf: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Vote>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    let other_id = format!("f-other-{motion_id}");
    view! {
        <FormError error />
        <ActionForm action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="motion_id" value=motion_id.to_string() />
            <input type="hidden" name="on_behalf" value=on_behalf.to_string() />
            <fieldset class="choice-group">
                <legend>{t!(i18n, mt_vote_choose)}</legend>
                {VoteChoice::ALL.iter().map(|&choice| { let c = choice.code(); view! {
                    <label class="check"><input type="radio" name="choice" value=c data-testid=format!("vote-{c}") />{move || vote_name(i18n.get_locale(), choice)}</label>
                }}).collect_view()}
                <ControlError error field="choice" />
            </fieldset>
            <div class="field">
                <label for=other_id.clone()>{t!(i18n, mt_vote_other_text)}</label>
                <textarea id=other_id name="other" rows="2"></textarea>
                <ControlError error field="other" />
            </div>
            <button type="submit" class="btn btn-primary btn-wide" data-testid="vote-submit">{t!(i18n, mt_vote_submit)}</button>
        </ActionForm>
    }
}

#[component]
fn ProxyVote(id: i64, motion_id: i64, roster: Vec<RosterRow>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Vote>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    let select_id = format!("f-proxy-{motion_id}");
    // Members without an account first: they are the ones recorded for.
    let mut people = roster;
    people.sort_by_key(|r| r.has_account);
    view! {
        <details class="proxy">
            <summary>{t!(i18n, mt_proxy_vote)}</summary>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="motion_id" value=motion_id.to_string() />
                <div class="field">
                    <label for=select_id.clone()>{t!(i18n, mt_proxy_member)}</label>
                    <select id=select_id name="on_behalf" data-testid="proxy-member">
                        {people.into_iter().filter(|r| !r.exempt).map(|r| view! { <option value=r.member_id.to_string()>{r.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <fieldset class="choice-group">
                    <legend>{t!(i18n, mt_vote_choose)}</legend>
                    {VoteChoice::ALL.iter().map(|&choice| { let c = choice.code(); view! {
                        <label class="check"><input type="radio" name="choice" value=c data-testid=format!("proxy-vote-{c}") />{move || vote_name(i18n.get_locale(), choice)}</label>
                    }}).collect_view()}
                    <ControlError error field="choice" />
                </fieldset>
                <div class="field">
                    <label for=format!("f-proxy-other-{motion_id}")>{t!(i18n, mt_vote_other_text)}</label>
                    <textarea id=format!("f-proxy-other-{motion_id}") name="other" rows="2"></textarea>
                    <ControlError error field="other" />
                </div>
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="proxy-vote-submit">{t!(i18n, mt_proxy_vote_submit)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn CloseMotionButton(id: i64, motion_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CloseMotion>::new();
    refresh_on_success(action.value());
    view! {
        <button type="button" class="btn btn-secondary btn-wide" data-testid="close-motion" on:click=move |_| { action.dispatch(CloseMotion { id, motion_id }); }>
            {t!(i18n, mt_vote_close)}
        </button>
    }
}

#[component]
fn OpenMotionForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<OpenMotion>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    view! {
        <FormError error />
        <ActionForm action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="id" value=id.to_string() />
            <Field name="question" label=label!(i18n, mt_vote_question) error />
            <button type="submit" class="btn btn-secondary btn-wide" data-testid="open-motion">{t!(i18n, mt_vote_open_submit)}</button>
        </ActionForm>
    }
}

#[component]
fn RemoveAgendaButton(id: i64, item_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RemoveAgendaItem>::new();
    refresh_on_success(action.value());
    view! {
        <button type="button" class="btn btn-secondary" on:click=move |_| { action.dispatch(RemoveAgendaItem { id, item_id }); }>{t!(i18n, mt_remove)}</button>
    }
}

#[component]
fn DetachDocumentButton(id: i64, document_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<DetachDocument>::new();
    refresh_on_success(action.value());
    view! {
        <button type="button" class="btn btn-secondary" on:click=move |_| { action.dispatch(DetachDocument { id, document_id }); }>{t!(i18n, mt_remove)}</button>
    }
}

/// What the cell's leadership sees: preparing, running and following up the meeting.
#[component]
fn LeaderPanel(v: MeetingView) -> impl IntoView {
    let i18n = use_i18n();
    let status = v.meeting.status;
    let id = v.meeting.id;
    let parts = crate::domain::meeting::MeetingParts::of(status, true, v.me.is_some());
    // Forms with prefilled text are drawn after hydration (see documents' EditForm).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let v2 = v.clone();
    let v3 = v.clone();
    view! {
        <section class="card leader" aria-labelledby="mt-lead">
            <h2 id="mt-lead">{t!(i18n, mt_lead_title)}</h2>
            {match status {
                MeetingStatus::Draft => view! { <p class="note">{t!(i18n, mt_lead_draft_note)}</p> <PublishButton id /> <StartButton id /> }.into_any(),
                MeetingStatus::Scheduled => view! { <p class="note">{t!(i18n, mt_lead_scheduled_note)}</p> <StartButton id /> <CancelMeetingForm id /> }.into_any(),
                MeetingStatus::InProgress => view! { <p class="note">{t!(i18n, mt_lead_running_note)}</p> }.into_any(),
                MeetingStatus::Held => view! { <p class="note">{t!(i18n, mt_lead_held_note)}</p> }.into_any(),
            }}
        </section>
        {parts.edit_agenda.then(|| view! {
            <Show when=move || hydrated.get()>
                <EditMeeting v=v2.clone() />
            </Show>
            <AgendaForm id />
            // Its own resource inside the meeting's: drawn after hydration (nested resources
            // do not hydrate reliably).
            <Show when=move || hydrated.get()>
                <AttachDocuments id />
            </Show>
        })}
        {parts.attendance.then(|| view! { <AttendanceSheet id roster=v.roster.clone() present=v.present expected=v.expected exempt=v.exempt /> })}
        {parts.attendance.then(|| view! { <ProxyComment id roster=v.roster.clone() /> })}
        {parts.follow_up.then(|| view! {
            <Show when=move || hydrated.get()>
                <MinutesForm v=v3.clone() />
            </Show>
            <AssignTaskForm id roster=v.roster.clone() />
        })}
        {parts.finish.then(|| view! { <FinishMeetingForm id /> })}
    }
}

/// Calling a published meeting off needs a reason, which its members are told.
#[component]
fn CancelMeetingForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CancelMeeting>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    view! {
        <details class="cancel-meeting">
            <summary>{t!(i18n, mt_cancel_open)}</summary>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <Field name="cancel_reason" label=label!(i18n, mt_cancel_reason) error />
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="cancel-meeting">{t!(i18n, mt_cancel_submit)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn PublishButton(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<PublishMeeting>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    view! {
        <FormError error />
        <button type="button" class="btn btn-primary btn-wide" data-testid="publish-meeting" on:click=move |_| { action.dispatch(PublishMeeting { id }); }>
            {t!(i18n, mt_publish)}
        </button>
    }
}

#[component]
fn StartButton(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<StartMeeting>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    view! {
        <FormError error />
        <button type="button" class="btn btn-secondary btn-wide" data-testid="start-meeting" on:click=move |_| { action.dispatch(StartMeeting { id }); }>
            {t!(i18n, mt_start)}
        </button>
    }
}

#[component]
fn EditMeeting(v: MeetingView) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<UpdateMeeting>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    let m = v.meeting;
    view! {
        <section class="card" aria-labelledby="mt-edit">
            <h2 id="mt-edit">{t!(i18n, mt_edit_title)}</h2>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=m.id.to_string() />
                <Field name="title" label=label!(i18n, mt_field_title) value=m.title.clone() error />
                <WhenWhere error date=m.date.clone() time=m.start_time.clone() format=m.format.code().to_string() place=m.place.clone().unwrap_or_default() link=m.link.clone().unwrap_or_default() />
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="save-meeting">{t!(i18n, mt_save)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AgendaForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AddAgendaItem>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    view! {
        <section class="card" aria-labelledby="mt-agenda-add">
            <h2 id="mt-agenda-add">{t!(i18n, mt_agenda_add)}</h2>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <Field name="agenda_title" label=label!(i18n, mt_agenda_item_title) error />
                <div class="field">
                    <label for="f-agenda-note">{t!(i18n, mt_agenda_item_note)}</label>
                    <textarea id="f-agenda-note" name="note" rows="2"></textarea>
                </div>
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="add-agenda">{t!(i18n, mt_agenda_add_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AttachDocuments(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let found = Resource::new(move || search.get(), move |q| attachable_documents(id, q));
    let attach = ServerAction::<AttachDocument>::new();
    refresh_on_success(attach.value());
    let error = action_error(attach.value());
    view! {
        <section class="card" aria-labelledby="mt-attach">
            <h2 id="mt-attach">{t!(i18n, mt_attach_title)}</h2>
            <FormError error />
            <form class="form-inline" role="search" on:submit=move |ev| { ev.prevent_default(); search.set(query.get_untracked()); }>
                <label for="f-doc-search">{t!(i18n, mt_attach_search)}</label>
                <input id="f-doc-search" type="search" bind:value=query />
                <button type="submit" class="btn btn-secondary">{t!(i18n, search_button)}</button>
            </form>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let list = found.await.unwrap_or_default();
                    view! {
                        <ul class="plain-list">
                            {list.into_iter().map(|d| {
                                let did = d.id;
                                view! {
                                    <li class="attach-row" data-testid="attachable">
                                        <span>{d.number.clone().map(|n| format!("{n} — ")).unwrap_or_default()}{d.title.clone()}</span>
                                        <button type="button" class="btn btn-secondary" data-testid="attach" on:click=move |_| { attach.dispatch(AttachDocument { id, document_id: did }); }>
                                            {t!(i18n, mt_attach)}
                                        </button>
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

#[component]
fn AttendanceSheet(
    id: i64,
    roster: Vec<RosterRow>,
    present: i64,
    expected: i64,
    exempt: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let all = ServerAction::<AllPresent>::new();
    refresh_on_success(all.value());
    view! {
        <section class="card" aria-labelledby="mt-attendance">
            <h2 id="mt-attendance">{t!(i18n, mt_attendance)}</h2>
            <p data-testid="attendance-count">{t!(i18n, mt_attendance_summary)}": "{present}"/"{expected - exempt}</p>
            <button type="button" class="btn btn-primary btn-wide" data-testid="all-present" on:click=move |_| { all.dispatch(AllPresent { id }); }>
                {t!(i18n, mt_all_present)}
            </button>
            <ul class="plain-list roster">
                {roster.into_iter().map(|r| view! { <RosterItem id r /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RosterItem(id: i64, r: RosterRow) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetAttendance>::new();
    refresh_on_success(action.value());
    let select_id = format!("f-att-{}", r.member_id);
    let current = r.attendance;
    view! {
        <li class="roster-row" data-testid="roster-row">
            <p>
                <strong>{r.name.clone()}</strong>
                {(!r.has_account).then(|| view! { " " <span class="badge">{t!(i18n, mt_no_account)}</span> })}
                {r.rsvp.filter(|x| *x == Answer::Excused).map(|_| view! { <br /> <span class="note">{t!(i18n, mt_my_rsvp_excused)}{r.rsvp_reason.clone().map(|x| format!(": {x}"))}</span> })}
            </p>
            <ActionForm action attr:class="form-inline">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="member_id" value=r.member_id.to_string() />
                <label for=select_id.clone() class="visually-hidden">{t!(i18n, mt_attendance)}" — "{r.name.clone()}</label>
                <select id=select_id name="state" data-testid="attendance-state">
                    <option value="" selected=current.is_none()>{t!(i18n, mt_att_unmarked)}</option>
                    {Attendance::ALL.iter().map(|a| {
                        let code = a.code();
                        let a = *a;
                        view! { <option value=code selected=current == Some(a)>{move || attendance_name(i18n.get_locale(), a)}</option> }
                    }).collect_view()}
                </select>
                <button type="submit" class="btn btn-secondary" data-testid="save-attendance">{t!(i18n, mt_save)}</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn ProxyComment(id: i64, roster: Vec<RosterRow>) -> impl IntoView {
    let i18n = use_i18n();
    let selected = RwSignal::new(
        roster
            .iter()
            .find(|r| !r.has_account && !r.exempt)
            .or(roster.first())
            .map(|r| r.member_id)
            .unwrap_or(0),
    );
    let mut people = roster;
    people.sort_by_key(|r| r.has_account);
    view! {
        <section class="card" aria-labelledby="mt-proxy">
            <h2 id="mt-proxy">{t!(i18n, mt_proxy_title)}</h2>
            <p class="note">{t!(i18n, mt_proxy_note)}</p>
            <div class="field">
                <label for="f-proxy-comment-member">{t!(i18n, mt_proxy_member)}</label>
                <select id="f-proxy-comment-member" on:change=move |ev| selected.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {people.into_iter().filter(|r| !r.exempt).map(|r| view! { <option value=r.member_id.to_string() selected=r.member_id == selected.get_untracked()>{r.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            {move || view! { <CommentForm id on_behalf=selected.get() /> }}
        </section>
    }
}

#[component]
fn MinutesForm(v: MeetingView) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveMinutes>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    let minutes = v.minutes.clone().unwrap_or_default();
    let resolution = v.resolution.clone().unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="mt-minutes-edit">
            <h2 id="mt-minutes-edit">{t!(i18n, mt_minutes_edit)}</h2>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=v.meeting.id.to_string() />
                <div class="field">
                    <label for="f-minutes">{t!(i18n, mt_minutes)}</label>
                    <textarea id="f-minutes" name="minutes" rows="8" prop:value=minutes></textarea>
                    <ControlError error field="minutes" />
                </div>
                <div class="field">
                    <label for="f-resolution">{t!(i18n, mt_resolution)}</label>
                    <textarea id="f-resolution" name="resolution" rows="6" prop:value=resolution></textarea>
                    <ControlError error field="resolution" />
                </div>
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="save-minutes">{t!(i18n, mt_save)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AssignTaskForm(id: i64, roster: Vec<RosterRow>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AssignTask>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    view! {
        <section class="card" aria-labelledby="mt-assign">
            <h2 id="mt-assign">{t!(i18n, task_assign_title)}</h2>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <div class="field">
                    <label for="f-assignee_id">{t!(i18n, task_assignee)}</label>
                    <select id="f-assignee_id" name="assignee_id" data-testid="task-assignee">
                        {roster.into_iter().filter(|r| !r.exempt).map(|r| view! { <option value=r.member_id.to_string()>{r.name.clone()}</option> }).collect_view()}
                    </select>
                    <ControlError error field="assignee_id" />
                </div>
                <Field name="task_title" label=label!(i18n, task_field_title) error />
                <Field name="due_date" label=label!(i18n, task_due) kind="date" error />
                <button type="submit" class="btn btn-secondary btn-wide" data-testid="assign-task">{t!(i18n, task_assign_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn FinishMeetingForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<FinishMeeting>::new();
    refresh_on_success(action.value());
    let error = action_error(action.value());
    view! {
        <section class="card" aria-labelledby="mt-finish">
            <h2 id="mt-finish">{t!(i18n, mt_finish_title)}</h2>
            <p class="note">{t!(i18n, mt_finish_note)}</p>
            <FormError error />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id.to_string() />
                <fieldset class="choice-group">
                    <legend>{t!(i18n, mt_rating_label)}</legend>
                    {MeetingRating::ALL.iter().map(|r| {
                        let code = r.code();
                        let r = *r;
                        view! { <label class="check"><input type="radio" name="rating" value=code data-testid=format!("rating-{code}") />{move || rating_name(i18n.get_locale(), r)}</label> }
                    }).collect_view()}
                    <ControlError error field="rating" />
                </fieldset>
                <button type="submit" class="btn btn-primary btn-wide" data-testid="finish-meeting">{t!(i18n, mt_finish_submit)}</button>
            </ActionForm>
        </section>
    }
}

/// The whole meeting pack in large print, for members without a phone.
#[component]
pub fn PrintPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()))
            .unwrap_or(0)
    };
    let data = Resource::new(id, meeting);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), mt_print) />
        <RequireUser>
            <main id="main" class="print-pack">
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorCard e /> }.into_any(),
                            Ok(v) => {
                                let l = i18n.get_locale_untracked();
                                let m = v.meeting.clone();
                                view! {
                                    <p class="no-print"><a href=format!("/sinh-hoat/{}", m.id)>{t!(i18n, mt_back)}</a>" · "
                                        <button type="button" class="btn btn-secondary" on:click=|_| { let _ = window().print(); }>{t!(i18n, mt_print_button)}</button></p>
                                    <h1>{meeting_title(l, &m)}</h1>
                                    <p>{m.org_name.clone()}</p>
                                    <p><strong><WhenWords date=m.date.clone() time=m.start_time.clone() with_year=true /></strong>" · "{m.place.clone().unwrap_or_else(|| format_name(l, m.format).to_string())}</p>
                                    <h2>{t!(i18n, mt_agenda)}</h2>
                                    <ol>{v.agenda.iter().map(|a| view! { <li>{a.title.clone()}{a.note.clone().map(|n| format!(" — {n}"))}</li> }).collect_view()}</ol>
                                    <h2>{t!(i18n, mt_materials)}</h2>
                                    <ul>{v.materials.iter().map(|d| view! { <li>{d.number.clone().map(|n| format!("{n} — ")).unwrap_or_default()}{d.title.clone()}</li> }).collect_view()}</ul>
                                    {(!v.open_tasks.is_empty()).then(|| view! {
                                        <h2>{t!(i18n, mt_open_tasks)}</h2>
                                        <ul>{v.open_tasks.iter().map(|t| view! { <li>{t.title.clone()}" — "{t.assignee.clone()}" · "<DateWords date=t.due_date.clone() with_year=true /></li> }).collect_view()}</ul>
                                    })}
                                    {v.minutes.clone().map(|t| view! { <h2>{t!(i18n, mt_minutes)}</h2> {t.lines().map(|x| view! { <p>{x.to_string()}</p> }).collect_view()} })}
                                    {v.resolution.clone().map(|t| view! { <h2>{t!(i18n, mt_resolution)}</h2> {t.lines().map(|x| view! { <p>{x.to_string()}</p> }).collect_view()} })}
                                    {(!v.motions.is_empty()).then(|| view! {
                                        <h2>{t!(i18n, mt_votes)}</h2>
                                        <ul>{v.motions.iter().map(|mo| view! {
                                            <li>{mo.question.clone()}{mo.tally.map(|t| format!(": {} {} · {} {} · {} {}", td_string!(l, mt_vote_dong_y), t.agree, td_string!(l, mt_vote_khong_dong_y), t.disagree, td_string!(l, mt_vote_y_kien_khac), t.other))}</li>
                                        }).collect_view()}</ul>
                                    })}
                                    {(!v.tasks.is_empty()).then(|| view! {
                                        <h2>{t!(i18n, mt_tasks_assigned)}</h2>
                                        <ul>{v.tasks.iter().map(|t| view! { <li>{t.title.clone()}" — "{t.assignee.clone()}" · "<DateWords date=t.due_date.clone() with_year=true /></li> }).collect_view()}</ul>
                                    })}
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </main>
        </RequireUser>
    }
}

/// Committees: ratings and attendance of every cell in their subtree, month by month.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let month = move || query.with(|q| q.get("thang").unwrap_or_default());
    let data = Resource::new(month, |m| meeting_overview(m, 0));
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), mt_overview_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, mt_overview_title)}</h1>
                <form method="get" action="/sinh-hoat/thong-ke" class="form-inline">
                    <label for="f-thang">{t!(i18n, mt_overview_month)}</label>
                    <input id="f-thang" name="thang" type="month" value=month />
                    <button type="submit" class="btn btn-secondary">{t!(i18n, mt_overview_show)}</button>
                </form>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorCard e /> }.into_any(),
                            Ok(o) => {
                                let l = i18n.get_locale_untracked();
                                let held = o.cells.iter().filter(|c| c.status == Some(MeetingStatus::Held)).count();
                                let total = o.cells.len();
                                view! {
                                    <p data-testid="overview-summary">{t!(i18n, mt_overview_month)}" "{o.month.clone()}": "{held}"/"{total}" "{t!(i18n, mt_overview_held)}</p>
                                    <div class="table-wrap">
                                        <table class="data-table">
                                            <caption class="visually-hidden">{t!(i18n, mt_overview_title)}</caption>
                                            <thead><tr>
                                                <th scope="col">{t!(i18n, mt_field_cell)}</th>
                                                <th scope="col">{t!(i18n, mt_overview_state)}</th>
                                                <th scope="col">{t!(i18n, mt_rating_label)}</th>
                                                <th scope="col">{t!(i18n, mt_overview_rate)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {o.cells.into_iter().map(|c| view! {
                                                    <tr data-testid="overview-row">
                                                        <th scope="row">{match c.meeting_id { Some(mid) => view! { <a href=format!("/sinh-hoat/{mid}")>{c.org_name.clone()}</a> }.into_any(), None => view! { {c.org_name.clone()} }.into_any() }}</th>
                                                        <td>{c.status.map(|s| status_name(l, s)).unwrap_or_else(|| td_string!(l, mt_overview_none))}</td>
                                                        <td>{c.rating.map(|r| rating_name(l, r)).unwrap_or("—")}</td>
                                                        <td>{c.rate.map(|r| format!("{r}% ({}/{})", c.present, c.expected - c.exempt)).unwrap_or_else(|| "—".into())}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
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
