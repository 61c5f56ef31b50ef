//! The Zoom clients against the fake Zoom (`testing::FakeZoom`): each
//! behaviour of issue 12's sections 2 and 3, one test each.
#![cfg(feature = "testing")]

mod zoom_common;

use std::time::Duration;

use zoomkit_server::http::{
    next_utc_midnight, BreakerState, HttpError, Retry, TransportKind, ZoomLimits,
};
use zoomkit_server::testing::{FakeSession, Fault};
use zoomkit_server::zoom::{
    Date, Deleted, ListType, MeetingRequest, SessionType, ZoomClient, ZoomError,
};

fn req(topic: &str) -> MeetingRequest {
    MeetingRequest::scheduled(topic, "2030-01-01T10:00:00Z", 30)
}

#[tokio::test]
async fn meetings_live_until_deleted_and_ids_stay_exact() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom
        .create_meeting("me", &req("One").agenda("marker-1"))
        .await
        .unwrap();
    assert!(
        m.id > 1 << 53,
        "the fake's ids are past f64 precision: {}",
        m.id
    );
    assert_eq!(fake.meeting(m.id).unwrap()["id"].as_u64(), Some(m.id));
    let got = zoom.meeting(m.id).await.unwrap();
    assert_eq!(got.id, m.id);
    assert_eq!(
        got.agenda.as_ref().map(|a| a.expose().as_str()),
        Some("marker-1")
    );

    zoom.update_meeting(m.id, &MeetingRequest::default().duration(90))
        .await
        .unwrap();
    assert_eq!(zoom.meeting(m.id).await.unwrap().duration, Some(90));
    assert_eq!(
        fake.meeting(m.id).unwrap()["topic"],
        "One",
        "PATCH keeps what it does not set"
    );

    assert_eq!(zoom.delete_meeting(m.id).await.unwrap(), Deleted::Deleted);
    assert_eq!(
        zoom.delete_meeting(m.id).await.unwrap(),
        Deleted::AlreadyGone
    );
    let err = zoom.meeting(m.id).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(404), Some(3001)));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn a_meeting_deleted_behind_our_back() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("Gone")).await.unwrap();
    assert!(fake.delete_behind_our_back(m.id));
    let err = zoom
        .update_meeting(m.id, &MeetingRequest::default().duration(10))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(3001));
    assert_eq!(
        zoom.delete_meeting(m.id).await.unwrap(),
        Deleted::AlreadyGone
    );
}

#[tokio::test]
async fn listing_reads_every_page_for_that_host_only() {
    let fake = zoom_common::fake_with(|c| c.max_page_size = 7).await;
    let zoom = zoom_common::client(&fake);
    for i in 0..20 {
        zoom.create_meeting("host-a", &req(&format!("a{i}")))
            .await
            .unwrap();
    }
    zoom.create_meeting("host-b", &req("b")).await.unwrap();
    let list = zoom
        .list_meetings("host-a", ListType::Scheduled)
        .await
        .unwrap();
    assert_eq!(list.len(), 20);
    let mut ids: Vec<u64> = list.iter().map(|m| m.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(
        fake.stats().by_operation["meetings"],
        3,
        "20 items in pages of 7"
    );
}

#[tokio::test]
async fn recordings_with_download_token_and_month_split() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let d = |s| Date::parse(s).unwrap();
    let mut ids = Vec::new();
    for day in ["2030-01-05", "2030-02-10", "2030-03-30"] {
        let m = zoom.create_meeting("host-r", &req(day)).await.unwrap();
        assert!(fake.add_recording(m.id, d(day), 2));
        ids.push(m.id);
    }
    let one = zoom.meeting_recordings(ids[0], true).await.unwrap();
    assert_eq!(one.recording_files.len(), 2);
    assert!(one.download_access_token.is_some());
    assert!(one.recording_files[0].download_url.is_some());
    assert!(zoom
        .meeting_recordings(ids[0], false)
        .await
        .unwrap()
        .download_access_token
        .is_none());

    // 2030-01-01 ..= 2030-03-31 is three one-month calls; the fake refuses
    // (and records) any range over a month.
    let all = zoom
        .host_recordings("host-r", d("2030-01-01"), d("2030-03-31"))
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(fake.stats().by_operation["recordingsList"], 3);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    let err = zoom
        .host_recordings("host-r", d("2030-02-01"), d("2030-01-01"))
        .await
        .unwrap_err();
    assert!(matches!(err, ZoomError::Invalid { .. }), "{err}");
}

