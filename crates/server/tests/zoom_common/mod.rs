//! Shared setup of the tests against the fake Zoom.
#![allow(dead_code)]

use std::num::NonZeroU32;
use std::time::Duration;

use zoomkit_server::http::{BreakerConfig, ClientConfig, RetryPolicy};
use zoomkit_server::testing::{FakeZoom, FakeZoomConfig};
use zoomkit_server::zoom::{VideoSdkClient, ZoomClient, ZoomConfig};

/// Short timeouts and backoffs, so a test takes a second, not a minute.
pub fn quick_http() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_millis(800),
        max_pacing_wait: Duration::from_secs(20),
        retry: RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            max_wait: Duration::from_secs(5),
        },
        breaker: BreakerConfig {
            failure_threshold: NonZeroU32::new(5).unwrap(),
            cooldown: Duration::from_secs(30),
        },
        max_body: 4 * 1024 * 1024,
    }
}

pub async fn fake() -> FakeZoom {
    FakeZoom::start(FakeZoomConfig::default()).await.unwrap()
}

pub async fn fake_with(change: impl FnOnce(&mut FakeZoomConfig)) -> FakeZoom {
    let mut c = FakeZoomConfig::default();
    change(&mut c);
    FakeZoom::start(c).await.unwrap()
}

pub fn config(fake: &FakeZoom) -> ZoomConfig {
    fake.zoom_config().http(quick_http())
}

pub fn client(fake: &FakeZoom) -> ZoomClient {
    ZoomClient::new(config(fake)).unwrap()
}

pub fn video(fake: &FakeZoom) -> VideoSdkClient {
    VideoSdkClient::new(fake.video_sdk_config().http(quick_http())).unwrap()
}
