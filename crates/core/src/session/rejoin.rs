//! Failover and rejoin: Zoom's own `Reconnecting`, the watchdog that
//! abandons a failover that hangs, and zoomkit's rejoin attempts by the
//! reconnect policy, paused while the browser is offline.
//!
//! Everything a rejoin knows is in [`State::Rejoining`]: the attempts
//! started, why (the last attempt's error, if it had one), and the phase.
//! A token that must not be used again is dropped, so the next attempt
//! fetches one.

use crate::command::{CommandOutput, Op, TokenReason};
use crate::error::{ErrorCode, Remedy, ZoomError};
use crate::io::Event;
use crate::policy::ReconnectContext;
use crate::sdk::{ConnectionChange, ConnectionReason, ConnectionState};
use crate::state::{
    Cause, EndReason, LeaveOutcome, RejoinPhase, RejoinReason, SessionError, State, StateName,
};
use crate::time::Instant;

use super::lifecycle::end_reason_for_code;
use super::timer::TimerKind;
use super::Session;

impl RejoinReason {
    /// The last attempt's error, if it failed with one.
    fn last_error(&self) -> Option<&ZoomError> {
        match self {
            RejoinReason::AttemptFailed { error } => Some(error),
            _ => None,
        }
    }
}

impl Session {
    pub(super) fn on_connection_change(&mut self, c: ConnectionChange) {
        let name = self.name();
        match c.state {
            ConnectionState::Reconnecting if name == StateName::Connected => {
                // The watchdog is for a failover that hangs; a breakout-room
                // move is Zoom's own and ends in `Connected` (or `Fail`).
                let moving = c
                    .reason
                    .as_ref()
                    .is_some_and(ConnectionReason::is_subsession_move);
                if let (Some(t), false) = (self.config.failover_timeout, moving) {
                    self.arm(TimerKind::Failover, t);
                }
                self.transition(
                    State::Reconnecting {
                        since: self.now,
                        reason: c.reason,
                    },
                    Cause::SdkReconnecting,
                    None,
                );
            }
            ConnectionState::Connected if name == StateName::Reconnecting => {
                self.transition(
                    State::Connected { since: self.now },
                    Cause::SdkReconnected,
                    None,
                );
            }
            ConnectionState::Closed | ConnectionState::Fail if name == StateName::Leaving => {
                self.disarm(TimerKind::Leave);
                self.finish_leave(LeaveOutcome::Clean, Cause::LeaveDone);
            }
            ConnectionState::Closed if self.in_session() => match c.reason {
                Some(ConnectionReason::EndedByHost) => self.end_now(EndReason::EndedByHost, None),
                Some(ConnectionReason::KickedByHost | ConnectionReason::ExpeledByHost) => {
                    self.end_now(EndReason::Removed, None);
                }
                _ => self.enter_rejoin(RejoinReason::ConnectionLost, false, Cause::SdkClosed),
            },
            ConnectionState::Fail if self.in_session() => self.on_connection_failed(c),
            _ => {}
        }
    }

    /// `connection-change: Fail` while in the session: end, fail, or rejoin
    /// by the code.
    fn on_connection_failed(&mut self, c: ConnectionChange) {
        let error = ZoomError {
            kind: None,
            reason: c
                .reason
                .as_ref()
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            error_code: c.error_code,
            extension_url: None,
        };
        if let Some(end) = end_reason_for_code(error.code()) {
            return self.end_now(end, Some(error));
        }
        let known = error.code().info().is_some();
        if known && !error.classify().retryable {
            self.fail(
                SessionError::Connection {
                    error: error.clone(),
                },
                Cause::SdkFailed,
                error,
            );
        } else {
            self.enter_rejoin(
                RejoinReason::SdkFailed {
                    error_code: c.error_code,
                },
                false,
                Cause::SdkFailed,
            );
        }
    }

    pub(super) fn on_failover_timeout(&mut self) {
        if self.name() == StateName::Reconnecting {
            self.enter_rejoin(
                RejoinReason::FailoverTimedOut,
                true,
                Cause::FailoverTimedOut,
            );
        }
    }

