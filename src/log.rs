//! Hands zoomkit's diagnostics ([`LogRecord`]s, whose level the core
//! decides) to the app's `logger`, or, when it set none, the errors and
//! warnings to the console as before.

use wasm_bindgen::prelude::*;
use zoomkit_core::log::{Level, LogKind, LogRecord};

/// The app's `logger` option, if any.
#[derive(Clone, Default)]
pub(crate) struct Logger(Option<js_sys::Function>);

impl Logger {
    pub(crate) fn new(logger: Option<js_sys::Function>) -> Self {
        Logger(logger)
    }

    /// Logs a record of `kind`; `detail` (a thrown value, a payload) is
    /// passed along as it is.
    pub(crate) fn log(
        &self,
        kind: LogKind,
        message: &str,
        op: Option<&'static str>,
        detail: Option<&JsValue>,
    ) {
        let record = LogRecord::new(kind, message, op);
        match &self.0 {
            Some(logger) => {
                let value = crate::json::to_js(&record);
                if let Some(detail) = detail {
                    let _ = js_sys::Reflect::set(&value, &"detail".into(), detail);
                }
                if let Err(e) = logger.call1(&JsValue::NULL, &value) {
                    // The logger itself failed: the console is all that is left.
                    web_sys::console::error_2(&"zoomkit: the logger threw:".into(), &e);
                }
            }
            None if record.level.console() => {
                let mut text = String::from("zoomkit: ");
                text.push_str(message);
                let text = JsValue::from_str(&text);
                let detail = detail.cloned().unwrap_or(JsValue::UNDEFINED);
                if record.level == Level::Error {
                    web_sys::console::error_2(&text, &detail);
                } else {
                    web_sys::console::warn_2(&text, &detail);
                }
            }
            None => {}
        }
    }
}
