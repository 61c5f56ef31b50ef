//! Starting and stopping the whole service.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::Config;
use super::health::HealthState;
use super::receiver::WebhookReceiver;
use super::worker::{PoolSettings, Workers};
use crate::store::{Store, StoreError, StoreOptions};
use crate::webhook::{CalcomVerifier, CalendlyVerifier, Secrets, SecretsError, ZoomVerifier};

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The store could not be opened, migrated or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address from `--listen` / `ZOOMKIT_LISTEN`.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP server failed.
    #[error("the HTTP server failed: {0}")]
    Serve(std::io::Error),
    /// A webhook secret list was refused by the verifier.
    #[error("{variable}: {source}")]
    Secrets {
        /// The variable.
        variable: &'static str,
        /// Why.
        source: SecretsError,
    },
}

/// Builds the service from a [`Config`].
#[derive(Debug)]
pub struct Service {
    config: Config,
}

/// A started service: its address, and the way to stop it.
#[derive(Debug)]
#[must_use = "dropping it leaves the service running until the runtime stops"]
pub struct Running {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    workers: Workers,
    store: Store,
    health: HealthState,
    timeout: Duration,
}

fn secrets(
    variable: &'static str,
    list: &[super::config::WebhookSecret],
) -> Result<Option<Secrets>, ServiceError> {
    if list.is_empty() {
        return Ok(None);
    }
    let joined = list
        .iter()
        .map(|s| s.expose())
        .collect::<Vec<_>>()
        .join(",");
    Secrets::parse(&joined)
        .map(Some)
        .map_err(|source| ServiceError::Secrets { variable, source })
}

impl Service {
    /// The service `config` describes.
    #[must_use]
    pub fn new(config: Config) -> Self {
        Self { config }
    }

    /// The webhook receiver for `store`, with a route per configured
    /// provider.
    pub fn receiver(&self, store: Store) -> Result<WebhookReceiver, ServiceError> {
        use super::config as c;
        let cfg = &self.config;
        let mut receiver = WebhookReceiver::new(store);
        if let Some(s) = secrets(c::ZOOM_WEBHOOK_SECRET, &cfg.zoom_secrets)? {
            receiver = receiver.zoom(
                ZoomVerifier::new(s)
                    .tolerance(cfg.replay_window)
                    .body_limit(cfg.body_limit),
            );
        }
        if let Some(s) = secrets(c::CALENDLY_WEBHOOK_SIGNING_KEY, &cfg.calendly_secrets)? {
            receiver = receiver.calendly(
                CalendlyVerifier::new(s)
                    .tolerance(cfg.replay_window)
                    .body_limit(cfg.body_limit),
            );
        }
        let calcom = match secrets(c::CALCOM_WEBHOOK_SECRET, &cfg.calcom_secrets)? {
            Some(s) => Some(CalcomVerifier::new(s)),
            None if cfg.calcom_allow_unsigned => Some(CalcomVerifier::without_signatures()),
            None => None,
        };
        if let Some(v) = calcom {
            receiver = receiver.calcom(v.body_limit(cfg.body_limit));
        }
        Ok(receiver)
    }

    /// Opens the store, applies migrations, starts the workers and binds
    /// the listener. Returns once requests are being served.
    pub async fn start(self) -> Result<Running, ServiceError> {
        let cfg = &self.config;
        let store = Store::open_with(
            cfg.database_url.expose(),
            StoreOptions::default().max_attempts(cfg.job_max_attempts),
        )
        .await?;
        store.migrate().await?;
        let health = HealthState::new();
        let receiver = self.receiver(store.clone())?;
        let providers = receiver.providers();
        let app: Router = Router::new()
            .merge(receiver.router())
            .merge(cfg.tokens.endpoint().router())
            .merge(health.clone().router(store.clone()));
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .map_err(|source| ServiceError::Listen {
                addr: cfg.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(ServiceError::Serve)?;
        let workers = Workers::start(
            store.clone(),
            PoolSettings {
                concurrency: cfg.workers,
                shutdown_grace: cfg.shutdown_timeout,
                retry_base: cfg.job_retry_base,
                lease: cfg.job_lease,
                poll: cfg.job_poll,
                retention: (cfg.retention_days > 0)
                    .then(|| Duration::from_secs(cfg.retention_days * 24 * 3600)),
            },
            health.clone(),
        );
        let (stop, mut stopped) = watch::channel(false);
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await
        });
        tracing::info!(
            %addr,
            backend = store.backend().name(),
            webhooks = ?providers.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            token_routes = cfg.tokens.any_route(),
            workers = cfg.workers,
            "zoomkit-server serving"
        );
        Ok(Running {
            addr,
            stop,
            server,
            workers,
            store,
            health,
            timeout: cfg.shutdown_timeout,
        })
    }
}

impl Running {
    /// The address bound (useful with port 0).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `signal` completes, then shuts down.
    pub async fn until(self, signal: impl Future<Output = ()>) -> Result<(), ServiceError> {
        let mut this = self;
        tokio::select! {
            () = signal => {}
            r = &mut this.server => {
                // The server ended on its own (an accept loop error).
                this.workers.stop(this.timeout).await;
                this.store.close().await;
                return match r {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(ServiceError::Serve(e)),
                    Err(e) => Err(ServiceError::Serve(std::io::Error::other(e))),
                };
            }
        }
        this.shutdown().await
    }

    /// Stops accepting connections, waits for in-flight requests (at most
    /// the shutdown timeout), stops the workers (a job in progress finishes
    /// within the timeout or is released) and closes the store.
    pub async fn shutdown(mut self) -> Result<(), ServiceError> {
        tracing::info!("shutting down: no new connections");
        let _ = self.stop.send(true);
        let served = match tokio::time::timeout(self.timeout, &mut self.server).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(ServiceError::Serve(e)),
            Ok(Err(e)) => Err(ServiceError::Serve(std::io::Error::other(e))),
            Err(_) => {
                tracing::warn!("in-flight requests did not finish in time; closing them");
                self.server.abort();
                Ok(())
            }
        };
        self.workers.stop(self.timeout).await;
        self.health.set_workers_running(false);
        self.store.close().await;
        tracing::info!("stopped");
        served
    }
}
