//! The Calendly client and its OAuth against a fake Calendly that checks
//! every request against Calendly's OpenAPI document.
//!
//! `cargo test -p zoomkit-server --features calendly --test calendly_client`;
//! with `ZOOMKIT_TEST_POSTGRES_URL` set (and `--all-features`) the
//! concurrent-refresh case also runs on PostgreSQL.
#![cfg(all(feature = "calendly", feature = "sqlite"))]

mod calendly_common;

use std::num::NonZeroU32;
use std::time::{Duration, SystemTime};

use calendly_common::{FakeCalendly, CLIENT_ID, CLIENT_SECRET, ORG, USER};
use serde_json::json;
use url::Url;
use zoomkit_server::calendly::ConnectionTokens;
use zoomkit_server::calendly::{
    CalendlyClient, CalendlyConfig, CreateWebhookSubscription, Deleted, ListScheduledEvents,
    OAuthApp, SubscriptionScope, TokenError, WebhookEvent, WebhookState,
};
use zoomkit_server::http::{BreakerConfig, ClientConfig, RetryPolicy};
use zoomkit_server::store::{
    ConnectionStatus, Credentials, NewConnection, Provider, Store, StoreOptions, Token, TokenKey,
    TokenKeys,
};

fn quick_http() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(5),
        max_pacing_wait: Duration::from_secs(20),
        retry: RetryPolicy {
            max_attempts: 3,
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

fn client(fake: &FakeCalendly) -> CalendlyClient {
    let mut config = CalendlyConfig::default().endpoints(&fake.url, &fake.url);
    config.http = quick_http();
    CalendlyClient::new(config).unwrap()
}

fn app() -> OAuthApp {
    OAuthApp {
        client_id: CLIENT_ID.into(),
        client_secret: Token::new(CLIENT_SECRET),
        redirect_uri: "https://bridge.example/oauth/calendly/callback".into(),
    }
}

fn keys() -> TokenKeys {
    TokenKeys::new(TokenKey::new("k1", &[3; 32]).unwrap())
}

async fn sqlite(dir: &tempfile::TempDir) -> (Store, String) {
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let store = Store::open_with(
        &url,
        StoreOptions::default().busy_timeout(Duration::from_secs(30)),
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    (store, url)
}

/// A fresh PostgreSQL database when `ZOOMKIT_TEST_POSTGRES_URL` is set.
async fn postgres() -> Option<String> {
    let server = std::env::var("ZOOMKIT_TEST_POSTGRES_URL")
        .ok()
        .filter(|_| cfg!(feature = "postgres"))?;
    sqlx::any::install_default_drivers();
    let name = format!("zk_calendly_{}", std::process::id());
    let admin = sqlx::AnyPool::connect(&server).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let mut url = Url::parse(&server).unwrap();
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_with_state_and_pkce_then_call_the_api() {
    let fake = FakeCalendly::start().await;
    let client = client(&fake);
    let auth = client.authorize(&app()).unwrap();
    let url = Url::parse(&auth.url).unwrap();
    assert_eq!(url.path(), "/oauth/authorize");
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    // The user approves; Calendly redirects back with the code and our state.
    fake.issue_code("code-1", &q["code_challenge"]);
    assert!(auth.check_state(&q["state"]));
    // A wrong verifier is refused (PKCE is checked by the fake).
    let wrong = client
        .exchange_code(
            &app(),
            "code-1",
            &Token::new("not-the-verifier"),
            SystemTime::now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            wrong,
            zoomkit_server::calendly::CalendlyError::InvalidGrant { .. }
        ),
        "{wrong}"
    );
    fake.issue_code("code-2", &q["code_challenge"]);
    let grant = client
        .exchange_code(&app(), "code-2", &auth.code_verifier, SystemTime::now())
        .await
        .unwrap();
    assert_eq!(grant.owner.as_deref(), Some(USER));
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite(&dir).await;
    let tokens = ConnectionTokens::new(store.clone(), keys(), client.clone(), app());
    let id = tokens.save_grant(&grant, SystemTime::now()).await.unwrap();
    let me = tokens.api(id).await.unwrap().me().await.unwrap();
    assert_eq!(
        (me.uri.as_str(), me.current_organization.as_str()),
        (USER, ORG)
    );
    assert!(!format!("{me:?}").contains("coach@example.com"));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    store.close().await;
}

async fn concurrent_refreshes(url_a: &str, url_b: &str) {
    let fake = FakeCalendly::start().await;
    fake.grant("access-0", "refresh-0");
    fake.state.lock().unwrap().token_delay = Duration::from_millis(100);
    let open = |url: String| async move {
        let s = Store::open_with(
            &url,
            StoreOptions::default().busy_timeout(Duration::from_secs(30)),
        )
        .await
        .unwrap();
        s.migrate().await.unwrap();
        s
    };
    let (a, b) = (open(url_a.to_owned()).await, open(url_b.to_owned()).await);
    let id = a
        .save_connection(
            &keys(),
            &NewConnection {
                provider: Provider::Calendly,
                account: USER,
                credentials: Credentials::OAuth {
                    access_token: Token::new("access-0"),
                    refresh_token: Token::new("refresh-0"),
                    // Expired.
                    expires_at: SystemTime::now() - Duration::from_secs(1),
                },
            },
            SystemTime::now(),
        )
        .await
        .unwrap();
    // Two "instances": separate pools and separate clients.
    let ta = ConnectionTokens::new(a.clone(), keys(), client(&fake), app());
    let tb = ConnectionTokens::new(b.clone(), keys(), client(&fake), app());
    let mut callers = Vec::new();
    for i in 0..100 {
        let t = if i % 2 == 0 { ta.clone() } else { tb.clone() };
        callers.push(tokio::spawn(async move { t.access_token(id).await }));
    }
    for c in callers {
        let token = c.await.unwrap().expect("every caller gets a token");
        assert_eq!(token.expose(), "access-1");
    }
    let (requests, invalid_grants, newest) = {
        let s = fake.state.lock().unwrap();
        (
            s.token_requests,
            s.invalid_grants,
            s.refresh_token.clone().unwrap(),
        )
    };
    assert_eq!(requests, 1, "exactly one refresh reached Calendly");
    assert_eq!(invalid_grants, 0);
    let stored = a.connection(&keys(), id).await.unwrap().unwrap();
    match stored.credentials {
        Credentials::OAuth { refresh_token, .. } => assert_eq!(refresh_token.expose(), newest),
        other => panic!("{other:?}"),
    }
    a.close().await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_callers_on_two_instances_make_one_refresh_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (store, url) = sqlite(&dir).await;
    store.close().await;
    concurrent_refreshes(&url, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_callers_on_two_instances_make_one_refresh_postgres() {
    let Some(url) = postgres().await else {
        eprintln!("SKIPPED: ZOOMKIT_TEST_POSTGRES_URL is not set or the `postgres` feature is off");
        return;
    };
    concurrent_refreshes(&url, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_grant_marks_the_connection_and_is_not_retried() {
    let fake = FakeCalendly::start().await;
    fake.grant("access-0", "refresh-0");
    // Revoked at Calendly (or spent by a refresh whose answer we lost).
    fake.state.lock().unwrap().refresh_token = Some("someone-else".into());
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite(&dir).await;
    let id = store
        .save_connection(
            &keys(),
            &NewConnection {
                provider: Provider::Calendly,
                account: USER,
                credentials: Credentials::OAuth {
                    access_token: Token::new("access-0"),
                    refresh_token: Token::new("refresh-0"),
                    expires_at: SystemTime::now(),
                },
            },
            SystemTime::now(),
        )
        .await
        .unwrap();
    let tokens = ConnectionTokens::new(store.clone(), keys(), client(&fake), app());
    for _ in 0..3 {
        match tokens.access_token(id).await {
            Err(TokenError::NeedsReauth { reason, .. }) => assert_eq!(reason, "invalid_grant"),
            other => panic!("expected NeedsReauth, got {other:?}"),
        }
    }
    assert_eq!(fake.state.lock().unwrap().token_requests, 1);
    let c = store.connection(&keys(), id).await.unwrap().unwrap();
    assert_eq!(c.status, ConnectionStatus::NeedsReauth);
    assert_one_reauth_event(&store, id).await;
    store.close().await;
}

/// A 429 without `Retry-After` waits for `X-RateLimit-Reset` (1 s here),
/// not for the short backoff (at most 50 ms in these tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_waits_for_the_rate_limit_reset() {
    let fake = FakeCalendly::start().await;
    fake.grant("access-0", "refresh-0");
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite(&dir).await;
    let id = store
        .save_connection(
            &keys(),
            &NewConnection {
                provider: Provider::Calendly,
                account: USER,
                credentials: Credentials::OAuth {
                    access_token: Token::new("access-0"),
                    refresh_token: Token::new("refresh-0"),
                    expires_at: SystemTime::now() + Duration::from_secs(7200),
                },
            },
            SystemTime::now(),
        )
        .await
        .unwrap();
    let tokens = ConnectionTokens::new(store.clone(), keys(), client(&fake), app());
    fake.state.lock().unwrap().throttled = 1;
    let started = std::time::Instant::now();
    let me = tokens.api(id).await.unwrap().me().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(me.uri, USER);
    assert!(
        waited >= Duration::from_millis(900),
        "retried after {waited:?}"
    );
    let requests = fake.state.lock().unwrap().api_requests.clone();
    assert_eq!(requests, ["GET /users/me", "GET /users/me"]);
    store.close().await;
}

/// Exactly one `connection.needs_reauth` event, for `id`, in the outbox.
async fn assert_one_reauth_event(
    store: &zoomkit_server::store::Store,
    id: zoomkit_server::store::ConnectionId,
) {
    let events = store.events_since(0, 10).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind, "connection.needs_reauth");
    assert_eq!(events[0].payload["connection_id"], id.0);
    assert_eq!(events[0].payload["reason"], "invalid_grant");
}

fn event(i: u32, status: &str) -> serde_json::Value {
    json!({
        "uri": format!("https://api.calendly.com/scheduled_events/EV{i}"),
        "name": "Coaching", "status": status,
        "start_time": format!("2030-01-{:02}T10:00:00.000000Z", 1 + i % 28),
        "end_time": format!("2030-01-{:02}T10:30:00.000000Z", 1 + i % 28),
        "event_type": "https://api.calendly.com/event_types/ET0",
        "location": {"type": "zoom", "join_url": "https://zoom.us/j/1", "status": "pushed"},
        "invitees_counter": {"total": 1, "active": 1, "limit": 1},
        "created_at": "2029-12-01T00:00:00.000000Z", "updated_at": "2029-12-01T00:00:00.000000Z",
        "event_memberships": [{"user": USER}], "event_guests": [], "calendar_event": null
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_follow_every_page_with_filters_and_requests_match_the_spec() {
    let fake = FakeCalendly::start().await;
    fake.grant("pat", "unused");
    {
        let mut s = fake.state.lock().unwrap();
        for i in 0..30 {
            s.events
                .push(event(i, if i % 3 == 0 { "canceled" } else { "active" }));
        }
        s.invitees.insert(
            "EV1".into(),
            (0..16)
                .map(|i| json!({
                    "uri": format!("https://api.calendly.com/scheduled_events/EV1/invitees/I{i}"),
                    "email": format!("client{i}@example.com"), "name": "Client", "status": "active",
                    "timezone": "Europe/Berlin", "event": "https://api.calendly.com/scheduled_events/EV1",
                    "rescheduled": false, "old_invitee": null, "new_invitee": null,
                    "created_at": "2029-12-01T00:00:00.000000Z", "updated_at": "2029-12-01T00:00:00.000000Z"
                }))
                .collect(),
        );
    }
    let api = client(&fake).api(USER, Token::new("pat"));
    let types = api.list_event_types(USER).await.unwrap();
    assert_eq!(types.len(), 3);
    let active = api
        .list_scheduled_events(&ListScheduledEvents::user(USER).active())
        .await
        .unwrap();
    assert_eq!(active.len(), 20, "every page (7 per page at the fake)");
    assert!(active.iter().all(|e| e.status == "active"));
    let window = api
        .list_scheduled_events(
            &ListScheduledEvents::user(USER)
                .between("2030-01-05T00:00:00.000000Z", "2030-01-10T23:59:59.000000Z"),
        )
        .await
        .unwrap();
    assert_eq!(window.len(), 6);
    let one = api
        .scheduled_event("https://api.calendly.com/scheduled_events/EV1")
        .await
        .unwrap();
    assert_eq!(
        one.location.and_then(|l| l.join_url).as_deref(),
        Some("https://zoom.us/j/1")
    );
    let missing = api.scheduled_event("NOPE").await.unwrap_err();
    assert_eq!(missing.status(), Some(404));
    let invitees = api.get_invitees(&one.uri).await.unwrap();
    assert_eq!(invitees.len(), 16);
    assert!(!format!("{invitees:?}").contains("@example.com"));
    let rl = api.last_rate_limit().unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset_seconds),
        (Some(500), Some(497), Some(31))
    );
    // Neither user nor organization: refused before sending.
    assert!(api
        .list_scheduled_events(&ListScheduledEvents::default())
        .await
        .is_err());
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_subscriptions_are_created_listed_checked_and_deleted() {
    let fake = FakeCalendly::start().await;
    fake.grant("pat", "unused");
    let api = client(&fake).api(USER, Token::new("pat"));
    let request = CreateWebhookSubscription {
        url: "https://bridge.example/webhooks/calendly".into(),
        events: vec![WebhookEvent::InviteeCreated, WebhookEvent::InviteeCanceled],
        organization: ORG.into(),
        user: Some(USER.into()),
        scope: SubscriptionScope::User,
        signing_key: Token::new("signing-secret"),
    };
    assert!(!format!("{request:?}").contains("signing-secret"));
    let sub = api.create_webhook_subscription(&request).await.unwrap();
    assert_eq!(sub.state, WebhookState::Active);
    assert_eq!(sub.events, ["invitee.created", "invitee.canceled"]);
    assert_eq!(
        fake.state.lock().unwrap().subscriptions[0]["_signing_key"],
        "signing-secret"
    );
    let again = api.create_webhook_subscription(&request).await.unwrap_err();
    assert_eq!(again.status(), Some(409));
    let listed = api
        .list_webhook_subscriptions(ORG, SubscriptionScope::User, Some(USER))
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&sub));
    assert!(api
        .disabled_subscriptions(ORG, SubscriptionScope::User, Some(USER), &request.url)
        .await
        .unwrap()
        .is_empty());
    // Calendly gives up after 24 hours of failed deliveries.
    fake.state.lock().unwrap().subscriptions[0]["state"] = json!("disabled");
    let disabled = api
        .disabled_subscriptions(ORG, SubscriptionScope::User, Some(USER), &request.url)
        .await
        .unwrap();
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0].uri, sub.uri);
    assert_eq!(
        api.delete_webhook_subscription(&sub.uri).await.unwrap(),
        Deleted::Deleted
    );
    assert_eq!(
        api.delete_webhook_subscription(&sub.uri).await.unwrap(),
        Deleted::AlreadyGone
    );
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_names_a_request_the_spec_does_not_allow() {
    let fake = FakeCalendly::start().await;
    fake.grant("pat", "unused");
    let http = reqwest::Client::new();
    let bad = [
        format!("{}/scheduled_events?status=bogus", fake.url),
        format!("{}/scheduled_events?colour=red", fake.url),
        format!("{}/webhook_subscriptions?scope=user", fake.url),
        format!("{}/event_types?count=500", fake.url),
        format!("{}/no_such_path", fake.url),
    ];
    for url in &bad {
        let r = http.get(url).bearer_auth("pat").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{url}");
    }
    let v = fake.violations();
    assert_eq!(v.len(), bad.len(), "{v:?}");
    assert!(v[0].contains("`status` = `bogus`"), "{}", v[0]);
    assert!(v[1].contains("`colour` is not declared"), "{}", v[1]);
    assert!(v[2].contains("`organization` missing"), "{}", v[2]);
    assert!(v[3].contains("outside"), "{}", v[3]);
    assert!(v[4].contains("no such path"), "{}", v[4]);
}

async fn expired_connection(store: &Store) -> zoomkit_server::store::ConnectionId {
    store
        .save_connection(
            &keys(),
            &NewConnection {
                provider: Provider::Calendly,
                account: USER,
                credentials: Credentials::OAuth {
                    access_token: Token::new("access-0"),
                    refresh_token: Token::new("refresh-0"),
                    expires_at: SystemTime::now(),
                },
            },
            SystemTime::now(),
        )
        .await
        .unwrap()
}

/// A caller that dies (its task dropped: the in-process stand-in for a
/// killed process; not a real OS kill) before Calendly rotated leaves the
/// connection usable: the old refresh token was not spent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dying_before_calendly_answered_leaves_the_connection_usable() {
    let fake = FakeCalendly::start().await;
    fake.grant("access-0", "refresh-0");
    fake.state.lock().unwrap().token_delay = Duration::from_millis(500);
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite(&dir).await;
    let id = expired_connection(&store).await;
    let tokens = ConnectionTokens::new(store.clone(), keys(), client(&fake), app());
    let dying = tokio::time::timeout(Duration::from_millis(100), tokens.access_token(id)).await;
    assert!(dying.is_err(), "the caller died mid-refresh");
    // The fake's handler may still be sleeping; it has not rotated yet.
    fake.state.lock().unwrap().token_delay = Duration::ZERO;
    tokio::time::sleep(Duration::from_millis(600)).await;
    // The dropped connection ended the fake's handler before it rotated
    // (hyper drops a handler whose client went away), as when a request
    // never arrives: the old refresh token is still the live one.
    assert_eq!(
        fake.state.lock().unwrap().refresh_token.as_deref(),
        Some("refresh-0")
    );
    let token = tokens
        .access_token(id)
        .await
        .expect("the connection is usable");
    assert!(token.expose().starts_with("access-"));
    let c = store.connection(&keys(), id).await.unwrap().unwrap();
    assert_eq!(c.status, ConnectionStatus::Active);
    store.close().await;
}

/// Dying after Calendly rotated but before our commit loses the new pair
/// (the window single-use refresh tokens cannot close): the next refresh
/// gets `invalid_grant`, the connection needs re-authorisation, and
/// nothing loops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dying_after_calendly_rotated_ends_as_needs_reauth_not_a_loop() {
    let fake = FakeCalendly::start().await;
    fake.grant("access-0", "refresh-0");
    fake.state.lock().unwrap().answer_delay = Duration::from_millis(500);
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = sqlite(&dir).await;
    let id = expired_connection(&store).await;
    let tokens = ConnectionTokens::new(store.clone(), keys(), client(&fake), app());
    let dying = tokio::time::timeout(Duration::from_millis(200), tokens.access_token(id)).await;
    assert!(
        dying.is_err(),
        "the caller died after the rotation, before the answer"
    );
    assert_eq!(
        fake.state.lock().unwrap().refresh_token.as_deref(),
        Some("refresh-1")
    );
    fake.state.lock().unwrap().answer_delay = Duration::ZERO;
    // Nothing was committed: the store still holds the spent token.
    let c = store.connection(&keys(), id).await.unwrap().unwrap();
    assert_eq!(c.generation, 0);
    for _ in 0..3 {
        assert!(matches!(
            tokens.access_token(id).await,
            Err(TokenError::NeedsReauth { .. })
        ));
    }
    let counts = {
        let s = fake.state.lock().unwrap();
        (s.token_requests, s.invalid_grants)
    };
    assert_eq!(counts, (2, 1), "one failed refresh, then none");
    assert_one_reauth_event(&store, id).await;
    store.close().await;
}

/// Calendly allows 8 token requests per user per minute: the 9th is held
/// by our pacing, not sent into a 429 (another user is not held).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_requests_are_paced_at_eight_per_user_per_minute() {
    let fake = FakeCalendly::start().await;
    fake.grant("access-0", "refresh-0");
    let mut config = CalendlyConfig::default().endpoints(&fake.url, &fake.url);
    config.http = ClientConfig {
        max_pacing_wait: Duration::from_millis(200),
        ..quick_http()
    };
    let client = CalendlyClient::new(config).unwrap();
    let mut refresh = Token::new("refresh-0");
    for _ in 0..8 {
        let grant = client
            .refresh_grant(&app(), USER, &refresh, SystemTime::now())
            .await
            .unwrap();
        refresh = grant.refresh_token;
    }
    let ninth = client
        .refresh_grant(&app(), USER, &refresh, SystemTime::now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            ninth,
            zoomkit_server::calendly::CalendlyError::Http(
                zoomkit_server::http::HttpError::BudgetWaitTooLong { .. }
            )
        ),
        "{ninth}"
    );
    assert_eq!(fake.state.lock().unwrap().token_requests, 8);
    // Another user's budget is its own (the fake refuses the token, but the
    // request is sent).
    let other = client
        .refresh_grant(
            &app(),
            "https://api.calendly.com/users/OTHER",
            &Token::new("x"),
            SystemTime::now(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            other,
            zoomkit_server::calendly::CalendlyError::InvalidGrant { .. }
        ),
        "{other}"
    );
    assert_eq!(fake.state.lock().unwrap().token_requests, 9);
}
