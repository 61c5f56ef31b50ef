//! A virtual clock around a `QualityController`: feeds inputs, fires its
//! timer on time, and records every decision with the time it was made.
#![allow(dead_code)]

#[path = "../wire_check/mod.rs"]
mod wire_check;

use serde_json::json;
use zoomkit_core::quality::{
    Capabilities, NetworkDirection, NetworkQualityChange, QualityController, QualityInput,
    QualityOutput, TileDemand,
};
use zoomkit_core::{Instant, QualityConfig, UserId, VideoQuality};

pub const T0: u64 = 1_700_000_000_000;
pub const ME: UserId = UserId(1);

pub fn at(ms: u64) -> Instant {
    Instant::from_millis(T0 + ms)
}

pub struct Q {
    pub q: QualityController,
    /// Milliseconds since T0.
    pub now: u64,
    /// (ms since T0, decision), without timeouts.
    pub log: Vec<(u64, QualityOutput)>,
    pub timer: Option<Instant>,
}

pub fn good_browser() -> Capabilities {
    Capabilities {
        cross_origin_isolated: true,
        supports_multiple_videos: true,
        max_renderable_videos: 25,
        supports_hd_video: true,
        video_webrtc_mode: false,
    }
}

impl Q {
    pub fn new(config: QualityConfig) -> Self {
        let mut q = Q {
            q: QualityController::new(config),
            now: 0,
            log: Vec::new(),
            timer: None,
        };
        q.feed(QualityInput::SelfUser(ME));
        q
    }

    /// Joined on a capable browser, two tiles: user 2 large, user 3 small.
    pub fn joined() -> Self {
        let mut q = Self::new(QualityConfig::default());
        q.feed(QualityInput::Capabilities(good_browser()));
        q.feed(QualityInput::Tiles(vec![
            TileDemand {
                user_id: UserId(2),
                quality: VideoQuality::Video720P,
            },
            TileDemand {
                user_id: UserId(3),
                quality: VideoQuality::Video180P,
            },
        ]));
        q
    }

    pub fn feed(&mut self, input: QualityInput) {
        wire_check::round_trips(&input);
        self.q.handle(at(self.now), input).unwrap();
        self.drain();
    }

    fn drain(&mut self) {
        self.timer = None;
        while let Some(o) = self.q.poll() {
            match o {
                QualityOutput::Timeout { at } => {
                    assert!(
                        at > Instant::from_millis(T0 + self.now),
                        "a timer in the past"
                    );
                    self.timer = Some(at);
                    break;
                }
                o => {
                    wire_check::encodes_like_serde(&o);
                    self.log.push((self.now, o));
                }
            }
        }
    }

    /// Lets time pass to `ms`, firing the timer whenever it is due.
    pub fn advance_to(&mut self, ms: u64) {
        while let Some(t) = self.timer.filter(|t| *t <= at(ms)) {
            self.now = t.as_millis() - T0;
            self.q.handle(t, QualityInput::Timeout).unwrap();
            self.drain();
        }
        self.now = ms;
    }

    /// The network level of `user`, in the SDK's (and zoomkit-sim's) JSON.
    pub fn level(&mut self, ms: u64, user: UserId, direction: &str, level: u8) {
        self.advance_to(ms);
        let payload: NetworkQualityChange =
            serde_json::from_value(json!({"userId": user.0, "type": direction, "level": level}))
                .unwrap();
        self.feed(QualityInput::NetworkQuality(payload));
    }

    /// What zoomkit-sim's `qualityRamp({direction, from, to, stepMs})` sends
    /// for the local user: one `network-quality-change` per level from
    /// `from` to `to`, both included, `step_ms` apart, starting at `start`.
    pub fn ramp(
        &mut self,
        start: u64,
        direction: NetworkDirection,
        from: u8,
        to: u8,
        step_ms: u64,
    ) {
        let levels: Vec<u8> = if from <= to {
            (from..=to).collect()
        } else {
            (to..=from).rev().collect()
        };
        let dir = match direction {
            NetworkDirection::Uplink => "uplink",
            NetworkDirection::Downlink => "downlink",
        };
        for (i, l) in levels.into_iter().enumerate() {
            self.level(start + step_ms * i as u64, ME, dir, l);
        }
    }

    /// Decisions made in `from..=to` (ms).
    pub fn between(&self, from: u64, to: u64) -> Vec<(u64, QualityOutput)> {
        self.log
            .iter()
            .filter(|(t, _)| *t >= from && *t <= to)
            .cloned()
            .collect()
    }

    pub fn take(&mut self) -> Vec<(u64, QualityOutput)> {
        std::mem::take(&mut self.log)
    }
}

pub fn capture(q: VideoQuality) -> QualityOutput {
    QualityOutput::SetCaptureQuality { quality: q }
}

pub fn receive(user: u64, q: VideoQuality) -> QualityOutput {
    QualityOutput::SetReceiveQuality {
        user_id: UserId(user),
        quality: q,
    }
}

pub fn max(n: u32) -> QualityOutput {
    QualityOutput::SetMaxVideos { count: n }
}

pub fn audio_only(on: bool) -> QualityOutput {
    QualityOutput::AudioOnly { on }
}
