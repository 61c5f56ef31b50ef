//! The store: the webhook inbox and its job queue, on SQLite (one instance)
//! or PostgreSQL (several instances), behind one API. (The README's
//! "The store" shows this same example.)
//!
//! ```no_run
//! use std::time::SystemTime;
//! use zoomkit_server::store::{JobError, JobKind, NewDelivery, Store, StoreError, WorkerConfig};
//!
//! async fn demo() -> Result<(), StoreError> {
//!     let store = Store::open("sqlite://zoomkit.db").await?; // or postgres://user:pass@host/db
//!     store.migrate().await?; // versioned SQL files per backend, idempotent
//!     store.ready().await?;   // reachable + every migration applied (what /readyz asks)
//!
//!     // The delivery and the job that processes it commit in ONE transaction;
//!     // the same (provider, dedupe_key) again is a no-op returning the first id.
//!     let inserted = store
//!         .insert_delivery(NewDelivery {
//!             provider: "calcom",
//!             dedupe_key: "calcom:BOOKING_CREATED:uid-123:sha256:...",
//!             body: br#"{"triggerEvent":"BOOKING_CREATED"}"#,
//!             received_at: SystemTime::now(),
//!         })
//!         .await?;
//!     assert!(!inserted.duplicate);
//!
//!     // Workers: a job carries keys only (here the delivery id).
//!     let report = store
//!         .run_workers(
//!             WorkerConfig::default().concurrency(8),
//!             |job| async move {
//!                 match job.kind {
//!                     JobKind::ProcessDelivery(_id) => Ok(()), // read, parse, apply
//!                     _ => Err(JobError::permanent("no handler for this job kind")),
//!                 }
//!             },
//!             async { tokio::signal::ctrl_c().await.ok(); }, // graceful shutdown
//!         )
//!         .await?;
//!     println!("{} done, {} released at shutdown", report.completed, report.released);
//!     for dead in store.dead_letters(None, 50).await? {
//!         println!("{} {}: {}", dead.id, dead.kind, dead.last_error);
//!         store.retry_dead(dead.id, SystemTime::now()).await?;
//! }
//! Ok(())
//! }
//! ```
//!
//! # Backends
//!
//! The URL's scheme picks the backend: `sqlite://path` (or `sqlite:path`)
//! needs the `sqlite` feature (on by default), `postgres://` or
//! `postgresql://` the `postgres` feature. Any other URL is a
//! [`StoreError::InvalidUrl`] naming it, with its password replaced by `***`
//! (passwords never reach `Debug`, an error or a log).
//!
//! Both run on [sqlx](https://docs.rs/sqlx/0.8) through its `Any` driver, so
//! every query is written once; the few statements that differ (row locking,
//! `NOTIFY` on enqueue) are chosen per backend in [`jobs`], and PostgreSQL's
//! `LISTEN` uses sqlx's own `PgListener` on a connection of its own. On
//! SQLite the store's write transactions queue at an in-process FIFO gate
//! (see "Turns" in [`jobs`]). Times are stored as milliseconds since
//! the Unix epoch (`BIGINT`) on both, and bodies as bytes (`BLOB` / `BYTEA`),
//! exactly as received.
//!
//! - **SQLite**: a file in WAL mode (readers never block the writer), with
//!   `synchronous=FULL`: a delivery is acknowledged only once it is committed
//!   (rule 2), and `NORMAL` in WAL mode can lose the last commits on power
//!   loss. `busy_timeout` is 5 s, so several connections (and processes)
//!   wait for the write lock instead of failing, and foreign keys are on.
//! - **PostgreSQL**: several processes share one database; jobs are claimed
//!   with `FOR UPDATE SKIP LOCKED`, so two workers never hold one job.
//!   No TLS client is compiled in (it would add rustls and ring to every
//!   build): use PostgreSQL on a trusted network or through a local proxy.
//!
//! # Migrations
//!
//! Plain SQL files, one directory per backend
//! (`crates/server/migrations/sqlite/`, `crates/server/migrations/postgres/`),
//! embedded with `sqlx::migrate!` and applied in version order by
//! [`Store::migrate`]. Applied versions are recorded in `_sqlx_migrations`
//! with their checksum, so running it again is a no-op and an edited,
//! already-applied file is an error rather than silent drift. On PostgreSQL
//! concurrent `migrate` calls serialise on an advisory lock.
//!
//! # Adding a table
//!
//! One migration per backend and one file:
//!
//! 1. `migrations/sqlite/000N_bookings.sql` and
//!    `migrations/postgres/000N_bookings.sql` (the next free number; times as
//!    `BIGINT` milliseconds, ids as `INTEGER PRIMARY KEY` /
//!    `BIGINT GENERATED ALWAYS AS IDENTITY`);
//! 2. `src/store/bookings.rs` with its row types and an `impl Store` block of
//!    queries, declared here with `mod bookings;` and re-exported.
//!
//! A job that works on the new table is one more [`JobKind`] variant (its
//! keys, never its payload) in [`jobs`]. The shared test harness
//! (`tests/store/main.rs`) runs every new test on both backends.
//!
//! # Inbox and dedupe
//!
//! See [`inbox`]: a delivery is unique on `(provider, dedupe_key)`; a second
//! insert of the same key is a no-op that returns the first row's id.
//!
//! # Outbox
//!
//! See [`outbox`]: events for the app (e.g. `connection.needs_reauth`),
//! appended with [`append_event`] on the caller's transaction so a state
//! change and its event commit together.
//!
//! # Jobs
//!
//! See [`jobs`]: why the queue is ours and not apalis, leases, retries with
//! backoff, dead letters, and [`Store::run_workers`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Executor as _, Transaction};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

