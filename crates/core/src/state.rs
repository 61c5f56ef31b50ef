//! Session states, the causes of transitions, and the transition table.
//!
//! The table is data: [`TRANSITIONS`] lists every `(from, to, cause)` the
//! machine may take, [`transition_table_mermaid`] draws it, and the tests check
//! both that the machine never leaves it and that `STATES.md` matches it.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::error::{Classification, ZoomError};
use crate::sdk::ConnectionReason;
use crate::time::Instant;
use crate::wire::Encode;

/// The name of a state: stable strings for display and for the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Encode)]
#[serde(rename_all = "snake_case")]
pub enum StateName {
    /// Not joined, nothing in flight.
    Idle,
    /// Asking the app's token provider for a Video SDK JWT.
    FetchingToken,
    /// `client.init(...)` in flight.
    Initialising,
    /// `client.join(...)` in flight.
    Joining,
    /// In the session.
    Connected,
    /// Zoom's own failover (or a subsession move): participants and media are kept.
    Reconnecting,
    /// zoomkit's rejoin after `Fail` or a lost connection.
    Rejoining,
    /// `client.leave()` in flight.
    Leaving,
    /// Left by the user.
    Left,
    /// Ended by the host, by removal, or by a session timeout.
    Ended,
    /// Could not join, or gave up rejoining.
    Failed,
}

impl StateName {
    /// Every state, in lifecycle order.
    pub const ALL: [StateName; 11] = [
        StateName::Idle,
        StateName::FetchingToken,
        StateName::Initialising,
        StateName::Joining,
        StateName::Connected,
        StateName::Reconnecting,
        StateName::Rejoining,
        StateName::Leaving,
        StateName::Left,
        StateName::Ended,
        StateName::Failed,
    ];

    /// A stable snake_case name (`"connected"`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StateName::Idle => "idle",
            StateName::FetchingToken => "fetching_token",
            StateName::Initialising => "initialising",
            StateName::Joining => "joining",
            StateName::Connected => "connected",
            StateName::Reconnecting => "reconnecting",
            StateName::Rejoining => "rejoining",
            StateName::Leaving => "leaving",
            StateName::Left => "left",
            StateName::Ended => "ended",
            StateName::Failed => "failed",
        }
    }

    /// True for `left`, `ended` and `failed`: nothing is in flight and no
    /// timer is armed until the app joins again.
    #[must_use]
    pub fn is_terminal(self) -> bool {
        matches!(self, StateName::Left | StateName::Ended | StateName::Failed)
    }
}

impl std::fmt::Display for StateName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a transition happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Encode)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cause {
    /// The app asked to join.
    Join,
    /// The app resumed from a stored snapshot after a page refresh.
    Resume,
    /// The token provider answered.
    TokenFetched,
    /// The token provider failed, or gave an expired token.
    TokenFailed,
    /// `init` resolved.
    Initialised,
    /// `init` rejected.
    InitFailed,
    /// `join` resolved.
    Joined,
    /// `join` rejected.
    JoinFailed,
    /// `join` did not settle within the join timeout.
    JoinTimedOut,
    /// `connection-change: Reconnecting`.
    SdkReconnecting,
    /// `connection-change: Connected` after reconnecting.
    SdkReconnected,
    /// `connection-change: Fail`.
    SdkFailed,
    /// `connection-change: Closed` without a host reason.
    SdkClosed,
    /// The host ended the session (`ended by host`, or 4004 `SESSION_ENDED`).
    EndedByHost,
    /// The host removed the user (`kicked by host`, `expeled by host`, 3009).
    Removed,
    /// Zoom's failover lasted longer than the failover timeout.
    FailoverTimedOut,
    /// A rejoin attempt was scheduled after a delay.
    RetryScheduled,
    /// A rejoin attempt started (delay elapsed, or back online).
    RetryStarted,
    /// The SDK was reset (`leave`) before rejoining.
    ResetDone,
    /// The browser went offline: attempts paused.
    Offline,
    /// The policy gave up.
    GaveUp,
    /// The app asked to leave.
    UserLeft,
    /// The page was hidden for good or for the back/forward cache
    /// (`pagehide`), and [`Config::leave_on_page_hide`](crate::Config::leave_on_page_hide) is set.
    PageHidden,
    /// The maximum duration or the idle timeout was reached.
    SessionTimedOut,
    /// `leave` settled (or the SDK reported `Closed` while leaving).
    LeaveDone,
    /// `leave` did not settle within the leave timeout.
    LeaveTimedOut,
}

