//! The outbox: events for the app, committed with the state change they
//! report.
//!
//! An event is appended with [`append`] on the caller's open transaction,
//! so a state change and its event commit together or not at all (a crash
//! between the two cannot lose the event or announce a change that did not
//! happen). Delivering the events to the app (a Rust handler or a signed
//! Standard Webhooks request, with retries) reads them back with
//! [`Store::undelivered_events`] and records each outcome with
//! [`Store::mark_event_delivered`], [`Store::event_attempt_failed`] or
//! [`Store::event_failed`].
//!
//! | column | meaning |
//! |---|---|
//! | `seq` | the append order (a cursor for [`Store::events_since`]) |
//! | `id` | `evt_` + 32 random hex digits: stable across retries, the Standard Webhooks `webhook-id` |
//! | `kind` | e.g. `connection.needs_reauth` ([`kinds`]) |
//! | `payload` | JSON with ids only (no e-mail, name or token) |
//! | `status` | `pending`, `delivered` or `failed` ([`EventStatus`]) |
//! | `attempts`, `next_attempt_at`, `last_error` | delivery bookkeeping |
//!
//! On PostgreSQL, `seq` is taken when the row is inserted, not when its
//! transaction commits: a reader of [`Store::events_since`] can see seq 8
//! before seq 7 commits. Delivery must therefore work from
//! [`Store::undelivered_events`] (status), not from a seq cursor alone.

use std::fmt;
use std::time::SystemTime;

use chacha20poly1305::aead::OsRng;
use chacha20poly1305::{AeadCore, XChaCha20Poly1305};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row as _};

use super::{from_millis, to_millis, Store, StoreError};

/// The event kinds this crate appends.
pub mod kinds {
    /// A connection's grant was refused (`invalid_grant`): the account must
    /// be connected again. Payload: `{"connection_id", "provider", "account", "reason"}`.
    pub const CONNECTION_NEEDS_REAUTH: &str = "connection.needs_reauth";
}

const MAX_KIND_LEN: usize = 100;
/// Payloads hold ids; anything larger is a mistake (a whole body, say).
const MAX_PAYLOAD_LEN: usize = 16 * 1024;
const MAX_ERROR_LEN: usize = 500;

/// An event's stable id, `evt_` followed by 32 hex digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(String);

impl EventId {
    fn random() -> EventId {
        // 24 bytes from the OS generator (the same source as the token
        // nonces); 16 of them are plenty for a unique id.
        let bytes = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        EventId(format!("evt_{}", hex::encode(&bytes[..16])))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where an event is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventStatus {
    /// Not delivered yet (maybe after failed attempts).
    Pending,
    /// The app acknowledged it.
    Delivered,
    /// Given up on; kept for inspection.
    Failed,
}

impl EventStatus {
    /// The name stored in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Pending => "pending",
            EventStatus::Delivered => "delivered",
            EventStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "pending" => Ok(EventStatus::Pending),
            "delivered" => Ok(EventStatus::Delivered),
            "failed" => Ok(EventStatus::Failed),
            other => Err(StoreError::Corrupt {
                table: "outbox",
                column: "status",
                value: other.to_owned(),
            }),
        }
    }
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// e.g. [`kinds::CONNECTION_NEEDS_REAUTH`]; 1 to 100 bytes.
    pub kind: &'a str,
    /// Ids only: the app reads what it needs through its own API.
    pub payload: &'a serde_json::Value,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// Append order (see the [module docs](self) on PostgreSQL).
    pub seq: i64,
    /// Stable id.
    pub id: EventId,
    /// Its kind.
    pub kind: String,
    /// Its payload.
    pub payload: serde_json::Value,
    /// When it was appended.
    pub created_at: SystemTime,
    /// Delivery status.
    pub status: EventStatus,
    /// Delivery attempts recorded so far.
    pub attempts: u32,
    /// When the next attempt is due (pending events).
    pub next_attempt_at: SystemTime,
    /// The last attempt's error (a status code or reason, never a body).
    pub last_error: Option<String>,
    /// When it was delivered.
    pub delivered_at: Option<SystemTime>,
}

const COLUMNS: &str = "seq, id, kind, payload, created_at, status, attempts, next_attempt_at, \
                       last_error, delivered_at";

