//! The lifecycle: token, init and join; leaving and ending; the session
//! timeouts (maximum duration, alone too long); and what entering
//! `connected` or a terminal state resets. Rejoining is [`super::rejoin`]'s.

use crate::command::{CommandId, CommandOutput, Op, TokenReason};
use crate::error::{CoreError, ErrorCode, ZoomError};
use crate::io::{Event, Output, StorageKey, StorageWrite};
use crate::state::{
    Cause, EndReason, LeaveGoal, LeaveOutcome, RejoinPhase, SessionError, State, StateName,
};
use crate::time::Instant;
use crate::token;

use super::options::JoinOptions;
use super::timer::{TimerKind, Timers};
use super::Session;

/// The token the last fetch gave. Dropped when it must not be used again
/// (the next rejoin attempt fetches a fresh one).
#[derive(Debug, Clone)]
pub(super) struct Token {
    value: String,
    expires_at: Option<Instant>,
}

/// The session Zoom ended for this code, if it is one of those.
pub(super) fn end_reason_for_code(code: ErrorCode) -> Option<EndReason> {
    match code {
        ErrorCode::SessionEnded => Some(EndReason::EndedByHost),
        ErrorCode::SessionUserRemoved | ErrorCode::SessionWebinarUserRemoved => {
            Some(EndReason::Removed)
        }
        _ => None,
    }
}

impl Session {
    pub(super) fn on_join(&mut self, opts: JoinOptions, cause: Cause) -> Result<(), CoreError> {
        let name = self.name();
        if !(name == StateName::Idle || name.is_terminal()) {
            return Err(CoreError::AlreadyActive {
                state: name.as_str(),
            });
        }
        opts.validate()?;
        self.resume.page_left = None;
        self.features.reset();
        let topic = opts.topic.clone();
        if self.join.as_ref().map(|j| &j.topic) != Some(&topic) {
            self.token = None;
        }
        self.join = Some(opts);
        self.first_connected = None;
        self.self_user = None;
        self.media.share.want = false;
        self.media.release_holds();
        self.transition(State::FetchingToken { since: self.now }, cause, None);
        self.issue(Op::FetchToken {
            topic,
            reason: TokenReason::Join,
        });
        Ok(())
    }

    pub(super) fn issue_join(&mut self) {
        let Some(opts) = self.join.clone() else {
            return;
        };
        let token = self
            .token
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_default();
        self.issue(Op::Join {
            topic: opts.topic,
            token,
            user_name: opts.user_name,
            session_password: opts.password,
            session_idle_timeout_mins: opts.session_idle_timeout_mins,
        });
        self.arm(TimerKind::Join, self.config.join_timeout);
    }

    /// Stores a fetched token; `Err` if it has already expired or is for
    /// another session.
    pub(super) fn accept_token(&mut self, value: String) -> Result<(), SessionError> {
        let expires_at = token::expiry(&value);
        if let Some(exp) = expires_at {
            if exp <= self.now {
                return Err(SessionError::TokenExpired { expired_at: exp });
            }
        }
        let topic = self.join.as_ref().map(|j| j.topic.as_str()).unwrap_or("");
        if let Some(tpc) = token::topic(&value) {
            if !token::topic_matches(&tpc, topic) {
                return Err(SessionError::TokenTopicMismatch {
                    token_topic: tpc,
                    topic: topic.to_owned(),
                });
            }
        }
        self.token = Some(Token { value, expires_at });
        Ok(())
    }

    /// Whether the token held can join again without a fetch: it expires
    /// after the margin and a whole join timeout from now.
    pub(super) fn token_usable(&self) -> bool {
        match &self.token {
            None => false,
            Some(Token {
                expires_at: Some(exp),
                ..
            }) => *exp > self.now + self.config.token_expiry_margin + self.config.join_timeout,
            Some(_) => true,
        }
    }

    pub(super) fn on_token(&mut self, result: Result<CommandOutput, ZoomError>) {
        match (self.name(), result) {
            (StateName::FetchingToken, Ok(CommandOutput::Token(value))) => {
                match self.accept_token(value) {
                    Err(error) => {
                        self.transition(State::Failed { error }, Cause::TokenFailed, None)
                    }
                    Ok(()) if self.initialised => {
                        self.transition(
                            State::Joining { since: self.now },
                            Cause::TokenFetched,
                            None,
                        );
                        self.issue_join();
                    }
                    Ok(()) => {
                        self.transition(
                            State::Initialising { since: self.now },
                            Cause::TokenFetched,
                            None,
                        );
                        self.issue(Op::Init);
                    }
                }
            }
            (StateName::FetchingToken, Err(error)) => self.fail(
                SessionError::Token {
                    error: error.clone(),
                },
                Cause::TokenFailed,
                error,
            ),
            (StateName::Rejoining, result) => self.on_rejoin_token(result),
            _ => {}
        }
    }

    /// Fails with `error`, whose Zoom error is `zoom`.
    pub(super) fn fail(&mut self, error: SessionError, cause: Cause, zoom: ZoomError) {
        self.transition(State::Failed { error }, cause, Some(zoom));
    }