impl Cause {
    /// A stable snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Join => "join",
            Cause::Resume => "resume",
            Cause::TokenFetched => "token_fetched",
            Cause::TokenFailed => "token_failed",
            Cause::Initialised => "initialised",
            Cause::InitFailed => "init_failed",
            Cause::Joined => "joined",
            Cause::JoinFailed => "join_failed",
            Cause::JoinTimedOut => "join_timed_out",
            Cause::SdkReconnecting => "sdk_reconnecting",
            Cause::SdkReconnected => "sdk_reconnected",
            Cause::SdkFailed => "sdk_failed",
            Cause::SdkClosed => "sdk_closed",
            Cause::EndedByHost => "ended_by_host",
            Cause::Removed => "removed",
            Cause::FailoverTimedOut => "failover_timed_out",
            Cause::RetryScheduled => "retry_scheduled",
            Cause::RetryStarted => "retry_started",
            Cause::ResetDone => "reset_done",
            Cause::Offline => "offline",
            Cause::GaveUp => "gave_up",
            Cause::UserLeft => "user_left",
            Cause::PageHidden => "page_hidden",
            Cause::SessionTimedOut => "session_timed_out",
            Cause::LeaveDone => "leave_done",
            Cause::LeaveTimedOut => "leave_timed_out",
        }
    }
}

/// One allowed transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Encode)]
pub struct Transition {
    /// From this state.
    pub from: StateName,
    /// To this state.
    pub to: StateName,
    /// Because of this.
    pub cause: Cause,
}

macro_rules! table {
    ($($from:ident -> $to:ident : $($cause:ident)|+ ;)*) => {
        &[$($(Transition { from: StateName::$from, to: StateName::$to, cause: Cause::$cause },)+)*]
    };
}

/// Every transition the session may take.
pub const TRANSITIONS: &[Transition] = table! {
    Idle -> FetchingToken: Join | Resume;
    Left -> FetchingToken: Join | Resume;
    Ended -> FetchingToken: Join | Resume;
    Failed -> FetchingToken: Join | Resume;

    FetchingToken -> Initialising: TokenFetched;
    FetchingToken -> Joining: TokenFetched;
    FetchingToken -> Failed: TokenFailed;
    FetchingToken -> Left: UserLeft | PageHidden;

    Initialising -> Joining: Initialised;
    Initialising -> Failed: InitFailed;
    Initialising -> Left: UserLeft | PageHidden;

    Joining -> Connected: Joined;
    Joining -> Failed: JoinFailed;
    Joining -> Leaving: JoinTimedOut | UserLeft | PageHidden;

    Connected -> Reconnecting: SdkReconnecting;
    Connected -> Rejoining: SdkFailed | SdkClosed;
    Connected -> Ended: EndedByHost | Removed;
    Connected -> Failed: SdkFailed | GaveUp;
    Connected -> Leaving: UserLeft | SessionTimedOut | PageHidden;

    Reconnecting -> Connected: SdkReconnected;
    Reconnecting -> Rejoining: SdkFailed | SdkClosed | FailoverTimedOut;
    Reconnecting -> Ended: EndedByHost | Removed;
    Reconnecting -> Failed: SdkFailed | GaveUp;
    Reconnecting -> Leaving: UserLeft | SessionTimedOut | PageHidden;

    Rejoining -> Rejoining: RetryScheduled | RetryStarted | ResetDone | TokenFetched | Offline | JoinTimedOut | JoinFailed;
    Rejoining -> Connected: Joined;
    Rejoining -> Ended: EndedByHost | Removed | SessionTimedOut;
    Rejoining -> Failed: JoinFailed | TokenFailed | GaveUp;
    Rejoining -> Leaving: UserLeft | SessionTimedOut | PageHidden;
    Rejoining -> Left: UserLeft | PageHidden;

    Leaving -> Left: LeaveDone | LeaveTimedOut;
    Leaving -> Ended: LeaveDone | LeaveTimedOut;
    Leaving -> Failed: LeaveDone | LeaveTimedOut;
};

