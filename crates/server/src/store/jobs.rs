//! The job queue: jobs on the same database as the inbox, claimed under a
//! lease, retried with exponential backoff, and dead-lettered with their
//! last error.
//!
//! # Why this queue and not apalis
//!
//! The one hard requirement is that a delivery and its job commit in one
//! transaction (rule 2: nothing is acknowledged that is not durable, and no
//! delivery exists without its job). We evaluated `apalis-sqlite` and
//! `apalis-postgres` 1.0.0 (their source, as published on crates.io):
//!
//! - they can enqueue in a caller's transaction (`push_tasks` takes any
//!   sqlx executor), but they are built on **sqlx 0.9**, so the store
//!   would carry two sqlx majors or move to 0.9 for them alone;
//! - the two backends are different crates with different schemas
//!   (`Jobs` vs `apalis.jobs`, hstore metadata on PostgreSQL only) and
//!   different storage types, so "one API over both" becomes two code
//!   paths in our own code anyway;
//! - a failed task is acked as `Failed` without moving its `run_at`, and
//!   `fetch_next` picks failed tasks up again at once: the backoff lives in
//!   the worker's memory (a tower retry layer), so it is lost when the
//!   process restarts, and it is not visible in the table;
//! - the lease is per worker (a heartbeat row), with a one-second clock in
//!   SQL on SQLite, and dead letters (`Killed`, or `Failed` at max
//!   attempts) have no retry operation (apalis-sqlite's `retry.sql` updates a
//!   column, `attempt`, that its schema does not have).
//!
//! River (`riverqueue/river`, Go) has the design we want: a job is a row
//! of keys in the application's own database, inserted in the application's
//! transaction; workers claim with `FOR UPDATE SKIP LOCKED`; a failure sets
//! the next `run_at` from a backoff; after `max_attempts` the job is
//! discarded with its errors kept; stuck jobs are rescued. It is Go, so this
//! module implements that design in SQL that both backends run (about the
//! size of apalis's own queries), and nothing else: no cron, no workflows.
//! Rule 8's "not a table we poll by hand" is about ad-hoc flags; this is a
//! queue with the semantics above, tested on both backends.
//!
//! # Semantics
//!
//! - **States**: `available` (waits for `run_at`), `running` (leased),
//!   `done`, `dead`. One live (available or running) job per
//!   `(kind, key)`: enqueuing a second is a no-op.
//! - **Claim**: [`Store::claim`] moves up to `limit` due jobs to `running`,
//!   adds one to `attempt`, and writes a lease (`locked_by`,
//!   `locked_until`). On PostgreSQL the candidates are selected `FOR UPDATE
//!   SKIP LOCKED`, so concurrent claimers (any number of processes) get
//!   disjoint jobs; on SQLite the claim is one `UPDATE ... RETURNING` under
//!   the database's single write lock.
//! - **Lease**: a running job whose `locked_until` has passed is due again
//!   (its worker died or stalled) and is claimed like an available one; on
//!   its last attempt it goes `dead` instead. [`Store::run_workers`]
//!   extends the lease every third of its length while the handler runs.
//!   Every later write about the job is fenced on `(locked_by, attempt)`, so
//!   a worker that lost its lease cannot complete or fail the job another
//!   worker now holds ([`Outcome::LeaseLost`]).
//! - **Retry**: a failure moves the job back to `available` with `run_at =
//!   now + backoff`, where the backoff is `base * 2^(attempt - 1)`, at most
//!   `max` ([`RetryPolicy`]); the error is kept in `last_error`.
//! - **Dead letters**: after `max_attempts` (a [`super::StoreOptions`]
//!   setting, stored per job), or at once for a [`JobError::permanent`],
//!   the job is `dead` with its last error. [`Store::dead_letters`] lists
//!   them; [`Store::retry_dead`] makes one available again with a fresh
//!   attempt count.
//! - **Inbox**: for [`JobKind::ProcessDelivery`], each of these steps also
//!   moves the delivery's status (`processing`, `pending`, `done`, `dead`)
//!   and `attempts`/`last_error`, in the same transaction.
//! - **Time** is an argument of every building block (`now`), so tests run
//!   leases and backoff on a virtual clock; [`Store::run_workers`] passes
//!   the system clock. Processes sharing a PostgreSQL database must have
//!   synchronised clocks (NTP): a lease is compared with the claimer's clock.
//!
//! Delivery is at least once: a job whose worker dies after its work but
//! before its completion commits runs again. Handlers are written to be
//! safe to run twice (rule 3); a job carries keys, not payloads.
//!
//! # Workers
//!
//! ```no_run
//! # async fn demo(store: zoomkit_server::store::Store) -> Result<(), zoomkit_server::store::StoreError> {
//! use zoomkit_server::store::{Job, JobError, JobKind, WorkerConfig};
//!
//! let report = store
//!     .run_workers(
//!         WorkerConfig::default().concurrency(8),
//!         |job: Job| async move {
//!             match job.kind {
//!                 JobKind::ProcessDelivery(_id) => {
//!                     // read the delivery by id, parse, plan, enqueue converge jobs...
//!                     Ok::<(), JobError>(())
//!                 }
//!                 _ => Err(JobError::permanent("no handler for this job kind")),
//!             }
//!         },
//!         async { tokio::signal::ctrl_c().await.ok(); },
//!     )
//!     .await?;
//! println!("{} jobs done", report.completed);
//! # Ok(()) }
//! ```
//!
//! When the shutdown future resolves, the pool stops claiming, waits up to
//! [`WorkerConfig::shutdown_grace`] for running handlers, then aborts the
//! rest and releases their jobs (available again at once, the attempt not
//! counted), and returns a [`WorkerReport`] once every task it started has
//! ended.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sqlx::{Any, Row as _, Transaction};
use tokio::task::JoinSet;