fn event_from_row(row: &AnyRow) -> Result<Event, StoreError> {
    let payload: String = row.try_get("payload")?;
    let payload = serde_json::from_str(&payload).map_err(|_| StoreError::Corrupt {
        table: "outbox",
        column: "payload",
        value: "not JSON".into(),
    })?;
    let status: String = row.try_get("status")?;
    let attempts: i64 = row.try_get("attempts")?;
    Ok(Event {
        seq: row.try_get("seq")?,
        id: EventId(row.try_get("id")?),
        kind: row.try_get("kind")?,
        payload,
        created_at: from_millis(row.try_get("created_at")?),
        status: EventStatus::parse(&status)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        next_attempt_at: from_millis(row.try_get("next_attempt_at")?),
        last_error: row.try_get("last_error")?,
        delivered_at: row
            .try_get::<Option<i64>, _>("delivered_at")?
            .map(from_millis),
    })
}

/// Appends an event on the caller's open transaction (`&mut *tx` of a
/// `sqlx::Transaction<Any>` or the store's own write transactions): it
/// commits or rolls back with the caller's change. Returns its id.
pub async fn append(
    conn: &mut AnyConnection,
    event: &NewEvent<'_>,
    now: SystemTime,
) -> Result<EventId, StoreError> {
    if event.kind.is_empty() || event.kind.len() > MAX_KIND_LEN {
        return Err(StoreError::InvalidInput {
            field: "kind",
            reason: format!("must be 1 to {MAX_KIND_LEN} bytes"),
        });
    }
    let payload = event.payload.to_string();
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(StoreError::InvalidInput {
            field: "payload",
            reason: format!(
                "is {} bytes; at most {MAX_PAYLOAD_LEN} (ids only, not bodies)",
                payload.len()
            ),
        });
    }
    let now = to_millis(now, "now")?;
    let id = EventId::random();
    sqlx::query(
        "INSERT INTO outbox (id, kind, payload, created_at, status, attempts, next_attempt_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $4)",
    )
    .bind(id.as_str())
    .bind(event.kind)
    .bind(payload)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

fn clamp_limit(limit: u32) -> i64 {
    i64::from(limit.clamp(1, 1000))
}

fn truncate(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

impl Store {
    /// Appends an event in a transaction of its own (for a change that has
    /// no transaction; otherwise use [`append`] on the caller's).
    pub async fn append_event(
        &self,
        event: &NewEvent<'_>,
        now: SystemTime,
    ) -> Result<EventId, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = append(&mut tx, event, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One event by id, or `None`.
    pub async fn event(&self, id: &EventId) -> Result<Option<Event>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(event_from_row).transpose()
    }

    /// Pending events whose next attempt is due at `now`, oldest first, at
    /// most `limit` (1 to 1000).
    pub async fn undelivered_events(
        &self,
        now: SystemTime,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        let now = to_millis(now, "now")?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
             ORDER BY seq LIMIT $2"
        ))
        .bind(now)
        .bind(clamp_limit(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Events with `seq > after`, in seq order, at most `limit` (1 to
    /// 1000), whatever their status (see the [module docs](self) on why a
    /// seq cursor alone is not a delivery mechanism on PostgreSQL).
    pub async fn events_since(&self, after: i64, limit: u32) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after)
        .bind(clamp_limit(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Records a successful delivery (one more attempt). `false` if the
    /// event does not exist or is no longer pending (already delivered by
    /// another worker, or failed).
    pub async fn mark_event_delivered(
        &self,
        id: &EventId,
        now: SystemTime,
    ) -> Result<bool, StoreError> {
        let now = to_millis(now, "now")?;
        let _gate = self.write_gate().await;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'delivered', delivered_at = $1, attempts = attempts + 1 \
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(now)
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a failed attempt and when to try again (the caller's
    /// backoff). `error` is a status code or reason, never a body
    /// (truncated to 500 bytes). `false` if the event is not pending.
    pub async fn event_attempt_failed(
        &self,
        id: &EventId,
        error: &str,
        retry_at: SystemTime,
    ) -> Result<bool, StoreError> {
        let retry_at = to_millis(retry_at, "retry_at")?;
        let _gate = self.write_gate().await;
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 \
             WHERE id = $3 AND status = 'pending'",
        )
        .bind(retry_at)
        .bind(truncate(error, MAX_ERROR_LEN))
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives up on an event after a last failed attempt: it stays, as
    /// `failed`, for inspection. `false` if the event is not pending.
    pub async fn event_failed(&self, id: &EventId, error: &str) -> Result<bool, StoreError> {
        let _gate = self.write_gate().await;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 \
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(truncate(error, MAX_ERROR_LEN))
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
