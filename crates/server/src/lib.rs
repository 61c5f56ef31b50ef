//! zoomkit-server
#![forbid(unsafe_code)]

pub mod token;

#[cfg(feature = "axum")]
pub mod endpoint;
