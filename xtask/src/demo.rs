//! `cargo xtask demo`: builds the npm package and serves the demo page.
//!
//! Serves, on `127.0.0.1:${PORT:-8080}`:
//! - `/`      `examples/vanilla/` (the page)
//! - `/pkg/`  the built npm package
//! - `/sdk/`  the real `@zoom/videosdk`'s `dist/` (its `lib/` is the
//!   dependent-assets folder `init` loads, so no CDN is needed)
//!
//! - `POST /api/zoom/video-token` zoomkit-server's token endpoint (participant
//!   tokens only: no authorisation hook is installed, so host tokens are refused)
//! - `GET /api/demo-config` `{ "mode": "sim" | "real" }`
//!
//! The simulator is the default. With `ZOOM_VIDEO_SDK_KEY` and
//! `ZOOM_VIDEO_SDK_SECRET` set, the page uses the real SDK and the endpoint
//! signs with those; otherwise it signs with a per-run key the simulator
//! accepts, so the demo needs no Zoom account.
//!
//! Every response is cross-origin isolated (COOP `same-origin`, COEP
//! `require-corp`) because the SDK needs SharedArrayBuffer for its best paths.

use std::net::SocketAddr;

use axum::http::{HeaderName, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use zoomkit_server::endpoint::TokenEndpoint;
use zoomkit_server::token::Secret;

use crate::{pkg, util};

pub fn run(args: &[String]) -> Result<(), String> {
    let no_build = args.iter().any(|a| a == "--no-build");
    pkg::ensure_npm_deps()?;
    if no_build {
        if !util::root().join("pkg/index.js").exists() {
            return Err("--no-build given but pkg/ is not built; run `cargo xtask pkg`".into());
        }
    } else {
        pkg::run_pkg(false)?;
    }
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT={p} is not a port number"))?,
        Err(_) => 8080,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(serve(port))
}

/// Where tokens come from: the real Video SDK credentials, or a per-run
/// simulator key.
pub struct Mode {
    /// `sim` or `real`.
    pub name: &'static str,
    key: String,
    secret: Secret,
}

impl Mode {
    /// Reads `ZOOM_VIDEO_SDK_KEY` / `ZOOM_VIDEO_SDK_SECRET`.
    pub fn from_env() -> Result<Mode, String> {
        match (std::env::var("ZOOM_VIDEO_SDK_KEY"), std::env::var("ZOOM_VIDEO_SDK_SECRET")) {
            (Ok(key), Ok(secret)) if !key.is_empty() && !secret.is_empty() => Ok(Mode {
                name: "real",
                key,
                secret: Secret::new(secret).map_err(|e| format!("ZOOM_VIDEO_SDK_SECRET: {e}"))?,
            }),
            (Ok(_), Err(_)) | (Err(_), Ok(_)) => Err(
                "set both ZOOM_VIDEO_SDK_KEY and ZOOM_VIDEO_SDK_SECRET for the real SDK, or neither for the simulator"
                    .into(),
            ),
            _ => {
                // The simulator reads the token's claims; the secret only has
                // to be unguessable for this run.
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default();
                let secret = format!("zoomkit-demo-{nanos:x}-{}", std::process::id());
                Ok(Mode {
                    name: "sim",
                    key: "zoomkit-sim-demo-key".into(),
                    secret: Secret::new(secret).map_err(|e| e.to_string())?,
                })
            }
        }
    }
}

/// The demo's routes, shared with the test that opens the page.
pub fn router(mode: Mode) -> Router {
    let config = serde_json::json!({ "mode": mode.name }).to_string();
    let tokens: Router = TokenEndpoint::new()
        .video_sdk(mode.key, mode.secret)
        .router();
    let root = util::root();
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    Router::new()
        .merge(tokens)
        .route(
            "/api/demo-config",
            get(move || {
                let config = config.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        config,
                    )
                }
            }),
        )
        .nest_service("/pkg", ServeDir::new(root.join("pkg")))
        .nest_service("/sdk", ServeDir::new(util::videosdk_dir().join("dist")))
        .fallback_service(ServeDir::new(root.join("examples/vanilla")))
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .layer(header("cross-origin-embedder-policy", "require-corp"))
        .layer(header("cross-origin-resource-policy", "same-origin"))
        .layer(header("cache-control", "no-store"))
}

async fn serve(port: u16) -> Result<(), String> {
    let mode = Mode::from_env()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e} (set PORT to another port)"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!(
        "demo: {} (tokens from zoomkit-server's endpoint at /api/zoom/video-token)",
        if mode.name == "real" {
            "real Zoom SDK, ZOOM_VIDEO_SDK_KEY set"
        } else {
            "simulator (set ZOOM_VIDEO_SDK_KEY and ZOOM_VIDEO_SDK_SECRET for the real SDK)"
        }
    );
    println!("demo: serving http://{local}/ (Ctrl-C to stop)");
    axum::serve(listener, router(mode))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("demo: stopping");
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}
