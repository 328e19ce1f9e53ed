//! The committee's month (`/sinh-hoat/thong-ke`): which cells met, attendance and ratings.

use super::*;

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