    pub(super) fn on_init(&mut self, result: Result<CommandOutput, ZoomError>) {
        if self.name() != StateName::Initialising {
            return;
        }
        match result {
            Ok(_) => {
                self.initialised = true;
                self.transition(State::Joining { since: self.now }, Cause::Initialised, None);
                self.issue_join();
            }
            Err(error) => self.fail(
                SessionError::Init {
                    error: error.clone(),
                },
                Cause::InitFailed,
                error,
            ),
        }
    }

    pub(super) fn on_join_done(&mut self, result: Result<CommandOutput, ZoomError>) {
        self.disarm(TimerKind::Join);
        let rejoining = match &self.state {
            State::Joining { .. } => false,
            State::Rejoining {
                phase: RejoinPhase::Joining,
                ..
            } => true,
            _ => return,
        };
        match result {
            Ok(out) => {
                if let CommandOutput::Joined { user_id } = out {
                    self.self_user = user_id;
                }
                self.transition(State::Connected { since: self.now }, Cause::Joined, None);
            }
            Err(error) if !rejoining => self.fail(
                SessionError::Join {
                    error: error.clone(),
                },
                Cause::JoinFailed,
                error,
            ),
            Err(error) => self.on_rejoin_join_failed(error),
        }
    }

    pub(super) fn on_join_timeout(&mut self) {
        match &self.state {
            State::Joining { .. } => {
                self.cancel_all();
                let after = self.config.join_timeout;
                self.start_leave(
                    false,
                    LeaveGoal::Failed(SessionError::JoinTimedOut { after }),
                    Cause::JoinTimedOut,
                );
            }
            State::Rejoining {
                phase: RejoinPhase::Joining,
                ..
            } => self.on_rejoin_join_timeout(),
            _ => {}
        }
    }

