//! The webhook routes: verify the raw bytes, commit to the inbox, answer.

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use tokio::sync::{mpsc, oneshot};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http_body_util::BodyExt as _;
use serde_json::json;

use crate::store::{Backend, Inserted, NewDelivery, Store, StoreError};
use crate::webhook::{
    CalcomVerifier, CalendlyVerifier, Provider, VerifyError, WebhookVerifier, ZoomVerifier,
};

/// Where Zoom posts.
pub const ZOOM_PATH: &str = "/webhooks/zoom";
/// Where Calendly posts.
pub const CALENDLY_PATH: &str = "/webhooks/calendly";
/// Where Cal.com posts.
pub const CALCOM_PATH: &str = "/webhooks/calcom";

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The webhook receiver: `POST /webhooks/zoom`, `/webhooks/calendly` and
/// `/webhooks/calcom`, each present only when its verifier is given.
///
/// A delivery is read up to the verifier's body limit (413 past it, without
/// buffering the rest), verified on the exact bytes received (401 with
/// `{"error": "<reason>", "message": ...}` when it fails), committed to the
/// inbox together with its processing job in one transaction, and only then
/// answered 200. A duplicate (same provider and dedupe key) is answered 200
/// and not stored again. Zoom's `endpoint.url_validation` is answered with
/// its `{plainToken, encryptedToken}` and not stored. If the store cannot
/// commit, the answer is 503, so the provider retries.
///
/// ```no_run
/// # async fn demo(store: zoomkit_server::store::Store) -> Result<(), Box<dyn std::error::Error>> {
/// use zoomkit_server::service::WebhookReceiver;
/// use zoomkit_server::webhook::{CalcomVerifier, CalendlyVerifier, Secrets, ZoomVerifier};
///
/// let app: axum::Router = WebhookReceiver::new(store)
///     .zoom(ZoomVerifier::new(Secrets::parse("zoom-secret")?))
///     .calendly(CalendlyVerifier::new(Secrets::parse("calendly-signing-key")?))
///     .calcom(CalcomVerifier::new(Secrets::parse("calcom-secret")?))
///     .router();
/// # let _ = app; Ok(()) }
/// ```
#[must_use]
pub struct WebhookReceiver {
    store: Store,
    zoom: Option<Arc<dyn WebhookVerifier>>,
    calendly: Option<Arc<dyn WebhookVerifier>>,
    calcom: Option<Arc<dyn WebhookVerifier>>,
    clock: Clock,
}

impl std::fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("store", &self.store)
            .field("zoom", &self.zoom.is_some())
            .field("calendly", &self.calendly.is_some())
            .field("calcom", &self.calcom.is_some())
            .finish_non_exhaustive()
    }
}

struct Route {
    verifier: Arc<dyn WebhookVerifier>,
    clock: Clock,
    commits: Arc<GroupCommit>,
}

/// Deliveries waiting for the next commit.
struct Pending {
    provider: &'static str,
    dedupe_key: String,
    body: Bytes,
    received_at: SystemTime,
    reply: oneshot::Sender<Result<Inserted, StoreError>>,
}

/// Most deliveries committed in one transaction.
const MAX_BATCH: usize = 128;

/// Group commit: every request hands its delivery to a committer task,
/// which takes everything that is waiting (up to [`MAX_BATCH`]) and commits
/// it in one transaction, so concurrent deliveries share one disk flush
/// instead of queueing for one each. A request is still answered only after
/// the transaction holding its delivery committed. The committers start
/// with the first delivery and end when the router is dropped.
struct GroupCommit {
    store: Store,
    queue: OnceLock<mpsc::Sender<Pending>>,
}

impl GroupCommit {
    fn sender(&self) -> &mpsc::Sender<Pending> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Pending>(4 * MAX_BATCH);
            let rx = Arc::new(tokio::sync::Mutex::new(rx));
            // SQLite has one writer; PostgreSQL commits in parallel.
            let committers = match self.store.backend() {
                Backend::Sqlite => 1,
                _ => 4,
            };
            for _ in 0..committers {
                let (rx, store) = (rx.clone(), self.store.clone());
                tokio::spawn(async move {
                    loop {
                        let batch = {
                            let mut rx = rx.lock().await;
                            let Some(first) = rx.recv().await else { return };
                            let mut batch = vec![first];
                            while batch.len() < MAX_BATCH {
                                match rx.try_recv() {
                                    Ok(p) => batch.push(p),
                                    Err(_) => break,
                                }
                            }
                            batch
                        };
                        commit(&store, batch).await;
                    }
                });
            }
            tx
        })
    }

    async fn insert(&self, p: Pending) -> Option<()> {
        self.sender().send(p).await.ok()
    }
}

async fn commit(store: &Store, batch: Vec<Pending>) {
    let rows: Vec<NewDelivery<'_>> = batch
        .iter()
        .map(|p| NewDelivery {
            provider: p.provider,
            dedupe_key: &p.dedupe_key,
            body: &p.body,
            received_at: p.received_at,
        })
        .collect();
    match store.insert_deliveries(&rows).await {
        Ok(inserted) => {
            drop(rows);
            for (p, i) in batch.into_iter().zip(inserted) {
                let _ = p.reply.send(Ok(i));
            }
        }
        Err(e) if batch.len() == 1 => {
            drop(rows);
            if let Some(p) = batch.into_iter().next() {
                let _ = p.reply.send(Err(e));
            }
        }
        // One bad delivery must not fail the others: commit them one by one.
        Err(_) => {
            let mut results = Vec::with_capacity(rows.len());
            for row in rows {
                results.push(store.insert_delivery(row).await);
            }
            for (p, r) in batch.into_iter().zip(results) {
                let _ = p.reply.send(r);
            }
        }
    }
}

