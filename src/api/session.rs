//! `Session`: the JS face of a zoomkit session.

use std::time::Duration;

use wasm_bindgen::prelude::*;
use zoomkit_core::{
    Backoff, Config, DeviceKind, Input, JoinOptions as CoreJoinOptions, MediaIntent, StorageKey,
};

use crate::api::{to_js, usage};
use crate::driver::{Driver, Options, Wait};
use crate::error::Error;
use crate::sdk::ZoomVideo;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** What `Session` needs from the app. */
export interface SessionOptions {
  /** `ZoomVideo` from `@zoom/videosdk`, or `createSim().zoomVideo` from `zoomkit/sim`. */
  zoomVideo: ZoomVideoLike;
  /** Returns a Video SDK JWT for the topic, usually from your back end's token endpoint. */
  tokenProvider: (request: { topic: string; reason: "join" | "refresh" }) => Promise<string> | string;
  /** `init`'s language. Default `"en-US"`. */
  language?: string;
  /** `init`'s dependent assets: `"CDN"`, `"Global"`, `"CN"` or the URL of a self-hosted `dist/lib`. Default `"Global"`. */
  dependentAssets?: string;
  /** The `<video>` or `<canvas>` screen share renders into. */
  shareElement?: HTMLVideoElement | HTMLCanvasElement;
  /** Write the resume snapshot and device preferences (zoomkit's own keys only). Default `true`. */
  storage?: boolean;
  /**
   * Keep this session's keys apart: `zoomkit:<storageNamespace>:resume` and
   * `zoomkit:<storageNamespace>:devices` (letters, digits, `-` and `_`, at
   * most 64). Default: none (`zoomkit:resume`, `zoomkit:devices`).
   */
  storageNamespace?: string;
  /** Seed for rejoin jitter. Default: random. */
  seed?: number;
  /** Give up on a join that has not settled after this long. Default 30000. */
  joinTimeoutMs?: number;
  /** Rejoin ourselves when Zoom's failover lasts longer than this; `null`: wait for Zoom. Default 120000. */
  failoverTimeoutMs?: number | null;
  /**
   * When and how often zoomkit rejoins after Zoom's own reconnection gave
   * up: exponential backoff with jitter. Each field is optional; the
   * defaults are shown. `join` waits `0..firstJitterMs` before the first
   * attempt, then `baseMs` (doubling, at most `maxMs`, each 50-100 %
   * jittered); it gives up after `maxAttempts` attempts (`0`: never rejoin)
   * or `budgetMs` after the connection was lost, whichever comes first.
   */
  reconnect?: ReconnectOptions;
  /** End the session this long after it first connected. */
  maxDurationMs?: number;
  /** End the session after the user has been alone this long. */
  idleTimeoutMs?: number;
  /** How long a resume snapshot stays valid; `null`: never write one. Default 120000. */
  resumeTtlMs?: number | null;
  /** Switch back to the preferred device when it returns. Default `true`. */
  switchBackToPreferred?: boolean;
  /**
   * Leave on `pagehide` (keeping the resume snapshot) and join again on a
   * `pageshow` from the back/forward cache. Default `true`.
   */
  leaveOnPageHide?: boolean;
  /**
   * Receives every diagnostic zoomkit emits (commands issued and answered
   * at `debug`, state changes at `info`, unreadable SDK payloads and
   * quality limits at `warn`, throwing callbacks at `error`). When set,
   * nothing goes to the console; without it, warnings and errors do.
   */
  logger?: (record: LogRecord) => void;
}
/** One diagnostic for `SessionOptions.logger`. Never carries a token, passcode or message text. */
export interface LogRecord {
  level: "debug" | "info" | "warn" | "error";
  kind:
    | "command" | "answer" | "stateChanged" | "sdkPayloadError" | "sdkEventRejected"
    | "answerRefused" | "listenerThrew" | "callbackThrew" | "layoutFailed" | "qualityDiagnostic";
  message: string;
  /** The SDK call or event it concerns. */
  op: string | null;
  /** A thrown value or payload, when there is one. */
  detail?: unknown;
}
/** `SessionOptions.reconnect`: the rejoin policy. */
export interface ReconnectOptions {
  /** At most this many attempts; `0`: never rejoin. Default 10. */
  maxAttempts?: number;
  /** Upper bound of the random delay before the first attempt. Default 250. */
  firstJitterMs?: number;
  /** The second attempt's delay step; each later one doubles it. At least 1. Default 1000. */
  baseMs?: number;
  /** The largest step; at least `baseMs`. Default 16000. */
  maxMs?: number;
  /** Give up this long after the connection was lost. At least 1. Default 120000. */
  budgetMs?: number;
}
/** What zoomkit drives: `ZoomVideo` from `@zoom/videosdk`, or zoomkit/sim's look-alike. */
export type ZoomVideoLike = typeof import("@zoom/videosdk").default | import("zoomkit/sim").ZoomVideo;
/** What `Session.join` takes. */
export interface JoinOptions {
  /** The session name; must equal the token's `tpc`. */
  topic: string;
  userName: string;
  /** The session passcode, if it has one. */
  password?: string;
  sessionIdleTimeoutMins?: number;
  /** Connect computer audio once joined. */
  audio?: boolean;
  /** Join with the microphone muted. */
  muted?: boolean;
  /** Start the camera once joined. */
  video?: boolean;
}
/** The state names of a session, as `Session.state` reports them. */
export type SessionState =
  | "idle" | "fetching_token" | "initialising" | "joining" | "connected" | "reconnecting"
  | "rejoining" | "leaving" | "left" | "ended" | "failed";
