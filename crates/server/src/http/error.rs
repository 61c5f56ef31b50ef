//! Typed vendor errors: what a vendor said when it refused a call, read
//! tolerantly from whatever body it sent.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::Value;

/// The most characters of a vendor's message kept; longer ones are cut.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// The most field errors kept from one answer.
pub const MAX_FIELD_ERRORS: usize = 50;

/// The vendor's own error code, as it sent it.
///
/// Zoom sends a number in `code` (`124`, `300`, `3001`...); some of its
/// endpoints answer `{"status": false, "errorCode": ...}` instead, and the
/// code there may be a number or a string.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VendorCode {
    /// A numeric code (`3001`).
    Number(i64),
    /// A code sent as text (`"INVALID_TOKEN"`); kept verbatim, cut to
    /// [`MAX_MESSAGE_CHARS`].
    Text(String),
}

impl VendorCode {
    /// The numeric code, if it is one (a string of digits counts).
    #[must_use]
    pub fn as_number(&self) -> Option<i64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(t) => t.trim().parse().ok(),
        }
    }
}

impl fmt::Display for VendorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(t) => f.write_str(&redact(t)),
        }
    }
}

/// Which shape the error body had, so a caller (and a test) can tell a
/// vendor's structured answer from a proxy's HTML page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyShape {
    /// No body at all (or only whitespace).
    Empty,
    /// Zoom's usual `{"code": .., "message": .., "errors": [..]}`.
    CodeMessage,
    /// `{"status": false, "errorCode": .., "errorMessage"?: ..}`.
    StatusErrorCode,
    /// JSON, but neither shape above (no known field was found).
    OtherJson,
    /// Not JSON (an HTML error page, plain text, binary...). Its content is
    /// not kept: it may hold anything.
    NotJson,
    /// An OAuth 2.0 token-endpoint error `{error, error_description}`
    /// (RFC 6749 section 5.2); `code` is `error`.
    OAuth,
}

/// One field the vendor refused, from Zoom's `errors: [{field, message}]`.
#[derive(Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the vendor spelled it (`"start_time"`).
    pub field: String,
    /// Why, in the vendor's words (cut to [`MAX_MESSAGE_CHARS`]).
    pub message: String,
}

impl fmt::Debug for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldError")
            .field("field", &redact(&self.field))
            .field("message", &redact(&self.message))
            .finish()
    }
}

/// What the vendor said in an error answer's body.
///
/// Built by [`VendorError::parse`], which never fails and never panics:
/// whatever the bytes, the result says which [`BodyShape`] they had and
/// keeps every known field it could read. The vendor's message is kept
/// verbatim (cut to [`MAX_MESSAGE_CHARS`]) in [`message`](Self::message);
/// `Debug` and `Display` print it with anything that looks like an e-mail
/// address replaced by `<redacted>`, because Zoom echoes ids such as
/// "User does not exist: ada@example.com" and logs must not carry them.
///
/// ```
/// use zoomkit_server::http::{BodyShape, VendorCode, VendorError};
///
/// let body = br#"{"code":300,"message":"Validation Failed.","errors":[{"field":"start_time","message":"must be in the future"}]}"#;
/// let e = VendorError::parse(body);
/// assert_eq!(e.shape, BodyShape::CodeMessage);
/// assert_eq!(e.code, Some(VendorCode::Number(300)));
/// assert_eq!(e.errors[0].field, "start_time");
///
/// // Anything else is read as far as it goes, never a panic.
/// assert_eq!(VendorError::parse(b"<html>502 Bad Gateway</html>").shape, BodyShape::NotJson);
/// let e = VendorError::parse(br#"{"status":false,"errorCode":"124"}"#);
/// assert_eq!(e.code.and_then(|c| c.as_number()), Some(124));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct VendorError {
    /// The shape the body had.
    pub shape: BodyShape,
    /// The vendor's code, when it sent one.
    pub code: Option<VendorCode>,
    /// The vendor's message, verbatim but cut to [`MAX_MESSAGE_CHARS`].
    /// May hold personal data: do not log it, log [`VendorError`] itself.
    pub message: Option<String>,
    /// Field errors (at most [`MAX_FIELD_ERRORS`]; entries without a field
    /// name are kept with an empty one).
    pub errors: Vec<FieldError>,
}

