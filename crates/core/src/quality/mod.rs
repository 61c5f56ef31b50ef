//! Quality adaptation.

mod video_quality;

pub use video_quality::VideoQuality;