    /// Cancels every pending command whose op `is`.
    pub(super) fn cancel_where(&mut self, is: fn(&Op) -> bool) {
        let ids: Vec<CommandId> = self
            .pending
            .iter()
            .filter(|(_, op)| is(op))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.cancel(id);
        }
    }

    pub(super) fn enter_connected(&mut self, from: StateName) {
        self.disarm(TimerKind::Failover);
        self.disarm(TimerKind::Rejoin);
        self.media.release_holds();
        if self.first_connected.is_none() {
            self.first_connected = Some(self.now);
            if let Some(max) = self.config.max_duration {
                self.arm(TimerKind::MaxDuration, max);
            }
        }
        if from != StateName::Reconnecting {
            // A new SDK session: ids may have rotated, read the lists again.
            self.request_list();
        }
        self.reconcile();
    }

    // ---- leave and end --------------------------------------------------

    pub(super) fn on_leave(&mut self, end: bool) -> Result<(), CoreError> {
        // The app's leave wins over a return from the page cache.
        self.resume.page_left = None;
        match &self.state {
            State::Idle | State::Left { .. } | State::Ended { .. } | State::Failed { .. } => {
                Err(CoreError::NotInSession {
                    state: self.name().as_str(),
                })
            }
            State::Leaving { .. } => Ok(()),
            _ if !self.sdk_may_hold_session() => {
                self.finish_leave_without_sdk(end);
                Ok(())
            }
            _ if end && self.known_not_host() => Err(CoreError::HostOnly),
            _ => {
                self.cancel_all();
                self.start_leave(end, LeaveGoal::Left { end }, Cause::UserLeft);
                Ok(())
            }
        }
    }

    /// Whether a join may have reached Zoom, so leaving must tell the SDK:
    /// not while fetching a token or initialising, nor while a rejoin waits.
    pub(super) fn sdk_may_hold_session(&self) -> bool {
        match &self.state {
            State::FetchingToken { .. } | State::Initialising { .. } => false,
            State::Rejoining { phase, .. } => {
                matches!(phase, RejoinPhase::Joining | RejoinPhase::Resetting)
            }
            _ => true,
        }
    }

    /// Freed without a leave: leave plainly, as `on_leave(false)` would, and
    /// do nothing where there is nothing to leave (idle, over, or a leave
    /// already in flight).
    pub(super) fn on_dispose(&mut self) {
        let name = self.name();
        if name == StateName::Idle || name.is_terminal() || name == StateName::Leaving {
            return;
        }
        // Refused only in the states just excluded.
        let _ = self.on_leave(false);
    }

    /// Whether the roster says the local user is not the host. Unknown (no
    /// self user yet, or not in the roster) is not "not host": Zoom decides.
    fn known_not_host(&self) -> bool {
        self.self_user
            .and_then(|id| self.roster.get(id))
            .is_some_and(|me| !me.is_host)
    }

    fn finish_leave_without_sdk(&mut self, end: bool) {
        self.cancel_all();
        self.transition(
            State::Left {
                outcome: LeaveOutcome::NotConnected,
                end_session: end,
            },
            Cause::UserLeft,
            None,
        );
    }

    pub(super) fn start_leave(&mut self, end: bool, goal: LeaveGoal, cause: Cause) {
        self.transition(
            State::Leaving {
                since: self.now,
                goal,
            },
            cause,
            None,
        );
        self.issue_leave(end);
    }

    /// `leave(end)`, within the leave timeout.
    pub(super) fn issue_leave(&mut self, end: bool) {
        self.issue(Op::Leave { end });
        self.arm(TimerKind::Leave, self.config.leave_timeout);
    }

    pub(super) fn finish_leave(&mut self, outcome: LeaveOutcome, cause: Cause) {
        self.cancel_all();
        let State::Leaving { goal, .. } = &self.state else {
            return;
        };
        let (state, error) = match goal.clone() {
            LeaveGoal::Ended(reason) => (State::Ended { reason }, None),
            LeaveGoal::Failed(error) => (State::Failed { error }, None),
            LeaveGoal::Left { end } => (
                State::Left {
                    outcome: outcome.clone(),
                    end_session: end,
                },
                None,
            ),
            LeaveGoal::EndRefused { error } => (
                State::Left {
                    outcome: outcome.clone(),
                    end_session: false,
                },
                Some(error),
            ),
        };
        let error = match outcome {
            LeaveOutcome::Rejected { error } => Some(error),
            _ => error,
        };
        self.transition(state, cause, error);
    }

    pub(super) fn on_leave_done(&mut self, result: Result<CommandOutput, ZoomError>) {
        match &self.state {
            State::Leaving { goal, .. } => {
                let ending = *goal == (LeaveGoal::Left { end: true });
                self.disarm(TimerKind::Leave);
                let outcome = match result {
                    Ok(_) => LeaveOutcome::Clean,
                    // Zoom refused to end the session (only the host may,
                    // and the roster did not say we were not): the SDK's
                    // session is still open, so leave it plainly instead.
                    Err(error) if ending => {
                        if let State::Leaving { goal, .. } = &mut self.state {
                            *goal = LeaveGoal::EndRefused { error };
                        }
                        self.issue_leave(false);
                        return;
                    }
                    Err(error) => LeaveOutcome::Rejected { error },
                };
                self.finish_leave(outcome, Cause::LeaveDone);
            }
            State::Rejoining { .. } => self.on_reset_done(false),
            _ => {}
        }
    }

    pub(super) fn on_leave_timeout(&mut self) {
        match &self.state {
            State::Leaving { .. } => {
                self.finish_leave(LeaveOutcome::TimedOut, Cause::LeaveTimedOut)
            }
            State::Rejoining { .. } => self.on_reset_done(true),
            _ => {}
        }
    }

    /// Ends the session without calling `leave` (the SDK already closed it,
    /// or no SDK call is in flight).
    pub(super) fn end_now(&mut self, reason: EndReason, error: Option<ZoomError>) {
        self.cancel_all();
        let cause = match reason {
            EndReason::EndedByHost => Cause::EndedByHost,
            EndReason::Removed => Cause::Removed,
            EndReason::MaxDuration | EndReason::Idle => Cause::SessionTimedOut,
        };
        self.transition(State::Ended { reason }, cause, error);
    }

    pub(super) fn on_session_timeout(&mut self, reason: EndReason) {
        let live = matches!(
            self.name(),
            StateName::Connected | StateName::Reconnecting | StateName::Rejoining
        );
        if !live {
            return;
        }
        if self.sdk_may_hold_session() {
            self.cancel_all();
            self.start_leave(false, LeaveGoal::Ended(reason), Cause::SessionTimedOut);
        } else {
            self.end_now(reason, None);
        }
    }

    /// Arms the idle timer while the local user is alone in the session,
    /// and disarms it when someone else is there.
    pub(super) fn update_idle_timer(&mut self) {
        let Some(idle) = self.config.idle_timeout else {
            return;
        };
        let alone = self.in_session() && self.others() == 0;
        match (alone, self.timers.get(TimerKind::Idle)) {
            (true, None) => self.arm(TimerKind::Idle, idle),
            (false, Some(_)) => self.disarm(TimerKind::Idle),
            _ => {}
        }
    }

    /// Nothing is in flight and no timer is armed in `left`, `ended` and
    /// `failed`; the session's media, participants and wishes start over.
    pub(super) fn enter_terminal(&mut self) {
        self.cancel_all();
        self.timers = Timers::default();
        self.media.release_holds();
        self.media.drop_checks();
        self.media.forget_wishes();
        self.set_actual_media_off();
        self.clear_roster();
        if self.resume.page_left.is_some() {
            // Left on `pagehide`: the next page resumes from the snapshot.
            self.resume.last = None;
        } else if self.resume.last.take().is_some() || self.config.resume_ttl.is_some() {
            self.out.push_back(Output::Storage(StorageWrite {
                key: StorageKey::Resume,
                value: None,
            }));
        }
    }

    /// The participants are gone (a new SDK session, or none).
    pub(super) fn clear_roster(&mut self) {
        if self.roster.clear() {
            self.emit(Event::ParticipantsCleared);
        }
        self.self_user = None;
    }
}
