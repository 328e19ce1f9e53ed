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
"#)]
extern "C" {
    pub fn tts_speak(text: &str, rate: f64) -> bool;
    pub fn tts_pause();
    pub fn tts_resume();
    pub fn tts_stop();
}
