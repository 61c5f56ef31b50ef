//! From the providers' typed webhook payloads to [`BookingEvent`]s.
//!
//! Calendly: a one-to-one event type's booking is its **invitee**
//! (`calendly:{invitee uuid}`); a reschedule is `invitee.canceled` with
//! `rescheduled: true` (-> [`EventBody::RescheduledTo`]) and
//! `invitee.created` with `old_invitee` (-> `Booked { replaces }`), in no
//! guaranteed order. A group event type's booking is the **scheduled
//! event** (`calendly:event-{uuid}`), its invitees attendees that come and go.
//!
//! Cal.com: the booking is its `uid`; `BOOKING_RESCHEDULED` brings a new
//! uid with `rescheduleUid`; `BOOKING_REQUESTED` is pending until a
//! `BOOKING_CREATED` with `ACCEPTED` (or `BOOKING_REJECTED`).

use std::collections::BTreeMap;

use thiserror::Error;

use super::model::{
    Attendee, AttendeeStatus, BookingEvent, Details, EventBody, ExternalKey, JoinWindow, Person,
    Provider, SessionKind, Shape,
};
use super::time::parse_rfc3339;
use crate::webhook::calcom::{self, CalcomEvent};
use crate::webhook::calendly::{self, CalendlyEvent};

/// Per event type settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventTypeSettings {
    /// Video SDK session or meeting; `None`: the default.
    pub kind: Option<SessionKind>,
    /// `Some(n)`: a group of up to `n` attendees.
    pub group_capacity: Option<u32>,
    /// The join window; `None`: the default.
    pub join_window: Option<JoinWindow>,
}

/// How provider bookings become bridge bookings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapSettings {
    /// The session kind when the event type does not say.
    pub default_kind: SessionKind,
    /// The join window when the event type does not say.
    pub default_join_window: JoinWindow,
    /// By event type: a Calendly event type URI, or a Cal.com event type
    /// id (decimal) or slug.
    pub event_types: BTreeMap<String, EventTypeSettings>,
}

impl MapSettings {
    fn for_type<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> EventTypeSettings {
        names
            .into_iter()
            .find_map(|n| self.event_types.get(n).copied())
            .unwrap_or_default()
    }

    fn shape_kind_window(&self, t: EventTypeSettings) -> (Shape, SessionKind, JoinWindow) {
        (
            t.group_capacity
                .map_or(Shape::OneToOne, |capacity| Shape::Group { capacity }),
            t.kind.unwrap_or(self.default_kind),
            t.join_window.unwrap_or(self.default_join_window),
        )
    }
}

/// Why a verified payload cannot become a booking event.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MapError {
    /// A time field is not RFC 3339.
    #[error("{provider} payload field `{field}` is not an RFC 3339 time")]
    BadTime {
        /// `calendly` or `calcom`.
        provider: &'static str,
        /// The field.
        field: &'static str,
    },
    /// A URI does not end in a uuid segment where one is expected.
    #[error("{provider} payload field `{field}` is not a URI ending in an id")]
    BadUri {
        /// The provider.
        provider: &'static str,
        /// The field.
        field: &'static str,
    },
    /// No organiser address to host the session.
    #[error("{provider} payload names no organiser e-mail (`{field}`)")]
    NoOrganiser {
        /// The provider.
        provider: &'static str,
        /// Where it was looked for.
        field: &'static str,
    },
    /// The booking ends before it starts.
    #[error("{provider} booking ends before it starts")]
    EndBeforeStart {
        /// The provider.
        provider: &'static str,
    },
}

fn time(provider: &'static str, field: &'static str, text: &str) -> Result<i64, MapError> {
    parse_rfc3339(text).ok_or(MapError::BadTime { provider, field })
}

/// The last path segment of a URI (`.../invitees/{uuid}` -> `{uuid}`).
fn last_segment(uri: &str) -> Option<&str> {
    let seg = uri.trim_end_matches('/').rsplit('/').next()?;
    (!seg.is_empty() && !seg.contains(':')).then_some(seg)
}

