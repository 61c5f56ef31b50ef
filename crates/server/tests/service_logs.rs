//! What `zoomkit-server` writes (stdout and stderr, at the most verbose
//! level) never holds a secret, a body, a header value or an e-mail
//! address, whatever it is sent: good deliveries, duplicates, forgeries,
//! oversized bodies, unparsable ones, token requests, a shutdown.

mod service_common;

use std::path::Path;
use std::time::Duration;

use service_common::*;

const MARKER: &str = "bodymarker5d1e";
const VIDEO_SECRET: &str = "video-secret-never-logged-a81c";
const DB_PASSWORD: &str = "db-password-never-logged";

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_zoomkit-server"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_carry_ids_never_secrets_bodies_or_emails() {
    let dir = TempDir::new("logs");
    let mut server = Server::start(
        bin(),
        &[
            ("ZOOMKIT_DATABASE_URL", dir.sqlite_url()),
            ("CALCOM_WEBHOOK_SECRET", CALCOM_SECRET.into()),
            ("ZOOM_WEBHOOK_SECRET", ZOOM_SECRET.into()),
            ("CALENDLY_WEBHOOK_SIGNING_KEY", CALENDLY_SECRET.into()),
            ("ZOOM_VIDEO_SDK_KEY", "KEY".into()),
            ("ZOOM_VIDEO_SDK_SECRET", VIDEO_SECRET.into()),
            ("ZOOMKIT_WEBHOOK_BODY_LIMIT", "8192".into()),
            ("ZOOMKIT_JOB_MAX_ATTEMPTS", "2".into()),
            ("ZOOMKIT_JOB_RETRY_BASE_MS", "10".into()),
            ("ZOOMKIT_LOG", "trace".into()),
        ],
    );
    let addr = server.addr;
    wait_ready(addr).await;
    let mut conn = Conn::open(addr).await.unwrap();
    let mut signatures = Vec::new();
    for i in 0..5 {
        let body = calcom_body(&format!("{MARKER}-{i}"), MARKER);
        let headers = calcom_headers(CALCOM_SECRET, &body);
        signatures.push(headers[0].1.clone());
        for _ in 0..2 {
            let a = conn
                .post("/webhooks/calcom", &headers, body.clone())
                .await
                .unwrap();
            assert_eq!(a.status, 200, "{}", a.body);
        }
        let forged = calcom_headers("wrong", &body);
        let a = conn
            .post("/webhooks/calcom", &forged, body.clone())
            .await
            .unwrap();
        assert_eq!(a.status, 401);
    }
    // A Zoom event with the marker in it.
    let zoom = format!(
        r#"{{"event":"meeting.started","event_ts":1700000000000,"payload":{{"account_id":"acc","object":{{"id":"1","uuid":"{MARKER}","host_id":"h","topic":"{MARKER}@example.com","type":2,"start_time":"2026-12-01T10:00:00Z","timezone":"UTC","duration":30}}}}}}"#
    )
    .into_bytes();
    let headers = zoom_headers(ZOOM_SECRET, &zoom);
    signatures.push(headers[1].1.clone());
    let a = conn.post("/webhooks/zoom", &headers, zoom).await.unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    // Too large, with the marker.
    let big = format!("{{\"x\":\"{}\"}}", MARKER.repeat(1000)).into_bytes();
    let headers = calcom_headers(CALCOM_SECRET, &big);
    let a = once(addr, "POST", "/webhooks/calcom", &headers, big)
        .await
        .unwrap();
    assert_eq!(a.status, 413);
    // Verified, but not the shape of its event: retried, then a dead letter.
    let broken = format!(
        r#"{{"triggerEvent":"BOOKING_CREATED","createdAt":"2026-12-01T10:00:00.000Z","payload":{{"uid":"{MARKER}-broken","startTime":{{"not":"a time"}},"attendees":"{MARKER}@example.com"}}}}"#
    )
    .into_bytes();
    let headers = calcom_headers(CALCOM_SECRET, &broken);
    let a = conn
        .post("/webhooks/calcom", &headers, broken)
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    // A token request.
    let a = conn
        .post(
            "/api/zoom/video-token",
            &[("authorization".into(), format!("Bearer {MARKER}"))],
            format!(
                r#"{{"sessionName":"{MARKER}","role":0,"userIdentity":"{MARKER}@example.com"}}"#
            )
            .into_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);

    // Let the workers process (and dead-letter) everything.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        server
            .terminate(Duration::from_secs(20))
            .and_then(|s| s.code()),
        Some(0)
    );
    let logs = server.logs.text();
    assert!(
        logs.contains("webhook refused"),
        "the refusals were logged:\n{logs}"
    );
    assert!(
        logs.contains("delivery failed"),
        "the bad payload was logged:\n{logs}"
    );
    for needle in [
        CALCOM_SECRET,
        ZOOM_SECRET,
        CALENDLY_SECRET,
        VIDEO_SECRET,
        DB_PASSWORD,
        MARKER,
        "@example.com",
        "coach@",
        "Coaching",
        "eyJ", // a JWT
    ]
    .iter()
    .copied()
    .chain(signatures.iter().map(String::as_str))
    {
        assert!(
            !logs.contains(needle),
            "the logs contain {needle:?}:\n{logs}"
        );
    }
}

#[test]
fn a_database_password_is_not_printed_when_the_database_is_unreachable() {
    let out = command(
        bin(),
        &["migrate"],
        &[(
            "ZOOMKIT_DATABASE_URL",
            format!("postgres://zoomkit:{DB_PASSWORD}@127.0.0.1:1/zoomkit"),
        )],
    )
    .output()
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains(DB_PASSWORD), "{text}");
}