#[tokio::test]
async fn video_sdk_sessions_users_recordings() {
    let fake = zoom_common::fake_with(|c| c.max_page_size = 2).await;
    let video = zoom_common::video(&fake);
    let today = Date::of(fake.now()).unwrap();
    let earlier = today.pred().pred().pred();
    let odd = "/4rt+Yb//9Q==";
    fake.add_session(FakeSession {
        id: odd.into(),
        name: "Cool Cars".into(),
        start: today,
        live: false,
        users: vec!["Ada".into(), "Grace".into(), "Linus".into()],
        recording_files: 2,
    });
    for i in 0..4 {
        fake.add_session(FakeSession {
            id: format!("plain-{i}"),
            name: format!("s{i}"),
            start: earlier,
            live: false,
            users: vec![],
            recording_files: 0,
        });
    }
    fake.add_session(FakeSession {
        id: "live-1".into(),
        name: "now".into(),
        start: today,
        live: true,
        users: vec![],
        recording_files: 0,
    });
    let past = video
        .sessions(SessionType::Past, earlier, today)
        .await
        .unwrap();
    assert_eq!(past.len(), 5, "five past sessions over pages of 2");
    let live = video
        .sessions(SessionType::Live, earlier, today)
        .await
        .unwrap();
    assert_eq!(
        live.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["live-1"]
    );

    // An id with `/` only reaches its session double-encoded (the fake
    // decodes the path before routing, as Zoom does).
    let detail = video.session(odd, SessionType::Past).await.unwrap();
    assert_eq!(detail.id, odd);
    assert_eq!(detail.session_number, Some(9_007_199_254_740_993));
    assert_eq!(
        video
            .session_users(odd, SessionType::Past)
            .await
            .unwrap()
            .len(),
        3
    );
    let rec = video.session_recordings(odd, true).await.unwrap();
    assert_eq!(rec.recording_files.len(), 2);
    assert!(rec.download_access_token.is_some());
    let err = video
        .session_recordings("plain-0", false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(3301));
    assert_eq!(video.recordings(earlier, today).await.unwrap().len(), 1);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn many_concurrent_callers_cause_one_token_refresh() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("t")).await.unwrap();
    assert_eq!(fake.stats().tokens_issued, 1);
    fake.expire_tokens();
    fake.configure(|c| c.limits.light = 1000);
    let fresh = ZoomClient::new(zoom_common::config(&fake).limits(ZoomLimits {
        light: zoomkit_server::http::Limit::per_second(1000).unwrap(),
        ..ZoomLimits::pro()
    }))
    .unwrap();
    let calls: Vec<_> = (0..64)
        .map(|_| {
            let z = fresh.clone();
            tokio::spawn(async move { z.meeting(m.id).await.map(|m| m.id) })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap(), m.id);
    }
    assert_eq!(fresh.token_refreshes(), 1);
    assert_eq!(
        fake.stats().tokens_issued,
        2,
        "one for each client, none more"
    );
}

#[tokio::test]
async fn a_refused_token_is_replaced_and_the_call_sent_once_more() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("t")).await.unwrap();
    fake.fault("meeting", Fault::ExpiredToken);
    assert_eq!(zoom.meeting(m.id).await.unwrap().id, m.id);
    assert_eq!(fake.stats().tokens_issued, 2);
    assert_eq!(fake.stats().by_operation["meeting"], 2);

    // Twice in a row: the second 401 is the caller's to see.
    fake.fault("meeting", Fault::ExpiredToken);
    fake.fault("meeting", Fault::ExpiredToken);
    let err = zoom.meeting(m.id).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(401), Some(124)));
}

#[tokio::test]
async fn the_token_is_refreshed_five_minutes_before_expiry() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("t")).await.unwrap();
    fake.advance(Duration::from_secs(54 * 60));
    zoom.meeting(m.id).await.unwrap();
    assert_eq!(
        fake.stats().tokens_issued,
        1,
        "54 minutes into an hour: still good"
    );
    fake.advance(Duration::from_secs(2 * 60));
    zoom.meeting(m.id).await.unwrap();
    assert_eq!(
        fake.stats().tokens_issued,
        2,
        "56 minutes: inside the last 5, replaced"
    );
}

