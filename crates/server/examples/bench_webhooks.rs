//! `cargo xtask bench webhooks`: verified, committed webhook deliveries per
//! second over loopback HTTP, 64 concurrent senders, and the p99 time to
//! acknowledgement, for `zoomkit-server serve` on SQLite and on PostgreSQL,
//! against a baseline measured in the same run: Node's `http` server doing
//! the same HMAC check and a `better-sqlite3` insert with a unique key (WAL,
//! `synchronous=FULL`), `crates/server/bench/webhooks/server.mjs`.
//!
//! `webhooks-sqlite` and `webhooks-postgres` (the headline lines) run
//! `serve` as it really runs: with its inbox workers (the default
//! `ZOOMKIT_WORKERS`) processing the deliveries on the same database while
//! they arrive, work the baseline does not do at all. After the load, the
//! bench waits until every delivery sent is processed (`done`) and prints
//! how many were and how long after the last acknowledgement
//! (`-processed` lines); a delivery missing or unprocessed fails the
//! bench. The `-receive-only` lines run `serve` with `ZOOMKIT_WORKERS=0`,
//! doing exactly what the baseline does.
//!
//! The same load generator (this file) drives all of them with the same
//! pre-signed Cal.com deliveries: every sender keeps one HTTP/1.1
//! connection open and posts its share one after another. Run through xtask,
//! which builds the release binary, installs the baseline's npm packages
//! and starts a throwaway PostgreSQL:
//!
//! - `ZOOMKIT_BENCH_SERVER`: the `zoomkit-server` binary;
//! - `ZOOMKIT_BENCH_NODE_DIR`: the folder with `server.mjs` and its
//!   `node_modules`;
//! - `ZOOMKIT_TEST_POSTGRES_URL`: a PostgreSQL database (optional: without
//!   it the postgres line says so).

#[path = "../tests/service_common/mod.rs"]
mod harness;

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::{calcom_body, calcom_headers, Conn, Server, TempDir, CALCOM_SECRET};
use zoomkit_server::store::{DeliveryStatus, Store};

const SENDERS: usize = 64;
const WARMUP_PER_SENDER: usize = 10;
const PER_SENDER: usize = 150;
const ROUNDS: usize = 3;

/// The round with the median rate (its p99 and p50 with it).
fn median(mut rounds: Vec<Result_>) -> Result_ {
    rounds.sort_by(|a, b| a.rate.total_cmp(&b.rate));
    rounds.swap_remove(rounds.len() / 2)
}

struct Result_ {
    rate: f64,
    p99: Duration,
    p50: Duration,
    /// With workers: how many of the deliveries sent were processed, of
    /// how many, how long after the last acknowledgement the last one was,
    /// and deliveries processed per second from the start of the measured
    /// load to the last one done.
    processed: Option<(u64, u64, Duration, f64)>,
}

type Delivery = (Vec<(String, String)>, Vec<u8>);

fn deliveries(run: &str, per_sender: usize) -> Vec<Vec<Delivery>> {
    (0..SENDERS)
        .map(|s| {
            (0..per_sender)
                .map(|i| {
                    let body = calcom_body(&format!("{run}-{s}-{i}"), "bench");
                    (calcom_headers(CALCOM_SECRET, &body), body)
                })
                .collect()
        })
        .collect()
}

async fn load(
    addr: SocketAddr,
    work: Vec<Vec<Delivery>>,
) -> Result<(Duration, Vec<Duration>), String> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for share in work {
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await.map_err(|e| e.to_string())?;
            let mut latencies = Vec::with_capacity(share.len());
            for (headers, body) in share {
                let t = Instant::now();
                let a = conn.post("/webhooks/calcom", &headers, body).await?;
                if a.status != 200 {
                    return Err(format!("answered {}: {}", a.status, a.body));
                }
                latencies.push(t.elapsed());
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    Ok((started.elapsed(), all))
}

/// Runs the warm-up and the measured load; with `store` (the service's
/// database, when its workers run), then waits for every delivery to be
/// processed.
async fn measure(addr: SocketAddr, run: &str, store: Option<&Store>) -> Result<Result_, String> {
    load(addr, deliveries(&format!("{run}-warm"), WARMUP_PER_SENDER)).await?;
    let done_before = match store {
        Some(s) => done(s).await?,
        None => 0,
    };
    let started = Instant::now();
    let (wall, mut lat) = load(addr, deliveries(run, PER_SENDER)).await?;
    lat.sort();
    let pick = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    let processed = match store {
        Some(s) => {
            let expected = (SENDERS * (PER_SENDER + WARMUP_PER_SENDER)) as u64;
            let acked = Instant::now();
            let deadline = acked + Duration::from_secs(300);
            let mut n = done(s).await?;
            while n < expected && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
                n = done(s).await?;
            }
            let finished = Instant::now();
            let rate = (n - done_before.min(n)) as f64 / (finished - started).as_secs_f64();
            Some((n, expected, finished - acked, rate))
        }
        None => None,
    };
    Ok(Result_ {
        rate: lat.len() as f64 / wall.as_secs_f64(),
        p99: pick(0.99),
        p50: pick(0.50),
        processed,
    })
}

async fn done(store: &Store) -> Result<u64, String> {
    store
        .count_deliveries(DeliveryStatus::Done)
        .await
        .map_err(|e| e.to_string())
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{name} is not set: run this through `cargo xtask bench webhooks`"))
}