pub mod bookings;
pub mod connections;
pub mod inbox;
pub mod jobs;
pub mod outbox;
pub mod rate_limits;

pub use bookings::{Applied, BookingId, BookingRecord};
pub use connections::{
    Connection, ConnectionId, ConnectionStatus, CredentialKind, Credentials, Fresh, KeyError,
    NewConnection, Provider, RefreshError, RefreshFailure, Refreshed, Token, TokenKey, TokenKeys,
};
pub use inbox::{Delivery, DeliveryId, DeliveryStatus, Inserted, NewDelivery};
pub use jobs::{
    Claimed, DeadLetter, Job, JobError, JobId, JobKind, JobRecord, JobState, Outcome, RetryPolicy,
    WorkerConfig, WorkerReport, DEFAULT_RETENTION, NOTIFY_CHANNEL,
};
pub use outbox::{append as append_event, Event, EventId, EventStatus, NewEvent};

#[cfg(feature = "sqlite")]
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
#[cfg(feature = "postgres")]
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// An embedded SQLite file (feature `sqlite`).
    Sqlite,
    /// A PostgreSQL server (feature `postgres`).
    Postgres,
}

impl Backend {
    /// `"sqlite"` or `"postgres"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    fn migrator(self) -> Result<&'static Migrator, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            Backend::Sqlite => Ok(&SQLITE_MIGRATIONS),
            #[cfg(feature = "postgres")]
            Backend::Postgres => Ok(&POSTGRES_MIGRATIONS),
            #[allow(unreachable_patterns)]
            other => Err(StoreError::BackendNotBuilt {
                backend: other.name(),
            }),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A database URL that prints with its password replaced by `***`.
///
/// Its `Debug` and `Display` are the same redacted text, so it can sit in
/// errors and logs.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    full: String,
    shown: String,
}

impl DatabaseUrl {
    /// Wraps a URL. Nothing is validated here; [`Store::open`] does that.
    pub fn new(url: impl Into<String>) -> Self {
        let full = url.into();
        let shown = redact(&full);
        DatabaseUrl { full, shown }
    }

    /// The URL with its password (if any) as `***`.
    pub fn redacted(&self) -> &str {
        &self.shown
    }

