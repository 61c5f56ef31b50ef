//! Zoom's rate limits: categories, the plan's numbers, the daily caps, and
//! which category each operation we call belongs to.

use std::fmt;
use std::time::Duration;

use super::budget::{Budgets, Limit};
use super::error::redact;

/// Zoom's rate-limit categories ("Rate Limit Label" in each operation's
/// description in Zoom's OpenAPI documents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// `LIGHT`.
    Light,
    /// `MEDIUM`.
    Medium,
    /// `HEAVY`.
    Heavy,
    /// `RESOURCE-INTENSIVE`.
    ResourceIntensive,
}

impl Category {
    /// Reads a label as Zoom's documents spell it, in any case (`LIGHT`,
    /// `Light`, `RESOURCE-INTENSIVE`).
    #[must_use]
    pub fn from_label(label: &str) -> Option<Self> {
        let l = label.trim();
        [
            ("LIGHT", Self::Light),
            ("MEDIUM", Self::Medium),
            ("HEAVY", Self::Heavy),
            ("RESOURCE-INTENSIVE", Self::ResourceIntensive),
        ]
        .into_iter()
        .find(|(name, _)| l.eq_ignore_ascii_case(name))
        .map(|(_, c)| c)
    }

    /// The label as Zoom's documents spell it in capitals.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Light => "LIGHT",
            Self::Medium => "MEDIUM",
            Self::Heavy => "HEAVY",
            Self::ResourceIntensive => "RESOURCE-INTENSIVE",
        }
    }
}

/// Which of Zoom's API documents an operation is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZoomApi {
    /// Zoom Meetings API v2 (`zoom-meetings-api.json`).
    Meetings,
    /// Zoom Video SDK REST API v2 (`zoom-videosdk-api.json`).
    VideoSdk,
}

/// A per-day cap on top of the category, counted per host or per meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DailyCap {
    /// Meeting creates per host (the `userId` of the path) per UTC day.
    CreatesPerHost,
    /// Meeting updates per meeting per UTC day.
    UpdatesPerMeeting,
}

/// One Zoom operation the clients call, with its rate-limit category.
///
/// The table [`ZOOM_ENDPOINTS`] is checked against Zoom's own OpenAPI
/// documents by `tests/http_zoom_categories.rs`: method, path, operation id
/// and category must all be as Zoom documents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ZoomEndpoint {
    /// Which document.
    pub api: ZoomApi,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template as in the document (`/meetings/{meetingId}`).
    pub path: &'static str,
    /// Zoom's `operationId`.
    pub operation_id: &'static str,
    /// Rate-limit category.
    pub category: Category,
    /// A per-host or per-meeting daily cap, if the operation has one.
    pub daily_cap: Option<DailyCap>,
}

const fn ep(
    api: ZoomApi,
    method: &'static str,
    path: &'static str,
    operation_id: &'static str,
    category: Category,
    daily_cap: Option<DailyCap>,
) -> ZoomEndpoint {
    ZoomEndpoint {
        api,
        method,
        path,
        operation_id,
        category,
        daily_cap,
    }
}

use Category::{Heavy, Light, Medium, ResourceIntensive};
use ZoomApi::{Meetings, VideoSdk};

/// Every Zoom operation the clients (issue 12, section 2) will call.
pub const ZOOM_ENDPOINTS: &[ZoomEndpoint] = &[
    ep(
        Meetings,
        "POST",
        "/users/{userId}/meetings",
        "meetingCreate",
        Light,
        Some(DailyCap::CreatesPerHost),
    ),
    ep(
        Meetings,
        "GET",
        "/meetings/{meetingId}",
        "meeting",
        Light,
        None,
    ),
    ep(
        Meetings,
        "PATCH",
        "/meetings/{meetingId}",
        "meetingUpdate",
        Light,
        Some(DailyCap::UpdatesPerMeeting),
    ),
    ep(
        Meetings,
        "DELETE",
        "/meetings/{meetingId}",
        "meetingDelete",
        Light,
        None,
    ),
    ep(
        Meetings,
        "GET",
        "/users/{userId}/meetings",
        "meetings",
        Medium,
        None,
    ),
    ep(
        Meetings,
        "GET",
        "/meetings/{meetingId}/recordings",
        "recordingGet",
        Light,
        None,
    ),
    ep(
        Meetings,
        "GET",
        "/users/{userId}/recordings",
        "recordingsList",
        Medium,
        None,
    ),
    ep(
        VideoSdk,
        "GET",
        "/videosdk/sessions",
        "sessions",
        ResourceIntensive,
        None,
    ),
    ep(
        VideoSdk,
        "GET",
        "/videosdk/sessions/{sessionId}",
        "sessionDetail",
        Heavy,
        None,
    ),
    ep(
        VideoSdk,
        "GET",
        "/videosdk/sessions/{sessionId}/users",
        "sessionUsers",
        Heavy,
        None,
    ),
    ep(
        VideoSdk,
        "GET",
        "/videosdk/sessions/{sessionId}/recordings",
        "recordingGet",
        Light,
        None,
    ),
    ep(
        VideoSdk,
        "GET",
        "/videosdk/recordings",
        "recordingsList",
        Medium,
        None,
    ),
];

