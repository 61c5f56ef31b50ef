//! Values cross the JS boundary as [`wire::Value`] trees, walked with
//! `js_sys`: no JSON text and no float formatting or parsing in Rust, and one
//! non-generic codec for every type (serde's per-type code was most of the
//! wasm). A bad value from JS becomes a `wire::Error` naming the field.
//!
//! The walk reads what `JSON.stringify` would: own enumerable string keys,
//! members that are `undefined` or functions skipped, non-finite numbers as
//! `null`.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use zoomkit_core::wire::{self, Decode, Encode, Value};

#[wasm_bindgen]
extern "C" {
    /// `Object.keys`, caught: a Proxy's `ownKeys` trap may throw, and a JS
    /// exception must not unwind through Rust frames that hold borrows.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub(crate) fn object_keys(object: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// A member or element that threw when read (a getter, a Proxy trap).
fn unreadable(e: &JsValue) -> wire::Error {
    wire::Error::new(format!(
        "the value threw when read: {}",
        crate::error::js_message(e)
    ))
}

/// Deeper than this is refused: a cyclic object must be an error, not a
/// stack overflow.
const MAX_DEPTH: usize = 128;

/// A Rust value as a plain JS value.
pub fn to_js<T: Encode + ?Sized>(value: &T) -> JsValue {
    value_to_js(&value.encode())
}

/// A [`Value`] as a plain JS value.
pub fn value_to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(*n),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => {
            let out = js_sys::Array::new_with_length(items.len() as u32);
            for (i, v) in items.iter().enumerate() {
                out.set(i as u32, value_to_js(v));
            }
            out.into()
        }
        Value::Object(members) => {
            let out = js_sys::Object::new();
            for (k, v) in members {
                let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), &value_to_js(v));
            }
            out.into()
        }
    }
}

/// A plain JS value as a [`Value`] (`undefined` is `null`).
///
/// # Errors
/// A bigint, a symbol, or nesting deeper than 128 (a cycle).
pub fn value(js: &JsValue) -> Result<Value, wire::Error> {
    read(js, 0)
}

fn skipped(js: &JsValue) -> bool {
    js.is_undefined() || js.is_function() || js.is_symbol()
}

fn read(js: &JsValue, depth: usize) -> Result<Value, wire::Error> {
    if depth > MAX_DEPTH {
        return Err(wire::Error::new(
            "the value is nested too deeply (is it cyclic?)",
        ));
    }
    if js.is_null() || skipped(js) {
        return Ok(Value::Null);
    }
    if let Some(b) = js.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = js.as_f64() {
        return Ok(if n.is_finite() {
            Value::Number(n)
        } else {
            Value::Null
        });
    }
    if let Some(s) = js.as_string() {
        return Ok(Value::String(s));
    }
    if js.is_bigint() {
        return Err(wire::Error::new("a bigint cannot be read; pass a number"));
    }
    if js_sys::Array::is_array(js) {
        let length = js_sys::Reflect::get(js, &JsValue::from_str("length"))
            .map_err(|e| unreadable(&e))?
            .as_f64()
            .unwrap_or(0.0) as u32;
        let mut items = Vec::with_capacity(length.min(4096) as usize);
        for i in 0..length {
            let v =
                js_sys::Reflect::get_u32(js, i).map_err(|e| unreadable(&e).in_index(i as usize))?;
            items.push(read(&v, depth + 1).map_err(|e| e.in_index(i as usize))?);
        }
        return Ok(Value::Array(items));
    }
    let Some(object) = js.dyn_ref::<js_sys::Object>() else {
        return Err(wire::Error::new("the value cannot be read"));
    };
    let mut members = Vec::new();
    for key in object_keys(object).map_err(|e| unreadable(&e))?.iter() {
        let Some(name) = key.as_string() else {
            continue;
        };
        let v = js_sys::Reflect::get(object, &key).map_err(|e| unreadable(&e).in_key(&name))?;
        if skipped(&v) {
            continue;
        }
        let v = read(&v, depth + 1).map_err(|e| e.in_key(&name))?;
        members.push((name, v));
    }
    Ok(Value::Object(members))
}

/// A plain JS value as a Rust value; the error names what is wrong.
pub fn from_js<T: Decode>(value: &JsValue) -> Result<T, String> {
    self::value(value)
        .and_then(|v| T::decode(&v))
        .map_err(|e| e.to_string())
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
