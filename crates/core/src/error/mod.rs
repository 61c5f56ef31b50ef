//! Zoom's errors as typed values, and zoomkit's own misuse errors.
//!
//! Zoom rejects promises with plain objects `{ type, reason, errorCode }`
//! (`ExecutedFailure` in `common.d.ts`), reports failed media with
//! `active-media-failed { code, message, type }`, and ends connections with
//! `connection-change { state: "Fail", reason, errorCode }`. All of them end up
//! here as a [`ZoomError`] (or an [`ActiveMediaFailedCode`]) that keeps Zoom's
//! number and reason string, and says through [`ZoomError::classify`]:
//!
//! - a [`Category`] (which part of the SDK),
//! - whether retrying can help,
//! - a [`Remedy`]: what to do, and who ([`Actor`]) has to do it.
//!
//! Codes zoomkit does not know keep their number ([`ErrorCode::Unknown`]).

mod codes;
mod media;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use codes::ErrorCode;
pub use media::ActiveMediaFailedCode;

use crate::command::CommandId;
use crate::device::DeviceKind;
use crate::wire::{Decode, Encode};

/// The `type` of a Zoom rejection (`ErrorTypes` in `common.d.ts`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `INVALID_OPERATION`: the operation is invalid, perhaps duplicated.
    InvalidOperation,
    /// `INTERNAL_ERROR`: the remote service is temporarily unavailable.
    InternalError,
    /// `OPERATION_TIMEOUT`: the operation timed out; try again later.
    OperationTimeout,
    /// `INSUFFICIENT_PRIVILEGES`: only a host or manager may do this.
    InsufficientPrivileges,
    /// `IMPROPER_MEETING_STATE`: not in a session (closed, on hold, reconnecting).
    ImproperMeetingState,
    /// `INVALID_PARAMETERS`: a parameter was invalid.
    InvalidParameters,
    /// `OPERATION_LOCKED`: the property is locked.
    OperationLocked,
    /// Any other string, kept as given.
    Other(String),
}

impl ErrorType {
    /// Every type Zoom documents, in `ErrorTypes` order.
    pub const KNOWN: [ErrorType; 7] = [
        ErrorType::InvalidOperation,
        ErrorType::InternalError,
        ErrorType::OperationTimeout,
        ErrorType::InsufficientPrivileges,
        ErrorType::ImproperMeetingState,
        ErrorType::InvalidParameters,
        ErrorType::OperationLocked,
    ];

    /// Zoom's spelling.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            ErrorType::InvalidOperation => "INVALID_OPERATION",
            ErrorType::InternalError => "INTERNAL_ERROR",
            ErrorType::OperationTimeout => "OPERATION_TIMEOUT",
            ErrorType::InsufficientPrivileges => "INSUFFICIENT_PRIVILEGES",
            ErrorType::ImproperMeetingState => "IMPROPER_MEETING_STATE",
            ErrorType::InvalidParameters => "INVALID_PARAMETERS",
            ErrorType::OperationLocked => "OPERATION_LOCKED",
            ErrorType::Other(s) => s,
        }
    }

    /// Parses Zoom's spelling; anything else becomes [`ErrorType::Other`].
    #[must_use]
    pub fn parse(s: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|t| t.as_str() == s)
            .cloned()
            .unwrap_or_else(|| ErrorType::Other(s.to_owned()))
    }
}

impl Serialize for ErrorType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Encode for ErrorType {
    fn encode(&self) -> crate::wire::Value {
        crate::wire::Value::String(self.as_str().to_owned())
    }
}

impl Decode for ErrorType {
    fn decode(v: &crate::wire::Value) -> Result<Self, crate::wire::Error> {
        v.as_str().map(ErrorType::parse)
    }
}

impl<'de> Deserialize<'de> for ErrorType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(ErrorType::parse(&s))
    }
}

