//! Typed errors for webhook verification and payload parsing.
//!
//! No variant carries a secret, a signature, a header value or a byte of the
//! body: only header *names*, fixed problem descriptions, lengths and
//! second counts. `Display` and `Debug` are therefore safe to log.

use std::fmt;

/// Why a delivery was refused. Every variant maps to a stable machine
/// [`reason`](VerifyError::reason) and an HTTP [`status`](VerifyError::status)
/// hint for the receiver's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the provider always sends is absent.
    #[error("the {header} header is missing; is this endpoint configured for the right provider?")]
    MissingHeader {
        /// The header's name, as the provider documents it.
        header: &'static str,
    },
    /// A header is present but not in the provider's format.
    #[error("the {header} header is malformed: {problem}")]
    MalformedHeader {
        /// The header's name, as the provider documents it.
        header: &'static str,
        /// What is wrong with it (a fixed description, never the value).
        problem: &'static str,
    },
    /// The signed timestamp is older than the replay window allows.
    #[error("the signed timestamp is {age_secs} s old, more than the {tolerance_secs} s allowed (a replay, or a clock far off)")]
    Stale {
        /// How far the timestamp lies before `now`.
        age_secs: u64,
        /// The configured replay window.
        tolerance_secs: u64,
    },
    /// The signed timestamp lies further ahead of `now` than the window allows.
    #[error("the signed timestamp is {ahead_secs} s in the future, more than the {tolerance_secs} s allowed (check this server's clock)")]
    FromTheFuture {
        /// How far the timestamp lies after `now`.
        ahead_secs: u64,
        /// The configured replay window.
        tolerance_secs: u64,
    },
    /// No configured secret produces the signature received.
    #[error("the signature does not match any configured secret")]
    BadSignature,
    /// The body is larger than the configured limit; nothing was verified.
    #[error("the body is larger than the {limit} byte limit")]
    BodyTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// Cal.com sent the literal `no-secret-provided`: the webhook has no
    /// secret. Refused unless the receiver was built with
    /// [`CalcomVerifier::without_signatures`](super::CalcomVerifier::without_signatures).
    #[error("the delivery is unsigned (no-secret-provided); set a secret on the Cal.com webhook, or opt out of signatures explicitly")]
    UnsignedRefused,
    /// The receiver opted out of signatures but the delivery carries one: the
    /// webhook has a secret this receiver does not know. Refused so that the
    /// misconfiguration shows instead of going unnoticed.
    #[error(
        "the delivery is signed but this receiver has no secret; configure the webhook's secret"
    )]
    SignatureNotExpected,
    /// The signature verified but the body is not the provider's envelope
    /// (not a JSON object, or no event name).
    #[error("the verified body is not a {provider} webhook envelope: {problem}")]
    MalformedBody {
        /// `zoom`, `calendly` or `calcom`.
        provider: &'static str,
        /// What is missing (a fixed description, never the body).
        problem: &'static str,
    },
}

impl VerifyError {
    /// A stable, machine-readable name for the failure, for JSON answers and
    /// metrics. These strings do not change between versions.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing_header",
            Self::MalformedHeader { .. } => "malformed_header",
            Self::Stale { .. } => "stale_timestamp",
            Self::FromTheFuture { .. } => "future_timestamp",
            Self::BadSignature => "bad_signature",
            Self::BodyTooLarge { .. } => "body_too_large",
            Self::UnsignedRefused => "unsigned_refused",
            Self::SignatureNotExpected => "signature_not_expected",
            Self::MalformedBody { .. } => "malformed_body",
        }
    }

    /// The HTTP status to answer with: 413 for [`VerifyError::BodyTooLarge`],
    /// 400 for a verified but malformed body, 401 for everything else.
    #[must_use]
    pub const fn status(&self) -> u16 {
        match self {
            Self::BodyTooLarge { .. } => 413,
            Self::MalformedBody { .. } => 400,
            _ => 401,
        }
    }
}

/// A list of secrets could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsError {
    /// The list holds no secret at all.
    #[error("no secret given; the list is empty")]
    Empty,
    /// An entry of the comma list is empty (e.g. `a,,b` or a trailing comma).
    #[error("secret number {position} of the comma list is empty")]
    EmptyEntry {
        /// 1-based position in the list.
        position: usize,
    },
}

/// A verified body does not have the shape its event requires.
///
/// Names the event and the JSON path of the field at fault; never the
/// field's value (payloads hold e-mail addresses).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{provider} {event}: {problem} at `{path}`")]
pub struct PayloadError {
    /// `zoom`, `calendly` or `calcom`.
    pub provider: &'static str,
    /// The event name from the envelope (`""` if it had none).
    pub event: String,
    /// Dotted JSON path, e.g. `payload.object.uuid` (`.` for the root).
    pub path: String,
    /// What is wrong there.
    pub problem: PayloadProblem,
}

/// What is wrong with a payload field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadProblem {
    /// A required field is absent; holds its name.
    MissingField(String),
    /// The field has the wrong type or an invalid value.
    InvalidValue,
    /// The body is not JSON at all.
    NotJson,
}

impl fmt::Display for PayloadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingField(name) => write!(f, "missing field `{name}`"),
            Self::InvalidValue => f.write_str("wrong type or invalid value"),
            Self::NotJson => f.write_str("not valid JSON"),
        }
    }
}

impl PayloadError {
    /// The full path of the field at fault: for a missing field, the
    /// container's path joined with the field's name
    /// (`payload.object.uuid`).
    #[must_use]
    pub fn field(&self) -> String {
        match &self.problem {
            PayloadProblem::MissingField(name) if self.path == "." => name.clone(),
            PayloadProblem::MissingField(name) => format!("{}.{name}", self.path),
            _ => self.path.clone(),
        }
    }
}
