//! The example's configuration, read from the environment. Kept apart from
//! `main.rs` so the tests can exercise it directly. The token variables are
//! parsed by the library ([`TokenSettings`]), exactly as `zoomkit-server
//! serve` parses them; only `PORT` and the "key and secret are required"
//! rule are the example's own.

use zoomkit_server::endpoint::settings::{self, TokenSettings};

/// Everything the token server needs.
#[derive(Debug)]
pub struct Config {
    /// The token variables; `tokens.video` is always set.
    pub tokens: TokenSettings,
    /// `PORT`, default 4000 (as in Zoom's sample).
    pub port: u16,
}

/// Printed when the two required variables are missing.
pub const USAGE: &str = "set ZOOM_VIDEO_SDK_KEY and ZOOM_VIDEO_SDK_SECRET (from your Video SDK app's credentials page), e.g.\n  \
ZOOM_VIDEO_SDK_KEY=... ZOOM_VIDEO_SDK_SECRET=... cargo run -p zoomkit-server --example token_server\n\
optional: PORT (default 4000), ZOOMKIT_DEMO_BEARER, ZOOMKIT_CORS_ORIGINS, ZOOM_MEETING_SDK_KEY + ZOOM_MEETING_SDK_SECRET";

/// Reads the configuration through `get` (normally `std::env::var(..).ok()`).
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
    if get(settings::VIDEO_SDK_KEY).is_none() || get(settings::VIDEO_SDK_SECRET).is_none() {
        return Err(USAGE.to_owned());
    }
    let tokens = TokenSettings::from_lookup(&get).map_err(|e| e.to_string())?;
    if tokens.video.is_none() {
        return Err(USAGE.to_owned());
    }
    let port = match get("PORT") {
        None => 4000,
        Some(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a number from 0 to 65535, not {p:?}"))?,
    };
    Ok(Config { tokens, port })
}
