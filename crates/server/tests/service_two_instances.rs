//! Several instances on one PostgreSQL (SERVER.md, "Scale"): two `serve`
//! processes share one inbox. Deliveries are posted to both, alternately;
//! every job is processed by exactly one of them, once: each job ends `done`
//! on its first attempt (a second claim would have counted a second
//! attempt), the two processes' logs name every job exactly once between
//! them, both did some of the work, and nothing was lost.
#![cfg(feature = "postgres")]

mod service_common;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use service_common::*;
use zoomkit_server::store::{DeliveryStatus, JobKind, JobState, Store};

const DELIVERIES: usize = 400;

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_zoomkit-server"))
}

/// The job ids a process's log says it processed.
fn processed_jobs(logs: &str) -> Vec<i64> {
    logs.lines()
        .filter(|l| l.contains("delivery processed"))
        .filter_map(|l| {
            let rest = &l[l.find(" job=")? + 5..];
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_inbox_without_running_a_job_twice() {
    let Some(base) = postgres_url() else { return };
    let url = fresh_postgres_database(&base, "two").await;
    let vars = vec![
        ("ZOOMKIT_DATABASE_URL", url.clone()),
        ("CALCOM_WEBHOOK_SECRET", CALCOM_SECRET.to_owned()),
        ("ZOOMKIT_LOG", "debug".to_owned()),
        ("ZOOMKIT_WORKERS", "8".to_owned()),
    ];
    let mut a = Server::start(bin(), &vars);
    let mut b = Server::start(bin(), &vars);
    wait_ready(a.addr).await;
    wait_ready(b.addr).await;

    let mut tasks = Vec::new();
    for sender in 0..8 {
        let addrs = [a.addr, b.addr];
        tasks.push(tokio::spawn(async move {
            let mut conns = [
                Conn::open(addrs[0]).await.unwrap(),
                Conn::open(addrs[1]).await.unwrap(),
            ];
            for i in (sender..DELIVERIES).step_by(8) {
                let body = calcom_body(&format!("two-{i}"), "two");
                let headers = calcom_headers(CALCOM_SECRET, &body);
                let r = conns[i % 2]
                    .post("/webhooks/calcom", &headers, body)
                    .await
                    .unwrap();
                assert_eq!(r.status, 200, "{}", r.body);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }

    let store = Store::open(&url).await.unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    while (store.count_deliveries(DeliveryStatus::Done).await.unwrap() as usize) < DELIVERIES {
        assert!(Instant::now() < until, "not everything was processed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        a.terminate(Duration::from_secs(20)).and_then(|s| s.code()),
        Some(0)
    );
    assert_eq!(
        b.terminate(Duration::from_secs(20)).and_then(|s| s.code()),
        Some(0)
    );

    let rows = inbox_rows(&store).await;
    assert_eq!(rows.len(), DELIVERIES, "nothing lost, nothing doubled");
    for (uid, d) in &rows {
        assert_eq!(d.status, DeliveryStatus::Done, "{uid}");
        let jobs = store.jobs_of(JobKind::ProcessDelivery(d.id)).await.unwrap();
        assert_eq!(jobs.len(), 1, "{uid} has one job");
        assert_eq!(
            (jobs[0].state, jobs[0].attempt),
            (JobState::Done, 1),
            "{uid} ran once"
        );
    }
    let (in_a, in_b) = (
        processed_jobs(&a.logs.text()),
        processed_jobs(&b.logs.text()),
    );
    assert!(
        !in_a.is_empty() && !in_b.is_empty(),
        "both processes worked: {} and {}",
        in_a.len(),
        in_b.len()
    );
    let mut runs: HashMap<i64, usize> = HashMap::new();
    for id in in_a.iter().chain(&in_b) {
        *runs.entry(*id).or_default() += 1;
    }
    assert_eq!(runs.len(), DELIVERIES, "every job ran");
    assert!(runs.values().all(|&n| n == 1), "no job ran twice");
    store.close().await;
}

/// Rule 8 across processes: a `serve` whose safety-net poll is an hour
/// processes deliveries that another process (this test, through its own
/// store) commits, each within seconds: only its `LISTEN` can have woken
/// it. Each delivery is committed once the previous one is done, when the
/// workers are idle again, so each needs its own notification.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_s_enqueue_wakes_the_workers_without_polling() {
    use std::time::SystemTime;
    use zoomkit_server::store::NewDelivery;

    let Some(base) = postgres_url() else { return };
    let url = fresh_postgres_database(&base, "notify").await;
    let vars = vec![
        ("ZOOMKIT_DATABASE_URL", url.clone()),
        ("CALCOM_WEBHOOK_SECRET", CALCOM_SECRET.to_owned()),
        ("ZOOMKIT_LOG", "debug".to_owned()),
        ("ZOOMKIT_WORKERS", "2".to_owned()),
        ("ZOOMKIT_JOB_POLL_MS", "3600000".to_owned()),
    ];
    let mut server = Server::start(bin(), &vars);
    wait_ready(server.addr).await;
    let store = Store::open(&url).await.unwrap();
    for i in 0..3 {
        let body = calcom_body(&format!("notify-{i}"), "notify");
        let key = format!("test:notify-{i}");
        let id = store
            .insert_delivery(NewDelivery {
                provider: "calcom",
                dedupe_key: &key,
                body: &body,
                received_at: SystemTime::now(),
            })
            .await
            .unwrap()
            .id;
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let row = store.delivery(id).await.unwrap().unwrap();
            if row.status == DeliveryStatus::Done {
                break;
            }
            assert!(
                Instant::now() < until,
                "delivery {i} not processed in 30 s (poll is 1 h): {:?}\n{}",
                row.status,
                server.logs.text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert!(
        server.logs.text().contains("poll_ms=3600000"),
        "the workers ran with the hour-long poll"
    );
    assert_eq!(
        server
            .terminate(Duration::from_secs(20))
            .and_then(|s| s.code()),
        Some(0)
    );
    store.close().await;
}
