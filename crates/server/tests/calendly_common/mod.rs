//! A small fake Calendly for the client's tests: the OAuth token endpoint
//! with real rotation (a refresh token works once; reusing one is
//! `invalid_grant`), PKCE checked on the code exchange, and the API paths
//! the client calls, with state, pagination by `page_token`, the
//! `X-RateLimit-*` headers, and every request checked against Calendly's
//! OpenAPI document (`tests/specs/calendly-api-2024.json`): a request the
//! document does not allow is answered 400 and recorded as a violation,
//! which the tests assert to be empty.
//!
//! Not the `testing/` fake of issue 13 section 4 (no webhook delivery,
//! no scripted faults beyond a token-endpoint delay): that is not done.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

pub const CLIENT_ID: &str = "fake-client-id";
pub const CLIENT_SECRET: &str = "fake-client-secret";
pub const USER: &str = "https://api.calendly.com/users/USER1";
pub const ORG: &str = "https://api.calendly.com/organizations/ORG1";

#[derive(Default)]
pub struct State {
    /// Codes issued by `issue_code`: code -> PKCE challenge.
    pub codes: HashMap<String, String>,
    /// The one refresh token that works now.
    pub refresh_token: Option<String>,
    /// Access tokens accepted by the API.
    pub access_tokens: Vec<String>,
    pub token_requests: u32,
    pub invalid_grants: u32,
    pub token_delay: Duration,
    /// A pause after rotating, before answering (the answer a crash loses).
    pub answer_delay: Duration,
    /// The most rows per page, whatever `count` asks (Calendly may send fewer).
    pub page_cap: usize,
    pub events: Vec<Value>,
    pub invitees: HashMap<String, Vec<Value>>,
    pub subscriptions: Vec<Value>,
    pub violations: Vec<String>,
    pub api_requests: Vec<String>,
    /// The next this many API answers are 429 with `X-RateLimit-Reset: 1`
    /// and no `Retry-After`.
    pub throttled: u32,
    next: u32,
}

#[derive(Clone)]
pub struct FakeCalendly {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    spec: Arc<Value>,
}

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/specs/calendly-api-2024.json"
    );
    serde_json::from_slice(&std::fs::read(path).expect("the Calendly spec")).expect("JSON")
}

