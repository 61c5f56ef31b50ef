//! The queue's batch writes, wake-ups, retention and the typed refusal of
//! `retry_dead`.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::oneshot;
use zoomkit_server::store::{
    Backend, DeliveryStatus, JobError, JobKind, JobState, Outcome, RetryPolicy, Store, StoreError,
    StoreOptions, WorkerConfig, WorkerReport,
};

use crate::harness::{delivery, eventually, ms, t0, TestDb};

both!(
    a_batch_completion_is_fenced_per_job,
    retry_dead_refuses_a_job_that_is_queued_again,
    prune_deletes_only_old_done_rows,
    workers_prune_and_schedule_the_next_prune,
    an_enqueue_wakes_idle_workers_without_their_poll,
);

async fn a_batch_completion_is_fenced_per_job(db: &TestDb) {
    let store = &db.store;
    let lease = Duration::from_secs(30);
    let mut ids = Vec::new();
    for key in ["b1", "b2", "b3"] {
        ids.push(
            store
                .insert_delivery(delivery(key, b"{}"))
                .await
                .unwrap()
                .id,
        );
    }
    let mine = store.claim("w1", t0(), lease, 10).await.unwrap();
    assert_eq!(mine.len(), 3);
    // The second job's lease runs out and w2 takes it over.
    let later = t0() + lease;
    let mut kept = mine[0].clone();
    assert!(store
        .heartbeat(&mut kept, later - ms(1), lease)
        .await
        .unwrap());
    let mut kept3 = mine[2].clone();
    assert!(store
        .heartbeat(&mut kept3, later - ms(1), lease)
        .await
        .unwrap());
    let theirs = store.claim("w2", later, lease, 10).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].job.id, mine[1].job.id);

    // w1 completes all three in one transaction: only its own two count.
    let outcomes = store
        .complete_batch(&[kept.clone(), mine[1].clone(), kept3.clone()], later)
        .await
        .unwrap();
    assert_eq!(outcomes, [Outcome::Done, Outcome::LeaseLost, Outcome::Done]);
    let status = |i: usize| {
        let id = ids[i];
        async move { store.delivery(id).await.unwrap().unwrap().status }
    };
    assert_eq!(status(0).await, DeliveryStatus::Done);
    assert_eq!(
        status(1).await,
        DeliveryStatus::Processing,
        "w2 still has it"
    );
    assert_eq!(status(2).await, DeliveryStatus::Done);
    let job = store.job(mine[1].job.id).await.unwrap().unwrap();
    assert_eq!(
        (job.state, job.locked_by.as_deref(), job.attempt),
        (JobState::Running, Some("w2"), 2)
    );
    // w2's own completion is fenced on its attempt, and goes through.
    assert_eq!(
        store.complete_batch(&theirs, later).await.unwrap(),
        [Outcome::Done]
    );
    assert_eq!(status(1).await, DeliveryStatus::Done);
    assert!(store.complete_batch(&[], later).await.unwrap().is_empty());
}

async fn retry_dead_refuses_a_job_that_is_queued_again(db: &TestDb) {
    let store = db.reopen(StoreOptions::default().max_attempts(1)).await;
    let id = store
        .insert_delivery(delivery("requeued", b"{}"))
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
            &JobError::retry("zoom 500"),
            &RetryPolicy::default(),
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Dead);
    let dead = claimed[0].job.id;
    // The same work is queued again by other means.
    assert!(store
        .enqueue(JobKind::ProcessDelivery(id), t0())
        .await
        .unwrap());
    let live = store.jobs_of(JobKind::ProcessDelivery(id)).await.unwrap()[1].id;
    match store.retry_dead(dead, t0()).await {
        Err(StoreError::AlreadyQueued {
            id: refused,
            live: other,
            kind,
        }) => {
            assert_eq!((refused, other), (dead.0, live.0));
            assert_eq!(kind, format!("process_delivery({})", id.0));
        }
        other => panic!("expected AlreadyQueued, got {other:?}"),
    }
    // Nothing changed: still a dead letter, and the live job is untouched.
    assert_eq!(store.dead_letters(None, 10).await.unwrap().len(), 1);
    let again = store.job(live).await.unwrap().unwrap();
    assert_eq!((again.state, again.attempt), (JobState::Available, 0));
    store.close().await;
}