use super::inbox::DeliveryId;
use super::{from_millis, to_millis, Backend, Store, StoreError};

/// A job's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub i64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a job is for, with the keys it works on (never a payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobKind {
    /// Process one inbox delivery: parse it and apply it. Enqueued by
    /// [`Store::insert_delivery`].
    ProcessDelivery(DeliveryId),
}

impl JobKind {
    /// Every kind's stored name; workers claim only these.
    const NAMES: &'static [&'static str] = &["process_delivery"];

    /// The name stored in `jobs.kind`.
    pub fn name(&self) -> &'static str {
        match self {
            JobKind::ProcessDelivery(_) => "process_delivery",
        }
    }

    pub(crate) fn key(&self) -> String {
        match self {
            JobKind::ProcessDelivery(id) => id.0.to_string(),
        }
    }

    fn decode(kind: &str, key: &str) -> Result<JobKind, StoreError> {
        match kind {
            "process_delivery" => key
                .parse()
                .map(|id| JobKind::ProcessDelivery(DeliveryId(id)))
                .map_err(|_| StoreError::Corrupt {
                    table: "jobs",
                    column: "job_key",
                    value: key.to_owned(),
                }),
            other => Err(StoreError::Corrupt {
                table: "jobs",
                column: "kind",
                value: other.to_owned(),
            }),
        }
    }

    fn delivery(&self) -> Option<DeliveryId> {
        match self {
            JobKind::ProcessDelivery(id) => Some(*id),
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name(), self.key())
    }
}

/// A job as a handler receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// What to do, and on which keys.
    pub kind: JobKind,
    /// This run's attempt, from 1.
    pub attempt: u32,
    /// After this many attempts a failure is final.
    pub max_attempts: u32,
}

/// Why a handler failed. The message is stored (`jobs.last_error`,
/// `inbox.last_error`) and listed with dead letters, so it must not hold a
/// body, a token or personal data: name ids and causes. It is cut to
/// 2,000 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    message: String,
    permanent: bool,
}

const MAX_ERROR_LEN: usize = 2000;

impl JobError {
    /// A failure worth retrying (after the backoff).
    pub fn retry(message: impl Into<String>) -> Self {
        JobError {
            message: truncate(message.into()),
            permanent: false,
        }
    }

