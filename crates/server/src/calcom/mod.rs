//! Cal.com's API v2 (feature `calcom`, with `sqlite` or `postgres` for the
//! key type of the store): bookings and webhooks, every call through
//! [`crate::http`], paced at the key's limit (120 requests per minute for
//! an API key; [`CalcomLimits`]).
//!
//! `cal-api-version` is set per endpoint, as Cal.com's document declares
//! it: `2024-08-13` on the bookings endpoints, none on the webhooks
//! endpoints (which declare no such header). Methods are named after the
//! document's operationIds (`BookingsController_2024_08_13_getBookings` is
//! [`CalcomApi::get_bookings`]); `tests/calcom_client.rs` checks every
//! request against the document (`tests/specs/calcom-v2-bookings-webhooks.json`).
//!
//! A webhook's `payloadTemplate` changes the body Cal.com sends, so the
//! verifier and parser would no longer see what they expect: the request
//! types here have no such field, and [`CalcomApi::get_webhooks`] reports
//! a subscription that has one ([`Webhook::has_payload_template`]) so it
//! can be replaced.

#![allow(clippy::result_large_err)]

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::http::{Answer, Budgets, Call, ClientConfig, HttpClient, HttpError, Limit, Method};
use crate::store::Token;

/// The `cal-api-version` of the bookings endpoints.
pub const BOOKINGS_API_VERSION: &str = "2024-08-13";
const PAGE: u32 = 100;
const MAX_PAGES: usize = 10_000;

/// A budget key: one API key's requests (the caller's name for the key,
/// never the key).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CalcomKey(pub String);

/// Cal.com's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalcomLimits {
    /// Requests per key per minute (120 for an API key; 500 for OAuth).
    pub per_minute: u32,
}

impl Default for CalcomLimits {
    fn default() -> Self {
        Self { per_minute: 120 }
    }
}

/// Where and how to reach Cal.com.
#[derive(Clone, Debug)]
pub struct CalcomConfig {
    /// `https://api.cal.com` (a fake's URL in tests).
    pub api_base: String,
    /// The limits paced at.
    pub limits: CalcomLimits,
    /// Timeouts, retries, breaker.
    pub http: ClientConfig,
}

impl Default for CalcomConfig {
    fn default() -> Self {
        Self {
            api_base: "https://api.cal.com".into(),
            limits: CalcomLimits::default(),
            http: ClientConfig::default(),
        }
    }
}

/// How a Cal.com call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalcomError {
    /// The HTTP layer (a status, pacing, the breaker, the transport).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// A 2xx answer did not have the documented shape.
    #[error("Cal.com {operation} answered with an unexpected body: {reason}")]
    BadAnswer {
        /// The operation.
        operation: &'static str,
        /// A field path and the kind of mismatch (never the body).
        reason: String,
    },
    /// An argument was refused before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Build(String),
}

impl CalcomError {
    /// The HTTP status Cal.com answered, if it answered with an error.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            CalcomError::Http(HttpError::Status(s)) => Some(s.status),
            _ => None,
        }
    }
}

/// The Cal.com client; clones share budgets and breaker.
#[derive(Clone, Debug)]
pub struct CalcomClient {
    http: HttpClient<CalcomKey>,
    config: CalcomConfig,
}

impl CalcomClient {
    /// A client with `config`.
    ///
    /// # Errors
    /// [`CalcomError::Build`] when reqwest cannot build its client.
    pub fn new(config: CalcomConfig) -> Result<Self, CalcomError> {
        let limit = Limit::rolling(config.limits.per_minute, Duration::from_secs(60));
        let budgets = Budgets::new(move |_: &CalcomKey| limit);
        let http = HttpClient::new("calcom", budgets, config.http)
            .map_err(|e| CalcomError::Build(e.to_string()))?;
        Ok(Self { http, config })
    }

    /// The API with `key` (`cal_...`), paced under the name `key_name`.
    #[must_use]
    pub fn api(&self, key_name: impl Into<String>, key: Token) -> CalcomApi {
        CalcomApi {
            client: self.clone(),
            budget: CalcomKey(key_name.into()),
            key,
        }
    }
}

/// A person on a booking. `Debug` leaves out the name and e-mail.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Person {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// IANA time zone.
    pub time_zone: String,
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("time_zone", &self.time_zone)
            .finish_non_exhaustive()
    }
}

