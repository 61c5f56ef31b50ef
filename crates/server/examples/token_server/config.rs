//! The example's configuration, read from the environment. Kept apart from
//! `main.rs` so the tests can exercise it directly.

use zoomkit_server::endpoint::CorsOrigin;
use zoomkit_server::token::Secret;

/// Everything the token server needs.
#[derive(Debug)]
pub struct Config {
    /// `ZOOM_VIDEO_SDK_KEY`.
    pub sdk_key: String,
    /// `ZOOM_VIDEO_SDK_SECRET`.
    pub secret: Secret,
    /// `PORT`, default 4000 (as in Zoom's sample).
    pub port: u16,
    /// `ZOOMKIT_DEMO_BEARER`: if set, callers must send
    /// `Authorization: Bearer <value>`, and those who do may ask for any role.
    pub bearer: Option<String>,
    /// `ZOOMKIT_CORS_ORIGINS`: comma-separated origins allowed from browsers.
    pub cors_origins: Vec<CorsOrigin>,
    /// `ZOOM_MEETING_SDK_KEY` and `ZOOM_MEETING_SDK_SECRET`, both or neither.
    pub meeting: Option<(String, Secret)>,
}

/// Printed when the two required variables are missing.
pub const USAGE: &str = "set ZOOM_VIDEO_SDK_KEY and ZOOM_VIDEO_SDK_SECRET (from your Video SDK app's credentials page), e.g.\n  \
ZOOM_VIDEO_SDK_KEY=... ZOOM_VIDEO_SDK_SECRET=... cargo run -p zoomkit-server --example token_server\n\
optional: PORT (default 4000), ZOOMKIT_DEMO_BEARER, ZOOMKIT_CORS_ORIGINS, ZOOM_MEETING_SDK_KEY + ZOOM_MEETING_SDK_SECRET";

/// A variable that must be non-empty and without surrounding whitespace
/// (a stray newline in a secret makes every token invalid, silently).
fn value(get: &impl Fn(&str) -> Option<String>, name: &str) -> Result<Option<String>, String> {
    match get(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Err(format!("{name} is set but empty")),
        Some(v) if v.trim() != v => Err(format!("{name} has leading or trailing whitespace")),
        Some(v) => Ok(Some(v)),
    }
}

/// Reads the configuration through `get` (normally `std::env::var(..).ok()`).
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
    let key = value(&get, "ZOOM_VIDEO_SDK_KEY")?;
    let secret = value(&get, "ZOOM_VIDEO_SDK_SECRET")?;
    let (Some(sdk_key), Some(secret)) = (key, secret) else {
        return Err(USAGE.to_owned());
    };
    let secret = Secret::new(secret).map_err(|e| e.to_string())?;
    let port = match value(&get, "PORT")? {
        None => 4000,
        Some(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a number from 0 to 65535, not {p:?}"))?,
    };
    let bearer = value(&get, "ZOOMKIT_DEMO_BEARER")?;
    let cors_origins = match value(&get, "ZOOMKIT_CORS_ORIGINS")? {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|o| CorsOrigin::parse(o.trim()).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?,
    };
    let meeting = match (
        value(&get, "ZOOM_MEETING_SDK_KEY")?,
        value(&get, "ZOOM_MEETING_SDK_SECRET")?,
    ) {
        (Some(k), Some(s)) => Some((k, Secret::new(s).map_err(|e| e.to_string())?)),
        (None, None) => None,
        _ => {
            return Err(
                "set both ZOOM_MEETING_SDK_KEY and ZOOM_MEETING_SDK_SECRET, or neither".to_owned(),
            )
        }
    };
    Ok(Config {
        sdk_key,
        secret,
        port,
        bearer,
        cors_origins,
        meeting,
    })
}