/// A rejection or failure reported by Zoom, as Zoom shaped it.
///
/// Deserialises from the plain object Zoom rejects promises with:
///
/// ```
/// # use zoomkit_core::{ZoomError, ErrorCode, ErrorType};
/// let e: ZoomError = serde_json::from_str(
///     r#"{"type":"INVALID_PARAMETERS","reason":"invalid password","errorCode":3004}"#,
/// ).unwrap();
/// assert_eq!(e.kind, Some(ErrorType::InvalidParameters));
/// assert_eq!(e.code(), ErrorCode::SessionIncorrectPasscode);
/// assert!(!e.classify().retryable);
/// ```
///
/// `type` and `errorCode` are optional on decode: Zoom documents rejections
/// without a code (`{type:'INVALID_OPERATION', reason:'required extension',
/// extensionUrl}` from `startShareScreen`), and `connection-change` failures
/// carry a code but no type. The reason string is never lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct ZoomError {
    /// Zoom's `type`, when it gave one.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ErrorType>,
    /// Zoom's `reason`, verbatim.
    #[serde(default)]
    pub reason: String,
    /// Zoom's `errorCode`, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    /// `extensionUrl`, sent with `required extension` by `startShareScreen`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_url: Option<String>,
}

impl ZoomError {
    /// An error with a type, code and reason.
    #[must_use]
    pub fn new(kind: ErrorType, error_code: i64, reason: impl Into<String>) -> Self {
        ZoomError {
            kind: Some(kind),
            reason: reason.into(),
            error_code: Some(error_code),
            extension_url: None,
        }
    }

    /// An error from the driver or the app rather than Zoom (a token provider
    /// that failed, a JS exception): no type, no code.
    #[must_use]
    pub fn driver(reason: impl Into<String>) -> Self {
        ZoomError {
            kind: None,
            reason: reason.into(),
            error_code: None,
            extension_url: None,
        }
    }

    /// The code as a typed value ([`ErrorCode::Unknown`] keeps unknown numbers;
    /// a missing code is `Unknown(0)`).
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        ErrorCode::from_code(self.error_code.unwrap_or(0))
    }

    /// Category, whether retrying can help, and what to do.
    ///
    /// Code 200 (`SESSION_FETCH_INFO_ERROR`) covers both a bad token and a
    /// connection error; the reason string tells them apart.
    #[must_use]
    pub fn classify(&self) -> Classification {
        let code = self.code();
        if code == ErrorCode::SessionFetchInfoError {
            // Bytes, not `str::contains`: its two-way searcher and the
            // panic formatting behind it were ~4 KB of the wasm.
            let reason = self.reason.to_ascii_lowercase();
            let has = |w: &str| {
                reason
                    .as_bytes()
                    .windows(w.len())
                    .any(|b| b == w.as_bytes())
            };
            if has("connection") {
                return Classification::new(Category::Session, true, Remedy::RetryLater);
            }
            if has("expired") {
                return Classification::new(Category::Session, true, Remedy::RefreshToken);
            }
        }
        if let Some(info) = code.info() {
            return Classification::new(info.category, info.retryable, info.remedy);
        }
        if self.kind.is_none() && self.error_code.is_none() {
            return Classification::new(Category::Driver, true, Remedy::RetryLater);
        }
        if self.reason == "required extension" || self.extension_url.is_some() {
            return Classification::new(Category::Share, false, Remedy::InstallExtension);
        }
        let (retryable, remedy) = match &self.kind {
            Some(ErrorType::InternalError) => (true, Remedy::ReportToZoom),
            Some(ErrorType::OperationTimeout) => (true, Remedy::RetryLater),
            Some(ErrorType::InsufficientPrivileges) => (false, Remedy::AskHost),
            Some(ErrorType::ImproperMeetingState) => (true, Remedy::WaitForReconnection),
            Some(ErrorType::InvalidParameters) => (false, Remedy::FixParameters),
            Some(ErrorType::OperationLocked) => (false, Remedy::AskHost),
            Some(ErrorType::InvalidOperation) => (false, Remedy::FixCallOrder),
            Some(ErrorType::Other(_)) | None => (false, Remedy::ReportToZoom),
        };
        Classification::new(Category::Unknown, retryable, remedy)
    }

    /// True when the SDK cancelled the operation because the session changed
    /// state (`OPERATION_CANCELLED`, 3): not a failure of the operation itself.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.code() == ErrorCode::OperationCancelled
    }
}

impl fmt::Display for ZoomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // "Zoom error {n} {name}", "Zoom error {n}" or "error"; the number is
        // written without `core::fmt`'s `i64` printing (see `wire::decimal`).
        match self.error_code {
            Some(n) => {
                f.write_str(if n < 0 { "Zoom error -" } else { "Zoom error " })?;
                f.write_str(&crate::wire::decimal(n.unsigned_abs()))?;
                if let Some(name) = self.code().name() {
                    f.write_str(" ")?;
                    f.write_str(name)?;
                }
            }
            None => f.write_str("error")?,
        }
        if let Some(kind) = &self.kind {
            write!(f, " ({})", kind.as_str())?;
        }
        if !self.reason.is_empty() {
            write!(f, ": {}", self.reason)?;
        }
        write!(f, "; {}", self.classify().remedy.hint())
    }
}

