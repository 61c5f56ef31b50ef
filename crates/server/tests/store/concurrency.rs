//! Two worker pools, each with its own connection pool (as two processes
//! would have), on one database: no job runs twice at once, none is lost.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use zoomkit_server::store::{DeliveryId, DeliveryStatus, JobKind, StoreOptions, WorkerConfig};

use crate::harness::{delivery, eventually, ms, TestDb};

both!(two_pools_never_run_one_job_at_once_and_lose_none);

const JOBS: usize = 500;

#[derive(Default)]
struct Ledger {
    running: HashSet<DeliveryId>,
    overlaps: Vec<DeliveryId>,
    runs: HashMap<DeliveryId, u32>,
    by_pool: HashMap<&'static str, u32>,
}

async fn two_pools_never_run_one_job_at_once_and_lose_none(db: &TestDb) {
    let store = &db.store;
    let mut ids = Vec::with_capacity(JOBS);
    for i in 0..JOBS {
        let key = format!("bulk-{i}");
        ids.push(
            store
                .insert_delivery(delivery(&key, b"{}"))
                .await
                .unwrap()
                .id,
        );
    }
    let ledger: Arc<Mutex<Ledger>> = Arc::default();
    let mut pools = Vec::new();
    let mut stops = Vec::new();
    for name in ["pool-a", "pool-b"] {
        let store = db.reopen(StoreOptions::default()).await;
        let ledger = Arc::clone(&ledger);
        let (stop, stopped) = oneshot::channel::<()>();
        stops.push(stop);
        pools.push(tokio::spawn(async move {
            let report = store
                .run_workers(
                    WorkerConfig::default()
                        .worker_id(name)
                        .concurrency(4)
                        .poll_interval(ms(10)),
                    move |job| {
                        let ledger = Arc::clone(&ledger);
                        async move {
                            let JobKind::ProcessDelivery(id) = job.kind else {
                                unreachable!("only deliveries are enqueued");
                            };
                            {
                                let mut l = ledger.lock().unwrap();
                                if !l.running.insert(id) {
                                    l.overlaps.push(id);
                                }
                                *l.runs.entry(id).or_default() += 1;
                                *l.by_pool.entry(name).or_default() += 1;
                            }
                            // Long enough for the other pool to try the same rows.
                            tokio::time::sleep(ms(2)).await;
                            ledger.lock().unwrap().running.remove(&id);
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
    eventually(Duration::from_secs(120), "all jobs done", || async {
        store.count_deliveries(DeliveryStatus::Done).await.unwrap() == JOBS as u64
    })
    .await;
    for stop in stops {
        stop.send(()).unwrap();
    }
    let mut completed = 0;
    for pool in pools {
        let report = pool.await.unwrap().unwrap();
        assert_eq!((report.lease_lost, report.errors), (0, 0), "{report:?}");
        completed += report.completed;
    }
    let ledger = ledger.lock().unwrap();
    assert!(
        ledger.overlaps.is_empty(),
        "ran concurrently: {:?}",
        ledger.overlaps
    );
    assert_eq!(ledger.runs.len(), JOBS, "every job ran");
    assert!(ledger.runs.values().all(|&n| n == 1), "no job ran twice");
    assert!(ids.iter().all(|id| ledger.runs.contains_key(id)));
    assert_eq!(completed, JOBS as u64);
    // Both pools took part (otherwise this proved nothing about contention).
    assert_eq!(ledger.by_pool.len(), 2, "{:?}", ledger.by_pool);
}
