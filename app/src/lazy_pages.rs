//! Pages that only leaders, editors and committee staff open — and the few a member opens once or
//! seldom (asking to join, activating the account, the profile) — each compiled into its own wasm
//! chunk (`cargo leptos build --split`), so a member's phone does not download their code with
//! the app: it is fetched the first time such a page is opened.
//!
//! The app hydrates synchronously (`hydrate_body`; the vendored tachys compiles no asynchronous
//! hydration, see docs/BENCHMARKS.md, "Client bundle"), and synchronous hydration needs the
//! current route's view at once. So before hydrating, the client loads the chunk of the page it
//! is on ([`preload_for_path`]); after that, opening one of these pages loads its chunk as the
//! router navigates, like any lazy route.

use crate::accounts::pages::{ActivatePage, JoinPage, ManageAccountsPage, ProfilePage};
use crate::admin::pages::TreePage;
use crate::documents::pages::{ProgressPage, PublishPage};
use crate::import::pages::{ImportPage, ReconcilePage};
use crate::meetings::pages::{OverviewPage, PrintPage};
use crate::shell::WithSession;
use crate::statistics::pages::{ReportPage, StatisticsPage};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// The lazily loaded pages: for each, its name in [`LazyPage`], the route type (a unit struct
/// wrapping the page component in the session frame, like every other route) and the page.
/// Also generates [`preload`], so a page is named once here and once in the path table below.
macro_rules! lazy_pages {
    ($($variant:ident => $route:ident($page:ident)),+ $(,)?) => {
        $(
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_this: Self) -> AnyView {
                    view! { <WithSession><$page /></WithSession> }.into_any()
                }
            }
        )+

        /// Which lazily loaded page a path shows (see [`lazy_page_for_path`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum LazyPage {
            $($variant),+
        }

        /// Loads a lazily loaded page's chunk (at once when it is already loaded).
        pub async fn preload(page: LazyPage) {
            match page {
                $(LazyPage::$variant => $route::preload().await),+
            }
        }
    };
}

lazy_pages! {
    Join => JoinRoute(JoinPage),
    Activate => ActivateRoute(ActivatePage),
    Profile => ProfileRoute(ProfilePage),
    Progress => ProgressRoute(ProgressPage),
    Publish => PublishRoute(PublishPage),
    Overview => OverviewRoute(OverviewPage),
    Print => PrintRoute(PrintPage),
    Statistics => StatisticsRoute(StatisticsPage),
    Report => ReportRoute(ReportPage),
    Tree => TreeRoute(TreePage),
    Import => ImportRoute(ImportPage),
    Reconcile => ReconcileRoute(ReconcilePage),
    ManageAccounts => ManageAccountsRoute(ManageAccountsPage),
}

/// Which lazily loaded page a path shows, as the router in [`crate::App`] matches it (the
/// first match wins there too: `/sinh-hoat/thong-ke` before `/sinh-hoat/:id`).
pub fn lazy_page_for_path(path: &str) -> Option<LazyPage> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["dang-ky"] => Some(LazyPage::Join),
        ["kich-hoat"] => Some(LazyPage::Activate),
        ["ca-nhan"] => Some(LazyPage::Profile),
        ["van-ban", _, "tinh-hinh"] => Some(LazyPage::Progress),
        ["dang-van-ban"] => Some(LazyPage::Publish),
        ["sinh-hoat", "thong-ke"] => Some(LazyPage::Overview),
        ["sinh-hoat", _, "in"] => Some(LazyPage::Print),
        ["thong-ke"] => Some(LazyPage::Statistics),
        ["thong-ke", "bao-cao"] => Some(LazyPage::Report),
        ["quan-tri"] => Some(LazyPage::Tree),
        ["quan-tri", "nhap-du-lieu"] => Some(LazyPage::Import),
        ["quan-tri", "doi-soat"] => Some(LazyPage::Reconcile),
        ["quan-tri", "tai-khoan"] => Some(LazyPage::ManageAccounts),
        _ => None,
    }
}

/// Loads the chunk of the lazily loaded page at `path`, if it is one; nothing otherwise.
pub async fn preload_for_path(path: &str) {
    if let Some(page) = lazy_page_for_path(path) {
        preload(page).await;
    }
}

#[cfg(test)]
mod tests {
    use super::{lazy_page_for_path, LazyPage};

    #[test]
    fn leader_and_seldom_pages_are_lazy_and_member_pages_are_not() {
        assert_eq!(lazy_page_for_path("/quan-tri"), Some(LazyPage::Tree));
        assert_eq!(lazy_page_for_path("/quan-tri/"), Some(LazyPage::Tree));
        assert_eq!(lazy_page_for_path("/quan-tri/tai-khoan"), Some(LazyPage::ManageAccounts));
        assert_eq!(lazy_page_for_path("/sinh-hoat/thong-ke"), Some(LazyPage::Overview));
        assert_eq!(lazy_page_for_path("/sinh-hoat/12/in"), Some(LazyPage::Print));
        assert_eq!(lazy_page_for_path("/van-ban/7/tinh-hinh"), Some(LazyPage::Progress));
        assert_eq!(lazy_page_for_path("/thong-ke/bao-cao"), Some(LazyPage::Report));
        assert_eq!(lazy_page_for_path("/dang-ky"), Some(LazyPage::Join));
        assert_eq!(lazy_page_for_path("/kich-hoat"), Some(LazyPage::Activate));
        assert_eq!(lazy_page_for_path("/ca-nhan"), Some(LazyPage::Profile));
        for member_page in ["/", "/van-ban", "/van-ban/7", "/sinh-hoat", "/sinh-hoat/12", "/thong-bao", "/nhiem-vu", "/tro-giup", "/dang-nhap", "/quan-tri/khac"] {
            assert_eq!(lazy_page_for_path(member_page), None, "{member_page}");
        }
    }
}