/** Why a session changed state (the core's `Cause`). */
export type Cause =
  | "join" | "resume" | "token_fetched" | "token_failed" | "initialised" | "init_failed"
  | "joined" | "join_failed" | "join_timed_out" | "sdk_reconnecting" | "sdk_reconnected"
  | "sdk_failed" | "sdk_closed" | "ended_by_host" | "removed" | "failover_timed_out"
  | "retry_scheduled" | "retry_started" | "reset_done" | "offline" | "gave_up"
  | "user_left" | "page_hidden" | "session_timed_out" | "leave_done" | "leave_timed_out";
/** What to do about a failure (the core's `Remedy`; `ZoomkitError.hint` says it in English). */
export type Remedy =
  | "none" | "retryLater" | "reportToZoom" | "checkToken" | "refreshToken"
  | "checkPasscode" | "askHost" | "waitForHost" | "leaveOtherSession"
  | "useSupportedBrowser" | "fixAssets" | "waitForReconnection" | "fixCallOrder"
  | "fixParameters" | "grantPermission" | "checkMicrophone" | "connectDevice"
  | "chooseAnotherDevice" | "closeOtherApps" | "enableFeature"
  | "stopConflictingFeature" | "refreshPage" | "clickToResume" | "unmuteInSystem"
  | "restartBrowser" | "checkWebGl" | "installExtension";
