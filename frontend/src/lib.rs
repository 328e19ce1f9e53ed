//! The wasm entry point: hydrates the server-rendered page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    // Hydration is synchronous: the chunks of the page being shown are loaded first (every page
    // but help, offline and not-found lives in its own, see app::routes; the hydration
    // script has already started fetching them); for those three this resolves at once.
    wasm_bindgen_futures::spawn_local(async move {
        app::routes::preload_for_path(&path).await;
        leptos::mount::hydrate_body(app::App);
    });
}
