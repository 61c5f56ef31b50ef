//! A deterministic model of a Zoom Video SDK web session, with scripted
//! faults — natively for `cargo test`, and in JavaScript with the same shape
//! as `@zoom/videosdk`'s `ZoomVideo`, so anything written against the real
//! SDK runs against it.
//!
//! What it models: one local client (`init`, `join`, `leave`, audio, video,
//! share, device lists and switches) in one session with other participants
//! who join, leave, talk, turn video and audio on and off, share and fail
//! over; a machine with cameras, microphones and speakers and browser
//! permissions; a network. What can go wrong is a [`Fault`]: connection
//! drops, SDK failover, `Fail`, `Closed` with each `ClosedReason`, token
//! expiry, device unplug and replug, permission revoked, `active-media-failed`
//! with each real code, network-quality ramps.
//!
//! Everything the simulator emits is shaped as the SDK's own declarations:
//! event names are `VideoClient.on`'s ([`events`]), payloads and returned
//! objects are the SDK's interfaces ([`payload`]), rejections are
//! `ExecutedFailure` objects `{ type, reason, errorCode }` with Zoom's codes
//! ([`failure`] lists which, and why). `tests/conformance.rs` checks all of
//! that against the SDK's `dist/types-json`. Join tokens are judged like
//! Zoom's service does ([`token`]): expiry and lifetime, `tpc`, claims, and
//! the signature when given the secret.
//!
//! **Deterministic**: time is virtual and only moves when told; latencies
//! and ids come from one seeded RNG. The same seed, script and calls give
//! the same events at the same times (a property test checks it).
//!
//! # Natively
//!
//! ```
//! use zoomkit_sim::payload::{AudioOption, ClosedReason};
//! use zoomkit_sim::{token, Action, Fault, Script, Sim, SimConfig};
//!
//! let mut sim = Sim::new(SimConfig { seed: 7, ..SimConfig::default() });
//! // Other participants and faults, on a timeline in virtual ms.
//! sim.load(
//!     &Script::new()
//!         .at(2_000, Action::AddParticipants { n: 2 })
//!         .at(5_000, Fault::Failover { ms: 3_000 })
//!         .at(20_000, Fault::Close { reason: ClosedReason::EndedByHost }),
//! );
//!
//! // The client side: the SDK's calls; each async one settles after a
//! // simulated latency, when the clock runs.
//! let now_s = (sim.config().epoch_ms / 1000) as i64;
//! let jwt = token::unsigned_token(&serde_json::json!({
//!     "app_key": "KEY", "role_type": 1, "tpc": "standup", "version": 1,
//!     "iat": now_s - 30, "exp": now_s + 7200, "user_key": "alice",
//! }));
//! let op = sim.client().init("en-US", "Global");
//! assert_eq!(sim.settle(op), Some(Ok(())));
//! let op = sim.client().join("standup", &jwt, "Alice", None);
//! assert_eq!(sim.settle(op), Some(Ok(())));
//! let op = sim.client().start_audio(AudioOption::default());
//! assert_eq!(sim.settle(op), Some(Ok(())));
//!
//! sim.run_until(30_000);
//! let states: Vec<String> = sim
//!     .drain_events()
//!     .into_iter()
//!     .filter(|e| e.name == "connection-change")
//!     .map(|e| e.payload["state"].as_str().unwrap_or_default().to_owned())
//!     .collect();
//! assert_eq!(states, ["Connected", "Reconnecting", "Connected", "Closed"]);
//! // The session ended: every track the client started was stopped.
//! assert_eq!(sim.active_track_count(), 0);
//!
//! // An expired token is refused like Zoom refuses it.
//! sim.inject(Fault::ExpireToken).unwrap();
//! let op = sim.client().join("standup", &jwt, "Alice", None);
//! let err = sim.settle(op).unwrap().unwrap_err();
//! assert_eq!(err.error_code, 200);
//! ```
//!
//! # In JavaScript (`zoomkit/sim`)
//!
//! Built for `wasm32` (`cargo build -p zoomkit-sim --target
//! wasm32-unknown-unknown --release` makes `zoomkit_sim.wasm`; wasm-bindgen
//! `--target web` makes the `zoomkit/sim` entry), `createSim(options)`
//! returns a controller whose `zoomVideo` stands in for `ZoomVideo`:
//!
//! ```js
//! import { init, createSim } from "zoomkit/sim";
//! await init();
//! const sim = createSim({ seed: 1, watchTimers: true }); // real timers; { clock: "manual" } for advance(ms)
//! const ZoomVideo = sim.zoomVideo;
//! const client = ZoomVideo.createClient();
//! client.on("connection-change", (p) => console.log(p.state, p.reason));
//! await client.init("en-US", "Global");
//! await client.join("standup", tokenFromYourServer, "Alice");
//! await client.getMediaStream().startVideo();
//!
//! sim.failover(3000);                 // Reconnecting (failover), then Connected
//! sim.unplug("camera", "Integrated Camera");
//! sim.close("ended by host");
//! try { await client.join("standup", "not-a-jwt", "Alice"); }
//! catch (e) { e.errorCode; /* 5013, a plain { type, reason, errorCode } */ }
//!
//! // What a client must have released:
//! sim.listenerCount();   // 0 once every `on` was paired with `off`
//! sim.activeTimerCount(); // 0 once every setTimeout/setInterval ended
//! sim.activeTrackCount(); // 0 once audio, video and share were stopped
//! sim.destroy();
//! ```
//!
//! The controller's fault buttons are `fault(name, params)` and
//! `dropConnection(ms)`, `failover(ms)`, `fail()`, `close(reason)`,
//! `expireToken()`, `unplug(kind, label)`, `replug(kind, label)`,
//! `revokePermission(kind)`, `grantPermission(kind)`, `mediaFailed(code)`,
//! `qualityRamp({ direction, from, to, stepMs })`, `addParticipants(n)`,
//! `removeParticipant(userId)`; `act(name, params)` for participants'
//! actions; `script(steps)` for a whole timeline (the JSON form of
//! [`Script`]). Its TypeScript types (`SimOptions`, `SimStep`, ...) are in
//! the generated `.d.ts`.
#![forbid(unsafe_code)]

pub mod device;
pub mod events;
pub mod failure;
#[cfg(target_arch = "wasm32")]
mod js;
pub mod payload;
mod rng;
pub mod script;
mod sim;
pub mod token;

pub use device::{DeviceKind, DeviceSpec, MediaDeviceInfo};
pub use payload::SdkFailure;
pub use rng::Rng;
pub use script::{Action, Fault, Script, Step, StepKind, Who};
pub use sim::{
    Latency, OpId, Output, ParticipantSpec, Range, Sim, SimClient, SimConfig, SimError, SimEvent,
    TokenRequest,
};
