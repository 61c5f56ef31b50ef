//! Jobs: exactly-once processing by the workers, retries with backoff,
//! dead letters, shutdown.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use zoomkit_server::store::{
    DeliveryId, DeliveryStatus, Job, JobError, JobKind, JobState, Outcome, RetryPolicy, StoreError,
    StoreOptions, WorkerConfig,
};

use crate::harness::{delivery, eventually, ms, t0, TestDb};

both!(
    workers_process_each_delivery_exactly_once,
    a_failure_retries_after_exponential_backoff,
    workers_retry_until_success,
    dead_letters_keep_the_error_and_can_be_retried,
    a_permanent_error_is_dead_at_once,
    shutdown_finishes_running_jobs_within_the_grace,
    shutdown_releases_jobs_past_the_grace,
);

fn delivery_of(job: &Job) -> DeliveryId {
    match job.kind {
        JobKind::ProcessDelivery(id) => id,
        other => panic!("unexpected job {other}"),
    }
}

fn fast() -> WorkerConfig {
    WorkerConfig::default()
        .concurrency(4)
        .poll_interval(ms(20))
        .retry(RetryPolicy {
            base: ms(20),
            max: ms(200),
        })
}

async fn workers_process_each_delivery_exactly_once(db: &TestDb) {
    let store = &db.store;
    let mut ids = Vec::new();
    for i in 0..100 {
        let key = format!("once-{i}");
        ids.push(
            store
                .insert_delivery(delivery(&key, b"{}"))
                .await
                .unwrap()
                .id,
        );
        // Every tenth is delivered twice: still one row, one job.
        if i % 10 == 0 {
            assert!(
                store
                    .insert_delivery(delivery(&key, b"{}"))
                    .await
                    .unwrap()
                    .duplicate
            );
        }
    }
    let runs: Arc<Mutex<HashMap<DeliveryId, u32>>> = Arc::default();
    let (stop, stopped) = oneshot::channel::<()>();
    let workers = {
        let store = store.clone();
        let runs = Arc::clone(&runs);
        tokio::spawn(async move {
            store
                .run_workers(
                    fast(),
                    move |job| {
                        let runs = Arc::clone(&runs);
                        async move {
                            *runs.lock().unwrap().entry(delivery_of(&job)).or_default() += 1;
                            Ok(())
                        }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await
        })
    };
    eventually(Duration::from_secs(60), "every delivery done", || async {
        store.count_deliveries(DeliveryStatus::Done).await.unwrap() == 100
    })
    .await;
    stop.send(()).unwrap();
    let report = workers.await.unwrap().unwrap();
    assert_eq!((report.claimed, report.completed), (100, 100), "{report:?}");
    assert_eq!(
        (report.retried, report.dead, report.released, report.errors),
        (0, 0, 0, 0)
    );
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 100);
    assert!(runs.values().all(|&n| n == 1), "{runs:?}");
    assert!(ids.iter().all(|id| runs.contains_key(id)));
    assert_eq!(
        store
            .count_jobs_of_kind("process_delivery", JobState::Done)
            .await
            .unwrap(),
        100
    );
    let row = store.delivery(ids[7]).await.unwrap().unwrap();
    assert_eq!((row.attempts, row.processed_at.is_some()), (1, true));
}

async fn a_failure_retries_after_exponential_backoff(db: &TestDb) {
    let store = &db.store;
    let policy = RetryPolicy {
        base: Duration::from_secs(2),
        max: Duration::from_secs(60),
    };
    let lease = Duration::from_secs(30);
    let id = store
        .insert_delivery(delivery("flaky", b"{}"))
        .await
        .unwrap()
        .id;

    let first = store.claim("w1", t0(), lease, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].job.attempt, 1);
    let outcome = store
        .fail(
            &first[0],
            &JobError::retry("zoom answered 503"),
            &policy,
            t0(),
        )
        .await
        .unwrap();
    let retry_at = t0() + Duration::from_secs(2);
    assert_eq!(outcome, Outcome::Retrying { at: retry_at });
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(row.status, DeliveryStatus::Pending);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.last_error.as_deref(), Some("zoom answered 503"));

    // Not due a millisecond early; due at the backoff.
    assert!(store
        .claim("w1", retry_at - ms(1), lease, 10)
        .await
        .unwrap()
        .is_empty());
    let second = store.claim("w2", retry_at, lease, 10).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].job.attempt, 2);
    assert_eq!(
        store.delivery(id).await.unwrap().unwrap().status,
        DeliveryStatus::Processing
    );

    // The wait doubles.
    let outcome = store
        .fail(&second[0], &JobError::retry("again"), &policy, retry_at)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Retrying {
            at: retry_at + Duration::from_secs(4)
        }
    );
    let job = store.job(second[0].job.id).await.unwrap().unwrap();
    assert_eq!((job.state, job.attempt), (JobState::Available, 2));
    assert_eq!(job.run_at, retry_at + Duration::from_secs(4));
    assert_eq!(job.last_error.as_deref(), Some("again"));
}