/// The scheduled event's uuid in an invitee URI
/// (`.../scheduled_events/{event}/invitees/{invitee}`).
fn event_of_invitee(uri: &str) -> Option<&str> {
    let mut parts = uri.trim_end_matches('/').rsplit('/');
    let _invitee = parts.next()?;
    (parts.next()? == "invitees").then_some(())?;
    parts.next().filter(|s| !s.is_empty())
}

const CALENDLY: &str = "calendly";
const CALCOM: &str = "calcom";

/// Maps a Calendly delivery. Unknown events map to nothing.
pub fn from_calendly(
    event: &CalendlyEvent,
    settings: &MapSettings,
) -> Result<Vec<BookingEvent>, MapError> {
    let (delivery, created) = match event {
        CalendlyEvent::InviteeCreated(d) => (d, true),
        CalendlyEvent::InviteeCanceled(d) => (d, false),
        _ => return Ok(Vec::new()),
    };
    let at = time(CALENDLY, "created_at", &delivery.created_at)?;
    let inv: &calendly::Invitee = &delivery.payload;
    let ev = &inv.scheduled_event;
    let names = [ev.event_type.as_deref().unwrap_or_default()];
    let t = settings.for_type(names);
    let (shape, kind, join_window) = settings.shape_kind_window(t);
    let invitee_id = last_segment(&inv.uri).ok_or(MapError::BadUri {
        provider: CALENDLY,
        field: "payload.uri",
    })?;
    let event_id = last_segment(&ev.uri).ok_or(MapError::BadUri {
        provider: CALENDLY,
        field: "payload.scheduled_event.uri",
    })?;
    let person = Person::new(inv.email.expose(), inv.name.expose());
    let group = matches!(shape, Shape::Group { .. });
    let key = if group {
        ExternalKey::new(Provider::Calendly, format!("event-{event_id}"))
    } else {
        ExternalKey::new(Provider::Calendly, invitee_id)
    };
    let one = |body| BookingEvent {
        key: key.clone(),
        at,
        body,
    };
    if !created {
        if group {
            return Ok(vec![if ev.status == "canceled" {
                one(EventBody::Cancelled)
            } else {
                one(EventBody::AttendeeRemoved {
                    email: person.email.clone(),
                })
            }]);
        }
        let successor = inv
            .new_invitee
            .as_deref()
            .filter(|_| inv.rescheduled)
            .map(|uri| {
                last_segment(uri).ok_or(MapError::BadUri {
                    provider: CALENDLY,
                    field: "payload.new_invitee",
                })
            })
            .transpose()?;
        return Ok(vec![one(match successor {
            Some(to) => EventBody::RescheduledTo {
                to: ExternalKey::new(Provider::Calendly, to),
            },
            None => EventBody::Cancelled,
        })]);
    }
    let host = ev
        .event_memberships
        .iter()
        .find_map(|m| {
            m.user_email.as_ref().map(|e| {
                Person::new(
                    e.expose(),
                    m.user_name.as_ref().map_or("", |n| n.expose().as_str()),
                )
            })
        })
        .ok_or(MapError::NoOrganiser {
            provider: CALENDLY,
            field: "payload.scheduled_event.event_memberships[].user_email",
        })?;
    let start = time(
        CALENDLY,
        "payload.scheduled_event.start_time",
        &ev.start_time,
    )?;
    let end = time(CALENDLY, "payload.scheduled_event.end_time", &ev.end_time)?;
    if end < start {
        return Err(MapError::EndBeforeStart { provider: CALENDLY });
    }
    let details = Details {
        title: ev.name.clone().unwrap_or_default(),
        start,
        end,
        time_zone: inv.timezone.clone(),
        organiser: host,
        attendees: (!group).then(|| {
            vec![Attendee {
                person: person.clone(),
                status: AttendeeStatus::Active,
            }]
        }),
        shape,
        kind,
        join_window,
    };
    if group {
        return Ok(vec![
            one(EventBody::Booked {
                details,
                confirmed: true,
                replaces: None,
            }),
            one(EventBody::AttendeeAdded { person }),
        ]);
    }
    let replaces = inv
        .old_invitee
        .as_deref()
        .map(|uri| {
            last_segment(uri).ok_or(MapError::BadUri {
                provider: CALENDLY,
                field: "payload.old_invitee",
            })
        })
        .transpose()?
        .map(|id| ExternalKey::new(Provider::Calendly, id));
    Ok(vec![one(EventBody::Booked {
        details,
        confirmed: true,
        replaces,
    })])
}

