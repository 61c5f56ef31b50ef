//! zoomkit's diagnostics as typed records, for the app's `logger`.
//!
//! Every diagnostic the glue emits is a [`LogRecord`]: its [`LogKind`]
//! fixes its [`Level`] (decided here, not in the glue). With a `logger`
//! option every record goes to it and nothing to the console; without one,
//! errors and warnings go to the console as before and debug and info
//! records are dropped ([`Level::console`]). Records carry names and ids,
//! never a token, a passcode or a message's text.

use serde::Serialize;

use crate::wire::Encode;

/// How much a record matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Step by step: commands issued and answered.
    Debug,
    /// What happened: state changes.
    Info,
    /// Something is off but zoomkit carries on (a payload it cannot read,
    /// a quality limit).
    Warn,
    /// Something failed (an app callback threw, a layout failed).
    Error,
}

impl Level {
    /// Whether a record of this level goes to the console when the app set
    /// no logger (errors and warnings, as zoomkit always printed them).
    #[must_use]
    pub fn console(self) -> bool {
        self >= Level::Warn
    }
}

/// What a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum LogKind {
    /// An SDK call was issued (`op`).
    Command,
    /// An SDK call was answered (`op`; the error's code, if it failed).
    Answer,
    /// The session changed state.
    StateChanged,
    /// An SDK event's payload did not match the SDK's documented shape.
    SdkPayloadError,
    /// The core refused an SDK event.
    SdkEventRejected,
    /// The core refused a command's answer.
    AnswerRefused,
    /// An app listener (`session.on`) threw.
    ListenerThrew,
    /// An app callback of the `Stage` (`onLayout`, `onQuality`) threw.
    CallbackThrew,
    /// The stage could not lay out.
    LayoutFailed,
    /// The quality controller names a limit and what would lift it.
    QualityDiagnostic,
}

impl LogKind {
    /// The level of every record of this kind.
    #[must_use]
    pub fn level(self) -> Level {
        match self {
            LogKind::Command | LogKind::Answer => Level::Debug,
            LogKind::StateChanged => Level::Info,
            LogKind::SdkPayloadError | LogKind::SdkEventRejected | LogKind::QualityDiagnostic => {
                Level::Warn
            }
            LogKind::AnswerRefused
            | LogKind::ListenerThrew
            | LogKind::CallbackThrew
            | LogKind::LayoutFailed => Level::Error,
        }
    }
}

/// One diagnostic, as the app's `logger` receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct LogRecord {
    /// [`LogKind::level`].
    pub level: Level,
    /// What it is about.
    pub kind: LogKind,
    /// In words.
    pub message: String,
    /// The SDK call or event it concerns, if any (`stream.startVideo`,
    /// `chat-on-message`).
    pub op: Option<&'static str>,
}

impl LogRecord {
    /// A record of `kind` (its level follows from it).
    #[must_use]
    pub fn new(kind: LogKind, message: impl Into<String>, op: Option<&'static str>) -> Self {
        LogRecord {
            level: kind.level(),
            kind,
            message: message.into(),
            op,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_warnings_and_errors_reach_the_console_without_a_logger() {
        for (kind, console) in [
            (LogKind::Command, false),
            (LogKind::Answer, false),
            (LogKind::StateChanged, false),
            (LogKind::SdkPayloadError, true),
            (LogKind::QualityDiagnostic, true),
            (LogKind::ListenerThrew, true),
            (LogKind::LayoutFailed, true),
        ] {
            assert_eq!(kind.level().console(), console, "{kind:?}");
        }
    }

    #[test]
    fn a_record_takes_its_kinds_level() {
        let r = LogRecord::new(LogKind::AnswerRefused, "x", Some("client.join"));
        assert_eq!(r.level, Level::Error);
        let v = serde_json::to_value(&r).expect("serialises");
        assert_eq!(v["level"], "error");
        assert_eq!(v["kind"], "answerRefused");
        assert_eq!(v["op"], "client.join");
    }
}
