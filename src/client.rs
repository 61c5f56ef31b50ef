//! Typed Rust calls over the raw SDK externs: each awaits the SDK's promise
//! and turns whatever it rejects with into [`Error`].

use wasm_bindgen::{JsCast, JsValue};

use zoomkit_core::{Device, DeviceKind, DeviceList};

use crate::error::Error;
use crate::sdk::{VideoClient, ZoomVideo};

/// What the browser supports, from `ZoomVideo.checkSystemRequirements()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, zoomkit_core::wire::Encode)]
pub struct Compatibility {
    /// Audio works in this browser.
    pub audio: bool,
    /// Video works in this browser.
    pub video: bool,
    /// Screen sharing works in this browser.
    pub screen: bool,
}

/// Awaits an SDK call's promise ([`crate::driver::settle`]) as an [`Error`]
/// naming `op`: Zoom's own error, or what was thrown.
pub(crate) async fn settle(
    op: &'static str,
    promise: Result<js_sys::Promise, JsValue>,
) -> Result<JsValue, Error> {
    let promise = promise.map_err(|e| Error::from_js(op, e))?;
    crate::driver::settle(promise).await.map_err(|error| {
        if error.kind.is_none() && error.error_code.is_none() {
            Error::Thrown {
                op,
                message: error.reason,
            }
        } else {
            Error::Zoom {
                op,
                error: Box::new(error),
            }
        }
    })
}

/// Field `key` of `obj`, read by `read`; an error naming the field and
/// `what` it should be when it is missing or of another type.
fn field<T>(
    obj: &JsValue,
    op: &'static str,
    key: &str,
    read: fn(&JsValue) -> Option<T>,
    what: &str,
) -> Result<T, Error> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| read(&v))
        .ok_or_else(|| Error::Decode {
            op,
            detail: format!("field `{key}` is missing or not {what}"),
        })
}

fn get_bool(obj: &JsValue, op: &'static str, key: &str) -> Result<bool, Error> {
    field(obj, op, key, JsValue::as_bool, "a boolean")
}

fn get_string(obj: &JsValue, op: &'static str, key: &str) -> Result<String, Error> {
    field(obj, op, key, JsValue::as_string, "a string")
}

/// `ZoomVideo.checkSystemRequirements()`.
pub fn check_system_requirements(zoom: &ZoomVideo) -> Result<Compatibility, Error> {
    const OP: &str = "ZoomVideo.checkSystemRequirements";
    let v = zoom
        .check_system_requirements()
        .map_err(|e| Error::from_js(OP, e))?;
    Ok(Compatibility {
        audio: get_bool(&v, OP, "audio")?,
        video: get_bool(&v, OP, "video")?,
        screen: get_bool(&v, OP, "screen")?,
    })
}

/// Decodes one `MediaDeviceInfo`. Its fields are prototype getters, so they
/// are read with `Reflect.get`, not by enumerating own properties.
pub fn decode_device(value: &JsValue) -> Result<(DeviceKind, Device), Error> {
    const OP: &str = "ZoomVideo.getDevices";
    let kind = match get_string(value, OP, "kind")?.as_str() {
        "videoinput" => DeviceKind::Camera,
        "audioinput" => DeviceKind::Microphone,
        "audiooutput" => DeviceKind::Speaker,
        other => {
            return Err(Error::Decode {
                op: OP,
                detail: format!(
                    "field `kind` is `{other}`, expected videoinput, audioinput or audiooutput"
                ),
            })
        }
    };
    let device = Device {
        device_id: get_string(value, OP, "deviceId")?,
        label: get_string(value, OP, "label")?,
        group_id: Some(get_string(value, OP, "groupId")?),
    };
    Ok((kind, device))
}

/// `ZoomVideo.getDevices()`, decoded into the core's lists by kind.
pub async fn get_devices(zoom: &ZoomVideo) -> Result<DeviceList, Error> {
    const OP: &str = "ZoomVideo.getDevices";
    let list = settle(OP, zoom.get_devices()).await?;
    let list = list
        .dyn_into::<js_sys::Array>()
        .map_err(|_| Error::Decode {
            op: OP,
            detail: "expected an array of MediaDeviceInfo".to_owned(),
        })?;
    let mut devices = DeviceList::default();
    for device in list.iter() {
        let (kind, device) = decode_device(&device)?;
        let of_kind = match kind {
            DeviceKind::Camera => &mut devices.cameras,
            DeviceKind::Microphone => &mut devices.microphones,
            DeviceKind::Speaker => &mut devices.speakers,
        };
        of_kind.push(device);
    }
    Ok(devices)
}

/// `VideoClient.init(language, dependentAssets)`. `dependent_assets` is `CDN`,
/// `Global`, `CN`, or the URL of a self-hosted copy of the SDK's `dist/lib`.
pub async fn init(
    client: &VideoClient,
    language: &str,
    dependent_assets: &str,
) -> Result<(), Error> {
    settle(
        "VideoClient.init",
        client.init(language, dependent_assets, &JsValue::UNDEFINED),
    )
    .await
    .map(drop)
}