impl std::error::Error for ZoomError {}

/// What a [`ZoomError`] means for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// Which part of the SDK the error comes from.
    pub category: Category,
    /// Whether doing the same thing again (later) can succeed.
    pub retryable: bool,
    /// What to do about it.
    pub remedy: Remedy,
}

impl Classification {
    const fn new(category: Category, retryable: bool, remedy: Remedy) -> Self {
        Classification {
            category,
            retryable,
            remedy,
        }
    }
}

/// The part of the SDK an error comes from (by Zoom's code ranges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[allow(missing_docs)] // each variant is the Zoom section of the same name
pub enum Category {
    Internal,
    Session,
    Client,
    Stream,
    Audio,
    Video,
    Share,
    RemoteControl,
    Chat,
    CommandChannel,
    Recording,
    Transcription,
    LiveStream,
    IncomingLiveStream,
    Subsession,
    Reaction,
    Summary,
    Qa,
    BroadcastStreaming,
    Whiteboard,
    RealTimeMediaStreams,
    VoiceTranslator,
    /// Not from Zoom: the driver or the app's token provider.
    Driver,
    /// A code zoomkit does not know.
    Unknown,
}

/// Who has to act on an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Actor {
    /// Nobody: zoomkit handles it, or there is nothing to do.
    Nobody,
    /// The person using the page.
    User,
    /// The session's host or a manager.
    Host,
    /// The developer integrating zoomkit (code, token, account settings).
    Developer,
    /// Zoom: report it.
    Zoom,
}

/// What to do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Remedy {
    /// Nothing: the state already is what was asked, or the operation was
    /// cancelled by a session change that zoomkit handles.
    None,
    /// Transient: try again later (zoomkit's rejoin policy does this for joins).
    RetryLater,
    /// A Zoom service issue: report it to Zoom with logs.
    ReportToZoom,
    /// The Video SDK JWT is wrong (signature, `tpc`, `role_type`, `exp`, session key).
    CheckToken,
    /// The token expired: fetch a new one (zoomkit does this before rejoining).
    RefreshToken,
    /// The session passcode is wrong: ask the user again.
    CheckPasscode,
    /// Only the host can change this (removed, locked, privilege, host setting).
    AskHost,
    /// The session has not started or the user is on hold: wait for the host.
    WaitForHost,
    /// The user is already in this or another session (another tab?).
    LeaveOtherSession,
    /// This browser or platform lacks what the feature needs.
    UseSupportedBrowser,
    /// `init`'s dependent assets could not be loaded: check the assets path.
    FixAssets,
    /// The SDK is reconnecting: wait (zoomkit queues media changes meanwhile).
    WaitForReconnection,
    /// Called at the wrong time (before join, twice): a bug in the integration.
    FixCallOrder,
    /// A parameter was invalid: a bug in the integration or bad input.
    FixParameters,
    /// Allow the camera, microphone or screen in the browser or OS settings.
    GrantPermission,
    /// Microphone capture failed: check permission, that no other app holds the
    /// microphone, and that one is connected.
    CheckMicrophone,
    /// No such device: connect one.
    ConnectDevice,
    /// The device is gone or unknown: pick another (zoomkit falls back itself).
    ChooseAnotherDevice,
    /// Another program holds the device: close it.
    CloseOtherApps,
    /// The feature is disabled for the account: enable it in the Zoom settings.
    EnableFeature,
    /// Another feature in progress conflicts: stop it first.
    StopConflictingFeature,
    /// Refresh the page.
    RefreshPage,
    /// A user gesture is needed: ask the user to click on the page.
    ClickToResume,
    /// The microphone is muted in the OS or browser: unmute it there.
    UnmuteInSystem,
    /// Close all browser windows and join again.
    RestartBrowser,
    /// WebGL rendering failed: check the canvas element and WebGL support.
    CheckWebGl,
    /// Screen share needs a browser extension (`extensionUrl`).
    InstallExtension,
}

