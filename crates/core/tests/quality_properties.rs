//! Hysteresis, over random sequences of network levels, CPU pressure and
//! packet loss at random times, with the timer fired on time:
//!
//! - in any 60 s, the capture quality and each tile's receive quality change
//!   at most `QualityConfig::max_switches_per_minute()` times, the video
//!   count and audio-only at most twice that (they follow both directions);
//! - two changes of one of them are at least `switch_spacing()` apart;
//! - a decision is only said when its value changes, and the machine's
//!   answers (`capture_quality`, `receive_quality`, ...) match what it said;
//! - the controller never asks for more than the browser can do.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use zoomkit_core::quality::{
    AudioStatisticDataChange, AudioStatistics, Capabilities, CpuUsage, NetworkDirection,
    NetworkQualityChange, QualityInput, SystemCpuPressureLevel, SystemResourceUsageChange,
    TileDemand, VideoStatisticDataChange, VideoStatistics,
};
use zoomkit_core::{
    Instant, QualityConfig, QualityController, QualityOutput, UserId, VideoQuality,
};

const ME: UserId = UserId(1);

#[derive(Debug, Clone)]
enum Event {
    Level { uplink: bool, level: u8, mine: bool },
    Cpu(u8),
    Video { sending: bool, loss: f64 },
    Audio { sending: bool, loss: f64 },
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        8 => (any::<bool>(), 0u8..=5, prop::bool::weighted(0.9))
            .prop_map(|(uplink, level, mine)| Event::Level { uplink, level, mine }),
        1 => (0u8..=3).prop_map(Event::Cpu),
        1 => (any::<bool>(), 0.0f64..30.0).prop_map(|(sending, loss)| Event::Video { sending, loss }),
        1 => (any::<bool>(), 0.0f64..40.0).prop_map(|(sending, loss)| Event::Audio { sending, loss }),
    ]
}

fn input(e: &Event) -> QualityInput {
    match *e {
        Event::Level {
            uplink,
            level,
            mine,
        } => QualityInput::NetworkQuality(NetworkQualityChange {
            user_id: if mine { ME } else { UserId(2) },
            direction: if uplink {
                NetworkDirection::Uplink
            } else {
                NetworkDirection::Downlink
            },
            level,
        }),
        Event::Cpu(n) => QualityInput::SystemResourceUsage(SystemResourceUsageChange {
            cpu_usage: CpuUsage {
                system_cpu_pressure_level: SystemCpuPressureLevel::from_number(n).unwrap(),
            },
        }),
        Event::Video { sending, loss } => QualityInput::VideoStatistics(VideoStatisticDataChange {
            data: VideoStatistics {
                encoding: sending,
                avg_loss: loss,
            },
        }),
        Event::Audio { sending, loss } => QualityInput::AudioStatistics(AudioStatisticDataChange {
            data: AudioStatistics {
                encoding: sending,
                avg_loss: loss,
            },
        }),
    }
}

fn config() -> impl Strategy<Value = QualityConfig> {
    (500u64..5_000, 1_000u64..20_000, 0u64..8_000).prop_map(|(down, up, min)| QualityConfig {
        down_hold: Duration::from_millis(down),
        up_hold: Duration::from_millis(up),
        min_interval: Duration::from_millis(min),
        ..QualityConfig::default()
    })
}

fn caps() -> impl Strategy<Value = Capabilities> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(1u32), Just(4), Just(9), Just(25)],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(iso, multi, max, hd, webrtc)| Capabilities {
            cross_origin_isolated: iso,
            supports_multiple_videos: multi,
            max_renderable_videos: max,
            supports_hd_video: hd,
            video_webrtc_mode: webrtc,
        })
}

/// Change times per decision: "capture", "max", "audioOnly", "receive <id>".
type Changes = BTreeMap<String, Vec<u64>>;

