//! The inbox: one row per webhook delivery, committed before the delivery
//! is acknowledged (rule 2), together with the job that will process it.
//!
//! # Table `inbox`
//!
//! | column | |
//! |---|---|
//! | `id` | the [`DeliveryId`], assigned by the database |
//! | `provider` | `zoom`, `calendly`, `calcom`, ... (the caller's name) |
//! | `dedupe_key` | see below; unique together with `provider` |
//! | `body` | the raw bytes received, never re-serialised |
//! | `received_at` | ms since the Unix epoch |
//! | `status` | `pending`, `processing`, `done`, `dead` ([`DeliveryStatus`]) |
//! | `attempts` | how many times its job has been claimed |
//! | `last_error` | the last failure's message, kept when it succeeds later |
//! | `processed_at` | when it became `done` |
//!
//! # How dedupe works
//!
//! `UNIQUE (provider, dedupe_key)` is the whole mechanism.
//! [`Store::insert_delivery`] runs `INSERT ... ON CONFLICT DO NOTHING
//! RETURNING id`; when the key exists nothing is written (no second job
//! either) and the existing row's id comes back with `duplicate: true`. Two
//! concurrent inserts of one key serialise on the unique index: one inserts,
//! the other sees its committed row; on PostgreSQL the second waits for the
//! first transaction and then finds its row. A failed transaction leaves no
//! row, so a redelivery after an error is new again.
//!
//! The store does not decide what a key is. The webhook layer derives it from
//! the verified body, because none of the three providers sends a delivery
//! id (details and reasons in the `webhook` module's "Dedupe keys"):
//!
//! - **Zoom**: `zoom:{event}:{object id}:{event_ts}` (`event_ts` is the
//!   event's time in ms, repeated by a retry), else a SHA-256 of the body;
//! - **Calendly**: `calendly:{event}:{payload.uri}:{created_at}`, else a
//!   SHA-256 of the body;
//! - **Cal.com**, which has no timestamp header and no delivery field:
//!   `calcom:{triggerEvent}:{payload.uid}:sha256:{hex of the body}`.
//!
//! Erring towards two rows is safe (processing is level-triggered, rule 3);
//! a key that merged two different deliveries would lose one.
//!
//! A key is an identifier, not a secret, but it is still kept out of logs:
//! logs carry the numeric id.

use std::fmt;
use std::time::SystemTime;

use sqlx::Row as _;

use super::jobs::JobKind;
use super::{from_millis, to_millis, Store, StoreError};

/// The longest accepted `provider` name.
pub const MAX_PROVIDER_LEN: usize = 64;
/// The longest accepted dedupe key.
pub const MAX_DEDUPE_KEY_LEN: usize = 512;

/// A delivery's id in the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryId(pub i64);

impl fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A verified delivery to commit, see [`Store::insert_delivery`].
#[derive(Clone, Copy)]
pub struct NewDelivery<'a> {
    /// Who sent it: `zoom`, `calendly`, `calcom` (1 to 64 bytes).
    pub provider: &'a str,
    /// The key that makes a redelivery a duplicate (1 to 512 bytes); see the
    /// [module docs](self).
    pub dedupe_key: &'a str,
    /// The exact bytes received.
    pub body: &'a [u8],
    /// When it arrived.
    pub received_at: SystemTime,
}

impl fmt::Debug for NewDelivery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDelivery")
            .field("provider", &self.provider)
            .field("body_len", &self.body.len())
            .field("received_at", &self.received_at)
            .finish_non_exhaustive()
    }
}

/// What [`Store::insert_delivery`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Inserted {
    /// The delivery's id (the existing one for a duplicate).
    pub id: DeliveryId,
    /// `true` when the key was already in the inbox and nothing was written.
    pub duplicate: bool,
}

/// Where a delivery is in its processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Committed; its job waits (first run or a retry after backoff).
    Pending,
    /// A worker holds its job.
    Processing,
    /// Processed.
    Done,
    /// Its job failed every attempt (or permanently); see
    /// [`Store::dead_letters`] and [`Store::retry_dead`].
    Dead,
}

impl DeliveryStatus {
    /// The name stored in `inbox.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Processing => "processing",
            DeliveryStatus::Done => "done",
            DeliveryStatus::Dead => "dead",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "pending" => DeliveryStatus::Pending,
            "processing" => DeliveryStatus::Processing,
            "done" => DeliveryStatus::Done,
            "dead" => DeliveryStatus::Dead,
            other => {
                return Err(StoreError::Corrupt {
                    table: "inbox",
                    column: "status",
                    value: other.to_owned(),
                })
            }
        })
    }
}

