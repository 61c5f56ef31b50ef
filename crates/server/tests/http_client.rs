//! The executor (`http::HttpClient`, feature `http-client`) against a local
//! axum server that answers from a script and records what it received.
#![cfg(feature = "http-client")]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use zoomkit_server::http::{
    next_utc_midnight, zoom_endpoint, BreakerConfig, Budgets, Call, ClientConfig, HttpClient,
    HttpError, Method, NotYet, Retry, RetryPolicy, Subject, TransportKind, ZoomApi, ZoomKey,
    ZoomLimits,
};

/// One scripted answer.
#[derive(Clone)]
enum Reply {
    Ok,
    Status(u16, &'static str, &'static [(&'static str, &'static str)]),
    Slow(Duration),
    Big(usize),
}

#[derive(Default)]
struct Mock {
    script: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<(String, Instant)>>,
}

async fn serve(mock: Arc<Mock>) -> (String, tokio::task::JoinHandle<()>) {
    let m = Arc::clone(&mock);
    let app = Router::new().fallback(move |uri: axum::http::Uri| {
        let m = Arc::clone(&m);
        async move {
            m.seen
                .lock()
                .unwrap()
                .push((uri.path().to_owned(), Instant::now()));
            let reply = m.script.lock().unwrap().pop_front().unwrap_or(Reply::Ok);
            match reply {
                Reply::Ok => (StatusCode::OK, r#"{"id":85746065432}"#).into_response(),
                Reply::Big(n) => (StatusCode::OK, "x".repeat(n)).into_response(),
                Reply::Slow(d) => {
                    tokio::time::sleep(d).await;
                    (StatusCode::OK, "{}").into_response()
                }
                Reply::Status(code, body, headers) => {
                    let mut h = HeaderMap::new();
                    for (k, v) in headers {
                        h.insert(*k, HeaderValue::from_static(v));
                    }
                    let mut r: Response =
                        (StatusCode::from_u16(code).unwrap(), h, body).into_response();
                    r.headers_mut()
                        .insert("content-type", HeaderValue::from_static("application/json"));
                    r
                }
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), task)
}

fn config() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_millis(500),
        max_pacing_wait: Duration::from_secs(5),
        retry: RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            max_wait: Duration::from_secs(5),
        },
        breaker: BreakerConfig {
            failure_threshold: std::num::NonZeroU32::new(3).unwrap(),
            cooldown: Duration::from_secs(60),
        },
        max_body: 1024,
    }
}

fn client() -> HttpClient<ZoomKey> {
    HttpClient::new("zoom", ZoomLimits::pro().budgets(), config()).unwrap()
}

fn create_call(host: &str) -> Call<ZoomKey> {
    let ep = zoom_endpoint(ZoomApi::Meetings, "meetingCreate").unwrap();
    Call {
        operation: ep.operation_id,
        method: Method::Post,
        keys: ep.keys("acc", Subject::Host(host)),
    }
}

fn get_call() -> Call<ZoomKey> {
    let ep = zoom_endpoint(ZoomApi::Meetings, "meeting").unwrap();
    Call {
        operation: ep.operation_id,
        method: Method::Get,
        keys: ep.keys("acc", Subject::None),
    }
}

fn script(mock: &Mock, replies: &[Reply]) {
    mock.script.lock().unwrap().extend(replies.iter().cloned());
}

fn seen(mock: &Mock) -> usize {
    mock.seen.lock().unwrap().len()
}

#[tokio::test]
async fn get_retried_after_5xx_then_answered() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(
        &mock,
        &[
            Reply::Status(503, "", &[]),
            Reply::Status(500, "<html>", &[]),
        ],
    );
    let c = client();
    let url = format!("{base}/meetings/1");
    let answer = c.send(&get_call(), |h| h.get(&url)).await.unwrap();
    assert_eq!(
        (answer.status, answer.body),
        (200, br#"{"id":85746065432}"#.to_vec())
    );
    assert_eq!(seen(&mock), 3);
    task.abort();
}