    /// A failure that no retry can fix (an unparsable delivery): the job is
    /// dead at once.
    pub fn permanent(message: impl Into<String>) -> Self {
        JobError {
            message: truncate(message.into()),
            permanent: true,
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether it skips the remaining attempts.
    pub fn is_permanent(&self) -> bool {
        self.permanent
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JobError {}

fn truncate(mut s: String) -> String {
    if s.len() > MAX_ERROR_LEN {
        let mut end = MAX_ERROR_LEN;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobState {
    /// Waits for its `run_at`.
    Available,
    /// Leased by a worker.
    Running,
    /// Succeeded.
    Done,
    /// Failed for good; a dead letter.
    Dead,
}

impl JobState {
    /// The name stored in `jobs.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Available => "available",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "available" => JobState::Available,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "dead" => JobState::Dead,
            other => {
                return Err(StoreError::Corrupt {
                    table: "jobs",
                    column: "state",
                    value: other.to_owned(),
                })
            }
        })
    }
}

/// A job's row, for inspection ([`Store::job`], [`Store::jobs_of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobRecord {
    /// Its id.
    pub id: JobId,
    /// What it is for.
    pub kind: JobKind,
    /// Its state.
    pub state: JobState,
    /// Claims so far.
    pub attempt: u32,
    /// Its attempt limit.
    pub max_attempts: u32,
    /// When it is (or was last) due.
    pub run_at: SystemTime,
    /// The worker holding its lease, while running.
    pub locked_by: Option<String>,
    /// Until when, while running.
    pub locked_until: Option<SystemTime>,
    /// The last failure's message.
    pub last_error: Option<String>,
    /// When it became done or dead.
    pub finished_at: Option<SystemTime>,
}

/// A dead job, as [`Store::dead_letters`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadLetter {
    /// The job; pass it to [`Store::retry_dead`].
    pub id: JobId,
    /// What it was for (e.g. which delivery).
    pub kind: JobKind,
    /// How many attempts it had.
    pub attempts: u32,
    /// Why the last one failed.
    pub last_error: String,
    /// When it died.
    pub died_at: SystemTime,
}

/// A job claimed by a worker: the [`Job`] plus the lease that fences every
/// later write about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The job.
    pub job: Job,
    /// The worker that holds the lease.
    pub worker: String,
    /// When the lease ends unless extended ([`Store::heartbeat`]).
    pub lease_until: SystemTime,
}

/// What became of a claimed job after [`Store::complete`] or [`Store::fail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub enum Outcome {
    /// Done.
    Done,
    /// Failed; available again at `at`.
    Retrying {
        /// The next `run_at`.
        at: SystemTime,
    },
    /// Failed for good.
    Dead,
    /// The lease had expired and the job was claimed again (or released):
    /// nothing was written.
    LeaseLost,
}

/// Exponential backoff between attempts: `base * 2^(attempt - 1)`, at most
/// `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure (default 1 s).
    pub base: Duration,
    /// The longest wait (default 10 min).
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// The wait after the failure of attempt `attempt` (from 1).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        self.base
            .checked_mul(1u32 << doublings.min(31))
            .map_or(self.max, |d| d.min(self.max))
    }
}

/// Settings of a worker pool ([`Store::run_workers`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WorkerConfig {
    /// This pool's name in `jobs.locked_by` (default: unique per pool,
    /// from the process id).
    pub worker_id: String,
    /// Handlers running at once (default 4).
    pub concurrency: usize,
    /// How often to look for due jobs when idle (default 500 ms). Inserts
    /// through a clone of the same [`Store`] wake the pool at once.
    pub poll_interval: Duration,
    /// How long a claim lasts without a heartbeat (default 30 s); the pool
    /// extends it every third of that while the handler runs.
    pub lease: Duration,
    /// How long shutdown waits for running handlers before releasing their
    /// jobs (default 10 s).
    pub shutdown_grace: Duration,
    /// Backoff between attempts.
    pub retry: RetryPolicy,
}

static POOLS: AtomicU64 = AtomicU64::new(0);

impl Default for WorkerConfig {
    fn default() -> Self {
        let n = POOLS.fetch_add(1, Ordering::Relaxed);
        let started = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        WorkerConfig {
            worker_id: format!("pid{}-{started}-{n}", std::process::id()),
            concurrency: 4,
            poll_interval: Duration::from_millis(500),
            lease: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
            retry: RetryPolicy::default(),
        }
    }
}