/// Looks an operation up in [`ZOOM_ENDPOINTS`] (operation ids repeat
/// between the two documents, so the document is part of the key).
#[must_use]
pub fn zoom_endpoint(api: ZoomApi, operation_id: &str) -> Option<&'static ZoomEndpoint> {
    ZOOM_ENDPOINTS
        .iter()
        .find(|e| e.api == api && e.operation_id == operation_id)
}

/// A plan's limits, per Zoom account (shared by all its apps).
///
/// Every field is public: set your plan's numbers. [`ZoomLimits::pro`] is
/// the default. Source: Zoom's rate-limit page as summarised in
/// `../shared/REFERENCE.md` (late 2026).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoomLimits {
    /// LIGHT calls.
    pub light: Limit,
    /// MEDIUM calls.
    pub medium: Limit,
    /// HEAVY calls.
    pub heavy: Limit,
    /// RESOURCE-INTENSIVE calls.
    pub resource_intensive: Limit,
    /// HEAVY and RESOURCE-INTENSIVE calls together, per UTC day.
    pub heavy_per_day: Option<Limit>,
    /// Meeting creates per host per UTC day.
    pub creates_per_host: Limit,
    /// Updates per meeting per UTC day.
    pub updates_per_meeting: Limit,
}

fn limit(l: Option<Limit>) -> Limit {
    // The constructors below pass constants that are never zero.
    l.unwrap_or(Limit {
        count: std::num::NonZeroU32::MIN,
        window: super::budget::Window::UtcDay,
    })
}

impl ZoomLimits {
    /// Pro: light 30/s, medium 20/s, heavy 10/s, resource-intensive 10/min,
    /// heavy and resource-intensive together 30,000/day; 100 creates per
    /// host and 100 updates per meeting per UTC day.
    #[must_use]
    pub fn pro() -> Self {
        Self {
            light: limit(Limit::per_second(30)),
            medium: limit(Limit::per_second(20)),
            heavy: limit(Limit::per_second(10)),
            resource_intensive: limit(Limit::rolling(10, Duration::from_secs(60))),
            heavy_per_day: Limit::per_utc_day(30_000),
            creates_per_host: limit(Limit::per_utc_day(100)),
            updates_per_meeting: limit(Limit::per_utc_day(100)),
        }
    }

    /// Business and above: light 80/s, medium 60/s, heavy 40/s,
    /// resource-intensive 20/min, heavy and resource-intensive together
    /// 60,000/day; the same per-host and per-meeting caps as Pro.
    #[must_use]
    pub fn business() -> Self {
        Self {
            light: limit(Limit::per_second(80)),
            medium: limit(Limit::per_second(60)),
            heavy: limit(Limit::per_second(40)),
            resource_intensive: limit(Limit::rolling(20, Duration::from_secs(60))),
            heavy_per_day: Limit::per_utc_day(60_000),
            ..Self::pro()
        }
    }

    /// The limit of a key.
    #[must_use]
    pub fn limit(&self, key: &ZoomKey) -> Option<Limit> {
        match key {
            ZoomKey::Category { category, .. } => Some(match category {
                Light => self.light,
                Medium => self.medium,
                Heavy => self.heavy,
                ResourceIntensive => self.resource_intensive,
            }),
            ZoomKey::HeavyPerDay { .. } => self.heavy_per_day,
            ZoomKey::HostCreates { .. } => Some(self.creates_per_host),
            ZoomKey::MeetingUpdates { .. } => Some(self.updates_per_meeting),
        }
    }

    /// [`Budgets`] over [`ZoomKey`]s with these limits.
    #[must_use]
    pub fn budgets(self) -> Budgets<ZoomKey> {
        Budgets::new(move |key| self.limit(key))
    }