/// The transition table.
#[must_use]
pub fn transition_table() -> &'static [Transition] {
    TRANSITIONS
}

/// True if `(from, to, cause)` is in the table.
#[must_use]
pub fn is_allowed(from: StateName, to: StateName, cause: Cause) -> bool {
    TRANSITIONS
        .iter()
        .any(|t| t.from == from && t.to == to && t.cause == cause)
}

/// The table as a Mermaid `stateDiagram-v2` (one edge per `from -> to`, causes
/// joined with `, `). `STATES.md` holds this text; a test keeps them equal.
#[must_use]
pub fn transition_table_mermaid() -> String {
    let mut s = String::from("stateDiagram-v2\n    [*] --> idle\n");
    let mut edges: Vec<(StateName, StateName, Vec<&str>)> = Vec::new();
    for t in TRANSITIONS {
        match edges.iter_mut().find(|e| e.0 == t.from && e.1 == t.to) {
            Some(e) => e.2.push(t.cause.as_str()),
            None => edges.push((t.from, t.to, vec![t.cause.as_str()])),
        }
    }
    for (from, to, causes) in edges {
        let _ = writeln!(s, "    {from} --> {to}: {}", causes.join(", "));
    }
    for end in [StateName::Left, StateName::Ended, StateName::Failed] {
        let _ = writeln!(s, "    {end} --> [*]");
    }
    s
}

/// Why a rejoin was needed (or why the last attempt failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
#[non_exhaustive]
pub enum RejoinReason {
    /// `connection-change: Fail`.
    SdkFailed {
        /// Zoom's `errorCode`, if given.
        error_code: Option<i64>,
    },
    /// `connection-change: Closed` that nobody asked for.
    ConnectionLost,
    /// Zoom's failover did not finish within the failover timeout.
    FailoverTimedOut,
    /// The last attempt failed with this error.
    AttemptFailed {
        /// The error.
        error: ZoomError,
    },
    /// The last attempt's join did not settle in time.
    AttemptTimedOut,
}

/// Where a rejoin is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum RejoinPhase {
    /// `leave` in flight to reset the SDK before joining again.
    Resetting,
    /// Waiting for the next attempt.
    Waiting {
        /// When it starts.
        until: Instant,
    },
    /// Waiting for the browser to be online again.
    Offline,
    /// Fetching a fresh token.
    FetchingToken,
    /// `join` in flight.
    Joining,
}

/// Why the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum EndReason {
    /// The host ended the session.
    EndedByHost,
    /// The host removed this user.
    Removed,
    /// [`Config::max_duration`](crate::Config) was reached.
    MaxDuration,
    /// [`Config::idle_timeout`](crate::Config): alone in the session that long.
    Idle,
}

/// How a leave went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum LeaveOutcome {
    /// No SDK session was open (token, init or a rejoin wait): the pending
    /// steps were cancelled.
    NotConnected,
    /// `leave` resolved or the SDK reported `Closed`.
    Clean,
    /// `leave` rejected; the SDK's session is gone or unusable anyway.
    Rejected {
        /// Zoom's error.
        error: ZoomError,
    },
    /// `leave` did not settle within the leave timeout.
    TimedOut,
}

