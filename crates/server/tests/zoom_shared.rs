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
use zoomkit_server::http::{HttpError, Limit, Window, ZoomLimits};
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
    three_instances_take_shares_that_add_up_to_the_limit,
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

/// 20 LIGHT calls a second over three instances: 7, 7 and 6 (not 6 each,
/// which would leave 10 % of the account unused), by rank; 120 concurrent
/// calls across the three draw no 429 from a fake allowing 20. When one
/// leaves, the other two grow to 10 each, but only once it can no longer
/// have calls in the window (SETTLE + 1 s after they see it go).
async fn three_instances_take_shares_that_add_up_to_the_limit(db: &TestDb) {
    let fake = zoom_common::fake_with(|c| c.limits.light = 20).await;
    let light = Limit::per_second(20).unwrap();
    let limits = ZoomLimits {
        light,
        ..ZoomLimits::pro()
    };
    let account = "fake-account";
    let mut seats = Vec::new();
    for _ in 0..3 {
        seats.push(
            SharedZoomBudget::start(db.store.clone(), account, limits, fake.clock())
                .await
                .unwrap(),
        );
    }
    for _ in 0..50 {
        if seats.iter().all(|s| s.live_instances() == 3) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut ranks: Vec<u32> = seats.iter().map(|s| s.view().rank).collect();
    ranks.sort_unstable();
    assert_eq!(ranks, [0, 1, 2]);
    let settled = fake.now() + Duration::from_secs(4);
    let share = |s: &SharedZoomBudget, at| {
        let l = s.share(light, at);
        assert!(matches!(l.window, Window::Rolling(_)), "{l:?}");
        l.count.get()
    };
    let mut shares: Vec<u32> = seats.iter().map(|s| share(s, settled)).collect();
    shares.sort_unstable();
    assert_eq!(shares, [6, 7, 7]);

    let clients: Vec<ZoomClient> = seats
        .iter()
        .map(|s| {
            ZoomClient::with_shared_budget(zoom_common::config(&fake).limits(limits), Arc::clone(s))
                .unwrap()
        })
        .collect();
    let m = clients[0].create_meeting("me", &req("3")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fake.reset_stats();
    let calls: Vec<_> = (0..120)
        .map(|i| {
            let z = clients[i % 3].clone();
            tokio::spawn(async move { z.meeting(m.id).await.map(|m| m.id) })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap(), m.id);
    }
    let stats = fake.stats();
    assert_eq!(stats.by_operation["meeting"], 120);
    assert_eq!(stats.rate_limited, 0, "{stats:?}");

    let gone = seats.pop().unwrap();
    gone.leave().await.unwrap();
    for _ in 0..50 {
        if seats.iter().all(|s| s.live_instances() == 2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let now = fake.now();
    for s in &seats {
        assert_eq!(s.live_instances(), 2);
        assert!(share(s, now) <= 7, "not grown at once");
        assert_eq!(share(s, now + Duration::from_millis(3100)), 10);
    }
}
