//! The `zoomkit-server` service: the webhook receiver, the token endpoint,
//! health checks and the inbox workers in one process (feature `service`,
//! on by default).
//!
//! ```text
//! POST /webhooks/{zoom,calendly,calcom} --verify--> inbox row + job (1 tx) --> 200
//! inbox workers: claim job --> parse the typed payload --> processed | retry | dead letter
//! POST /api/zoom/video-token, /api/zoom/meeting-signature   (the token endpoint)
//! GET  /healthz   the process is up
//! GET  /readyz    the database answers, migrations are applied, workers run
//! ```
//!
//! [`Config`] is read once by `main` (environment and optional TOML file);
//! [`Service::start`] opens the store, applies migrations, starts the
//! workers and binds the listener; [`Running::shutdown`] stops accepting,
//! lets in-flight requests finish, stops the workers (a job in progress
//! finishes or, past the timeout, is released to run again elsewhere) and
//! closes the store.
//!
//! An axum application that has its own server mounts the receiver alone:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use zoomkit_server::service::WebhookReceiver;
//! use zoomkit_server::store::Store;
//! use zoomkit_server::webhook::{CalcomVerifier, CalendlyVerifier, Secrets, ZoomVerifier};
//!
//! let store = Store::open("sqlite://zoomkit.db").await?;
//! store.migrate().await?;
//! let app: axum::Router = WebhookReceiver::new(store.clone())
//!     .zoom(ZoomVerifier::new(Secrets::parse("zoom-secret")?))
//!     .calendly(CalendlyVerifier::new(Secrets::parse("calendly-signing-key")?))
//!     .calcom(CalcomVerifier::new(Secrets::parse("calcom-secret")?))
//!     .router();
//! # let _ = app; Ok(()) }
//! ```
//!
//! (Run the store's workers too, [`Service`] shows how, or deliveries stay
//! queued.)
//!
//! Logs go through `tracing` and carry ids only: the provider, the inbox
//! row id, a 12-hex-digit fingerprint of the dedupe key, the job id and
//! the refusal reason. Never a body, a header, a secret or an e-mail.

pub mod config;
mod health;
mod receiver;
mod run;
mod worker;

pub use config::{Config, ConfigError};
pub use health::{HealthState, HEALTHZ_PATH, READYZ_PATH};
pub use receiver::{WebhookReceiver, CALCOM_PATH, CALENDLY_PATH, ZOOM_PATH};
pub use run::{Running, Service, ServiceError};
pub use worker::process_delivery;
