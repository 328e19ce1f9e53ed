//! The whole meeting pack in large print (`/sinh-hoat/:id/in`), for members without a phone.

use super::*;

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
