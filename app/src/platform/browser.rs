//! Browser glue of the installable app, in plain JavaScript (small, and these APIs change
//! less than their web-sys bindings): registering the service worker, asking it to keep pages
//! for offline reading or to forget them, full-page links while offline, and Web Push.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function sw_register() {
  if (!("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  // Offline, a link loads the whole page, which the service worker answers from its cache
  // (in-app navigation would need the server).
  window.addEventListener("click", (e) => {
    if (navigator.onLine || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
    const a = e.target && e.target.closest ? e.target.closest("a[href]") : null;
    if (!a || a.origin !== location.origin || a.target || a.hasAttribute("download")) { return; }
    e.preventDefault();
    e.stopImmediatePropagation();
    location.href = a.href;
  }, true);
}
export function sw_keep(urls) {
  if (!("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.ready.then((r) => { if (r.active) { r.active.postMessage({ type: "keep", urls: urls.split("\n").filter((u) => u) }); } });
}
export function sw_forget() {
  if (window.caches) { caches.delete("sotay-pages").catch(() => {}); }
}
export function is_online() { return navigator.onLine !== false; }
export function local_get(key) { try { return localStorage.getItem(key) || ""; } catch (e) { return ""; } }
export function local_set(key, value) { try { localStorage.setItem(key, value); } catch (e) {} }
export async function push_state() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window) || !window.isSecureContext) { return "unsupported"; }
  if (Notification.permission === "denied") { return "denied"; }
  const reg = await navigator.serviceWorker.getRegistration("/");
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  return sub ? "on" : "off";
}
function keyBytes(b64) {
  const s = atob(b64.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64.length + 3) % 4));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
export async function push_enable(key) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") { throw new Error("denied"); }
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const j = sub.toJSON();
  return [j.endpoint, j.keys.p256dh, j.keys.auth].join("\n");
}
export async function push_disable() {
  const reg = await navigator.serviceWorker.getRegistration("/");
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (!sub) { return ""; }
  const endpoint = sub.endpoint;
  await sub.unsubscribe();
  return endpoint;
}
"#)]
extern "C" {
    pub fn sw_register();
    pub fn sw_keep(urls: &str);
    pub fn sw_forget();
    pub fn is_online() -> bool;
    pub fn local_get(key: &str) -> String;
    pub fn local_set(key: &str, value: &str);
    pub async fn push_state() -> JsValue;
    #[wasm_bindgen(catch)]
    pub async fn push_enable(key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn push_disable() -> Result<JsValue, JsValue>;
}
