//! Zoom's budgets shared by several instances through the store (with
//! `sqlite` or `postgres`): the per-second windows split between the live
//! instances, the daily caps and 429 pauses counted in the store.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use sha2::{Digest as _, Sha256};

use crate::http::{
    next_utc_midnight, utc_day, BoxFuture, Budgets, Clock, NotYet, ShareHistory, ShareView,
    SharedBudget, ZoomKey, ZoomLimits,
};
use crate::store::rate_limits::PauseKind;
use crate::store::{Store, StoreError};

/// How often an instance says it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// An instance not heard from for this long no longer takes a share.
pub const LIVE_WITHIN: Duration = Duration::from_secs(3);
/// The longest an instance is taken to need to see a change of the live
/// set: two heartbeats (one, and room for a late one). A share grows, and a
/// new instance takes its first, only this long plus the window's span
/// after the change was seen (see [`ShareHistory`]).
pub const SETTLE: Duration = Duration::from_secs(2);

/// One instance's seat at a Zoom account's shared budget.
///
/// Start one per process with [`SharedZoomBudget::start`] and build the
/// process's [`super::ZoomClient`] with
/// [`super::ZoomClient::with_shared_budget`]:
///
/// - the account's per-second (and per-minute) limits are split between
///   the live instances, heartbeated into the store every second: each
///   takes `limit / live`, and the first `limit % live` by rank one more,
///   so the shares add up to the limit (20/s over 3: 7, 7, 6). Pacing
///   stays local (no round trip per call). A share shrinks as soon as a
///   heartbeat sees a new instance; it grows, and a new instance takes its
///   first, only `SETTLE` plus the window's span later, when every other
///   instance has seen the change and its calls under the old shares have
///   left the window (so a new instance makes its first LIGHT call about
///   3 s after it starts, its first RESOURCE-INTENSIVE one about 62 s
///   after). Each call counts from its answer, not its send (see
///   [`crate::http::Budgets::acquire_pending`]);
/// - creates per host, updates per meeting and the daily heavy quota are
///   counted exactly in the store, one conditional upsert per call;
/// - a 429's hold or daily pause is written to the store and read before
///   every call by every instance.
///
/// If the store cannot be reached, calls go on under the local budgets
/// alone (logged), rather than stopping every Zoom call.
pub struct SharedZoomBudget {
    store: Store,
    limits: ZoomLimits,
    shares: Arc<Mutex<ShareHistory>>,
    instance: String,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for SharedZoomBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedZoomBudget")
            .field("instance", &self.instance)
            .field("live_instances", &self.live_instances())
            .finish_non_exhaustive()
    }
}

