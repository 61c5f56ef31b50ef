//! The session's side of [`Action`]s (chat, host controls, recording) and
//! their SDK events: the hooks that feed the sub-machines in
//! [`chat`](crate::chat), [`host`](crate::host) and
//! [`recording`](crate::recording) with what the session knows (its state,
//! the local user's role, the roster), issue their commands and tell their
//! events. The decisions themselves live in those modules.

use crate::action::{Action, FeatureSdkEvent, Role, Standing};
use crate::chat::Chat;
use crate::command::{CommandId, CommandOutput, Op};
use crate::error::{CoreError, ZoomError};
use crate::host::SharePrivilege;
use crate::io::Event;
use crate::recording::Recording;
use crate::sdk::UserId;
use crate::share::{ShareView, ShareViewCall};
use crate::state::StateName;
use crate::stats::{SessionStats, StatsTracker};
use crate::time::Instant;

use super::Session;

/// What these features remember of one session.
#[derive(Debug, Clone, Default)]
pub(super) struct Features {
    chat: Chat,
    recording: Recording,
    share_privilege: Option<SharePrivilege>,
    stats: StatsTracker,
    audio_level: Option<u8>,
    share: ShareView,
}

impl Features {
    /// A new join: nothing of the last session's chat, recording or stats
    /// is kept.
    pub(super) fn reset(&mut self) {
        let wanted = self.share.wanted;
        *self = Features::default();
        // The app's canvas outlives a session: it is used again.
        self.share.wanted = wanted;
    }

    /// Every event the session emits, for its stats; the final numbers
    /// when this one ends the session.
    pub(super) fn observe(
        &mut self,
        now: Instant,
        self_user: Option<UserId>,
        event: &Event,
    ) -> Option<SessionStats> {
        self.stats.observe(now, self_user, event)
    }

    /// How long the session has been in its state (for `stateChanged`).
    pub(super) fn time_in_state(&self, now: Instant) -> Option<u64> {
        self.stats.time_in_state(now)
    }
}

impl Session {
    /// Takes an action (chat, a host control, a recording control) at
    /// `now`: checks it and issues its one SDK call. Returns the command's
    /// id; the answer to it ([`Input::Done`](crate::Input::Done)) settles
    /// the action, so the driver resolves the app's promise with it. Drain
    /// [`poll`](Session::poll) afterwards, as after `handle`.
    ///
    /// # Errors
    /// Why it is refused ([`CoreError::NotInSession`],
    /// [`CoreError::NotPermitted`], [`CoreError::UnknownParticipant`],
    /// [`CoreError::ChatNotAllowed`], [`CoreError::RecordingState`], ...);
    /// nothing is issued then.
    pub fn act(&mut self, now: Instant, action: Action) -> Result<CommandId, CoreError> {
        if now > self.now {
            self.now = now;
        }
        self.fire_timers();
        let standing = self.standing();
        let op = match &action {
            Action::Chat(chat) => self
                .features
                .chat
                .check(&standing, chat, |id| self.roster.get(id).is_some())?,
            Action::Host(host) => host.check(&standing, |id| self.roster.get(id))?,
            Action::Recording(rec) => self.features.recording.check(&standing, *rec)?,
        };
        Ok(self.issue(op))
    }

    /// An SDK event of these features, at `now`. Events outside a session
    /// (a late one after leaving) are dropped.
    pub fn feature_event(&mut self, now: Instant, event: FeatureSdkEvent) {
        if now > self.now {
            self.now = now;
        }
        self.fire_timers();
        if !self.in_session() {
            return;
        }
        let told = match event {
            FeatureSdkEvent::ActiveSpeaker(speakers) => {
                let ids: Vec<UserId> = speakers.iter().map(|s| s.user_id).collect();
                let mut told = Vec::new();
                self.roster.set_speaking(&ids, &mut told);
                return self.emit_all(told);
            }
            FeatureSdkEvent::NetworkQuality(change) => {
                let mut told = Vec::new();
                self.roster.set_quality(&change, &mut told);
                return self.emit_all(told);
            }
            FeatureSdkEvent::AudioLevel(a) => self.set_audio_level(a.level),
            FeatureSdkEvent::ActiveShareChange(change) => {
                let changed = self.features.share.on_active(change);
                return self.update_share_view(changed);
            }
            FeatureSdkEvent::ShareContentChange(change) => {
                let changed = self.features.share.on_content(change.user_id);
                return self.update_share_view(changed);
            }
            FeatureSdkEvent::PeerShareStateChange(change) => {
                let changed = self.features.share.on_peer(change);
                return self.update_share_view(changed);
            }
            FeatureSdkEvent::ChatOnMessage(m) => self.features.chat.on_message(m),
            FeatureSdkEvent::ChatPrivilegeChange(p) => {
                self.features.chat.on_privilege(p.chat_privilege)
            }
            FeatureSdkEvent::RecordingChange(status) => self.features.recording.on_status(status),
            FeatureSdkEvent::IndividualRecordingChange(change) => Some(
                self.features
                    .recording
                    .on_individual(change, self.self_user),
            ),
            FeatureSdkEvent::SharePrivilegeChange(p) => self.set_share_privilege(p.privilege),
        };
        if let Some(event) = told {
            self.emit(event);
        }
    }

