//! `/thong-ke`: the usage dashboard of an organisation, and `/thong-ke/bao-cao`: the printable
//! monthly report with its CSV and Excel downloads.

use super::*;
use crate::domain::org::OrgKind;
use crate::domain::statistics::{format_rate, SortBy};
use crate::i18n::*;
use crate::ui::{ErrorCard, Page, RequireUser};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn kind_label(l: Locale, kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Central => "",
        OrgKind::Province => td_string!(l, st_kind_tinh),
        OrgKind::Committee => td_string!(l, st_kind_dang_uy),
        OrgKind::GrassrootsCommittee => td_string!(l, st_kind_dang_bo_co_so),
        OrgKind::GrassrootsCell | OrgKind::Cell => td_string!(l, st_kind_chi_bo),
    }
}

#[component]
pub fn StatisticsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            (
                q.get("don_vi")
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or(0),
                q.get("sap_xep").unwrap_or_default(),
                q.get("thang").unwrap_or_default(),
            )
        })
    };
    let data = Resource::new(params, |(org, sort, month)| {
        usage_dashboard(org, sort, month)
    });
    // Beside the dashboard, not inside it: a resource read in this page's own Suspend.
    let sms = Resource::new(move || params().0, crate::sms::sms_usage);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), st_title) />
        <Page>
            <RequireUser>
                <Transition fallback=move || view! { <h1>{t!(i18n, st_title)}</h1> <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        let sms = sms.await.ok();
                        match data.await {
                            Err(e) => view! { <h1>{t!(i18n, st_title)}</h1> <ErrorCard e /> }.into_any(),
                            Ok(d) => view! { <DashboardView d sms /> }.into_any(),
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn DashboardView(d: Dashboard, sms: Option<crate::sms::SmsMonth>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let org_id = d.org.id;
    let t = d.total;
    let sort_link = move |by: SortBy| format!("/thong-ke?don_vi={org_id}&sap_xep={}", by.code());
    let sorted = SortBy::from_code(&d.sort);
    let header = move |by: SortBy, label: &'static str| {
        let current = sorted == by;
        view! { <a href=sort_link(by) aria-current=current.then_some("true")>{label}</a> }
    };
    let m = d.meetings.clone();
    view! {
        <h1 data-testid="stats-title">{t!(i18n, st_title)}": "{d.org.name.clone()}</h1>
        {d.parent.clone().map(|p| view! { <p><a href=format!("/thong-ke?don_vi={}", p.id) data-testid="stats-up">{t!(i18n, st_up)}" "{p.name}</a></p> })}
        <section class="card" aria-labelledby="st-summary">
            <h2 id="st-summary">{t!(i18n, st_summary)}</h2>
            <p class="big-figure" data-testid="stats-rate">{format_rate(t.rate_permille())}</p>
            <p class="note">{t!(i18n, st_rate_explained)}</p>
            {d.as_of.clone().map(|w| view! { <p class="note" data-testid="stats-as-of">{t!(i18n, st_as_of)}" "{w}</p> })}
            <dl class="figures">
                <div class="dl-row"><dt>{t!(i18n, st_col_members)}</dt><dd data-testid="stats-members">{crate::platform::words::number(l, t.members)}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_col_exempt)}</dt><dd data-testid="stats-exempt">{crate::platform::words::number(l, t.exempt)}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_col_accounts)}</dt><dd data-testid="stats-accounts">{crate::platform::words::number(l, t.accounts)}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_col_signed_in)}</dt><dd data-testid="stats-signed-in">{crate::platform::words::number(l, t.signed_in)}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_col_active)}</dt><dd data-testid="stats-active">{crate::platform::words::number(l, t.active_30d)}</dd></div>
            </dl>
            <p><a class="btn btn-secondary btn-wide" href=format!("/thong-ke/bao-cao?don_vi={org_id}") data-testid="report-link">{t!(i18n, st_report_link)}</a></p>
        </section>

        <RateChart history=d.history.clone() />
        {sms.map(|u| view! { <crate::sms::pages::SmsUsageCard u /> })}

        {(!d.children.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="st-children">
                <h2 id="st-children">{t!(i18n, st_children)}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby="st-children">
                    <table class="data-table">
                        <caption class="visually-hidden">{t!(i18n, st_children)}</caption>
                        <thead><tr>
                            <th scope="col">{header(SortBy::Name, td_string!(l, st_col_org))}</th>
                            <th scope="col">{header(SortBy::Members, td_string!(l, st_col_members))}</th>
                            <th scope="col">{t!(i18n, st_col_signed_in)}</th>
                            <th scope="col">{header(SortBy::RateAscending, td_string!(l, st_col_rate))}" "<a href=sort_link(SortBy::RateDescending) aria-label=td_string!(l, st_sort_desc)>"↓"</a></th>
                        </tr></thead>
                        <tbody>
                            {d.children.iter().map(|r| view! {
                                <tr data-testid="stats-child">
                                    <th scope="row">
                                        {if r.has_children || r.counts.members > 0 {
                                            view! { <a href=format!("/thong-ke?don_vi={}", r.org_id)>{r.name.clone()}</a> }.into_any()
                                        } else { view! { {r.name.clone()} }.into_any() }}
                                        <br /><span class="note">{kind_label(l, r.kind)}</span>
                                    </th>
                                    <td>{crate::platform::words::number(l, r.counts.members)}" ("{crate::platform::words::number(l, r.counts.exempt)}" "{t!(i18n, st_exempt_short)}")"</td>
                                    <td>{r.counts.signed_in}</td>
                                    <td data-testid="stats-child-rate">{format_rate(r.counts.rate_permille())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}

        {(!d.lowest_cells.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="st-lowest">
                <h2 id="st-lowest">{t!(i18n, st_lowest)}</h2>
                <ol class="plain-list">
                    {d.lowest_cells.iter().map(|r| view! {
                        <li class="item" data-testid="stats-low-cell">
                            <p class="item-title">{r.name.clone()}": "<strong>{format_rate(r.counts.rate_permille())}</strong>" ("{r.counts.signed_in}"/"{r.counts.expected()}")"</p>
                            {match r.contact.clone() {
                                Some((name, phone)) => {
                                    let tel = crate::domain::phone::Phone::parse(&phone).map(|p| p.tel_uri()).unwrap_or_else(|_| format!("tel:{phone}"));
                                    view! { <p><a class="btn btn-secondary" href=tel>{t!(i18n, st_call)}" "{name}" · "{phone}</a></p> }.into_any()
                                }
                                None => view! { <p class="note">{t!(i18n, st_no_contact)}</p> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}

        <section class="card" aria-labelledby="st-meetings">
            <h2 id="st-meetings">{t!(i18n, st_meetings)}" "{m.month.clone()}</h2>
            <dl class="figures">
                <div class="dl-row"><dt>{t!(i18n, st_col_cells)}</dt><dd>{m.cells}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_published)}</dt><dd>{m.published}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_col_held)}</dt><dd data-testid="stats-held">{m.held}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_col_on_time)}</dt><dd>{m.held_on_time}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, st_col_attendance)}</dt><dd>{format_rate(m.attendance_permille)}</dd></div>
                <div class="dl-row"><dt>{t!(i18n, mt_rating_label)}</dt><dd>
                    {td_string!(l, mt_rating_tot)}" "{m.ratings[0]}", "{td_string!(l, mt_rating_kha)}" "{m.ratings[1]}", "
                    {td_string!(l, mt_rating_trung_binh)}" "{m.ratings[2]}", "{td_string!(l, mt_rating_kem)}" "{m.ratings[3]}
                </dd></div>
            </dl>
            <p><a href="/sinh-hoat/thong-ke">{t!(i18n, st_meetings_detail)}</a></p>
        </section>
    }
}

/// The usage rate month by month, as bars drawn on the server (no chart library in the wasm).
#[component]
fn RateChart(history: Vec<(String, Counts)>) -> impl IntoView {
    let i18n = use_i18n();
    let n = history.len().max(1);
    let bar_w = 300.0 / n as f64;
    let summary = history
        .iter()
        .map(|(m, c)| format!("{m}: {}", format_rate(c.rate_permille())))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <section class="card" aria-labelledby="st-chart">
            <h2 id="st-chart">{t!(i18n, st_chart)}</h2>
            <svg class="rate-chart" viewBox="0 0 300 130" role="img" aria-label=summary.clone() data-testid="stats-chart">
                <line x1="0" y1="110" x2="300" y2="110" class="axis" />
                {history.iter().enumerate().map(|(i, (month, c))| {
                    let p = c.rate_permille().unwrap_or(0) as f64 / 1000.0;
                    let h = 100.0 * p;
                    let x = i as f64 * bar_w + bar_w * 0.15;
                    view! {
                        <rect x=format!("{x:.1}") y=format!("{:.1}", 110.0 - h) width=format!("{:.1}", bar_w * 0.7) height=format!("{h:.1}") class="bar" />
                        <text x=format!("{:.1}", x + bar_w * 0.35) y="125" text-anchor="middle" class="label">{month[5..].to_string()}</text>
                    }
                }).collect_view()}
            </svg>
            <p class="note">{summary}</p>
        </section>
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            (
                q.get("don_vi")
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or(0),
                q.get("thang").unwrap_or_default(),
            )
        })
    };
    let data = Resource::new(params, |(org, month)| monthly_report(org, month));
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), st_report_title) />
        <Page>
            <RequireUser>
                <h1>{t!(i18n, st_report_title)}</h1>
                <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorCard e /> }.into_any(),
                            Ok(r) => view! { <ReportView r /> }.into_any(),
                        }
                    })}
                </Transition>
            </RequireUser>
        </Page>
    }
}

