//! The Cal.com client against a small fake that checks every request
//! against Cal.com's OpenAPI document (`tests/specs/calcom-v2-bookings-webhooks.json`):
//! declared path and method, `cal-api-version` exactly where the operation
//! declares it (with its value), declared query parameters and enum
//! values, request bodies with their required and only declared
//! properties. A request the document does not allow is a 400 and a
//! recorded violation, which the tests assert to be empty.
//!
//! `cargo test -p zoomkit-server --features calcom --test calcom_client`
#![cfg(all(feature = "calcom", feature = "sqlite"))]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::{json, Value};
use zoomkit_server::calcom::{
    BookingStatus, CalcomClient, CalcomConfig, CreateWebhook, GetBookings, Trigger, UpdateWebhook,
};
use zoomkit_server::http::{BreakerConfig, ClientConfig, RetryPolicy};
use zoomkit_server::store::Token;

const KEY: &str = "cal_test_key";

#[derive(Default)]
struct State {
    bookings: Vec<Value>,
    webhooks: Vec<Value>,
    violations: Vec<String>,
    next: u64,
}

struct Fake {
    url: String,
    state: Arc<Mutex<State>>,
}

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/calcom-v2-bookings-webhooks.json"
    );
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn check(
    spec: &Value,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: Option<&Value>,
) -> Result<(), String> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (template, item) = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(t, _)| {
            let ts: Vec<&str> = t.trim_start_matches('/').split('/').collect();
            ts.len() == segs.len()
                && ts
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| t.starts_with('{') || t == s)
        })
        .ok_or_else(|| format!("{method} {path}: no such path in Cal.com's document"))?;
    let op = &item[method.as_str().to_ascii_lowercase()];
    if op.is_null() {
        return Err(format!(
            "{method} {template}: method not in Cal.com's document"
        ));
    }
    let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().collect();
    let version = params
        .iter()
        .find(|p| p["name"] == "cal-api-version" && p["in"] == "header");
    let sent = headers.get("cal-api-version").and_then(|v| v.to_str().ok());
    match (version, sent) {
        (Some(p), Some(v)) if p["schema"]["default"] != v => {
            return Err(format!(
                "{method} {template}: cal-api-version `{v}`, the document says {}",
                p["schema"]["default"]
            ))
        }
        (Some(_), None) => {
            return Err(format!(
                "{method} {template}: required header cal-api-version missing"
            ))
        }
        (None, Some(_)) => {
            return Err(format!(
                "{method} {template}: cal-api-version is not declared for this operation"
            ))
        }
        _ => {}
    }
    for (name, value) in query {
        let p = params
            .iter()
            .find(|p| p["name"] == name.as_str() && p["in"] == "query")
            .ok_or_else(|| {
                format!("{method} {template}: query parameter `{name}` is not declared")
            })?;
        let allowed = p["schema"]["enum"]
            .as_array()
            .or(p["schema"]["items"]["enum"].as_array());
        if let Some(allowed) = allowed {
            let values: Vec<&str> = if p["schema"]["type"] == "array" {
                value.split(',').collect()
            } else {
                vec![value.as_str()]
            };
            for v in values {
                if !allowed.iter().any(|a| a == v) {
                    return Err(format!(
                        "{method} {template}: `{name}` value `{v}` is not allowed"
                    ));
                }
            }
        }
        if p["schema"]["type"] == "number" && value.parse::<f64>().is_err() {
            return Err(format!("{method} {template}: `{name}` is not a number"));
        }
    }
    let schema_ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str();
    match (body, schema_ref) {
        (Some(_), None) => return Err(format!("{method} {template}: takes no body")),
        (Some(b), Some(r)) => {
            let schema = &spec["components"]["schemas"][r.rsplit('/').next().unwrap()];
            let props = schema["properties"].as_object().unwrap();
            let obj = b.as_object().ok_or("body is not an object")?;
            for k in obj.keys() {
                if !props.contains_key(k) {
                    return Err(format!(
                        "{method} {template}: body property `{k}` is not declared"
                    ));
                }
            }
            for r in schema["required"].as_array().into_iter().flatten() {
                if !obj.contains_key(r.as_str().unwrap()) {
                    return Err(format!(
                        "{method} {template}: required body property {r} missing"
                    ));
                }
            }
            // The document declares `triggers` a string but its example
            // (and the API) is an array of trigger names: checked as that.
            if let Some(triggers) = obj.get("triggers") {
                let known = props["triggers"]["example"].as_array().unwrap();
                for t in triggers.as_array().ok_or("triggers is not an array")? {
                    if !known.contains(t) {
                        return Err(format!("{method} {template}: trigger {t} unknown"));
                    }
                }
            }
        }
        (None, Some(_)) if op["requestBody"]["required"] == true => {
            return Err(format!("{method} {template}: body required"))
        }
        _ => {}
    }
    Ok(())
}

