//! `zoomkit-server`: the webhook receiver, token endpoint and inbox workers
//! as one process. `zoomkit-server --help` lists the commands; every
//! setting is in the crate's `service::config` docs and the README.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use zoomkit_server::service::{Config, Service};
use zoomkit_server::store::{JobId, JobKind, Store};

/// Verified webhooks into a durable inbox, Zoom tokens, and the workers
/// that process the inbox.
#[derive(Debug, Parser)]
#[command(name = "zoomkit-server", version)]
struct Cli {
    /// A TOML file of settings (keys: the variable names in lower case).
    /// Environment variables win over it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the webhooks, token endpoint and health checks, and run the
    /// inbox workers, until SIGTERM or Ctrl-C.
    Serve {
        /// Address to listen on (default 127.0.0.1:4000, or ZOOMKIT_LISTEN).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// The inbox's dead letters: deliveries whose processing failed for good.
    Inbox {
        #[command(subcommand)]
        command: InboxCommand,
    },
}

#[derive(Debug, Subcommand)]
enum InboxCommand {
    /// List dead letters: job id, delivery id, provider, attempts, error.
    List,
    /// Queue a dead letter's job to run again.
    Retry {
        /// The job id `inbox list` shows.
        id: i64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let listen = match &cli.command {
        Command::Serve { listen } => listen.as_deref(),
        _ => None,
    };
    let env = |name: &str| std::env::var(name).ok();
    let config = match Config::load(&env, cli.config.as_deref(), listen) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("zoomkit-server: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_max_level(config.log.level())
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("zoomkit-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli.command, config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("zoomkit-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &Config) -> Result<Store, String> {
    Store::open(config.database_url.expose())
        .await
        .map_err(|e| e.to_string())
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    match command {
        Command::Serve { .. } => {
            let running = Service::new(config)
                .start()
                .await
                .map_err(|e| e.to_string())?;
            eprintln!("zoomkit-server: listening on http://{}", running.addr());
            running
                .until(shutdown_signal())
                .await
                .map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let store = open(&config).await?;
            store.migrate().await.map_err(|e| e.to_string())?;
            store.close().await;
            eprintln!(
                "zoomkit-server: migrations applied to {}",
                config.database_url
            );
            Ok(())
        }
        Command::Inbox { command } => {
            let store = open(&config).await?;
            store.ready().await.map_err(|e| e.to_string())?;
            let result = inbox(&store, command).await;
            store.close().await;
            result
        }
    }
}

async fn inbox(store: &Store, command: InboxCommand) -> Result<(), String> {
    match command {
        InboxCommand::List => {
            println!("job\tdelivery\tprovider\tattempts\tdied_at\terror");
            let mut after = None;
            let mut count = 0;
            loop {
                let page = store
                    .dead_letters(after, 500)
                    .await
                    .map_err(|e| e.to_string())?;
                let Some(last) = page.last() else { break };
                after = Some(last.id);
                for d in &page {
                    let delivery = match d.kind {
                        JobKind::ProcessDelivery(id) => Some(id),
                        _ => None,
                    };
                    let provider = match delivery {
                        Some(id) => store
                            .delivery(id)
                            .await
                            .map_err(|e| e.to_string())?
                            .map(|row| row.provider)
                            .unwrap_or_else(|| "-".into()),
                        None => "-".into(),
                    };
                    let died = d
                        .died_at
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |t| t.as_secs());
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        d.id.0,
                        delivery.map_or_else(|| "-".to_owned(), |id| id.0.to_string()),
                        provider,
                        d.attempts,
                        died,
                        d.last_error.replace(['\t', '\n'], " ")
                    );
                    count += 1;
                }
            }
            eprintln!("zoomkit-server: {count} dead letter(s)");
            Ok(())
        }
        InboxCommand::Retry { id } => {
            store
                .retry_dead(JobId(id), std::time::SystemTime::now())
                .await
                .map_err(|e| e.to_string())?;
            eprintln!("zoomkit-server: job {id} queued again");
            Ok(())
        }
    }
}

/// SIGTERM (what `docker stop` and systemd send) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(
                        "cannot listen for SIGTERM ({e}); Ctrl-C still stops the server"
                    );
                    ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            () = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
    tracing::info!("signal received");
}