/// Where a leave leads: the state after [`State::Leaving`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeaveGoal {
    /// `left`: the app's leave, or the page's (`pagehide`).
    Left {
        /// The app asked to end the session for everyone.
        end: bool,
    },
    /// `left`: Zoom refused to end the session for everyone (only the host
    /// may), so the session is left plainly; the final transition carries
    /// the refusal.
    EndRefused {
        /// Zoom's refusal of `leave(true)`.
        error: ZoomError,
    },
    /// `ended`: a session timeout.
    Ended(EndReason),
    /// `failed`: the join did not settle in time.
    Failed(SessionError),
}

/// Why the session failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
#[non_exhaustive]
pub enum SessionError {
    /// The app's token provider failed.
    Token {
        /// Its error.
        error: ZoomError,
    },
    /// The token provider returned a token that has already expired.
    TokenExpired {
        /// The token's `exp`.
        expired_at: Instant,
    },
    /// The token provider returned a token for another session: its `tpc`
    /// is not the topic being joined (Zoom would refuse the join with a
    /// less helpful error).
    TokenTopicMismatch {
        /// The token's `tpc`.
        token_topic: String,
        /// The topic being joined.
        topic: String,
    },
    /// `init` rejected.
    Init {
        /// Zoom's error.
        error: ZoomError,
    },
    /// `join` rejected.
    Join {
        /// Zoom's error.
        error: ZoomError,
    },
    /// `join` did not settle within the join timeout.
    JoinTimedOut {
        /// The timeout (milliseconds in JSON).
        #[serde(with = "crate::quality::millis")]
        after: Duration,
    },
    /// `connection-change: Fail` with a code that rejoining cannot fix.
    Connection {
        /// Zoom's error (no type; code and reason from the event).
        error: ZoomError,
    },
    /// The reconnect policy gave up.
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error, if it had one.
        last_error: Option<ZoomError>,
    },
}

impl SessionError {
    /// The Zoom error behind this, if there is one.
    #[must_use]
    pub fn zoom_error(&self) -> Option<&ZoomError> {
        match self {
            SessionError::Token { error }
            | SessionError::Init { error }
            | SessionError::Join { error }
            | SessionError::Connection { error } => Some(error),
            SessionError::GaveUp { last_error, .. } => last_error.as_ref(),
            SessionError::TokenExpired { .. }
            | SessionError::TokenTopicMismatch { .. }
            | SessionError::JoinTimedOut { .. } => None,
        }
    }

    /// Category, whether retrying can help, and what to do.
    #[must_use]
    pub fn classify(&self) -> Classification {
        use crate::error::{Category, Remedy};
        match self {
            SessionError::TokenExpired { .. } | SessionError::TokenTopicMismatch { .. } => {
                Classification {
                    category: Category::Driver,
                    retryable: false,
                    remedy: Remedy::CheckToken,
                }
            }
            SessionError::JoinTimedOut { .. }
            | SessionError::GaveUp {
                last_error: None, ..
            } => Classification {
                category: Category::Session,
                retryable: true,
                remedy: Remedy::RetryLater,
            },
            other => other
                .zoom_error()
                .map(ZoomError::classify)
                .unwrap_or(Classification {
                    category: Category::Unknown,
                    retryable: false,
                    remedy: Remedy::ReportToZoom,
                }),
        }
    }
}