impl WebhookReceiver {
    /// A receiver with no routes yet, committing to `store`.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            zoom: None,
            calendly: None,
            calcom: None,
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Serves [`ZOOM_PATH`].
    pub fn zoom(mut self, verifier: ZoomVerifier) -> Self {
        self.zoom = Some(Arc::new(verifier));
        self
    }

    /// Serves [`CALENDLY_PATH`].
    pub fn calendly(mut self, verifier: CalendlyVerifier) -> Self {
        self.calendly = Some(Arc::new(verifier));
        self
    }

    /// Serves [`CALCOM_PATH`].
    pub fn calcom(mut self, verifier: CalcomVerifier) -> Self {
        self.calcom = Some(Arc::new(verifier));
        self
    }

    /// Where "now" comes from for the replay window (default
    /// [`SystemTime::now`]); for tests.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(now);
        self
    }

    /// Which providers have a route.
    #[must_use]
    pub fn providers(&self) -> Vec<Provider> {
        [
            (Provider::Zoom, self.zoom.is_some()),
            (Provider::Calendly, self.calendly.is_some()),
            (Provider::Calcom, self.calcom.is_some()),
        ]
        .into_iter()
        .filter_map(|(p, on)| on.then_some(p))
        .collect()
    }

    /// The router, ready to `merge` into an app with any state type.
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        let commits = Arc::new(GroupCommit {
            store: self.store.clone(),
            queue: OnceLock::new(),
        });
        let mut router = Router::new();
        for (path, verifier) in [
            (ZOOM_PATH, self.zoom),
            (CALENDLY_PATH, self.calendly),
            (CALCOM_PATH, self.calcom),
        ] {
            let Some(verifier) = verifier else { continue };
            let route = Arc::new(Route {
                verifier,
                clock: self.clock.clone(),
                commits: commits.clone(),
            });
            router = router.route(path, post(receive).with_state(route));
        }
        router
    }
}

/// A JSON answer that no cache keeps.
fn answer(status: StatusCode, body: &serde_json::Value) -> Response {
    answer_json_text(status, body.to_string())
}

fn answer_json_text(status: StatusCode, json: String) -> Response {
    let mut r = (status, json).into_response();
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn refused(provider: Provider, e: &VerifyError) -> Response {
    tracing::info!(
        provider = provider.as_str(),
        reason = e.reason(),
        "webhook refused"
    );
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNAUTHORIZED);
    let mut body = json!({"error": e.reason(), "message": e.to_string()});
    if let VerifyError::BodyTooLarge { limit } = e {
        body["limit"] = json!(limit);
    }
    answer(status, &body)
}

/// Reads at most `limit` bytes: a declared length over it is refused before
/// reading, and a body that grows past it is refused as soon as it does.
async fn read_limited(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, ReadError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ReadError::TooLarge);
    }
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(ReadError::TooLarge),
        Err(_) => Err(ReadError::Broken),
    }
}

enum ReadError {
    TooLarge,
    Broken,
}

/// A short, stable fingerprint of a dedupe key for logs: enough to follow
/// one delivery, never the key itself (a key may contain a booking's URI).
pub(crate) fn fingerprint(key: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(key.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

async fn receive(State(route): State<Arc<Route>>, request: Request) -> Response {
    let provider = route.verifier.provider();
    let (parts, body) = request.into_parts();
    let limit = route.verifier.max_body_bytes();
    let bytes = match read_limited(body, &parts.headers, limit).await {
        Ok(b) => b,
        Err(ReadError::TooLarge) => return refused(provider, &VerifyError::BodyTooLarge { limit }),
        Err(ReadError::Broken) => {
            tracing::info!(
                provider = provider.as_str(),
                "webhook body could not be read"
            );
            return answer(
                StatusCode::BAD_REQUEST,
                &json!({"error": "unreadable_body", "message": "the request body could not be read"}),
            );
        }
    };
    let verified = match route
        .verifier
        .verify(&parts.headers, &bytes, (route.clock)())
    {
        Ok(v) => v,
        Err(e) => return refused(provider, &e),
    };
    if let Some(validation) = &verified.url_validation {
        tracing::info!(
            provider = provider.as_str(),
            "answered zoom endpoint.url_validation"
        );
        return answer_json_text(StatusCode::OK, validation.to_json());
    }
    let key = fingerprint(&verified.dedupe_key);
    let (reply, answer_rx) = oneshot::channel();
    let queued = route
        .commits
        .insert(Pending {
            provider: provider.as_str(),
            dedupe_key: verified.dedupe_key,
            body: bytes,
            received_at: SystemTime::now(),
            reply,
        })
        .await;
    let inserted = match (queued, answer_rx.await) {
        (Some(()), Ok(result)) => result,
        // The committer is gone (the runtime is shutting down).
        _ => Err(StoreError::InvalidInput {
            field: "delivery",
            reason: "the committer stopped".into(),
        }),
    };
    match inserted {
        Ok(inserted) => {
            tracing::debug!(
                provider = provider.as_str(),
                delivery = inserted.id.0,
                key = %key,
                duplicate = inserted.duplicate,
                "webhook committed"
            );
            answer(
                StatusCode::OK,
                &json!({"received": true, "duplicate": inserted.duplicate, "id": inserted.id.0}),
            )
        }
        Err(e) => {
            tracing::error!(provider = provider.as_str(), key = %key, "webhook not committed: {e}");
            answer(
                StatusCode::SERVICE_UNAVAILABLE,
                &json!({"error": "store_unavailable", "message": "the delivery could not be stored; retry later"}),
            )
        }
    }
}