impl VendorError {
    /// Reads an error body. Never fails: see [`BodyShape`].
    #[must_use]
    pub fn parse(body: &[u8]) -> Self {
        let empty = Self {
            shape: BodyShape::Empty,
            code: None,
            message: None,
            errors: Vec::new(),
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return empty;
        }
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Self {
                shape: if serde_json::from_slice::<Value>(body).is_ok() {
                    BodyShape::OtherJson
                } else {
                    BodyShape::NotJson
                },
                ..empty
            };
        };
        let code_of = |v: Option<&Value>| match v {
            Some(Value::Number(n)) => n.as_i64().map(VendorCode::Number),
            Some(Value::String(s)) if !s.is_empty() => Some(VendorCode::Text(cut(s))),
            _ => None,
        };
        let text_of = |v: Option<&Value>| match v {
            Some(Value::String(s)) => Some(cut(s)),
            _ => None,
        };
        let mut errors = Vec::new();
        if let Some(Value::Array(items)) = map.get("errors") {
            for item in items.iter().take(MAX_FIELD_ERRORS) {
                if let Value::Object(item) = item {
                    errors.push(FieldError {
                        field: text_of(item.get("field")).unwrap_or_default(),
                        message: text_of(item.get("message")).unwrap_or_default(),
                    });
                }
            }
        }
        let (shape, code, message) = if map.contains_key("code") || map.contains_key("message") {
            (
                BodyShape::CodeMessage,
                // Calendly sends `{title, message, details}`: its title
                // ("Resource Not Found") is the closest it has to a code.
                code_of(map.get("code")).or_else(|| code_of(map.get("title"))),
                text_of(map.get("message")),
            )
        } else if map.contains_key("errorCode") {
            (
                BodyShape::StatusErrorCode,
                code_of(map.get("errorCode")),
                text_of(map.get("errorMessage").or_else(|| map.get("message"))),
            )
        } else if let Some(Value::String(error)) = map.get("error") {
            // RFC 6749's token-endpoint error (`invalid_grant`, ...).
            (
                BodyShape::OAuth,
                Some(VendorCode::Text(cut(error))),
                text_of(map.get("error_description")),
            )
        } else {
            (BodyShape::OtherJson, None, None)
        };
        Self {
            shape,
            code,
            message,
            errors,
        }
    }

    /// The numeric vendor code, if any (`3001`).
    #[must_use]
    pub fn code_number(&self) -> Option<i64> {
        self.code.as_ref().and_then(VendorCode::as_number)
    }
}

impl fmt::Debug for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VendorError")
            .field("shape", &self.shape)
            .field("code", &self.code.as_ref().map(ToString::to_string))
            .field("message", &self.message.as_deref().map(redact))
            .field("errors", &self.errors)
            .finish()
    }
}

impl fmt::Display for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => write!(f, "code {c}: {}", redact(m))?,
            (Some(c), None) => write!(f, "code {c}")?,
            (None, Some(m)) => f.write_str(&redact(m))?,
            (None, None) => write!(f, "no vendor message ({:?} body)", self.shape)?,
        }
        for e in &self.errors {
            write!(f, "; {}: {}", redact(&e.field), redact(&e.message))?;
        }
        Ok(())
    }
}

/// Whether a failed call may be sent again, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retry {
    /// Sending it again cannot help (a 4xx other than 429) or is not safe
    /// (the request may have been acted on and is not idempotent).
    Never,
    /// May be sent again after a backoff of the caller's policy.
    Backoff,
    /// May be sent again at this time (from `Retry-After`).
    At(SystemTime),
    /// The key is paused (a daily cap) until this time: every call of the
    /// key fails fast until then.
    PausedUntil(SystemTime),
}