/// The session's state, with the data valid in it. In JSON, `state` is the
/// [`StateName`] (`"fetching_token"`) and fields are camelCase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Encode)]
#[serde(
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    tag = "state"
)]
#[non_exhaustive]
pub enum State {
    /// Not joined.
    Idle,
    /// Asking the token provider.
    FetchingToken {
        /// Since when.
        since: Instant,
    },
    /// `init` in flight.
    Initialising {
        /// Since when.
        since: Instant,
    },
    /// `join` in flight.
    Joining {
        /// Since when.
        since: Instant,
    },
    /// In the session.
    Connected {
        /// Since when (this connection).
        since: Instant,
    },
    /// Zoom's failover or a subsession move.
    Reconnecting {
        /// Since when.
        since: Instant,
        /// Zoom's reason.
        reason: Option<ConnectionReason>,
    },
    /// zoomkit's rejoin.
    Rejoining {
        /// When the connection was lost.
        since: Instant,
        /// Attempts started so far.
        attempt: u32,
        /// Why.
        reason: RejoinReason,
        /// Where the rejoin is.
        phase: RejoinPhase,
    },
    /// `leave` in flight.
    Leaving {
        /// Since when.
        since: Instant,
        /// Where the leave leads. Not in the JSON: the app reads it in the
        /// state that follows.
        #[serde(skip)]
        goal: LeaveGoal,
    },
    /// Left by the user.
    Left {
        /// How the leave went.
        outcome: LeaveOutcome,
        /// Whether the user asked to end the session for everyone.
        end_session: bool,
    },
    /// Ended.
    Ended {
        /// Why.
        reason: EndReason,
    },
    /// Failed.
    Failed {
        /// Why.
        error: SessionError,
    },
}

impl State {
    /// The state's name.
    #[must_use]
    pub fn name(&self) -> StateName {
        match self {
            State::Idle => StateName::Idle,
            State::FetchingToken { .. } => StateName::FetchingToken,
            State::Initialising { .. } => StateName::Initialising,
            State::Joining { .. } => StateName::Joining,
            State::Connected { .. } => StateName::Connected,
            State::Reconnecting { .. } => StateName::Reconnecting,
            State::Rejoining { .. } => StateName::Rejoining,
            State::Leaving { .. } => StateName::Leaving,
            State::Left { .. } => StateName::Left,
            State::Ended { .. } => StateName::Ended,
            State::Failed { .. } => StateName::Failed,
        }
    }
}

/// Samples of every [`State`] as JS reads them (`session.stateDetail()`),
/// written to `tests/fixtures/states.json`; `cargo xtask types` checks the
/// package's `SessionStateDetail` TypeScript union against them with `tsc`.
#[cfg(test)]
mod state_samples {
    use super::*;
    use crate::error::ErrorType;