    /// The local microphone's level, 0-9, as last heard
    /// (`current-audio-level-change`); `None` until the SDK says, and again
    /// after a new join.
    #[must_use]
    pub fn audio_level(&self) -> Option<u8> {
        self.features.audio_level
    }

    fn set_audio_level(&mut self, level: u8) -> Option<Event> {
        if self.features.audio_level == Some(level) {
            return None;
        }
        self.features.audio_level = Some(level);
        Some(Event::AudioLevel { level })
    }

    /// Participants who left: a sharer among them shares no more.
    pub(super) fn participants_left(&mut self, users: impl Iterator<Item = UserId>) {
        let mut changed = false;
        for user in users {
            changed |= self.features.share.on_left(user);
        }
        if changed {
            self.update_share_view(true);
        }
    }

    /// The app gives (`true`) or takes back (`false`) its canvas for other
    /// participants' shares, at `now`: the active share is drawn on it
    /// while there is one (`startShareView`), and stopped when it ends
    /// or the canvas is taken back (`stopShareView`). Drain
    /// [`poll`](Session::poll) afterwards.
    pub fn set_share_view(&mut self, now: Instant, wanted: bool) {
        if now > self.now {
            self.now = now;
        }
        self.fire_timers();
        let changed = self.features.share.wanted != wanted;
        self.features.share.wanted = wanted;
        if self.in_session() {
            self.update_share_view(changed);
        }
    }

    /// The shares of this session: who shares, whose is active, whose is
    /// drawn on the app's canvas.
    #[must_use]
    pub fn share_view(&self) -> &ShareView {
        &self.features.share
    }

    /// Issues what the view needs and tells the app when anything changed.
    fn update_share_view(&mut self, mut changed: bool) {
        for call in self.features.share.decide(self.self_user) {
            changed = true;
            match call {
                ShareViewCall::Start(user_id) => self.issue(Op::StartShareView { user_id }),
                ShareViewCall::Stop => self.issue(Op::StopShareView),
            };
        }
        if changed {
            self.emit(Event::ShareViewChanged(self.features.share.clone()));
        }
    }

    fn emit_all(&mut self, events: Vec<Event>) {
        for event in events {
            self.emit(event);
        }
    }

    /// How this session went up to `now` (the last session's final
    /// numbers once it ended, until the next join): see [`SessionStats`].
    #[must_use]
    pub fn stats(&self, now: Instant) -> SessionStats {
        self.features.stats.stats(now.max(self.now))
    }

    /// This session's chat: its history and privilege.
    #[must_use]
    pub fn chat(&self) -> &Chat {
        &self.features.chat
    }

    /// This session's cloud recording, as last heard.
    #[must_use]
    pub fn recording(&self) -> &Recording {
        &self.features.recording
    }

    /// Who may share, as last heard (`share-privilege-change` or our own
    /// `lockShare`); `None` until then.
    #[must_use]
    pub fn share_privilege(&self) -> Option<SharePrivilege> {
        self.features.share_privilege
    }

    /// The local user's role, from the roster.
    #[must_use]
    pub fn role(&self) -> Role {
        match self.self_user.and_then(|id| self.roster.get(id)) {
            None => Role::Unknown,
            Some(me) if me.is_host => Role::Host,
            Some(me) if me.is_manager => Role::Manager,
            Some(_) => Role::Participant,
        }
    }

    fn standing(&self) -> Standing {
        let name = self.name();
        Standing {
            state: name.as_str(),
            connected: name == StateName::Connected,
            self_user: self.self_user,
            role: self.role(),
        }
    }

    fn set_share_privilege(&mut self, privilege: SharePrivilege) -> Option<Event> {
        if self.features.share_privilege == Some(privilege) {
            return None;
        }
        self.features.share_privilege = Some(privilege);
        Some(Event::SharePrivilegeChanged { privilege })
    }

    /// The answer to an action's command (from `on_done`). A failure is the
    /// app's promise's rejection and changes nothing here.
    pub(super) fn on_action_done(&mut self, op: Op, result: Result<CommandOutput, ZoomError>) {
        if let (Op::StartShareView { user_id }, Err(error)) = (&op, &result) {
            self.features.share.start_failed(*user_id);
            self.emit(Event::MediaFailed {
                op: "startShareView",
                error: error.clone(),
            });
            self.emit(Event::ShareViewChanged(self.features.share.clone()));
            return;
        }
        if result.is_err() || !self.in_session() {
            return;
        }
        let told = match (&op, result) {
            (Op::SendChat { .. } | Op::SendChatToAll { .. }, Ok(CommandOutput::ChatMessage(m))) => {
                self.features.chat.on_message(m)
            }
            (Op::SetChatPrivilege { privilege }, _) => self.features.chat.on_privilege(*privilege),
            (Op::LockShare { locked }, _) => self.set_share_privilege(if *locked {
                SharePrivilege::Locked
            } else {
                SharePrivilege::Unlocked
            }),
            _ => self.features.recording.on_done(&op),
        };
        if let Some(event) = told {
            self.emit(event);
        }
    }
}
