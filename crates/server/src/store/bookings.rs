//! The bridge's tables: bookings (their facts), the provider keys that name
//! them, and their sessions.
//!
//! [`Store::apply_booking_event`] is the one writer of a booking's facts:
//! in one transaction it finds the booking by any key the event names
//! (merging two lineages an event shows to be one), runs the pure
//! [`bridge::plan`](crate::bridge::plan::plan), stores the new facts and
//! keys, and enqueues a [`JobKind::ConvergeBooking`] job when the session
//! must change. Converge jobs record what they made with
//! [`Store::record_session`], against the version they read.

use std::fmt;
use std::time::SystemTime;

use sqlx::{AnyConnection, Row as _};

use super::jobs::JobKind;
use super::{from_millis, to_millis, Store, StoreError};
use crate::bridge::{
    plan, Actual, BookingEvent, BookingState, Change, Desired, ExternalKey, Lineage, Step,
};

/// A booking's zoomkit id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BookingId(pub i64);

impl fmt::Display for BookingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A booking as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BookingRecord {
    /// Its id.
    pub id: BookingId,
    /// Its facts and its session.
    pub state: BookingState,
    /// The desired booking read off the facts.
    pub desired: Desired,
    /// Bumped by every change of the facts.
    pub version: i64,
    /// When it was first stored.
    pub created_at: SystemTime,
    /// When it last changed.
    pub updated_at: SystemTime,
    /// Set when its lineage turned out to be part of another booking.
    pub merged_into: Option<BookingId>,
}

/// What [`Store::apply_booking_event`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Applied {
    /// The booking the event belongs to.
    pub booking: BookingId,
    /// Whether the booking was new.
    pub created: bool,
    /// Other bookings whose lineage this event joined to it.
    pub merged: Vec<BookingId>,
    /// What changed.
    pub changes: Vec<Change>,
    /// What the session needs.
    pub step: Step,
    /// The desired booking after the event.
    pub desired: Desired,
}

fn corrupt(table: &'static str, column: &'static str, e: &serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        table,
        column,
        value: format!("JSON that does not parse ({})", e.classify_name()),
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|_| StoreError::InvalidInput {
        field: "booking state",
        reason: "cannot be written as JSON".into(),
    })
}

impl Store {
    /// Applies one booking event (see the [module docs](self)). Running it
    /// twice is harmless: the facts are a set, so a redelivered or
    /// re-processed event changes nothing the second time.
    pub async fn apply_booking_event(
        &self,
        event: &BookingEvent,
        now: SystemTime,
    ) -> Result<Applied, StoreError> {
        let now_ms = to_millis(now, "now")?;
        let mut tx = self.begin_write().await?;
        // A write first, so SQLite takes its write lock at once (see
        // `insert_delivery`).
        sqlx::query("UPDATE bookings SET version = version WHERE id = -1")
            .execute(&mut *tx)
            .await?;
        let keys: Vec<String> = event.keys().iter().map(ToString::to_string).collect();
        let mut ids = Vec::new();
        for key in &keys {
            let id: Option<i64> =
                sqlx::query_scalar("SELECT booking_id FROM booking_keys WHERE external_key = $1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            ids.extend(id);
        }
        ids.sort_unstable();
        ids.dedup();
        let (id, created) = match ids.first() {
            Some(id) => (*id, false),
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO bookings (state, status, version, created_at, updated_at) \
                     VALUES ('{\"nodes\":{}}', 'unknown', 0, $1, $1) RETURNING id",
                )
                .bind(now_ms)
                .fetch_one(&mut *tx)
                .await?;
                (id, true)
            }
        };
        let mut state = load_state(&mut tx, id).await?.unwrap_or_default();
        let mut merged = Vec::new();
        for other in ids.iter().skip(1).copied() {
            let Some(theirs) = load_state(&mut tx, other).await? else {
                continue;
            };
            state.lineage.merge(&theirs.lineage);
            // Their session becomes ours if we have none; else their
            // converge job deletes it (their lineage is now empty).
            let moves_session = state.actual.is_none() && theirs.actual.is_some();
            if moves_session {
                state.actual = theirs.actual.clone();
                sqlx::query("DELETE FROM sessions WHERE booking_id = $1")
                    .bind(other)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE bookings SET state = '{\"nodes\":{}}', status = 'unknown', head = NULL, \
                 merged_into = $1, version = version + 1, updated_at = $2 WHERE id = $3",
            )
            .bind(id)
            .bind(now_ms)
            .bind(other)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE booking_keys SET booking_id = $1 WHERE booking_id = $2")
                .bind(id)
                .bind(other)
                .execute(&mut *tx)
                .await?;
            if !moves_session && theirs.actual.is_some() {
                self.enqueue_in(&mut tx, JobKind::ConvergeBooking(BookingId(other)), now_ms)
                    .await?;
            }
            merged.push(BookingId(other));
        }
        let actual_before = state.actual.clone();
        let p = plan(&state, event, now_ms);
        if created || p.state.lineage != state.lineage || !merged.is_empty() {
            write_state(&mut tx, id, &p.state.lineage, &p.desired, now_ms).await?;
        }
        for key in p.state.lineage.keys() {
            sqlx::query(
                "INSERT INTO booking_keys (external_key, booking_id) VALUES ($1, $2) \
                 ON CONFLICT (external_key) DO UPDATE SET booking_id = excluded.booking_id",
            )
            .bind(key.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if p.state.actual != actual_before || !merged.is_empty() {
            write_session(&mut tx, id, p.state.actual.as_ref(), now_ms).await?;
        }
        let mut woke = false;
        if p.needs_converge() {
            woke = self
                .enqueue_in(&mut tx, JobKind::ConvergeBooking(BookingId(id)), now_ms)
                .await?;
        }
        tx.commit().await?;
        if woke || !merged.is_empty() {
            self.wake_workers();
        }
        Ok(Applied {
            booking: BookingId(id),
            created,
            merged,
            changes: p.changes,
            step: p.step,
            desired: p.desired,
        })
    }

    /// One booking, or `None`.
    pub async fn booking(&self, id: BookingId) -> Result<Option<BookingRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, state, version, created_at, updated_at, merged_into \
             FROM bookings WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let lineage: Lineage = serde_json::from_str(&row.try_get::<String, _>("state")?)
            .map_err(|e| corrupt("bookings", "state", &e))?;
        let actual: Option<String> =
            sqlx::query_scalar("SELECT actual FROM sessions WHERE booking_id = $1")
                .bind(id.0)
                .fetch_optional(self.pool())
                .await?;
        let actual = actual
            .map(|a| serde_json::from_str::<Actual>(&a))
            .transpose()
            .map_err(|e| corrupt("sessions", "actual", &e))?;
        let desired = lineage.desired();
        Ok(Some(BookingRecord {
            id,
            state: BookingState { lineage, actual },
            desired,
            version: row.try_get("version")?,
            created_at: from_millis(row.try_get("created_at")?),
            updated_at: from_millis(row.try_get("updated_at")?),
            merged_into: row.try_get::<Option<i64>, _>("merged_into")?.map(BookingId),
        }))
    }

