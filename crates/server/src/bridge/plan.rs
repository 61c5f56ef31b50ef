//! `plan`: what an event means for a booking. Pure: no IO, time is an
//! argument.
//!
//! The state of a booking is a set of **facts**, one [`Node`] per provider
//! key in its lineage, each fact merged so that the order of arrival does
//! not matter: last-writer-wins registers stamped with the provider's own
//! time (ties broken by the value), and flags that only ever turn on
//! (`cancelled`, `rejected`, `confirmed`). Applying an event is a join
//! with the facts it carries, so applying any permutation of a history,
//! with duplicates, gives the same state as applying it in order
//! (commutative, associative, idempotent). The desired booking is then
//! read off the facts ([`Lineage::desired`]): the head of the reschedule
//! chain decides status and time, a cancellation of the head is final (a
//! cancel that arrives before its create still wins), and the old half of
//! a reschedule never cancels anything (the session moves).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::model::{
    Attendee, AttendeeStatus, BookingEvent, Details, EventBody, ExternalKey, JoinWindow, Person,
    SessionKind, Shape, UnixMillis,
};

/// A value stamped with the provider's time; the greater `(at, value)`
/// wins a merge.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamped<T> {
    /// When.
    pub at: UnixMillis,
    /// What.
    pub value: T,
}

fn lww<T: Ord + Clone>(slot: &mut Option<Stamped<T>>, new: &Stamped<T>) {
    match slot {
        Some(old) if &*old >= new => {}
        _ => *slot = Some(new.clone()),
    }
}

/// What is known about one provider key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Node {
    /// The latest details a provider sent for this key.
    pub details: Option<Stamped<Details>>,
    /// A delivery said the booking is confirmed (never turns off: a late
    /// "requested" does not un-accept).
    pub confirmed: bool,
    /// Cancelled for good (not the old half of a reschedule).
    pub cancelled: bool,
    /// Rejected by the organiser.
    pub rejected: bool,
    /// Keys this one was rescheduled to.
    pub successors: BTreeSet<ExternalKey>,
    /// Keys this one replaces.
    pub predecessors: BTreeSet<ExternalKey>,
    /// Attendee changes by e-mail: `Some` added, `None` removed.
    pub attendees: BTreeMap<String, Stamped<Option<Person>>>,
    /// The latest host change.
    pub host: Option<Stamped<Person>>,
}

impl Node {
    fn merge(&mut self, other: &Node) {
        if let Some(d) = &other.details {
            lww(&mut self.details, d);
        }
        self.confirmed |= other.confirmed;
        self.cancelled |= other.cancelled;
        self.rejected |= other.rejected;
        self.successors.extend(other.successors.iter().cloned());
        self.predecessors.extend(other.predecessors.iter().cloned());
        for (email, fact) in &other.attendees {
            let mut slot = self.attendees.get(email).cloned();
            lww(&mut slot, fact);
            if let Some(fact) = slot {
                self.attendees.insert(email.clone(), fact);
            }
        }
        if let Some(h) = &other.host {
            lww(&mut self.host, h);
        }
    }
}

/// All keys of one booking and their facts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Lineage {
    /// By key (`{provider}:{id}`), so the JSON form is a plain object.
    pub nodes: BTreeMap<String, (ExternalKey, Node)>,
}

impl Lineage {
    fn node(&mut self, key: &ExternalKey) -> &mut Node {
        &mut self
            .nodes
            .entry(key.to_string())
            .or_insert_with(|| (key.clone(), Node::default()))
            .1
    }

    fn get(&self, key: &ExternalKey) -> Option<&Node> {
        self.nodes.get(&key.to_string()).map(|(_, n)| n)
    }

    /// Every key of the lineage, sorted.
    #[must_use]
    pub fn keys(&self) -> Vec<ExternalKey> {
        self.nodes.values().map(|(k, _)| k.clone()).collect()
    }

    /// Joins another lineage's facts into this one (when an event links
    /// two lineages the store had apart). Order-independent.
    pub fn merge(&mut self, other: &Lineage) {
        for (key, node) in other.nodes.values() {
            self.node(key).merge(node);
        }
    }