#[component]
fn ReportView(r: Report) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let q = format!("don_vi={}&thang={}", r.org.id, r.month);
    let row = move |x: &ReportRow, total: bool| {
        let c = x.counts;
        let m = x.meetings.clone();
        view! {
            <tr class:total=total data-testid="report-row">
                <th scope="row">{x.name.clone()}</th>
                <td>{crate::platform::words::number(l, c.members)}</td>
                <td>{crate::platform::words::number(l, c.exempt)}</td>
                <td>{crate::platform::words::number(l, c.signed_in)}</td>
                <td>{format_rate(c.rate_permille())}</td>
                <td>{m.held}"/"{m.cells}</td>
                <td>{m.held_on_time}</td>
                <td>{format_rate(m.attendance_permille)}</td>
                <td>{m.ratings[0]}" / "{m.ratings[1]}" / "{m.ratings[2]}" / "{m.ratings[3]}</td>
            </tr>
        }
    };
    view! {
        <p class="lead" data-testid="report-heading">{r.org.name.clone()}" — "{t!(i18n, st_month)}" "{r.month.clone()}</p>
        <p class="note">{t!(i18n, st_made_at)}" "{r.made_at.clone()}</p>
        <form method="get" action="/thong-ke/bao-cao" class="form-inline no-print">
            <input type="hidden" name="don_vi" value=r.org.id.to_string() />
            <label for="f-thang">{t!(i18n, st_month)}</label>
            <input id="f-thang" name="thang" type="month" value=r.month.clone() />
            <button type="submit" class="btn btn-secondary">{t!(i18n, mt_overview_show)}</button>
        </form>
        <p class="actions no-print">
            <a class="btn btn-primary" href=format!("/thong-ke/bao-cao.xlsx?{q}") data-testid="report-xlsx" rel="external" download>{t!(i18n, st_download_xlsx)}</a>
            <a class="btn btn-secondary" href=format!("/thong-ke/bao-cao.csv?{q}") data-testid="report-csv" rel="external" download>{t!(i18n, st_download_csv)}</a>
        </p>
        // Wider than a phone: scrolls sideways, so it takes focus for keyboard users.
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="report-caption">
            <table class="data-table">
                <caption id="report-caption">{t!(i18n, st_report_title)}" — "{r.org.name.clone()}" — "{r.month.clone()}</caption>
                <thead><tr>
                    <th scope="col">{td_string!(l, st_col_org)}</th>
                    <th scope="col">{td_string!(l, st_col_members)}</th>
                    <th scope="col">{td_string!(l, st_col_exempt)}</th>
                    <th scope="col">{td_string!(l, st_col_signed_in)}</th>
                    <th scope="col">{td_string!(l, st_col_rate)}</th>
                    <th scope="col">{td_string!(l, st_col_held)}</th>
                    <th scope="col">{td_string!(l, st_col_on_time)}</th>
                    <th scope="col">{td_string!(l, st_col_attendance)}</th>
                    <th scope="col">{td_string!(l, mt_rating_label)}</th>
                </tr></thead>
                <tbody>
                    {r.rows.iter().map(|x| row(x, false)).collect_view()}
                    {row(&r.total, true)}
                </tbody>
            </table>
        </div>
    }
}