/// The fake allows 10 LIGHT calls a second while the client believes
/// Pro's 30: a 429 storm. Every call still completes, and after each 429
/// no call is sent until its `Retry-After` (beyond those already in
/// flight when it was answered).
#[tokio::test]
async fn a_429_storm_ends_with_every_call_done_and_none_sent_during_a_pause() {
    let fake = zoom_common::fake_with(|c| c.limits.light = 10).await;
    let mut http = zoom_common::quick_http();
    http.retry.max_attempts = 12;
    http.max_pacing_wait = Duration::from_secs(30);
    let zoom = ZoomClient::new(zoom_common::config(&fake).http(http)).unwrap();
    let m = zoom.create_meeting("me", &req("storm")).await.unwrap();
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let z = zoom.clone();
            tokio::spawn(async move { z.meeting(m.id).await.map(|m| m.id) })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap(), m.id);
    }
    let stats = fake.stats();
    assert!(stats.rate_limited > 0, "the storm happened: {stats:?}");
    assert_eq!(stats.sent_during_pause, 0, "{stats:?}");
}

/// The fake's cap is 3 creates per host per day; the client believes
/// Zoom's 100, so it learns from the daily 429 (no `Retry-After`).
#[tokio::test]
async fn a_daily_cap_stops_that_host_only_until_midnight_utc() {
    let fake = zoom_common::fake_with(|c| c.limits.creates_per_host_per_day = 3).await;
    let zoom = zoom_common::client(&fake);
    for i in 0..3 {
        zoom.create_meeting("capped", &req(&format!("{i}")))
            .await
            .unwrap();
    }
    let midnight = next_utc_midnight(fake.now());
    let err = zoom.create_meeting("capped", &req("4")).await.unwrap_err();
    let ZoomError::Http(HttpError::Status(e)) = &err else {
        panic!("{err}")
    };
    assert_eq!(e.status, 429);
    assert_eq!(e.retry, Retry::PausedUntil(midnight));
    assert_eq!(fake.stats().daily_capped, 1);

    // Fails fast now, without a request.
    let sent = fake.stats().by_operation["meetingCreate"];
    let err = zoom.create_meeting("capped", &req("5")).await.unwrap_err();
    assert!(
        matches!(err, ZoomError::Http(HttpError::Paused { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("00:00:00 GMT"), "{err}");
    assert_eq!(fake.stats().by_operation["meetingCreate"], sent);
    // Another host is not affected.
    zoom.create_meeting("other", &req("o")).await.unwrap();

    // Past 00:00 UTC on the fake's (and so the client's) clock: resumed.
    let wait = midnight.duration_since(fake.now()).unwrap();
    fake.advance(wait + Duration::from_secs(1));
    zoom.create_meeting("capped", &req("6")).await.unwrap();
    assert_eq!(fake.stats().daily_capped, 1);
}

#[tokio::test]
async fn the_breaker_opens_and_closes() {
    let fake = zoom_common::fake().await;
    let mut http = zoom_common::quick_http();
    http.breaker.failure_threshold = std::num::NonZeroU32::new(3).unwrap();
    http.retry.max_attempts = 3;
    let zoom = ZoomClient::new(zoom_common::config(&fake).http(http)).unwrap();
    let m = zoom.create_meeting("me", &req("b")).await.unwrap();
    for _ in 0..3 {
        fake.fault("meeting", Fault::Status(503));
    }
    let err = zoom.meeting(m.id).await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(503),
        "the caller sees the last 503: {err}"
    );
    assert!(matches!(
        zoom.http().breaker_state(),
        BreakerState::Open { .. }
    ));
    let sent = fake.stats().by_operation["meeting"];
    assert_eq!(sent, 3);
    let err = zoom.meeting(m.id).await.unwrap_err();
    assert!(
        matches!(err, ZoomError::Http(HttpError::BreakerOpen { .. })),
        "{err}"
    );
    assert_eq!(
        fake.stats().by_operation["meeting"],
        sent,
        "not sent while open"
    );

    // After the cooldown (on the shared clock) one probe decides: it works.
    fake.advance(Duration::from_secs(31));
    assert_eq!(zoom.meeting(m.id).await.unwrap().id, m.id);
    assert!(matches!(
        zoom.http().breaker_state(),
        BreakerState::Closed { .. }
    ));
    assert_eq!(zoom.meeting(m.id).await.unwrap().id, m.id);
}

/// A create that timed out may have been done: the client reports it and
/// does not send it again. The fake did it once.
#[tokio::test]
async fn a_create_that_timed_out_is_not_sent_twice() {
    let fake = zoom_common::fake().await;
    let mut http = zoom_common::quick_http();
    http.timeout = Duration::from_millis(300);
    let zoom = ZoomClient::new(zoom_common::config(&fake).http(http)).unwrap();
    zoom.meeting(1).await.ok(); // the token, first
    fake.fault("meetingCreate", Fault::Slow(Duration::from_millis(900)));
    let err = zoom.create_meeting("me", &req("slow")).await.unwrap_err();
    assert!(
        matches!(
            err,
            ZoomError::Http(HttpError::Transport {
                kind: TransportKind::Timeout,
                attempts: 1,
                ..
            })
        ),
        "{err}"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(fake.stats().by_operation["meetingCreate"], 1);
    assert_eq!(
        fake.meeting_count(),
        1,
        "Zoom did create it: search before creating again"
    );
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_a_get_only() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("r")).await.unwrap();
    fake.fault("meeting", Fault::Reset);
    assert_eq!(zoom.meeting(m.id).await.unwrap().id, m.id);
    assert_eq!(fake.stats().by_operation["meeting"], 2);

    fake.fault("meetingCreate", Fault::Reset);
    let err = zoom.create_meeting("me", &req("r2")).await.unwrap_err();
    assert!(
        matches!(
            err,
            ZoomError::Http(HttpError::Transport {
                kind: TransportKind::Broken,
                ..
            })
        ),
        "{err}"
    );
    assert_eq!(
        fake.stats().by_operation["meetingCreate"],
        2,
        "one each, no resend"
    );
}

#[tokio::test]
async fn a_5xx_on_get_is_retried() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("5")).await.unwrap();
    fake.fault("meeting", Fault::Status(500));
    fake.fault("meeting", Fault::Status(502));
    assert_eq!(zoom.meeting(m.id).await.unwrap().id, m.id);
    fake.fault("meetingCreate", Fault::Status(500));
    let err = zoom.create_meeting("me", &req("5b")).await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(500),
        "a POST's 5xx is the caller's to decide"
    );
}