/** Zoom's own error, as the SDK reported it. */
export interface ZoomErrorInfo { type?: string; reason: string; errorCode?: number; extensionUrl?: string }
/** Someone in the session, the local user included. */
export interface Participant {
  userId: number;
  displayName: string;
  userKey: string | null;
  isHost: boolean;
  isManager: boolean;
  /** `""` (none), `"computer"` or `"phone"`; `null` until the SDK says. */
  audio: "" | "computer" | "phone" | null;
  muted: boolean | null;
  videoOn: boolean;
  sharing: boolean;
  /** Lost their connection; shown as reconnecting and not counted twice. */
  reconnecting: boolean;
  /** In the SDK's latest `active-speaker` list (the held speaker is the `Stage`'s). */
  speaking: boolean;
  /** `network-quality-change` levels, 0-5 (0-1 bad, 2 normal, 3-5 good); `null` until the SDK says. */
  uplinkQuality: number | null;
  downlinkQuality: number | null;
}
/** Others' shares: who shares (start order), whose the SDK shows, whose is drawn on the canvas given to `setShareView`. */
export interface ShareView { sharers: number[]; active: number | null; viewing: number | null; wanted: boolean }
/** The local user's audio. */
export interface AudioStatus { connected: boolean; muted: boolean }
/** One device of a list. */
export interface ListedDevice { deviceId: string; label: string; groupId?: string }
/** The three device lists. */
export interface DeviceLists { cameras: ListedDevice[]; microphones: ListedDevice[]; speakers: ListedDevice[] }
/** `startVideo`'s capture options in use: the SDK default (360p), `hd` (720p) or `fullHd` (1080p). */
export type CaptureProfile = "standard" | "hd" | "fullHd";
/** Every event `Session.on` delivers, told apart by `event`. */
export type SessionEvent =
  | {
      event: "stateChanged"; from: SessionState; to: SessionState; cause: Cause; error: ZoomErrorInfo | null;
      /** How long the session was in `from`, in ms; `null` for a join's first change. */
      inPreviousMs: number | null;
    }
  | { event: "rejoinScheduled"; attempt: number; /** `Date.now()` milliseconds. */ at: number }
  | ({ event: "participantJoined" } & Participant)
  | ({ event: "participantUpdated" } & Participant)
  | ({ event: "participantLeft" } & Participant)
  | { event: "participantReconnecting"; userId: number }
  | { event: "participantRecovered"; userId: number; /** Their previous id, if it changed. */ replaced: number | null }
  | { event: "participantsCleared" }
  | ({ event: "audioChanged" } & AudioStatus)
  | { event: "videoChanged"; on: boolean }
  | { event: "captureChanged"; profile: CaptureProfile }
  /** Audio-only mode paused a wanted camera (`true`), or resumes it (`false`). */
  | { event: "videoPaused"; paused: boolean }
  | { event: "shareChanged"; on: boolean }
  | { event: "mediaFailed"; op: string; error: ZoomErrorInfo }
  | { event: "mutedByHost" }
  | { event: "hostAskedToUnmute" }
  | { event: "speakingWhileMuted" }
  | { event: "autoPlayBlocked" }
  | ({ event: "devicesChanged" } & DeviceLists)
  | {
      event: "activeDeviceChanged";
      kind: "camera" | "microphone" | "speaker";
      device: ListedDevice | null;
      reason: "selected" | "initial" | "fallback" | "preferredReturned" | "renamed";
    }
  | {
      event: "permissionChanged";
      kind: "camera" | "microphone" | "speaker";
      state: "denied" | "granted" | "prompt";
      remedy: Remedy | null;
    }
  | { event: "mediaHealth"; media: "audio" | "video" | "sharing"; code: number; message: string; remedy: Remedy }
  | { event: "resumeIgnored"; reason: "missing" | "unreadable" | "stale" | "passwordRequired" }
  | ({ event: "chatMessage" } & ChatMessage)
  | { event: "chatPrivilegeChanged"; privilege: ChatPrivilege }
  | { event: "sharePrivilegeChanged"; privilege: SharePrivilege }
  | { event: "recordingChanged"; status: RecordingStatus }
  | { event: "individualRecordingChanged"; status: RecordingStatus; userId: number | null }
  | ({ event: "shareViewChanged" } & ShareView)
  /** The local microphone's level, 0-9 (`current-audio-level-change`), for a meter. */
  | { event: "audioLevel"; level: number }
  /** The session ended (left, ended or failed): its final numbers. */
  | ({ event: "stats" } & SessionStats)
  /** An SDK event whose payload did not match the SDK's documented shape, or that the core refused. */
  | { event: "sdkPayloadError"; sdkEvent: string; message: string; payload: unknown }
  | { event: "sdkEventRejected"; sdkEvent: string; message: string; payload: unknown };
/** The name of a `SessionEvent`. */
export type SessionEventName = SessionEvent["event"];
export interface Session {
  /**
   * Subscribes to one event by name, with its payload typed, or to `"*"` for
   * all. Returns the function that unsubscribes.
   */
  on<K extends SessionEventName>(name: K, callback: (event: Extract<SessionEvent, { event: K }>) => void): () => void;
  on(name: "*", callback: (event: SessionEvent) => void): () => void;
}
/** Why zoomkit is rejoining (or why its last attempt failed). */
export type RejoinReason =
  | { kind: "sdkFailed"; errorCode: number | null }
  | { kind: "connectionLost" }
  | { kind: "failoverTimedOut" }
  | { kind: "attemptFailed"; error: ZoomErrorInfo }
  | { kind: "attemptTimedOut" };
/** Why a session failed. */
export type SessionFailure =
  | { kind: "token" | "init" | "join" | "connection"; error: ZoomErrorInfo }
  | { kind: "tokenExpired"; /** The token's `exp`, in ms. */ expiredAt: number }
  | { kind: "tokenTopicMismatch"; /** The token's `tpc`. */ tokenTopic: string; topic: string }
  | { kind: "joinTimedOut"; /** ms */ after: number }
  | { kind: "gaveUp"; attempts: number; lastError: ZoomErrorInfo | null };