async fn start() -> Fake {
    let state = Arc::new(Mutex::new(State::default()));
    let spec = Arc::new(spec());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let st = Arc::clone(&state);
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (state, spec) = (Arc::clone(&st), Arc::clone(&spec));
        async move {
            let path = uri.path().to_owned();
            let query: Vec<(String, String)> = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
            if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {KEY}")) {
                return (StatusCode::UNAUTHORIZED, json!({"status": "error"}).to_string()).into_response();
            }
            let body: Option<Value> = if body.is_empty() { None } else { serde_json::from_slice(&body).ok() };
            let mut s = state.lock().unwrap();
            if let Err(v) = check(&spec, &method, &path, &query, &headers, body.as_ref()) {
                s.violations.push(v.clone());
                return (StatusCode::BAD_REQUEST, json!({"status": "error", "error": {"message": v}}).to_string()).into_response();
            }
            let q: HashMap<String, String> = query.into_iter().collect();
            let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            let (status, answer) = match (method.as_str(), segs.as_slice()) {
                ("GET", ["v2", "bookings"]) => {
                    let take: usize = q.get("take").and_then(|t| t.parse().ok()).unwrap_or(100).min(5);
                    let skip: usize = q.get("skip").and_then(|t| t.parse().ok()).unwrap_or(0);
                    let all: Vec<&Value> = s.bookings.iter()
                        .filter(|b| q.get("status").is_none_or(|st| st.split(',').any(|x| (x == "cancelled") == (b["status"] == "cancelled"))))
                        .filter(|b| q.get("afterStart").is_none_or(|t| b["start"].as_str().unwrap() >= t.as_str()))
                        .collect();
                    // The fake serves at most 5 per page, whatever `take` says.
                    let page: Vec<Value> = all.iter().skip(skip).take(take).map(|b| (*b).clone()).collect();
                    let next = skip + page.len() < all.len();
                    (StatusCode::OK, json!({"status": "success", "data": page, "pagination": {
                        "totalItems": all.len(), "remainingItems": all.len().saturating_sub(skip + page.len()),
                        "returnedItems": page.len(), "itemsPerPage": take, "currentPage": 1 + skip / take.max(1),
                        "totalPages": all.len().div_ceil(take.max(1)), "hasNextPage": next, "hasPreviousPage": skip > 0}}))
                }
                ("GET", ["v2", "bookings", uid]) => match s.bookings.iter().find(|b| b["uid"] == *uid) {
                    Some(b) => (StatusCode::OK, json!({"status": "success", "data": b})),
                    None => (StatusCode::NOT_FOUND, json!({"status": "error", "error": {"code": "NotFoundException", "message": "no booking"}})),
                },
                ("POST", ["v2", "webhooks"]) => {
                    s.next += 1;
                    let mut w = body.unwrap();
                    w["id"] = json!(s.next);
                    w["userId"] = json!(7);
                    w["payloadTemplate"] = Value::Null;
                    s.webhooks.push(w.clone());
                    (StatusCode::CREATED, json!({"status": "success", "data": w}))
                }
                ("GET", ["v2", "webhooks"]) => (StatusCode::OK, json!({"status": "success", "data": s.webhooks})),
                ("PATCH", ["v2", "webhooks", id]) => {
                    let id: u64 = id.parse().unwrap_or(0);
                    match s.webhooks.iter_mut().find(|w| w["id"] == id) {
                        Some(w) => {
                            for (k, v) in body.unwrap().as_object().unwrap() { w[k] = v.clone(); }
                            (StatusCode::OK, json!({"status": "success", "data": w.clone()}))
                        }
                        None => (StatusCode::NOT_FOUND, json!({"status": "error"})),
                    }
                }
                ("DELETE", ["v2", "webhooks", id]) => {
                    let id: u64 = id.parse().unwrap_or(0);
                    match s.webhooks.iter().position(|w| w["id"] == id) {
                        Some(i) => { let w = s.webhooks.remove(i); (StatusCode::OK, json!({"status": "success", "data": w})) }
                        None => (StatusCode::NOT_FOUND, json!({"status": "error"})),
                    }
                }
                _ => (StatusCode::NOT_FOUND, json!({"status": "error"})),
            };
            (status, [("content-type", "application/json")], answer.to_string()).into_response()
        }
    });
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    });
    Fake { url, state }
}