#[tokio::test]
async fn a_post_that_timed_out_is_not_sent_twice() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(&mock, &[Reply::Slow(Duration::from_secs(2))]);
    let c = client();
    let url = format!("{base}/users/h/meetings");
    let err = c
        .send(&create_call("h"), |h| h.post(&url))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            HttpError::Transport {
                kind: TransportKind::Timeout,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(seen(&mock), 1);
    // A 5xx on a POST is not retried either.
    script(&mock, &[Reply::Status(502, "", &[])]);
    let err = c
        .send(&create_call("h"), |h| h.post(&url))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, HttpError::Status(e) if e.status == 502 && e.retry == Retry::Never),
        "{err:?}"
    );
    assert_eq!(seen(&mock), 2);
    task.abort();
}

#[tokio::test]
async fn a_429_waits_for_retry_after() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(
        &mock,
        &[Reply::Status(
            429,
            r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#,
            &[("retry-after", "1")],
        )],
    );
    let c = client();
    let url = format!("{base}/users/h/meetings");
    // A POST refused with a 429 was not acted on: it is sent again.
    c.send(&create_call("h"), |h| h.post(&url)).await.unwrap();
    let seen = mock.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[1].1 - seen[0].1 >= Duration::from_millis(900),
        "{:?}",
        seen[1].1 - seen[0].1
    );
    task.abort();
}

#[tokio::test]
async fn a_daily_cap_pauses_that_host_only_and_fails_fast() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(
        &mock,
        &[Reply::Status(
            429,
            r#"{"code":429,"message":"You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."}"#,
            &[],
        )],
    );
    let c = client();
    let url = format!("{base}/users/h1/meetings");
    let err = c
        .send(&create_call("h1"), |h| h.post(&url))
        .await
        .unwrap_err();
    let midnight = next_utc_midnight(SystemTime::now());
    assert!(
        matches!(&err, HttpError::Status(e) if e.status == 429 && e.retry == Retry::PausedUntil(midnight)),
        "{err:?}"
    );
    // Every caller of that host now fails fast, without a request...
    let other_caller = c.clone();
    let err = other_caller
        .send(&create_call("h1"), |h| h.post(&url))
        .await
        .unwrap_err();
    assert!(
        matches!(err, HttpError::Paused { reason: NotYet::Paused { until, .. }, .. } if until == midnight),
        "{err:?}"
    );
    assert!(err.to_string().contains("resumes at"), "{err}");
    assert_eq!(seen(&mock), 1);
    // ...while another host is served.
    let url2 = format!("{base}/users/h2/meetings");
    c.send(&create_call("h2"), |h| h.post(&url2)).await.unwrap();
    assert_eq!(seen(&mock), 2);
    task.abort();
}

#[tokio::test]
async fn vendor_errors_are_typed_and_carry_no_url() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(
        &mock,
        &[Reply::Status(
            404,
            r#"{"code":3001,"message":"Meeting does not exist: 1."}"#,
            &[],
        )],
    );
    let c = client();
    let url = format!("{base}/meetings/1?access_token=SECRET-IN-QUERY");
    let err = c.send(&get_call(), |h| h.get(&url)).await.unwrap_err();
    let HttpError::Status(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (e.status, e.vendor_error.code_number(), e.retry),
        (404, Some(3001), Retry::Never)
    );
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("SECRET") && !shown.contains("127.0.0.1"),
        "{shown}"
    );
    assert_eq!(seen(&mock), 1);
    task.abort();
}