/// The scheduled event uuid an invitee URI names (for finding a group
/// booking by invitee).
#[must_use]
pub fn calendly_event_of_invitee(uri: &str) -> Option<&str> {
    event_of_invitee(uri)
}

/// Maps a Cal.com delivery. Unknown triggers and `MEETING_ENDED` map to
/// nothing.
pub fn from_calcom(
    event: &CalcomEvent,
    settings: &MapSettings,
) -> Result<Vec<BookingEvent>, MapError> {
    let (d, which) = match event {
        CalcomEvent::BookingCreated(d) => (d, "created"),
        CalcomEvent::BookingRescheduled(d) => (d, "rescheduled"),
        CalcomEvent::BookingRequested(d) => (d, "requested"),
        CalcomEvent::BookingCancelled(d) => (d, "cancelled"),
        CalcomEvent::BookingRejected(d) => (d, "rejected"),
        _ => return Ok(Vec::new()),
    };
    let at = time(CALCOM, "createdAt", &d.created_at)?;
    let b: &calcom::Booking = &d.payload;
    let key = ExternalKey::new(Provider::Calcom, b.uid.clone());
    let body = match which {
        "cancelled" => EventBody::Cancelled,
        "rejected" => EventBody::Rejected,
        _ => {
            let id = b.event_type_id.map(|i| i.to_string());
            let names = [id.as_deref(), b.kind.as_deref()];
            let t = settings.for_type(names.into_iter().flatten());
            let (shape, kind, join_window) = settings.shape_kind_window(t);
            let start = time(CALCOM, "payload.startTime", &b.start_time)?;
            let end = time(CALCOM, "payload.endTime", &b.end_time)?;
            if end < start {
                return Err(MapError::EndBeforeStart { provider: CALCOM });
            }
            let email = b.organizer.email.expose();
            if email.trim().is_empty() {
                return Err(MapError::NoOrganiser {
                    provider: CALCOM,
                    field: "payload.organizer.email",
                });
            }
            let status = b.status.as_deref().unwrap_or("ACCEPTED");
            let confirmed = which != "requested" && status.eq_ignore_ascii_case("ACCEPTED");
            EventBody::Booked {
                details: Details {
                    title: b.title.clone(),
                    start,
                    end,
                    time_zone: b.organizer.time_zone.clone(),
                    organiser: Person::new(email, b.organizer.name.expose()),
                    attendees: Some(
                        b.attendees
                            .iter()
                            .map(|p| Attendee {
                                person: Person::new(p.email.expose(), p.name.expose()),
                                status: AttendeeStatus::Active,
                            })
                            .collect(),
                    ),
                    shape,
                    kind,
                    join_window,
                },
                confirmed,
                replaces: b
                    .reschedule_uid
                    .as_ref()
                    .map(|u| ExternalKey::new(Provider::Calcom, u.clone())),
            }
        }
    };
    Ok(vec![BookingEvent { key, at, body }])
}

#[cfg(test)]
mod tests {
    use super::{event_of_invitee, last_segment};

    #[test]
    fn uris_give_their_ids() {
        let inv = "https://api.calendly.com/scheduled_events/EV1/invitees/INV1";
        assert_eq!(last_segment(inv), Some("INV1"));
        assert_eq!(event_of_invitee(inv), Some("EV1"));
        assert_eq!(event_of_invitee("https://x/y/INV1"), None);
        assert_eq!(last_segment(""), None);
        assert_eq!(last_segment("https:"), None);
    }
}
