//! Reading and answering without a connection. The service worker (served by the server at
//! `/sw.js`) keeps pages; this feature tells it which (bookmarked documents, the next meeting
//! and its materials, pages the member opens), shows the offline page, and queues opinions and
//! attendance answers made offline until the connection returns (the outbox).

pub mod pages;

use crate::platform::error::AppError;
use leptos::prelude::*;

/// Pages worth keeping on the phone for this member: bookmarked documents, their upcoming
/// meetings and those meetings' materials. Empty under data saver (nothing fetched ahead).
#[server(prefix = "/api", endpoint = "offline_pages")]
pub async fn offline_pages() -> Result<Vec<String>, AppError> {
    crate::platform::serve::signed_in(move |user, db| async move {
        if user.prefs.data_saver {
            return Ok(Vec::new());
        }
        let today = crate::platform::clock::today_vn().iso();
        let mut pages = Vec::new();
        for (meeting, documents) in
            crate::meetings::service::kept_offline(&db, &user.actor, &today).await?
        {
            pages.push(format!("/sinh-hoat/{meeting}"));
            pages.extend(documents.into_iter().map(|d| format!("/van-ban/{d}")));
        }
        let bookmarks =
            crate::documents::service::bookmarked_ids(&db, user.actor.member_id, 50).await?;
        pages.extend(bookmarks.into_iter().map(|d| format!("/van-ban/{d}")));
        pages.dedup();
        Ok(pages)
    })
    .await
}

/// Paths the service worker keeps when the member opens them.
pub fn keepable(path: &str) -> bool {
    let numbered = |prefix: &str| {
        path.strip_prefix(prefix)
            .map(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or(false)
    };
    numbered("/van-ban/") || numbered("/sinh-hoat/")
}

/// Registers the service worker, then (not under data saver, at most every 30 minutes) asks
/// it to keep the member's offline pages. Called once, after hydration.
#[cfg(feature = "hydrate")]
pub fn start(member: Option<i64>, data_saver: bool) {
    crate::platform::browser::sw_register();
    crate::platform::outbox::use_outbox().load_and_flush(member);
    if member.is_none() || data_saver || !crate::platform::browser::is_online() {
        return;
    }
    // Whole milliseconds, kept as an integer: formatting and parsing an f64 would bring the
    // float formatting and parsing code (about 20 KB) into the main wasm for this alone.
    let now = js_sys::Date::now() as i64;
    let last: i64 = crate::platform::browser::local_get("sotay-kept-at")
        .parse()
        .unwrap_or(0);
    if now - last < 30 * 60 * 1000 {
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(pages) = offline_pages().await {
            crate::platform::browser::sw_keep(&pages.join("\n"));
            crate::platform::browser::local_set("sotay-kept-at", &now.to_string());
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn keepable_pages() {
        assert!(super::keepable("/van-ban/12"));
        assert!(super::keepable("/sinh-hoat/3"));
        assert!(!super::keepable("/van-ban/"));
        assert!(!super::keepable("/van-ban/12/tinh-hinh"));
        assert!(!super::keepable("/quan-tri/tai-khoan"));
    }
}
