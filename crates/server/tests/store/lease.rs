//! Leases: a job whose worker died runs again; a live worker keeps its job.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::oneshot;
use zoomkit_server::store::{
    DeliveryStatus, JobError, JobKind, JobState, Outcome, RetryPolicy, StoreOptions, WorkerConfig,
};

use crate::harness::{delivery, eventually, ms, t0, TestDb};

both!(
    an_expired_lease_is_claimed_again,
    an_expired_lease_on_the_last_attempt_is_dead,
    workers_pick_up_a_dead_workers_job,
    heartbeats_keep_a_long_job_from_running_twice,
);

async fn an_expired_lease_is_claimed_again(db: &TestDb) {
    let store = &db.store;
    let lease = Duration::from_secs(30);
    let id = store
        .insert_delivery(delivery("orphan", b"{}"))
        .await
        .unwrap()
        .id;
    // Worker A claims, then dies: no heartbeat, no completion.
    let a = store.claim("worker-a", t0(), lease, 10).await.unwrap();
    assert_eq!(a.len(), 1);
    // Still leased: nobody else gets it.
    let before = t0() + lease - ms(1);
    assert!(store
        .claim("worker-b", before, lease, 10)
        .await
        .unwrap()
        .is_empty());
    // Expired: B claims it, as attempt 2, and the record says why.
    let expired = t0() + lease;
    let b = store.claim("worker-b", expired, lease, 10).await.unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].job.id, b[0].job.attempt), (a[0].job.id, 2));
    let job = store.job(b[0].job.id).await.unwrap().unwrap();
    assert_eq!(job.locked_by.as_deref(), Some("worker-b"));
    assert_eq!(job.last_error.as_deref(), Some("lease of worker-a expired"));
    // A comes back to life: every write it tries is refused.
    let mut late = a[0].clone();
    assert!(!store.heartbeat(&mut late, expired, lease).await.unwrap());
    assert_eq!(
        store.complete(&a[0], expired).await.unwrap(),
        Outcome::LeaseLost
    );
    let failed = store
        .fail(
            &a[0],
            &JobError::retry("late"),
            &RetryPolicy::default(),
            expired,
        )
        .await
        .unwrap();
    assert_eq!(failed, Outcome::LeaseLost);
    assert!(!store.release(&a[0], expired).await.unwrap());
    // B's lease holds, and B completes.
    let mut held = b[0].clone();
    assert!(store
        .heartbeat(&mut held, expired + ms(10), lease)
        .await
        .unwrap());
    assert_eq!(held.lease_until, expired + ms(10) + lease);
    assert_eq!(store.complete(&held, expired).await.unwrap(), Outcome::Done);
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!((row.status, row.attempts), (DeliveryStatus::Done, 2));
}

async fn an_expired_lease_on_the_last_attempt_is_dead(db: &TestDb) {
    let store = db.reopen(StoreOptions::default().max_attempts(1)).await;
    let lease = Duration::from_secs(5);
    let id = store
        .insert_delivery(delivery("crashes", b"{}"))
        .await
        .unwrap()
        .id;
    assert_eq!(store.claim("w1", t0(), lease, 1).await.unwrap().len(), 1);
    let later = t0() + Duration::from_secs(60);
    assert!(store.claim("w2", later, lease, 1).await.unwrap().is_empty());
    let dead = store.dead_letters(None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].kind, JobKind::ProcessDelivery(id));
    assert_eq!(
        dead[0].last_error,
        "lease of w1 expired on the last attempt"
    );
    assert_eq!(
        store.delivery(id).await.unwrap().unwrap().status,
        DeliveryStatus::Dead
    );
    store.close().await;
}

async fn workers_pick_up_a_dead_workers_job(db: &TestDb) {
    let store = &db.store;
    let id = store
        .insert_delivery(delivery("abandoned", b"{}"))
        .await
        .unwrap()
        .id;
    // A "worker" claims with a 300 ms lease on the real clock and vanishes.
    let claimed = store
        .claim("crashed-process", SystemTime::now(), ms(300), 1)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let (stop, stopped) = oneshot::channel::<()>();
    let runs = Arc::new(AtomicU32::new(0));
    let workers = {
        let store = store.clone();
        let runs = Arc::clone(&runs);
        tokio::spawn(async move {
            store
                .run_workers(
                    WorkerConfig::default().poll_interval(ms(20)),
                    move |_job| {
                        runs.fetch_add(1, Ordering::SeqCst);
                        async { Ok(()) }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await
        })
    };
    eventually(Duration::from_secs(20), "the orphaned job done", || async {
        store.delivery(id).await.unwrap().unwrap().status == DeliveryStatus::Done
    })
    .await;
    stop.send(()).unwrap();
    let report = workers.await.unwrap().unwrap();
    assert_eq!((report.completed, runs.load(Ordering::SeqCst)), (1, 1));
    let jobs = store.jobs_of(JobKind::ProcessDelivery(id)).await.unwrap();
    assert_eq!((jobs[0].state, jobs[0].attempt), (JobState::Done, 2));
}

async fn heartbeats_keep_a_long_job_from_running_twice(db: &TestDb) {
    // A handler that runs for 4 leases: without heartbeats the second pool
    // would claim the job after the first lease.
    let store = &db.store;
    let id = store
        .insert_delivery(delivery("long", b"{}"))
        .await
        .unwrap()
        .id;
    let runs = Arc::new(AtomicU32::new(0));
    let lease = ms(300);
    let mut pools = Vec::new();
    let mut stops = Vec::new();
    for name in ["pool-a", "pool-b"] {
        let store = db.reopen(StoreOptions::default()).await;
        let runs = Arc::clone(&runs);
        let (stop, stopped) = oneshot::channel::<()>();
        stops.push(stop);
        pools.push(tokio::spawn(async move {
            let report = store
                .run_workers(
                    WorkerConfig::default()
                        .worker_id(name)
                        .lease(lease)
                        .poll_interval(ms(20)),
                    move |_job| {
                        runs.fetch_add(1, Ordering::SeqCst);
                        async {
                            tokio::time::sleep(ms(1200)).await;
                            Ok(())
                        }
                    },
                    async {
                        let _ = stopped.await;
                    },
                )
                .await;
            store.close().await;
            report
        }));
    }
    eventually(Duration::from_secs(20), "the long job done", || async {
        store.delivery(id).await.unwrap().unwrap().status == DeliveryStatus::Done
    })
    .await;
    for stop in stops {
        stop.send(()).unwrap();
    }
    let mut lost = 0;
    for pool in pools {
        lost += pool.await.unwrap().unwrap().lease_lost;
    }
    assert_eq!((runs.load(Ordering::SeqCst), lost), (1, 0));
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(row.attempts, 1);
}