/** `Session.stateDetail()`: the state with the data it carries. Times are `Date.now()` ms. */
export type SessionStateDetail =
  | { state: "idle" }
  | { state: "fetching_token" | "initialising" | "joining" | "connected" | "leaving"; since: number }
  | { state: "reconnecting"; since: number; /** Zoom's `reason`, e.g. `"failover"`. */ reason: string | null }
  | {
      state: "rejoining";
      since: number;
      attempt: number;
      reason: RejoinReason;
      phase:
        | { kind: "resetting" | "offline" | "fetchingToken" | "joining" }
        | { kind: "waiting"; until: number };
    }
  | {
      state: "left";
      outcome: { kind: "notConnected" | "clean" | "timedOut" } | { kind: "rejected"; error: ZoomErrorInfo };
      endSession: boolean;
    }
  | { state: "ended"; reason: "endedByHost" | "removed" | "maxDuration" | "idle" }
  | { state: "failed"; error: SessionFailure };
/** What the driver holds, for tests that prove cleanup. */
export interface Resources {
  sdkListeners: number;
  browserListeners: number;
  timers: number;
  pendingCommands: number;
  waiters: number;
}
"#;

#[wasm_bindgen(inline_js = "
export function unsubscriber(off, id) {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    // After session.free() there is nothing left to unsubscribe from.
    try { off(id); } catch (_) {}
  };
}
export function resolvesTrue(promise) {
  return promise.then(() => true);
}
")]
extern "C" {
    fn unsubscriber(off: &js_sys::Function, id: u32) -> js_sys::Function;
    #[wasm_bindgen(js_name = resolvesTrue)]
    fn resolves_true(promise: &js_sys::Promise) -> js_sys::Promise;
}

#[derive(Default, zoomkit_core::wire::Decode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigJs {
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    dependent_assets: Option<String>,
    #[serde(default)]
    storage: Option<bool>,
    #[serde(default)]
    storage_namespace: Option<String>,
    #[serde(default)]
    seed: Option<f64>,
    #[serde(default)]
    join_timeout_ms: Option<u64>,
    #[serde(default, deserialize_with = "nullable")]
    failover_timeout_ms: Option<Option<u64>>,
    #[serde(default)]
    reconnect: Option<ReconnectJs>,
    #[serde(default)]
    max_duration_ms: Option<u64>,
    #[serde(default)]
    idle_timeout_ms: Option<u64>,
    #[serde(default, deserialize_with = "nullable")]
    resume_ttl_ms: Option<Option<u64>>,
    #[serde(default)]
    switch_back_to_preferred: Option<bool>,
    #[serde(default)]
    leave_on_page_hide: Option<bool>,
}

/// `reconnect`: the fields of [`Backoff`], in milliseconds.
#[derive(Default, zoomkit_core::wire::Decode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReconnectJs {
    #[serde(default)]
    max_attempts: Option<u32>,
    #[serde(default)]
    first_jitter_ms: Option<u64>,
    #[serde(default)]
    base_ms: Option<u64>,
    #[serde(default)]
    max_ms: Option<u64>,
    #[serde(default)]
    budget_ms: Option<u64>,
}

impl ReconnectJs {
    /// The policy: [`Backoff::default`] with the given fields replaced.
    fn backoff(self) -> Backoff {
        let mut b = Backoff::default();
        let ms = Duration::from_millis;
        if let Some(v) = self.max_attempts {
            b.max_attempts = v;
        }
        if let Some(v) = self.first_jitter_ms {
            b.first_jitter = ms(v);
        }
        if let Some(v) = self.base_ms {
            b.base = ms(v);
        }
        if let Some(v) = self.max_ms {
            b.max = ms(v);
        }
        if let Some(v) = self.budget_ms {
            b.budget = ms(v);
        }
        b
    }
}

/// The data options (the rest are JS objects, read separately).
const CONFIG_KEYS: &[&str] = &[
    "language",
    "dependentAssets",
    "storage",
    "storageNamespace",
    "seed",
    "joinTimeoutMs",
    "failoverTimeoutMs",
    "reconnect",
    "maxDurationMs",
    "idleTimeoutMs",
    "resumeTtlMs",
    "switchBackToPreferred",
    "leaveOnPageHide",
];

