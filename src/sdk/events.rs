//! Names of the SDK events zoomkit listens to, exactly as `VideoClient.on`
//! takes them. The conformance check reads this file: each name must be one
//! of `VideoClient.on`'s overloads in the SDK's `videoclient.json`.

/// `connection-change`: `Connected`, `Reconnecting`, `Closed` or `Fail`.
pub const CONNECTION_CHANGE: &str = "connection-change";
/// `user-added`: participants who joined.
pub const USER_ADDED: &str = "user-added";
/// `user-updated`: participants whose properties changed (e.g. `isInFailover`).
pub const USER_UPDATED: &str = "user-updated";
/// `user-removed`: participants who left.
pub const USER_REMOVED: &str = "user-removed";
/// `device-change`: the browser's device list changed.
pub const DEVICE_CHANGE: &str = "device-change";