    /// Joins one event's facts. `MeetingGone` carries none (it is about
    /// the actual session, see [`plan`]).
    pub fn apply(&mut self, event: &BookingEvent) {
        let at = event.at;
        match &event.body {
            EventBody::Booked {
                details,
                confirmed,
                replaces,
            } => {
                let node = self.node(&event.key);
                lww(
                    &mut node.details,
                    &Stamped {
                        at,
                        value: details.clone(),
                    },
                );
                node.confirmed |= *confirmed;
                if let Some(old) = replaces {
                    if old != &event.key {
                        node.predecessors.insert(old.clone());
                        self.node(old).successors.insert(event.key.clone());
                    }
                }
            }
            EventBody::RescheduledTo { to } => {
                if to != &event.key {
                    self.node(&event.key).successors.insert(to.clone());
                    self.node(to).predecessors.insert(event.key.clone());
                }
            }
            EventBody::Cancelled => self.node(&event.key).cancelled = true,
            EventBody::Rejected => self.node(&event.key).rejected = true,
            EventBody::AttendeeAdded { person } => {
                let fact = Stamped {
                    at,
                    value: Some(person.clone()),
                };
                let node = self.node(&event.key);
                let mut slot = node.attendees.get(&person.email).cloned();
                lww(&mut slot, &fact);
                node.attendees
                    .insert(person.email.clone(), slot.unwrap_or(fact));
            }
            EventBody::AttendeeRemoved { email } => {
                let email = super::model::normalise_email(email);
                let fact = Stamped { at, value: None };
                let node = self.node(&event.key);
                let mut slot = node.attendees.get(&email).cloned();
                lww(&mut slot, &fact);
                node.attendees.insert(email, slot.unwrap_or(fact));
            }
            EventBody::HostChanged { host } => lww(
                &mut self.node(&event.key).host,
                &Stamped {
                    at,
                    value: host.clone(),
                },
            ),
            EventBody::MeetingGone { .. } => {
                self.node(&event.key);
            }
        }
    }

    /// The head of the reschedule chain: a key nothing replaces. With
    /// several (facts of keys not yet linked), one whose chain has
    /// details, then the one with the latest details, then the greatest
    /// key: an isolated cancellation of a key not yet known to be part of
    /// this booking does not take it over.
    fn head(&self) -> Option<&ExternalKey> {
        let rank = |entry: &&(ExternalKey, Node)| {
            let source = self
                .source(&entry.0, &entry.1)
                .map(|(_, n)| n.details.map(|d| d.at));
            (source.is_some(), source.flatten(), entry.0.clone())
        };
        let heads = self.nodes.values().filter(|(_, n)| n.successors.is_empty());
        heads
            .max_by_key(rank)
            .or_else(|| self.nodes.values().max_by_key(rank))
            .map(|(k, _)| k)
    }

    /// Where a head's details come from: the head itself or, while the head
    /// is a reschedule target not yet seen, its latest predecessor.
    fn source(&self, head: &ExternalKey, head_node: &Node) -> Option<(ExternalKey, Node)> {
        if head_node.details.is_some() {
            return Some((head.clone(), head_node.clone()));
        }
        let mut seen = BTreeSet::new();
        let mut queue: VecDeque<ExternalKey> = head_node.predecessors.iter().cloned().collect();
        let mut best: Option<(ExternalKey, Node)> = None;
        while let Some(k) = queue.pop_front() {
            if !seen.insert(k.clone()) {
                continue;
            }
            if let Some(n) = self.get(&k) {
                queue.extend(n.predecessors.iter().cloned());
                let better = match (&best, &n.details) {
                    (_, None) => false,
                    (None, Some(_)) => true,
                    (Some((bk, b)), Some(d)) => {
                        (Some(d.at), &k) > (b.details.as_ref().map(|x| x.at), bk)
                    }
                };
                if better {
                    best = Some((k.clone(), n.clone()));
                }
            }
        }
        best
    }

    /// The desired booking, read off the facts.
    #[must_use]
    pub fn desired(&self) -> Desired {
        let keys = self.keys();
        let Some(head) = self.head().cloned() else {
            return Desired {
                status: Status::Unknown,
                head: None,
                keys,
                booking: None,
            };
        };
        let head_node = self.get(&head).cloned().unwrap_or_default();
        let source = self.source(&head, &head_node);
        let status = if head_node.cancelled {
            Status::Cancelled
        } else if head_node.rejected {
            Status::Rejected
        } else {
            match &source {
                None => Status::Unknown,
                Some((_, n)) if n.confirmed => Status::Confirmed,
                Some(_) => Status::Pending,
            }
        };
        let booking = source.and_then(|(_, n)| n.details).map(|d| self.resolve(d));
        Desired {
            status,
            head: Some(head),
            keys,
            booking,
        }
    }

