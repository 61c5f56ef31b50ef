//! A Video SDK token server: Zoom's auth endpoint sample, in Rust, safe by
//! default.
//!
//! ```sh
//! ZOOM_VIDEO_SDK_KEY=... ZOOM_VIDEO_SDK_SECRET=... cargo run -p zoomkit-server --example token_server
//! curl -s localhost:4000/api/zoom/video-token -H 'content-type: application/json' \
//!      -d '{"sessionName": "Cool Cars", "role": 0}'
//! ```
//!
//! Listens on 127.0.0.1:`PORT` (default 4000). Without `ZOOMKIT_DEMO_BEARER`
//! there is no authorisation hook, so only participant tokens are issued and
//! `role: 1` gets a 403. With `ZOOMKIT_DEMO_BEARER=s3cret`, every request must
//! carry `Authorization: Bearer s3cret` (401 otherwise), and those that do may
//! ask for either role: a stand-in for your real session check.

mod config;

use std::net::Ipv4Addr;
use std::process::ExitCode;

use axum::Router;
use zoomkit_server::endpoint::{MEETING_SIGNATURE_PATH, VIDEO_TOKEN_PATH};

#[tokio::main]
async fn main() -> ExitCode {
    let config = match config::from_env(|name| std::env::var(name).ok()) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("token_server: {message}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .init();

    let meeting = config.tokens.meeting.is_some();
    let mode = match config.tokens.bearer {
        Some(_) => "bearer required (ZOOMKIT_DEMO_BEARER); bearer holders may ask for role 1",
        None => "no authorisation hook: participants only, role 1 is refused",
    };
    let endpoint = config.tokens.endpoint();
    let app = Router::new().merge(endpoint.router());

    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "token_server: cannot listen on 127.0.0.1:{}: {e}",
                config.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or(config.port);
    eprintln!("token_server: listening on http://127.0.0.1:{port}{VIDEO_TOKEN_PATH} ({mode})");
    if meeting {
        eprintln!(
            "token_server: meeting signatures at http://127.0.0.1:{port}{MEETING_SIGNATURE_PATH}"
        );
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("token_server: {e}");
            ExitCode::FAILURE
        }
    }
}
