//! Usage statistics (docs/DOMAIN.md, "Usage statistics"): usage rate = members who have signed
//! in ÷ (members − exempt), per organisation and per chi bộ. Exempt members are left out of the
//! denominator, and so of the numerator too (an exempt member who signs in must not push a cell
//! past 100%). Counts per organisation roll up into the children of the organisation being
//! looked at. No I/O.

use serde::{Deserialize, Serialize};

/// Counts of one organisation's own members (not its subtree's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub members: i64,
    pub exempt: i64,
    /// Members with an active account.
    pub accounts: i64,
    /// Non-exempt members who have signed in at least once.
    pub signed_in: i64,
    /// Members active in the last 30 days.
    pub active_30d: i64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.members += o.members;
        self.exempt += o.exempt;
        self.accounts += o.accounts;
        self.signed_in += o.signed_in;
        self.active_30d += o.active_30d;
    }
}

impl Counts {
    /// Members expected to use the app (the rate's denominator).
    pub fn expected(&self) -> i64 {
        (self.members - self.exempt).max(0)
    }

    /// Usage rate in tenths of a percent (853 = 85.3%), `None` when nobody is expected.
    pub fn rate_permille(&self) -> Option<i64> {
        let expected = self.expected();
        (expected > 0).then(|| (self.signed_in.min(expected) * 1000 + expected / 2) / expected)
    }
}

/// "85,3%" (Vietnamese decimal comma) or "—".
pub fn format_rate(permille: Option<i64>) -> String {
    match permille {
        Some(p) => format!("{},{}%", p / 10, p % 10),
        None => "—".to_string(),
    }
}

/// The child of `root` (a materialized path like `/1/7/`) that `path` lies in, as that child's
/// path; `None` for `root` itself or outside it.
pub fn child_of<'a>(root: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(root)?;
    let end = rest.find('/')?;
    Some(&path[..root.len() + end + 1])
}

/// Sort orders of the dashboard's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortBy {
    /// Lowest rate first: where help is needed.
    RateAscending,
    RateDescending,
    Name,
    Members,
}

impl SortBy {
    pub fn code(self) -> &'static str {
        match self {
            SortBy::RateAscending => "ty_le_tang",
            SortBy::RateDescending => "ty_le_giam",
            SortBy::Name => "ten",
            SortBy::Members => "so_dang_vien",
        }
    }
    pub fn from_code(code: &str) -> SortBy {
        match code {
            "ty_le_giam" => SortBy::RateDescending,
            "ten" => SortBy::Name,
            "so_dang_vien" => SortBy::Members,
            _ => SortBy::RateAscending,
        }
    }
}

/// Sorts rows of (name, counts). Rows without a rate (nobody expected) go last.
#[cfg(feature = "ssr")]
pub fn sort_rows<T>(
    rows: &mut [T],
    by: SortBy,
    name: impl Fn(&T) -> &str,
    counts: impl Fn(&T) -> Counts,
) {
    rows.sort_by(|a, b| {
        let (ca, cb) = (counts(a), counts(b));
        let rate = |c: Counts| c.rate_permille().unwrap_or(i64::MAX);
        match by {
            SortBy::RateAscending => rate(ca).cmp(&rate(cb)),
            SortBy::RateDescending => cb
                .rate_permille()
                .unwrap_or(-1)
                .cmp(&ca.rate_permille().unwrap_or(-1)),
            SortBy::Name => std::cmp::Ordering::Equal,
            SortBy::Members => cb.members.cmp(&ca.members),
        }
        .then_with(|| crate::domain::text::fold(name(a)).cmp(&crate::domain::text::fold(name(b))))
    });
}

/// Attendance rate of a held meeting, in tenths of a percent, over those expected.
pub fn attendance_permille(present: i64, expected: i64) -> Option<i64> {
    (expected > 0).then(|| (present.min(expected) * 1000 + expected / 2) / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_leaves_exempt_members_out() {
        let c = Counts {
            members: 12,
            exempt: 2,
            accounts: 9,
            signed_in: 8,
            active_30d: 5,
        };
        assert_eq!(c.expected(), 10);
        assert_eq!(c.rate_permille(), Some(800));
        assert_eq!(format_rate(c.rate_permille()), "80,0%");
        let third = Counts {
            members: 3,
            exempt: 0,
            signed_in: 1,
            ..Default::default()
        };
        assert_eq!(format_rate(third.rate_permille()), "33,3%");
        assert_eq!(
            Counts {
                members: 2,
                exempt: 2,
                ..Default::default()
            }
            .rate_permille(),
            None
        );
        assert_eq!(format_rate(None), "—");
        // Never above 100% even if counts disagree.
        assert_eq!(
            Counts {
                members: 2,
                signed_in: 3,
                ..Default::default()
            }
            .rate_permille(),
            Some(1000)
        );
        let mut sum = c;
        sum += third;
        assert_eq!(
            (sum.members, sum.signed_in, sum.rate_permille()),
            (15, 9, Some(692))
        );
    }

    #[test]
    fn children_by_path() {
        assert_eq!(child_of("/1/", "/1/7/42/"), Some("/1/7/"));
        assert_eq!(child_of("/1/", "/1/7/"), Some("/1/7/"));
        assert_eq!(child_of("/1/", "/1/"), None);
        assert_eq!(child_of("/1/", "/2/7/"), None);
        assert_eq!(child_of("/1/7/", "/1/70/"), None);
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn lowest_first_and_empty_last() {
        let rows = vec![
            (
                "Chi bộ B",
                Counts {
                    members: 10,
                    signed_in: 9,
                    ..Default::default()
                },
            ),
            (
                "Chi bộ A",
                Counts {
                    members: 10,
                    signed_in: 3,
                    ..Default::default()
                },
            ),
            (
                "Chi bộ Đ",
                Counts {
                    members: 0,
                    ..Default::default()
                },
            ),
            (
                "Chi bộ C",
                Counts {
                    members: 20,
                    signed_in: 5,
                    ..Default::default()
                },
            ),
        ];
        let mut r = rows.clone();
        sort_rows(&mut r, SortBy::RateAscending, |x| x.0, |x| x.1);
        assert_eq!(
            r.iter().map(|x| x.0).collect::<Vec<_>>(),
            ["Chi bộ C", "Chi bộ A", "Chi bộ B", "Chi bộ Đ"]
        );
        sort_rows(&mut r, SortBy::RateDescending, |x| x.0, |x| x.1);
        assert_eq!(r[0].0, "Chi bộ B");
        assert_eq!(r[3].0, "Chi bộ Đ");
        sort_rows(&mut r, SortBy::Name, |x| x.0, |x| x.1);
        assert_eq!(
            r.iter().map(|x| x.0).collect::<Vec<_>>(),
            ["Chi bộ A", "Chi bộ B", "Chi bộ C", "Chi bộ Đ"]
        );
        sort_rows(&mut r, SortBy::Members, |x| x.0, |x| x.1);
        assert_eq!(r[0].0, "Chi bộ C");
        assert_eq!(SortBy::from_code("ten"), SortBy::Name);
        assert_eq!(SortBy::from_code("rác"), SortBy::RateAscending);
    }

    #[test]
    fn attendance() {
        assert_eq!(attendance_permille(9, 10), Some(900));
        assert_eq!(attendance_permille(0, 0), None);
    }
}
