//! Scripts: what happens to a simulated session, and when.
//!
//! A [`Script`] is a list of [`Step`]s, each a [`Fault`] (something going
//! wrong: the network, the SDK, a device, a permission) or an [`Action`]
//! (something other participants or the host do) at a virtual time in
//! milliseconds. Scripts are plain data: they serialize to and from JSON
//! (`{"at": 1000, "fault": "failover", "ms": 5000}`), which is also how
//! JavaScript passes them to the simulator.

use serde::{Deserialize, Serialize};

use crate::device::DeviceKind;
use crate::payload::{ActiveMediaFailedCode, ClosedReason, PermissionName, QualityDirection};
use crate::rng::Rng;

/// A participant named in a step: by `userId` (a number) or by display name
/// (a string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Who {
    /// By `userId`.
    Id(u32),
    /// By display name.
    Name(String),
}

impl From<u32> for Who {
    fn from(id: u32) -> Self {
        Who::Id(id)
    }
}

impl From<&str> for Who {
    fn from(name: &str) -> Self {
        Who::Name(name.to_owned())
    }
}

/// Something going wrong. JSON: `{"fault": "<camelCase name>", ...params}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "fault",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Fault {
    /// The local network is down for `ms`: `connection-change`
    /// `Reconnecting` (reason `failover`), then `Connected` when it is back,
    /// or `Fail` if it is down longer than
    /// [`SimConfig::reconnect_give_up_ms`](crate::SimConfig::reconnect_give_up_ms).
    /// A `join` that completes while the network is down is rejected with
    /// `200 connection error`.
    DropConnection {
        /// How long the network is down.
        ms: u64,
    },
    /// Zoom's own failover: `Reconnecting` (reason `failover`) for `ms`,
    /// then `Connected`; never gives up.
    Failover {
        /// How long the failover lasts.
        ms: u64,
    },
    /// `connection-change` `Fail`: the session is lost.
    Fail,
    /// `connection-change` `Closed` with a `ClosedReason`. After
    /// `expeled by host` the same topic cannot be joined again (3009).
    Close {
        /// `kicked by host`, `ended by host` or `expeled by host`.
        reason: ClosedReason,
    },
    /// The token of the current (or last) join is now expired: joining with
    /// it again is rejected with `200` and the token reason. Before any join,
    /// the next join's token is the one expired.
    ExpireToken,
    /// The device of `kind` labelled `label` is unplugged (`device-change`).
    Unplug {
        /// Its kind.
        kind: DeviceKind,
        /// Its label.
        label: String,
    },
    /// The device is plugged back in with its old id, or, if no device has
    /// that label, a new one is plugged in (`device-change`).
    Replug {
        /// Its kind.
        kind: DeviceKind,
        /// Its label.
        label: String,
    },
    /// The browser permission is revoked (`device-permission-change`
    /// `denied`); a running capture of that kind fails.
    RevokePermission {
        /// `camera` or `microphone`.
        kind: PermissionName,
    },
    /// The browser permission is granted again (`device-permission-change`
    /// `granted`).
    GrantPermission {
        /// `camera` or `microphone`.
        kind: PermissionName,
    },
    /// `active-media-failed` with this code.
    MediaFailed {
        /// An `ActiveMediaFailedCode` (101-107, 201-207, 301).
        code: ActiveMediaFailedCode,
    },
    /// `network-quality-change` every `step_ms`, one level at a time from
    /// `from` to `to` (both 0-5, both sent).
    QualityRamp {
        /// Whose quality; the local user when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_id: Option<u32>,
        /// `uplink` or `downlink`.
        direction: QualityDirection,
        /// First level.
        from: u8,
        /// Last level.
        to: u8,
        /// Time between levels.
        step_ms: u64,
    },
    /// The user pressed the browser's "stop sharing": `passively-stop-share`
    /// `StopScreenCapture`.
    StopShareFromBrowser,
    /// The next `startShareScreen` is refused by the user (6200).
    DenyNextShare,
    /// `auto-play-audio-failed`: the browser blocked audio playback.
    AutoPlayAudioFailed,
}

