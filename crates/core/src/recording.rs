//! Cloud recording: start, stop, pause and resume (the host), its status
//! (`recording-change`), and the individual-recording consent a participant
//! is asked for (`individual-recording-change` with `Ask`, answered with
//! `acceptIndividualRecording` / `declineIndividualRecording`).
//!
//! What the SDK has (`dist/types/recording.d.ts`): `RecordingClient`'s
//! `startCloudRecording`, `stopCloudRecording`, `pauseCloudRecording`,
//! `resumeCloudRecording`, `getCloudRecordingStatus`, `canStartRecording`,
//! `acceptIndividualRecording`, `declineIndividualRecording`, and the
//! `RecordingStatus` strings. Zoom's docs (`skill/references/features/
//! recording.md`) give the controls to the session's host.
//!
//! The decisions here: who may control the recording, which controls make
//! sense in the status last reported (pause only while recording, resume
//! only while paused, ...), and whether there is a consent question to
//! answer. A status zoomkit has not heard yet leaves the call to Zoom.

use serde::{Deserialize, Serialize};

use crate::action::{Needs, Standing};
use crate::command::Op;
use crate::error::CoreError;
use crate::io::Event;
use crate::sdk::UserId;
use crate::wire::{Decode, Encode};

/// `RecordingStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[non_exhaustive]
pub enum RecordingStatus {
    /// `Recording`.
    Recording,
    /// `Paused`.
    Paused,
    /// `Stopped`.
    Stopped,
    /// `Ask`: the host started individual recording and asks for consent.
    Ask,
    /// `Accept`: consent given.
    Accept,
    /// `Decline`: consent refused.
    Decline,
}

impl RecordingStatus {
    /// Zoom's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RecordingStatus::Recording => "Recording",
            RecordingStatus::Paused => "Paused",
            RecordingStatus::Stopped => "Stopped",
            RecordingStatus::Ask => "Ask",
            RecordingStatus::Accept => "Accept",
            RecordingStatus::Decline => "Decline",
        }
    }
}

/// `individual-recording-change` payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_individual_recording_change", rename_all = "camelCase")]
pub struct IndividualRecordingChange {
    /// `status`: `Ask`, `Accept` or `Decline`.
    pub status: RecordingStatus,
    /// `userId`: the user being recorded.
    #[serde(default)]
    pub user_id: Option<UserId>,
}

/// A recording control from the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecordingAction {
    /// `startCloudRecording`.
    Start,
    /// `stopCloudRecording`.
    Stop,
    /// `pauseCloudRecording`.
    Pause,
    /// `resumeCloudRecording`.
    Resume,
    /// `acceptIndividualRecording`: consent to being recorded individually.
    AcceptIndividual,
    /// `declineIndividualRecording`.
    DeclineIndividual,
}

impl RecordingAction {
    fn describe(self) -> &'static str {
        match self {
            RecordingAction::Start => "start cloud recording",
            RecordingAction::Stop => "stop cloud recording",
            RecordingAction::Pause => "pause cloud recording",
            RecordingAction::Resume => "resume cloud recording",
            RecordingAction::AcceptIndividual => "accept individual recording",
            RecordingAction::DeclineIndividual => "decline individual recording",
        }
    }
}

/// The recording as the session last heard of it.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    status: Option<RecordingStatus>,
    /// The host asked this user for consent and it is not answered yet.
    asked: bool,
}

impl Recording {
    /// The cloud recording's status from the last `recording-change` (or
    /// our own control's answer); `None` until then.
    #[must_use]
    pub fn status(&self) -> Option<RecordingStatus> {
        self.status
    }

    /// Whether the host asked this user for individual-recording consent
    /// and it is not answered yet.
    #[must_use]
    pub fn consent_pending(&self) -> bool {
        self.asked
    }

    /// A new session.
    pub fn reset(&mut self) {
        *self = Recording::default();
    }

    /// The SDK call for `action`, or why it is refused.
    ///
    /// # Errors
    /// [`CoreError::NotInSession`] outside a connected session,
    /// [`CoreError::NotPermitted`] for a control by a participant known not
    /// to be the host, [`CoreError::RecordingState`] for a control that
    /// does not fit the status (stop what is stopped, pause what is not
    /// recording, resume what is not paused, start what runs), and
    /// [`CoreError::NoConsentAsked`] for an answer nobody asked for.
    pub fn check(&self, standing: &Standing, action: RecordingAction) -> Result<Op, CoreError> {
        standing.require_connected()?;
        use RecordingAction as A;
        use RecordingStatus as S;
        if matches!(action, A::AcceptIndividual | A::DeclineIndividual) {
            if !self.asked {
                return Err(CoreError::NoConsentAsked);
            }
            return Ok(if action == A::AcceptIndividual {
                Op::AcceptIndividualRecording
            } else {
                Op::DeclineIndividualRecording
            });
        }
        standing.require(Needs::Host, action.describe())?;
        let fits = match (action, self.status) {
            (_, None) => true,
            (A::Start, Some(s)) => !matches!(s, S::Recording | S::Paused),
            (A::Stop, Some(s)) => matches!(s, S::Recording | S::Paused),
            (A::Pause, Some(s)) => s == S::Recording,
            (A::Resume, Some(s)) => s == S::Paused,
            _ => true,
        };
        if !fits {
            return Err(CoreError::RecordingState {
                action: action.describe(),
                status: self.status.map_or("unknown", RecordingStatus::as_str),
            });
        }
        Ok(match action {
            A::Start => Op::StartRecording,
            A::Stop => Op::StopRecording,
            A::Pause => Op::PauseRecording,
            _ => Op::ResumeRecording,
        })
    }

    /// `recording-change`.
    pub fn on_status(&mut self, status: RecordingStatus) -> Option<Event> {
        if self.status == Some(status) {
            return None;
        }
        self.status = Some(status);
        Some(Event::RecordingChanged { status })
    }

    /// One of our controls resolved: the status it leads to, told now
    /// rather than only when (or if) Zoom's `recording-change` follows.
    pub fn on_done(&mut self, op: &Op) -> Option<Event> {
        match op {
            Op::StartRecording | Op::ResumeRecording => self.on_status(RecordingStatus::Recording),
            Op::PauseRecording => self.on_status(RecordingStatus::Paused),
            Op::StopRecording => self.on_status(RecordingStatus::Stopped),
            Op::AcceptIndividualRecording | Op::DeclineIndividualRecording => {
                self.asked = false;
                None
            }
            _ => None,
        }
    }

    /// `individual-recording-change`: an `Ask` for this user (no `userId`,
    /// or ours) waits for an answer; `Accept`/`Decline` ends the question.
    pub fn on_individual(
        &mut self,
        change: IndividualRecordingChange,
        self_user: Option<UserId>,
    ) -> Event {
        let ours = change.user_id.is_none() || change.user_id == self_user;
        if ours {
            self.asked = change.status == RecordingStatus::Ask;
        }
        Event::IndividualRecordingChanged {
            status: change.status,
            user_id: change.user_id,
        }
    }
}