/// A request Zoom's documents do not allow is a 400 in Zoom's shape and a
/// violation the test can read.
#[tokio::test]
async fn an_invalid_request_is_a_400_and_a_recorded_violation() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("v")).await.unwrap();
    let token = {
        // The fake's tokens are opaque; fetch one as a client would.
        let answer = reqwest::Client::new()
            .post(fake.oauth_url())
            .query(&[
                ("grant_type", "account_credentials"),
                ("account_id", "fake-account"),
            ])
            .basic_auth("fake-client", Some("fake-client-secret"))
            .send()
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        v["access_token"].as_str().unwrap().to_owned()
    };
    let answer = reqwest::Client::new()
        .patch(format!("{}/meetings/{}?colour=red", fake.api_base(), m.id))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"settings":{"waiting_room":"yes","lobby":true}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let e = zoomkit_server::http::VendorError::parse(&answer.bytes().await.unwrap());
    assert_eq!(e.code_number(), Some(300));
    assert_eq!(e.errors.len(), 3);
    let mut places: Vec<String> = fake.violations().iter().map(|v| v.place.clone()).collect();
    places.sort();
    assert_eq!(
        places,
        [
            "body field `settings.lobby`",
            "body field `settings.waiting_room`",
            "query parameter `colour`"
        ]
    );
    // And nothing was changed.
    assert!(fake.meeting(m.id).unwrap()["settings"]
        .get("lobby")
        .is_none());
}

/// Zoom's UUIDs are base64: one that begins with `/` or holds `//` must be
/// encoded twice in a path (its `meetingId` description says so), others
/// once. The fake mangles one encoded once, as Zoom's front end would:
/// nothing is found, and it records why.
#[tokio::test]
async fn recordings_of_a_meeting_instance_by_its_uuid() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let day = Date::parse("2030-01-05").unwrap();
    let m = zoom.create_meeting("host-u", &req("uuid")).await.unwrap();
    let uuids = [
        "/ajXp112QmuoKj4854875==",
        "ab//cd+ef==",
        "ab/cd==",
        "Zm9v+YmFy==",
    ];
    for (n, uuid) in uuids.iter().enumerate() {
        assert!(fake.add_instance_recording(m.id, uuid, day, n as u32 + 1));
    }
    assert!(fake.add_recording(m.id, day, 1));
    for (n, uuid) in uuids.iter().enumerate() {
        let r = zoom.meeting_instance_recordings(uuid, true).await.unwrap();
        assert_eq!(r.uuid.as_deref(), Some(*uuid));
        assert_eq!(r.id, Some(m.id));
        assert_eq!(r.recording_files.len(), n + 1);
        assert!(r.download_access_token.is_some());
    }
    // The latest instance by its UUID too, and by the meeting number.
    let latest = zoom.meeting_recordings(m.id, false).await.unwrap();
    let by_uuid = zoom
        .meeting_instance_recordings(latest.uuid.as_deref().unwrap(), false)
        .await
        .unwrap();
    assert_eq!(by_uuid, latest);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    let err = zoom
        .meeting_instance_recordings(" ", false)
        .await
        .unwrap_err();
    assert!(matches!(err, ZoomError::Invalid { .. }), "{err}");

    // What a client that encodes once gets.
    let token = raw_token(&fake).await;
    let answer = reqwest::Client::new()
        .get(format!(
            "{}/meetings/%2FajXp112QmuoKj4854875%3D%3D/recordings",
            fake.api_base()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    let e = zoomkit_server::http::VendorError::parse(&answer.bytes().await.unwrap());
    assert_eq!(e.code_number(), Some(3301));
    let v = fake.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].operation, "recordingGet");
    assert_eq!(v[0].place, "path");
}