    /// The booking a provider key names, or `None`.
    pub async fn booking_id_by_key(
        &self,
        key: &ExternalKey,
    ) -> Result<Option<BookingId>, StoreError> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT booking_id FROM booking_keys WHERE external_key = $1")
                .bind(key.to_string())
                .fetch_optional(self.pool())
                .await?;
        Ok(id.map(BookingId))
    }

    /// The booking whose session is Zoom meeting `meeting_id`, or `None`.
    pub async fn booking_id_by_meeting(
        &self,
        meeting_id: u64,
    ) -> Result<Option<BookingId>, StoreError> {
        let Ok(m) = i64::try_from(meeting_id) else {
            return Ok(None);
        };
        let id: Option<i64> =
            sqlx::query_scalar("SELECT booking_id FROM sessions WHERE meeting_id = $1")
                .bind(m)
                .fetch_optional(self.pool())
                .await?;
        Ok(id.map(BookingId))
    }

    /// Records the session a converge job made (or `None`: deleted), if the
    /// booking's facts are still at `version`. Returns whether it was
    /// written; `false` means the facts moved on: the job must read again.
    pub async fn record_session(
        &self,
        id: BookingId,
        version: i64,
        actual: Option<&Actual>,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        let now_ms = to_millis(now, "now")?;
        let mut tx = self.begin_write().await?;
        let touched =
            sqlx::query("UPDATE bookings SET updated_at = $1 WHERE id = $2 AND version = $3")
                .bind(now_ms)
                .bind(id.0)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        if touched.rows_affected() != 1 {
            return Ok(false);
        }
        write_session(&mut tx, id.0, actual, now_ms).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every booking id, oldest first (for sweeps and tests).
    pub async fn booking_ids(&self) -> Result<Vec<BookingId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM bookings ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        Ok(ids.into_iter().map(BookingId).collect())
    }
}

async fn load_state(conn: &mut AnyConnection, id: i64) -> Result<Option<BookingState>, StoreError> {
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM bookings WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(state) = state else { return Ok(None) };
    let lineage: Lineage =
        serde_json::from_str(&state).map_err(|e| corrupt("bookings", "state", &e))?;
    let actual: Option<String> =
        sqlx::query_scalar("SELECT actual FROM sessions WHERE booking_id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let actual = actual
        .map(|a| serde_json::from_str::<Actual>(&a))
        .transpose()
        .map_err(|e| corrupt("sessions", "actual", &e))?;
    Ok(Some(BookingState { lineage, actual }))
}

async fn write_state(
    conn: &mut AnyConnection,
    id: i64,
    lineage: &Lineage,
    desired: &Desired,
    now_ms: i64,
) -> Result<(), StoreError> {
    let booking = desired.booking.as_ref();
    sqlx::query(
        "UPDATE bookings SET state = $1, status = $2, head = $3, start_at = $4, end_at = $5, \
         kind = $6, version = version + 1, updated_at = $7 WHERE id = $8",
    )
    .bind(to_json(lineage)?)
    .bind(desired.status.as_str())
    .bind(desired.head.as_ref().map(ToString::to_string))
    .bind(booking.map(|b| b.start))
    .bind(booking.map(|b| b.end))
    .bind(booking.map(|b| b.kind.as_str()))
    .bind(now_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write_session(
    conn: &mut AnyConnection,
    id: i64,
    actual: Option<&Actual>,
    now_ms: i64,
) -> Result<(), StoreError> {
    match actual {
        None => {
            sqlx::query("DELETE FROM sessions WHERE booking_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        Some(a) => {
            let meeting = a.meeting.as_ref().and_then(|m| i64::try_from(m.id).ok());
            sqlx::query(
                "INSERT INTO sessions (booking_id, actual, meeting_id, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (booking_id) DO UPDATE SET \
                 actual = excluded.actual, meeting_id = excluded.meeting_id, \
                 updated_at = excluded.updated_at",
            )
            .bind(id)
            .bind(to_json(a)?)
            .bind(meeting)
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