/// A row of the inbox. Its `Debug` shows the body's length, not the body.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// Its id.
    pub id: DeliveryId,
    /// Who sent it.
    pub provider: String,
    /// Its dedupe key.
    pub dedupe_key: String,
    /// The exact bytes received.
    pub body: Vec<u8>,
    /// When it arrived.
    pub received_at: SystemTime,
    /// Where it is.
    pub status: DeliveryStatus,
    /// How many times its job was claimed.
    pub attempts: u32,
    /// The last failure's message.
    pub last_error: Option<String>,
    /// When it became `done`.
    pub processed_at: Option<SystemTime>,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("body_len", &self.body.len())
            .field("received_at", &self.received_at)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("last_error", &self.last_error)
            .field("processed_at", &self.processed_at)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str =
    "id, provider, dedupe_key, body, received_at, status, attempts, last_error, processed_at";

fn delivery_from_row(row: &sqlx::any::AnyRow) -> Result<Delivery, StoreError> {
    let status: String = row.try_get("status")?;
    let attempts: i64 = row.try_get("attempts")?;
    let processed_at: Option<i64> = row.try_get("processed_at")?;
    Ok(Delivery {
        id: DeliveryId(row.try_get("id")?),
        provider: row.try_get("provider")?,
        dedupe_key: row.try_get("dedupe_key")?,
        body: row.try_get("body")?,
        received_at: from_millis(row.try_get("received_at")?),
        status: DeliveryStatus::parse(&status)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        last_error: row.try_get("last_error")?,
        processed_at: processed_at.map(from_millis),
    })
}

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), StoreError> {
    if value.is_empty() {
        return Err(StoreError::InvalidInput {
            field,
            reason: "is empty".into(),
        });
    }
    if value.len() > max {
        return Err(StoreError::InvalidInput {
            field,
            reason: format!("is {} bytes, more than {max}", value.len()),
        });
    }
    Ok(())
}

impl Store {
    /// Commits a delivery and enqueues its [`JobKind::ProcessDelivery`] job
    /// in one transaction: after `Ok` both exist, after `Err` neither does.
    ///
    /// A delivery whose `(provider, dedupe_key)` is already in the inbox is
    /// a no-op returning the existing id with `duplicate: true`, whatever the
    /// existing row's status.
    pub async fn insert_delivery(&self, d: NewDelivery<'_>) -> Result<Inserted, StoreError> {
        check_len("provider", d.provider, MAX_PROVIDER_LEN)?;
        check_len("dedupe_key", d.dedupe_key, MAX_DEDUPE_KEY_LEN)?;
        let received_at = to_millis(d.received_at, "received_at")?;
        let mut tx = self.begin_write().await?;
        // A write first, so SQLite takes its write lock at the start of the
        // transaction rather than upgrading a read lock later (which fails
        // with SQLITE_BUSY instead of waiting).
        let new_id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO inbox (provider, dedupe_key, body, received_at, status, attempts) \
             VALUES ($1, $2, $3, $4, 'pending', 0) \
             ON CONFLICT (provider, dedupe_key) DO NOTHING RETURNING id",
        )
        .bind(d.provider)
        .bind(d.dedupe_key)
        .bind(d.body)
        .bind(received_at)
        .fetch_optional(&mut *tx)
        .await?;
        let inserted = match new_id {
            Some(id) => {
                let id = DeliveryId(id);
                self.enqueue_in(&mut tx, JobKind::ProcessDelivery(id), received_at)
                    .await?;
                Inserted {
                    id,
                    duplicate: false,
                }
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "SELECT id FROM inbox WHERE provider = $1 AND dedupe_key = $2",
                )
                .bind(d.provider)
                .bind(d.dedupe_key)
                .fetch_one(&mut *tx)
                .await?;
                Inserted {
                    id: DeliveryId(id),
                    duplicate: true,
                }
            }
        };
        tx.commit().await?;
        if !inserted.duplicate {
            self.wake_workers();
        }
        Ok(inserted)
    }

    /// One delivery, or `None` if there is no such id.
    pub async fn delivery(&self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM inbox WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(delivery_from_row).transpose()
    }

    /// Up to `limit` deliveries in `status`, oldest first, with ids above
    /// `after` (pass the last id of one page to get the next; `None` starts
    /// at the beginning).
    pub async fn deliveries(
        &self,
        status: DeliveryStatus,
        after: Option<DeliveryId>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM inbox WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(status.as_str())
        .bind(after.map_or(0, |a| a.0))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// How many deliveries are in `status`.
    pub async fn count_deliveries(&self, status: DeliveryStatus) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE status = $1")
            .bind(status.as_str())
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Marks a delivery processed (`done`, with `processed_at = now`).
    ///
    /// The workers do this themselves when a delivery's job succeeds (in the
    /// same transaction as the job's completion); this is for processing
    /// done elsewhere. [`StoreError::NotFound`] if there is no such id.
    pub async fn mark_processed(&self, id: DeliveryId, now: SystemTime) -> Result<(), StoreError> {
        let now = to_millis(now, "now")?;
        let _gate = self.write_gate().await;
        let done = sqlx::query("UPDATE inbox SET status = 'done', processed_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id.0)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "delivery",
                id: id.0,
            });
        }
        Ok(())
    }
}

