//! Browser side of passkeys: the WebAuthn calls, with the JSON helpers modern browsers have
//! (`parseCreationOptionsFromJSON`, `toJSON`). Where they are missing, the passkey buttons are
//! not shown at all.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function passkeys_supported() {
  return !!(window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON &&
            PublicKeyCredential.parseRequestOptionsFromJSON && window.isSecureContext);
}
function plain(cred) {
  const json = cred.toJSON();
  // Only what the server verifies; transports and hints vary by browser.
  if (json.response) { delete json.response.transports; }
  return JSON.stringify(json);
}
export async function passkey_create(options) {
  const o = JSON.parse(options);
  const cred = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(o.publicKey) });
  return plain(cred);
}
export async function passkey_get(options) {
  const o = JSON.parse(options);
  const cred = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(o.publicKey) });
  return plain(cred);
}
"#)]
extern "C" {
    pub fn passkeys_supported() -> bool;
    #[wasm_bindgen(catch)]
    pub async fn passkey_create(options: String) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    pub async fn passkey_get(options: String) -> Result<JsValue, JsValue>;
}
