//! zoomkit-sim
#![forbid(unsafe_code)]

pub mod device;
pub mod events;
pub mod failure;
#[cfg(target_arch = "wasm32")]
mod js;
pub mod payload;
mod rng;
pub mod script;
mod sim;
pub mod token;

pub use device::{DeviceKind, DeviceSpec, MediaDeviceInfo};
pub use payload::SdkFailure;
pub use rng::Rng;
pub use script::{Action, Fault, Script, Step, StepKind, Who};
pub use sim::{
    Latency, OpId, Output, ParticipantSpec, Range, Sim, SimClient, SimConfig, SimError, SimEvent,
};
