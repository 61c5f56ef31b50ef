//! `cargo xtask bench zoom-api`: meeting creates per second against the
//! fake Zoom (`testing::FakeZoom`) with Zoom's LIGHT limit set to 20/s, by
//!
//! - (a) our `ZoomClient`, 32 concurrent callers, its LIGHT limit set to
//!   the fake's 20/s;
//! - (b) the seed's pattern: one create at a time, 0.5 s of sleep between
//!   calls (its first 40 creates are enough to know its rate);
//! - (c) a naive client: 32 concurrent, no pacing, no retry.
//!
//! 600 creates across 12 hosts (50 each, under the 100-per-host day); the
//! fake's daily counters and windows are reset between the three. Prints
//! the ratio, the fraction of the allowed rate we reached, and each one's
//! 429 count.
//!
//! With `ZOOMKIT_TEST_POSTGRES_URL` set (xtask starts a throwaway cluster),
//! then (d): the same 600 creates by two processes (this program again, in
//! child mode, 16 callers each) sharing one budget through PostgreSQL
//! (`zoom::SharedZoomBudget`), started together at an agreed time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::time::{SystemTime, UNIX_EPOCH};

use zoomkit_server::http::{ClientConfig, Clock, Limit, ZoomLimits};
use zoomkit_server::store::Store;
use zoomkit_server::testing::{FakeZoom, FakeZoomConfig};
use zoomkit_server::zoom::{MeetingRequest, SharedZoomBudget, ZoomClient, ZoomConfig};

const CREATES: usize = 600;
const HOSTS: usize = 12;
const CONCURRENCY: usize = 32;
const ALLOWED: f64 = 20.0;
const SEED_CREATES: usize = 40;

fn host(i: usize) -> String {
    format!("host-{:02}", i % HOSTS + 1)
}

fn body(i: usize) -> Vec<u8> {
    serde_json::to_vec(&MeetingRequest::scheduled(
        format!("bench {i}"),
        "2030-01-01T10:00:00Z",
        30,
    ))
    .unwrap_or_default()
}

async fn raw_token(
    fake: &FakeZoom,
    http: &reqwest::Client,
) -> Result<String, Box<dyn std::error::Error>> {
    let answer = http
        .post(fake.oauth_url())
        .query(&[
            ("grant_type", "account_credentials"),
            ("account_id", "fake-account"),
        ])
        .basic_auth("fake-client", Some("fake-client-secret"))
        .send()
        .await?;
    let v: serde_json::Value = serde_json::from_slice(&answer.bytes().await?)?;
    Ok(v["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_owned())
}

struct Run {
    done: usize,
    seconds: f64,
    too_many: u64,
}

impl Run {
    fn rate(&self) -> f64 {
        self.done as f64 / self.seconds
    }
}

fn reset(fake: &FakeZoom) {
    fake.reset_limits();
    fake.reset_stats();
}

/// LIGHT at the fake's 20/s, as a user on such a plan would set it: no
/// margin. The budget counts each call from its answer, not its send, so
/// however the arrivals spread no second the fake sees holds more than 20.
fn our_limits() -> Result<ZoomLimits, Box<dyn std::error::Error>> {
    let light = Limit::per_second(20).ok_or("limit")?;
    Ok(ZoomLimits {
        light,
        ..ZoomLimits::pro()
    })
}

fn our_http() -> ClientConfig {
    ClientConfig {
        max_pacing_wait: Duration::from_secs(120),
        ..ClientConfig::default()
    }
}

async fn ours(fake: &FakeZoom) -> Result<Run, Box<dyn std::error::Error>> {
    let config = fake.zoom_config().limits(our_limits()?).http(our_http());
    let zoom = ZoomClient::new(config)?;
    // The token first (not part of the creates' time).
    let _ = zoom.meeting(1).await;
    reset(fake);
    let started = Instant::now();
    let done = create_all(&zoom, 0..CREATES, CONCURRENCY).await?;
    let seconds = started.elapsed().as_secs_f64();
    let s = fake.stats();
    Ok(Run {
        done,
        seconds,
        too_many: s.rate_limited + s.daily_capped,
    })
}

/// Creates meetings `range` with `concurrency` callers; how many succeeded.
async fn create_all(
    zoom: &ZoomClient,
    range: std::ops::Range<usize>,
    concurrency: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    let end = range.end;
    let next = Arc::new(AtomicUsize::new(range.start));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let zoom = zoom.clone();
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut done = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= end {
                        return done;
                    }
                    let request =
                        MeetingRequest::scheduled(format!("bench {i}"), "2030-01-01T10:00:00Z", 30);
                    match zoom.create_meeting(&host(i), &request).await {
                        Ok(_) => done += 1,
                        Err(e) => eprintln!("ours: create {i} failed: {e}"),
                    }
                }
            })
        })
        .collect();
    let mut done = 0;
    for w in workers {
        done += w.await?;
    }
    Ok(done)
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("{name} is not set").into())
}