impl WorkerConfig {
    /// Sets [`WorkerConfig::worker_id`].
    #[must_use]
    pub fn worker_id(mut self, id: impl Into<String>) -> Self {
        self.worker_id = id.into();
        self
    }
    /// Sets [`WorkerConfig::concurrency`] (at least 1).
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }
    /// Sets [`WorkerConfig::poll_interval`].
    #[must_use]
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = d;
        self
    }
    /// Sets [`WorkerConfig::lease`].
    #[must_use]
    pub fn lease(mut self, d: Duration) -> Self {
        self.lease = d;
        self
    }
    /// Sets [`WorkerConfig::shutdown_grace`].
    #[must_use]
    pub fn shutdown_grace(mut self, d: Duration) -> Self {
        self.shutdown_grace = d;
        self
    }
    /// Sets [`WorkerConfig::retry`].
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
}

/// What a worker pool did, returned when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkerReport {
    /// Jobs claimed.
    pub claimed: u64,
    /// Jobs completed.
    pub completed: u64,
    /// Failures scheduled for a retry.
    pub retried: u64,
    /// Jobs that went dead.
    pub dead: u64,
    /// Jobs released at shutdown (handler aborted after the grace period).
    pub released: u64,
    /// Jobs whose lease was lost while their handler ran.
    pub lease_lost: u64,
    /// Database errors met (each logged; the pool kept going).
    pub errors: u64,
}

const JOB_COLUMNS: &str = "id, kind, job_key, state, attempt, max_attempts, run_at, \
                           locked_by, locked_until, last_error, finished_at";

