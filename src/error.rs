//! Errors of the browser glue, and how they cross into JavaScript.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use zoomkit_core::{Classification, ZoomError};

#[wasm_bindgen(module = "/src/error.js")]
extern "C" {
    /// `ZoomkitError`, a JS class (so apps can use `instanceof`) that the
    /// package's `index.js` exports.
    #[wasm_bindgen(extends = js_sys::Error)]
    type ZoomkitError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str) -> ZoomkitError;
}

/// Everything that can go wrong in the glue.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The SDK rejected a call with one of its own errors (`{type, reason,
    /// errorCode}`), kept verbatim in [`ZoomError`].
    // `ZoomError`'s own text ends with its hint.
    #[error("Zoom rejected `{op}`: {error}")]
    Zoom {
        /// The SDK call that failed, e.g. `VideoClient.join`.
        op: &'static str,
        /// What Zoom said.
        error: Box<ZoomError>,
    },
    /// The SDK (or the object passed as the SDK) threw or rejected with
    /// something that is not a Zoom error, e.g. a `TypeError` because a method
    /// is missing.
    #[error("`{op}` threw: {message}; check that the object passed as the SDK is `ZoomVideo` (or zoomkit/sim's)")]
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
    /// The session did not reach `connected` (a `join()` promise), with the
    /// Zoom error behind it, if any. The hint is said once: by Zoom's error
    /// when there is one (its text ends with it), else by the classification.
    #[error("the session is {state}: {detail}{}", session_suffix(error.as_deref(), class.as_ref()))]
    Session {
        /// The state it ended in (`failed`, `left`, `ended`).
        state: &'static str,
        /// Why, in words.
        detail: String,
        /// Zoom's error, when there is one.
        error: Option<Box<ZoomError>>,
        /// The core's reading of a failure (`SessionError::classify`):
        /// zoomkit's own failures (an expired token, a join timeout) have
        /// no Zoom error but still say whether to retry and what to do.
        class: Option<Classification>,
    },
    /// The app called zoomkit in a way that cannot work; the message names
    /// the option or the call.
    #[error("{0}")]
    Usage(String),
    /// The core refused a call (misuse, a role the user lacks, a chat
    /// privilege, a recording state); `code` names which
    /// (`zoomkit_core::CoreError::code`), e.g. `hostOnly`.
    #[error("{message}")]
    Refused {
        /// The refusal's stable name.
        code: &'static str,
        /// What is wrong and what to do.
        message: String,
    },
}

impl Error {
    /// Classifies a value an SDK call threw or rejected with.
    pub fn from_js(op: &'static str, value: JsValue) -> Self {
        match crate::driver::zoom_error(&value) {
            Some(error) => Error::Zoom {
                op,
                error: Box::new(error),
            },
            None => Error::Thrown {
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
            Error::Session { .. } => "session",
            Error::Usage(_) | Error::Refused { .. } => "usage",
        }
    }

    /// Category, whether retrying can help, and what to do, when known.
    pub fn classification(&self) -> Option<Classification> {
        match self {
            Error::Zoom { error, .. } => Some(error.classify()),
            Error::Session { class, error, .. } => {
                class.or_else(|| error.as_ref().map(|e| e.classify()))
            }
            _ => None,
        }
    }

    /// Zoom's error behind this one, if any.
    pub fn zoom_error(&self) -> Option<&ZoomError> {
        match self {
            Error::Zoom { error, .. } => Some(error),
            Error::Session { error, .. } => error.as_deref(),
            _ => None,
        }
    }
}

/// What follows a `Session` error's detail: `: <Zoom's error>` (which ends
/// with its hint), or `; <hint>` from the classification alone.
fn session_suffix(error: Option<&ZoomError>, class: Option<&Classification>) -> String {
    match (error, class) {
        (Some(e), _) => format!(": {e}"),
        (None, Some(c)) => format!("; {}", c.remedy.hint()),
        (None, None) => String::new(),
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

/// Errors reach JS as instances of the `ZoomkitError` class (an `Error`, so
/// they have a stack), carrying `kind`, `op` and, for Zoom's own errors, its
/// `type`, `errorCode` and `reason` unchanged, plus zoomkit's classification:
/// `category`, `retryable` and `remedy` (what to do, and who must do it).
impl From<Error> for JsValue {
    fn from(err: Error) -> JsValue {
        let js = ZoomkitError::new(&err.to_string());
        let set = |k: &str, v: JsValue| {
            // Setting a property on a fresh Error cannot fail.
            let _ = js_sys::Reflect::set(&js, &JsValue::from_str(k), &v);
        };
        set("kind", JsValue::from_str(err.kind()));
        match &err {
            Error::Zoom { op, .. } | Error::Thrown { op, .. } | Error::Decode { op, .. } => {
                set("op", JsValue::from_str(op));
            }
            Error::Session { state, .. } => set("state", JsValue::from_str(state)),
            Error::Refused { code, .. } => set("code", JsValue::from_str(code)),
            Error::Usage(_) => {}
        }
        if let Some(zoom) = err.zoom_error() {
            if let Some(kind) = &zoom.kind {
                set("type", JsValue::from_str(kind.as_str()));
            }
            if let Some(code) = zoom.error_code {
                set("errorCode", JsValue::from_f64(code as f64));
            }
            set("reason", JsValue::from_str(&zoom.reason));
        }
        if let Some(class) = err.classification() {
            set("retryable", JsValue::from_bool(class.retryable));
            set("category", crate::json::to_js(&class.category));
            set("remedy", crate::json::to_js(&class.remedy));
            set("hint", JsValue::from_str(class.remedy.hint()));
        }
        js.into()
    }
}

impl From<zoomkit_core::CoreError> for Error {
    fn from(e: zoomkit_core::CoreError) -> Self {
        Error::Refused {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use zoomkit_core::{ErrorType, Instant, SessionError, ZoomError};

    use super::Error;

    fn session(failure: &SessionError) -> Error {
        Error::Session {
            state: "failed",
            detail: "why".to_owned(),
            error: failure.zoom_error().cloned().map(Box::new),
            class: Some(failure.classify()),
        }
    }

    #[test]
    fn every_message_says_its_hint_once() {
        let zoom = ZoomError::new(ErrorType::InvalidParameters, 200, "The token has expired");
        let failures = [
            SessionError::TokenExpired {
                expired_at: Instant::from_millis(1),
            },
            SessionError::JoinTimedOut {
                after: Duration::from_secs(30),
            },
            SessionError::GaveUp {
                attempts: 3,
                last_error: None,
            },
            SessionError::GaveUp {
                attempts: 3,
                last_error: Some(zoom.clone()),
            },
            SessionError::Join {
                error: zoom.clone(),
            },
        ];
        let mut errors: Vec<Error> = failures.iter().map(session).collect();
        errors.push(Error::Zoom {
            op: "client.join",
            error: Box::new(zoom),
        });
        for error in &errors {
            let class = error.classification().expect("classified");
            let text = error.to_string();
            assert_eq!(
                text.matches(class.remedy.hint()).count(),
                1,
                "the hint once in: {text}"
            );
        }
    }

    #[test]
    fn zoomkits_own_failures_are_classified() {
        let expired = session(&SessionError::TokenExpired {
            expired_at: Instant::from_millis(1),
        });
        let class = expired.classification().expect("classified");
        assert!(!class.retryable);
        let gave_up = session(&SessionError::GaveUp {
            attempts: 10,
            last_error: None,
        });
        assert!(gave_up.classification().expect("classified").retryable);
    }
}