/// Child mode: one of the two processes of run (d).
async fn child() -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::open(&env("ZOOMKIT_TEST_POSTGRES_URL")?).await?;
    let limits = our_limits()?;
    let shared = SharedZoomBudget::start(store, "fake-account", limits, Clock::system()).await?;
    let config = ZoomConfig::new("fake-account", "fake-client", "fake-client-secret")
        .endpoints(env("ZOOMKIT_BENCH_API")?, env("ZOOMKIT_BENCH_OAUTH")?)
        .limits(limits)
        .http(our_http());
    let zoom = ZoomClient::with_shared_budget(config, Arc::clone(&shared))?;
    let _ = zoom.meeting(1).await; // the token, before the start
    let from: usize = env("ZOOMKIT_BENCH_FROM")?.parse()?;
    let to: usize = env("ZOOMKIT_BENCH_TO")?.parse()?;
    let start_at: u64 = env("ZOOMKIT_BENCH_START_AT")?.parse()?;
    let now = unix_ms(SystemTime::now());
    tokio::time::sleep(Duration::from_millis(start_at.saturating_sub(now))).await;
    let live = shared.live_instances();
    let done = create_all(&zoom, from..to, CONCURRENCY / 2).await?;
    println!("{done} {} {live}", unix_ms(SystemTime::now()));
    Ok(())
}