/// Something another participant (or the host) does.
/// JSON: `{"action": "<camelCase name>", ...params}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Action {
    /// One participant joins (`user-added`).
    AddParticipant {
        /// Display name.
        name: String,
        /// Joins as host.
        #[serde(default)]
        host: bool,
        /// Joins with video on.
        #[serde(default)]
        video: bool,
        /// Joins with computer audio, unmuted.
        #[serde(default)]
        audio: bool,
    },
    /// `n` participants join, named `Participant <k>`.
    AddParticipants {
        /// How many.
        n: u32,
    },
    /// A participant leaves (`user-removed`).
    RemoveParticipant {
        /// Who.
        who: Who,
    },
    /// A participant talks (`active-speaker`).
    Speak {
        /// Who.
        who: Who,
    },
    /// A participant turns video on or off (`user-updated`,
    /// `peer-video-state-change`).
    SetVideo {
        /// Who.
        who: Who,
        /// On or off.
        on: bool,
    },
    /// A participant mutes or unmutes (joining computer audio first if
    /// needed) (`user-updated`).
    SetMuted {
        /// Who.
        who: Who,
        /// Muted or not.
        muted: bool,
    },
    /// A participant starts or stops sharing (`user-updated`,
    /// `active-share-change`, `peer-share-state-change`).
    SetShare {
        /// Who.
        who: Who,
        /// On or off.
        on: bool,
    },
    /// A participant is in failover for `ms` (`user-updated`
    /// `isInFailover: true`, then `false`).
    ParticipantFailover {
        /// Who.
        who: Who,
        /// How long.
        ms: u64,
    },
    /// The host mutes the local user (`current-audio-change` `muted`,
    /// source `passive(mute one)`).
    HostMuteMe,
    /// The host asks the local user to unmute (`host-ask-unmute-audio`).
    HostAskUnmute,
    /// The local user talks while muted (`speaking-while-muted`).
    SpeakWhileMuted,
    /// The local microphone hears `level` (0-9): `current-audio-level-change`,
    /// while the local user's audio is joined and unmuted.
    MicLevel {
        /// 0 (silent) to 9.
        level: u8,
    },
    /// A participant sends a chat message (`chat-on-message`), to everyone
    /// or, with `to_me`, to the local user only.
    SendChat {
        /// Who sends it.
        who: Who,
        /// The text.
        text: String,
        /// Privately to the local user.
        #[serde(default)]
        to_me: bool,
    },
    /// The host changes who may chat (`chat-privilege-change`): a
    /// `ChatPrivilege` number, 1 (all), 4 (no one) or 5 (everyone publicly).
    SetChatPrivilege {
        /// The privilege.
        privilege: u8,
    },
    /// The host starts, pauses, resumes or stops cloud recording
    /// (`recording-change`).
    SetRecording {
        /// `Recording`, `Paused` or `Stopped`.
        status: crate::payload::RecordingStatus,
    },
    /// The host starts individual recording and asks the local user for
    /// consent (`individual-recording-change` with `Ask`).
    AskRecordingConsent,
    /// The host makes the local user a manager (`true`) or revokes it
    /// (`user-updated` with `isManager`).
    SetMeManager {
        /// Manager or not.
        manager: bool,
    },
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum StepKind {
    /// A fault.
    Fault(Fault),
    /// An action.
    Action(Action),
}

impl From<Fault> for StepKind {
    fn from(f: Fault) -> Self {
        StepKind::Fault(f)
    }
}

impl From<Action> for StepKind {
    fn from(a: Action) -> Self {
        StepKind::Action(a)
    }
}

impl<'de> Deserialize<'de> for StepKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = serde_json::Value::deserialize(d)?;
        if v.get("fault").is_some() {
            serde_json::from_value(v)
                .map(StepKind::Fault)
                .map_err(D::Error::custom)
        } else if v.get("action").is_some() {
            serde_json::from_value(v)
                .map(StepKind::Action)
                .map_err(D::Error::custom)
        } else {
            Err(D::Error::custom(
                "a step needs a `fault` or an `action` field",
            ))
        }
    }
}

/// One timed step. JSON: `{"at": <ms>, "fault" | "action": ..., ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Virtual time, in milliseconds since the simulator started.
    pub at: u64,
    /// What happens.
    #[serde(flatten)]
    pub kind: StepKind,
}

/// A timeline of steps. Order of steps at the same time is the order given.
///
/// ```
/// use zoomkit_sim::{Action, Fault, Script};
/// let script = Script::new()
///     .at(1_000, Action::AddParticipants { n: 2 })
///     .at(5_000, Fault::Failover { ms: 3_000 });
/// let json = serde_json::to_string(&script).unwrap();
/// assert!(json.contains(r#""fault":"failover""#));
/// assert_eq!(serde_json::from_str::<Script>(&json).unwrap(), script);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Script {
    /// The steps.
    pub steps: Vec<Step>,
}

impl Script {
    /// An empty script.
    #[must_use]
    pub fn new() -> Self {
        Script::default()
    }

    /// Adds a step at `at` ms.
    #[must_use]
    pub fn at(mut self, at: u64, kind: impl Into<StepKind>) -> Self {
        self.steps.push(Step {
            at,
            kind: kind.into(),
        });
        self
    }