fn run(
    config: QualityConfig,
    caps: Capabilities,
    steps: &[(u64, Event)],
) -> Result<Changes, TestCaseError> {
    let mut q = QualityController::new(config);
    let mut now = 0u64;
    let mut changes = Changes::new();
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    let mut timer: Option<Instant> = None;
    let mut record = |q: &mut QualityController,
                      at: u64,
                      timer: &mut Option<Instant>|
     -> Result<(), TestCaseError> {
        *timer = None;
        while let Some(o) = q.poll() {
            let (key, value) = match &o {
                QualityOutput::Timeout { at: t } => {
                    prop_assert!(t.as_millis() > at);
                    *timer = Some(*t);
                    break;
                }
                QualityOutput::SetCaptureQuality { quality } => {
                    let hd = caps.supports_hd_video
                        && (caps.cross_origin_isolated || caps.video_webrtc_mode);
                    let ceiling = if hd {
                        VideoQuality::Video720P
                    } else {
                        VideoQuality::Video360P
                    };
                    prop_assert!(*quality <= ceiling, "capture {quality:?} above {ceiling:?}");
                    ("capture".to_owned(), format!("{quality:?}"))
                }
                QualityOutput::SetReceiveQuality { user_id, quality } => {
                    prop_assert!(*quality <= VideoQuality::Video720P);
                    (format!("receive {user_id}"), format!("{quality:?}"))
                }
                QualityOutput::SetMaxVideos { count } => {
                    let ceiling = if caps.supports_multiple_videos {
                        caps.max_renderable_videos
                    } else {
                        1
                    };
                    prop_assert!(*count <= ceiling);
                    ("max".to_owned(), count.to_string())
                }
                QualityOutput::AudioOnly { on } => ("audioOnly".to_owned(), on.to_string()),
                QualityOutput::Diagnostic { .. } => continue,
                other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
            };
            // Said only when it changes.
            prop_assert_ne!(last.get(&key), Some(&value), "{} said twice", key);
            last.insert(key.clone(), value);
            changes.entry(key).or_default().push(at);
        }
        let capture = q.capture_quality().map(|c| format!("{c:?}"));
        prop_assert_eq!(capture.as_ref(), last.get("capture"));
        let max = q.max_videos().map(|c| c.to_string());
        prop_assert_eq!(max.as_ref(), last.get("max"));
        Ok(())
    };
    q.handle(Instant::EPOCH, QualityInput::SelfUser(ME))
        .unwrap();
    q.handle(Instant::EPOCH, QualityInput::Capabilities(caps))
        .unwrap();
    q.set_tiles(
        Instant::EPOCH,
        [
            TileDemand {
                user_id: UserId(2),
                quality: VideoQuality::Video720P,
            },
            TileDemand {
                user_id: UserId(3),
                quality: VideoQuality::Video360P,
            },
        ],
    );
    record(&mut q, 0, &mut timer)?;
    for (dt, e) in steps {
        let next = now + dt;
        while let Some(t) = timer.filter(|t| t.as_millis() <= next) {
            now = t.as_millis();
            q.handle(t, QualityInput::Timeout).unwrap();
            record(&mut q, now, &mut timer)?;
        }
        now = next;
        q.handle(Instant::from_millis(now), input(e)).unwrap();
        record(&mut q, now, &mut timer)?;
    }
    Ok(changes)
}

/// The most changes in any closed 60 s window.
fn busiest_minute(times: &[u64]) -> usize {
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|&&t| t - times[i] <= 60_000)
                .count()
        })
        .max()
        .unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn switches_per_minute_are_bounded(
        config in config(),
        caps in caps(),
        steps in proptest::collection::vec((0u64..6_000, event()), 1..400),
    ) {
        let changes = run(config, caps, &steps)?;
        let bound = config.max_switches_per_minute() as usize;
        let spacing = config.switch_spacing().as_millis() as u64;
        for (key, times) in &changes {
            // The first value is the initial decision, not a switch.
            let switches = &times[1..];
            let limit = if key == "max" || key == "audioOnly" { 2 * bound } else { bound };
            let busiest = busiest_minute(switches);
            prop_assert!(busiest <= limit, "{key}: {busiest} switches in a minute, bound {limit}: {times:?}");
            if limit == bound {
                for w in switches.windows(2) {
                    prop_assert!(w[1] - w[0] >= spacing, "{key} switched at {} and {}", w[0], w[1]);
                }
            }
        }
    }

    /// Oscillating between two levels at any period: the bound holds, and
    /// a period shorter than the up hold costs at most one switch.
    #[test]
    fn oscillation_is_damped(
        config in config(),
        period in 100u64..30_000,
        low in 0u8..=4,
        uplink in any::<bool>(),
    ) {
        let steps: Vec<(u64, Event)> = (0..600u64)
            .map(|i| (period, Event::Level { uplink, level: if i % 2 == 0 { low } else { 5 }, mine: true }))
            .collect();
        let caps = Capabilities {
            cross_origin_isolated: true,
            supports_multiple_videos: true,
            max_renderable_videos: 25,
            supports_hd_video: true,
            video_webrtc_mode: false,
        };
        let changes = run(config, caps, &steps)?;
        let key = if uplink { "capture" } else { "receive 2" };
        let switches = changes.get(key).map_or(0, |t| t.len() - 1);
        if Duration::from_millis(period) < config.up_hold {
            prop_assert!(switches <= 1, "{switches} switches at period {period}");
        }
        for times in changes.values() {
            prop_assert!(busiest_minute(&times[1..]) <= 2 * config.max_switches_per_minute() as usize);
        }
    }
}
