//! `GET /healthz` and `GET /readyz`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::store::Store;

/// Liveness: answers 200 while the process serves.
pub const HEALTHZ_PATH: &str = "/healthz";
/// Readiness: 200 when the database answers, every migration is applied and
/// the workers run; 503 with the failing check otherwise.
pub const READYZ_PATH: &str = "/readyz";

/// What `/readyz` looks at besides the database: whether this process's
/// workers run. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct HealthState {
    workers: Arc<AtomicBool>,
    receive_only: Arc<AtomicBool>,
}

impl HealthState {
    /// Workers not yet running.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks the workers as running (or stopped).
    pub fn set_workers_running(&self, running: bool) {
        self.workers.store(running, Ordering::SeqCst);
    }

    /// Whether the workers run.
    #[must_use]
    pub fn workers_running(&self) -> bool {
        self.workers.load(Ordering::SeqCst)
    }

    /// Marks this process as receive-only (`ZOOMKIT_WORKERS=0`): readiness
    /// then does not wait for workers.
    pub fn set_receive_only(&self) {
        self.receive_only.store(true, Ordering::SeqCst);
    }

    /// The two routes.
    pub fn router<S: Clone + Send + Sync + 'static>(self, store: Store) -> Router<S> {
        Router::new()
            .route(HEALTHZ_PATH, get(healthz))
            .route(READYZ_PATH, get(readyz).with_state((store, self)))
    }
}

fn json_answer(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn healthz() -> Response {
    json_answer(StatusCode::OK, &json!({"status": "ok"}))
}

async fn readyz(State((store, health)): State<(Store, HealthState)>) -> Response {
    if let Err(e) = store.ready().await {
        tracing::warn!("not ready: {e}");
        return json_answer(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"status": "unavailable", "check": "database", "message": e.to_string()}),
        );
    }
    let receive_only = health.receive_only.load(Ordering::SeqCst);
    if !receive_only && !health.workers_running() {
        return json_answer(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({"status": "unavailable", "check": "workers", "message": "the inbox workers are not running"}),
        );
    }
    json_answer(
        StatusCode::OK,
        &json!({
            "status": "ready",
            "backend": store.backend().name(),
            "workers": if receive_only { "off" } else { "running" },
        }),
    )
}