    fn expose(&self) -> &str {
        &self.full
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.shown)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`, also
/// in text that does not parse as a URL (a password is never shown because
/// its URL was malformed), and a `password=` query parameter.
fn redact(url: &str) -> String {
    if let Ok(mut parsed) = url::Url::parse(url) {
        if parsed.password().is_some() && parsed.set_password(Some("***")).is_ok() {
            // set_password cannot fail on a URL that already has one.
        }
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("password") {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        if pairs
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("password"))
        {
            parsed.query_pairs_mut().clear().extend_pairs(pairs);
        }
        return parsed.to_string();
    }
    // Not a URL: hide everything between "://" and the last '@', which is
    // where userinfo would be.
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start + 3 => {
            format!("{}://***{}", &url[..start], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Everything that can go wrong in the store.
///
/// Messages name the URL (redacted), table, field or id involved, and never
/// contain a delivery body or a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL cannot be used; `reason` says why.
    #[error("database URL `{url}` is not usable: {reason}")]
    InvalidUrl {
        /// The URL, password redacted.
        url: DatabaseUrl,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL names a backend this build does not include.
    #[error(
        "the {backend} backend is not built in: enable the `{backend}` feature of zoomkit-server"
    )]
    BackendNotBuilt {
        /// `sqlite` or `postgres`.
        backend: &'static str,
    },
    /// The database could not be reached.
    #[error("cannot connect to the database at `{url}`: {source}")]
    Connect {
        /// The URL, password redacted.
        url: DatabaseUrl,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// Applying the migrations failed.
    #[error("applying migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database is reachable but not (fully) migrated.
    #[error(
        "the database is not migrated: {applied} of {expected} migrations applied \
         (run `zoomkit-server migrate`, or call Store::migrate)"
    )]
    NotMigrated {
        /// How many of this build's migrations are applied.
        applied: usize,
        /// How many this build has.
        expected: usize,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An argument was refused before it reached the database.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument, e.g. `provider` or `dedupe_key`.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A row holds a value this build does not understand (written by a
    /// newer version, or by hand).
    #[error("unexpected value in {table}.{column}: {value:?}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The value found (an enum name or number, never a body).
        value: String,
    },
    /// A connection's tokens cannot be sealed or opened with the configured
    /// [`TokenKeys`]; `reason` says what to do.
    #[error("token key `{key_id}`: {reason}")]
    TokenKey {
        /// The key id stored with (or configured for) the tokens.
        key_id: String,
        /// What went wrong.
        reason: &'static str,
    },
    /// A dead job was not retried because a live job of the same kind and
    /// keys already exists (it was enqueued again since the dead one
    /// died): that job will do the work; nothing was changed.
    #[error("dead job {id} was not retried: live job {live} already does the same work ({kind})")]
    AlreadyQueued {
        /// The dead job.
        id: i64,
        /// The live job with the same kind and keys (0 if it finished
        /// before it could be looked up).
        live: i64,
        /// Its kind and keys, e.g. `process_delivery(42)`.
        kind: String,
    },
    /// No row with that id (in that state).
    #[error("no {what} with id {id}")]
    NotFound {
        /// e.g. `dead job`, `delivery`.
        what: &'static str,
        /// The id looked up.
        id: i64,
    },
}

/// Settings for [`Store::open_with`]; [`Store::open`] uses the defaults.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StoreOptions {
    /// Connections in the pool (default 8 on SQLite, 10 on PostgreSQL).
    pub max_connections: Option<u32>,
    /// How long a connection waits for a locked SQLite database, and for a
    /// free pooled connection (default 5 s).
    pub busy_timeout: Duration,
    /// How many times a job runs before it is dead (default 10). Stored on
    /// each job when it is enqueued.
    pub max_attempts: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: None,
            busy_timeout: Duration::from_secs(5),
            max_attempts: 10,
        }
    }
}

impl StoreOptions {
    /// Sets [`StoreOptions::max_connections`].
    #[must_use]
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = Some(n);
        self
    }

    /// Sets [`StoreOptions::busy_timeout`].
    #[must_use]
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Sets [`StoreOptions::max_attempts`] (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
}

/// The inbox and job queue on one database. Cheap to clone (a pool handle);
/// clones share connections and wake each other's workers on insert.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: DatabaseUrl,
    max_attempts: u32,
    /// Notified after a commit that enqueued a job, so workers of this
    /// process start at once instead of at their next poll.
    wake: Arc<Notify>,
    /// SQLite only: held by every write transaction of this store (and its
    /// clones), see [`WriteTx`].
    write_gate: Option<Arc<Mutex<()>>>,
}

/// A write transaction. On SQLite it also holds the store's write gate: the
/// database has one write lock, and connections of one pool that race for
/// it wait in SQLite's busy handler, which sleeps (1, 2, 5 ... 100 ms) and
/// lets a newcomer overtake a waiter, so under load a commit could wait
/// far longer than the transactions ahead of it took. The gate is a FIFO
/// async mutex: the process's writers queue in order, and at most one of
/// them asks SQLite for the lock (other processes on the same file still
/// meet the busy timeout). On PostgreSQL there is no gate: writers run in
/// parallel under row locks.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (and for SQLite creates) the database at `url` with default
    /// [`StoreOptions`]. Call [`Store::migrate`] next.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, StoreOptions::default()).await
    }

    /// [`Store::open`] with settings.
    pub async fn open_with(url: &str, options: StoreOptions) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let url = DatabaseUrl::new(url);
        let (backend, connect_url) = parse_url(&url)?;
        backend.migrator()?;
        let connect: AnyConnectOptions =
            connect_url
                .parse()
                .map_err(|e: sqlx::Error| StoreError::InvalidUrl {
                    url: url.clone(),
                    reason: redact(&e.to_string()),
                })?;
        let busy_ms = options.busy_timeout.as_millis().min(i32::MAX as u128);
        let pool_options = AnyPoolOptions::new()
            .max_connections(options.max_connections.unwrap_or(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 10,
            }))
            .acquire_timeout(options.busy_timeout.max(Duration::from_secs(1)));
        let pool_options = match backend {
            Backend::Sqlite => pool_options.after_connect(move |conn, _meta| {
                Box::pin(async move {
                    // WAL is persistent in the file; the others are per
                    // connection. FULL: see the module docs.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute(&*format!("PRAGMA busy_timeout = {busy_ms}"))
                        .await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            }),
            Backend::Postgres => pool_options,
        };
        let pool =
            pool_options
                .connect_with(connect)
                .await
                .map_err(|source| StoreError::Connect {
                    url: url.clone(),
                    source,
                })?;
        Ok(Store {
            pool,
            backend,
            url,
            max_attempts: options.max_attempts.max(1),
            wake: Arc::new(Notify::new()),
            write_gate: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
        })
    }

    /// Applies every migration not yet applied, in order. Idempotent.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.backend.migrator()?.run(&self.pool).await?;
        Ok(())
    }

    /// Readiness: the database answers and every migration of this build is
    /// applied. What `GET /readyz` reports.
    pub async fn ready(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        let migrator = self.backend.migrator()?;
        let expected: Vec<i64> = migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect();
        let applied: Vec<i64> =
            match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
            {
                Ok(v) => v,
                // No bookkeeping table: nothing was ever migrated.
                Err(sqlx::Error::Database(_)) => Vec::new(),
                Err(e) => return Err(e.into()),
            };
        let present = expected.iter().filter(|v| applied.contains(v)).count();
        if present == expected.len() {
            Ok(())
        } else {
            Err(StoreError::NotMigrated {
                applied: present,
                expected: expected.len(),
            })
        }
    }

    /// The backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL it was opened with, password redacted.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Closes every connection of the pool (of all clones) and waits until
    /// they are closed. Later queries fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether [`Store::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Waits for the write gate (SQLite), then begins a transaction. The
    /// gate is taken first, so a writer never holds a pooled connection
    /// while it queues.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let gate = self.write_gate().await;
        let tx = self.pool.begin().await?;
        Ok(WriteTx { tx, _gate: gate })
    }

    /// The write gate alone, for a single write statement outside a
    /// transaction (`None` on PostgreSQL).
    pub(crate) async fn write_gate(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.write_gate {
            Some(gate) => Some(Arc::clone(gate).lock_owned().await),
            None => None,
        }
    }
}

