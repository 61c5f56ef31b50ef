//! Zoom budgets shared by two instances through one store
//! (`zoom::SharedZoomBudget`, `store::rate_limits`), on SQLite and on a
//! real PostgreSQL (`ZOOMKIT_TEST_POSTGRES_URL`; see `tests/store/`). Two
//! `ZoomClient`s with their own budgets stand for two processes; the
//! two-process run is `cargo xtask bench zoom-api`.
#![cfg(all(feature = "testing", feature = "sqlite", feature = "postgres"))]

#[path = "store/harness.rs"]
#[allow(dead_code)]
mod harness;
mod zoom_common;

use std::sync::Arc;
use std::time::Duration;

use harness::TestDb;
use zoomkit_server::http::{HttpError, Limit, ZoomLimits};
use zoomkit_server::testing::FakeZoom;
use zoomkit_server::zoom::{MeetingRequest, SharedZoomBudget, ZoomClient, ZoomError};

macro_rules! both {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::harness::TestDb::sqlite().await;
                super::$case(&db).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = $crate::harness::TestDb::postgres(concat!(module_path!())).await else {
                    return;
                };
                super::$case(&db).await;
                db.finish().await;
            }
        }
    )*};
}

both!(
    daily_caps_are_counted_across_instances,
    a_daily_429_pauses_every_instance,
    per_second_limits_are_split_between_live_instances,
);

fn req(topic: &str) -> MeetingRequest {
    MeetingRequest::scheduled(topic, "2030-01-01T10:00:00Z", 30)
}

async fn two(
    fake: &FakeZoom,
    db: &TestDb,
    limits: ZoomLimits,
) -> (ZoomClient, ZoomClient, Arc<SharedZoomBudget>) {
    let account = "fake-account";
    let a = SharedZoomBudget::start(db.store.clone(), account, limits, fake.clock())
        .await
        .unwrap();
    let b = SharedZoomBudget::start(db.store.clone(), account, limits, fake.clock())
        .await
        .unwrap();
    assert_eq!(b.live_instances(), 2);
    let config = zoom_common::config(fake).limits(limits);
    let za = ZoomClient::with_shared_budget(config.clone(), Arc::clone(&a)).unwrap();
    let zb = ZoomClient::with_shared_budget(config, Arc::clone(&b)).unwrap();
    // The first learns of the second at its next heartbeat.
    for _ in 0..50 {
        if a.live_instances() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(a.live_instances(), 2);
    (za, zb, a)
}

/// The clients believe 3 creates per host per day (the fake allows 100):
/// 2 by one and 1 by the other use the day up for both.
async fn daily_caps_are_counted_across_instances(db: &TestDb) {
    let fake = zoom_common::fake().await;
    let limits = ZoomLimits {
        creates_per_host: Limit::per_utc_day(3).unwrap(),
        ..ZoomLimits::pro()
    };
    let (a, b, _) = two(&fake, db, limits).await;
    a.create_meeting("host-x", &req("1")).await.unwrap();
    a.create_meeting("host-x", &req("2")).await.unwrap();
    b.create_meeting("host-x", &req("3")).await.unwrap();
    for z in [&b, &a] {
        let err = z.create_meeting("host-x", &req("4")).await.unwrap_err();
        assert!(
            matches!(err, ZoomError::Http(HttpError::Paused { .. })),
            "{err}"
        );
    }
    assert_eq!(
        fake.stats().by_operation["meetingCreate"],
        3,
        "the refused ones were not sent"
    );
    b.create_meeting("host-y", &req("y")).await.unwrap();
}

/// The fake caps a host at 2 creates a day; the clients believe 100. One
/// instance's daily 429 makes the other fail fast, without a request.
async fn a_daily_429_pauses_every_instance(db: &TestDb) {
    let fake = zoom_common::fake_with(|c| c.limits.creates_per_host_per_day = 2).await;
    let (a, b, _) = two(&fake, db, ZoomLimits::pro()).await;
    a.create_meeting("host-z", &req("1")).await.unwrap();
    a.create_meeting("host-z", &req("2")).await.unwrap();
    let err = a.create_meeting("host-z", &req("3")).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    let sent = fake.stats().by_operation["meetingCreate"];
    let err = b.create_meeting("host-z", &req("4")).await.unwrap_err();
    assert!(
        matches!(err, ZoomError::Http(HttpError::Paused { .. })),
        "{err}"
    );
    assert_eq!(fake.stats().by_operation["meetingCreate"], sent);
    assert_eq!(fake.stats().daily_capped, 1);
}

/// The fake allows 10 LIGHT calls a second and so do the clients' limits:
/// alone, each would use all 10; two live instances take 5 each, and 60
/// concurrent calls across both draw no 429.
async fn per_second_limits_are_split_between_live_instances(db: &TestDb) {
    let fake = zoom_common::fake_with(|c| c.limits.light = 10).await;
    let limits = ZoomLimits {
        light: Limit::rolling(10, Duration::from_millis(1050)).unwrap(),
        ..ZoomLimits::pro()
    };
    let (a, b, _) = two(&fake, db, limits).await;
    let m = a.create_meeting("me", &req("s")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fake.reset_stats();
    let calls: Vec<_> = (0..60)
        .map(|i| {
            let z = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { z.meeting(m.id).await.map(|m| m.id) })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap(), m.id);
    }
    let stats = fake.stats();
    assert_eq!(stats.by_operation["meeting"], 60);
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
}