async fn workers_retry_until_success(db: &TestDb) {
    let store = &db.store;
    let id = store
        .insert_delivery(delivery("twice-failing", b"{}"))
        .await
        .unwrap()
        .id;
    let calls = Arc::new(AtomicU32::new(0));
    let attempts: Arc<Mutex<Vec<u32>>> = Arc::default();
    let (stop, stopped) = oneshot::channel::<()>();
    let workers = {
        let store = store.clone();
        let calls = Arc::clone(&calls);
        let attempts = Arc::clone(&attempts);
        tokio::spawn(async move {
            store
                .run_workers(
                    fast(),
                    move |job| {
                        let calls = Arc::clone(&calls);
                        attempts.lock().unwrap().push(job.attempt);
                        async move {
                            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                            if n < 3 {
                                Err(JobError::retry(format!("failure {n}")))
                            } else {
                                Ok(())
                            }
                        }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await
        })
    };
    eventually(Duration::from_secs(30), "the delivery done", || async {
        store.delivery(id).await.unwrap().unwrap().status == DeliveryStatus::Done
    })
    .await;
    stop.send(()).unwrap();
    let report = workers.await.unwrap().unwrap();
    assert_eq!((report.retried, report.completed), (2, 1), "{report:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(*attempts.lock().unwrap(), [1, 2, 3]);
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(row.attempts, 3);
    // The last failure stays on record after the success.
    assert_eq!(row.last_error.as_deref(), Some("failure 2"));
}

async fn dead_letters_keep_the_error_and_can_be_retried(db: &TestDb) {
    let store = db.reopen(StoreOptions::default().max_attempts(2)).await;
    let policy = RetryPolicy::default();
    let lease = Duration::from_secs(30);
    let id = store
        .insert_delivery(delivery("doomed", b"{}"))
        .await
        .unwrap()
        .id;
    let mut now = t0();
    for attempt in 1..=2 {
        let claimed = store.claim("w", now, lease, 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "attempt {attempt}");
        let error = JobError::retry(format!("calendly 500 on attempt {attempt}"));
        let outcome = store.fail(&claimed[0], &error, &policy, now).await.unwrap();
        if attempt == 2 {
            assert_eq!(outcome, Outcome::Dead);
        }
        now += Duration::from_secs(3600);
    }
    // Dead: listed with its error, never claimed again.
    assert!(store.claim("w", now, lease, 10).await.unwrap().is_empty());
    let dead = store.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].kind, JobKind::ProcessDelivery(id));
    assert_eq!(dead[0].attempts, 2);
    assert_eq!(dead[0].last_error, "calendly 500 on attempt 2");
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(row.status, DeliveryStatus::Dead);
    assert_eq!(row.last_error.as_deref(), Some("calendly 500 on attempt 2"));
    assert_eq!(
        store
            .deliveries(DeliveryStatus::Dead, None, 10)
            .await
            .unwrap()
            .len(),
        1
    );

    // Retried: pending, claimable at once with a fresh attempt count.
    store.retry_dead(dead[0].id, now).await.unwrap();
    assert!(store.dead_letters(None, 10).await.unwrap().is_empty());
    assert_eq!(
        store.delivery(id).await.unwrap().unwrap().status,
        DeliveryStatus::Pending
    );
    let again = store.claim("w", now, lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].job.attempt, 1);
    assert_eq!(store.complete(&again[0], now).await.unwrap(), Outcome::Done);
    assert_eq!(
        store.delivery(id).await.unwrap().unwrap().status,
        DeliveryStatus::Done
    );

    // Only a dead job can be retried.
    assert!(matches!(
        store.retry_dead(again[0].job.id, now).await,
        Err(StoreError::NotFound {
            what: "dead job",
            ..
        })
    ));
    store.close().await;
}