/// Checks the scheme and turns the user's URL into what sqlx connects to.
fn parse_url(url: &DatabaseUrl) -> Result<(Backend, String), StoreError> {
    let raw = url.expose();
    let invalid = |reason: &str| StoreError::InvalidUrl {
        url: url.clone(),
        reason: reason.to_owned(),
    };
    let scheme = raw
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .ok_or_else(|| {
            invalid("it has no scheme: use sqlite://path/to/file.db or postgres://user@host/db")
        })?;
    match scheme.as_str() {
        "sqlite" => {
            let rest = raw["sqlite:".len()..]
                .strip_prefix("//")
                .unwrap_or(&raw["sqlite:".len()..]);
            let path = rest.split('?').next().unwrap_or("");
            if path.is_empty() {
                return Err(invalid("it names no file: use sqlite://path/to/file.db"));
            }
            if path == ":memory:" || rest.contains("mode=memory") {
                return Err(invalid(
                    "an in-memory SQLite database is not durable and is not shared between \
                     pooled connections: name a file",
                ));
            }
            // Create the file if missing, unless the caller chose a mode.
            let connect = if rest.contains("mode=") {
                format!("sqlite://{rest}")
            } else if rest.contains('?') {
                format!("sqlite://{rest}&mode=rwc")
            } else {
                format!("sqlite://{rest}?mode=rwc")
            };
            Ok((Backend::Sqlite, connect))
        }
        "postgres" | "postgresql" => {
            let parsed = url::Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
            if parsed.host_str().is_none_or(str::is_empty)
                && !parsed.query_pairs().any(|(k, _)| k == "host")
            {
                return Err(invalid(
                    "it names no host: use postgres://user@host:5432/db",
                ));
            }
            Ok((Backend::Postgres, raw.to_owned()))
        }
        other => Err(invalid(&format!(
            "unknown scheme `{other}`: use sqlite://path/to/file.db or postgres://user@host/db"
        ))),
    }
}

