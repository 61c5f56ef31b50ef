//! # zoomkit
//!
//! The browser half of zoomkit: Rust compiled to WebAssembly that wraps the
//! real `@zoom/videosdk`. This crate is the glue only — decisions live in
//! [`zoomkit_core`]; here are the SDK externs ([`sdk`]), typed calls over them
//! ([`client`]), errors that keep everything Zoom said ([`error`]) and the
//! JavaScript exports ([`api`]).
//!
//! It is published to npm as `zoomkit` by `cargo xtask pkg`: one client
//! entry with `Session`, `Stage`, `layout`, `Layouter`, `QualityController`
//! and the rest (the simulator is the separate `zoomkit/sim`).

mod actions;
pub mod api;
pub mod client;
pub mod driver;
pub mod error;
pub mod json;
mod log;
pub mod sdk;

pub use error::Error;

/// The wasm's allocator. The client's heap is small (a session's state, a
/// few hundred participants, event payloads in flight) and short-lived, so a
/// free list that coalesces neighbours serves it as well as std's dlmalloc
/// for an eighth of the code. `LockedAllocator` is the safe constructor; the
/// lock is never contended in single-threaded wasm.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
pub use zoomkit_core::ZoomError;
