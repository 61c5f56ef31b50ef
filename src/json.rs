//! Values cross the JS boundary as JSON: `serde_json` on the Rust side,
//! `JSON.parse`/`JSON.stringify` on the other. One serializer for every type
//! keeps the wasm small (the core already needs `serde_json` for its
//! snapshots), and a bad value from JS becomes a serde error naming the field.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A Rust value as a plain JS value.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    let text = serde_json::to_string(value).map_err(|e| format!("cannot convert to JS: {e}"))?;
    js_sys::JSON::parse(&text).map_err(|_| "cannot parse JSON produced by zoomkit".to_owned())
}

/// The JSON text of a JS value (`null` for `undefined`).
pub fn text(value: &JsValue) -> Result<String, String> {
    if value.is_undefined() {
        return Ok("null".to_owned());
    }
    js_sys::JSON::stringify(value)
        .map_err(|e| {
            format!(
                "the value cannot be read as JSON: {}",
                crate::error::js_message(&e)
            )
        })?
        .as_string()
        .ok_or_else(|| "the value cannot be read as JSON".to_owned())
}

/// A plain JS value as a Rust value; the error names what is wrong.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    serde_json::from_str(&text(value)?).map_err(|e| e.to_string())
}

/// The listed data properties of `value`, as a new plain object: for reading
/// an options object that also holds functions and SDK objects.
pub fn pick(value: &JsValue, keys: &[&str]) -> JsValue {
    let out = js_sys::Object::new();
    for key in keys {
        let k = JsValue::from_str(key);
        if let Ok(v) = js_sys::Reflect::get(value, &k) {
            if !v.is_undefined() {
                let _ = js_sys::Reflect::set(&out, &k, &v);
            }
        }
    }
    out.into()
}