    /// Details with the attendee and host changes made since applied.
    fn resolve(&self, details: Stamped<Details>) -> Booking {
        let Stamped { at, value: d } = details;
        let roster_is_facts = d.attendees.is_none();
        let mut roster: BTreeMap<String, Attendee> = d
            .attendees
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.person.email.clone(), a))
            .collect();
        let mut facts: BTreeMap<String, Stamped<Option<Person>>> = BTreeMap::new();
        let mut host: Option<Stamped<Person>> = None;
        for (_, n) in self.nodes.values() {
            for (email, fact) in &n.attendees {
                let mut slot = facts.get(email).cloned();
                lww(&mut slot, fact);
                if let Some(s) = slot {
                    facts.insert(email.clone(), s);
                }
            }
            if let Some(h) = &n.host {
                lww(&mut host, h);
            }
        }
        for (email, fact) in facts {
            if !roster_is_facts && fact.at < at {
                continue;
            }
            match fact.value {
                Some(person) => {
                    roster.insert(
                        email,
                        Attendee {
                            person,
                            status: AttendeeStatus::Active,
                        },
                    );
                }
                None => {
                    if let Some(a) = roster.get_mut(&email) {
                        a.status = AttendeeStatus::Cancelled;
                    }
                }
            }
        }
        let organiser = match host {
            Some(h) if h.at >= at => h.value,
            _ => d.organiser,
        };
        Booking {
            title: d.title,
            start: d.start,
            end: d.end,
            time_zone: d.time_zone,
            organiser,
            attendees: roster.into_values().collect(),
            shape: d.shape,
            kind: d.kind,
            join_window: d.join_window,
        }
    }
}

/// A booking's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only facts without details so far (e.g. a cancellation that arrived
    /// before its booking): nothing to show, no session.
    Unknown,
    /// Waiting for the organiser's confirmation: no session yet.
    Pending,
    /// Confirmed: it wants its session.
    Confirmed,
    /// Cancelled: no session, for good.
    Cancelled,
    /// Rejected by the organiser: no session.
    Rejected,
}

impl Status {
    /// The lower-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Rejected => "rejected",
        }
    }
}

/// The booking as it should be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// The title.
    pub title: String,
    /// Start.
    pub start: UnixMillis,
    /// End.
    pub end: UnixMillis,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// The organiser (host).
    pub organiser: Person,
    /// Attendees with their status, by e-mail.
    pub attendees: Vec<Attendee>,
    /// One-to-one or group.
    pub shape: Shape,
    /// The session kind.
    pub kind: SessionKind,
    /// The join window.
    pub join_window: JoinWindow,
}

/// The desired state of a booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desired {
    /// The status.
    pub status: Status,
    /// The current provider key (the head of the reschedule chain).
    pub head: Option<ExternalKey>,
    /// Every key of the lineage.
    pub keys: Vec<ExternalKey>,
    /// The details, once any arrived.
    pub booking: Option<Booking>,
}

impl Desired {
    /// Whether the booking wants a session (confirmed, with details).
    #[must_use]
    pub fn wants_session(&self) -> bool {
        self.status == Status::Confirmed && self.booking.is_some()
    }
}

/// A Zoom meeting the bridge made.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingRef {
    /// The meeting id (the meeting number).
    pub id: u64,
    /// Where participants join.
    pub join_url: String,
    /// Where the host starts it (holds a token: never logged).
    pub start_url: String,
    /// The passcode.
    pub passcode: Option<String>,
}

impl std::fmt::Debug for MeetingRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeetingRef")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The session as converge jobs last made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actual {
    /// Its kind.
    pub kind: SessionKind,
    /// Video SDK: the topic (`tpc`); meeting: the topic sent to Zoom.
    pub topic: String,
    /// Video SDK: the session key.
    pub session_key: Option<String>,
    /// The meeting, for [`SessionKind::Meeting`].
    pub meeting: Option<MeetingRef>,
    /// The start the session has.
    pub start: UnixMillis,
    /// The end it has.
    pub end: UnixMillis,
    /// The title it was made from.
    pub title: String,
    /// The host's e-mail it was made for.
    pub host: String,
}

/// A booking's whole state: its facts and its actual session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BookingState {
    /// The facts.
    pub lineage: Lineage,
    /// The session, once a converge job made one.
    pub actual: Option<Actual>,
}

/// What a converge job must do to make the session match the booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// Nothing: the session matches (or the booking ended before it got one).
    Nothing,
    /// Make the session.
    Create,
    /// Move or retitle the existing session (same meeting, new time).
    Update,
    /// Delete and make anew (the kind or, for a meeting, the host changed).
    Recreate,
    /// Delete the session.
    Delete,
}

