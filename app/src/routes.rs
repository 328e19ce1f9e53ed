//! The app's routes, in one table ([`routes!`] below): each page's path, its route type, and
//! whether a member reads it offline. From the table come the router ([`AppRoutes`]), which page a
//! path shows ([`lazy_page_for_path`], used to load its code before hydrating and to send its
//! chunks' preload links), the pages whose chunks the service worker keeps ([`LazyPage::kept`])
//! and the service worker's list of pages kept for reading offline ([`offline_patterns`]).
//!
//! Every page but help, the offline page and "not found" is compiled into its own wasm chunk
//! (`cargo leptos build --split`): the main wasm holds the frame (session, navigation, router,
//! translations), and a page's code is fetched when that page is first shown. A member opening
//! the home screen downloads the home screen's code, not the meeting page's or the leaders'.
//!
//! The app hydrates synchronously (`hydrate_body`; the patched tachys compiles no asynchronous
//! hydration, see docs/patches/README.md), and synchronous hydration needs the current route's
//! view at once. So before hydrating, the client loads the chunk of the page it is on
//! ([`preload_for_path`]); after that, opening one of these pages loads its chunk as the router
//! navigates, like any lazy route.

use crate::accounts::pages::{
    ActivatePage, HelpPage, JoinPage, ManageAccountsPage, ProfilePage, SignInPage,
};
use crate::admin::pages::TreePage;
use crate::audit::pages::AuditPage;
use crate::documents::pages::{DocumentPage, LibraryPage, NewsPage, ProgressPage, PublishPage};
use crate::home::pages::{GuidePage, HomePage};
use crate::import::pages::{ImportPage, ReconcilePage};
use crate::meetings::pages::{MeetingPage, MeetingsPage, OverviewPage, PrintPage};
use crate::notifications::pages::NotificationsPage;
use crate::offline::pages::OfflinePage;
use crate::shell::WithSession;
use crate::sms::pages::PhonelessPage;
use crate::statistics::pages::{ReportPage, StatisticsPage};
use crate::tasks::pages::TasksPage;
use crate::ui::NotFound;
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, SsrMode,
};

/// The lazily loaded pages, in the router's order (the first match wins: a fixed path such as
/// `/sinh-hoat/thong-ke` before `/sinh-hoat/:id`): the page's name in [`LazyPage`], its route
/// type (a unit struct wrapping the page component in the session frame), the page component,
/// its path, and `offline` for the pages a member reads offline.
macro_rules! routes {
    ($($variant:ident => $route:ident($page:ident) at $path:tt $(, $kept:ident)?;)+) => {
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

        impl LazyPage {
            /// Every lazily loaded page, in the router's order.
            pub const ALL: &'static [LazyPage] = &[$(LazyPage::$variant),+];

            /// The route type's name, which names the page's split point in the build's manifest.
            pub fn route_name(self) -> &'static str {
                match self {
                    $(LazyPage::$variant => stringify!($route)),+
                }
            }

            /// The router's path (`:name` for a parameter).
            pub fn path(self) -> &'static str {
                match self {
                    $(LazyPage::$variant => $path),+
                }
            }

            /// Whether a member reads this page offline: the service worker keeps its HTML
            /// when visited, and its wasm chunks with the app's shell (server::pwa).
            pub fn kept(self) -> bool {
                match self {
                    $(LazyPage::$variant => routes!(@kept $($kept)?)),+
                }
            }
        }

        /// Loads a lazily loaded page's chunk (at once when it is already loaded).
        pub async fn preload(page: LazyPage) {
            match page {
                $(LazyPage::$variant => $route::preload().await),+
            }
        }

        /// The router. Every page is rendered whole before it is sent (SsrMode::Async): a member
        /// without JavaScript, or on a slow phone before the wasm arrives, reads a complete page.
        /// Help and the offline page are in the main wasm: they must work at once.
        #[component]
        pub fn AppRoutes() -> impl IntoView {
            view! {
                <Router>
                    <Routes fallback=|| view! { <WithSession><NotFound /></WithSession> }>
                        $(<Route ssr=SsrMode::Async path=path!($path) view={Lazy::<$route>::new()} />)+
                        <Route ssr=SsrMode::Async path=path!("/tro-giup") view=|| view! { <WithSession><HelpPage /></WithSession> } />
                        <Route ssr=SsrMode::Async path=path!("/ngoai-tuyen") view=|| view! { <WithSession><OfflinePage /></WithSession> } />
                    </Routes>
                </Router>
            }
        }
    };
    (@kept offline) => { true };
    (@kept) => { false };
}

