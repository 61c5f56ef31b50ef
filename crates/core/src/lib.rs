//! # zoomkit-core
//!
//! The behaviour Zoom's Video SDK leaves to every app, done once: session
//! lifecycle, rejoining after failures, devices, media and typed errors, as a
//! sans-IO state machine in the style of str0m and quinn-proto. No JS, no
//! clock, no sleeping, no spawning: it builds natively and for
//! `wasm32-unknown-unknown` with no JS imports.
//!
//! ## The driving loop
//!
//! ```text
//! input  --handle(now, Input)-->  [ Session ]  --poll()-->  Output
//!                                                Command   call the SDK, answer with Input::Done
//!                                                Cancel    drop a command's promise
//!                                                Event     tell the app
//!                                                Storage   write a zoomkit: key
//!                                                Timeout   wake me at t (Input::Timeout)
//! ```
//!
//! See [`Session`] for the loop in code. Inputs are user intents
//! ([`Input::Join`], [`Input::Leave`], [`Input::Media`], [`Input::SelectDevice`]),
//! SDK events ([`Input::Sdk`] with a typed [`SdkEvent`] decoded from Zoom's JSON
//! payloads), command results ([`Input::Done`], with a [`ZoomError`] decoded from
//! Zoom's `{type, reason, errorCode}` rejections), browser signals
//! ([`Input::Browser`]) and the passing of time ([`Input::Timeout`]).
//!
//! ## States
//!
//! Every transition carries its [`Cause`] and is listed in [`TRANSITIONS`];
//! the tests check the machine never takes one that is not, and that this
//! diagram (also in `STATES.md`) is what [`transition_table_mermaid`] draws:
//!
#![doc = include_str!("../STATES.md")]
//!
//! - `reconnecting` is Zoom's own failover (`connection-change: Reconnecting`):
//!   not a teardown. Participants and media are kept; participants in
//!   failover (`isInFailover`) are shown as reconnecting and never counted twice.
//! - `rejoining` is zoomkit's: after `Fail`, an unexpected `Closed`, or a
//!   failover that hangs past [`Config::failover_timeout`]. Attempts follow a
//!   [`ReconnectPolicy`] (default [`Backoff`], compared with LiveKit's in
//!   [`policy`]), pause while the browser is offline, replace a token that
//!   expires too soon through the app's token provider, and restore what the
//!   user had: audio and its mute state, video, the selected devices.
//! - Terminal reasons never rejoin: ended by the host (`ended by host`, 4004
//!   `SESSION_ENDED`), removed (`kicked by host`, `expeled by host`, 3009
//!   `SESSION_USER_REMOVED`), left by the user, a wrong passcode (3004) or an
//!   invalid token (200 with a token reason).
//!
//! ## Media and devices
//!
//! Media intents set what the user *wants*; the machine issues at most one SDK
//! call per medium at a time to make the SDK match, and only while connected.
//! So a second click while the first is in flight makes no second call, and a
//! rejoin restores the wanted state by itself. Device lists, preferences
//! (matched by label and group when ids rotate) and hot-plug fallback live in
//! [`device`].
//!
//! ## Errors
//!
//! Zoom's failures are [`ZoomError`]s (and [`ActiveMediaFailedCode`]s) that keep
//! the number and reason and are classified by [`ZoomError::classify`]:
//! a [`Category`], whether retrying helps, and a [`Remedy`] with the
//! [`Actor`] who must act. Every code in `@zoom/videosdk`'s
//! `exception-code.json` is in [`ErrorCode`]; a test fails when Zoom adds one.
//! Misuse of the machine (leave before join, a second join) is a [`CoreError`].
//!
//! ## Layout and quality
//!
//! Two more decisions the glue only applies, outside the [`Session`]:
//!
//! - [`layout()`] (or a [`Layouter`] that keeps its buffers) is a pure
//!   function from a [`LayoutInput`] to a [`Layout`]: tiles with a rectangle,
//!   z-order and the [`VideoQuality`] to `attachVideo` at, for gallery
//!   (paginated), speaker, share, picture-in-picture and full-screen modes.
//!   Pins stay on every page, joins move nobody else; see [`layout`](mod@layout).
//!   An [`ActiveSpeakerTracker`] holds the active speaker so it does not flicker.
//! - [`QualityController`] is a sans-IO machine (`handle(now, input)`, then
//!   `poll()`) that turns `network-quality-change`, audio and video
//!   statistics, `system-resource-usage-change` and the browser's
//!   [`Capabilities`] into [`QualityOutput`]s: capture quality, receive
//!   quality per tile, how many videos render, audio-only, and a
//!   [`Diagnostic`] naming the headers (or token flag) a page without
//!   cross-origin isolation is missing. Hysteresis bounds switches per
//!   minute; see [`quality`].