fn u32_of(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn record_from_row(row: &sqlx::any::AnyRow) -> Result<JobRecord, StoreError> {
    let kind: String = row.try_get("kind")?;
    let key: String = row.try_get("job_key")?;
    let state: String = row.try_get("state")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    let finished_at: Option<i64> = row.try_get("finished_at")?;
    Ok(JobRecord {
        id: JobId(row.try_get("id")?),
        kind: JobKind::decode(&kind, &key)?,
        state: JobState::parse(&state)?,
        attempt: u32_of(row.try_get("attempt")?),
        max_attempts: u32_of(row.try_get("max_attempts")?),
        run_at: from_millis(row.try_get("run_at")?),
        locked_by: row.try_get("locked_by")?,
        locked_until: locked_until.map(from_millis),
        last_error: row.try_get("last_error")?,
        finished_at: finished_at.map(from_millis),
    })
}

fn kinds_list() -> String {
    JobKind::NAMES
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Enqueues a job inside the caller's transaction (no-op if a live job
    /// of the same kind and key exists). Returns whether a row was written.
    pub(crate) async fn enqueue_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        kind: JobKind,
        run_at_ms: i64,
    ) -> Result<bool, StoreError> {
        let written = sqlx::query(
            "INSERT INTO jobs (kind, job_key, state, attempt, max_attempts, run_at, created_at) \
             VALUES ($1, $2, 'available', 0, $3, $4, $4) ON CONFLICT DO NOTHING",
        )
        .bind(kind.name())
        .bind(kind.key())
        .bind(i64::from(self.max_attempts))
        .bind(run_at_ms)
        .execute(&mut **tx)
        .await?;
        Ok(written.rows_affected() == 1)
    }

    /// Enqueues a job on its own, due at `run_at`. A no-op returning
    /// `false` when a live (available or running) job of the same kind and
    /// key exists.
    pub async fn enqueue(&self, kind: JobKind, run_at: SystemTime) -> Result<bool, StoreError> {
        let run_at = to_millis(run_at, "run_at")?;
        let mut tx = self.pool().begin().await?;
        let written = self.enqueue_in(&mut tx, kind, run_at).await?;
        tx.commit().await?;
        if written {
            self.wake_workers();
        }
        Ok(written)
    }

    pub(crate) fn wake_workers(&self) {
        self.wake.notify_waiters();
    }

    /// Claims up to `limit` jobs due at `now` (available with `run_at <=
    /// now`, or running with an expired lease) for `worker`, leased until
    /// `now + lease`. Expired jobs on their last attempt go dead instead.
    pub async fn claim(
        &self,
        worker: &str,
        now: SystemTime,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        if worker.is_empty() {
            return Err(StoreError::InvalidInput {
                field: "worker",
                reason: "is empty".into(),
            });
        }
        let now_ms = to_millis(now, "now")?;
        let until = now.checked_add(lease).unwrap_or(now);
        let until_ms = to_millis(until, "lease")?;
        let kinds = kinds_list();
        let mut tx = self.pool().begin().await?;

        // Expired on the last attempt: dead, not claimed again.
        let expired = sqlx::query(&format!(
            "UPDATE jobs SET state = 'dead', finished_at = $1, \
             last_error = 'lease of ' || locked_by || ' expired on the last attempt', \
             locked_by = NULL, locked_until = NULL \
             WHERE state = 'running' AND locked_until <= $1 AND attempt >= max_attempts \
             AND kind IN ({kinds}) RETURNING kind, job_key, last_error"
        ))
        .bind(now_ms)
        .fetch_all(&mut *tx)
        .await?;
        for row in &expired {
            let kind = JobKind::decode(
                &row.try_get::<String, _>("kind")?,
                &row.try_get::<String, _>("job_key")?,
            )?;
            let error: String = row.try_get("last_error")?;
            if let Some(d) = kind.delivery() {
                sqlx::query("UPDATE inbox SET status = 'dead', last_error = $1 WHERE id = $2")
                    .bind(error)
                    .bind(d.0)
                    .execute(&mut *tx)
                    .await?;
            }
            tracing::warn!(job = %kind, "job lease expired on its last attempt: dead");
        }

        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let rows = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', attempt = attempt + 1, \
             last_error = CASE WHEN state = 'running' \
                 THEN 'lease of ' || locked_by || ' expired' ELSE last_error END, \
             locked_by = $1, locked_until = $2 \
             WHERE id IN (SELECT id FROM jobs WHERE kind IN ({kinds}) AND \
                 ((state = 'available' AND run_at <= $3) \
                  OR (state = 'running' AND locked_until <= $3)) \
                 ORDER BY run_at, id LIMIT $4 {lock}) \
             RETURNING id, kind, job_key, attempt, max_attempts"
        ))
        .bind(worker)
        .bind(until_ms)
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let kind: String = row.try_get("kind")?;
            let key: String = row.try_get("job_key")?;
            let job = Job {
                id: JobId(row.try_get("id")?),
                kind: JobKind::decode(&kind, &key)?,
                attempt: u32_of(row.try_get("attempt")?),
                max_attempts: u32_of(row.try_get("max_attempts")?),
            };
            if let Some(d) = job.kind.delivery() {
                sqlx::query("UPDATE inbox SET status = 'processing', attempts = $1 WHERE id = $2")
                    .bind(i64::from(job.attempt))
                    .bind(d.0)
                    .execute(&mut *tx)
                    .await?;
            }
            claimed.push(Claimed {
                job,
                worker: worker.to_owned(),
                lease_until: until,
            });
        }
        tx.commit().await?;
        claimed.sort_by_key(|c| c.job.id);
        Ok(claimed)
    }

    /// Extends a claimed job's lease to `now + lease`. `false` if the lease
    /// was already lost (the job was claimed again or released).
    pub async fn heartbeat(
        &self,
        claimed: &mut Claimed,
        now: SystemTime,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let until = now.checked_add(lease).unwrap_or(now);
        let done = sqlx::query(
            "UPDATE jobs SET locked_until = $1 \
             WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempt = $4",
        )
        .bind(to_millis(until, "lease")?)
        .bind(claimed.job.id.0)
        .bind(&claimed.worker)
        .bind(i64::from(claimed.job.attempt))
        .execute(self.pool())
        .await?;
        let held = done.rows_affected() == 1;
        if held {
            claimed.lease_until = until;
        }
        Ok(held)
    }

    /// Marks a claimed job done (and its delivery processed).
    pub async fn complete(
        &self,
        claimed: &Claimed,
        now: SystemTime,
    ) -> Result<Outcome, StoreError> {
        let now_ms = to_millis(now, "now")?;
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE jobs SET state = 'done', finished_at = $1, locked_by = NULL, \
             locked_until = NULL \
             WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempt = $4",
        )
        .bind(now_ms)
        .bind(claimed.job.id.0)
        .bind(&claimed.worker)
        .bind(i64::from(claimed.job.attempt))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(Outcome::LeaseLost);
        }
        if let Some(d) = claimed.job.kind.delivery() {
            sqlx::query("UPDATE inbox SET status = 'done', processed_at = $1 WHERE id = $2")
                .bind(now_ms)
                .bind(d.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Outcome::Done)
    }

    /// Records a claimed job's failure: available again after the backoff,
    /// or dead after its last attempt or for a permanent error.
    pub async fn fail(
        &self,
        claimed: &Claimed,
        error: &JobError,
        retry: &RetryPolicy,
        now: SystemTime,
    ) -> Result<Outcome, StoreError> {
        let now_ms = to_millis(now, "now")?;
        let job = &claimed.job;
        let dead = error.permanent || job.attempt >= job.max_attempts;
        let retry_at = now.checked_add(retry.backoff(job.attempt)).unwrap_or(now);
        let mut tx = self.pool().begin().await?;
        let written = if dead {
            sqlx::query(
                "UPDATE jobs SET state = 'dead', last_error = $1, finished_at = $2, \
                 locked_by = NULL, locked_until = NULL \
                 WHERE id = $3 AND state = 'running' AND locked_by = $4 AND attempt = $5",
            )
            .bind(error.message())
            .bind(now_ms)
        } else {
            sqlx::query(
                "UPDATE jobs SET state = 'available', last_error = $1, run_at = $2, \
                 locked_by = NULL, locked_until = NULL \
                 WHERE id = $3 AND state = 'running' AND locked_by = $4 AND attempt = $5",
            )
            .bind(error.message())
            .bind(to_millis(retry_at, "retry_at")?)
        }
        .bind(job.id.0)
        .bind(&claimed.worker)
        .bind(i64::from(job.attempt))
        .execute(&mut *tx)
        .await?;
        if written.rows_affected() == 0 {
            return Ok(Outcome::LeaseLost);
        }
        if let Some(d) = job.kind.delivery() {
            sqlx::query("UPDATE inbox SET status = $1, last_error = $2 WHERE id = $3")
                .bind(if dead { "dead" } else { "pending" })
                .bind(error.message())
                .bind(d.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(if dead {
            Outcome::Dead
        } else {
            Outcome::Retrying { at: retry_at }
        })
    }

    /// Gives a claimed job back without counting the attempt: available
    /// again at `now`. `false` if the lease was already lost.
    pub async fn release(&self, claimed: &Claimed, now: SystemTime) -> Result<bool, StoreError> {
        let now_ms = to_millis(now, "now")?;
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE jobs SET state = 'available', attempt = attempt - 1, run_at = $1, \
             locked_by = NULL, locked_until = NULL \
             WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempt = $4",
        )
        .bind(now_ms)
        .bind(claimed.job.id.0)
        .bind(&claimed.worker)
        .bind(i64::from(claimed.job.attempt))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(d) = claimed.job.kind.delivery() {
            sqlx::query("UPDATE inbox SET status = 'pending', attempts = $1 WHERE id = $2")
                .bind(i64::from(claimed.job.attempt.saturating_sub(1)))
                .bind(d.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.wake_workers();
        Ok(true)
    }

    /// One job's row.
    pub async fn job(&self, id: JobId) -> Result<Option<JobRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// Every job (live or finished) of one kind and key, oldest first: for
    /// a delivery, its processing history.
    pub async fn jobs_of(&self, kind: JobKind) -> Result<Vec<JobRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE kind = $1 AND job_key = $2 ORDER BY id"
        ))
        .bind(kind.name())
        .bind(kind.key())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// How many jobs are in `state`.
    pub async fn count_jobs(&self, state: JobState) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = $1")
            .bind(state.as_str())
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Up to `limit` dead jobs with ids above `after`, oldest first.
    pub async fn dead_letters(
        &self,
        after: Option<JobId>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state = 'dead' AND id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after.map_or(0, |a| a.0))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let r = record_from_row(row)?;
                Ok(DeadLetter {
                    id: r.id,
                    kind: r.kind,
                    attempts: r.attempt,
                    last_error: r.last_error.unwrap_or_default(),
                    died_at: r.finished_at.unwrap_or(r.run_at),
                })
            })
            .collect()
    }

    /// Makes a dead job available at `now` with its attempts reset (its
    /// last error is kept until the next failure); its delivery goes back to
    /// `pending`. [`StoreError::NotFound`] if `id` is not a dead job.
    pub async fn retry_dead(&self, id: JobId, now: SystemTime) -> Result<(), StoreError> {
        let now_ms = to_millis(now, "now")?;
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(
            "UPDATE jobs SET state = 'available', attempt = 0, run_at = $1, finished_at = NULL \
             WHERE id = $2 AND state = 'dead' RETURNING kind, job_key",
        )
        .bind(now_ms)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                what: "dead job",
                id: id.0,
            });
        };
        let kind = JobKind::decode(
            &row.try_get::<String, _>("kind")?,
            &row.try_get::<String, _>("job_key")?,
        )?;
        if let Some(d) = kind.delivery() {
            sqlx::query("UPDATE inbox SET status = 'pending', attempts = 0 WHERE id = $1")
                .bind(d.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.wake_workers();
        Ok(())
    }

    /// Runs a pool of workers until `shutdown` resolves: claims due jobs,
    /// runs `handler` on each (at most [`WorkerConfig::concurrency`] at
    /// once), keeps their leases alive, and records each result. See the
    /// [module docs](self) for the shutdown sequence. Database errors are
    /// logged and counted, and the pool keeps going (retrying at its poll
    /// interval), so a database restart does not stop processing.
    pub async fn run_workers<H, Fut>(
        &self,
        config: WorkerConfig,
        handler: H,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<WorkerReport, StoreError>
    where
        H: Fn(Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        if config.worker_id.is_empty() {
            return Err(StoreError::InvalidInput {
                field: "worker_id",
                reason: "is empty".into(),
            });
        }
        if config.lease < Duration::from_millis(30) {
            return Err(StoreError::InvalidInput {
                field: "lease",
                reason: "must be at least 30 ms".into(),
            });
        }
        let handler = Arc::new(handler);
        let config = Arc::new(config);
        let mut report = WorkerReport::default();
        let mut running: JoinSet<(JobId, RunResult)> = JoinSet::new();
        let mut held: HashMap<JobId, Claimed> = HashMap::new();
        tokio::pin!(shutdown);
        tracing::info!(worker = %config.worker_id, concurrency = config.concurrency, "workers started");

        loop {
            // Registered before claiming, so an insert that commits while
            // the claim runs still wakes the next wait.
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let free = config.concurrency.saturating_sub(running.len());
            let mut full_batch = false;
            if free > 0 {
                let limit = u32::try_from(free).unwrap_or(u32::MAX);
                match self
                    .claim(&config.worker_id, SystemTime::now(), config.lease, limit)
                    .await
                {
                    Ok(batch) => {
                        full_batch = batch.len() == free;
                        for claimed in batch {
                            report.claimed += 1;
                            held.insert(claimed.job.id, claimed.clone());
                            let store = self.clone();
                            let handler = Arc::clone(&handler);
                            let config = Arc::clone(&config);
                            running.spawn(async move {
                                let id = claimed.job.id;
                                (id, run_one(store, claimed, handler, config).await)
                            });
                        }
                    }
                    Err(e) => {
                        report.errors += 1;
                        tracing::warn!(worker = %config.worker_id, error = %e, "claiming jobs failed");
                    }
                }
            }
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                Some(joined) = running.join_next(), if !running.is_empty() => {
                    tally(&mut report, &mut held, joined);
                }
                () = notified => {}
                () = tokio::time::sleep(config.poll_interval), if !full_batch => {}
                () = std::future::ready(()), if full_batch => {}
            }
        }

        tracing::info!(worker = %config.worker_id, running = running.len(), "workers stopping");
        let grace = tokio::time::sleep(config.shutdown_grace);
        tokio::pin!(grace);
        while !running.is_empty() {
            tokio::select! {
                Some(joined) = running.join_next() => tally(&mut report, &mut held, joined),
                () = &mut grace => break,
            }
        }
        // Past the grace period: abort what is left (its handler task goes
        // with it) and give the jobs back.
        running.abort_all();
        while let Some(joined) = running.join_next().await {
            if joined.as_ref().is_ok() {
                // It finished (and recorded its result) before the abort.
                tally(&mut report, &mut held, joined);
            }
        }
        for (_, claimed) in held.drain() {
            match self.release(&claimed, SystemTime::now()).await {
                Ok(true) => report.released += 1,
                Ok(false) => report.lease_lost += 1,
                Err(e) => {
                    report.errors += 1;
                    tracing::warn!(job = %claimed.job.id, error = %e, "releasing a job failed; it runs again when its lease expires");
                }
            }
        }
        tracing::info!(worker = %config.worker_id, completed = report.completed, released = report.released, "workers stopped");
        Ok(report)
    }
}

