//! The tasks page (`/nhiem-vu`) and one task as the meeting page shows it too.

use super::*;
use crate::i18n::*;
use crate::platform::messages::field_message;
use crate::platform::words::DateWords;
use crate::ui::forms::{action_error, ControlError, FormError};
use crate::ui::{ErrorCard, Page, RequireUser};
use leptos::form::ActionForm;
use leptos_meta::Title;

/// Reloads the list after a report.
#[derive(Clone, Copy)]
struct TasksRefresh(RwSignal<u32>);

/// One task: what, whose, by when, how far; with the report form for its assignee.
#[component]
pub fn TaskItem(t: TaskView, can_report: bool) -> impl IntoView {
    let i18n = use_i18n();
    let done = t.status == TaskStatus::Done;
    let id = t.id;
    view! {
        <li class="card task" data-testid="task">
            <h3>{t.title.clone()}</h3>
            <p class="meta">{t.assignee.clone()}" · "{t.org_name.clone()}</p>
            <p>{t!(i18n, task_due)}": "<strong><DateWords date=t.due_date.clone() with_year=true /></strong></p>
            <p>
                <span class=if done { "badge badge-ok" } else { "badge" } data-testid="task-status">
                    {if done { t!(i18n, task_done).into_any() } else { t!(i18n, task_open).into_any() }}
                </span>
                " "{t.progress}"%"
            </p>
            <progress max="100" value=t.progress.to_string() aria-label=move || td_string!(i18n.get_locale(), task_progress).to_string()></progress>
            {t.last_note.clone().map(|n| view! { <p class="note">{n}</p> })}
            {t.meeting_id.map(|m| view! { <p><a href=format!("/sinh-hoat/{m}")>{t!(i18n, task_from_meeting)}</a></p> })}
            {(can_report && !done).then(|| view! { <ReportTaskForm id progress=t.progress /> })}
        </li>
    }
}

#[component]
fn ReportTaskForm(id: i64, progress: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ReportTask>::new();
    let error = action_error(action.value());
    let TasksRefresh(r) = expect_context::<TasksRefresh>();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            r.update(|n| *n += 1);
        }
    });
    let pid = format!("f-progress-{id}");
    let nid = format!("f-note-{id}");
    view! {
        <FormError error />
        <ActionForm action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="task_id" value=id.to_string() />
            <div class="field">
                <label for=pid.clone()>{t!(i18n, task_progress)}</label>
                <input id=pid type="number" name="progress" min="0" max="100" step="10" value=progress.to_string() inputmode="numeric"
                    aria-invalid=move || error.get().and_then(|e| field_message(i18n.get_locale(), &e, "progress")).map(|_| "true") />
                <ControlError error field="progress" />
            </div>
            <div class="field">
                <label for=nid.clone()>{t!(i18n, task_note)}</label>
                <textarea id=nid name="note" rows="2"></textarea>
            </div>
            <button type="submit" class="btn btn-secondary btn-wide" data-testid="report-task">{t!(i18n, task_report)}</button>
            <button type="submit" name="done" value="true" class="btn btn-primary btn-wide" data-testid="complete-task">{t!(i18n, task_complete)}</button>
        </ActionForm>
    }
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0u32);
    provide_context(TasksRefresh(refresh));
    let list = Resource::new(move || refresh.get(), |_| tasks());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), task_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, task_title)}</h1>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(e) => view! { <ErrorCard e /> }.into_any(),
                            Ok(TaskList { mine, cell }) => view! {
                                <section aria-labelledby="task-mine">
                                    <h2 id="task-mine">{t!(i18n, task_mine)}</h2>
                                    {if mine.is_empty() { view! { <p class="note">{t!(i18n, task_none)}</p> }.into_any() } else {
                                        view! { <ul class="plain-list">{mine.into_iter().map(|t| view! { <TaskItem t can_report=true /> }).collect_view()}</ul> }.into_any()
                                    }}
                                </section>
                                {(!cell.is_empty()).then(|| view! {
                                    <section aria-labelledby="task-cell">
                                        <h2 id="task-cell">{t!(i18n, task_cell)}</h2>
                                        <ul class="plain-list">{cell.into_iter().map(|t| view! { <TaskItem t can_report=false /> }).collect_view()}</ul>
                                    </section>
                                })}
                            }.into_any(),
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}