async fn prune_deletes_only_old_done_rows(db: &TestDb) {
    let store = db.reopen(StoreOptions::default().max_attempts(1)).await;
    let lease = Duration::from_secs(30);
    let mut ids = Vec::new();
    for key in ["old-1", "old-2", "old-dead", "recent"] {
        ids.push(
            store
                .insert_delivery(delivery(key, b"{}"))
                .await
                .unwrap()
                .id,
        );
    }
    let claimed = store.claim("w", t0(), lease, 3).await.unwrap();
    assert_eq!(claimed.len(), 3);
    assert_eq!(
        store.complete_batch(&claimed[..2], t0()).await.unwrap(),
        [Outcome::Done, Outcome::Done]
    );
    let dead = store
        .fail(
            &claimed[2],
            &JobError::permanent("unparsable"),
            &RetryPolicy::default(),
            t0(),
        )
        .await
        .unwrap();
    assert_eq!(dead, Outcome::Dead);
    let later = t0() + Duration::from_secs(3600);
    let recent = store.claim("w", later, lease, 1).await.unwrap();
    assert_eq!(
        store.complete(&recent[0], later).await.unwrap(),
        Outcome::Done
    );
    // A pending one, never processed.
    let pending = store
        .insert_delivery(delivery("pending", b"{}"))
        .await
        .unwrap()
        .id;

    // Exactly at the cut-off is kept (strictly older goes).
    assert_eq!(store.prune_done(t0()).await.unwrap(), (0, 0));
    assert_eq!(store.prune_done(t0() + ms(1)).await.unwrap(), (2, 2));
    assert_eq!(store.prune_done(t0() + ms(1)).await.unwrap(), (0, 0));
    assert!(store.delivery(ids[0]).await.unwrap().is_none());
    assert!(store.delivery(ids[1]).await.unwrap().is_none());
    assert!(store
        .jobs_of(JobKind::ProcessDelivery(ids[0]))
        .await
        .unwrap()
        .is_empty());
    // The dead letter, the recent one and the pending one stay.
    assert_eq!(
        store.delivery(ids[2]).await.unwrap().unwrap().status,
        DeliveryStatus::Dead
    );
    assert_eq!(store.dead_letters(None, 10).await.unwrap().len(), 1);
    assert_eq!(
        store.delivery(ids[3]).await.unwrap().unwrap().status,
        DeliveryStatus::Done
    );
    assert_eq!(
        store.delivery(pending).await.unwrap().unwrap().status,
        DeliveryStatus::Pending
    );
    store.close().await;
}

async fn run_pool(
    store: Store,
    config: WorkerConfig,
    runs: Arc<AtomicU32>,
) -> (
    oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<WorkerReport, StoreError>>,
) {
    let (stop, stopped) = oneshot::channel::<()>();
    let pool = tokio::spawn(async move {
        store
            .run_workers(
                config,
                move |job| {
                    let runs = Arc::clone(&runs);
                    async move {
                        assert!(
                            matches!(job.kind, JobKind::ProcessDelivery(_)),
                            "maintenance jobs never reach the handler: {}",
                            job.kind
                        );
                        runs.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    }
                },
                async {
                    let _ = stopped.await;
                },
            )
            .await
    });
    (stop, pool)
}

