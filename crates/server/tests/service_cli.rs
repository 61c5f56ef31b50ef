//! `zoomkit-server` as an operator meets it: a bad setting exits non-zero
//! naming it, `migrate` migrates, `serve` answers health checks, refuses
//! bad deliveries with typed JSON (401, 413), answers Zoom's URL
//! validation without storing it, and exits 0 on SIGTERM.

mod service_common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use service_common::*;

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_zoomkit-server"))
}

/// Runs a command to completion: exit code and stderr.
fn run(args: &[&str], vars: &[(&str, String)]) -> (Option<i32>, String, String) {
    let out = command(bin(), args, vars)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_setting_exits_non_zero_naming_it() {
    let dir = TempDir::new("cli-bad");
    let db = ("ZOOMKIT_DATABASE_URL", dir.sqlite_url());
    type Case = (Vec<(&'static str, String)>, Vec<&'static str>, &'static str);
    let cases: Vec<Case> = vec![
        (
            vec![("ZOOMKIT_WEBHOOK_BODY_LIMIT", "lots".into())],
            vec![],
            "ZOOMKIT_WEBHOOK_BODY_LIMIT",
        ),
        (
            vec![("ZOOM_WEBHOOK_SECRET", "".into())],
            vec![],
            "ZOOM_WEBHOOK_SECRET",
        ),
        (
            vec![("CALCOM_WEBHOOK_SECRET", "a,,b".into())],
            vec![],
            "CALCOM_WEBHOOK_SECRET",
        ),
        (
            vec![("ZOOMKIT_DATABASE_URL", "mysql://u:pw@h/db".into())],
            vec![],
            "ZOOMKIT_DATABASE_URL",
        ),
        (
            vec![("ZOOMKIT_WORKERS", "-1".into())],
            vec![],
            "ZOOMKIT_WORKERS",
        ),
        (
            vec![("ZOOMKIT_LISTEN", "localhost".into())],
            vec![],
            "ZOOMKIT_LISTEN",
        ),
        (vec![], vec!["--listen", "nowhere"], "--listen"),
        (
            vec![("ZOOM_VIDEO_SDK_KEY", "k".into())],
            vec![],
            "ZOOM_VIDEO_SDK_SECRET",
        ),
        (
            vec![("CALCOM_WEBHOOK_ALLOW_UNSIGNED", "maybe".into())],
            vec![],
            "CALCOM_WEBHOOK_ALLOW_UNSIGNED",
        ),
    ];
    for (extra, args, needle) in cases {
        let mut vars = vec![db.clone()];
        vars.extend(extra.clone());
        let mut all = vec!["serve"];
        all.extend(args);
        let (code, _, stderr) = run(&all, &vars);
        assert_eq!(code, Some(2), "{extra:?}: {stderr}");
        assert!(
            stderr.starts_with("zoomkit-server: ") && stderr.contains(needle),
            "{extra:?}: {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("pw@"),
            "{stderr}"
        );
    }
}

#[test]
fn a_config_file_is_read_and_its_mistakes_are_named() {
    let dir = TempDir::new("cli-file");
    let file = dir.0.join("zoomkit.toml");
    std::fs::write(&file, "zoomkit_workers = 300\n").unwrap();
    let (code, _, stderr) = run(&["--config", file.to_str().unwrap(), "migrate"], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("ZOOMKIT_WORKERS") && stderr.contains("zoomkit_workers"),
        "{stderr}"
    );

    std::fs::write(&file, "zoomkit_wrokers = 2\n").unwrap();
    let (code, _, stderr) = run(&["--config", file.to_str().unwrap(), "migrate"], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unknown key `zoomkit_wrokers`"), "{stderr}");

    std::fs::write(
        &file,
        format!("zoomkit_database_url = \"{}\"\n", dir.sqlite_url()),
    )
    .unwrap();
    let (code, _, stderr) = run(&["--config", file.to_str().unwrap(), "migrate"], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("migrations applied"), "{stderr}");
    // Applying them again is a no-op, and the inbox has no dead letters.
    let (code, _, stderr) = run(&["--config", file.to_str().unwrap(), "migrate"], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, stderr) = run(&["--config", file.to_str().unwrap(), "inbox", "list"], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "only the header: {stdout}");
    let (code, _, stderr) = run(
        &["--config", file.to_str().unwrap(), "inbox", "retry", "42"],
        &[],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("42"), "{stderr}");
}

fn serve_vars(dir: &TempDir) -> Vec<(&'static str, String)> {
    vec![
        ("ZOOMKIT_DATABASE_URL", dir.sqlite_url()),
        ("CALCOM_WEBHOOK_SECRET", CALCOM_SECRET.into()),
        ("ZOOM_WEBHOOK_SECRET", format!("old-secret,{ZOOM_SECRET}")),
        ("ZOOMKIT_WEBHOOK_BODY_LIMIT", "4096".into()),
        ("ZOOM_VIDEO_SDK_KEY", "KEY".into()),
        ("ZOOM_VIDEO_SDK_SECRET", "video-secret".into()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_health_refusals_and_exits_cleanly_on_sigterm() {
    let dir = TempDir::new("cli-serve");
    let mut server = Server::start(bin(), &serve_vars(&dir));
    let addr = server.addr;
    wait_ready(addr).await;
    let healthz = once(addr, "GET", "/healthz", &[], vec![]).await.unwrap();
    assert_eq!(healthz.status, 200);
    let ready = once(addr, "GET", "/readyz", &[], vec![]).await.unwrap();
    assert_eq!(
        (ready.status, ready.json()["backend"].as_str()),
        (200, Some("sqlite"))
    );

    // No secret configured for Calendly: no route.
    let none = once(addr, "POST", "/webhooks/calendly", &[], b"{}".to_vec())
        .await
        .unwrap();
    assert_eq!(none.status, 404);

    // A bad signature: 401 with the reason.
    let body = calcom_body("cli-1", "cli");
    let bad = calcom_headers("not-the-secret", &body);
    let a = once(addr, "POST", "/webhooks/calcom", &bad, body.clone())
        .await
        .unwrap();
    assert_eq!(a.status, 401, "{}", a.body);
    assert_eq!(a.json()["error"], "bad_signature");
    let a = once(addr, "POST", "/webhooks/calcom", &[], body.clone())
        .await
        .unwrap();
    assert_eq!(
        (a.status, a.json()["error"].as_str()),
        (401, Some("missing_header"))
    );

    // Over the limit: 413, declared or not.
    let big = vec![b' '; 5000];
    let headers = calcom_headers(CALCOM_SECRET, &big);
    let a = once(addr, "POST", "/webhooks/calcom", &headers, big)
        .await
        .unwrap();
    assert_eq!(
        (a.status, a.json()["error"].as_str()),
        (413, Some("body_too_large"))
    );
    assert_eq!(a.json()["limit"], 4096);
    let chunked = chunked_post(addr, "/webhooks/calcom", 64 * 1024).await;
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");

    // A good one, twice: stored once.
    let good = calcom_headers(CALCOM_SECRET, &body);
    let first = once(addr, "POST", "/webhooks/calcom", &good, body.clone())
        .await
        .unwrap();
    assert_eq!(
        (first.status, first.json()["duplicate"].as_bool()),
        (200, Some(false))
    );
    let again = once(addr, "POST", "/webhooks/calcom", &good, body.clone())
        .await
        .unwrap();
    assert_eq!(
        (again.status, again.json()["duplicate"].as_bool()),
        (200, Some(true))
    );
    assert_eq!(first.json()["id"], again.json()["id"]);

    // Zoom's URL validation, signed with the second (rotated-in) secret.
    let validation = br#"{"event":"endpoint.url_validation","event_ts":1700000000000,"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}"#.to_vec();
    let headers = zoom_headers(ZOOM_SECRET, &validation);
    let a = once(addr, "POST", "/webhooks/zoom", &headers, validation)
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(
        a.json()["encryptedToken"].as_str().unwrap(),
        hmac_hex(ZOOM_SECRET, &[b"qgg8vlvZRS6UYooatFL8Aw"])
    );

    // The token endpoint is mounted too.
    let token = once(
        addr,
        "POST",
        "/api/zoom/video-token",
        &[],
        br#"{"sessionName":"Cool Cars","role":0}"#.to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(token.status, 200, "{}", token.body);

    let status = server.terminate(Duration::from_secs(20));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "{}",
        server.logs.text()
    );
    let logs = server.logs.text();
    assert!(
        logs.contains("shutting down") && logs.contains("stopped"),
        "{logs}"
    );

    // Only the one booking was stored (not the validation, not the refusals).
    let store = zoomkit_server::store::Store::open(&dir.sqlite_url())
        .await
        .unwrap();
    let rows = inbox_rows(&store).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "cli-1");
    store.close().await;
}

/// Posts `size` bytes without a Content-Length (chunked), through a raw
/// socket so nothing buffers it first; returns what the server answered.
async fn chunked_post(addr: std::net::SocketAddr, path: &str, size: usize) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-cal-signature-256: 00\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 1024];
    for _ in 0..size / 1024 {
        let mut c = format!("{:x}\r\n", chunk.len()).into_bytes();
        c.extend_from_slice(&chunk);
        c.extend_from_slice(b"\r\n");
        // The server may answer and close before everything is sent.
        if s.write_all(&c).await.is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut out = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut out))
        .await
        .unwrap()
        .unwrap_or(0);
    String::from_utf8_lossy(&out[..n]).into_owned()
}

/// SIGTERM while a delivery is half sent: the server stops accepting new
/// connections, still reads, verifies and commits the one in flight, answers
/// it 200, and then exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_delivery_in_flight_then_exits_zero() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let dir = TempDir::new("cli-inflight");
    let mut server = Server::start(bin(), &serve_vars(&dir));
    let addr = server.addr;
    wait_ready(addr).await;

    let body = calcom_body("in-flight", "cli");
    let signature = calcom_headers(CALCOM_SECRET, &body).remove(0).1;
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /webhooks/calcom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-cal-signature-256: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    signal(server.child.id(), "TERM");
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Still running, and no longer accepting.
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "it waits for the request"
    );
    assert!(
        once(addr, "GET", "/healthz", &[], vec![]).await.is_err(),
        "a new connection is not served after SIGTERM"
    );
    s.write_all(&body[10..]).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_string(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let status = wait_for_exit(&mut server.child, Duration::from_secs(20));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "{}",
        server.logs.text()
    );

    let store = zoomkit_server::store::Store::open(&dir.sqlite_url())
        .await
        .unwrap();
    let rows = inbox_rows(&store).await;
    assert_eq!(
        rows.len(),
        1,
        "the delivery answered during shutdown is stored"
    );
    store.close().await;
}
