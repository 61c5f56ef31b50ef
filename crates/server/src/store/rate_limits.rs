//! Outbound rate budgets shared by the instances on one database (issue 12,
//! "several instances"): the store's half; `zoom::SharedZoomBudget` is the
//! half that uses it.
//!
//! How the budget is shared:
//!
//! - **Per-second and per-minute windows** are split: each instance
//!   heartbeats into `rate_instances` ([`Store::rate_heartbeat`] answers how
//!   many instances of its scope are live and its rank among them) and
//!   paces locally at its share (`limit / live`, one more for the first
//!   `limit % live` ranks, so the shares add up to the limit), with no
//!   database round trip per call (`http::ShareHistory` says when a share
//!   may grow).
//! - **Daily caps** (creates per host, updates per meeting, the heavy quota)
//!   are counted exactly in `rate_daily`: one conditional upsert per call
//!   ([`Store::rate_take_daily`]) takes a slot only while the day's count is
//!   under the cap, atomically on both backends.
//! - **429 pauses** go to `rate_pauses` ([`Store::rate_pause`]); every
//!   instance reads the pauses of a call's keys before sending it
//!   ([`Store::rate_pauses`]), so one instance's 429 stops all of them.
//!
//! Keys are opaque strings to the store (the Zoom side stores SHA-256
//! digests, never a host's e-mail address).

use std::time::{Duration, SystemTime};

use sqlx::Row as _;

use super::{from_millis, to_millis, Store, StoreError};

/// Whether a pause holds a key for a short while or stops it for the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PauseKind {
    /// A short 429's `Retry-After`: wait.
    Hold,
    /// A daily cap: fail fast.
    Pause,
}

impl PauseKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Hold => "hold",
            Self::Pause => "pause",
        }
    }
}

/// The live instances of a scope, as one heartbeat saw them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Members {
    /// How many were seen within the liveness window (at least 1: this one).
    pub live: u32,
    /// How many of them have an id that sorts before this one's: this
    /// instance's place, in an order every instance agrees on.
    pub rank: u32,
}

impl Store {
    /// Records that `instance` uses `scope` now and answers which
    /// instances of `scope` were seen within `live_within` (this one
    /// always among them). Rows silent for ten times that long are removed.
    ///
    /// # Errors
    /// [`StoreError`] from the database.
    pub async fn rate_heartbeat(
        &self,
        scope: &str,
        instance: &str,
        now: SystemTime,
        live_within: Duration,
    ) -> Result<Members, StoreError> {
        let at = to_millis(now, "now")?;
        let window = i64::try_from(live_within.as_millis()).unwrap_or(i64::MAX / 20);
        sqlx::query(
            "INSERT INTO rate_instances (instance, scope, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (instance) DO UPDATE SET scope = excluded.scope, seen_at = excluded.seen_at",
        )
        .bind(instance)
        .bind(scope)
        .bind(at)
        .execute(self.pool())
        .await?;
        sqlx::query("DELETE FROM rate_instances WHERE seen_at < $1")
            .bind(at.saturating_sub(window.saturating_mul(10)))
            .execute(self.pool())
            .await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS live, \
               COALESCE(SUM(CASE WHEN instance < $3 THEN 1 ELSE 0 END), 0) AS before_me \
             FROM rate_instances WHERE scope = $1 AND seen_at >= $2",
        )
        .bind(scope)
        .bind(at.saturating_sub(window))
        .bind(instance)
        .fetch_one(self.pool())
        .await?;
        let live: i64 = row.try_get("live")?;
        let rank: i64 = row.try_get("before_me")?;
        let live = u32::try_from(live.max(1)).unwrap_or(u32::MAX);
        let rank = u32::try_from(rank.max(0)).unwrap_or(0).min(live - 1);
        Ok(Members { live, rank })
    }

    /// Removes `instance` (a clean shutdown: the others' share grows at
    /// their next heartbeat).
    ///
    /// # Errors
    /// [`StoreError`] from the database.
    pub async fn rate_leave(&self, instance: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM rate_instances WHERE instance = $1")
            .bind(instance)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Holds or pauses `key` until `until`. A later time extends an earlier
    /// one; an earlier one never shortens it; a pause outranks a hold.
    ///
    /// # Errors
    /// [`StoreError`] from the database.
    pub async fn rate_pause(
        &self,
        key: &str,
        kind: PauseKind,
        until: SystemTime,
    ) -> Result<(), StoreError> {
        let until = to_millis(until, "until")?;
        sqlx::query(
            "INSERT INTO rate_pauses (key, kind, until_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET \
               until_at = CASE WHEN excluded.until_at > rate_pauses.until_at \
                          THEN excluded.until_at ELSE rate_pauses.until_at END, \
               kind = CASE WHEN excluded.kind = 'pause' THEN 'pause' ELSE rate_pauses.kind END",
        )
        .bind(key)
        .bind(kind.as_str())
        .bind(until)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The holds and pauses among `keys` still running at `now`.
    ///
    /// # Errors
    /// [`StoreError`] from the database.
    pub async fn rate_pauses(
        &self,
        keys: &[String],
        now: SystemTime,
    ) -> Result<Vec<(String, PauseKind, SystemTime)>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let at = to_millis(now, "now")?;
        let marks: Vec<String> = (2..keys.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT key, kind, until_at FROM rate_pauses WHERE until_at > $1 AND key IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(at);
        for k in keys {
            q = q.bind(k.as_str());
        }
        let rows = q.fetch_all(self.pool()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let key: String = row.try_get("key")?;
            let kind: String = row.try_get("kind")?;
            let until: i64 = row.try_get("until_at")?;
            let kind = if kind == "pause" {
                PauseKind::Pause
            } else {
                PauseKind::Hold
            };
            out.push((key, kind, from_millis(until)));
        }
        Ok(out)
    }

    /// Takes one of `cap` slots of `key` on UTC day `day` (days since the
    /// epoch): `true` when taken, `false` when the day's slots are used up.
    /// Atomic across instances (one conditional upsert).
    ///
    /// # Errors
    /// [`StoreError`] from the database.
    pub async fn rate_take_daily(&self, key: &str, day: u64, cap: u32) -> Result<bool, StoreError> {
        if cap == 0 {
            return Ok(false);
        }
        let day = i64::try_from(day).unwrap_or(i64::MAX);
        let used: Option<i64> = sqlx::query_scalar(
            "INSERT INTO rate_daily (key, day, used) VALUES ($1, $2, 1) \
             ON CONFLICT (key, day) DO UPDATE SET used = rate_daily.used + 1 \
             WHERE rate_daily.used < $3 RETURNING used",
        )
        .bind(key)
        .bind(day)
        .bind(i64::from(cap))
        .fetch_optional(self.pool())
        .await?;
        Ok(used.is_some())
    }
}