#[tokio::test]
async fn the_breaker_opens_after_repeated_outages() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(
        &mock,
        &[
            Reply::Status(500, "", &[]),
            Reply::Status(500, "", &[]),
            Reply::Status(500, "", &[]),
        ],
    );
    let c = client();
    let url = format!("{base}/meetings/1");
    // Three 500s (the third attempt) open it; the fourth attempt is refused,
    // and the caller sees the last 500, the real cause.
    let err = c.send(&get_call(), |h| h.get(&url)).await.unwrap_err();
    assert!(
        matches!(&err, HttpError::Status(e) if e.status == 500 && e.retry == Retry::Backoff),
        "{err:?}"
    );
    assert_eq!(seen(&mock), 3);
    // Later calls are not sent.
    let err = c.send(&get_call(), |h| h.get(&url)).await.unwrap_err();
    assert!(matches!(err, HttpError::BreakerOpen { .. }), "{err:?}");
    assert_eq!(seen(&mock), 3);
    task.abort();
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_a_post() {
    // A port with nothing listening: bind, take the port, close.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let c = HttpClient::new("zoom", Budgets::new(|_: &ZoomKey| None), config()).unwrap();
    let url = format!("http://{addr}/users/h/meetings");
    let err = c
        .send(&create_call("h"), |h| h.post(&url))
        .await
        .unwrap_err();
    // 3 attempts (threshold 3) open the breaker before the 4th: retried.
    assert!(
        matches!(
            err,
            HttpError::Transport {
                kind: TransportKind::Connect,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let err = c
        .send(&create_call("h"), |h| h.post(&url))
        .await
        .unwrap_err();
    assert!(matches!(err, HttpError::BreakerOpen { .. }), "{err:?}");
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every attempt is a span with vendor, operation, method, attempt, wait
/// and status; nothing logged (at any level, by us or by reqwest and hyper
/// inside our spans) holds the URL's query, a header or a body.
#[tokio::test]
async fn logs_carry_the_fields_and_nothing_secret() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(
        &mock,
        &[
            Reply::Status(503, "", &[]),
            Reply::Status(
                404,
                r#"{"code":1001,"message":"User does not exist: ada@example.com"}"#,
                &[],
            ),
        ],
    );
    let c = client();
    let url = format!("{base}/meetings/1?access_token=SECRET-IN-QUERY");
    let err = c
        .send(&get_call(), |h| {
            h.get(&url).bearer_auth("BEARER-SECRET").body("BODY-SECRET")
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, HttpError::Status(e) if e.status == 404),
        "{err:?}"
    );
    task.abort();

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let ours: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("zoomkit_server::http"))
        .collect();
    assert!(
        ours.iter().any(|l| l.contains(
            r#"http{vendor="zoom" operation="meeting" method="GET" attempt=1 wait_ms=0 status=503}"#
        )),
        "{logs}"
    );
    assert!(
        ours.iter().any(|l| l.contains("attempt=2")
            && l.contains("status=404")
            && l.contains("code=Some(1001)")),
        "{logs}"
    );
    for secret in [
        "SECRET-IN-QUERY",
        "BEARER-SECRET",
        "BODY-SECRET",
        "ada@example.com",
        "access_token",
    ] {
        assert!(!logs.contains(secret), "{secret} logged:\n{logs}");
    }
}

#[tokio::test]
async fn answers_over_the_body_limit_are_refused() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(&mock, &[Reply::Big(1024), Reply::Big(1025)]);
    let c = client();
    let url = format!("{base}/meetings/1");
    assert_eq!(
        c.send(&get_call(), |h| h.get(&url))
            .await
            .unwrap()
            .body
            .len(),
        1024
    );
    let err = c.send(&get_call(), |h| h.get(&url)).await.unwrap_err();
    assert!(
        matches!(err, HttpError::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
    assert_eq!((seen(&mock), err.retry()), (2, Retry::Never));
    task.abort();
}

/// A 429's `Retry-After` holds the account's category for every caller:
/// once the 429 is in, no other caller's request reaches the vendor until
/// the time it named, and then every call is done.
#[tokio::test]
async fn a_429_hold_is_shared_by_concurrent_callers() {
    let mock = Arc::new(Mock::default());
    let (base, task) = serve(Arc::clone(&mock)).await;
    script(&mock, &[Reply::Status(429, "{}", &[("retry-after", "1")])]);
    let c = client();
    let url = format!("{base}/meetings/1");
    let spawn = |c: &HttpClient<ZoomKey>| {
        let (c, url) = (c.clone(), url.clone());
        tokio::spawn(async move { c.send(&get_call(), |h| h.get(&url)).await })
    };
    let limited = spawn(&c);
    // Wait until the 429 has been answered, then 8 more callers.
    while seen(&mock) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let others: Vec<_> = (0..8).map(|_| spawn(&c)).collect();
    limited.await.unwrap().unwrap();
    for call in others {
        call.await.unwrap().unwrap();
    }
    let seen = mock.seen.lock().unwrap().clone();
    // 1 refused + the 9 calls, all done.
    assert_eq!(seen.len(), 10);
    for (_, at) in &seen[1..] {
        // Retry-After: 1 counts from when the client read it.
        let after = *at - seen[0].1;
        assert!(
            after >= Duration::from_millis(900),
            "sent {after:?} after the 429"
        );
    }
    task.abort();
}