    /// A random but reproducible script of `n` steps within `duration_ms`:
    /// participants coming and going, talking, toggling video and audio,
    /// failovers, drops, quality ramps, device and permission faults. The
    /// same `seed` always gives the same script. Participants are named
    /// `Guest <k>`, so steps can refer to them before they exist; a step
    /// naming someone absent at its time is recorded in
    /// [`Sim::step_errors`](crate::Sim::step_errors), not applied.
    #[must_use]
    pub fn random(seed: u64, duration_ms: u64, n: usize) -> Self {
        let mut rng = Rng::new(seed ^ 0x5C21_7E00_0000_0001);
        let mut steps = Vec::with_capacity(n);
        let mut guests = 0u64;
        for _ in 0..n {
            let at = rng.range(0, duration_ms);
            let who = |rng: &mut Rng, guests: u64| {
                Who::Name(format!("Guest {}", rng.range(1, guests.max(1))))
            };
            let kind: StepKind = match rng.range(0, 15) {
                0..=2 => {
                    guests += 1;
                    Action::AddParticipant {
                        name: format!("Guest {guests}"),
                        host: false,
                        video: rng.range(0, 1) == 1,
                        audio: rng.range(0, 1) == 1,
                    }
                    .into()
                }
                3 => Action::RemoveParticipant {
                    who: who(&mut rng, guests),
                }
                .into(),
                4 | 5 => Action::Speak {
                    who: who(&mut rng, guests),
                }
                .into(),
                6 => Action::SetVideo {
                    who: who(&mut rng, guests),
                    on: rng.range(0, 1) == 1,
                }
                .into(),
                7 => Action::SetMuted {
                    who: who(&mut rng, guests),
                    muted: rng.range(0, 1) == 1,
                }
                .into(),
                8 => Fault::Failover {
                    ms: rng.range(500, 10_000),
                }
                .into(),
                9 => Fault::DropConnection {
                    ms: rng.range(500, 20_000),
                }
                .into(),
                10 => Fault::QualityRamp {
                    user_id: None,
                    direction: if rng.range(0, 1) == 1 {
                        QualityDirection::Uplink
                    } else {
                        QualityDirection::Downlink
                    },
                    from: rng.range(0, 5) as u8,
                    to: rng.range(0, 5) as u8,
                    step_ms: rng.range(100, 2_000),
                }
                .into(),
                11 => Fault::Unplug {
                    kind: DeviceKind::Camera,
                    label: "Integrated Camera".to_owned(),
                }
                .into(),
                12 => Fault::Replug {
                    kind: DeviceKind::Camera,
                    label: "Integrated Camera".to_owned(),
                }
                .into(),
                13 => Fault::RevokePermission {
                    kind: if rng.range(0, 1) == 1 {
                        PermissionName::Camera
                    } else {
                        PermissionName::Microphone
                    },
                }
                .into(),
                14 => Fault::MediaFailed {
                    code: ActiveMediaFailedCode::ALL
                        [rng.range(0, ActiveMediaFailedCode::ALL.len() as u64 - 1) as usize],
                }
                .into(),
                _ => Action::ParticipantFailover {
                    who: who(&mut rng, guests),
                    ms: rng.range(500, 5_000),
                }
                .into(),
            };
            steps.push(Step { at, kind });
        }
        // Keep generation order for equal times, so the script is stable.
        steps.sort_by_key(|s| s.at);
        Script { steps }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn steps_read_from_json_with_camel_case_names() {
        let s: Script = serde_json::from_value(json!([
            {"at": 0, "action": "addParticipant", "name": "Ann", "video": true},
            {"at": 10, "fault": "unplug", "kind": "camera", "label": "Integrated Camera"},
            {"at": 20, "fault": "qualityRamp", "direction": "uplink", "from": 5, "to": 1, "stepMs": 100},
            {"at": 30, "fault": "close", "reason": "ended by host"},
            {"at": 40, "fault": "mediaFailed", "code": 203},
            {"at": 50, "action": "removeParticipant", "who": 16778240},
        ]))
        .unwrap();
        assert_eq!(s.steps.len(), 6);
        assert_eq!(
            s.steps[1].kind,
            StepKind::Fault(Fault::Unplug {
                kind: DeviceKind::Camera,
                label: "Integrated Camera".into()
            })
        );
        assert_eq!(
            s.steps[5].kind,
            StepKind::Action(Action::RemoveParticipant {
                who: Who::Id(16_778_240)
            })
        );
    }

    #[test]
    fn a_bad_step_is_an_error_naming_the_problem() {
        let e = serde_json::from_value::<Step>(json!({"at": 1, "ms": 2})).unwrap_err();
        assert!(e.to_string().contains("`fault` or an `action`"), "{e}");
        let e = serde_json::from_value::<Step>(json!({"at": 1, "fault": "meteor"})).unwrap_err();
        assert!(e.to_string().contains("meteor"), "{e}");
        let e =
            serde_json::from_value::<Step>(json!({"at": 1, "fault": "mediaFailed", "code": 999}))
                .unwrap_err();
        assert!(e.to_string().contains("999"), "{e}");
    }

    #[test]
    fn random_scripts_are_reproducible_and_sorted() {
        let a = Script::random(9, 60_000, 50);
        assert_eq!(a, Script::random(9, 60_000, 50));
        assert_ne!(a, Script::random(10, 60_000, 50));
        assert!(a.steps.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(a.steps.iter().all(|s| s.at <= 60_000));
    }
}