    /// From connected or reconnecting into rejoining: the SDK session is gone
    /// (or abandoned), so media and participants start over.
    fn enter_rejoin(&mut self, reason: RejoinReason, needs_reset: bool, cause: Cause) {
        self.cancel_all();
        self.disarm(TimerKind::Failover);
        self.disarm(TimerKind::Idle);
        self.media.release_holds();
        // getDisplayMedia needs a user gesture: sharing cannot be restored.
        self.media.share.want = false;
        self.set_actual_media_off();
        self.clear_roster();
        let since = self.now;
        if needs_reset {
            self.transition(
                State::Rejoining {
                    since,
                    attempt: 0,
                    reason,
                    phase: RejoinPhase::Resetting,
                },
                cause,
                None,
            );
            self.issue_leave(false);
            return;
        }
        match self.next_phase(0, &reason, since) {
            Some(phase) => {
                self.transition(
                    State::Rejoining {
                        since,
                        attempt: 0,
                        reason,
                        phase,
                    },
                    cause,
                    None,
                );
                self.announce_schedule();
            }
            None => self.transition(
                State::Failed {
                    error: SessionError::GaveUp {
                        attempts: 0,
                        last_error: None,
                    },
                },
                Cause::GaveUp,
                None,
            ),
        }
    }

    /// When the rejoin started and the attempts made, while rejoining.
    fn rejoin_progress(&self) -> Option<(Instant, u32)> {
        match self.state {
            State::Rejoining { since, attempt, .. } => Some((since, attempt)),
            _ => None,
        }
    }

    /// Asks the policy; arms the timer. `None` when it gives up.
    fn next_phase(
        &mut self,
        attempts: u32,
        reason: &RejoinReason,
        since: Instant,
    ) -> Option<RejoinPhase> {
        let ctx = ReconnectContext::new(
            attempts,
            self.now.saturating_since(since),
            reason.clone(),
            self.rng.next_unit(),
        );
        let delay = self.policy.next_delay(&ctx)?;
        let until = self.now + delay;
        if self.online {
            self.timers.set(TimerKind::Rejoin, Some(until));
            Some(RejoinPhase::Waiting { until })
        } else {
            Some(RejoinPhase::Offline)
        }
    }

    fn announce_schedule(&mut self) {
        if let State::Rejoining {
            phase: RejoinPhase::Waiting { until },
            attempt,
            ..
        } = &self.state
        {
            let (at, attempt) = (*until, *attempt + 1);
            self.emit(Event::RejoinScheduled { attempt, at });
        }
    }

    fn reset_then_schedule(&mut self, reason: RejoinReason, cause: Cause) {
        self.set_rejoin(reason, RejoinPhase::Resetting, cause);
        self.issue_leave(false);
    }

    fn schedule_rejoin(&mut self, reason: RejoinReason, cause: Cause) {
        let Some((since, attempts)) = self.rejoin_progress() else {
            return;
        };
        match self.next_phase(attempts, &reason, since) {
            Some(phase) => {
                self.set_rejoin(reason, phase, cause);
                self.announce_schedule();
            }
            None => {
                self.cancel_all();
                let last = reason.last_error().cloned();
                let error = SessionError::GaveUp {
                    attempts,
                    last_error: last.clone(),
                };
                self.transition(State::Failed { error }, Cause::GaveUp, last);
            }
        }
    }

    /// The next rejoin state, with the attempts made so far.
    fn set_rejoin(&mut self, reason: RejoinReason, phase: RejoinPhase, cause: Cause) {
        if let Some((_, attempt)) = self.rejoin_progress() {
            self.set_rejoin_attempt(attempt, reason, phase, cause);
        }
    }

    fn set_rejoin_attempt(
        &mut self,
        attempt: u32,
        reason: RejoinReason,
        phase: RejoinPhase,
        cause: Cause,
    ) {
        if let Some((since, _)) = self.rejoin_progress() {
            self.transition(
                State::Rejoining {
                    since,
                    attempt,
                    reason,
                    phase,
                },
                cause,
                None,
            );
        }
    }

    /// The same rejoin, in `phase`.
    fn set_rejoin_phase(&mut self, phase: RejoinPhase, cause: Cause) {
        if let State::Rejoining { reason, .. } = &self.state {
            let reason = reason.clone();
            self.set_rejoin(reason, phase, cause);
        }
    }

    fn waiting_to_rejoin(&self) -> bool {
        matches!(
            self.state,
            State::Rejoining {
                phase: RejoinPhase::Waiting { .. },
                ..
            }
        )
    }

    pub(super) fn on_rejoin_timer(&mut self) {
        if !self.waiting_to_rejoin() {
            return;
        }
        if self.online {
            self.start_attempt();
        } else {
            self.set_rejoin_phase(RejoinPhase::Offline, Cause::Offline);
        }
    }

