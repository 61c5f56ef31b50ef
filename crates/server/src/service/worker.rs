//! The inbox workers: each delivery's job parses its typed payload (the
//! bytes were verified before they were stored) and records the delivery
//! processed. Later issues put `bridge::plan` here; the job stays a key.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::health::HealthState;
use crate::store::{Delivery, Job, JobError, JobKind, RetryPolicy, Store, WorkerConfig};
use crate::webhook::{Event, Provider};

/// Parses a stored delivery into its typed event. An event type zoomkit
/// has no struct for is an `Unknown` event, kept (not an error); a body
/// that does not fit its event's struct is an error naming the field (the
/// job is retried, then dead-lettered with that message).
pub fn process_delivery(delivery: &Delivery) -> Result<Event, JobError> {
    let Some(provider) = Provider::from_str_opt(&delivery.provider) else {
        return Err(JobError::permanent(format!(
            "delivery {} has unknown provider {:?}",
            delivery.id.0, delivery.provider
        )));
    };
    Event::parse_verified(provider, &delivery.body)
        .map_err(|e| JobError::retry(format!("delivery {}: {e}", delivery.id.0)))
}

async fn handle(store: Store, job: Job) -> Result<(), JobError> {
    match job.kind {
        JobKind::ProcessDelivery(id) => {
            let delivery = store
                .delivery(id)
                .await
                .map_err(|e| JobError::retry(format!("reading delivery {}: {e}", id.0)))?
                .ok_or_else(|| {
                    JobError::permanent(format!("delivery {} is not in the inbox", id.0))
                })?;
            match process_delivery(&delivery) {
                Ok(_event) => {
                    tracing::debug!(
                        job = job.id.0,
                        delivery = id.0,
                        attempt = job.attempt,
                        provider = %delivery.provider,
                        "delivery processed"
                    );
                    Ok(())
                }
                Err(e) => {
                    tracing::warn!(
                        job = job.id.0,
                        delivery = id.0,
                        attempt = job.attempt,
                        max_attempts = job.max_attempts,
                        "delivery failed: {}",
                        e.message()
                    );
                    Err(e)
                }
            }
        }
        #[allow(unreachable_patterns)]
        other => Err(JobError::permanent(format!(
            "no handler for {} jobs in this version",
            other.name()
        ))),
    }
}

/// The worker pool of one `serve` process.
#[derive(Debug)]
pub(crate) struct Workers {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// How the pool is set up.
#[derive(Debug, Clone)]
pub(crate) struct PoolSettings {
    pub concurrency: usize,
    pub shutdown_grace: Duration,
    pub retry_base: Duration,
    pub lease: Duration,
    /// `None`: the backend's default.
    pub poll: Option<Duration>,
    /// `None`: keep processed deliveries for ever.
    pub retention: Option<Duration>,
}

impl Workers {
    pub(crate) fn start(store: Store, settings: PoolSettings, health: HealthState) -> Workers {
        let (stop, mut stopped) = watch::channel(false);
        if settings.concurrency == 0 {
            health.set_receive_only();
            tracing::info!("ZOOMKIT_WORKERS=0: receiving only, another process works the inbox");
            return Workers { stop, task: None };
        }
        let mut config = WorkerConfig::default()
            .concurrency(settings.concurrency)
            .retention(settings.retention)
            .shutdown_grace(settings.shutdown_grace)
            .lease(settings.lease)
            .retry(RetryPolicy {
                base: settings.retry_base,
                ..RetryPolicy::default()
            });
        if let Some(poll) = settings.poll {
            config = config.poll_interval(poll);
        }
        let task = tokio::spawn(async move {
            health.set_workers_running(true);
            let handler_store = store.clone();
            let result = store
                .run_workers(
                    config,
                    move |job| handle(handler_store.clone(), job),
                    async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    },
                )
                .await;
            health.set_workers_running(false);
            match result {
                Ok(report) => tracing::info!(
                    claimed = report.claimed,
                    completed = report.completed,
                    "workers stopped"
                ),
                Err(e) => tracing::error!("workers stopped with an error: {e}"),
            }
        });
        Workers {
            stop,
            task: Some(task),
        }
    }

    /// Stops claiming and waits for the pool (which gives its handlers the
    /// shutdown grace, then releases their jobs).
    pub(crate) async fn stop(&mut self, timeout: Duration) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            // The pool waits at most its grace for handlers; allow a little
            // more for its final writes before giving up on it.
            if tokio::time::timeout(timeout + Duration::from_secs(5), task)
                .await
                .is_err()
            {
                tracing::warn!("the worker pool did not stop in time");
            }
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