/// `workers`: `Some(0)` runs `serve` receive-only, doing what the baseline
/// does (verify, commit, answer); `None` runs it as it really runs, its
/// workers (the default number) processing the inbox while the load runs,
/// on the same database.
async fn ours(
    bin: &Path,
    url: String,
    run: &str,
    workers: Option<usize>,
) -> Result<Result_, String> {
    let mut vars = vec![
        ("ZOOMKIT_DATABASE_URL", url.clone()),
        ("CALCOM_WEBHOOK_SECRET", CALCOM_SECRET.to_owned()),
        ("ZOOMKIT_LOG", "warn".to_owned()),
    ];
    if let Some(n) = workers {
        vars.push(("ZOOMKIT_WORKERS", n.to_string()));
    }
    let server = Server::start(bin, &vars);
    harness::wait_ready(server.addr).await;
    let store = Store::open(&url).await.map_err(|e| e.to_string())?;
    let processing = workers != Some(0);
    let r = measure(server.addr, run, processing.then_some(&store)).await;
    drop(server);
    let r = r?;
    if let Some((n, expected, _, _)) = r.processed {
        if n < expected {
            return Err(format!(
                "only {n} of {expected} deliveries sent were processed within 300 s"
            ));
        }
    }
    // Every measured delivery is in the inbox.
    let mut n = 0;
    for status in [
        DeliveryStatus::Pending,
        DeliveryStatus::Processing,
        DeliveryStatus::Done,
        DeliveryStatus::Dead,
    ] {
        n += store
            .count_deliveries(status)
            .await
            .map_err(|e| e.to_string())?;
    }
    store.close().await;
    let expected = (SENDERS * (PER_SENDER + WARMUP_PER_SENDER)) as u64;
    if n < expected {
        return Err(format!(
            "only {n} of {expected} acknowledged deliveries are in the inbox"
        ));
    }
    Ok(r)
}

async fn node(dir: &Path, tmp: &TempDir) -> Result<Result_, String> {
    let mut child = Command::new("node")
        .arg(dir.join("server.mjs"))
        .arg(tmp.0.join("node.db"))
        .arg(CALCOM_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("node: {e}"))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let port: u16 = line
        .trim()
        .strip_prefix("listening ")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("the node baseline did not start: {line:?}"))?;
    let r = measure(SocketAddr::from(([127, 0, 0, 1], port)), "node", None).await;
    let _ = child.kill();
    let _ = child.wait();
    r
}

fn report(name: &str, ours: &Result_, theirs: &Result_) {
    if let Some((n, expected, after, rate)) = ours.processed {
        println!(
            "bench {name}-processed: {n} of {expected} deliveries sent processed (done), the last {:.1} s after the last acknowledgement ({rate:.0}/s from the start of the measured load)",
            after.as_secs_f64()
        );
    }
    println!(
        "bench {name}: {:.0}/s vs node-better-sqlite3 {:.0}/s = {:.2}x",
        ours.rate,
        theirs.rate,
        ours.rate / theirs.rate
    );
    println!(
        "bench {name}-p99: {:.1} ms vs node-better-sqlite3 {:.1} ms (p50 {:.1} ms vs {:.1} ms)",
        ours.p99.as_secs_f64() * 1e3,
        theirs.p99.as_secs_f64() * 1e3,
        ours.p50.as_secs_f64() * 1e3,
        theirs.p50.as_secs_f64() * 1e3,
    );
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let bin = env_path("ZOOMKIT_BENCH_SERVER")?;
    let node_dir = env_path("ZOOMKIT_BENCH_NODE_DIR")?;
    eprintln!(
        "bench webhooks: {SENDERS} senders x {PER_SENDER} Cal.com deliveries (after {WARMUP_PER_SENDER} each to warm up), loopback HTTP/1.1 keep-alive"
    );
    // The baseline is bound by the disk's flush time, which other work on
    // the machine moves a lot: the baseline and the service (with its
    // workers, then receive-only) run in turns, ROUNDS times, each on a
    // fresh database, and each line takes the median round.
    let mut node_rounds = Vec::new();
    let mut sqlite_rounds = Vec::new();
    let mut receive_rounds = Vec::new();
    let mut dirs = Vec::new();
    for round in 0..ROUNDS {
        let round_dir = TempDir::new(&format!("bench-webhooks-{round}"));
        node_rounds.push(node(&node_dir, &round_dir).await?);
        let workers_dir = TempDir::new(&format!("bench-webhooks-workers-{round}"));
        sqlite_rounds.push(ours(&bin, workers_dir.sqlite_url(), "sqlite-workers", None).await?);
        receive_rounds.push(ours(&bin, round_dir.sqlite_url(), "sqlite", Some(0)).await?);
        dirs.push(round_dir);
        dirs.push(workers_dir);
    }
    let theirs = median(node_rounds);
    report("webhooks-sqlite", &median(sqlite_rounds), &theirs);
    report(
        "webhooks-sqlite-receive-only",
        &median(receive_rounds),
        &theirs,
    );
    match std::env::var("ZOOMKIT_TEST_POSTGRES_URL") {
        Ok(base) => {
            let run = format!("pg-{}", std::process::id());
            let mut rounds = Vec::new();
            let mut receive = Vec::new();
            for round in 0..ROUNDS {
                let url = harness::fresh_postgres_database(&base, &format!("bench_w{round}")).await;
                rounds.push(ours(&bin, url, &format!("{run}-w{round}"), None).await?);
                let url = harness::fresh_postgres_database(&base, &format!("bench_r{round}")).await;
                receive.push(ours(&bin, url, &format!("{run}-r{round}"), Some(0)).await?);
            }
            report("webhooks-postgres", &median(rounds), &theirs);
            report("webhooks-postgres-receive-only", &median(receive), &theirs);
        }
        Err(_) => {
            println!("bench webhooks-postgres: skipped (ZOOMKIT_TEST_POSTGRES_URL is not set)")
        }
    }
    Ok(())
}