impl FakeCalendly {
    pub async fn start() -> FakeCalendly {
        let state = Arc::new(Mutex::new(State {
            page_cap: 7,
            ..State::default()
        }));
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeCalendly {
            url,
            state,
            spec: Arc::new(spec()),
        };
        let served = fake.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let fake = served.clone();
                async move { fake.handle(method, uri, headers, body).await }
            },
        );
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        fake
    }

    pub fn issue_code(&self, code: &str, challenge: &str) {
        self.state
            .lock()
            .unwrap()
            .codes
            .insert(code.into(), challenge.into());
    }

    /// Sets the current grant directly (a connection made earlier).
    pub fn grant(&self, access: &str, refresh: &str) {
        let mut s = self.state.lock().unwrap();
        s.access_tokens.push(access.into());
        s.refresh_token = Some(refresh.into());
    }

    pub fn violations(&self) -> Vec<String> {
        self.state.lock().unwrap().violations.clone()
    }

    async fn handle(&self, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
        let path = uri.path().to_owned();
        let query: Vec<(String, String)> =
            url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        if path == "/oauth/token" && method == Method::POST {
            return self.token(&headers, &body).await;
        }
        // The API: authenticated, checked against the document.
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("")
            .to_owned();
        if !self.state.lock().unwrap().access_tokens.contains(&bearer) {
            let (status, body) = error(
                StatusCode::UNAUTHORIZED,
                "Unauthenticated",
                "The access token is invalid",
            );
            return (status, body.to_string()).into_response();
        }
        let body_json: Option<Value> = if body.is_empty() {
            None
        } else {
            match serde_json::from_slice(&body) {
                Ok(v) => Some(v),
                Err(_) => return self.violation(format!("{method} {path}: body is not JSON")),
            }
        };
        if let Err(v) = self.check(&method, &path, &query, body_json.as_ref()) {
            return self.violation(v);
        }
        self.state
            .lock()
            .unwrap()
            .api_requests
            .push(format!("{method} {path}"));
        let q = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut s = self.state.lock().unwrap();
        if s.throttled > 0 {
            s.throttled -= 1;
            let (status, body) = error(
                StatusCode::TOO_MANY_REQUESTS,
                "Too Many Requests",
                "You have exceeded the rate limit.",
            );
            let mut r = (
                status,
                [("content-type", "application/json")],
                body.to_string(),
            )
                .into_response();
            let h = r.headers_mut();
            h.insert("x-ratelimit-limit", "500".parse().unwrap());
            h.insert("x-ratelimit-remaining", "0".parse().unwrap());
            h.insert("x-ratelimit-reset", "1".parse().unwrap());
            return r;
        }
        let answer = match (method.as_str(), segments.as_slice()) {
            ("GET", ["users", "me"]) => ok(json!({"resource": {
                "uri": USER, "name": "Coach", "slug": "coach", "email": "coach@example.com",
                "scheduling_url": "https://calendly.com/coach", "timezone": "Europe/Berlin",
                "avatar_url": null, "created_at": "2024-01-01T00:00:00.000000Z",
                "updated_at": "2024-01-01T00:00:00.000000Z", "current_organization": ORG
            }})),
            ("GET", ["event_types"]) => {
                let all: Vec<Value> = (0..3)
                    .map(|i| {
                        json!({"uri": format!("https://api.calendly.com/event_types/ET{i}"),
                        "name": format!("Session {i}"), "active": true, "slug": format!("s{i}"),
                        "scheduling_url": "https://calendly.com/coach/s", "duration": 30 + i,
                        "kind": "solo"})
                    })
                    .collect();
                page(&all, q("count"), q("page_token"), s.page_cap)
            }
            ("GET", ["scheduled_events"]) => {
                let all: Vec<Value> = s
                    .events
                    .iter()
                    .filter(|e| q("status").is_none_or(|st| e["status"] == st.as_str()))
                    .filter(|e| {
                        q("user").is_none_or(|u| {
                            e["event_memberships"]
                                .as_array()
                                .is_some_and(|m| m.iter().any(|m| m["user"] == u.as_str()))
                        })
                    })
                    .filter(|e| {
                        q("min_start_time")
                            .is_none_or(|t| e["start_time"].as_str().unwrap_or("") >= t.as_str())
                    })
                    .filter(|e| {
                        q("max_start_time")
                            .is_none_or(|t| e["start_time"].as_str().unwrap_or("") <= t.as_str())
                    })
                    .cloned()
                    .collect();
                page(&all, q("count"), q("page_token"), s.page_cap)
            }
            ("GET", ["scheduled_events", uuid]) => match s.events.iter().find(|e| {
                e["uri"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(&format!("/{uuid}")))
            }) {
                Some(e) => ok(json!({"resource": e})),
                None => error(
                    StatusCode::NOT_FOUND,
                    "Resource Not Found",
                    "The server could not find the requested resource.",
                ),
            },
            ("GET", ["scheduled_events", uuid, "invitees"]) => {
                let all = s.invitees.get(*uuid).cloned().unwrap_or_default();
                page(&all, q("count"), q("page_token"), s.page_cap)
            }
            ("POST", ["webhook_subscriptions"]) => {
                let b = body_json.unwrap_or_default();
                if s.subscriptions
                    .iter()
                    .any(|x| x["callback_url"] == b["url"])
                {
                    error(
                        StatusCode::CONFLICT,
                        "Already Exists",
                        "Hook with this url already exists",
                    )
                } else {
                    s.next += 1;
                    let sub = json!({
                        "uri": format!("https://api.calendly.com/webhook_subscriptions/WH{}", s.next),
                        "callback_url": b["url"], "created_at": "2024-01-01T00:00:00.000000Z",
                        "updated_at": "2024-01-01T00:00:00.000000Z", "retry_started_at": null,
                        "state": "active", "events": b["events"], "scope": b["scope"],
                        "organization": b["organization"], "user": b.get("user").cloned().unwrap_or(Value::Null),
                        "creator": USER,
                        "_signing_key": b.get("signing_key").cloned().unwrap_or(Value::Null),
                    });
                    s.subscriptions.push(sub.clone());
                    (StatusCode::CREATED, json!({"resource": sub}))
                }
            }
            ("GET", ["webhook_subscriptions"]) => {
                let all: Vec<Value> = s
                    .subscriptions
                    .iter()
                    .filter(|x| q("scope").is_none_or(|sc| x["scope"] == sc.as_str()))
                    .cloned()
                    .collect();
                page(&all, q("count"), q("page_token"), s.page_cap)
            }
            ("DELETE", ["webhook_subscriptions", uuid]) => {
                let before = s.subscriptions.len();
                s.subscriptions.retain(|x| {
                    !x["uri"]
                        .as_str()
                        .is_some_and(|u| u.ends_with(&format!("/{uuid}")))
                });
                if s.subscriptions.len() < before {
                    (StatusCode::NO_CONTENT, Value::Null)
                } else {
                    error(
                        StatusCode::NOT_FOUND,
                        "Resource Not Found",
                        "The server could not find the requested resource.",
                    )
                }
            }
            _ => error(
                StatusCode::NOT_FOUND,
                "Resource Not Found",
                "no such path in the fake",
            ),
        };
        drop(s);
        let (status, body) = answer;
        let mut r = if status == StatusCode::NO_CONTENT {
            status.into_response()
        } else {
            (
                status,
                [("content-type", "application/json")],
                body.to_string(),
            )
                .into_response()
        };
        let h = r.headers_mut();
        h.insert("x-ratelimit-limit", "500".parse().unwrap());
        h.insert("x-ratelimit-remaining", "497".parse().unwrap());
        h.insert("x-ratelimit-reset", "31".parse().unwrap());
        r
    }

    fn violation(&self, what: String) -> Response {
        self.state.lock().unwrap().violations.push(what.clone());
        let (s, b) = error(StatusCode::BAD_REQUEST, "Invalid Argument", &what);
        (s, b.to_string()).into_response()
    }

    /// The request against the document: a declared path and method, only
    /// declared query parameters, the required ones present, enum values
    /// allowed; a JSON body with its required properties and no others.
    fn check(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<(), String> {
        let paths = self.spec["paths"].as_object().unwrap();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let (template, item) = paths
            .iter()
            .find(|(t, _)| {
                let ts: Vec<&str> = t.trim_start_matches('/').split('/').collect();
                ts.len() == segments.len()
                    && ts
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
            })
            .ok_or_else(|| format!("{method} {path}: no such path in Calendly's document"))?;
        let op = &item[method.as_str().to_ascii_lowercase()];
        if op.is_null() {
            return Err(format!(
                "{method} {template}: method not in Calendly's document"
            ));
        }
        let mut params: Vec<Value> = Vec::new();
        for p in op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(item["parameters"].as_array().into_iter().flatten())
        {
            let p = match p["$ref"].as_str() {
                Some(r) => {
                    self.spec["components"]["parameters"][r.rsplit('/').next().unwrap()].clone()
                }
                None => p.clone(),
            };
            params.push(p);
        }
        for (name, value) in query {
            let Some(p) = params
                .iter()
                .find(|p| p["name"] == name.as_str() && p["in"] == "query")
            else {
                return Err(format!(
                    "{method} {template}: query parameter `{name}` is not declared"
                ));
            };
            if let Some(allowed) = p["schema"]["enum"].as_array() {
                if !allowed.iter().any(|a| a == value.as_str()) {
                    return Err(format!(
                        "{method} {template}: `{name}` = `{value}` is not one of {allowed:?}"
                    ));
                }
            }
            if let (Some(min), Some(max)) = (
                p["schema"]["minimum"].as_f64(),
                p["schema"]["maximum"].as_f64(),
            ) {
                let n: f64 = value
                    .parse()
                    .map_err(|_| format!("{method} {template}: `{name}` is not a number"))?;
                if n < min || n > max {
                    return Err(format!(
                        "{method} {template}: `{name}` = {n} is outside {min}..={max}"
                    ));
                }
            }
        }
        for p in params
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
        {
            if !query.iter().any(|(n, _)| p["name"] == n.as_str()) {
                return Err(format!(
                    "{method} {template}: required query parameter `{}` missing",
                    p["name"].as_str().unwrap_or("")
                ));
            }
        }
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        match (body, schema.is_null()) {
            (Some(_), true) => return Err(format!("{method} {template}: takes no body")),
            (None, false) if op["requestBody"]["required"] == true => {
                return Err(format!("{method} {template}: body required"))
            }
            (Some(b), false) => {
                let props = schema["properties"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
                let obj = b
                    .as_object()
                    .ok_or_else(|| format!("{method} {template}: body is not an object"))?;
                for k in obj.keys() {
                    if !props.contains_key(k) {
                        return Err(format!(
                            "{method} {template}: body property `{k}` is not declared"
                        ));
                    }
                }
                for r in schema["required"].as_array().into_iter().flatten() {
                    if !obj.contains_key(r.as_str().unwrap_or("")) {
                        return Err(format!(
                            "{method} {template}: required body property {r} missing"
                        ));
                    }
                }
                for (k, v) in obj {
                    let enum_of = |s: &Value| s["enum"].as_array().cloned();
                    let allowed = enum_of(&props[k]).or_else(|| enum_of(&props[k]["items"]));
                    if let Some(allowed) = allowed {
                        let values: Vec<&Value> = match v.as_array() {
                            Some(a) => a.iter().collect(),
                            None => vec![v],
                        };
                        for x in values {
                            if !allowed.contains(x) {
                                return Err(format!("{method} {template}: body `{k}` value {x} is not one of {allowed:?}"));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn token(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let delay = {
            let mut s = self.state.lock().unwrap();
            s.token_requests += 1;
            s.token_delay
        };
        tokio::time::sleep(delay).await;
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        );
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
        }
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(body).into_owned().collect();
        #[allow(clippy::result_large_err)]
        let rotated = (|| {
            let mut s = self.state.lock().unwrap();
            let valid = match form.get("grant_type").map(String::as_str) {
                Some("authorization_code") => {
                    let challenge = form.get("code").and_then(|c| s.codes.remove(c));
                    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
                    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .encode(Sha256::digest(verifier.as_bytes()));
                    challenge.is_some_and(|c| c == computed) && form.contains_key("redirect_uri")
                }
                Some("refresh_token") => {
                    let presented = form.get("refresh_token");
                    presented.is_some() && presented == s.refresh_token.as_ref()
                }
                _ => {
                    return Err(oauth_error(
                        StatusCode::BAD_REQUEST,
                        "unsupported_grant_type",
                    ))
                }
            };
            if !valid {
                s.invalid_grants += 1;
                return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"));
            }
            s.next += 1;
            let (access, refresh) = (format!("access-{}", s.next), format!("refresh-{}", s.next));
            // Rotation: the old refresh token is revoked at once.
            s.refresh_token = Some(refresh.clone());
            s.access_tokens.push(access.clone());
            Ok((access, refresh, s.answer_delay))
        })();
        let (access, refresh, answer_delay) = match rotated {
            Ok(r) => r,
            Err(response) => return response,
        };
        tokio::time::sleep(answer_delay).await;
        let answer = json!({
            "token_type": "Bearer", "access_token": access, "refresh_token": refresh,
            "scope": "default", "created_at": 1_700_000_000, "expires_in": 7200,
            "owner": USER, "organization": ORG
        });
        (
            StatusCode::OK,
            [("content-type", "application/json")],
            answer.to_string(),
        )
            .into_response()
    }
}

fn ok(v: Value) -> (StatusCode, Value) {
    (StatusCode::OK, v)
}

fn error(status: StatusCode, title: &str, message: &str) -> (StatusCode, Value) {
    (status, json!({"title": title, "message": message}))
}

fn oauth_error(status: StatusCode, code: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"error": code, "error_description": "refused by the fake"}).to_string(),
    )
        .into_response()
}

fn page(
    all: &[Value],
    count: Option<String>,
    token: Option<String>,
    cap: usize,
) -> (StatusCode, Value) {
    let count: usize = count.and_then(|c| c.parse().ok()).unwrap_or(20).min(cap);
    let start: usize = token
        .and_then(|t| t.strip_prefix("p").and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let rows: Vec<Value> = all.iter().skip(start).take(count).cloned().collect();
    let next = (start + count < all.len()).then(|| format!("p{}", start + count));
    (
        StatusCode::OK,
        json!({"collection": rows, "pagination": {
        "count": rows.len(), "next_page": next.as_ref().map(|n| format!("https://api.calendly.com/x?page_token={n}")),
        "previous_page": null, "next_page_token": next, "previous_page_token": null}}),
    )
}
