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
//! use zoomkit_server::zoom::{
//!     AutoRecording, Deleted, MeetingRequest, MeetingSettings, ZoomClient, ZoomConfig,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeZoom::start(FakeZoomConfig::default()).await?;
//! // Against Zoom: ZoomConfig::new(account_id, client_id, client_secret).
//! let config: ZoomConfig = fake.zoom_config();
//! let zoom = ZoomClient::new(config)?;
//!
//! let request = MeetingRequest::scheduled("Coaching", "2030-01-07T09:00:00Z", 45)
//!     .timezone("Europe/Berlin")
//!     .agenda("Booked through zoomkit")
//!     .tracking_field("zoomkit-booking", "calcom:uid-123")
//!     .settings(MeetingSettings {
//!         waiting_room: Some(true),
//!         mute_upon_entry: Some(true),
//!         auto_recording: Some(AutoRecording::Cloud),
//!         ..Default::default()
//!     });
//! let meeting = zoom.create_meeting("me", &request).await?;
//! zoom.update_meeting(meeting.id, &MeetingRequest::default().duration(60)).await?;
//! assert_eq!(zoom.meeting(meeting.id).await?.duration, Some(60));
//! assert_eq!(zoom.delete_meeting(meeting.id).await?, Deleted::Deleted);
//! // Deleting again is success: it is already gone (404, code 3001).
//! assert_eq!(zoom.delete_meeting(meeting.id).await?, Deleted::AlreadyGone);
//! assert!(fake.violations().is_empty());
//! # Ok(()) }
//! ```

pub mod spec;
mod zoom;

pub use zoom::{FakeLimits, FakeSession, FakeStats, FakeZoom, FakeZoomConfig, Fault, SeenRequest};
