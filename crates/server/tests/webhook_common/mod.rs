//! Helpers shared by the webhook tests: an HMAC signer written against the
//! `hmac` crate directly (cross-checked with Node in `webhook_cross_check`),
//! and builders for each provider's headers.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zoomkit_server::token::Secret;
use zoomkit_server::webhook::Secrets;

/// `UNIX_EPOCH + secs`.
pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Lower-case hex HMAC-SHA256 of the concatenated `parts`.
pub fn hmac_hex(secret: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// A header list as the verifiers take it.
pub type Headers = Vec<(String, Vec<u8>)>;

/// Zoom's two headers for `body` signed at `ts` with `secret`.
pub fn zoom_headers(secret: &str, ts: u64, body: &[u8]) -> Headers {
    let ts = ts.to_string();
    let sig = hmac_hex(secret.as_bytes(), &[b"v0:", ts.as_bytes(), b":", body]);
    vec![
        ("x-zm-signature".into(), format!("v0={sig}").into_bytes()),
        ("x-zm-request-timestamp".into(), ts.into_bytes()),
    ]
}

/// Calendly's header for `body` signed at `ts` with `secret`.
pub fn calendly_headers(secret: &str, ts: u64, body: &[u8]) -> Headers {
    let t = ts.to_string();
    let sig = hmac_hex(secret.as_bytes(), &[t.as_bytes(), b".", body]);
    vec![(
        "Calendly-Webhook-Signature".into(),
        format!("t={t},v1={sig}").into_bytes(),
    )]
}

/// Cal.com's header for `body` signed with `secret`.
pub fn calcom_headers(secret: &str, body: &[u8]) -> Headers {
    let sig = hmac_hex(secret.as_bytes(), &[body]);
    vec![("X-Cal-Signature-256".into(), sig.into_bytes())]
}

/// One secret, taken as is (no comma splitting or trimming).
pub fn secrets(secret: &str) -> Secrets {
    Secrets::from(Secret::new(secret).unwrap())
}

/// A minimal Zoom `meeting.started` body.
pub fn zoom_body() -> Vec<u8> {
    br#"{"event":"meeting.started","event_ts":1800000000123,"payload":{"account_id":"acc1","object":{"id":"85746065432","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"z8yBXksaSfa","topic":"Coaching","type":2,"start_time":"2027-01-15T10:00:00Z","timezone":"Europe/Paris","duration":60}}}"#.to_vec()
}

/// A minimal Calendly `invitee.created` body.
pub fn calendly_body() -> Vec<u8> {
    br#"{"event":"invitee.created","created_at":"2027-01-10T09:00:00.000000Z","created_by":"https://api.calendly.com/users/U1","payload":{"uri":"https://api.calendly.com/scheduled_events/E1/invitees/I1","email":"alice@example.com","name":"Alice Example","status":"active","timezone":"Europe/Paris","event":"https://api.calendly.com/scheduled_events/E1","created_at":"2027-01-10T09:00:00.000000Z","updated_at":"2027-01-10T09:00:00.000000Z","rescheduled":false,"old_invitee":null,"new_invitee":null,"scheduled_event":{"uri":"https://api.calendly.com/scheduled_events/E1","name":"Coaching","status":"active","start_time":"2027-01-15T10:00:00.000000Z","end_time":"2027-01-15T11:00:00.000000Z","event_type":"https://api.calendly.com/event_types/T1","location":{"type":"zoom","join_url":"https://zoom.us/j/1"},"event_memberships":[{"user":"https://api.calendly.com/users/U1","user_email":"coach@example.com","user_name":"Coach"}]}}}"#.to_vec()
}

/// A minimal Cal.com `BOOKING_CREATED` body.
pub fn calcom_body() -> Vec<u8> {
    br#"{"triggerEvent":"BOOKING_CREATED","createdAt":"2027-01-10T09:00:00.000Z","payload":{"bookingId":42,"uid":"bk_1","title":"Coaching","type":"coaching","startTime":"2027-01-15T10:00:00Z","endTime":"2027-01-15T11:00:00Z","organizer":{"email":"coach@example.com","name":"Coach","timeZone":"Europe/Paris"},"attendees":[{"email":"alice@example.com","name":"Alice Example","timeZone":"Europe/Paris"}],"location":"integrations:zoom","status":"ACCEPTED","metadata":{"videoCallUrl":"https://zoom.us/j/1"}}}"#.to_vec()
}