/// Milliseconds since the Unix epoch, as stored.
pub(crate) fn to_millis(t: SystemTime, field: &'static str) -> Result<i64, StoreError> {
    let d = t
        .duration_since(UNIX_EPOCH)
        .map_err(|_| StoreError::InvalidInput {
            field,
            reason: "is before 1970-01-01".into(),
        })?;
    i64::try_from(d.as_millis()).map_err(|_| StoreError::InvalidInput {
        field,
        reason: "is too far in the future".into(),
    })
}

/// The inverse of [`to_millis`]; a negative value (only written by hand) is
/// the epoch.
pub(crate) fn from_millis(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_connections_use_wal_full_sync_and_a_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("pragmas.db").display());
        let store = Store::open(&url).await.unwrap();
        let mut conn = store.pool().acquire().await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!((mode.as_str(), sync, busy, fk), ("wal", 2, 5000, 1)); // 2 = FULL
        drop(conn);
        store.close().await;
    }

    #[test]
    fn passwords_are_redacted() {
        let u = DatabaseUrl::new("postgres://app:s3cr3t@db.example:5432/zoomkit");
        assert_eq!(u.redacted(), "postgres://app:***@db.example:5432/zoomkit");
        assert!(!format!("{u:?}").contains("s3cr3t"));
        let q = DatabaseUrl::new("postgres://db.example/zoomkit?user=app&password=s3cr3t");
        assert!(!q.to_string().contains("s3cr3t"), "{q}");
        // Not parseable as a URL: userinfo is hidden anyway.
        let bad = DatabaseUrl::new("postgres://app:s3cr3t@[bad-host/zoomkit");
        assert!(!bad.to_string().contains("s3cr3t"), "{bad}");
    }

    #[test]
    fn urls_pick_the_backend_or_are_refused_by_name() {
        let sqlite = parse_url(&DatabaseUrl::new("sqlite://zoomkit.db"));
        assert_eq!(
            sqlite.ok(),
            Some((Backend::Sqlite, "sqlite://zoomkit.db?mode=rwc".to_owned()))
        );
        let pg = parse_url(&DatabaseUrl::new("postgresql://u:p@h/db"));
        assert_eq!(pg.ok().map(|(b, _)| b), Some(Backend::Postgres));
        for bad in [
            "mysql://u:hunter2@h/db",
            "zoomkit.db",
            "sqlite://",
            "sqlite::memory:",
            "postgres:///db",
        ] {
            let err = parse_url(&DatabaseUrl::new(bad)).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(err, StoreError::InvalidUrl { .. }),
                "{bad}: {text}"
            );
            assert!(!text.contains("hunter2"), "{text}");
        }
    }
}
