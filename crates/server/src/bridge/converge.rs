//! Converge jobs: make a booking's session match its desired state, and
//! record what was made (rule 5 of `../shared/SERVER.md`).
//!
//! - **Lease**: a converge job is the queue's, unique per booking while
//!   live ([`JobKind::ConvergeBooking`](crate::store::JobKind)), claimed
//!   under the queue's lease, so one worker at a time works on a booking.
//! - **Marker**: every meeting we create carries
//!   `zoomkit-booking:{id}` in its agenda. Before creating, the job lists
//!   the host's scheduled meetings and adopts one with the marker: a
//!   create that timed out after Zoom made the meeting, or a crash between
//!   the create and the record, does not make a second one.
//! - **Budget**: creates and updates go through the Zoom client, which
//!   paces them under the account's per-second limits and the per-host
//!   daily cap (`http::zoom_limits`); a 429 or a 5xx is a retried job.
//! - **Version**: the result is recorded only if the booking's facts did
//!   not change since the job read them; otherwise the job is retried and
//!   reads them again.
//!
//! Video SDK sessions need no Zoom call: the job assigns the topic
//! ([`video_sdk_topic`]) and the session key once, and keeps them through
//! reschedules (tokens minted before a move stay valid).

use std::time::SystemTime;

use thiserror::Error;

use super::plan::{next_step, video_sdk_topic, Actual, Booking, MeetingRef, Step};
use super::time::format_rfc3339;
use super::SessionKind;
use crate::store::{BookingId, JobError, Store, StoreError};
use crate::zoom::{Deleted, ListType, MeetingRequest, ZoomClient, ZoomError};

/// The marker written into the agenda of the meeting of booking `id`.
#[must_use]
pub fn marker(id: BookingId) -> String {
    format!("zoomkit-booking:{}", id.0)
}

/// The Video SDK session key of booking `id` (at most 36 characters).
#[must_use]
pub fn session_key(id: BookingId) -> String {
    format!("zk-{}", id.0)
}