/// How one job's run ended, for the report.
enum RunResult {
    Outcome(Outcome),
    /// The handler was stopped because the lease was lost.
    LeaseLost,
    Error(StoreError),
}

fn tally(
    report: &mut WorkerReport,
    held: &mut HashMap<JobId, Claimed>,
    joined: Result<(JobId, RunResult), tokio::task::JoinError>,
) {
    let Ok((id, result)) = joined else {
        // run_one itself does not panic (the handler runs in its own task);
        // a JoinError here is a cancellation, handled by the caller.
        report.errors += 1;
        return;
    };
    held.remove(&id);
    match result {
        RunResult::Outcome(Outcome::Done) => report.completed += 1,
        RunResult::Outcome(Outcome::Retrying { .. }) => report.retried += 1,
        RunResult::Outcome(Outcome::Dead) => report.dead += 1,
        RunResult::Outcome(Outcome::LeaseLost) | RunResult::LeaseLost => report.lease_lost += 1,
        RunResult::Error(e) => {
            report.errors += 1;
            tracing::warn!(job = %id, error = %e, "recording a job's result failed; it runs again when its lease expires");
        }
    }
}

/// Aborts a task when dropped, so aborting the job's task also stops its
/// handler.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn run_one<H, Fut>(
    store: Store,
    mut claimed: Claimed,
    handler: Arc<H>,
    config: Arc<WorkerConfig>,
) -> RunResult
where
    H: Fn(Job) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), JobError>> + Send + 'static,
{
    let job = claimed.job.clone();
    tracing::debug!(job = %job.id, kind = %job.kind, attempt = job.attempt, "job started");
    let mut task = AbortOnDrop(tokio::spawn(handler(job.clone())));
    let beat = (config.lease / 3).max(Duration::from_millis(10));
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + beat, beat);
    let joined = loop {
        tokio::select! {
            joined = &mut task.0 => break joined,
            _ = ticker.tick() => {
                match store.heartbeat(&mut claimed, SystemTime::now(), config.lease).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(job = %job.id, "job lease lost while running: handler stopped");
                        return RunResult::LeaseLost; // drops `task`: aborts the handler
                    }
                    Err(e) => {
                        tracing::warn!(job = %job.id, error = %e, "extending a job's lease failed");
                        // Past the lease another worker may claim the job:
                        // stop rather than risk running it twice at once.
                        if SystemTime::now() >= claimed.lease_until {
                            tracing::warn!(job = %job.id, "job lease ran out without a heartbeat: handler stopped");
                            return RunResult::LeaseLost;
                        }
                    }
                }
            }
        }
    };
    let now = SystemTime::now();
    let recorded = match joined {
        Ok(Ok(())) => store.complete(&claimed, now).await,
        Ok(Err(error)) => store.fail(&claimed, &error, &config.retry, now).await,
        Err(join) => {
            let error = if join.is_panic() {
                JobError::retry("the handler panicked")
            } else {
                JobError::retry("the handler was cancelled")
            };
            store.fail(&claimed, &error, &config.retry, now).await
        }
    };
    match recorded {
        Ok(outcome) => {
            tracing::debug!(job = %job.id, attempt = job.attempt, outcome = ?outcome, "job finished");
            RunResult::Outcome(outcome)
        }
        Err(e) => RunResult::Error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(60),
        };
        let waits: Vec<u64> = (1..=8).map(|a| p.backoff(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn kinds_round_trip_and_unknown_ones_are_named() {
        let k = JobKind::ProcessDelivery(DeliveryId(42));
        assert_eq!(JobKind::decode(k.name(), &k.key()).ok(), Some(k));
        assert!(JobKind::NAMES.contains(&k.name()));
        let err = JobKind::decode("send_email", "1").unwrap_err();
        assert!(err.to_string().contains("send_email"), "{err}");
    }

    #[test]
    fn error_messages_are_cut_on_a_char_boundary() {
        let e = JobError::retry("é".repeat(MAX_ERROR_LEN));
        assert!(e.message().len() <= MAX_ERROR_LEN);
        assert!(!e.is_permanent());
    }
}
