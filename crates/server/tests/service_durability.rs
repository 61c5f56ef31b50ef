//! Durable before acknowledged (SERVER.md rule 2), proven on the real
//! binary: 1,000 Cal.com deliveries (800 bookings, 200 of them sent twice)
//! go to `zoomkit-server serve` from 16 concurrent senders; the process is
//! killed with SIGKILL part-way; it is started again on the same database,
//! and whatever was not acknowledged is sent again. Then every acknowledged
//! delivery is in the inbox exactly once, and every one was processed
//! exactly once: its row is `done` and it has exactly one job, `done`.
//! On SQLite, and on PostgreSQL when `ZOOMKIT_TEST_POSTGRES_URL` is set.

mod service_common;

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use service_common::*;
use zoomkit_server::store::{DeliveryStatus, JobKind, JobState, Store};

const BOOKINGS: usize = 800;
const DUPLICATES: usize = 200;
const SENDERS: usize = 16;

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_zoomkit-server"))
}

fn vars(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ZOOMKIT_DATABASE_URL", url.to_owned()),
        ("CALCOM_WEBHOOK_SECRET", CALCOM_SECRET.to_owned()),
        ("ZOOMKIT_LOG", "warn".to_owned()),
        // Jobs the killed process held run again 2 s after it died.
        ("ZOOMKIT_JOB_LEASE_SECS", "2".to_owned()),
    ]
}

/// The 1,000 sends: every booking once, and 200 of them again, shuffled
/// deterministically so duplicates arrive both close together and far apart.
fn sends() -> VecDeque<usize> {
    let mut all: Vec<usize> = (0..BOOKINGS).collect();
    all.extend((0..DUPLICATES).map(|i| (i * 7919) % BOOKINGS));
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in (1..all.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        all.swap(i, (x % (i as u64 + 1)) as usize);
    }
    all.into()
}

fn uid(i: usize) -> String {
    format!("durable-{i}")
}

/// Sends everything in `queue` from [`SENDERS`] connections; returns the
/// bookings acknowledged (200) and puts the rest back in `queue`. When
/// `kill_after` acknowledgements have been seen, `kill` runs (once).
async fn send_all(
    server_addr: std::net::SocketAddr,
    queue: VecDeque<usize>,
    kill_after: Option<(usize, Box<dyn FnOnce() + Send>)>,
) -> (HashSet<usize>, VecDeque<usize>) {
    let queue = Arc::new(Mutex::new(queue));
    let acked = Arc::new(Mutex::new(HashSet::new()));
    let failed = Arc::new(Mutex::new(VecDeque::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let (threshold, kill) = match kill_after {
        Some((n, k)) => (n, Some(k)),
        None => (usize::MAX, None),
    };
    let kill = Arc::new(Mutex::new(kill));
    let mut tasks = Vec::new();
    for _ in 0..SENDERS {
        let (queue, acked, failed, count, kill) = (
            queue.clone(),
            acked.clone(),
            failed.clone(),
            count.clone(),
            kill.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(server_addr).await.ok();
            loop {
                let Some(i) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let body = calcom_body(&uid(i), "durable");
                let headers = calcom_headers(CALCOM_SECRET, &body);
                let answer = match conn.as_mut() {
                    Some(c) => c.post("/webhooks/calcom", &headers, body).await,
                    None => Err("no connection".into()),
                };
                match answer {
                    Ok(a) if a.status == 200 => {
                        acked.lock().unwrap().insert(i);
                        if count.fetch_add(1, Ordering::SeqCst) + 1 == threshold {
                            if let Some(k) = kill.lock().unwrap().take() {
                                k();
                            }
                        }
                    }
                    Ok(a) => panic!("unexpected answer {}: {}", a.status, a.body),
                    Err(_) => {
                        failed.lock().unwrap().push_back(i);
                        // The server is gone (or the connection broke): a
                        // new connection for the next one, if it is back.
                        conn = Conn::open(server_addr).await.ok();
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let failed = std::mem::take(&mut *failed.lock().unwrap());
    (acked, failed)
}

async fn durability(url: String) {
    let mut first = Server::start(bin(), &vars(&url));
    wait_ready(first.addr).await;
    let pid = first.child.id();
    let kill: Box<dyn FnOnce() + Send> = Box::new(move || signal(pid, "KILL"));
    let (acked_before, unsent) = send_all(first.addr, sends(), Some((400, kill))).await;
    first.kill();
    // 400 acknowledgements, of which at most 200 were duplicates.
    assert!(
        (200..BOOKINGS).contains(&acked_before.len()),
        "the kill happened part-way: {} bookings acknowledged",
        acked_before.len()
    );
    assert!(
        !unsent.is_empty(),
        "the kill left deliveries unacknowledged"
    );

    let second = Server::start(bin(), &vars(&url));
    wait_ready(second.addr).await;
    let (acked_after, failed) = send_all(second.addr, unsent, None).await;
    assert!(
        failed.is_empty(),
        "{} deliveries failed after the restart",
        failed.len()
    );
    let acked: HashSet<usize> = acked_before.union(&acked_after).copied().collect();
    assert_eq!(
        acked.len(),
        BOOKINGS,
        "every booking was acknowledged in the end"
    );

    // Wait for the workers to process everything.
    let store = Store::open(&url).await.unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let done = store.count_deliveries(DeliveryStatus::Done).await.unwrap();
        if done as usize >= BOOKINGS {
            break;
        }
        assert!(
            Instant::now() < until,
            "only {done} of {BOOKINGS} processed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let rows = inbox_rows(&store).await;
    let mut rerun = 0;
    let mut per_uid: HashMap<String, usize> = HashMap::new();
    for (u, _) in &rows {
        *per_uid.entry(u.clone()).or_default() += 1;
    }
    for i in &acked {
        assert_eq!(
            per_uid.get(&uid(*i)),
            Some(&1),
            "{} is in the inbox once",
            uid(*i)
        );
    }
    assert_eq!(rows.len(), BOOKINGS, "nothing else is in the inbox");
    for (u, d) in &rows {
        assert_eq!(d.status, DeliveryStatus::Done, "{u} processed");
        assert!(d.processed_at.is_some(), "{u} has its processing time");
        let jobs = store.jobs_of(JobKind::ProcessDelivery(d.id)).await.unwrap();
        assert_eq!(jobs.len(), 1, "{u} has one job");
        assert_eq!(jobs[0].state, JobState::Done, "{u}'s job is done");
        rerun += usize::from(jobs[0].attempt > 1);
    }
    eprintln!(
        "durability: {} bookings acknowledged before SIGKILL, {} sent again after the restart, \
         {rerun} jobs claimed again after the kill",
        acked_before.len(),
        acked_after.len()
    );
    // Every done delivery job is one of those (the pruning job, which the
    // workers run themselves, is another kind).
    assert_eq!(
        store
            .count_jobs_of_kind("process_delivery", JobState::Done)
            .await
            .unwrap() as usize,
        BOOKINGS
    );
    store.close().await;
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_deliveries_survive_sigkill_exactly_once() {
    let dir = TempDir::new("durability");
    durability(dir.sqlite_url()).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_deliveries_survive_sigkill_exactly_once() {
    let Some(base) = postgres_url() else { return };
    let url = fresh_postgres_database(&base, "durability").await;
    durability(url).await;
}