/// Why a converge job did not finish.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConvergeError {
    /// The store failed.
    #[error("booking store: {0}")]
    Store(#[from] StoreError),
    /// Zoom failed (a 429 or 5xx is worth a retry; the job is retried).
    #[error("zoom: {0}")]
    Zoom(#[from] ZoomError),
    /// The booking wants a meeting but no Zoom client is configured.
    #[error("booking {0} wants a Zoom meeting but no Zoom credentials are configured (set the S2S app's credentials, or use Video SDK sessions)")]
    NoZoom(BookingId),
    /// The booking's facts changed while the job worked: read again.
    #[error("booking {0} changed while converging; retrying with the new state")]
    Moved(BookingId),
    /// No such booking.
    #[error("booking {0} does not exist")]
    NoBooking(BookingId),
}

impl ConvergeError {
    /// As a job failure: a missing booking is permanent, the rest retried.
    #[must_use]
    pub fn into_job_error(self) -> JobError {
        match self {
            Self::NoBooking(_) | Self::NoZoom(_) => JobError::permanent(self.to_string()),
            _ => JobError::retry(self.to_string()),
        }
    }
}

fn to_ms(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn minutes(b: &Booking) -> u32 {
    let ms = (b.end - b.start).max(60_000);
    u32::try_from((ms + 59_999) / 60_000).unwrap_or(u32::MAX)
}

fn meeting_request(id: BookingId, b: &Booking) -> MeetingRequest {
    let mut r = MeetingRequest::scheduled(
        b.title.chars().take(200).collect::<String>(),
        format_rfc3339(b.start),
        minutes(b),
    )
    .agenda(marker(id));
    if let Some(tz) = &b.time_zone {
        r = r.timezone(tz.clone());
    }
    r
}

/// Runs one converge of booking `id` at `now`; returns the step taken.
pub async fn converge(
    store: &Store,
    zoom: Option<&ZoomClient>,
    id: BookingId,
    now: SystemTime,
) -> Result<Step, ConvergeError> {
    let record = store
        .booking(id)
        .await?
        .ok_or(ConvergeError::NoBooking(id))?;
    let actual = record.state.actual.clone();
    let step = next_step(&record.desired, actual.as_ref(), to_ms(now));
    let booking = record.desired.booking.clone();
    let next: Option<Actual> = match (step, booking) {
        (Step::Nothing, _) => return Ok(Step::Nothing),
        (Step::Delete, _) | (_, None) => {
            if let Some(m) = actual.as_ref().and_then(|a| a.meeting.as_ref()) {
                let zoom = zoom.ok_or(ConvergeError::NoZoom(id))?;
                let _gone: Deleted = zoom.delete_meeting(m.id).await?;
            }
            None
        }
        (Step::Create, Some(b)) => Some(create(zoom, id, &b, now).await?),
        (Step::Recreate, Some(b)) => {
            if let Some(m) = actual.as_ref().and_then(|a| a.meeting.as_ref()) {
                let zoom = zoom.ok_or(ConvergeError::NoZoom(id))?;
                zoom.delete_meeting(m.id).await?;
            }
            Some(create(zoom, id, &b, now).await?)
        }
        (Step::Update, Some(b)) => {
            let mut a = actual.clone().ok_or(ConvergeError::Moved(id))?;
            if let Some(m) = &a.meeting {
                let zoom = zoom.ok_or(ConvergeError::NoZoom(id))?;
                // Zoom refuses a start in the past; a booking that has
                // begun keeps its meeting as it is.
                if b.start > to_ms(now) {
                    match zoom.update_meeting(m.id, &meeting_request(id, &b)).await {
                        Ok(()) => {}
                        Err(e) if e.code() == Some(3001) => {
                            // Gone behind our back: record that; the retry creates it.
                            store.record_session(id, record.version, None, now).await?;
                            return Err(ConvergeError::Moved(id));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            a.start = b.start;
            a.end = b.end;
            a.title = b.title.clone();
            a.host = b.organiser.email.clone();
            Some(a)
        }
    };
    if store
        .record_session(id, record.version, next.as_ref(), now)
        .await?
    {
        Ok(step)
    } else {
        Err(ConvergeError::Moved(id))
    }
}

async fn create(
    zoom: Option<&ZoomClient>,
    id: BookingId,
    b: &Booking,
    now: SystemTime,
) -> Result<Actual, ConvergeError> {
    let _ = now;
    let host = b.organiser.email.clone();
    let mut actual = Actual {
        kind: b.kind,
        topic: String::new(),
        session_key: None,
        meeting: None,
        start: b.start,
        end: b.end,
        title: b.title.clone(),
        host: host.clone(),
    };
    match b.kind {
        SessionKind::VideoSdk => {
            actual.topic = video_sdk_topic(&b.title, &id.0.to_string());
            actual.session_key = Some(session_key(id));
        }
        SessionKind::Meeting => {
            let zoom = zoom.ok_or(ConvergeError::NoZoom(id))?;
            let mark = marker(id);
            let existing = zoom
                .list_meetings(&host, ListType::Scheduled)
                .await?
                .into_iter()
                .find(|m| m.agenda.as_ref().is_some_and(|a| a.expose() == &mark));
            let request = meeting_request(id, b);
            let meeting = match existing {
                Some(found) => {
                    // Ours from an earlier attempt: bring it to the
                    // booking's time, then read its URLs.
                    zoom.update_meeting(found.id, &request).await?;
                    zoom.meeting(found.id).await?
                }
                None => zoom.create_meeting(&host, &request).await?,
            };
            actual.topic = request
                .topic
                .as_ref()
                .map(|t| t.expose().clone())
                .unwrap_or_default();
            actual.meeting = Some(MeetingRef {
                id: meeting.id,
                join_url: meeting.join_url.map(|u| u.into_inner()).unwrap_or_default(),
                start_url: meeting
                    .start_url
                    .map(|u| u.into_inner())
                    .unwrap_or_default(),
                passcode: meeting.password.map(|p| p.into_inner()),
            });
        }
    }
    Ok(actual)
}