//!
//! ## Chat, host controls, recording, stats and diagnostics
//!
//! [`Session::act`] takes an [`action::Action`] (a [`chat`] message or
//! privilege, a [`host`] control, a [`recording`] control), checks it
//! against the session (state, the local user's role, the chat privilege,
//! the recording's status) and issues its one SDK call, or refuses it with a
//! [`CoreError`] whose [`CoreError::code`] names why. Their SDK events come
//! in through [`Session::feature_event`]. [`Session::stats`] counts how the
//! session went ([`stats`]) from its own events, and [`log`] gives the glue's
//! diagnostics their typed records and levels. The same feature events
//! keep who is speaking and each participant's network quality on the
//! roster ([`Participant`]), the local microphone level
//! ([`Session::audio_level`]), and the [`share`] view:
//! [`Session::set_share_view`] decides `startShareView` / `stopShareView`.

#![forbid(unsafe_code)]

pub mod action;
pub mod chat;
pub mod command;
pub mod device;
pub mod error;
#[cfg(test)]
mod fixture;
pub mod host;
pub mod io;
pub mod layout;
pub mod log;
pub mod outcome;
pub mod participants;
pub mod policy;
pub mod quality;
pub mod recording;
pub mod rng;
pub mod sdk;
pub mod session;
pub mod share;
pub mod stage;
pub mod state;
pub mod stats;
pub mod time;
mod token;
pub mod vecmap;
pub mod wire;

// The wire derive names `::zoomkit_core::wire`, in this crate as elsewhere.
extern crate self as zoomkit_core;

pub use command::{CaptureProfile, Command, CommandId, CommandOutput, Op, TokenReason};
pub use device::{Device, DeviceKind, DeviceList, DevicePreference, DevicePreferences};
pub use error::{
    ActiveMediaFailedCode, Actor, Category, Classification, CoreError, ErrorCode, ErrorType,
    Remedy, ZoomError,
};
pub use io::{
    AudioStatus, BrowserSignal, Event, Input, Listening, MediaIntent, Output, ResumeIgnored,
    StorageArea, StorageKey, StorageWrite,
};
pub use layout::{
    layout, ActiveSpeaker, ActiveSpeakerTracker, Layout, LayoutError, LayoutInput, LayoutMode,
    LayoutParticipant, Layouter, Rect, ShareState, Tile, TileKind, TileRole, Viewport,
};
pub use participants::Participant;
pub use policy::{Backoff, DelayTable, ReconnectContext, ReconnectPolicy};
pub use quality::{
    Capabilities, Diagnostic, QualityConfig, QualityController, QualityError, QualityInput,
    QualityOutput, TileDemand, VideoQuality,
};
pub use sdk::{SdkEvent, UserId};
pub use session::{Config, JoinOptions, Session};
pub use state::{
    is_allowed, transition_table, transition_table_mermaid, Cause, EndReason, LeaveGoal,
    LeaveOutcome, RejoinPhase, RejoinReason, SessionError, State, StateName, Transition,
    TRANSITIONS,
};
pub use time::Instant;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