async fn raw_token(fake: &zoomkit_server::testing::FakeZoom) -> String {
    let answer = reqwest::Client::new()
        .post(fake.oauth_url())
        .query(&[
            ("grant_type", "account_credentials"),
            ("account_id", "fake-account"),
        ])
        .basic_auth("fake-client", Some("fake-client-secret"))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    v["access_token"].as_str().unwrap().to_owned()
}

/// Every answer of the fake is checked against the operation's documented
/// responses (the other tests' `violations().is_empty()` cover its own
/// answers); an answer that does not fit is recorded, and our client's
/// reading of it fails with the JSON path, not a panic.
#[tokio::test]
async fn an_answer_outside_the_documented_responses_is_a_recorded_violation() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("a")).await.unwrap();
    fake.fault(
        "meeting",
        Fault::Answer(
            200,
            serde_json::json!({"id": "not a number", "lobby": true}),
        ),
    );
    let err = zoom.meeting(m.id).await.unwrap_err();
    assert!(
        matches!(&err, ZoomError::Decode { path, .. } if path == "id"),
        "{err}"
    );
    fake.fault("meetingDelete", Fault::Answer(200, serde_json::json!({})));
    let _ = zoom.delete_meeting(m.id).await;
    let mut shown: Vec<String> = fake.violations().iter().map(ToString::to_string).collect();
    shown.sort();
    assert_eq!(
        shown,
        [
            "meeting: answer field `id`: is not of type integer",
            "meeting: answer field `lobby`: is not in Zoom's document",
            "meetingDelete: status: 200 is not among the documented answers",
        ]
    );
    assert_eq!(fake.stats().invalid_answers, 2);
}

/// A slow answer keeps its place in the window until it comes: the fake
/// counts a request when it is served, which for a slow one is late. A
/// budget counting from the send would let two more calls into the window
/// that the slow one lands in (429); counting from the answer, none.
#[tokio::test]
async fn a_slow_answer_holds_its_place_in_the_window_until_it_comes() {
    let fake = zoom_common::fake_with(|c| c.limits.light = 2).await;
    let mut http = zoom_common::quick_http();
    http.timeout = Duration::from_secs(5);
    let limits = ZoomLimits {
        light: zoomkit_server::http::Limit::per_second(2).unwrap(),
        ..ZoomLimits::pro()
    };
    let zoom = ZoomClient::new(zoom_common::config(&fake).http(http).limits(limits)).unwrap();
    let m = zoom.create_meeting("me", &req("slow")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fake.reset_stats();
    fake.fault("meeting", Fault::Slow(Duration::from_millis(1500)));
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let z = zoom.clone();
            tokio::spawn(async move { z.meeting(m.id).await.map(|m| m.id) })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap(), m.id);
    }
    let stats = fake.stats();
    assert_eq!(stats.by_operation["meeting"], 4, "{stats:?}");
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
}

/// Zoom refuses an update that moves a meeting into the past (400, code
/// 300); the fake does too, the meeting stays as it was, and the client
/// does not retry it.
#[tokio::test]
async fn an_update_into_the_past_is_refused() {
    let fake = zoom_common::fake().await;
    let zoom = zoom_common::client(&fake);
    let m = zoom.create_meeting("me", &req("past")).await.unwrap();
    let err = zoom
        .update_meeting(
            m.id,
            &MeetingRequest::default().start_time("2001-01-01T10:00:00Z"),
        )
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(400), Some(300)), "{err}");
    assert_eq!(fake.stats().by_operation["meetingUpdate"], 1);
    assert_eq!(
        fake.meeting(m.id).unwrap()["start_time"],
        "2030-01-01T10:00:00Z"
    );
    zoom.update_meeting(
        m.id,
        &MeetingRequest::default().start_time("2031-01-01T10:00:00Z"),
    )
    .await
    .unwrap();
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}
