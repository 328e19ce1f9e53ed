//! Usage statistics and the monthly report (`/thong-ke`): members, exempt, accounts, signed in
//! at least once, active in the last 30 days and the usage rate (docs/DOMAIN.md, "Usage
//! statistics"), for an organisation and each of its children, the cells with the lowest rate
//! and whom to call there, the rate over time, and the month's periodic meetings. Every figure is
//! inside the viewer's scope.

pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::statistics::Counts;
use crate::platform::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRow {
    pub org_id: i64,
    pub name: String,
    pub kind: crate::domain::org::OrgKind,
    pub counts: Counts,
    /// Whether the row has children to drill into.
    pub has_children: bool,
    /// The cell's secretary (or deputy) and phone, for the lowest cells.
    pub contact: Option<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingStats {
    pub month: String,
    pub cells: i64,
    pub published: i64,
    pub held: i64,
    pub held_on_time: i64,
    pub attendance_permille: Option<i64>,
    /// tốt, khá, trung bình, kém.
    pub ratings: [i64; 4],
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub org: OrgRef,
    /// Going up, while still inside the viewer's scope.
    pub parent: Option<OrgRef>,
    pub total: Counts,
    pub children: Vec<UsageRow>,
    pub lowest_cells: Vec<UsageRow>,
    /// (YYYY-MM, counts), oldest first, ending with this month (live).
    pub history: Vec<(String, Counts)>,
    pub meetings: MeetingStats,
    pub sort: String,
    /// "hh:mm dd/mm/yyyy" when the figures come from the hourly snapshot (large subtrees), else live.
    pub as_of: Option<String>,
}

/// How many cells the "lowest first" list shows.
pub const LOWEST: usize = 10;

/// Subtrees with more organisations than this are read from this month's hourly snapshot
/// (a province: one row per organisation instead of a pass over 126,000 members).
/// (SOTAY_STATS_LIVE_LIMIT overrides it, for tests.)
#[cfg(feature = "ssr")]
fn live_limit() -> usize {
    std::env::var("SOTAY_STATS_LIVE_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}
/// A snapshot older than this is not used (the scheduler refreshes it every hour).
#[cfg(feature = "ssr")]
const SNAPSHOT_FRESH_SECS: i64 = 2 * 3600;

/// Counts of every organisation of the subtree (subtree totals) and of each one's own members:
/// live, or from the snapshot for large subtrees; with the snapshot's time.
#[cfg(feature = "ssr")]
async fn figures(
    db: &crate::platform::db::Db,
    orgs: &[repo::OrgInfo],
    root: &crate::domain::org::OrgPath,
    root_id: i64,
    now: i64,
) -> Result<
    (
        std::collections::HashMap<i64, Counts>,
        std::collections::HashMap<i64, Counts>,
        Option<i64>,
    ),
    AppError,
> {
    let month = crate::domain::meeting::Month::of(crate::platform::clock::today_vn()).code();
    if orgs.len() > live_limit() {
        if let Some((totals, taken)) =
            repo::snapshot_totals(db, root, root_id, &month, now - SNAPSHOT_FRESH_SECS).await?
        {
            // A cell's members are its own: its total is its own count.
            let own = orgs
                .iter()
                .filter(|o| o.kind.is_cell())
                .filter_map(|o| totals.get(&o.id).map(|c| (o.id, *c)))
                .collect();
            return Ok((totals, own, Some(taken)));
        }
    }
    let own = repo::own_counts(db, root, now).await?;
    Ok((subtree_totals(orgs, &own), own, None))
}

#[cfg(feature = "ssr")]
fn when(t: i64) -> String {
    crate::platform::clock::local_time_text(t)
}

/// Sums each organisation's own counts into the totals of it and every ancestor in the list.
#[cfg(feature = "ssr")]
pub fn subtree_totals(
    orgs: &[repo::OrgInfo],
    own: &std::collections::HashMap<i64, Counts>,
) -> std::collections::HashMap<i64, Counts> {
    let by_path: std::collections::HashMap<&str, i64> =
        orgs.iter().map(|o| (o.path.as_str(), o.id)).collect();
    let mut totals: std::collections::HashMap<i64, Counts> =
        orgs.iter().map(|o| (o.id, Counts::default())).collect();
    for o in orgs {
        let Some(c) = own.get(&o.id).copied() else {
            continue;
        };
        // Every prefix of the path that is an organisation in the list: itself and its ancestors.
        let mut end = 0;
        while let Some(next) = o.path[end + 1..].find('/') {
            end = end + 1 + next;
            if let Some(id) = by_path.get(&o.path[..=end]) {
                if let Some(t) = totals.get_mut(id) {
                    *t += c;
                }
            }
        }
    }
    totals
}

/// The organisation to show: the one asked for when it is inside the viewer's scope, else the
/// first organisation of their scope.
#[cfg(feature = "ssr")]
async fn resolve(
    db: &crate::platform::db::Db,
    user: &crate::platform::session::CurrentUser,
    org: i64,
) -> Result<
    (
        repo::OrgInfo,
        crate::domain::org::OrgPath,
        Vec<crate::domain::org::OrgPath>,
    ),
    AppError,
> {
    use crate::domain::org::OrgPath;
    use crate::domain::permission::{may, scopes, Action};
    let scopes = scopes(&user.actor, Action::ViewStatistics);
    let Some(first) = scopes.first() else {
        return Err(AppError::Forbidden);
    };
    let info = if org > 0 {
        repo::org_by_id(db, org).await?
    } else {
        repo::org_by_path(db, first).await?
    };
    let path = OrgPath::parse(&info.path).map_err(|e| AppError::internal(&format!("{e:?}")))?;
    if !may(&user.actor, Action::ViewStatistics, &path) {
        return Err(AppError::Forbidden);
    }
    Ok((info, path, scopes))
}

#[cfg(feature = "ssr")]
fn meeting_stats(
    rows: &[repo::MeetingRow],
    month: &crate::domain::meeting::Month,
    cells: i64,
) -> MeetingStats {
    use crate::domain::meeting::{MeetingRating, MeetingStatus};
    let mut s = MeetingStats {
        month: month.code(),
        cells,
        ..Default::default()
    };
    let (mut present, mut expected) = (0, 0);
    for m in rows {
        if m.status != MeetingStatus::Draft {
            s.published += 1;
        }
        if m.status == MeetingStatus::Held {
            s.held += 1;
            present += m.present;
            expected += m.expected;
            // On time: held within its own month, Vietnam time.
            let held_month = m.held_at.map(|t| {
                crate::platform::clock::date_from_unix(
                    t + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS,
                )
                .iso()[..7]
                    .to_string()
            });
            if held_month.as_deref() == Some(&m.date[..7.min(m.date.len())]) {
                s.held_on_time += 1;
            }
            if let Some(r) = m.rating {
                let i = MeetingRating::ALL.iter().position(|x| *x == r).unwrap_or(0);
                s.ratings[i] += 1;
            }
        }
    }
    s.attendance_permille = crate::domain::statistics::attendance_permille(present, expected);
    s
}

/// The dashboard of one organisation. `org` 0 = the viewer's own scope; `month` "" = this month.
#[server(prefix = "/api", endpoint = "usage_dashboard")]
pub async fn usage_dashboard(
    #[server(default)] org: i64,
    #[server(default)] sort: String,
    #[server(default)] month: String,
) -> Result<Dashboard, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        use crate::domain::meeting::Month;
        use crate::domain::org::OrgPath;
        use crate::domain::statistics::{sort_rows, SortBy};
        let now = crate::platform::clock::now_unix();
        let month = match month.trim() {
            "" => Month::of(crate::platform::clock::today_vn()),
            m => Month::parse(m).ok_or_else(|| AppError::field("month", "err_invalid_value"))?,
        };
        let (info, path, scopes) = resolve(&db, &user, org).await?;
        let orgs = repo::orgs(&db, &path).await?;
        let (totals, own, taken) = figures(&db, &orgs, &path, info.id, now).await?;
        let sort = SortBy::from_code(&sort);
        let parents: std::collections::HashSet<i64> =
            orgs.iter().filter_map(|o| o.parent_id).collect();
        let mut children: Vec<UsageRow> = orgs
            .iter()
            .filter(|o| o.parent_id == Some(info.id))
            .map(|o| UsageRow {
                org_id: o.id,
                name: o.name.clone(),
                kind: o.kind,
                counts: totals.get(&o.id).copied().unwrap_or_default(),
                has_children: parents.contains(&o.id),
                contact: None,
            })
            .collect();
        sort_rows(&mut children, sort, |r| &r.name, |r| r.counts);
        let contacts = repo::cell_contacts(&db, &path).await?;
        let mut cells: Vec<UsageRow> = orgs
            .iter()
            .filter(|o| o.kind.is_cell())
            .map(|o| UsageRow {
                org_id: o.id,
                name: o.name.clone(),
                kind: o.kind,
                counts: own.get(&o.id).copied().unwrap_or_default(),
                has_children: false,
                contact: contacts.get(&o.id).cloned(),
            })
            .filter(|r| r.counts.expected() > 0)
            .collect();
        let cell_count = cells.len() as i64;
        sort_rows(&mut cells, SortBy::RateAscending, |r| &r.name, |r| r.counts);
        cells.truncate(LOWEST);
        let total = totals.get(&info.id).copied().unwrap_or_default();
        let mut history = repo::history(&db, info.id, 12).await?;
        let this_month = Month::of(crate::platform::clock::today_vn()).code();
        history.retain(|(m, _)| *m != this_month);
        history.push((this_month, total));
        let meetings = meeting_stats(
            &repo::periodic_meetings(&db, &path, &month.code()).await?,
            &month,
            cell_count,
        );
        // Up one level only while the parent is still inside the viewer's scope.
        let parent = match info.parent_id {
            Some(pid) => {
                let p = repo::org_by_id(&db, pid).await?;
                let pp =
                    OrgPath::parse(&p.path).map_err(|e| AppError::internal(&format!("{e:?}")))?;
                scopes.iter().any(|s| s.contains(&pp)).then_some(OrgRef {
                    id: p.id,
                    name: p.name,
                })
            }
            None => None,
        };
        Ok(Dashboard {
            org: OrgRef {
                id: info.id,
                name: info.name,
            },
            parent,
            total,
            children,
            lowest_cells: cells,
            history,
            meetings,
            sort: sort.code().to_string(),
            as_of: taken.map(when),
        })
    })
    .await
}

