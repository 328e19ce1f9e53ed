//! One meeting (`/sinh-hoat/:id`) as a member takes part in it: what, when, the agenda and
//! materials, their answer and opinions (queued offline), votes, what was decided.

use super::*;

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
pub(super) fn MeetingBody(v: MeetingView) -> impl IntoView {
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
pub(super) fn reveal_hash_target() {
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
pub(super) fn Decided(v: MeetingView) -> impl IntoView {
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
pub(super) fn send_or_queue<I>(
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
pub(super) fn refresh_on_sent(action: Action<impl Send + Sync + 'static, Result<bool, AppError>>) {
    let Refresh(r) = expect_context::<Refresh>();
    Effect::new(move |_| {
        if let Some(Ok(true)) = action.value().get() {
            r.update(|n| *n += 1);
        }
    });
}

/// After a successful (or queued) send, empties the form so the text is not sent twice.
pub(super) fn reset_on_success(
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
pub(super) fn MyAnswer(id: i64, me: MyPart) -> impl IntoView {
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
pub(super) fn CommentForm(id: i64, on_behalf: i64) -> impl IntoView {
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
pub(super) fn Motions(
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
pub(super) fn VoteForm(id: i64, motion_id: i64, on_behalf: i64) -> impl IntoView {
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
pub(super) fn ProxyVote(id: i64, motion_id: i64, roster: Vec<RosterRow>) -> impl IntoView {
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
pub(super) fn CloseMotionButton(id: i64, motion_id: i64) -> impl IntoView {
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
pub(super) fn OpenMotionForm(id: i64) -> impl IntoView {
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
pub(super) fn RemoveAgendaButton(id: i64, item_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RemoveAgendaItem>::new();
    refresh_on_success(action.value());
    view! {
        <button type="button" class="btn btn-secondary" on:click=move |_| { action.dispatch(RemoveAgendaItem { id, item_id }); }>{t!(i18n, mt_remove)}</button>
    }
}

#[component]
pub(super) fn DetachDocumentButton(id: i64, document_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<DetachDocument>::new();
    refresh_on_success(action.value());
    view! {
        <button type="button" class="btn btn-secondary" on:click=move |_| { action.dispatch(DetachDocument { id, document_id }); }>{t!(i18n, mt_remove)}</button>
    }
}
