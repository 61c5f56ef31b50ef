//! The bridge: every booking becomes exactly one session, kept right
//! through reschedules and cancellations.
//!
//! Level-triggered (`../shared/SERVER.md`, rule 3): webhooks and the admin
//! API only change a booking's *desired* state, through the pure
//! [`plan()`]; converge jobs then make the session match and record the
//! *actual* state.
//!
//! - [`model`]: provider-neutral bookings and events;
//! - [`plan`](mod@plan): the facts of a booking, merged so that order and
//!   duplicates do not matter, and the desired state read off them;
//! - [`map`]: Calendly and Cal.com payloads to events;
//! - [`time`]: RFC 3339 without a date crate.

pub mod map;
pub mod model;
pub mod plan;
pub mod time;

pub use model::{
    Attendee, AttendeeStatus, BookingEvent, Details, EventBody, ExternalKey, JoinWindow, Person,
    Provider, SessionKind, Shape, UnixMillis,
};
pub use plan::{
    next_step, plan, video_sdk_topic, Actual, Booking, BookingState, Change, Desired, Lineage,
    MeetingRef, Plan, Status, Step,
};

#[cfg(all(feature = "zoom", any(feature = "sqlite", feature = "postgres")))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "zoom", any(feature = "sqlite", feature = "postgres"))))
)]
pub mod converge;
