//! Read aloud with the browser's speech synthesis, in Vietnamese only: if the device has no
//! Vietnamese voice we say so rather than read Vietnamese with a foreign voice.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
function vietnamese() {
  if (!('speechSynthesis' in window)) return null;
  return speechSynthesis.getVoices().find((v) => (v.lang || '').toLowerCase().replace('_', '-').startsWith('vi')) || null;
}
export function tts_speak(text, rate) {
  const voice = vietnamese();
  if (!voice) return false;
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice; u.lang = voice.lang; u.rate = rate;
  speechSynthesis.speak(u);
  return true;
}
export function tts_pause() { if ('speechSynthesis' in window) speechSynthesis.pause(); }
export function tts_resume() { if ('speechSynthesis' in window) speechSynthesis.resume(); }
export function tts_stop() { if ('speechSynthesis' in window) speechSynthesis.cancel(); }
// The reading position: restored when the member comes back to a document, saved as they
// scroll (at most twice a second), per document, on this device only.
export function keep_reading_position(path) {
  let store;
  try { store = window.localStorage; } catch (_) { return; }
  if (!store) return;
  const key = 'sotay.doc.' + path;
  if (window.__sotayReading) window.removeEventListener('scroll', window.__sotayReading);
  const y = parseInt(store.getItem(key) || '0', 10);
  if (y > 0 && !location.hash) requestAnimationFrame(() => window.scrollTo(0, y));
  let timer = null;
  window.__sotayReading = () => {
    if (timer || location.pathname !== path) return;
    timer = setTimeout(() => {
      timer = null;
      if (location.pathname !== path) return;
      try { store.setItem(key, String(Math.round(window.scrollY))); } catch (_) {}
    }, 500);
  };
  window.addEventListener('scroll', window.__sotayReading, { passive: true });
}
"#)]
extern "C" {
    pub fn tts_speak(text: &str, rate: f64) -> bool;
    pub fn tts_pause();
    pub fn tts_resume();
    pub fn tts_stop();
    pub fn keep_reading_position(path: &str);
}
