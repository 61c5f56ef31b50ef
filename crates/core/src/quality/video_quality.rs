//! `VideoQuality`, with the SDK's own numbers.

use std::fmt;

/// The SDK's `VideoQuality` enum (`dist/types/common.d.ts`): what
/// `stream.attachVideo(userId, videoQuality)` takes. Serialised as the SDK's
/// number (`0` for `Video_90P` .. `4` for `Video_1080P`), so the glue can
/// pass it straight to `attachVideo`.
///
/// Ordered from lowest to highest, so `min`/`max` cap qualities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum VideoQuality {
    /// `Video_90P` = 0.
    Video90P = 0,
    /// `Video_180P` = 1.
    Video180P = 1,
    /// `Video_360P` = 2.
    Video360P = 2,
    /// `Video_720P` = 3.
    Video720P = 3,
    /// `Video_1080P` = 4.
    Video1080P = 4,
}

impl VideoQuality {
    /// Every value with the SDK's member name, lowest first.
    pub const ALL: [(&'static str, VideoQuality); 5] = [
        ("Video_90P", VideoQuality::Video90P),
        ("Video_180P", VideoQuality::Video180P),
        ("Video_360P", VideoQuality::Video360P),
        ("Video_720P", VideoQuality::Video720P),
        ("Video_1080P", VideoQuality::Video1080P),
    ];

    /// The SDK's member name (`Video_720P`).
    #[must_use]
    pub const fn sdk_name(self) -> &'static str {
        Self::ALL[self as usize].0
    }

    /// Lines of the picture: 90, 180, 360, 720 or 1080.
    #[must_use]
    pub const fn height(self) -> u32 {
        match self {
            VideoQuality::Video90P => 90,
            VideoQuality::Video180P => 180,
            VideoQuality::Video360P => 360,
            VideoQuality::Video720P => 720,
            VideoQuality::Video1080P => 1080,
        }
    }
}

impl fmt::Display for VideoQuality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The names spelled out rather than `{height}p`: no integer
        // formatting for five fixed strings.
        f.write_str(match self {
            VideoQuality::Video90P => "90p",
            VideoQuality::Video180P => "180p",
            VideoQuality::Video360P => "360p",
            VideoQuality::Video720P => "720p",
            VideoQuality::Video1080P => "1080p",
        })
    }
}

/// Serde and wire codecs for an SDK enum carried as its number (through
/// `as_number`/`from_number`). JS numbers may arrive as floats
/// (serde-wasm-bindgen): `3.0` is accepted. Anything else is an error
/// listing the values (`$expected`).
macro_rules! number_enum_codecs {
    ($ty:ident, $max:expr, $expected:literal) => {
        impl $ty {
            /// The SDK's number for this value.
            #[must_use]
            pub const fn as_number(self) -> u8 {
                self as u8
            }

            /// The value the SDK numbers `n`, if any (`ALL` is in number order).
            #[must_use]
            pub const fn from_number(n: u8) -> Option<Self> {
                if (n as usize) < Self::ALL.len() {
                    Some(Self::ALL[n as usize].1)
                } else {
                    None
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u8(self.as_number())
            }
        }

        impl crate::wire::Encode for $ty {
            fn encode(&self) -> crate::wire::Value {
                crate::wire::Encode::encode(&self.as_number())
            }
        }

        impl crate::wire::Decode for $ty {
            fn decode(v: &crate::wire::Value) -> Result<Self, crate::wire::Error> {
                <u8 as crate::wire::Decode>::decode(v)
                    .ok()
                    .and_then($ty::from_number)
                    .ok_or_else(|| crate::wire::Error::new(concat!("expected ", $expected)))
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let n = f64::deserialize(d)?;
                (n.fract() == 0.0 && (0.0..=f64::from($max)).contains(&n))
                    .then(|| $ty::from_number(n as u8))
                    .flatten()
                    .ok_or_else(|| {
                        D::Error::invalid_value(serde::de::Unexpected::Float(n), &$expected)
                    })
            }
        }
    };
}
pub(crate) use number_enum_codecs;

number_enum_codecs!(
    VideoQuality,
    4u8,
    "a VideoQuality number: 0 (90P), 1 (180P), 2 (360P), 3 (720P) or 4 (1080P)"
);