fn client(fake: &Fake) -> CalcomClient {
    let mut config = CalcomConfig {
        api_base: fake.url.clone(),
        ..CalcomConfig::default()
    };
    config.http = ClientConfig {
        timeout: Duration::from_secs(5),
        max_pacing_wait: Duration::from_secs(20),
        retry: RetryPolicy {
            max_attempts: 2,
            base: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            max_wait: Duration::from_secs(5),
        },
        breaker: BreakerConfig {
            failure_threshold: NonZeroU32::new(5).unwrap(),
            cooldown: Duration::from_secs(30),
        },
        max_body: 4 * 1024 * 1024,
    };
    CalcomClient::new(config).unwrap()
}

fn booking(i: u32, status: &str) -> Value {
    json!({
        "id": i, "uid": format!("uid-{i}"), "title": "Coaching", "description": "", "status": status,
        "start": format!("2030-02-{:02}T10:00:00Z", 1 + i % 28), "end": format!("2030-02-{:02}T11:00:00Z", 1 + i % 28),
        "duration": 60, "eventTypeId": 50, "eventType": {"id": 50, "slug": "coaching"},
        "location": "https://zoom.us/j/1", "absentHost": false,
        "createdAt": "2030-01-01T00:00:00Z", "updatedAt": "2030-01-01T00:00:00Z",
        "hosts": [{"id": 1, "name": "Coach", "email": "coach@example.com", "username": "coach", "timeZone": "Europe/Berlin"}],
        "attendees": [{"name": "Client", "email": "client@example.com", "timeZone": "Europe/Paris", "absent": false}],
        "bookingFieldsResponses": {}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookings_follow_every_page_with_filters_and_the_version_header() {
    let fake = start().await;
    {
        let mut s = fake.state.lock().unwrap();
        for i in 0..23 {
            s.bookings.push(booking(
                i,
                if i % 4 == 0 { "cancelled" } else { "accepted" },
            ));
        }
    }
    let api = client(&fake).api("key-1", Token::new(KEY));
    let all = api.get_bookings(&GetBookings::default()).await.unwrap();
    assert_eq!(all.len(), 23, "every page (5 per page at the fake)");
    let cancelled = api
        .get_bookings(&GetBookings::default().status(&[BookingStatus::Cancelled]))
        .await
        .unwrap();
    assert_eq!(cancelled.len(), 6);
    assert!(cancelled.iter().all(|b| b.status == "cancelled"));
    let later = api
        .get_bookings(
            &GetBookings::default()
                .status(&[BookingStatus::Upcoming, BookingStatus::Past])
                .between("2030-02-20T00:00:00Z", "2030-03-01T00:00:00Z"),
        )
        .await
        .unwrap();
    assert!(
        later.iter().all(|b| b.start.as_str() >= "2030-02-20"),
        "{later:?}"
    );
    assert!(!later.is_empty());
    let one = api.get_booking("uid-3").await.unwrap();
    assert_eq!(
        (one.len(), one[0].uid.as_str(), one[0].location.as_deref()),
        (1, "uid-3", Some("https://zoom.us/j/1"))
    );
    assert!(!format!("{one:?}").contains("@example.com"));
    assert_eq!(
        api.get_booking("missing").await.unwrap_err().status(),
        Some(404)
    );
    assert!(api.get_booking("../webhooks").await.is_err());
    let v = fake.state.lock().unwrap().violations.clone();
    assert!(v.is_empty(), "{v:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_created_listed_updated_and_deleted_without_a_template() {
    let fake = start().await;
    let api = client(&fake).api("key-1", Token::new(KEY));
    let request = CreateWebhook {
        active: true,
        subscriber_url: "https://bridge.example/webhooks/calcom".into(),
        triggers: vec![
            Trigger::BookingCreated,
            Trigger::BookingRescheduled,
            Trigger::BookingCancelled,
        ],
        secret: Token::new("whsec"),
    };
    assert!(!format!("{request:?}").contains("whsec"));
    let w = api.create_webhook(&request).await.unwrap();
    assert_eq!(fake.state.lock().unwrap().webhooks[0]["secret"], "whsec");
    assert!(!w.has_payload_template());
    let updated = api
        .update_webhook(
            w.id,
            &UpdateWebhook {
                active: Some(false),
                ..UpdateWebhook::default()
            },
        )
        .await
        .unwrap();
    assert!(!updated.active);
    // Someone set a template in Cal.com's UI: reported.
    fake.state.lock().unwrap().webhooks[0]["payloadTemplate"] = json!("{\"x\":\"{{title}}\"}");
    let listed = api.get_webhooks().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].has_payload_template());
    api.delete_webhook(w.id).await.unwrap();
    assert_eq!(
        api.delete_webhook(w.id).await.unwrap_err().status(),
        Some(404)
    );
    assert!(api
        .create_webhook(&CreateWebhook {
            triggers: vec![],
            ..request.clone()
        })
        .await
        .is_err());
    assert!(api
        .create_webhook(&CreateWebhook {
            secret: Token::new(""),
            ..request
        })
        .await
        .is_err());
    let v = fake.state.lock().unwrap().violations.clone();
    assert!(v.is_empty(), "{v:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_names_a_request_the_spec_does_not_allow() {
    let fake = start().await;
    let http = reqwest::Client::new();
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("/v2/bookings", None, "cal-api-version missing"),
        (
            "/v2/bookings?status=soon",
            Some("2024-08-13"),
            "`soon` is not allowed",
        ),
        (
            "/v2/webhooks",
            Some("2024-08-13"),
            "not declared for this operation",
        ),
        (
            "/v2/bookings?colour=red",
            Some("2024-08-13"),
            "`colour` is not declared",
        ),
    ];
    for (path, version, _) in &cases {
        let mut r = http.get(format!("{}{path}", fake.url)).bearer_auth(KEY);
        if let Some(v) = version {
            r = r.header("cal-api-version", *v);
        }
        assert_eq!(r.send().await.unwrap().status().as_u16(), 400, "{path}");
    }
    let v = fake.state.lock().unwrap().violations.clone();
    assert_eq!(v.len(), cases.len(), "{v:?}");
    for (got, (_, _, want)) in v.iter().zip(&cases) {
        assert!(got.contains(want), "{got} should say {want}");
    }
}
