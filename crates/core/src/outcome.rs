//! How the app's promises settle and how a failure reads, decided here so
//! the glue only carries them out: a `join()` or `leave()` promise settles by
//! [`State::settle`], and a rejected one says [`State::failure`].
//!
//! ```
//! # use zoomkit_core::outcome::{Settle, Wait};
//! # use zoomkit_core::{EndReason, State, StateName};
//! let ended = State::Ended { reason: EndReason::EndedByHost };
//! assert_eq!(ended.settle(Wait::Leave), Settle::Resolve(StateName::Ended));
//! let Settle::Reject(failure) = ended.settle(Wait::Join) else { panic!() };
//! assert_eq!(failure.detail, "the host ended the session");
//! assert_eq!(State::Idle.settle(Wait::Join), Settle::Pending);
//! ```

use crate::error::{Classification, CoreError, ZoomError};
use crate::state::{EndReason, SessionError, State, StateName};
use crate::wire::decimal;

/// What an app's promise waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// `join()` (and `resume()`): connected, or the end of trying.
    Join,
    /// `leave()`: any terminal state.
    Leave,
}

/// How a waiting promise settles in a state.
#[derive(Debug, Clone, PartialEq)]
pub enum Settle {
    /// Not yet.
    Pending,
    /// Resolves with this state's name.
    Resolve(StateName),
    /// Rejects with this failure.
    Reject(Failure),
}

/// Why the session is not (or no longer) in progress, in words for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The state it is in.
    pub state: StateName,
    /// What happened, in a sentence without a full stop.
    pub detail: String,
    /// Zoom's own error behind it, if there is one.
    pub error: Option<ZoomError>,
    /// How a failure is classified ([`SessionError::classify`]): `None`
    /// when the session ended or was left rather than failed.
    pub classification: Option<Classification>,
}

impl State {
    /// How a promise waiting for `wait` settles now.
    #[must_use]
    pub fn settle(&self, wait: Wait) -> Settle {
        let name = self.name();
        match wait {
            Wait::Join if name == StateName::Connected => Settle::Resolve(name),
            Wait::Join if name.is_terminal() => Settle::Reject(self.failure()),
            Wait::Leave if name.is_terminal() => Settle::Resolve(name),
            Wait::Join | Wait::Leave => Settle::Pending,
        }
    }

    /// Whether a `join()` (or `resume()`) promise has something to wait for
    /// in this state: a session started and not over. After
    /// [`Input::Resume`](crate::Input::Resume), `false` means the snapshot
    /// was missing or stale and nothing was joined (`resume()` resolves
    /// `false` at once).
    ///
    /// ```
    /// # use zoomkit_core::{State, EndReason, Instant};
    /// assert!(!State::Idle.awaits_join());
    /// assert!(State::FetchingToken { since: Instant::EPOCH }.awaits_join());
    /// assert!(!State::Ended { reason: EndReason::Idle }.awaits_join());
    /// ```
    #[must_use]
    pub fn awaits_join(&self) -> bool {
        let name = self.name();
        name != StateName::Idle && !name.is_terminal()
    }

    /// This state as a failure: what happened and Zoom's error behind it.
    #[must_use]
    pub fn failure(&self) -> Failure {
        let (detail, error, classification) = match self {
            State::Failed { error } => (
                session_error_detail(error),
                error.zoom_error(),
                Some(error.classify()),
            ),
            State::Ended { reason } => (end_detail(*reason).to_owned(), None, None),
            // A join waiter sees this only when the app left while joining.
            State::Left { .. } => ("left before it connected".to_owned(), None, None),
            other => (other.name().as_str().to_owned(), None, None),
        };
        Failure {
            state: self.name(),
            detail,
            error: error.cloned(),
            classification,
        }
    }
}

/// How a `leave()` settles when the core refused
/// [`Input::Leave`](crate::Input::Leave): with no session to leave (idle,
/// left, ended, failed) leaving is idempotent, so it resolves with that
/// state's name (`Ok`); any other refusal rejects with it (`Err`).
///
/// ```
/// # use zoomkit_core::outcome::refused_leave;
/// # use zoomkit_core::CoreError;
/// assert_eq!(refused_leave(CoreError::NotInSession { state: "left" }), Ok("left"));
/// assert_eq!(refused_leave(CoreError::HostOnly), Err(CoreError::HostOnly));
/// ```
pub fn refused_leave(error: CoreError) -> Result<&'static str, CoreError> {
    match error {
        CoreError::NotInSession { state } => Ok(state),
        other => Err(other),
    }
}

fn session_error_detail(error: &SessionError) -> String {
    match error {
        SessionError::Token { .. } => "the token provider failed".to_owned(),
        SessionError::TokenExpired { .. } => {
            "the token provider returned an expired token".to_owned()
        }
        SessionError::TokenTopicMismatch { token_topic, topic } => {
            let mut s = String::from("the token provider returned a token for session `");
            for part in [token_topic.as_str(), "` (its `tpc`), not `", topic, "`"] {
                s.push_str(part);
            }
            s
        }
        SessionError::Init { .. } => "the SDK's init failed".to_owned(),
        SessionError::Join { .. } => "Zoom refused the join".to_owned(),
        SessionError::JoinTimedOut { .. } => "the join did not settle in time".to_owned(),
        SessionError::GaveUp { attempts, .. } => {
            let mut s = String::from("gave up rejoining after ");
            s.push_str(&decimal(u64::from(*attempts)));
            s.push_str(" attempts");
            s
        }
        SessionError::Connection { .. } => "the connection failed".to_owned(),
    }
}

fn end_detail(reason: EndReason) -> &'static str {
    match reason {
        EndReason::EndedByHost => "the host ended the session",
        EndReason::Removed => "the host removed you from the session",
        EndReason::MaxDuration => "the maximum session duration was reached",
        EndReason::Idle => "you were alone in the session for too long",
    }
}
