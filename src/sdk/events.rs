//! Names of the SDK events zoomkit listens to, exactly as `VideoClient.on`
//! takes them. The conformance check reads this file: each name must be one
//! of `VideoClient.on`'s overloads in the SDK's `videoclient.json`, and a test
//! checks that [`ALL`] is exactly what the core decodes
//! (`zoomkit_core::SdkEvent::NAMES`).

/// `connection-change`: `Connected`, `Reconnecting`, `Closed` or `Fail`.
pub const CONNECTION_CHANGE: &str = "connection-change";
/// `user-added`: participants who joined.
pub const USER_ADDED: &str = "user-added";
/// `user-updated`: participants whose properties changed (e.g. `isInFailover`).
pub const USER_UPDATED: &str = "user-updated";
/// `user-removed`: participants who left.
pub const USER_REMOVED: &str = "user-removed";
/// `current-audio-change`: the local audio joined, left, was muted or unmuted.
pub const CURRENT_AUDIO_CHANGE: &str = "current-audio-change";
/// `video-capturing-change`: the local camera started, stopped or failed.
pub const VIDEO_CAPTURING_CHANGE: &str = "video-capturing-change";
/// `device-change`: the browser's device list changed.
pub const DEVICE_CHANGE: &str = "device-change";
/// `device-permission-change`: camera or microphone permission changed.
pub const DEVICE_PERMISSION_CHANGE: &str = "device-permission-change";
/// `active-media-failed`: a running media stream failed.
pub const ACTIVE_MEDIA_FAILED: &str = "active-media-failed";
/// `speaking-while-muted`: the user talks into a muted microphone.
pub const SPEAKING_WHILE_MUTED: &str = "speaking-while-muted";
/// `auto-play-audio-failed`: audio playback needs a user gesture.
pub const AUTO_PLAY_AUDIO_FAILED: &str = "auto-play-audio-failed";
/// `passively-stop-share`: the share stopped without the user asking.
pub const PASSIVELY_STOP_SHARE: &str = "passively-stop-share";
/// `host-ask-unmute-audio`: the host asks the user to unmute.
pub const HOST_ASK_UNMUTE_AUDIO: &str = "host-ask-unmute-audio";

/// `network-quality-change`: a user's uplink or downlink level (0-5).
pub const NETWORK_QUALITY_CHANGE: &str = "network-quality-change";
/// `audio-statistic-data-change`: audio QoS (after `subscribeAudioStatisticData`).
pub const AUDIO_STATISTIC_DATA_CHANGE: &str = "audio-statistic-data-change";
/// `video-statistic-data-change`: video QoS (after `subscribeVideoStatisticData`).
pub const VIDEO_STATISTIC_DATA_CHANGE: &str = "video-statistic-data-change";
/// `system-resource-usage-change`: CPU pressure.
pub const SYSTEM_RESOURCE_USAGE_CHANGE: &str = "system-resource-usage-change";

/// `active-speaker`: who is talking, loudest first.
pub const ACTIVE_SPEAKER: &str = "active-speaker";
/// `active-share-change`: someone started (`Active`) or stopped sharing.
pub const ACTIVE_SHARE_CHANGE: &str = "active-share-change";
/// `share-content-dimension-change`: the shared content's size.
pub const SHARE_CONTENT_DIMENSION_CHANGE: &str = "share-content-dimension-change";

/// Every event the driver subscribes to for the session's `Stage` (layout
/// and quality adaptation); a test checks it is what the core's stage decodes.
pub const STAGE: &[&str] = &[
    ACTIVE_SPEAKER,
    ACTIVE_SHARE_CHANGE,
    SHARE_CONTENT_DIMENSION_CHANGE,
    NETWORK_QUALITY_CHANGE,
    AUDIO_STATISTIC_DATA_CHANGE,
    VIDEO_STATISTIC_DATA_CHANGE,
    SYSTEM_RESOURCE_USAGE_CHANGE,
];

/// `chat-on-message`: a chat message arrived.
pub const CHAT_ON_MESSAGE: &str = "chat-on-message";
/// `chat-privilege-change`: the host changed who may chat.
pub const CHAT_PRIVILEGE_CHANGE: &str = "chat-privilege-change";
/// `recording-change`: the cloud recording's status.
pub const RECORDING_CHANGE: &str = "recording-change";
/// `individual-recording-change`: individual recording asked, accepted, declined.
pub const INDIVIDUAL_RECORDING_CHANGE: &str = "individual-recording-change";
/// `share-privilege-change`: the host locked or unlocked sharing.
pub const SHARE_PRIVILEGE_CHANGE: &str = "share-privilege-change";

/// `current-audio-level-change`: the local microphone's level (0-9).
pub const CURRENT_AUDIO_LEVEL_CHANGE: &str = "current-audio-level-change";

/// `peer-share-state-change`: another participant started or stopped sharing.
pub const PEER_SHARE_STATE_CHANGE: &str = "peer-share-state-change";

/// `share-content-change`: the SDK switched the received share by itself.
pub const SHARE_CONTENT_CHANGE: &str = "share-content-change";

/// Every event the driver subscribes to for chat, host controls,
/// recording, speakers, per-user quality and the microphone level; a test
/// checks it is what the core's `FeatureSdkEvent` decodes. Those also in
/// [`STAGE`] share the stage's one listener.
pub const FEATURES: &[&str] = &[
    CHAT_ON_MESSAGE,
    CHAT_PRIVILEGE_CHANGE,
    RECORDING_CHANGE,
    INDIVIDUAL_RECORDING_CHANGE,
    SHARE_PRIVILEGE_CHANGE,
    ACTIVE_SPEAKER,
    NETWORK_QUALITY_CHANGE,
    CURRENT_AUDIO_LEVEL_CHANGE,
    ACTIVE_SHARE_CHANGE,
    PEER_SHARE_STATE_CHANGE,
    SHARE_CONTENT_CHANGE,
];

/// Every event the driver subscribes to for the session itself.
pub const ALL: &[&str] = &[
    CONNECTION_CHANGE,
    USER_ADDED,
    USER_UPDATED,
    USER_REMOVED,
    CURRENT_AUDIO_CHANGE,
    VIDEO_CAPTURING_CHANGE,
    DEVICE_CHANGE,
    DEVICE_PERMISSION_CHANGE,
    ACTIVE_MEDIA_FAILED,
    SPEAKING_WHILE_MUTED,
    AUTO_PLAY_AUDIO_FAILED,
    PASSIVELY_STOP_SHARE,
    HOST_ASK_UNMUTE_AUDIO,
];

#[cfg(test)]
mod tests {
    #[test]
    fn the_driver_subscribes_to_exactly_what_the_core_decodes() {
        let mut ours = super::ALL.to_vec();
        let mut core = zoomkit_core::SdkEvent::NAMES.to_vec();
        ours.sort_unstable();
        core.sort_unstable();
        assert_eq!(ours, core);
    }

    #[test]
    fn the_driver_subscribes_for_the_features_to_exactly_what_the_core_decodes() {
        let mut ours = super::FEATURES.to_vec();
        let mut core = zoomkit_core::action::FeatureSdkEvent::NAMES.to_vec();
        ours.sort_unstable();
        core.sort_unstable();
        assert_eq!(ours, core);
    }

    #[test]
    fn the_driver_subscribes_for_the_stage_to_exactly_what_the_core_stage_decodes() {
        let mut ours = super::STAGE.to_vec();
        let mut core = zoomkit_core::stage::StageSdkEvent::NAMES.to_vec();
        ours.sort_unstable();
        core.sort_unstable();
        assert_eq!(ours, core);
    }
}
