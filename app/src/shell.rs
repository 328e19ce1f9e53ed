//! The session frame around every route (part of the app's root, like `routes`): the visitor
//! loaded once per page load through the accounts feature, their display preferences on
//! <html>, the offline outbox's sync, and the [`Session`] context the shared UI reads
//! (`crate::ui`). The visible frame (header, bottom navigation, footer) is `ui::Page`.

use crate::accounts::{get_session, SavePreferences};
use crate::platform::visitor::SessionView;
use crate::ui::Session;
use leptos::prelude::*;
use leptos_meta::Html;

/// The visitor's session, loaded once per page load by a blocking resource, so the server
/// already renders the right text size and the right home page, and hydration agrees with it.
#[derive(Clone, Copy)]
pub struct SessionResource(pub Resource<Result<SessionView, crate::platform::error::AppError>>);

pub fn provide_session_resource() {
    provide_context(SessionResource(Resource::new_blocking(
        || (),
        |_| get_session(),
    )));
}

/// Wraps each route's page (not the `<Routes>`, which must stay visible to route discovery).
#[component]
pub fn WithSession(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<SessionResource>().0;
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let view = session.await.unwrap_or_default();
                let member = view.user.as_ref().map(|u| u.member_id);
                let data_saver = view.prefs.data_saver;
                let prefs = RwSignal::new(view.prefs);
                let action = ServerAction::<SavePreferences>::new();
                let save = Callback::new(move |prefs: crate::domain::account::Preferences| {
                    action.dispatch(SavePreferences {
                        text_size: prefs.text_size.code().to_string(),
                        simple_mode: prefs.simple_mode,
                        data_saver: prefs.data_saver,
                    });
                });
                provide_context(Session { view: StoredValue::new(view), prefs, save });
                view! {
                    <crate::offline::pages::OfflineSync member data_saver />
                    <Html
                        // `try_with`: during server rendering Suspense may resolve these
                        // attributes once more after this run's owner (and `prefs`) is gone.
                        attr:data-text-size=move || {
                            prefs.try_with(|p| p.text_size.code()).unwrap_or_default()
                        }
                        attr:data-simple=move || flag(prefs.try_with(|p| p.simple_mode))
                        attr:data-saver=move || flag(prefs.try_with(|p| p.data_saver))
                    />
                    {children.read_value()()}
                }
            })}
        </Suspense>
    }
}

fn flag(on: Option<bool>) -> &'static str {
    if on == Some(true) {
        "1"
    } else {
        "0"
    }
}
