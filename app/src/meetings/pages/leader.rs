//! The leadership's part of the meeting page: preparing, publishing, running (attendance,
//! motions, records for members without a phone) and following up (minutes, tasks, closing).

use super::*;

/// What the cell's leadership sees: preparing, running and following up the meeting.
#[component]
pub(super) fn LeaderPanel(v: MeetingView) -> impl IntoView {
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
pub(super) fn CancelMeetingForm(id: i64) -> impl IntoView {
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
pub(super) fn PublishButton(id: i64) -> impl IntoView {
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
pub(super) fn StartButton(id: i64) -> impl IntoView {
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
pub(super) fn EditMeeting(v: MeetingView) -> impl IntoView {
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
pub(super) fn AgendaForm(id: i64) -> impl IntoView {
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
pub(super) fn AttachDocuments(id: i64) -> impl IntoView {
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
pub(super) fn AttendanceSheet(
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
pub(super) fn RosterItem(id: i64, r: RosterRow) -> impl IntoView {
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
pub(super) fn ProxyComment(id: i64, roster: Vec<RosterRow>) -> impl IntoView {
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
pub(super) fn MinutesForm(v: MeetingView) -> impl IntoView {
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
pub(super) fn AssignTaskForm(id: i64, roster: Vec<RosterRow>) -> impl IntoView {
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
pub(super) fn FinishMeetingForm(id: i64) -> impl IntoView {
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
