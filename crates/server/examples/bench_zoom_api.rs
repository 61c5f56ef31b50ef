//! `cargo xtask bench zoom-api`: meeting creates per second against the
//! fake Zoom (`testing::FakeZoom`) with Zoom's LIGHT limit set to 20/s, by
//!
//! - (a) our `ZoomClient`, 32 concurrent callers, pacing at 20 per
//!   1.025 s (a 2.5 % margin for the jitter between when we send and when
//!   the fake counts the arrival);
//! - (b) the seed's pattern: one create at a time, 0.5 s of sleep between
//!   calls (its first 40 creates are enough to know its rate);
//! - (c) a naive client: 32 concurrent, no pacing, no retry.
//!
//! 600 creates across 12 hosts (50 each, under the 100-per-host day); the
//! fake's daily counters and windows are reset between the three. Prints
//! the ratio, the fraction of the allowed rate we reached, and each one's
//! 429 count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use zoomkit_server::http::{ClientConfig, Limit, ZoomLimits};
use zoomkit_server::testing::{FakeZoom, FakeZoomConfig};
use zoomkit_server::zoom::{MeetingRequest, ZoomClient};

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

async fn ours(fake: &FakeZoom) -> Result<Run, Box<dyn std::error::Error>> {
    let light = Limit::rolling(20, Duration::from_millis(1025)).ok_or("limit")?;
    let config = fake
        .zoom_config()
        .limits(ZoomLimits {
            light,
            ..ZoomLimits::pro()
        })
        .http(ClientConfig {
            max_pacing_wait: Duration::from_secs(120),
            ..ClientConfig::default()
        });
    let zoom = ZoomClient::new(config)?;
    // The token first (not part of the creates' time).
    let _ = zoom.meeting(1).await;
    reset(fake);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let zoom = zoom.clone();
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                let mut done = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= CREATES {
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
    let seconds = started.elapsed().as_secs_f64();
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
    let mut config = FakeZoomConfig::default();
    config.limits.light = 20;
    let fake = FakeZoom::start(config).await?;

    let a = ours(&fake).await?;
    let b = seed(&fake).await?;
    let c = naive(&fake).await?;
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
    Ok(())
}