/// The options that are JS objects, read one by one.
const OBJECT_KEYS: &[&str] = &["zoomVideo", "tokenProvider", "shareElement", "logger"];

/// `null` is `Some(None)`; absent is `None`.
fn nullable_wire(
    v: &zoomkit_core::wire::Value,
) -> Result<Option<Option<u64>>, zoomkit_core::wire::Error> {
    zoomkit_core::wire::decode::<Option<u64>>(v).map(Some)
}

#[derive(zoomkit_core::wire::Decode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JoinJs {
    topic: String,
    user_name: String,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    session_idle_timeout_mins: Option<u32>,
    #[serde(default)]
    audio: bool,
    #[serde(default)]
    muted: bool,
    #[serde(default)]
    video: bool,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The core's refusal as a `ZoomkitError` of kind `usage`. One function for
/// every export that feeds the core, rather than the conversion inlined in each.
#[inline(never)]
fn refused(e: zoomkit_core::CoreError) -> JsValue {
    Error::from(e).into()
}

/// The promise, or a rejected one: async exports reject, never throw.
fn settled(result: Result<js_sys::Promise, JsValue>) -> js_sys::Promise {
    result.unwrap_or_else(|e| js_sys::Promise::reject(&e))
}

fn random_seed() -> u64 {
    // Jitter only needs sessions to differ, not cryptographic randomness.
    (js_sys::Math::random() * (u64::MAX as f64)) as u64 ^ js_sys::Date::now() as u64
}

/// A Zoom Video SDK session with zoomkit's behaviour: rejoin after a drop,
/// devices that survive unplugging, media that restores, typed errors.
///
/// ```js
/// import ZoomVideo from "@zoom/videosdk";
/// import { init, Session } from "zoomkit";
/// await init();
/// const session = new Session({
///   zoomVideo: ZoomVideo,
///   tokenProvider: async ({ topic }) => (await (await fetch("/api/zoom/video-token", {
///     method: "POST", headers: { "content-type": "application/json" },
///     body: JSON.stringify({ sessionName: topic, role: 0 }),
///   })).json()).signature,
/// });
/// const off = session.on("stateChanged", (e) => console.log(e.from, "->", e.to, e.cause));
/// await session.join({ topic: "standup", userName: "Ada", audio: true, video: true });
/// session.mute();
/// await session.leave();
/// off();
/// session.free();
/// ```
#[wasm_bindgen]
pub struct Session {
    driver: Driver,
    off: Closure<dyn FnMut(u32)>,
}

impl Session {
    pub(crate) fn driver(&self) -> &Driver {
        &self.driver
    }
}

