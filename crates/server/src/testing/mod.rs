//! Fakes of the vendors zoomkit calls, for our tests and for users' own
//! harnesses (feature `testing`).
//!
//! [`FakeZoom`] is an in-process axum server that answers like Zoom: the
//! Server-to-Server OAuth endpoint, meetings, cloud recordings and the Video
//! SDK REST endpoints the [`crate::zoom`] clients call, with state
//! (meetings exist until deleted; recordings and sessions can be added),
//! every request checked against Zoom's OpenAPI documents ([`spec`]; an
//! invalid request is a 400 in Zoom's error shape and a recorded
//! [`spec::Violation`]), rate limits enforced like Zoom's (429 with
//! `Retry-After`; the daily-cap message without one), a controllable clock
//! and scripted [`Fault`]s.
//!
//! ```
//! use zoomkit_server::testing::{FakeZoom, FakeZoomConfig};
//! use zoomkit_server::zoom::{MeetingRequest, ZoomClient};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeZoom::start(FakeZoomConfig::default()).await?;
//! let zoom = ZoomClient::new(fake.zoom_config())?;
//! let m = zoom.create_meeting("me", &MeetingRequest::scheduled("Intro", "2030-01-01T10:00:00Z", 30)).await?;
//! assert!(fake.meeting(m.id).is_some());
//! assert!(fake.violations().is_empty());
//! # Ok(()) }
//! ```

pub mod spec;
mod zoom;

pub use zoom::{Fault, FakeLimits, FakeSession, FakeStats, FakeZoom, FakeZoomConfig, SeenRequest};