    fn start_attempt(&mut self) {
        let State::Rejoining {
            attempt, reason, ..
        } = &self.state
        else {
            return;
        };
        let (attempt, reason) = (*attempt + 1, reason.clone());
        self.disarm(TimerKind::Rejoin);
        if self.token_usable() {
            self.set_rejoin_attempt(attempt, reason, RejoinPhase::Joining, Cause::RetryStarted);
            self.issue_join();
        } else {
            let topic = self
                .join
                .as_ref()
                .map(|j| j.topic.clone())
                .unwrap_or_default();
            self.set_rejoin_attempt(
                attempt,
                reason,
                RejoinPhase::FetchingToken,
                Cause::RetryStarted,
            );
            self.issue(Op::FetchToken {
                topic,
                reason: TokenReason::Refresh,
            });
        }
    }

    /// The token provider answered during a rejoin.
    pub(super) fn on_rejoin_token(&mut self, result: Result<CommandOutput, ZoomError>) {
        match result {
            Ok(CommandOutput::Token(value)) => match self.accept_token(value) {
                Err(error) => self.transition(State::Failed { error }, Cause::TokenFailed, None),
                Ok(()) => {
                    self.set_rejoin_phase(RejoinPhase::Joining, Cause::TokenFetched);
                    self.issue_join();
                }
            },
            Ok(_) => {}
            Err(error) => {
                self.token = None;
                self.schedule_rejoin(RejoinReason::AttemptFailed { error }, Cause::RetryScheduled);
            }
        }
    }

    /// A rejoin attempt's `join` rejected: end, reset, retry or fail by the code.
    pub(super) fn on_rejoin_join_failed(&mut self, error: ZoomError) {
        if let Some(end) = end_reason_for_code(error.code()) {
            return self.end_now(end, Some(error));
        }
        let class = error.classify();
        if error.code() == ErrorCode::ClientDuplicatedJoin {
            // The SDK still holds the old session: reset it first.
            self.reset_then_schedule(RejoinReason::AttemptFailed { error }, Cause::JoinFailed);
        } else if class.retryable || error.is_cancelled() {
            if class.remedy == Remedy::RefreshToken {
                self.token = None;
            }
            self.schedule_rejoin(RejoinReason::AttemptFailed { error }, Cause::RetryScheduled);
        } else {
            self.fail(
                SessionError::Join {
                    error: error.clone(),
                },
                Cause::JoinFailed,
                error,
            );
        }
    }

    /// A rejoin attempt's `join` did not settle in time: reset the SDK and
    /// schedule the next.
    pub(super) fn on_rejoin_join_timeout(&mut self) {
        self.cancel_where(|op| matches!(op, Op::Join { .. }));
        self.reset_then_schedule(RejoinReason::AttemptTimedOut, Cause::JoinTimedOut);
    }

    /// The reset before a rejoin settled (`leave` answered) or `timed_out`.
    pub(super) fn on_reset_done(&mut self, timed_out: bool) {
        let State::Rejoining {
            phase: RejoinPhase::Resetting,
            reason,
            ..
        } = &self.state
        else {
            return;
        };
        let reason = reason.clone();
        if timed_out {
            self.cancel_where(|op| matches!(op, Op::Leave { .. }));
        } else {
            self.disarm(TimerKind::Leave);
        }
        self.schedule_rejoin(reason, Cause::ResetDone);
    }

    pub(super) fn on_offline(&mut self) {
        self.online = false;
        if self.waiting_to_rejoin() {
            self.disarm(TimerKind::Rejoin);
            self.set_rejoin_phase(RejoinPhase::Offline, Cause::Offline);
        }
    }

    pub(super) fn on_online(&mut self) {
        self.online = true;
        if let State::Rejoining {
            phase: RejoinPhase::Waiting { .. } | RejoinPhase::Offline,
            ..
        } = self.state
        {
            self.start_attempt();
        }
    }

    /// The tab is visible again: a rejoin waiting out its backoff (timers
    /// are throttled in hidden tabs) starts now; a connected session reads
    /// the device lists again.
    pub(super) fn on_visible(&mut self) {
        match self.state {
            State::Rejoining { .. } if self.waiting_to_rejoin() && self.online => {
                self.start_attempt()
            }
            State::Connected { .. } => self.request_list(),
            _ => {}
        }
    }
}
