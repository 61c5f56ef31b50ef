//! The SDK events quality adaptation reads, with the SDK's own names and
//! JSON shapes (`dist/types/event-callback.d.ts`). Only the fields zoomkit
//! reads are modelled; others in the payload are ignored.

use serde::{Deserialize, Serialize};

use crate::sdk::UserId;
use crate::wire::{Decode, Encode};

/// `'uplink' | 'downlink'`: the `type` of `network-quality-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "lowercase")]
pub enum NetworkDirection {
    /// `uplink`: what you send.
    Uplink,
    /// `downlink`: what you receive.
    Downlink,
}

/// `network-quality-change`: one direction's level for one user. `level` is
/// 0-5: "0,1: bad, 2: normal, 3,4,5: good". The SDK only sends it while
/// at least two users have video on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_network_quality_change", rename_all = "camelCase")]
pub struct NetworkQualityChange {
    /// `userId`: whose network.
    pub user_id: UserId,
    /// `type`.
    #[serde(rename = "type")]
    pub direction: NetworkDirection,
    /// `level`, 0-5.
    pub level: u8,
}

/// `data` of `audio-statistic-data-change` (`AUDIO_QOS_DATA`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
pub struct AudioStatistics {
    /// `encoding`: `true` for what you send, `false` for what you receive.
    pub encoding: bool,
    /// `avg_loss`: average packet loss, in the SDK's unit (its docs do not
    /// say; Zoom's QoS reports give percent).
    pub avg_loss: f64,
}

/// `audio-statistic-data-change` (after `stream.subscribeAudioStatisticData()`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_audio_statistic_data_change")]
pub struct AudioStatisticDataChange {
    /// `data`.
    pub data: AudioStatistics,
}

/// `data` of `video-statistic-data-change` (`VIDEO_QOS_DATA`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
pub struct VideoStatistics {
    /// `encoding`: `true` for what you send, `false` for what you receive.
    pub encoding: bool,
    /// `avg_loss`: average packet loss, in the SDK's unit.
    pub avg_loss: f64,
}

/// `video-statistic-data-change` (after `stream.subscribeVideoStatisticData()`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_video_statistic_data_change")]
pub struct VideoStatisticDataChange {
    /// `data`.
    pub data: VideoStatistics,
}

/// The SDK's `SystemCPUPressureLevel` enum, serialised as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u8)]
pub enum SystemCpuPressureLevel {
    /// `Nominal` = 0: under 30% load.
    #[default]
    Nominal = 0,
    /// `Fair` = 1: 30-60%.
    Fair = 1,
    /// `Serious` = 2: 60-90%, "may need to reduce processing quality".
    Serious = 2,
    /// `Critical` = 3: 90% or more, "immediate action recommended".
    Critical = 3,
}

impl SystemCpuPressureLevel {
    /// Every value with the SDK's member name.
    pub const ALL: [(&'static str, SystemCpuPressureLevel); 4] = [
        ("Nominal", SystemCpuPressureLevel::Nominal),
        ("Fair", SystemCpuPressureLevel::Fair),
        ("Serious", SystemCpuPressureLevel::Serious),
        ("Critical", SystemCpuPressureLevel::Critical),
    ];
}

super::video_quality::number_enum_codecs!(
    SystemCpuPressureLevel,
    3u8,
    "a SystemCPUPressureLevel: 0 (Nominal), 1 (Fair), 2 (Serious) or 3 (Critical)"
);

/// `cpu_usage` of `system-resource-usage-change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
pub struct CpuUsage {
    /// `system_cpu_pressure_level`.
    pub system_cpu_pressure_level: SystemCpuPressureLevel,
}

/// `system-resource-usage-change` (after `stream.subscribeSystemResourceUsage()`,
/// SDK 2.3.0+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename = "event_system_resource_usage_change")]
pub struct SystemResourceUsageChange {
    /// `cpu_usage`.
    pub cpu_usage: CpuUsage,
}