routes! {
    Home => HomeRoute(HomePage) at "/", offline;
    SignIn => SignInRoute(SignInPage) at "/dang-nhap";
    Join => JoinRoute(JoinPage) at "/dang-ky";
    Activate => ActivateRoute(ActivatePage) at "/kich-hoat";
    Profile => ProfileRoute(ProfilePage) at "/ca-nhan";
    Guide => GuideRoute(GuidePage) at "/huong-dan";
    Library => LibraryRoute(LibraryPage) at "/van-ban", offline;
    Document => DocumentRoute(DocumentPage) at "/van-ban/:id", offline;
    Progress => ProgressRoute(ProgressPage) at "/van-ban/:id/tinh-hinh";
    Publish => PublishRoute(PublishPage) at "/dang-van-ban";
    News => NewsRoute(NewsPage) at "/tin-tuc", offline;
    Meetings => MeetingsRoute(MeetingsPage) at "/sinh-hoat", offline;
    Overview => OverviewRoute(OverviewPage) at "/sinh-hoat/thong-ke";
    Phoneless => PhonelessRoute(PhonelessPage) at "/sinh-hoat/khong-dien-thoai";
    Meeting => MeetingRoute(MeetingPage) at "/sinh-hoat/:id", offline;
    Print => PrintRoute(PrintPage) at "/sinh-hoat/:id/in";
    Notifications => NotificationsRoute(NotificationsPage) at "/thong-bao", offline;
    Statistics => StatisticsRoute(StatisticsPage) at "/thong-ke";
    Report => ReportRoute(ReportPage) at "/thong-ke/bao-cao";
    Tasks => TasksRoute(TasksPage) at "/nhiem-vu", offline;
    Tree => TreeRoute(TreePage) at "/quan-tri";
    Import => ImportRoute(ImportPage) at "/quan-tri/nhap-du-lieu";
    Reconcile => ReconcileRoute(ReconcilePage) at "/quan-tri/doi-soat";
    ManageAccounts => ManageAccountsRoute(ManageAccountsPage) at "/quan-tri/tai-khoan";
    Audit => AuditRoute(AuditPage) at "/quan-tri/nhat-ky";
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// Which lazily loaded page a path shows, as the router in [`AppRoutes`] matches it: the first
/// page in the table whose path has as many segments, each equal or a parameter.
pub fn lazy_page_for_path(path: &str) -> Option<LazyPage> {
    let wanted: Vec<&str> = segments(path).collect();
    LazyPage::ALL.iter().copied().find(|page| {
        let pattern: Vec<&str> = segments(page.path()).collect();
        pattern.len() == wanted.len()
            && pattern
                .iter()
                .zip(&wanted)
                .all(|(p, s)| p.starts_with(':') || p == s)
    })
}

/// The paths of the pages kept for reading offline, as regular expressions for the service
/// worker (`KEEP` in server/src/pwa/sw.js): `/sinh-hoat/:id` → `^/sinh-hoat/[^/]+$`.
pub fn offline_patterns() -> Vec<String> {
    LazyPage::ALL
        .iter()
        .filter(|page| page.kept())
        .map(|page| {
            let parts: Vec<&str> = segments(page.path())
                .map(|s| if s.starts_with(':') { "[^/]+" } else { s })
                .collect();
            format!("^/{}$", parts.join("/"))
        })
        .collect()
}

/// Loads the chunk of the lazily loaded page at `path`, if it is one; nothing otherwise.
pub async fn preload_for_path(path: &str) {
    if let Some(page) = lazy_page_for_path(path) {
        preload(page).await;
    }
}

#[cfg(test)]
mod tests {
    use super::{lazy_page_for_path, offline_patterns, LazyPage};

    #[test]
    fn every_page_but_help_offline_and_not_found_is_lazy() {
        let cases = [
            ("/", LazyPage::Home),
            ("/dang-nhap", LazyPage::SignIn),
            ("/van-ban", LazyPage::Library),
            ("/van-ban/", LazyPage::Library),
            ("/van-ban/7", LazyPage::Document),
            ("/van-ban/7/tinh-hinh", LazyPage::Progress),
            ("/tin-tuc", LazyPage::News),
            ("/sinh-hoat", LazyPage::Meetings),
            ("/sinh-hoat/12", LazyPage::Meeting),
            ("/sinh-hoat/12/in", LazyPage::Print),
            ("/sinh-hoat/thong-ke", LazyPage::Overview),
            ("/sinh-hoat/khong-dien-thoai", LazyPage::Phoneless),
            ("/huong-dan", LazyPage::Guide),
            ("/thong-bao", LazyPage::Notifications),
            ("/nhiem-vu", LazyPage::Tasks),
            ("/quan-tri", LazyPage::Tree),
            ("/quan-tri/", LazyPage::Tree),
            ("/quan-tri/tai-khoan", LazyPage::ManageAccounts),
            ("/thong-ke", LazyPage::Statistics),
            ("/thong-ke/bao-cao", LazyPage::Report),
            ("/dang-van-ban", LazyPage::Publish),
            ("/quan-tri/nhap-du-lieu", LazyPage::Import),
            ("/quan-tri/doi-soat", LazyPage::Reconcile),
            ("/quan-tri/nhat-ky", LazyPage::Audit),
            ("/dang-ky", LazyPage::Join),
            ("/kich-hoat", LazyPage::Activate),
            ("/ca-nhan", LazyPage::Profile),
        ];
        for (path, page) in cases {
            assert_eq!(lazy_page_for_path(path), Some(page), "{path}");
        }
        for page in LazyPage::ALL {
            assert!(
                page.path().starts_with('/'),
                "{page:?}'s path starts at the root"
            );
            assert!(
                cases.iter().any(|(_, p)| p == page),
                "{page:?} has a path in this test"
            );
        }
        // In the main wasm: small pages that must work at once (help with the secretary's
        // number, the offline page) and the not-found page for anything else.
        for main_page in [
            "/tro-giup",
            "/ngoai-tuyen",
            "/quan-tri/khac",
            "/van-ban/7/khac",
            "/khong-co",
        ] {
            assert_eq!(lazy_page_for_path(main_page), None, "{main_page}");
        }
    }

    #[test]
    fn the_pages_kept_offline_are_the_members_reading() {
        assert_eq!(
            offline_patterns(),
            vec![
                "^/$",
                "^/van-ban$",
                "^/van-ban/[^/]+$",
                "^/tin-tuc$",
                "^/sinh-hoat$",
                "^/sinh-hoat/[^/]+$",
                "^/thong-bao$",
                "^/nhiem-vu$",
            ]
        );
        assert!(!LazyPage::Print.kept() && !LazyPage::Statistics.kept());
    }
}