impl Retry {
    /// How long from `now` until a retry is allowed: `None` for
    /// [`Retry::Never`], zero for [`Retry::Backoff`] (the policy decides).
    #[must_use]
    pub fn wait_from(&self, now: SystemTime) -> Option<Duration> {
        match self {
            Self::Never => None,
            Self::Backoff => Some(Duration::ZERO),
            Self::At(t) | Self::PausedUntil(t) => {
                Some(t.duration_since(now).unwrap_or(Duration::ZERO))
            }
        }
    }
}

/// A vendor answered a call with an error status.
///
/// Keeps the HTTP status, what the vendor said ([`VendorError`]) and whether
/// and when the call may be sent again. Names the vendor and operation, never
/// a URL (query strings can carry ids), a token or a body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{vendor} {operation} answered HTTP {status}: {vendor_error} ({})", describe_retry(*.retry))]
pub struct StatusError {
    /// Which vendor (`"zoom"`).
    pub vendor: &'static str,
    /// The vendor's operation id (`"meetingCreate"`).
    pub operation: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What the body said.
    pub vendor_error: VendorError,
    /// Whether and when it may be retried.
    pub retry: Retry,
}

fn describe_retry(retry: Retry) -> String {
    match retry {
        Retry::Never => "not retryable".to_owned(),
        Retry::Backoff => "retryable after a backoff".to_owned(),
        Retry::At(t) => format!("retryable at {}", httpdate::fmt_http_date(t)),
        Retry::PausedUntil(t) => format!("paused until {}", httpdate::fmt_http_date(t)),
    }
}

/// Cuts `s` to [`MAX_MESSAGE_CHARS`] characters and drops control
/// characters, so a hostile body cannot forge log lines.
fn cut(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(MAX_MESSAGE_CHARS)
        .collect()
}