#[wasm_bindgen]
impl Session {
    /// Creates a session. Calls nothing on the SDK until `join` or `resume`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SessionOptions")] options: JsValue,
    ) -> Result<Session, JsValue> {
        if !options.is_object() {
            return Err(usage("new Session(options): options must be an object"));
        }
        let zoom = get(&options, "zoomVideo");
        if !(zoom.is_object() || zoom.is_function()) {
            return Err(usage(
                "new Session(options): `zoomVideo` is required (ZoomVideo from @zoom/videosdk, or zoomkit/sim's)",
            ));
        }
        let token_provider = get(&options, "tokenProvider");
        let Some(token_provider) = token_provider.dyn_ref::<js_sys::Function>().cloned() else {
            return Err(usage(
                "new Session(options): `tokenProvider` must be a function ({ topic, reason }) => Promise<string>",
            ));
        };
        let share = get(&options, "shareElement");
        let logger = get(&options, "logger");
        let logger = match logger.dyn_ref::<js_sys::Function>() {
            Some(f) => Some(f.clone()),
            None if logger.is_undefined() || logger.is_null() => None,
            None => {
                return Err(usage(
                    "new Session(options): `logger` must be a function (record) => void",
                ))
            }
        };
        let keys = crate::json::object_keys(&options).map_err(|e| {
            usage(format!(
                "new Session(options): the options threw when read: {}",
                crate::error::js_message(&e)
            ))
        })?;
        for key in keys.iter() {
            let key = key.as_string().unwrap_or_default();
            if !OBJECT_KEYS.contains(&key.as_str()) && !CONFIG_KEYS.contains(&key.as_str()) {
                let mut expected = String::new();
                for k in OBJECT_KEYS.iter().chain(CONFIG_KEYS) {
                    if !expected.is_empty() {
                        expected.push_str(", ");
                    }
                    expected.push_str(k);
                }
                return Err(usage(format!(
                    "new Session(options): unknown option `{key}`; expected one of {expected}"
                )));
            }
        }
        let data = crate::json::pick(&options, CONFIG_KEYS);
        let cfg: ConfigJs =
            crate::json::from_js(&data).map_err(|e| usage(format!("new Session(options): {e}")))?;
        let mut config = Config::default();
        config.seed = cfg.seed.map(|s| s as u64).unwrap_or_else(random_seed);
        if let Some(ms) = cfg.join_timeout_ms {
            config.join_timeout = Duration::from_millis(ms);
        }
        if let Some(v) = cfg.failover_timeout_ms {
            config.failover_timeout = v.map(Duration::from_millis);
        }
        config.max_duration = cfg.max_duration_ms.map(Duration::from_millis);
        config.idle_timeout = cfg.idle_timeout_ms.map(Duration::from_millis);
        if let Some(v) = cfg.resume_ttl_ms {
            config.resume_ttl = v.map(Duration::from_millis);
        }
        if let Some(v) = cfg.leave_on_page_hide {
            config.leave_on_page_hide = v;
        }
        if let Some(v) = cfg.switch_back_to_preferred {
            config.switch_back_to_preferred = v;
        }
        config.share_target = !share.is_undefined() && !share.is_null();
        let storage_namespace = cfg.storage_namespace;
        if let Some(ns) = &storage_namespace {
            let valid = !ns.is_empty()
                && ns.len() <= 64
                && ns
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid {
                return Err(usage(
                    "new Session(options): `storageNamespace` must be 1 to 64 letters, \
                     digits, `-` or `_`",
                ));
            }
        }
        let backoff = cfg.reconnect.unwrap_or_default().backoff();
        backoff
            .validate()
            .map_err(|e| usage(format!("new Session(options): {e}")))?;
        let driver = Driver::new(
            zoomkit_core::Session::with_backoff(config, backoff),
            Options {
                zoom: zoom.unchecked_into::<ZoomVideo>(),
                token_provider,
                language: cfg.language.unwrap_or_else(|| "en-US".to_owned()),
                dependent_assets: cfg.dependent_assets.unwrap_or_else(|| "Global".to_owned()),
                share_element: (!share.is_undefined() && !share.is_null()).then_some(share),
                storage: cfg.storage.unwrap_or(true),
                storage_namespace,
                logger: crate::log::Logger::new(logger),
            },
        );
        if let Some(stored) = driver.load(StorageKey::Devices) {
            driver
                .handle(Input::LoadPreferences {
                    stored: Some(stored),
                })
                .map_err(refused)?;
        }
        // The unsubscribe functions `on` returns call this. It belongs to the
        // session and is released with it.
        let d = driver.clone();
        let off = Closure::<dyn FnMut(u32)>::new(move |id: u32| d.off(id));
        Ok(Session { driver, off })
    }

    /// Joins a session: token, init, join. Resolves with `"connected"`;
    /// rejects with a `ZoomkitError` (kind `session`, with Zoom's `type`,
    /// `errorCode`, `reason` and the remedy) if it ends anywhere else, and
    /// (kind `usage`) for bad options or a join while one is in progress.
    #[wasm_bindgen(unchecked_return_type = "Promise<\"connected\">")]
    pub fn join(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JoinOptions")] options: JsValue,
    ) -> js_sys::Promise {
        settled(self.try_join(options))
    }

    fn try_join(&self, options: JsValue) -> Result<js_sys::Promise, JsValue> {
        let o: JoinJs = crate::json::from_js(&options)
            .map_err(|e| usage(format!("session.join(options): {e}")))?;
        let mut opts = CoreJoinOptions::new(o.topic, o.user_name);
        opts.password = o.password;
        opts.session_idle_timeout_mins = o.session_idle_timeout_mins;
        opts.validate().map_err(refused)?;
        let mut intents = Vec::new();
        if o.muted {
            intents.push(MediaIntent::Mute);
        }
        if o.audio {
            intents.push(MediaIntent::StartAudio);
        }
        if o.video {
            intents.push(MediaIntent::StartVideo);
        }
        self.start(Input::Join(opts), intents)
    }

    /// After a page refresh: rejoins the session this tab was in, if its
    /// snapshot (written by zoomkit under `zoomkit:resume` in sessionStorage)
    /// is fresh. Resolves `true` when connected, `false` when there was
    /// nothing to resume (a `resumeIgnored` event says why), on a new
    /// session or on one whose last session is over.
    #[wasm_bindgen(unchecked_return_type = "Promise<boolean>")]
    pub fn resume(&self, password: Option<String>) -> js_sys::Promise {
        settled(self.try_resume(password))
    }

    fn try_resume(&self, password: Option<String>) -> Result<js_sys::Promise, JsValue> {
        let stored = self.driver.load(StorageKey::Resume);
        self.driver
            .handle(Input::Resume { stored, password })
            .map_err(refused)?;
        // A resume that found nothing leaves the state where it was (idle,
        // or where the last session ended); one that found a snapshot is
        // joining. No join can settle before this returns (every SDK and
        // token answer comes back as a later task), so the join waiter is
        // registered only when there is a join to wait for.
        if !self.driver.with_core(|c| c.state().awaits_join()) {
            return Ok(js_sys::Promise::resolve(&JsValue::FALSE));
        }
        let connected = self
            .driver
            .promise_for(Wait::Join, |_| Ok(()))
            .map_err(refused)?;
        Ok(resolves_true(&connected))
    }

    fn start(&self, input: Input, intents: Vec<MediaIntent>) -> Result<js_sys::Promise, JsValue> {
        self.driver
            .promise_for(Wait::Join, |driver| {
                for intent in intents {
                    driver.handle(Input::Media(intent))?;
                }
                driver.handle(input)
            })
            .map_err(refused)
    }

    /// Leaves, from any state: joining, reconnecting, twice, or with no
    /// session at all (idle, left, ended, failed: it resolves at once with
    /// that state), so an effect cleanup can always call it. `end: true`
    /// ends the session for everyone (host only; others get a `usage`
    /// rejection and stay). Resolves with the final state name once nothing
    /// is pending.
    #[wasm_bindgen(unchecked_return_type = "Promise<SessionState>")]
    pub fn leave(&self, end: Option<bool>) -> js_sys::Promise {
        let end = end.unwrap_or(false);
        match self
            .driver
            .promise_for(Wait::Leave, |driver| driver.handle(Input::Leave { end }))
        {
            Ok(promise) => promise,
            Err(e) => match zoomkit_core::outcome::refused_leave(e) {
                Ok(state) => js_sys::Promise::resolve(&JsValue::from_str(state)),
                Err(e) => js_sys::Promise::reject(&refused(e)),
            },
        }
    }

    /// The state's name, as in the core's transition table.
    #[wasm_bindgen(getter, unchecked_return_type = "SessionState")]
    pub fn state(&self) -> String {
        self.driver
            .with_core(|c| c.state().name().as_str().to_owned())
    }

    /// The full state, with the data it carries (attempt numbers, errors).
    #[wasm_bindgen(js_name = stateDetail, unchecked_return_type = "SessionStateDetail")]
    pub fn state_detail(&self) -> Result<JsValue, JsValue> {
        // Encoded under the borrow rather than cloned out of it (in this and
        // the getters below): the clones were KBs of wasm.
        self.driver.with_core(|c| to_js(c.state()))
    }

    /// Subscribes to an event by name (`stateChanged`, `participantJoined`,
    /// ..., or `*` for all). Returns the function that unsubscribes.
    ///
    /// Typed in TypeScript by the `Session` interface next to `SessionEvent`
    /// (a generic over the event name, which wasm-bindgen cannot write).
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, name: String, callback: js_sys::Function) -> js_sys::Function {
        let id = self.driver.on(name, callback);
        unsubscriber(self.off.as_ref().unchecked_ref(), id)
    }

    /// Connects computer audio.
    #[wasm_bindgen(js_name = startAudio)]
    pub fn start_audio(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::StartAudio)
    }

    /// Disconnects computer audio.
    #[wasm_bindgen(js_name = stopAudio)]
    pub fn stop_audio(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::StopAudio)
    }

    /// Mutes the microphone. Idempotent; a second click while the first is
    /// in flight makes no second SDK call.
    pub fn mute(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::Mute)
    }

    /// Unmutes the microphone.
    pub fn unmute(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::Unmute)
    }

    /// Starts the camera.
    #[wasm_bindgen(js_name = startVideo)]
    pub fn start_video(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::StartVideo)
    }

    /// Stops the camera.
    #[wasm_bindgen(js_name = stopVideo)]
    pub fn stop_video(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::StopVideo)
    }

    /// Starts sharing the screen into `shareElement`.
    #[wasm_bindgen(js_name = startShare)]
    pub fn start_share(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::StartShare)
    }

    /// Stops sharing the screen.
    #[wasm_bindgen(js_name = stopShare)]
    pub fn stop_share(&self) -> Result<(), JsValue> {
        self.media(MediaIntent::StopShare)
    }

    fn media(&self, intent: MediaIntent) -> Result<(), JsValue> {
        self.driver.handle(Input::Media(intent)).map_err(refused)
    }

    /// Picks a device by `deviceId`; remembered by label and group so it is
    /// found again when ids rotate.
    #[wasm_bindgen(js_name = selectDevice)]
    pub fn select_device(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"camera\" | \"microphone\" | \"speaker\"")]
        kind: String,
        device_id: String,
    ) -> Result<(), JsValue> {
        let kind = match kind.as_str() {
            "camera" => DeviceKind::Camera,
            "microphone" => DeviceKind::Microphone,
            "speaker" => DeviceKind::Speaker,
            other => {
                return Err(usage(format!(
                    "selectDevice: kind `{other}` is not camera, microphone or speaker"
                )))
            }
        };
        self.driver
            .handle(Input::SelectDevice { kind, device_id })
            .map_err(refused)
    }

    /// Reads the device lists again (the SDK's `device-change` does this by itself).
    #[wasm_bindgen(js_name = refreshDevices)]
    pub fn refresh_devices(&self) -> Result<(), JsValue> {
        self.driver.handle(Input::RefreshDevices).map_err(refused)
    }

    /// The device lists, once known: `{ cameras, microphones, speakers }`.
    #[wasm_bindgen(unchecked_return_type = "DeviceLists | null")]
    pub fn devices(&self) -> Result<JsValue, JsValue> {
        self.driver.with_core(|c| to_js(&c.device_list()))
    }

    /// The participants, the local user included.
    #[wasm_bindgen(unchecked_return_type = "Participant[]")]
    pub fn participants(&self) -> Result<JsValue, JsValue> {
        self.driver.with_core(|c| {
            let list: Vec<_> = c.participants().collect();
            to_js(&list)
        })
    }

    /// The local audio: `{ connected, muted }`.
    #[wasm_bindgen(unchecked_return_type = "AudioStatus")]
    pub fn audio(&self) -> Result<JsValue, JsValue> {
        let audio = self.driver.with_core(|c| c.audio());
        to_js(&audio)
    }

    /// Whether the local camera is on.
    #[wasm_bindgen(js_name = videoOn)]
    pub fn video_on(&self) -> bool {
        self.driver.with_core(|c| c.video_on())
    }

    /// Whether the camera is wanted on: `startVideo()` was asked and not
    /// undone, including while audio-only mode pauses it.
    #[wasm_bindgen(js_name = wantedVideo)]
    pub fn wanted_video(&self) -> bool {
        self.driver.with_core(|c| c.wanted_video())
    }

    /// What zoomkit holds right now: SDK and window listeners, timers,
    /// pending calls. All zero after `leave()` resolves.
    #[wasm_bindgen(unchecked_return_type = "Resources")]
    pub fn resources(&self) -> Result<JsValue, JsValue> {
        to_js(&self.driver.resources())
    }

    /// Number of listeners registered with `on`.
    #[wasm_bindgen(js_name = listenerCount)]
    pub fn listener_count(&self) -> usize {
        self.driver.app_listener_count()
    }

    /// Your own `userId`, once joined.
    #[wasm_bindgen(js_name = selfId)]
    pub fn self_id(&self) -> Option<f64> {
        self.driver.with_core(|c| c.self_user().map(|u| u.0 as f64))
    }

    /// The core's transition table: `{ from, to, cause }[]`.
    #[wasm_bindgen(
        unchecked_return_type = "{ from: SessionState; to: SessionState; cause: Cause }[]"
    )]
    pub fn transitions() -> Result<JsValue, JsValue> {
        to_js(&zoomkit_core::transition_table())
    }
}
