//! What the browser and the SDK can do ([`Capabilities`]), and what a page
//! without cross-origin isolation is missing ([`Diagnostic`]).

use serde::{Deserialize, Serialize};

use super::{QualityConfig, VideoQuality};
use crate::wire::{Decode, Encode};

/// What the browser and the SDK can do, read once after `client.init` and
/// the join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// `window.crossOriginIsolated`: `SharedArrayBuffer` is available.
    pub cross_origin_isolated: bool,
    /// `stream.isSupportMultipleVideos()`.
    pub supports_multiple_videos: bool,
    /// `stream.getMaxRenderableVideos()`.
    pub max_renderable_videos: u32,
    /// `stream.isSupportHDVideo()`: this account can send 720p.
    pub supports_hd_video: bool,
    /// The token has `video_webrtc_mode: 1` (WebRTC video, which needs no
    /// `SharedArrayBuffer`).
    #[serde(default)]
    pub video_webrtc_mode: bool,
}

impl Capabilities {
    /// The most the browser can send.
    pub(super) fn capture_ceiling(&self, config: &QualityConfig) -> VideoQuality {
        let sab = self.cross_origin_isolated;
        if !self.supports_hd_video || !(sab || self.video_webrtc_mode) {
            VideoQuality::Video360P
        } else if config.allow_full_hd && sab && !self.video_webrtc_mode {
            VideoQuality::Video1080P
        } else {
            VideoQuality::Video720P
        }
    }

    /// The most videos the browser can render.
    pub(super) fn max_videos(&self) -> u32 {
        if self.supports_multiple_videos {
            self.max_renderable_videos.max(1)
        } else {
            1
        }
    }

    pub(super) fn diagnostic(&self, config: &QualityConfig) -> Option<Diagnostic> {
        let capture = self.capture_ceiling(config);
        let max_videos = self.max_videos();
        if !self.cross_origin_isolated && !self.video_webrtc_mode {
            Some(Diagnostic::NotCrossOriginIsolated {
                max_videos,
                capture,
                headers: ISOLATION_HEADERS,
                token_claim: WEBRTC_CLAIM,
                message: format!(
                    "This page is not cross-origin isolated, so the Video SDK has no \
                     SharedArrayBuffer: it renders {max_videos} video(s) and sends at most \
                     {capture}. Serve the page with `Cross-Origin-Opener-Policy: same-origin` \
                     and `Cross-Origin-Embedder-Policy: require-corp` (and every cross-origin \
                     resource with CORS or `Cross-Origin-Resource-Policy`), or sign the \
                     token with `video_webrtc_mode: 1` to use WebRTC video."
                ),
            })
        } else if !self.supports_hd_video {
            Some(Diagnostic::HdVideoUnsupported {
                capture,
                message: format!(
                    "stream.isSupportHDVideo() is false: this account or device cannot send \
                     720p, so capture stays at {capture} or below."
                ),
            })
        } else {
            None
        }
    }
}

/// An HTTP response header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
pub struct Header {
    /// Its name.
    pub name: &'static str,
    /// Its value.
    pub value: &'static str,
}

/// A claim of the Video SDK token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Encode)]
pub struct TokenClaim {
    /// Its name.
    pub name: &'static str,
    /// Its value.
    pub value: u8,
}

/// The two headers that make a page cross-origin isolated.
pub const ISOLATION_HEADERS: [Header; 2] = [
    Header {
        name: "Cross-Origin-Opener-Policy",
        value: "same-origin",
    },
    Header {
        name: "Cross-Origin-Embedder-Policy",
        value: "require-corp",
    },
];

/// The token claim that selects WebRTC video (`skill/references/auth.md`).
pub const WEBRTC_CLAIM: TokenClaim = TokenClaim {
    name: "video_webrtc_mode",
    value: 1,
};

/// Something the developer can fix to get better quality.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Encode)]
#[serde(
    tag = "code",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Diagnostic {
    /// No `SharedArrayBuffer` and no WebRTC video: few videos, no HD sending.
    NotCrossOriginIsolated {
        /// Videos that can render now.
        max_videos: u32,
        /// The most that can be sent now.
        capture: VideoQuality,
        /// Serve the page with these.
        headers: [Header; 2],
        /// Or sign tokens with this.
        token_claim: TokenClaim,
        /// The same, in a sentence.
        message: String,
    },
    /// `isSupportHDVideo()` is false although the page is isolated (or uses
    /// WebRTC video): the account or device cannot send 720p.
    HdVideoUnsupported {
        /// The most that can be sent.
        capture: VideoQuality,
        /// The same, in a sentence.
        message: String,
    },
}

impl Diagnostic {
    /// The explanation, for a console.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            Diagnostic::NotCrossOriginIsolated { message, .. }
            | Diagnostic::HdVideoUnsupported { message, .. } => message,
        }
    }
}
