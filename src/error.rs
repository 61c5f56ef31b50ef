//! Errors of the browser glue, and how they cross into JavaScript.

use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

/// A rejection from the Zoom SDK, decoded from the plain object
/// `{ type, reason, errorCode }` its promises reject with (`ExecutedFailure`
/// in the SDK's `common.d.ts`). Nothing Zoom said is dropped: the original
/// `type`, `errorCode` and `reason` are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZoomRejection {
    /// Zoom's error type, such as `INVALID_OPERATION` or `IMPROPER_MEDIA_CAPTURE`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Zoom's numeric error code, such as `200` (session fetch info error).
    pub error_code: i64,
    /// Zoom's human-readable reason, such as `"connection error"`.
    #[serde(default)]
    pub reason: String,
}

impl std::fmt::Display for ZoomRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.kind, self.error_code, self.reason)
    }
}

/// Everything that can go wrong in the glue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The SDK rejected a call with one of its own errors.
    #[error("Zoom rejected `{op}`: {rejection}; see the SDK's error-codes reference for code {code}", code = rejection.error_code)]
    Zoom {
        /// The SDK call that failed, e.g. `VideoClient.join`.
        op: &'static str,
        /// What Zoom said.
        rejection: ZoomRejection,
    },
    /// The SDK (or the object passed as the SDK) threw or rejected with
    /// something that is not a Zoom error, e.g. a `TypeError` because a method
    /// is missing.
    #[error("`{op}` threw: {message}; check that the object passed as the SDK is `ZoomVideo` (or zoomkit/sim)")]
    Thrown {
        /// The SDK call that failed.
        op: &'static str,
        /// The thrown value, as text.
        message: String,
    },
    /// The SDK answered with a value of the wrong shape.
    #[error("`{op}` returned an unexpected value: {detail}")]
    Decode {
        /// The SDK call whose answer could not be read.
        op: &'static str,
        /// Which field was missing or malformed.
        detail: String,
    },
    /// The app called zoomkit in a way that cannot work.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Classifies a value an SDK call threw or rejected with.
    pub fn from_js(op: &'static str, value: JsValue) -> Self {
        match serde_wasm_bindgen::from_value::<ZoomRejection>(value.clone()) {
            Ok(rejection) => Error::Zoom { op, rejection },
            Err(_) => Error::Thrown {
                op,
                message: js_message(&value),
            },
        }
    }

    /// A short stable name for the kind of error, as JS sees it in `error.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Zoom { .. } => "zoom",
            Error::Thrown { .. } => "thrown",
            Error::Decode { .. } => "decode",
            Error::Usage(_) => "usage",
        }
    }
}

/// The text of a thrown JS value: an `Error`'s message, a string, or its
/// JSON form.
pub(crate) fn js_message(value: &JsValue) -> String {
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    if let Some(s) = value.as_string() {
        return s;
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "<unprintable value>".to_owned())
}

/// Errors reach JS as real `Error` objects (so they have a stack) named
/// `ZoomkitError`, carrying `kind`, `op` and, for Zoom's own errors, its
/// `type`, `errorCode` and `reason` unchanged.
impl From<Error> for JsValue {
    fn from(err: Error) -> JsValue {
        let js = js_sys::Error::new(&err.to_string());
        js.set_name("ZoomkitError");
        let set = |k: &str, v: JsValue| {
            // Setting a property on a fresh Error cannot fail.
            let _ = js_sys::Reflect::set(&js, &JsValue::from_str(k), &v);
        };
        set("kind", JsValue::from_str(err.kind()));
        match &err {
            Error::Zoom { op, rejection } => {
                set("op", JsValue::from_str(op));
                set("type", JsValue::from_str(&rejection.kind));
                set("errorCode", JsValue::from_f64(rejection.error_code as f64));
                set("reason", JsValue::from_str(&rejection.reason));
            }
            Error::Thrown { op, .. } | Error::Decode { op, .. } => {
                set("op", JsValue::from_str(op));
            }
            Error::Usage(_) => {}
        }
        js.into()
    }
}