    /// [`Budgets`] for one of several instances sharing the account: each
    /// rolling window's count is this instance's share under `shares`
    /// (read at every call; see [`ShareHistory`]: split by rank so the
    /// shares add up to the whole, grown only once the others can have
    /// shrunk theirs). Daily caps are kept whole (counted exactly across
    /// instances elsewhere, in the store).
    ///
    /// [`ShareHistory`]: super::ShareHistory
    #[must_use]
    pub fn budgets_shared(
        self,
        shares: std::sync::Arc<std::sync::Mutex<super::ShareHistory>>,
    ) -> Budgets<ZoomKey> {
        Budgets::new_timed(move |key, now| {
            let limit = self.limit(key)?;
            let shares = shares
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Some(shares.limit(limit, now))
        })
    }
}

impl Default for ZoomLimits {
    fn default() -> Self {
        Self::pro()
    }
}

/// A budget key for Zoom.
///
/// `Debug` prints a host id only if it holds no `@` (Zoom accepts an
/// e-mail address as `userId`).
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ZoomKey {
    /// An account's per-category budget.
    Category {
        /// The Zoom account id.
        account: String,
        /// The category.
        category: Category,
    },
    /// An account's daily HEAVY + RESOURCE-INTENSIVE quota.
    HeavyPerDay {
        /// The Zoom account id.
        account: String,
    },
    /// A host's daily meeting creates.
    HostCreates {
        /// The Zoom account id.
        account: String,
        /// The host (`userId` in the path: an id, an e-mail or `me`).
        host: String,
    },
    /// A meeting's daily updates.
    MeetingUpdates {
        /// The Zoom account id.
        account: String,
        /// The meeting id (64-bit).
        meeting: u64,
    },
}

impl ZoomKey {
    /// Every field of the key in one string, for a shared store's key.
    /// Holds the host id as given (perhaps an e-mail address): hash it
    /// before it is stored or printed.
    #[must_use]
    pub fn stable_id(&self) -> String {
        match self {
            Self::Category { account, category } => {
                format!("zoom|category|{account}|{}", category.label())
            }
            Self::HeavyPerDay { account } => format!("zoom|heavy-per-day|{account}"),
            Self::HostCreates { account, host } => format!("zoom|host-creates|{account}|{host}"),
            Self::MeetingUpdates { account, meeting } => {
                format!("zoom|meeting-updates|{account}|{meeting}")
            }
        }
    }
}

impl fmt::Debug for ZoomKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Category { account, category } => {
                write!(f, "Category({account}, {})", category.label())
            }
            Self::HeavyPerDay { account } => write!(f, "HeavyPerDay({account})"),
            Self::HostCreates { account, host } => {
                write!(f, "HostCreates({account}, {})", redact(host))
            }
            Self::MeetingUpdates { account, meeting } => {
                write!(f, "MeetingUpdates({account}, {meeting})")
            }
        }
    }
}

/// What a call is about, for its daily cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject<'a> {
    /// Nothing per host or per meeting.
    None,
    /// The host (`userId` in the path).
    Host(&'a str),
    /// The meeting id.
    Meeting(u64),
}

