//! # zoomkit
//!
//! The browser half of zoomkit: Rust compiled to WebAssembly that wraps the
//! real `@zoom/videosdk`. This crate is the glue only — decisions live in
//! [`zoomkit_core`]; here are the SDK externs ([`sdk`]), typed calls over them
//! ([`client`]), errors that keep everything Zoom said ([`error`]) and the
//! JavaScript exports ([`api`]).
//!
//! It is published to npm as `zoomkit` by `cargo xtask pkg`.

pub mod api;
pub mod client;
pub mod driver;
pub mod error;
pub mod json;
pub mod sdk;

pub use error::Error;
pub use zoomkit_core::ZoomError;