/// `s` with every whitespace-separated word holding an `@` (an e-mail
/// address, or something like one) replaced by `<redacted>`.
pub(crate) fn redact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str("<redacted>");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_code_message_errors() {
        let e = VendorError::parse(
            br#"{"code":300,"message":"Validation Failed.","errors":[{"field":"settings.approval_type","message":"Invalid field."},{"message":"no field"}, 7]}"#,
        );
        assert_eq!(e.shape, BodyShape::CodeMessage);
        assert_eq!(e.code_number(), Some(300));
        assert_eq!(e.message.as_deref(), Some("Validation Failed."));
        assert_eq!(e.errors.len(), 2);
        assert_eq!(e.errors[0].field, "settings.approval_type");
        assert_eq!(e.errors[1].field, "");
        assert_eq!(
            e.to_string(),
            "code 300: Validation Failed.; settings.approval_type: Invalid field.; : no field"
        );
    }

    #[test]
    fn status_error_code_shape() {
        let e = VendorError::parse(br#"{"status":false,"errorCode":4700,"errorMessage":"Invalid access token, does not contain scopes"}"#);
        assert_eq!(e.shape, BodyShape::StatusErrorCode);
        assert_eq!(e.code, Some(VendorCode::Number(4700)));
        assert!(e.message.unwrap().starts_with("Invalid access token"));
        let e = VendorError::parse(br#"{"status":false,"errorCode":"INVALID"}"#);
        assert_eq!(e.code, Some(VendorCode::Text("INVALID".into())));
        assert_eq!(e.code_number(), None);
    }

    #[test]
    fn oauth_and_calendly_shapes() {
        let e = VendorError::parse(br#"{"error":"invalid_grant","error_description":"spent"}"#);
        assert_eq!(e.shape, BodyShape::OAuth);
        assert_eq!(e.code, Some(VendorCode::Text("invalid_grant".into())));
        assert_eq!(e.message.as_deref(), Some("spent"));
        let c = VendorError::parse(br#"{"title":"Resource Not Found","message":"gone"}"#);
        assert_eq!(c.shape, BodyShape::CodeMessage);
        assert_eq!(c.code, Some(VendorCode::Text("Resource Not Found".into())));
        // An `error` that is not a string (Cal.com's object) is not OAuth's.
        let o = VendorError::parse(br#"{"status":"error","error":{"code":"X"}}"#);
        assert_eq!(o.shape, BodyShape::OtherJson);
    }

    #[test]
    fn other_bodies() {
        for (body, shape) in [
            (&b""[..], BodyShape::Empty),
            (b"  \n", BodyShape::Empty),
            (b"<html><body>502</body></html>", BodyShape::NotJson),
            (b"\xff\xfe", BodyShape::NotJson),
            (b"{\"code\": 3", BodyShape::NotJson),
            (b"[1,2]", BodyShape::OtherJson),
            (b"\"oops\"", BodyShape::OtherJson),
            (b"{\"reason\":\"x\"}", BodyShape::OtherJson),
        ] {
            let e = VendorError::parse(body);
            assert_eq!(e.shape, shape, "{body:?}");
            assert_eq!((e.code, e.message), (None, None), "{body:?}");
        }
        // A code that is not an integer is not invented.
        let e = VendorError::parse(br#"{"code":1.5,"message":7}"#);
        assert_eq!(
            (e.shape, e.code, e.message),
            (BodyShape::CodeMessage, None, None)
        );
        assert_eq!(
            VendorError::parse(b"").to_string(),
            "no vendor message (Empty body)"
        );
    }

    #[test]
    fn messages_are_cut_and_control_characters_dropped() {
        let long = format!(
            r#"{{"code":1,"message":"{}\nFAKE LOG LINE"}}"#,
            "a".repeat(2000)
        );
        let e = VendorError::parse(long.as_bytes());
        let m = e.message.unwrap();
        assert_eq!(m.chars().count(), MAX_MESSAGE_CHARS);
        assert!(!m.contains('\n'));
        let many = format!(
            r#"{{"errors":[{}]}}"#,
            vec![r#"{"field":"f","message":"m"}"#; 200].join(",")
        );
        assert_eq!(
            VendorError::parse(many.as_bytes()).errors.len(),
            MAX_FIELD_ERRORS
        );
    }

    #[test]
    fn e_mail_addresses_never_printed() {
        let e = VendorError::parse(
            br#"{"code":1001,"message":"User does not exist: ada@example.com.","errors":[{"field":"ada@example.com","message":"bob@example.com unknown"}]}"#,
        );
        // Kept for the caller...
        assert_eq!(
            e.message.as_deref(),
            Some("User does not exist: ada@example.com.")
        );
        // ...but not in what gets logged.
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("example.com"), "{shown}");
        assert!(shown.contains("User does not exist: <redacted>"), "{shown}");
        let status = StatusError {
            vendor: "zoom",
            operation: "meeting",
            status: 404,
            vendor_error: e,
            retry: Retry::Never,
        };
        let shown = format!("{status} {status:?}");
        assert!(!shown.contains("example.com"), "{shown}");
        assert!(
            shown.starts_with("zoom meeting answered HTTP 404: code 1001"),
            "{shown}"
        );
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_on_bytes(body in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let e = VendorError::parse(&body);
            let _ = (e.to_string(), format!("{e:?}"));
        }

        #[test]
        fn parse_never_panics_on_json_like(body in r#"\{("(code|message|errors|errorCode|status|field)"|[:,\[\]{}0-9.\-"a-z@ ]){0,40}\}?"#) {
            let e = VendorError::parse(body.as_bytes());
            proptest::prop_assert!(e.errors.len() <= MAX_FIELD_ERRORS);
            let shown = format!("{e} {e:?}");
            proptest::prop_assert!(!shown.split_whitespace().any(|w| w.contains('@')), "{}", shown);
        }
    }

    #[test]
    fn retry_wait() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        assert_eq!(Retry::Never.wait_from(now), None);
        assert_eq!(Retry::Backoff.wait_from(now), Some(Duration::ZERO));
        assert_eq!(
            Retry::At(now + Duration::from_secs(5)).wait_from(now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            Retry::PausedUntil(now - Duration::from_secs(5)).wait_from(now),
            Some(Duration::ZERO)
        );
    }
}