/// A booking (`BookingOutput_2024_08_13`; the fields the bridge needs).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Booking {
    /// Numeric id.
    pub id: u64,
    /// Its uid (what webhooks carry).
    pub uid: String,
    /// Title.
    pub title: String,
    /// `accepted`, `pending`, `cancelled`, `rejected`.
    pub status: String,
    /// ISO 8601 start.
    pub start: String,
    /// ISO 8601 end.
    pub end: String,
    /// Minutes.
    pub duration: u32,
    /// Where (a URL for a video call).
    #[serde(default)]
    pub location: Option<String>,
    /// Hosts.
    #[serde(default)]
    pub hosts: Vec<Person>,
    /// Attendees.
    #[serde(default)]
    pub attendees: Vec<Person>,
    /// The booking this one was rescheduled from.
    #[serde(default)]
    pub rescheduled_from_uid: Option<String>,
    /// The booking this one was rescheduled to.
    #[serde(default)]
    pub rescheduled_to_uid: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaginationMeta {
    has_next_page: bool,
}

#[derive(Deserialize)]
struct BookingsPage {
    data: Vec<Booking>,
    pagination: PaginationMeta,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(Box<Booking>),
    Many(Vec<Booking>),
}

#[derive(Deserialize)]
struct Data<T> {
    data: T,
}

/// A booking status filter of `getBookings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BookingStatus {
    /// `upcoming`.
    Upcoming,
    /// `recurring`.
    Recurring,
    /// `past`.
    Past,
    /// `cancelled`.
    Cancelled,
    /// `unconfirmed`.
    Unconfirmed,
}

impl BookingStatus {
    fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Upcoming => "upcoming",
            BookingStatus::Recurring => "recurring",
            BookingStatus::Past => "past",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Unconfirmed => "unconfirmed",
        }
    }
}

/// Filters of `GET /v2/bookings`.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct GetBookings {
    /// `status` (several, comma-separated).
    pub status: Vec<BookingStatus>,
    /// `eventTypeId`.
    pub event_type_id: Option<u64>,
    /// `afterStart` (ISO 8601).
    pub after_start: Option<String>,
    /// `beforeEnd` (ISO 8601).
    pub before_end: Option<String>,
    /// `afterUpdatedAt` (ISO 8601): what changed since a sweep.
    pub after_updated_at: Option<String>,
}

impl GetBookings {
    /// Only these statuses.
    #[must_use]
    pub fn status(mut self, status: &[BookingStatus]) -> Self {
        self.status = status.to_vec();
        self
    }

    /// Starting after `after_start` and ending before `before_end`.
    #[must_use]
    pub fn between(
        mut self,
        after_start: impl Into<String>,
        before_end: impl Into<String>,
    ) -> Self {
        self.after_start = Some(after_start.into());
        self.before_end = Some(before_end.into());
        self
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if !self.status.is_empty() {
            let s: Vec<&str> = self.status.iter().map(|s| s.as_str()).collect();
            q.push(("status", s.join(",")));
        }
        if let Some(id) = self.event_type_id {
            q.push(("eventTypeId", id.to_string()));
        }
        for (k, v) in [
            ("afterStart", &self.after_start),
            ("beforeEnd", &self.before_end),
            ("afterUpdatedAt", &self.after_updated_at),
        ] {
            if let Some(v) = v {
                q.push((k, v.clone()));
            }
        }
        q
    }
}

/// The triggers the bridge subscribes to.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Trigger {
    /// `BOOKING_CREATED`.
    BookingCreated,
    /// `BOOKING_RESCHEDULED`.
    BookingRescheduled,
    /// `BOOKING_CANCELLED`.
    BookingCancelled,
}

/// The body of `POST /v2/webhooks` (`WebhooksController_createWebhook`).
/// It has no `payloadTemplate`: see the [module docs](self).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhook {
    /// Whether it delivers.
    pub active: bool,
    /// Where (the service's `/webhooks/calcom`).
    pub subscriber_url: String,
    /// What.
    pub triggers: Vec<Trigger>,
    /// The HMAC secret (our verifier's).
    pub secret: Token,
}

impl fmt::Debug for CreateWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateWebhook")
            .field("active", &self.active)
            .field("subscriber_url", &self.subscriber_url)
            .field("triggers", &self.triggers)
            .finish_non_exhaustive()
    }
}