impl Remedy {
    /// Who has to act.
    #[must_use]
    pub fn actor(self) -> Actor {
        match self {
            Remedy::None | Remedy::RetryLater | Remedy::RefreshToken => Actor::Nobody,
            Remedy::WaitForReconnection | Remedy::ChooseAnotherDevice => Actor::Nobody,
            Remedy::ReportToZoom => Actor::Zoom,
            Remedy::CheckToken
            | Remedy::FixAssets
            | Remedy::FixCallOrder
            | Remedy::FixParameters
            | Remedy::EnableFeature
            | Remedy::StopConflictingFeature
            | Remedy::CheckWebGl => Actor::Developer,
            Remedy::AskHost | Remedy::WaitForHost => Actor::Host,
            Remedy::CheckPasscode
            | Remedy::LeaveOtherSession
            | Remedy::UseSupportedBrowser
            | Remedy::GrantPermission
            | Remedy::CheckMicrophone
            | Remedy::ConnectDevice
            | Remedy::CloseOtherApps
            | Remedy::RefreshPage
            | Remedy::ClickToResume
            | Remedy::UnmuteInSystem
            | Remedy::RestartBrowser
            | Remedy::InstallExtension => Actor::User,
        }
    }

    /// A short English sentence saying what to do.
    #[must_use]
    pub fn hint(self) -> &'static str {
        match self {
            Remedy::None => "nothing to do",
            Remedy::RetryLater => "try again in a moment",
            Remedy::ReportToZoom => "a Zoom service issue: report it to Zoom with the logs",
            Remedy::CheckToken => {
                "check the Video SDK JWT: signature, tpc, role_type, exp and session key"
            }
            Remedy::RefreshToken => "fetch a new token from the token provider",
            Remedy::CheckPasscode => "the passcode is wrong: ask the user for it again",
            Remedy::AskHost => "only the host can allow this",
            Remedy::WaitForHost => "wait for the host",
            Remedy::LeaveOtherSession => {
                "the user is already in a session (another tab?): leave it first"
            }
            Remedy::UseSupportedBrowser => "this browser does not support it: use a supported one",
            Remedy::FixAssets => "the SDK's dependent assets could not be loaded: check their URL",
            Remedy::WaitForReconnection => "the session is reconnecting: wait",
            Remedy::FixCallOrder => "called at the wrong time: join first and call once",
            Remedy::FixParameters => "a parameter is invalid",
            Remedy::GrantPermission => "allow access in the browser and system settings",
            Remedy::CheckMicrophone => {
                "check the microphone: permission, another app using it, or none connected"
            }
            Remedy::ConnectDevice => "connect a device",
            Remedy::ChooseAnotherDevice => "choose another device",
            Remedy::CloseOtherApps => "another program is using the device: close it",
            Remedy::EnableFeature => "enable the feature in the Zoom account settings",
            Remedy::StopConflictingFeature => "stop the conflicting feature first",
            Remedy::RefreshPage => "refresh the page",
            Remedy::ClickToResume => "click on the page to resume",
            Remedy::UnmuteInSystem => "unmute the microphone in the system or browser settings",
            Remedy::RestartBrowser => "close all browser windows and join again",
            Remedy::CheckWebGl => "check the canvas element and WebGL support",
            Remedy::InstallExtension => "install the browser extension given in extensionUrl",
        }
    }
}

/// Facts about one known code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// Zoom's number.
    pub code: i64,
    /// Zoom's name (`SESSION_ENDED`).
    pub name: &'static str,
    /// Which part of the SDK.
    pub category: Category,
    /// Whether retrying can help.
    pub retryable: bool,
    /// What to do.
    pub remedy: Remedy,
}

impl ErrorCode {
    /// The typed code for a number.
    #[must_use]
    pub fn from_code(code: i64) -> Self {
        codes::CODES
            .iter()
            .position(|&c| i64::from(c) == code)
            .and_then(ErrorCode::variant)
            .unwrap_or(ErrorCode::Unknown(code))
    }

    /// Every known code with its facts, in numeric order.
    pub fn all() -> impl Iterator<Item = CodeInfo> {
        (0..codes::COUNT).map(row)
    }

    /// The facts about this code, if it is known.
    #[must_use]
    pub fn info(self) -> Option<CodeInfo> {
        self.index().map(row)
    }

    /// Zoom's number.
    #[must_use]
    pub fn code(self) -> i64 {
        match self {
            ErrorCode::Unknown(n) => n,
            known => known.index().map_or(0, |i| i64::from(codes::CODES[i])),
        }
    }