impl Store {
    /// [`Store::insert_delivery`] for several deliveries in **one**
    /// transaction (one commit, so one fsync on SQLite), answered in order.
    /// All or nothing: after `Err` none of them is stored. A receiver under
    /// load uses it for group commit: deliveries that arrive while one batch
    /// commits go into the next.
    ///
    /// Three statements whatever the batch size: a multi-row insert of the
    /// deliveries (`ON CONFLICT DO NOTHING RETURNING`), a look-up of the ids
    /// of those that were already there, and a multi-row insert of the new
    /// ones' jobs (plus, on PostgreSQL, one `NOTIFY` for the workers of every
    /// instance). Within one batch, a second delivery with the same key is
    /// a duplicate of the first.
    pub async fn insert_deliveries(
        &self,
        batch: &[NewDelivery<'_>],
    ) -> Result<Vec<Inserted>, StoreError> {
        use std::collections::HashMap;
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut received = Vec::with_capacity(batch.len());
        for d in batch {
            check_len("provider", d.provider, MAX_PROVIDER_LEN)?;
            check_len("dedupe_key", d.dedupe_key, MAX_DEDUPE_KEY_LEN)?;
            received.push(to_millis(d.received_at, "received_at")?);
        }
        let values = (0..batch.len())
            .map(|i| {
                let b = i * 4;
                format!(
                    "(${}, ${}, ${}, ${}, 'pending', 0)",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO inbox (provider, dedupe_key, body, received_at, status, attempts) \
             VALUES {values} ON CONFLICT (provider, dedupe_key) DO NOTHING \
             RETURNING id, provider, dedupe_key"
        );
        let mut insert = sqlx::query(&sql);
        for (d, at) in batch.iter().zip(&received) {
            insert = insert
                .bind(d.provider)
                .bind(d.dedupe_key)
                .bind(d.body)
                .bind(*at);
        }
        let mut tx = self.begin_write().await?;
        let mut new: HashMap<(String, String), i64> = HashMap::new();
        for row in insert.fetch_all(&mut *tx).await? {
            new.insert(
                (row.try_get("provider")?, row.try_get("dedupe_key")?),
                row.try_get("id")?,
            );
        }
        let mut existing: HashMap<(String, String), i64> = HashMap::new();
        let missing: Vec<&NewDelivery<'_>> = batch
            .iter()
            .filter(|d| !new.contains_key(&(d.provider.to_owned(), d.dedupe_key.to_owned())))
            .collect();
        if !missing.is_empty() {
            // Both columns of the unique index, so the look-up uses it.
            let list = (0..missing.len())
                .map(|i| {
                    format!(
                        "(provider = ${} AND dedupe_key = ${})",
                        2 * i + 1,
                        2 * i + 2
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            let sql = format!("SELECT id, provider, dedupe_key FROM inbox WHERE {list}");
            let mut select = sqlx::query(&sql);
            for d in &missing {
                select = select.bind(d.provider).bind(d.dedupe_key);
            }
            for row in select.fetch_all(&mut *tx).await? {
                existing.insert(
                    (row.try_get("provider")?, row.try_get("dedupe_key")?),
                    row.try_get("id")?,
                );
            }
        }
        let mut out = Vec::with_capacity(batch.len());
        let mut jobs = Vec::new();
        for (d, at) in batch.iter().zip(&received) {
            let key = (d.provider.to_owned(), d.dedupe_key.to_owned());
            let inserted = match new.remove(&key) {
                Some(id) => {
                    // Later deliveries of the same key in this batch are
                    // duplicates of this one.
                    existing.insert(key, id);
                    jobs.push((DeliveryId(id), *at));
                    Inserted {
                        id: DeliveryId(id),
                        duplicate: false,
                    }
                }
                None => match existing.get(&key) {
                    Some(id) => Inserted {
                        id: DeliveryId(*id),
                        duplicate: true,
                    },
                    None => {
                        return Err(StoreError::Corrupt {
                            table: "inbox",
                            column: "dedupe_key",
                            value: "a conflicting row vanished within the transaction".into(),
                        })
                    }
                },
            };
            out.push(inserted);
        }
        if !jobs.is_empty() {
            let values = (0..jobs.len())
                .map(|i| {
                    let b = i * 4;
                    format!(
                        "(${}, ${}, 'available', 0, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 4
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO jobs (kind, job_key, state, attempt, max_attempts, run_at, created_at) \
                 VALUES {values} ON CONFLICT DO NOTHING"
            );
            let mut enqueue = sqlx::query(&sql);
            for (id, at) in &jobs {
                let kind = JobKind::ProcessDelivery(*id);
                enqueue = enqueue
                    .bind(kind.name())
                    .bind(kind.key())
                    .bind(i64::from(self.max_attempts))
                    .bind(*at);
            }
            enqueue.execute(&mut *tx).await?;
            self.notify_in(&mut tx).await?;
        }
        tx.commit().await?;
        if !jobs.is_empty() {
            self.wake_workers();
        }
        Ok(out)
    }
}