/// The body of `PATCH /v2/webhooks/{webhookId}`: only what is set changes.
#[derive(Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhook {
    /// Whether it delivers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscriber_url: Option<String>,
    /// What.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<Trigger>>,
    /// A new secret (rotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<Token>,
}

impl fmt::Debug for UpdateWebhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateWebhook")
            .field("active", &self.active)
            .field("subscriber_url", &self.subscriber_url)
            .field("triggers", &self.triggers)
            .finish_non_exhaustive()
    }
}

/// A webhook (`UserWebhookOutputDto`). `Debug` leaves out the secret.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Webhook {
    /// Its id.
    pub id: u64,
    /// Where it delivers.
    pub subscriber_url: String,
    /// Whether it delivers.
    pub active: bool,
    /// Its triggers, as Cal.com names them.
    #[serde(default)]
    pub triggers: Vec<serde_json::Value>,
    /// Its payload template, if someone set one.
    #[serde(default)]
    pub payload_template: Option<String>,
}

impl Webhook {
    /// Whether a `payloadTemplate` changes what it sends (then the
    /// verifier's parser does not see Cal.com's body: replace it).
    #[must_use]
    pub fn has_payload_template(&self) -> bool {
        self.payload_template
            .as_deref()
            .is_some_and(|t| !t.trim().is_empty())
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("subscriber_url", &self.subscriber_url)
            .field("active", &self.active)
            .field("triggers", &self.triggers)
            .field("has_payload_template", &self.has_payload_template())
            .finish_non_exhaustive()
    }
}

/// Cal.com's API with one key. Cheap to clone.
#[derive(Clone)]
pub struct CalcomApi {
    client: CalcomClient,
    budget: CalcomKey,
    key: Token,
}

impl fmt::Debug for CalcomApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CalcomApi")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
) -> Result<T, CalcomError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| CalcomError::BadAnswer {
        operation,
        // serde's message could quote a value (an e-mail): path only.
        reason: format!("at `{}`", e.path()),
    })
}

fn check_segment(field: &'static str, s: &str) -> Result<(), CalcomError> {
    if s.is_empty()
        || s.len() > 128
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(CalcomError::InvalidInput {
            field,
            reason: "must be 1 to 128 characters of A-Z a-z 0-9 - _".into(),
        });
    }
    Ok(())
}

impl CalcomApi {
    async fn send(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        api_version: Option<&'static str>,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, HttpError> {
        let call = Call {
            operation,
            method,
            keys: vec![self.budget.clone()],
        };
        let url = format!("{}{path}", self.client.config.api_base);
        self.client
            .http
            .send(&call, |c| {
                let m = match method {
                    Method::Post => reqwest::Method::POST,
                    Method::Patch => reqwest::Method::PATCH,
                    Method::Delete => reqwest::Method::DELETE,
                    _ => reqwest::Method::GET,
                };
                let mut r = c
                    .request(m, &url)
                    .bearer_auth(self.key.expose())
                    .query(query);
                if let Some(v) = api_version {
                    r = r.header("cal-api-version", v);
                }
                if let Some(b) = &body {
                    r = r
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(b.clone());
                }
                r
            })
            .await
    }

