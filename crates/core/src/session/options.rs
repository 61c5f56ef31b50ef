//! What the app passes to join, checked against the limits Zoom documents.

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::wire::{Decode, Encode};

/// What the app passes to join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct JoinOptions {
    /// `topic`: the session name, equal to the token's `tpc`.
    pub topic: String,
    /// `userName`.
    pub user_name: String,
    /// `sessionPassword`.
    #[serde(default)]
    pub password: Option<String>,
    /// `sessionIdleTimeoutMins` (applies when this user is the host).
    #[serde(default)]
    pub session_idle_timeout_mins: Option<u32>,
}

impl JoinOptions {
    /// Options with a topic and a user name.
    #[must_use]
    pub fn new(topic: impl Into<String>, user_name: impl Into<String>) -> Self {
        JoinOptions {
            topic: topic.into(),
            user_name: user_name.into(),
            password: None,
            session_idle_timeout_mins: None,
        }
    }

    /// With a session passcode.
    #[must_use]
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Checks the limits Zoom documents for `join` (`CLIENT_INVALID_JOIN_PARAMETER`).
    ///
    /// # Errors
    /// [`CoreError::InvalidOption`] naming the field.
    pub fn validate(&self) -> Result<(), CoreError> {
        let invalid = |field, reason| Err(CoreError::InvalidOption { field, reason });
        // `chars().all(..)`, not `trim().is_empty()`: trimming from both
        // ends brings a second UTF-8 decoder into the wasm.
        if self.topic.chars().all(char::is_whitespace) {
            return invalid("topic", "must not be empty");
        }
        if char_count(&self.topic) > 200 {
            return invalid("topic", "at most 200 characters");
        }
        if char_count(&self.user_name) > 200 {
            return invalid("userName", "at most 200 characters");
        }
        if let Some(p) = &self.password {
            if char_count(p) > 10 {
                return invalid("sessionPassword", "at most 10 characters");
            }
            if !p.bytes().all(|b| (b' '..=b'~').contains(&b)) {
                return invalid("sessionPassword", "printable ASCII only");
            }
        }
        if self.session_idle_timeout_mins == Some(0) {
            return invalid("sessionIdleTimeoutMins", "must be at least 1");
        }
        Ok(())
    }
}

/// The number of `char`s in `s`, as `s.chars().count()` gives it, without
/// the unrolled counter std uses for that (~0.8 KB of the wasm): every byte
/// that is not a UTF-8 continuation byte starts a `char`.
fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(opts: &JoinOptions) -> Option<&'static str> {
        match opts.validate() {
            Ok(()) => None,
            Err(CoreError::InvalidOption { reason, .. }) => Some(reason),
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn a_blank_topic_or_a_non_ascii_password_is_refused() {
        assert_eq!(
            reason(&JoinOptions::new(" \t\u{3000}", "Ada")),
            Some("must not be empty")
        );
        assert_eq!(reason(&JoinOptions::new(" a ", "Ada")), None);
        let opts = JoinOptions::new("t", "Ada");
        assert_eq!(reason(&opts.clone().password("pass word~")), None);
        assert_eq!(
            reason(&opts.clone().password("pässe")),
            Some("printable ASCII only")
        );
        assert_eq!(
            reason(&opts.password("\u{7f}")),
            Some("printable ASCII only")
        );
    }
}