impl ZoomEndpoint {
    /// The budget keys a call of this operation needs, in this order: the
    /// account's category, the daily heavy quota (HEAVY and
    /// RESOURCE-INTENSIVE), the per-host or per-meeting cap (when the
    /// operation has one and `subject` names its host or meeting).
    #[must_use]
    pub fn keys(&self, account: &str, subject: Subject<'_>) -> Vec<ZoomKey> {
        let mut keys = vec![ZoomKey::Category {
            account: account.to_owned(),
            category: self.category,
        }];
        if matches!(self.category, Heavy | ResourceIntensive) {
            keys.push(ZoomKey::HeavyPerDay {
                account: account.to_owned(),
            });
        }
        match (self.daily_cap, subject) {
            (Some(DailyCap::CreatesPerHost), Subject::Host(host)) => {
                keys.push(ZoomKey::HostCreates {
                    account: account.to_owned(),
                    host: host.to_owned(),
                })
            }
            (Some(DailyCap::UpdatesPerMeeting), Subject::Meeting(meeting)) => {
                keys.push(ZoomKey::MeetingUpdates {
                    account: account.to_owned(),
                    meeting,
                });
            }
            _ => {}
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::NotYet;
    use std::time::{SystemTime, UNIX_EPOCH};

    #[test]
    fn labels() {
        for c in [Light, Medium, Heavy, ResourceIntensive] {
            assert_eq!(Category::from_label(c.label()), Some(c));
        }
        assert_eq!(Category::from_label("Light"), Some(Light));
        assert_eq!(Category::from_label("Heavy "), Some(Heavy));
        assert_eq!(Category::from_label("LIGHTER"), None);
    }

    #[test]
    fn lookup_and_keys() {
        let create = zoom_endpoint(Meetings, "meetingCreate").unwrap();
        assert_eq!(
            create.keys("acc", Subject::Host("ada@example.com")),
            vec![
                ZoomKey::Category {
                    account: "acc".into(),
                    category: Light
                },
                ZoomKey::HostCreates {
                    account: "acc".into(),
                    host: "ada@example.com".into()
                },
            ]
        );
        assert_eq!(
            format!("{:?}", create.keys("acc", Subject::Host("ada@example.com"))),
            "[Category(acc, LIGHT), HostCreates(acc, <redacted>)]"
        );
        let sessions = zoom_endpoint(VideoSdk, "sessions").unwrap();
        assert_eq!(sessions.keys("acc", Subject::None).len(), 2);
        // Same operation id, other document.
        assert_eq!(
            zoom_endpoint(VideoSdk, "recordingsList").unwrap().path,
            "/videosdk/recordings"
        );
        assert_eq!(zoom_endpoint(Meetings, "nope"), None);
        let update = zoom_endpoint(Meetings, "meetingUpdate").unwrap();
        assert_eq!(update.keys("acc", Subject::Meeting(u64::MAX)).len(), 2);
    }

    #[test]
    fn shared_budgets_split_between_live_instances() {
        use crate::http::{ShareHistory, ShareView};
        use std::sync::{Arc, Mutex};
        let t0 = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let settle = Duration::from_secs(2);
        let view = ShareView { live: 2, rank: 1 };
        let shares = Arc::new(Mutex::new(ShareHistory::new(view, t0, settle)));
        let mut b = ZoomLimits::pro().budgets_shared(Arc::clone(&shares));
        let get = zoom_endpoint(Meetings, "meeting")
            .unwrap()
            .keys("acc", Subject::None);
        assert!(
            matches!(b.acquire(&get, t0), Err(NotYet::Wait { .. })),
            "a new instance waits for the others to see it"
        );
        let t = t0 + Duration::from_secs(3);
        for _ in 0..15 {
            b.acquire(&get, t).unwrap();
        }
        assert!(
            matches!(b.acquire(&get, t), Err(NotYet::Wait { .. })),
            "30/s over two: 15 each"
        );
        shares.lock().unwrap().observe(ShareView::ALONE, t);
        let soon = t + Duration::from_millis(1500);
        for _ in 0..15 {
            b.acquire(&get, soon).unwrap();
        }
        assert!(
            b.acquire(&get, soon).is_err(),
            "alone again, but still 15 while the other may be sending"
        );
        let later = t + Duration::from_millis(3001);
        for _ in 0..30 {
            b.acquire(&get, later).unwrap();
        }
        assert!(b.acquire(&get, later).is_err(), "then the whole 30");
    }

    #[test]
    fn pro_numbers() {
        let p = ZoomLimits::default();
        assert_eq!(p, ZoomLimits::pro());
        assert_eq!(p.light, Limit::per_second(30).unwrap());
        assert_eq!(p.medium, Limit::per_second(20).unwrap());
        assert_eq!(p.heavy, Limit::per_second(10).unwrap());
        assert_eq!(
            p.resource_intensive,
            Limit::rolling(10, Duration::from_secs(60)).unwrap()
        );
        assert_eq!(p.creates_per_host, Limit::per_utc_day(100).unwrap());
        assert_eq!(p.updates_per_meeting, Limit::per_utc_day(100).unwrap());
        assert_eq!(ZoomLimits::business().light, Limit::per_second(80).unwrap());
    }

    /// 100 creates for one host in a day, then that host (only) is paused
    /// until 00:00 UTC, while the account's LIGHT budget paces all of them.
    #[test]
    fn daily_create_cap_per_host() {
        let mut b = ZoomLimits::pro().budgets();
        let create = zoom_endpoint(Meetings, "meetingCreate").unwrap();
        let day = 20_000u64;
        let mut now = UNIX_EPOCH + Duration::from_secs(day * 86_400 + 3_600);
        let mut created = 0;
        while created < 100 {
            match b.acquire(&create.keys("acc", Subject::Host("h1")), now) {
                Ok(()) => created += 1,
                Err(NotYet::Wait { until, .. }) => now = until,
                Err(e) => panic!("{e} after {created}"),
            }
        }
        let midnight = UNIX_EPOCH + Duration::from_secs((day + 1) * 86_400);
        now += Duration::from_secs(1);
        assert_eq!(
            b.acquire(&create.keys("acc", Subject::Host("h1")), now),
            Err(NotYet::Paused {
                key_index: 1,
                until: midnight
            })
        );
        assert_eq!(
            b.acquire(&create.keys("acc", Subject::Host("h2")), now),
            Ok(())
        );
        assert_eq!(
            b.acquire(&create.keys("acc", Subject::Host("h1")), midnight),
            Ok(())
        );
        let _: SystemTime = now;
    }
}