    /// `GET /v2/bookings` (`BookingsController_2024_08_13_getBookings`),
    /// every page (`take`/`skip`).
    ///
    /// # Errors
    /// See [`CalcomError`].
    pub async fn get_bookings(&self, filter: &GetBookings) -> Result<Vec<Booking>, CalcomError> {
        const OP: &str = "BookingsController_2024_08_13_getBookings";
        let mut out = Vec::new();
        // `skip` advances by what came back: Cal.com may return fewer
        // than `take` and still have a next page.
        let mut skip = 0usize;
        for _ in 0..MAX_PAGES {
            let mut query = filter.query();
            query.push(("take", PAGE.to_string()));
            query.push(("skip", skip.to_string()));
            let answer = self
                .send(
                    OP,
                    Method::Get,
                    "/v2/bookings",
                    &query,
                    Some(BOOKINGS_API_VERSION),
                    None,
                )
                .await?;
            let p: BookingsPage = parse(OP, &answer.body)?;
            let empty = p.data.is_empty();
            skip += p.data.len();
            out.extend(p.data);
            if !p.pagination.has_next_page || empty {
                return Ok(out);
            }
        }
        Err(CalcomError::BadAnswer {
            operation: OP,
            reason: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// `GET /v2/bookings/{bookingUid}` (`..._getBooking`): the booking, or
    /// every occurrence of a recurring one.
    ///
    /// # Errors
    /// See [`CalcomError`] (404 when there is none).
    pub async fn get_booking(&self, uid: &str) -> Result<Vec<Booking>, CalcomError> {
        const OP: &str = "BookingsController_2024_08_13_getBooking";
        check_segment("uid", uid)?;
        let answer = self
            .send(
                OP,
                Method::Get,
                &format!("/v2/bookings/{uid}"),
                &[],
                Some(BOOKINGS_API_VERSION),
                None,
            )
            .await?;
        Ok(match parse::<Data<OneOrMany>>(OP, &answer.body)?.data {
            OneOrMany::One(b) => vec![*b],
            OneOrMany::Many(v) => v,
        })
    }

    /// `POST /v2/webhooks` (`WebhooksController_createWebhook`).
    ///
    /// # Errors
    /// [`CalcomError::InvalidInput`] without triggers or secret.
    pub async fn create_webhook(&self, request: &CreateWebhook) -> Result<Webhook, CalcomError> {
        const OP: &str = "WebhooksController_createWebhook";
        if request.triggers.is_empty() {
            return Err(CalcomError::InvalidInput {
                field: "triggers",
                reason: "is empty".into(),
            });
        }
        if request.secret.expose().is_empty() {
            return Err(CalcomError::InvalidInput {
                field: "secret",
                reason: "is empty: deliveries would be signed with no secret".into(),
            });
        }
        let body = serde_json::to_vec(request).map_err(|e| CalcomError::InvalidInput {
            field: "request",
            reason: e.to_string(),
        })?;
        let answer = self
            .send(OP, Method::Post, "/v2/webhooks", &[], None, Some(body))
            .await?;
        Ok(parse::<Data<Webhook>>(OP, &answer.body)?.data)
    }

    /// `GET /v2/webhooks` (`WebhooksController_getWebhooks`), every page.
    ///
    /// # Errors
    /// See [`CalcomError`].
    pub async fn get_webhooks(&self) -> Result<Vec<Webhook>, CalcomError> {
        const OP: &str = "WebhooksController_getWebhooks";
        let mut out = Vec::new();
        for _ in 0..MAX_PAGES {
            let query = [("take", PAGE.to_string()), ("skip", out.len().to_string())];
            let answer = self
                .send(OP, Method::Get, "/v2/webhooks", &query, None, None)
                .await?;
            let got = parse::<Data<Vec<Webhook>>>(OP, &answer.body)?.data;
            let n = got.len();
            out.extend(got);
            // No pagination block here: a short page is the last.
            if n < PAGE as usize {
                return Ok(out);
            }
        }
        Err(CalcomError::BadAnswer {
            operation: OP,
            reason: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// `PATCH /v2/webhooks/{webhookId}` (`WebhooksController_updateWebhook`).
    ///
    /// # Errors
    /// See [`CalcomError`].
    pub async fn update_webhook(
        &self,
        id: u64,
        update: &UpdateWebhook,
    ) -> Result<Webhook, CalcomError> {
        const OP: &str = "WebhooksController_updateWebhook";
        let body = serde_json::to_vec(update).map_err(|e| CalcomError::InvalidInput {
            field: "update",
            reason: e.to_string(),
        })?;
        let answer = self
            .send(
                OP,
                Method::Patch,
                &format!("/v2/webhooks/{id}"),
                &[],
                None,
                Some(body),
            )
            .await?;
        Ok(parse::<Data<Webhook>>(OP, &answer.body)?.data)
    }

    /// `DELETE /v2/webhooks/{webhookId}` (`WebhooksController_deleteWebhook`).
    ///
    /// # Errors
    /// See [`CalcomError`] (404 when there is none).
    pub async fn delete_webhook(&self, id: u64) -> Result<(), CalcomError> {
        const OP: &str = "WebhooksController_deleteWebhook";
        self.send(
            OP,
            Method::Delete,
            &format!("/v2/webhooks/{id}"),
            &[],
            None,
            None,
        )
        .await?;
        Ok(())
    }
}