async fn workers_prune_and_schedule_the_next_prune(db: &TestDb) {
    let store = &db.store;
    // Processed long ago (the virtual t0 is in 2023): past the 7-day default.
    let mut ids = Vec::new();
    for i in 0..5 {
        let key = format!("ancient-{i}");
        ids.push(
            store
                .insert_delivery(delivery(&key, b"{}"))
                .await
                .unwrap()
                .id,
        );
    }
    let claimed = store
        .claim("w", t0(), Duration::from_secs(30), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 5);
    store.complete_batch(&claimed, t0()).await.unwrap();
    // And one processed now, by the pool: kept.
    let fresh = store
        .insert_delivery(delivery("fresh", b"{}"))
        .await
        .unwrap()
        .id;

    let runs = Arc::new(AtomicU32::new(0));
    let started = SystemTime::now();
    let (stop, pool) = run_pool(
        store.clone(),
        WorkerConfig::default().poll_interval(ms(20)),
        Arc::clone(&runs),
    )
    .await;
    eventually(Duration::from_secs(30), "the old rows pruned", || async {
        store.delivery(ids[0]).await.unwrap().is_none()
            && store.delivery(fresh).await.unwrap().map(|d| d.status) == Some(DeliveryStatus::Done)
    })
    .await;
    eventually(Duration::from_secs(30), "the next prune queued", || async {
        store.jobs_of(JobKind::PruneDone).await.unwrap().len() == 2
    })
    .await;
    stop.send(()).unwrap();
    let report = pool.await.unwrap().unwrap();
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "only the fresh delivery ran"
    );
    assert_eq!((report.claimed, report.completed), (1, 1), "{report:?}");
    assert!(report.maintenance >= 1, "{report:?}");
    for id in &ids {
        assert!(store.delivery(*id).await.unwrap().is_none());
    }
    assert_eq!(
        store.delivery(fresh).await.unwrap().unwrap().status,
        DeliveryStatus::Done
    );
    // The chain: the run that pruned is done, and the next one waits an
    // hour (the default period); a second pool start adds none.
    let prunes = store.jobs_of(JobKind::PruneDone).await.unwrap();
    assert_eq!(
        prunes.iter().map(|j| j.state).collect::<Vec<_>>(),
        [JobState::Done, JobState::Available]
    );
    let wait = prunes[1].run_at.duration_since(started).unwrap();
    assert!(
        wait >= Duration::from_secs(3500) && wait <= Duration::from_secs(3700),
        "{wait:?}"
    );
    assert!(!store
        .enqueue(JobKind::PruneDone, SystemTime::now())
        .await
        .unwrap());
}

async fn an_enqueue_wakes_idle_workers_without_their_poll(db: &TestDb) {
    // The pool's poll is an hour: only a wake-up can get the job done in
    // the time allowed. On SQLite the wake is in-process (a clone of the
    // store); on PostgreSQL it is LISTEN/NOTIFY, so the job is enqueued
    // through a second store with its own connections and no in-process
    // link, as another process would.
    let workers = db.reopen(StoreOptions::default()).await;
    let runs = Arc::new(AtomicU32::new(0));
    let (stop, pool) = run_pool(
        workers.clone(),
        WorkerConfig::default()
            .poll_interval(Duration::from_secs(3600))
            .retention(None),
        Arc::clone(&runs),
    )
    .await;
    // Each delivery is enqueued once the pool is idle (the previous one is
    // done), so each needs its own wake-up.
    let enqueuer = match db.backend() {
        Backend::Sqlite => workers.clone(),
        _ => db.store.clone(),
    };
    for (round, key) in ["wake-1", "wake-2", "wake-3"].into_iter().enumerate() {
        let id = enqueuer
            .insert_delivery(delivery(key, b"{}"))
            .await
            .unwrap()
            .id;
        eventually(
            Duration::from_secs(30),
            "the woken pool's job done",
            || async {
                db.store.delivery(id).await.unwrap().unwrap().status == DeliveryStatus::Done
            },
        )
        .await;
        assert_eq!(runs.load(Ordering::SeqCst), round as u32 + 1);
    }
    stop.send(()).unwrap();
    let report = pool.await.unwrap().unwrap();
    assert_eq!((report.completed, report.errors), (3, 0), "{report:?}");
    workers.close().await;
}
