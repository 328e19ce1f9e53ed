//! Every page but help, the offline page and "not found" is compiled into its own wasm chunk
//! (`cargo leptos build --split`): the main wasm holds the frame (session, navigation, router,
//! translations), and a page's code is fetched when that page is first shown. A member opening
//! the home screen downloads the home screen's code, not the meeting page's or the leaders'; the
//! service worker then keeps the member pages' chunks for offline use (server::pwa).
//!
//! The app hydrates synchronously (`hydrate_body`; the vendored tachys compiles no asynchronous
//! hydration, see docs/BENCHMARKS.md, "Client bundle"), and synchronous hydration needs the
//! current route's view at once. So before hydrating, the client loads the chunk of the page it
//! is on ([`preload_for_path`]); after that, opening one of these pages loads its chunk as the
//! router navigates, like any lazy route.

use crate::accounts::pages::{ActivatePage, JoinPage, ManageAccountsPage, ProfilePage, SignInPage};
use crate::admin::pages::TreePage;
use crate::audit::pages::AuditPage;
use crate::documents::pages::{DocumentPage, LibraryPage, NewsPage, ProgressPage, PublishPage};
use crate::home::pages::{GuidePage, HomePage};
use crate::import::pages::{ImportPage, ReconcilePage};
use crate::meetings::pages::{MeetingPage, MeetingsPage, OverviewPage, PrintPage, TasksPage};
use crate::notifications::pages::NotificationsPage;
use crate::shell::WithSession;
use crate::sms::pages::PhonelessPage;
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

        impl LazyPage {
            /// Every lazily loaded page.
            pub const ALL: &'static [LazyPage] = &[$(LazyPage::$variant),+];

            /// The route type's name, which names the page's split point in the build's manifest.
            pub fn route_name(self) -> &'static str {
                match self {
                    $(LazyPage::$variant => stringify!($route)),+
                }
            }
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
    Home => HomeRoute(HomePage),
    SignIn => SignInRoute(SignInPage),
    Library => LibraryRoute(LibraryPage),
    Document => DocumentRoute(DocumentPage),
    News => NewsRoute(NewsPage),
    Meetings => MeetingsRoute(MeetingsPage),
    Meeting => MeetingRoute(MeetingPage),
    Tasks => TasksRoute(TasksPage),
    Notifications => NotificationsRoute(NotificationsPage),
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
    Audit => AuditRoute(AuditPage),
    Phoneless => PhonelessRoute(PhonelessPage),
    Guide => GuideRoute(GuidePage),
}

/// The pages a member reads, also offline: the service worker keeps their chunks with the app's
/// shell (the same pages whose HTML it keeps, `KEEP` in server/src/pwa/sw.js).
pub const MEMBER_PAGES: [LazyPage; 8] = [
    LazyPage::Home,
    LazyPage::Library,
    LazyPage::Document,
    LazyPage::News,
    LazyPage::Meetings,
    LazyPage::Meeting,
    LazyPage::Tasks,
    LazyPage::Notifications,
];

/// Which lazily loaded page a path shows, as the router in [`crate::App`] matches it (the
/// first match wins there too: `/sinh-hoat/thong-ke` before `/sinh-hoat/:id`).
pub fn lazy_page_for_path(path: &str) -> Option<LazyPage> {
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segments.as_slice() {
        [] => Some(LazyPage::Home),
        ["dang-nhap"] => Some(LazyPage::SignIn),
        ["van-ban"] => Some(LazyPage::Library),
        ["tin-tuc"] => Some(LazyPage::News),
        ["sinh-hoat"] => Some(LazyPage::Meetings),
        ["nhiem-vu"] => Some(LazyPage::Tasks),
        ["thong-bao"] => Some(LazyPage::Notifications),
        ["dang-ky"] => Some(LazyPage::Join),
        ["kich-hoat"] => Some(LazyPage::Activate),
        ["ca-nhan"] => Some(LazyPage::Profile),
        ["van-ban", _, "tinh-hinh"] => Some(LazyPage::Progress),
        ["dang-van-ban"] => Some(LazyPage::Publish),
        ["sinh-hoat", "thong-ke"] => Some(LazyPage::Overview),
        ["sinh-hoat", "khong-dien-thoai"] => Some(LazyPage::Phoneless),
        ["huong-dan"] => Some(LazyPage::Guide),
        ["sinh-hoat", _, "in"] => Some(LazyPage::Print),
        ["thong-ke"] => Some(LazyPage::Statistics),
        ["thong-ke", "bao-cao"] => Some(LazyPage::Report),
        ["quan-tri"] => Some(LazyPage::Tree),
        ["quan-tri", "nhap-du-lieu"] => Some(LazyPage::Import),
        ["quan-tri", "doi-soat"] => Some(LazyPage::Reconcile),
        ["quan-tri", "tai-khoan"] => Some(LazyPage::ManageAccounts),
        ["quan-tri", "nhat-ky"] => Some(LazyPage::Audit),
        // After the fixed paths above, as in the router: `/van-ban/:id`, `/sinh-hoat/:id`.
        ["van-ban", _] => Some(LazyPage::Document),
        ["sinh-hoat", _] => Some(LazyPage::Meeting),
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
}
