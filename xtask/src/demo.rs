//! `cargo xtask demo`: builds the npm package and serves the demo page.
//!
//! Serves, on `127.0.0.1:${PORT:-8080}`:
//! - `/`      `examples/vanilla/` (the page)
//! - `/pkg/`  the built npm package
//! - `/sdk/`  the real `@zoom/videosdk`'s `dist/` (its `lib/` is the
//!   dependent-assets folder `init` loads, so no CDN is needed)
//!
//! Every response is cross-origin isolated (COOP `same-origin`, COEP
//! `require-corp`) because the SDK needs SharedArrayBuffer for its best paths.

use std::net::SocketAddr;

use axum::http::{HeaderName, HeaderValue};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

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

/// The demo's routes, shared with the test that opens the page.
pub fn router() -> Router {
    let root = util::root();
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    Router::new()
        .nest_service("/pkg", ServeDir::new(root.join("pkg")))
        .nest_service("/sdk", ServeDir::new(util::videosdk_dir().join("dist")))
        .fallback_service(ServeDir::new(root.join("examples/vanilla")))
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .layer(header("cross-origin-embedder-policy", "require-corp"))
        .layer(header("cross-origin-resource-policy", "same-origin"))
        .layer(header("cache-control", "no-store"))
}

async fn serve(port: u16) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e} (set PORT to another port)"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("demo: serving http://{local}/ (Ctrl-C to stop)");
    axum::serve(listener, router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("demo: stopping");
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}