    /// Zoom's name, if known.
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        self.info().map(|i| i.name)
    }
}

/// Row `i` of the generated table.
fn row(i: usize) -> CodeInfo {
    let start = if i == 0 {
        0
    } else {
        usize::from(codes::NAME_ENDS[i - 1])
    };
    let (category, retryable, remedy) = codes::FACTS[i];
    CodeInfo {
        code: i64::from(codes::CODES[i]),
        name: codes::NAMES
            .get(start..usize::from(codes::NAME_ENDS[i]))
            .unwrap_or_default(),
        category,
        retryable,
        remedy,
    }
}

/// Misuse of the state machine: the call was refused and nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// `Join` while a session is already being joined or is in progress.
    #[error("already {state}: leave before joining again")]
    AlreadyActive {
        /// The current state's name.
        state: &'static str,
    },
    /// An operation that needs a session, while there is none.
    #[error("not in a session (state {state}): join first")]
    NotInSession {
        /// The current state's name.
        state: &'static str,
    },
    /// A join option is invalid.
    #[error("invalid {field}: {reason}")]
    InvalidOption {
        /// The option's name as Zoom calls it (`topic`, `userName`, `sessionPassword`).
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `leave(true)` by a participant the roster says is not the host.
    #[error("only the host can end the session for everyone: call leave() to leave it yourself")]
    HostOnly,
    /// `Done` for an id that was never issued or was already answered.
    #[error("no pending command {0}: each command is answered exactly once")]
    UnknownCommand(CommandId),
    /// `Done` with an output of the wrong kind for the command.
    #[error("command {id} ({op}) answered with the wrong output: expected {expected}")]
    WrongOutput {
        /// The command.
        id: CommandId,
        /// The operation's name.
        op: &'static str,
        /// The output kind it needs.
        expected: &'static str,
    },
    /// A device id that is not in the current list.
    #[error("no {kind} with id `{device_id}`: refresh the device list")]
    UnknownDevice {
        /// The kind of device.
        kind: DeviceKind,
        /// The id asked for.
        device_id: String,
    },
    /// A host or manager control (or a chat privilege change, or a
    /// recording control) by a participant the roster says lacks the role.
    #[error("only {needs} can {action}")]
    NotPermitted {
        /// What was asked, in words (`mute another participant`).
        action: &'static str,
        /// Who may.
        needs: crate::action::Needs,
    },
    /// A user id that is not in the session.
    #[error("no participant {user_id} in the session: pick one from participants()")]
    UnknownParticipant {
        /// The id asked for.
        user_id: crate::sdk::UserId,
    },
    /// The chat privilege the host set forbids this message.
    #[error("the host limited chat to `{privilege}`: this message cannot be sent")]
    ChatNotAllowed {
        /// The privilege in force.
        privilege: crate::chat::ChatPrivilege,
    },
    /// A recording control that does not fit the recording's status.
    #[error("cannot {action} while the recording is {status}")]
    RecordingState {
        /// What was asked, in words.
        action: &'static str,
        /// The status last reported (`Recording`, `Paused`, `Stopped`, ...).
        status: &'static str,
    },
    /// An answer to individual recording that nobody asked for.
    #[error("no individual-recording request to answer: wait for `individualRecordingChanged` with status `Ask`")]
    NoConsentAsked,
}

impl CoreError {
    /// A stable name for the refusal, as JS sees it in `error.code`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::AlreadyActive { .. } => "alreadyActive",
            CoreError::NotInSession { .. } => "notInSession",
            CoreError::InvalidOption { .. } => "invalidOption",
            CoreError::HostOnly => "hostOnly",
            CoreError::UnknownCommand(_) => "unknownCommand",
            CoreError::WrongOutput { .. } => "wrongOutput",
            CoreError::UnknownDevice { .. } => "unknownDevice",
            CoreError::NotPermitted {
                needs: crate::action::Needs::Host,
                ..
            } => "hostOnly",
            CoreError::NotPermitted { .. } => "hostOrManagerOnly",
            CoreError::UnknownParticipant { .. } => "unknownParticipant",
            CoreError::ChatNotAllowed { .. } => "chatNotAllowed",
            CoreError::RecordingState { .. } => "recordingState",
            CoreError::NoConsentAsked => "noConsentAsked",
        }
    }
}