    /// Exhaustive on purpose: a new state, rejoin phase, error or outcome
    /// does not compile until it is named here, and then wants a sample.
    fn covered(s: &State) -> &'static str {
        match s {
            State::Idle => "idle",
            State::FetchingToken { .. } => "fetchingToken",
            State::Initialising { .. } => "initialising",
            State::Joining { .. } => "joining",
            State::Connected { .. } => "connected",
            State::Reconnecting { .. } => "reconnecting",
            State::Rejoining { phase, reason, .. } => {
                match phase {
                    RejoinPhase::Resetting
                    | RejoinPhase::Waiting { .. }
                    | RejoinPhase::Offline
                    | RejoinPhase::FetchingToken
                    | RejoinPhase::Joining => {}
                }
                match reason {
                    RejoinReason::SdkFailed { .. }
                    | RejoinReason::ConnectionLost
                    | RejoinReason::FailoverTimedOut
                    | RejoinReason::AttemptFailed { .. }
                    | RejoinReason::AttemptTimedOut => {}
                }
                "rejoining"
            }
            State::Leaving { .. } => "leaving",
            State::Left { outcome, .. } => {
                match outcome {
                    LeaveOutcome::NotConnected
                    | LeaveOutcome::Clean
                    | LeaveOutcome::Rejected { .. }
                    | LeaveOutcome::TimedOut => {}
                }
                "left"
            }
            State::Ended { reason } => {
                match reason {
                    EndReason::EndedByHost
                    | EndReason::Removed
                    | EndReason::MaxDuration
                    | EndReason::Idle => {}
                }
                "ended"
            }
            State::Failed { error } => {
                match error {
                    SessionError::Token { .. }
                    | SessionError::TokenExpired { .. }
                    | SessionError::TokenTopicMismatch { .. }
                    | SessionError::Init { .. }
                    | SessionError::Join { .. }
                    | SessionError::JoinTimedOut { .. }
                    | SessionError::Connection { .. }
                    | SessionError::GaveUp { .. } => {}
                }
                "failed"
            }
        }
    }

    fn samples() -> Vec<State> {
        let t = Instant::from_millis(1_700_000_000_000);
        let zoom = ZoomError::new(
            ErrorType::InvalidOperation,
            200,
            "fetch meeting info failed",
        );
        let mut out = vec![
            State::Idle,
            State::FetchingToken { since: t },
            State::Initialising { since: t },
            State::Joining { since: t },
            State::Connected { since: t },
            State::Reconnecting {
                since: t,
                reason: Some(ConnectionReason::Failover),
            },
            State::Reconnecting {
                since: t,
                reason: None,
            },
            State::Leaving {
                since: t,
                goal: LeaveGoal::Left { end: false },
            },
        ];
        let reasons = [
            RejoinReason::SdkFailed {
                error_code: Some(1),
            },
            RejoinReason::SdkFailed { error_code: None },
            RejoinReason::ConnectionLost,
            RejoinReason::FailoverTimedOut,
            RejoinReason::AttemptFailed {
                error: zoom.clone(),
            },
            RejoinReason::AttemptTimedOut,
        ];
        let phases = [
            RejoinPhase::Resetting,
            RejoinPhase::Waiting { until: t },
            RejoinPhase::Offline,
            RejoinPhase::FetchingToken,
            RejoinPhase::Joining,
        ];
        for (i, reason) in reasons.iter().enumerate() {
            for phase in &phases {
                out.push(State::Rejoining {
                    since: t,
                    attempt: u32::try_from(i).unwrap_or(0) + 1,
                    reason: reason.clone(),
                    phase: phase.clone(),
                });
            }
        }
        for outcome in [
            LeaveOutcome::NotConnected,
            LeaveOutcome::Clean,
            LeaveOutcome::Rejected {
                error: zoom.clone(),
            },
            LeaveOutcome::TimedOut,
        ] {
            for end_session in [false, true] {
                out.push(State::Left {
                    outcome: outcome.clone(),
                    end_session,
                });
            }
        }
        for reason in [
            EndReason::EndedByHost,
            EndReason::Removed,
            EndReason::MaxDuration,
            EndReason::Idle,
        ] {
            out.push(State::Ended { reason });
        }
        for error in [
            SessionError::Token {
                error: zoom.clone(),
            },
            SessionError::TokenExpired { expired_at: t },
            SessionError::TokenTopicMismatch {
                token_topic: "standup".into(),
                topic: "retro".into(),
            },
            SessionError::Init {
                error: zoom.clone(),
            },
            SessionError::Join {
                error: zoom.clone(),
            },
            SessionError::JoinTimedOut {
                after: Duration::from_secs(30),
            },
            SessionError::Connection {
                error: zoom.clone(),
            },
            SessionError::GaveUp {
                attempts: 10,
                last_error: Some(zoom.clone()),
            },
            SessionError::GaveUp {
                attempts: 10,
                last_error: None,
            },
        ] {
            out.push(State::Failed { error });
        }
        out
    }

    #[test]
    fn every_state_has_a_sample_and_the_fixture_is_current() {
        let samples = samples();
        for name in StateName::ALL {
            assert!(
                samples.iter().any(|s| s.name() == name),
                "no sample of `{name}`"
            );
        }
        let json: Vec<_> = samples
            .iter()
            .map(|s| {
                let _ = covered(s);
                serde_json::to_value(s).expect("states serialise")
            })
            .collect();
        crate::fixture::check("states.json", &json, "state_samples");
    }
}