impl Drop for SharedZoomBudget {
    fn drop(&mut self) {
        self.heartbeat.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The history is consistent after any panic (one push per update).
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn digest(key: &ZoomKey) -> String {
    hex::encode(Sha256::digest(key.stable_id().as_bytes()))
}

impl SharedZoomBudget {
    /// Joins `account`'s shared budget on `store` (migrated) with `limits`
    /// (the same as the client's), heartbeats once, and keeps
    /// heartbeating in a task until dropped.
    ///
    /// # Errors
    /// [`StoreError`] when the first heartbeat fails.
    pub async fn start(
        store: Store,
        account: &str,
        limits: ZoomLimits,
        clock: Clock,
    ) -> Result<Arc<Self>, StoreError> {
        let now = clock.now();
        let nanos = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let instance = format!("{}-{nanos}", std::process::id());
        let scope = format!("zoom:{account}");
        let first = store
            .rate_heartbeat(&scope, &instance, now, LIVE_WITHIN)
            .await?;
        let view = ShareView {
            live: first.live,
            rank: first.rank,
        };
        let shares = Arc::new(Mutex::new(ShareHistory::new(view, now, SETTLE)));
        let heartbeat = {
            let (store, shares, instance, clock) = (
                store.clone(),
                Arc::clone(&shares),
                instance.clone(),
                clock.clone(),
            );
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(HEARTBEAT).await;
                    let at = clock.now();
                    match store
                        .rate_heartbeat(&scope, &instance, at, LIVE_WITHIN)
                        .await
                    {
                        Ok(m) => {
                            let view = ShareView {
                                live: m.live,
                                rank: m.rank,
                            };
                            lock(&shares).observe(view, at);
                        }
                        Err(e) => tracing::warn!(error = %e, "rate budget heartbeat failed"),
                    }
                }
            })
        };
        Ok(Arc::new(Self {
            store,
            limits,
            shares,
            instance,
            heartbeat,
        }))
    }

    /// How many instances share the account now (this one included).
    #[must_use]
    pub fn live_instances(&self) -> u32 {
        lock(&self.shares).current().live
    }

    /// How many instances share the account and this one's rank among
    /// them, as its last heartbeat saw them.
    #[must_use]
    pub fn view(&self) -> ShareView {
        lock(&self.shares).current()
    }

    /// This instance's part of the account's `limit` at `now` (what its
    /// budgets pace at).
    #[must_use]
    pub fn share(&self, limit: crate::http::Limit, now: SystemTime) -> crate::http::Limit {
        lock(&self.shares).limit(limit, now)
    }

    /// Local budgets for this instance's share.
    #[must_use]
    pub fn budgets(&self) -> Budgets<ZoomKey> {
        self.limits.budgets_shared(Arc::clone(&self.shares))
    }

    /// Leaves the account's budget (the others' share grows at their next
    /// heartbeat).
    ///
    /// # Errors
    /// [`StoreError`] from the database.
    pub async fn leave(&self) -> Result<(), StoreError> {
        self.heartbeat.abort();
        self.store.rate_leave(&self.instance).await
    }

    async fn admit_keys(
        &self,
        keys: &[ZoomKey],
        now: SystemTime,
    ) -> Result<Result<(), NotYet>, StoreError> {
        let digests: Vec<String> = keys.iter().map(digest).collect();
        let mut wait: Option<NotYet> = None;
        for (key, kind, until) in self.store.rate_pauses(&digests, now).await? {
            let Some(key_index) = digests.iter().position(|d| *d == key) else {
                continue;
            };
            match kind {
                PauseKind::Pause => return Ok(Err(NotYet::Paused { key_index, until })),
                PauseKind::Hold => {
                    if wait.is_none_or(|w| until > w.until()) {
                        wait = Some(NotYet::Wait { key_index, until });
                    }
                }
            }
        }
        if let Some(w) = wait {
            return Ok(Err(w));
        }
        let day = utc_day(now);
        for (key_index, key) in keys.iter().enumerate() {
            let daily = matches!(
                key,
                ZoomKey::HostCreates { .. }
                    | ZoomKey::MeetingUpdates { .. }
                    | ZoomKey::HeavyPerDay { .. }
            );
            let Some(limit) = self.limits.limit(key).filter(|_| daily) else {
                continue;
            };
            if !self
                .store
                .rate_take_daily(&digests[key_index], day, limit.count.get())
                .await?
            {
                let until = next_utc_midnight(now);
                self.store
                    .rate_pause(&digests[key_index], PauseKind::Pause, until)
                    .await?;
                return Ok(Err(NotYet::Paused { key_index, until }));
            }
        }
        Ok(Ok(()))
    }
}

impl SharedBudget<ZoomKey> for SharedZoomBudget {
    fn admit<'a>(
        &'a self,
        keys: &'a [ZoomKey],
        now: SystemTime,
    ) -> BoxFuture<'a, Result<(), NotYet>> {
        Box::pin(async move {
            match self.admit_keys(keys, now).await {
                Ok(answer) => answer,
                Err(e) => {
                    tracing::warn!(error = %e, "shared rate budget unreachable: local budgets only");
                    Ok(())
                }
            }
        })
    }

    fn limited<'a>(
        &'a self,
        key: &'a ZoomKey,
        until: SystemTime,
        daily: bool,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let kind = if daily {
                PauseKind::Pause
            } else {
                PauseKind::Hold
            };
            if let Err(e) = self.store.rate_pause(&digest(key), kind, until).await {
                tracing::warn!(error = %e, "could not share a 429 pause");
            }
        })
    }
}