async fn a_permanent_error_is_dead_at_once(db: &TestDb) {
    let store = &db.store;
    let id = store
        .insert_delivery(delivery("unparsable", b"not json"))
        .await
        .unwrap()
        .id;
    let claimed = store
        .claim("w", t0(), Duration::from_secs(30), 1)
        .await
        .unwrap();
    let outcome = store
        .fail(
            &claimed[0],
            &JobError::permanent("body is not JSON"),
            &RetryPolicy::default(),
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Dead);
    let dead = store.dead_letters(None, 10).await.unwrap();
    assert_eq!((dead.len(), dead[0].attempts), (1, 1));
    assert_eq!(
        store.delivery(id).await.unwrap().unwrap().status,
        DeliveryStatus::Dead
    );
}

async fn shutdown_finishes_running_jobs_within_the_grace(db: &TestDb) {
    let store = &db.store;
    let id = store
        .insert_delivery(delivery("slow", b"{}"))
        .await
        .unwrap()
        .id;
    let (started_tx, started) = oneshot::channel::<()>();
    let started_tx = Mutex::new(Some(started_tx));
    let (stop, stopped) = oneshot::channel::<()>();
    let workers = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .run_workers(
                    fast().shutdown_grace(Duration::from_secs(20)),
                    move |_job| {
                        if let Some(tx) = started_tx.lock().unwrap().take() {
                            let _ = tx.send(());
                        }
                        async {
                            tokio::time::sleep(ms(300)).await;
                            Ok(())
                        }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await
        })
    };
    started.await.unwrap();
    stop.send(()).unwrap(); // while the handler sleeps
    let report = workers.await.unwrap().unwrap();
    assert_eq!((report.completed, report.released), (1, 0), "{report:?}");
    assert_eq!(
        store.delivery(id).await.unwrap().unwrap().status,
        DeliveryStatus::Done
    );
}

/// Drops to `true` when the handler's future is dropped (aborted).
struct Dropped(Arc<AtomicBool>);
impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn shutdown_releases_jobs_past_the_grace(db: &TestDb) {
    let store = &db.store;
    let id = store
        .insert_delivery(delivery("stuck", b"{}"))
        .await
        .unwrap()
        .id;
    let dropped = Arc::new(AtomicBool::new(false));
    let (started_tx, started) = oneshot::channel::<()>();
    let started_tx = Mutex::new(Some(started_tx));
    let (stop, stopped) = oneshot::channel::<()>();
    let workers = {
        let store = store.clone();
        let dropped = Arc::clone(&dropped);
        tokio::spawn(async move {
            store
                .run_workers(
                    fast().shutdown_grace(ms(100)),
                    move |_job| {
                        if let Some(tx) = started_tx.lock().unwrap().take() {
                            let _ = tx.send(());
                        }
                        let guard = Dropped(Arc::clone(&dropped));
                        async move {
                            let _guard = guard;
                            std::future::pending::<Result<(), JobError>>().await
                        }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await
        })
    };
    started.await.unwrap();
    stop.send(()).unwrap();
    let report = workers.await.unwrap().unwrap();
    assert_eq!((report.completed, report.released), (0, 1), "{report:?}");
    // The handler was stopped, not left running detached.
    eventually(Duration::from_secs(5), "the handler dropped", || async {
        dropped.load(Ordering::SeqCst)
    })
    .await;
    // The job is available again at once, the attempt not counted.
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (DeliveryStatus::Pending, 0));
    let jobs = store.jobs_of(JobKind::ProcessDelivery(id)).await.unwrap();
    assert_eq!((jobs[0].state, jobs[0].attempt), (JobState::Available, 0));
    assert_eq!(jobs[0].locked_by, None);
}