/// Run (d): two processes, one budget through PostgreSQL.
async fn two_processes(fake: &FakeZoom) -> Result<Run, Box<dyn std::error::Error>> {
    let store = Store::open(&env("ZOOMKIT_TEST_POSTGRES_URL")?).await?;
    store.migrate().await?;
    store.close().await;
    reset(fake);
    // Each child takes its first share SETTLE + 1 s (3 s) after it joins.
    let start_at = unix_ms(SystemTime::now()) + 5000;
    let me = std::env::current_exe()?;
    let mut children = Vec::new();
    for (from, to) in [(0, CREATES / 2), (CREATES / 2, CREATES)] {
        children.push(
            std::process::Command::new(&me)
                .env("ZOOMKIT_BENCH_CHILD", "1")
                .env("ZOOMKIT_BENCH_API", fake.api_base())
                .env("ZOOMKIT_BENCH_OAUTH", fake.oauth_url())
                .env("ZOOMKIT_BENCH_FROM", from.to_string())
                .env("ZOOMKIT_BENCH_TO", to.to_string())
                .env("ZOOMKIT_BENCH_START_AT", start_at.to_string())
                .stdout(std::process::Stdio::piped())
                .spawn()?,
        );
    }
    let mut done = 0;
    let mut end = start_at;
    for child in children {
        let out = tokio::task::spawn_blocking(move || child.wait_with_output()).await??;
        if !out.status.success() {
            return Err(format!("a bench child failed: {}", out.status).into());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut parts = text.split_whitespace();
        done += parts.next().ok_or("child output")?.parse::<usize>()?;
        end = end.max(parts.next().ok_or("child output")?.parse::<u64>()?);
        let live: u32 = parts.next().ok_or("child output")?.parse()?;
        if live != 2 {
            return Err(format!("a child saw {live} live instances at the start, not 2").into());
        }
    }
    let seconds = end.saturating_sub(start_at) as f64 / 1000.0;
    let s = fake.stats();
    Ok(Run {
        done,
        seconds,
        too_many: s.rate_limited + s.daily_capped,
    })
}

async fn seed(fake: &FakeZoom) -> Result<Run, Box<dyn std::error::Error>> {
    let http = reqwest::Client::new();
    let token = raw_token(fake, &http).await?;
    reset(fake);
    let started = Instant::now();
    let mut done = 0;
    for i in 0..SEED_CREATES {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let answer = http
            .post(format!("{}/users/{}/meetings", fake.api_base(), host(i)))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body(i))
            .send()
            .await?;
        if answer.status().as_u16() == 201 {
            done += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let s = fake.stats();
    Ok(Run {
        done,
        seconds,
        too_many: s.rate_limited + s.daily_capped,
    })
}

async fn naive(fake: &FakeZoom) -> Result<Run, Box<dyn std::error::Error>> {
    let http = reqwest::Client::new();
    let token = Arc::new(raw_token(fake, &http).await?);
    reset(fake);
    let next = Arc::new(AtomicUsize::new(0));
    let base = fake.api_base();
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (http, token, next, base) = (
                http.clone(),
                Arc::clone(&token),
                Arc::clone(&next),
                base.clone(),
            );
            tokio::spawn(async move {
                let mut done = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= CREATES {
                        return done;
                    }
                    let sent = http
                        .post(format!("{base}/users/{}/meetings", host(i)))
                        .bearer_auth(token.as_str())
                        .header("content-type", "application/json")
                        .body(body(i))
                        .send()
                        .await;
                    if sent.is_ok_and(|a| a.status().as_u16() == 201) {
                        done += 1;
                    }
                }
            })
        })
        .collect();
    let mut done = 0;
    for w in workers {
        done += w.await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let s = fake.stats();
    Ok(Run {
        done,
        seconds,
        too_many: s.rate_limited + s.daily_capped,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("ZOOMKIT_BENCH_CHILD").is_some() {
        return child().await;
    }
    let mut config = FakeZoomConfig::default();
    config.limits.light = 20;
    let fake = FakeZoom::start(config).await?;

    let a = ours(&fake).await?;
    let b = seed(&fake).await?;
    let c = naive(&fake).await?;
    let d = if std::env::var_os("ZOOMKIT_TEST_POSTGRES_URL").is_some() {
        Some(two_processes(&fake).await?)
    } else {
        eprintln!("bench zoom-api: ZOOMKIT_TEST_POSTGRES_URL is not set: no two-process run");
        None
    };
    if !fake.violations().is_empty() {
        return Err(format!("the fake saw invalid requests: {:?}", fake.violations()).into());
    }
    println!(
        "bench zoom-api: {:.2} creates/s vs seed-sequential {:.2}/s = {:.1}x",
        a.rate(),
        b.rate(),
        a.rate() / b.rate()
    );
    println!(
        "bench zoom-api: ours {}/{CREATES} created in {:.1} s at {:.1}% of the allowed {ALLOWED}/s, 429s: {}",
        a.done,
        a.seconds,
        100.0 * a.rate() / ALLOWED,
        a.too_many
    );
    println!(
        "bench zoom-api: seed-sequential {}/{SEED_CREATES} in {:.1} s ({:.1}% of allowed), 429s: {}",
        b.done,
        b.seconds,
        100.0 * b.rate() / ALLOWED,
        b.too_many
    );
    println!(
        "bench zoom-api: naive-32 {}/{CREATES} created in {:.1} s ({:.2}/s), 429s: {} (not retried: lost)",
        c.done,
        c.seconds,
        c.rate(),
        c.too_many
    );
    if let Some(d) = d {
        println!(
            "bench zoom-api-2proc: {:.2} creates/s vs seed-sequential {:.2}/s = {:.1}x",
            d.rate(),
            b.rate(),
            d.rate() / b.rate()
        );
        println!(
            "bench zoom-api-2proc: two processes on one PostgreSQL, {}/{CREATES} created in {:.1} s at {:.1}% of the allowed {ALLOWED}/s, 429s: {}",
            d.done,
            d.seconds,
            100.0 * d.rate() / ALLOWED,
            d.too_many
        );
    }
    Ok(())
}