/// The step from `actual` to `desired` at `now`.
#[must_use]
pub fn next_step(desired: &Desired, actual: Option<&Actual>, now: UnixMillis) -> Step {
    match (desired.wants_session(), desired.booking.as_ref(), actual) {
        (true, Some(b), None) => {
            if b.end > now {
                Step::Create
            } else {
                Step::Nothing
            }
        }
        (true, Some(b), Some(a)) => {
            if a.kind != b.kind || (a.kind == SessionKind::Meeting && a.host != b.organiser.email) {
                Step::Recreate
            } else if a.start != b.start
                || a.end != b.end
                || a.title != b.title
                || a.host != b.organiser.email
            {
                Step::Update
            } else {
                Step::Nothing
            }
        }
        (_, _, Some(_)) => Step::Delete,
        _ => Step::Nothing,
    }
}

/// A change the app hears about (through the outbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "change")]
#[non_exhaustive]
pub enum Change {
    /// The booking got its first details.
    Mapped,
    /// The status changed.
    StatusChanged {
        /// Before.
        from: Status,
        /// After.
        to: Status,
    },
    /// The time changed.
    Moved {
        /// The old start.
        from: UnixMillis,
        /// The new start.
        to: UnixMillis,
    },
    /// The attendees changed.
    AttendeesChanged,
    /// The organiser changed.
    HostChanged,
    /// Zoom lost the meeting (it is recreated if still wanted).
    SessionLost,
}

/// What [`plan`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Plan {
    /// The new state to persist.
    pub state: BookingState,
    /// The desired booking it implies.
    pub desired: Desired,
    /// What changed, for the app.
    pub changes: Vec<Change>,
    /// What a converge job must do.
    pub step: Step,
}

impl Plan {
    /// Whether a converge job must run.
    #[must_use]
    pub fn needs_converge(&self) -> bool {
        self.step != Step::Nothing
    }
}

/// Applies `event` to `state` at `now`: the new state, its desired
/// booking, what changed and what must converge. Pure.
pub fn plan(state: &BookingState, event: &BookingEvent, now: UnixMillis) -> Plan {
    let before = state.lineage.desired();
    let mut next = state.clone();
    next.lineage.apply(event);
    let mut changes = Vec::new();
    if let EventBody::MeetingGone { meeting_id } = &event.body {
        let lost = next
            .actual
            .as_ref()
            .and_then(|a| a.meeting.as_ref())
            .is_some_and(|m| m.id == *meeting_id);
        if lost {
            next.actual = None;
            changes.push(Change::SessionLost);
        }
    }
    let desired = next.lineage.desired();
    changes.splice(0..0, diff(&before, &desired));
    let step = next_step(&desired, next.actual.as_ref(), now);
    Plan {
        state: next,
        desired,
        changes,
        step,
    }
}

/// What changed between two desired states.
#[must_use]
pub fn diff(before: &Desired, after: &Desired) -> Vec<Change> {
    let mut changes = Vec::new();
    match (&before.booking, &after.booking) {
        (None, Some(_)) => changes.push(Change::Mapped),
        (Some(b), Some(a)) => {
            if b.start != a.start {
                changes.push(Change::Moved {
                    from: b.start,
                    to: a.start,
                });
            }
            if b.attendees != a.attendees {
                changes.push(Change::AttendeesChanged);
            }
            if b.organiser != a.organiser {
                changes.push(Change::HostChanged);
            }
        }
        _ => {}
    }
    if before.status != after.status {
        changes.push(Change::StatusChanged {
            from: before.status,
            to: after.status,
        });
    }
    changes
}

/// A Video SDK topic for a booking: the title reduced to what `tpc` takes
/// (visible ASCII and space, runs of space collapsed) and cut so that,
/// with ` #{booking id}` appended to keep it unique, it stays within
/// Zoom's 200 characters.
#[must_use]
pub fn video_sdk_topic(title: &str, booking_id: &str) -> String {
    const MAX: usize = 200;
    let suffix = format!(" #{booking_id}");
    let suffix: String = suffix
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect();
    let mut cleaned = String::new();
    for c in title.chars() {
        let c = if c.is_ascii_graphic() { c } else { ' ' };
        if c == ' ' && (cleaned.is_empty() || cleaned.ends_with(' ')) {
            continue;
        }
        cleaned.push(c);
    }
    let room = MAX.saturating_sub(suffix.len());
    cleaned.truncate(room);
    let cleaned = cleaned.trim_end();
    let topic = if cleaned.is_empty() {
        format!("booking{suffix}")
    } else {
        format!("{cleaned}{suffix}")
    };
    topic.chars().take(MAX).collect()
}