/// One row of the monthly report: a child organisation (or the total).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub name: String,
    pub counts: Counts,
    pub meetings: MeetingStats,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub org: OrgRef,
    pub month: String,
    /// dd/mm/yyyy hh:mm when it was made, Vietnam time.
    pub made_at: String,
    pub rows: Vec<ReportRow>,
    pub total: ReportRow,
}

/// The monthly report for the committee above: usage and periodic meetings, per child.
#[server(prefix = "/api", endpoint = "monthly_report")]
pub async fn monthly_report(
    #[server(default)] org: i64,
    #[server(default)] month: String,
) -> Result<Report, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        build_report(&db, &user, org, &month, crate::platform::clock::now_unix()).await
    })
    .await
}

/// The report, for the page and for the CSV and Excel downloads.
#[cfg(feature = "ssr")]
pub async fn build_report(
    db: &crate::platform::db::Db,
    user: &crate::platform::session::CurrentUser,
    org: i64,
    month: &str,
    now: i64,
) -> Result<Report, AppError> {
    use crate::domain::meeting::Month;
    let month = match month.trim() {
        "" => Month::of(crate::platform::clock::today_vn()).previous(),
        m => Month::parse(m).ok_or_else(|| AppError::field("month", "err_invalid_value"))?,
    };
    let (info, path, _) = resolve(db, user, org).await?;
    let orgs = repo::orgs(db, &path).await?;
    let (mut totals, own, _) = figures(db, &orgs, &path, info.id, now).await?;
    // A past month reports the usage figures as they were at that month's snapshot.
    if month.code() != Month::of(crate::platform::clock::today_vn()).code() {
        // One query for the whole subtree, whatever the snapshot's age.
        if let Some((snapshot, _)) =
            repo::snapshot_totals(db, &path, info.id, &month.code(), i64::MIN).await?
        {
            totals.extend(snapshot);
        }
    }
    let meetings = repo::periodic_meetings(db, &path, &month.code()).await?;
    let children: Vec<&repo::OrgInfo> = orgs
        .iter()
        .filter(|o| o.parent_id == Some(info.id))
        .collect();
    let child_rows = if children.is_empty() {
        vec![orgs[0].clone()]
    } else {
        children.into_iter().cloned().collect()
    };
    let rows: Vec<ReportRow> = child_rows
        .iter()
        .map(|c| {
            // Paths end with '/', so a prefix is exactly the subtree.
            let inside = |p: &str| p.starts_with(&c.path);
            let cells = orgs
                .iter()
                .filter(|o| {
                    o.kind.is_cell()
                        && inside(&o.path)
                        && own.get(&o.id).map(|x| x.expected() > 0).unwrap_or(false)
                })
                .count() as i64;
            let mine: Vec<repo::MeetingRow> = meetings
                .iter()
                .filter(|m| inside(&m.path))
                .map(|m| repo::MeetingRow {
                    status: m.status,
                    date: m.date.clone(),
                    held_at: m.held_at,
                    rating: m.rating,
                    present: m.present,
                    expected: m.expected,
                    path: m.path.clone(),
                })
                .collect();
            ReportRow {
                name: c.name.clone(),
                counts: totals.get(&c.id).copied().unwrap_or_default(),
                meetings: meeting_stats(&mine, &month, cells),
            }
        })
        .collect();
    let all_cells = orgs
        .iter()
        .filter(|o| o.kind.is_cell() && own.get(&o.id).map(|x| x.expected() > 0).unwrap_or(false))
        .count() as i64;
    let total = ReportRow {
        name: info.name.clone(),
        counts: totals.get(&info.id).copied().unwrap_or_default(),
        meetings: meeting_stats(&meetings, &month, all_cells),
    };
    let local = now + crate::platform::clock::VIETNAM_UTC_OFFSET_SECONDS;
    let secs = local.rem_euclid(86_400);
    Ok(Report {
        org: OrgRef {
            id: info.id,
            name: info.name,
        },
        month: month.code(),
        made_at: format!(
            "{} {:02}:{:02}",
            crate::platform::clock::date_from_unix(local),
            secs / 3600,
            (secs % 3600) / 60
        ),
        rows,
        total,
    })
}
