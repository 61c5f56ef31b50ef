/* tslint:disable */
/* eslint-disable */

/** Inputs of the quality controller: the SDK's own event names and payloads, plus a few of ours. */
export type QualityInput =
| { kind: "selfUser"; payload: number }
| { kind: "capabilities"; payload: { crossOriginIsolated: boolean; supportsMultipleVideos: boolean; maxRenderableVideos: number; supportsHdVideo: boolean; videoWebrtcMode?: boolean } }
| { kind: "network-quality-change"; payload: { userId: number; type: "uplink" | "downlink"; level: number } }
| { kind: "audio-statistic-data-change"; payload: unknown }
| { kind: "video-statistic-data-change"; payload: unknown }
| { kind: "system-resource-usage-change"; payload: unknown }
| { kind: "tiles"; payload: { userId: number; quality: number }[] }
| { kind: "timeout" };
/** Decisions of the quality controller. Qualities are the SDK's `VideoQuality` numbers. */
export type QualityOutput =
| { type: "setCaptureQuality"; quality: number }
| { type: "setReceiveQuality"; userId: number; quality: number }
| { type: "setMaxVideos"; count: number }
| { type: "audioOnly"; on: boolean }
| { type: "diagnostic"; diagnostic: { kind: string; message: string } & Record<string, unknown> }
| { type: "timeout"; at: number };
/** The controller's settings; every field is optional (the core's `QualityConfig` defaults). */
export interface QualityConfig {
    /** How long a lower target must last before going down, in ms. Default 2000. */
    downHold?: number;
    /** How long a higher target must last before going up, in ms. Default 10000. */
    upHold?: number;
    /** The least time between two switches of one direction, in ms. Default 4000. */
    minInterval?: number;
    /** How long a statistics report counts, in ms. Default 10000. */
    statsTtl?: number;
    /** Capture 1080p (`fullHd`) when everything allows it. Default `false`. */
    allowFullHd?: boolean;
    /** Video `avg_loss` from which a direction is capped at 360p. Default 4. */
    videoLoss360p?: number;
    /** Video `avg_loss` from which a direction is capped at 180p. Default 10. */
    videoLoss180p?: number;
    /** Audio `avg_loss` from which video is dropped to save the audio. Default 20. */
    audioLossAudioOnly?: number;
}



/** One loss of the connection (`SessionStats.reconnects`). */
export interface ReconnectStats {
    /** Zoom's own failover, or zoomkit's rejoin (also a failover zoomkit had to finish). */
    kind: "sdkFailover" | "rejoin";
    /** The cause of the transition that lost the connection. */
    cause: Cause;
    /** `Date.now()` ms. */
    startedAt: number;
    /** Until connected again; `null` while it lasts, or when the session ended first. */
    durationMs: number | null;
}
/** `Session.stats()` and the final `stats` event. Times are in ms. */
export interface SessionStats {
    /** From `join` (or `resume`) to the first `connected`. */
    joinMs: number | null;
    /** From the first `connected` until a remote participant's camera was first on. */
    firstRemoteVideoMs: number | null;
    connectedMs: number;
    reconnects: ReconnectStats[];
    rejoinAttempts: number;
    /** Device changes after the first choice (picked, fallback, back to the preferred one). */
    deviceSwitches: number;
    /** Camera time per capture profile. */
    captureMs: { standard: number; hd: number; fullHd: number };
    /** Camera paused for audio-only mode. */
    audioOnlyMs: number;
    /** `mediaFailed` and `mediaHealth` events. */
    mediaFailures: number;
}



/** One participant as the layout needs them. `joinSeq` increases with join order. */
export interface LayoutParticipant { userId: number; joinSeq: number; videoOn?: boolean }
export type LayoutMode =
| { kind: "gallery" } | { kind: "speaker" } | { kind: "share" } | { kind: "pip" }
| { kind: "fullscreen"; userId: number };
/** Everything a layout depends on (see zoomkit-core's `layout` module). */
export interface LayoutInput {
    participants: LayoutParticipant[];
    selfId?: number | null;
    activeSpeaker?: number | null;
    recentSpeakers?: number[];
    share?: { userId: number; size?: { width: number; height: number } | null } | null;
    pins?: number[];
    spotlights?: number[];
    viewport: { width: number; height: number; devicePixelRatio?: number };
    mode?: LayoutMode;
    page?: number;
    hideSelfView?: boolean;
    maxRenderableVideos: number;
    pageSize?: number;
    gap?: number;
}
/** One tile: where it goes and at what quality to attach its video (`null`: do not attach). */
export interface Tile {
    userId: number;
    kind: "video" | "share";
    role: "main" | "grid" | "filmstrip" | "overlay";
    rect: { x: number; y: number; width: number; height: number };
    z: number;
    quality: number | null;
    isSelf: boolean;
    pinned: boolean;
    speaking: boolean;
}
export interface Layout { mode: LayoutMode; page: number; pageCount: number; perPage: number; tiles: Tile[] }



/** The SDK's `RecordingStatus`. */
export type RecordingStatus = "Recording" | "Paused" | "Stopped" | "Ask" | "Accept" | "Decline";



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



/** What the browser supports, from `ZoomVideo.checkSystemRequirements()`. */
export interface Compatibility { audio: boolean; video: boolean; screen: boolean }
/**
 * Every error zoomkit throws or rejects with: a class, so
 * `e instanceof ZoomkitError` works. `kind` is `zoom` when the SDK itself
 * failed, and then `type`, `errorCode` and `reason` are Zoom's own.
 */
export declare class ZoomkitError extends Error {
    /** An error with this message and, optionally, these fields (for apps' own tests and wrappers). */
    constructor(message: string, fields?: Partial<Omit<ZoomkitError, "name" | "message">>);
    name: "ZoomkitError";
    /**
     * `zoom`: the SDK rejected; `thrown`: an SDK call threw; `decode`: the SDK
     * answered in a shape zoomkit cannot read; `session`: `join()` ended in
     * another state; `usage`: the app passed something wrong.
     */
    kind: "zoom" | "thrown" | "decode" | "session" | "usage";
    /** The SDK call, for `zoom`, `thrown` and `decode`. */
    op?: string;
    /** The state `join()` ended in, for `session`. */
    state?: SessionState;
    /** Zoom's `type`, `errorCode` and `reason`, unchanged, when Zoom's error is behind it. */
    type?: string;
    errorCode?: number;
    reason?: string;
    /** zoomkit's reading of Zoom's error: where it comes from, whether to retry, what to do. */
    category?: ErrorCategory;
    retryable?: boolean;
    remedy?: Remedy;
    /** The remedy in a short English sentence. */
    hint?: string;
    /** For `usage` errors that are zoomkit's refusals: which one. */
    code?: RefusalCode;
}
/** Why zoomkit refused a call (`ZoomkitError.code`). */
export type RefusalCode =
| "alreadyActive" | "notInSession" | "invalidOption" | "hostOnly" | "hostOrManagerOnly"
| "unknownParticipant" | "chatNotAllowed" | "recordingState" | "noConsentAsked"
| "unknownCommand" | "wrongOutput" | "unknownDevice";
/** The part of the SDK an error comes from (by Zoom's code ranges). */
export type ErrorCategory =
| "internal" | "session" | "client" | "stream" | "audio" | "video" | "share"
| "remoteControl" | "chat" | "commandChannel" | "recording" | "transcription"
| "liveStream" | "incomingLiveStream" | "subsession" | "reaction" | "summary"
| "qa" | "broadcastStreaming" | "whiteboard" | "realTimeMediaStreams"
| "voiceTranslator" | "driver" | "unknown";




/** Who may chat (`ChatPrivilege`): everyone, no one but the host and managers, or only to everyone. */
export type ChatPrivilege = "all" | "noOne" | "everyonePublicly";
/** A chat message (the SDK's `ChatMessage`; file messages are not modelled). */
export interface ChatMessage {
    /** The SDK's message id, when it gives one. */
    id: string | null;
    message: string | null;
    sender: { name: string; userId: number };
    /** `userId` 0 (`ChatMsgType.All`): the message went to everyone. */
    receiver: { name: string; userId: number };
    /** Unix ms. */
    timestamp: number;
}



/** Who may share (`SharePrivilege`). */
export type SharePrivilege = "unlocked" | "locked" | "multipleShare";
/** The local user's role, from the participant list. */
export type Role = "unknown" | "participant" | "manager" | "host";



/** `Stage` options. */
export interface StageOptions {
    /** Called with every new layout. */
    onLayout?: (layout: Layout) => void;
    /** The area to lay out; default: the window's inner size. */
    viewport?: { width: number; height: number; devicePixelRatio?: number };
    mode?: LayoutMode;
    pageSize?: number;
    gap?: number;
    hideSelfView?: boolean;
    /** The render budget; default: the SDK's `getMaxRenderableVideos()` (or 9 before joining). */
    maxRenderableVideos?: number;
    /** Called when the quality decisions change (see `Stage.quality()`). */
    onQuality?: (quality: StageQuality) => void;
    /** The token was signed with `video_webrtc_mode: 1`. */
    videoWebrtcMode?: boolean;
}
/** The quality controller's current decisions, as the stage applies them. */
export interface StageQuality {
    /** What to capture at (the SDK's `VideoQuality` number), once decided. */
    capture: number | null;
    /** The most videos to render. */
    maxVideos: number | null;
    /** Video is off for the network's sake. */
    audioOnly: boolean;
    /** Per-user receive caps: `[userId, quality][]`. */
    receive: [number, number][];
    /** Why quality is limited and what would unlock more. */
    diagnostics: { kind: string; message: string }[];
}



/**
 * A layouter that keeps its buffers and its input between calls.
 */
export class Layouter {
    free(): void;
    /**
     * Stores `input` and lays it out.
     */
    layout(input_value: LayoutInput): Layout;
    /**
     * An empty layouter.
     */
    constructor();
    /**
     * Lays out the stored input `times` times without crossing into JS:
     * what `cargo xtask bench layout` times. Returns the tile count.
     */
    repeat(times: number): number;
}

/**
 * A running local camera preview. `stop()` (or `free()`) releases the camera.
 */
export class Preview {
    private constructor();
    free(): void;
    /**
     * Stops the preview and releases the camera. Idempotent.
     */
    stop(): Promise<void>;
    /**
     * Whether the preview is running.
     */
    readonly running: boolean;
}

/**
 * Picks capture quality, receive quality per tile, how many videos to
 * render and audio-only mode, with hysteresis.
 */
export class QualityController {
    free(): void;
    /**
     * Feeds one input (an SDK event payload under its event name, or one of
     * ours) at the current time.
     */
    handle(input: QualityInput): void;
    /**
     * A controller; `config` is the core's `QualityConfig` in JSON
     * (durations in ms), or `undefined` for the defaults.
     */
    constructor(config: QualityConfig | undefined);
    /**
     * Drains the decisions taken so far.
     */
    poll(): QualityOutput[];
    /**
     * Feeds the last input again `times` times (time advancing 1 ms each
     * step) without crossing into JS: what `cargo xtask bench quality` times.
     */
    repeat(times: number): number;
}

/**
 * A Zoom Video SDK session with zoomkit's behaviour: rejoin after a drop,
 * devices that survive unplugging, media that restores, typed errors.
 *
 * ```js
 * import ZoomVideo from "@zoom/videosdk";
 * import { init, Session } from "zoomkit";
 * await init();
 * const session = new Session({
 *   zoomVideo: ZoomVideo,
 *   tokenProvider: async ({ topic }) => (await (await fetch("/api/zoom/video-token", {
 *     method: "POST", headers: { "content-type": "application/json" },
 *     body: JSON.stringify({ sessionName: topic, role: 0 }),
 *   })).json()).signature,
 * });
 * const off = session.on("stateChanged", (e) => console.log(e.from, "->", e.to, e.cause));
 * await session.join({ topic: "standup", userName: "Ada", audio: true, video: true });
 * session.mute();
 * await session.leave();
 * off();
 * session.free();
 * ```
 */
export class Session {
    free(): void;
    /**
     * Consents to individual recording after `individualRecordingChanged`
     * with status `Ask` (`code` `noConsentAsked` otherwise).
     */
    acceptRecording(): Promise<void>;
    /**
     * Asks another participant to unmute (host or manager): Zoom never
     * unmutes anyone directly; they get `hostAskedToUnmute` and decide.
     */
    askToUnmute(userId: number): Promise<void>;
    /**
     * The local microphone's level, 0-9, as last reported
     * (`current-audio-level-change`); `null` until then.
     */
    audioLevel(): number | null;
    /**
     * The local audio: `{ connected, muted }`.
     */
    audio(): AudioStatus;
    /**
     * `RecordingClient.canStartRecording()`: whether the session has cloud
     * recording enabled (`false` before joining).
     */
    canStartRecording(): boolean;
    /**
     * The messages sent and received in this session, oldest first (at
     * most 1,000).
     */
    chatHistory(): ChatMessage[];
    /**
     * Who may chat, as last reported; `null` until the host changes it
     * (Zoom's default is `"all"`).
     */
    chatPrivilege(): ChatPrivilege | null;
    /**
     * Declines individual recording after an `Ask`.
     */
    declineRecording(): Promise<void>;
    /**
     * The device lists, once known: `{ cameras, microphones, speakers }`.
     */
    devices(): DeviceLists | null;
    /**
     * Joins a session: token, init, join. Resolves with `"connected"`;
     * rejects with a `ZoomkitError` (kind `session`, with Zoom's `type`,
     * `errorCode`, `reason` and the remedy) if it ends anywhere else, and
     * (kind `usage`) for bad options or a join while one is in progress.
     */
    join(options: JoinOptions): Promise<"connected">;
    /**
     * Leaves, from any state: joining, reconnecting, twice, or with no
     * session at all (idle, left, ended, failed: it resolves at once with
     * that state), so an effect cleanup can always call it. `end: true`
     * ends the session for everyone (host only; others get a `usage`
     * rejection and stay). Resolves with the final state name once nothing
     * is pending.
     */
    leave(end?: boolean | null): Promise<SessionState>;
    /**
     * Number of listeners registered with `on`.
     */
    listenerCount(): number;
    /**
     * Locks screen sharing to the host and managers (`true`), or unlocks
     * it (host or manager).
     */
    lockShare(locked: boolean): Promise<void>;
    /**
     * Makes another participant the host (host only); you stop being host.
     */
    makeHost(userId: number): Promise<void>;
    /**
     * Makes a participant a manager (host only).
     */
    makeManager(userId: number): Promise<void>;
    /**
     * Mutes another participant (host or manager).
     */
    muteParticipant(userId: number): Promise<void>;
    /**
     * Mutes the microphone. Idempotent; a second click while the first is
     * in flight makes no second SDK call.
     */
    mute(): void;
    /**
     * Creates a session. Calls nothing on the SDK until `join` or `resume`.
     */
    constructor(options: SessionOptions);
    /**
     * The participants, the local user included.
     */
    participants(): Participant[];
    /**
     * Pauses cloud recording (host; only while recording).
     */
    pauseRecording(): Promise<void>;
    /**
     * Whether an individual-recording request waits for this user's answer.
     */
    recordingConsentPending(): boolean;
    /**
     * The cloud recording's status as last reported; `null` until then.
     */
    recordingStatus(): RecordingStatus | null;
    /**
     * Reads the device lists again (the SDK's `device-change` does this by itself).
     */
    refreshDevices(): void;
    /**
     * Removes a participant from the session (host or manager).
     */
    removeParticipant(userId: number): Promise<void>;
    /**
     * What zoomkit holds right now: SDK and window listeners, timers,
     * pending calls. All zero after `leave()` resolves.
     */
    resources(): Resources;
    /**
     * Resumes a paused cloud recording (host).
     */
    resumeRecording(): Promise<void>;
    /**
     * After a page refresh: rejoins the session this tab was in, if its
     * snapshot (written by zoomkit under `zoomkit:resume` in sessionStorage)
     * is fresh. Resolves `true` when connected, `false` when there was
     * nothing to resume (a `resumeIgnored` event says why), on a new
     * session or on one whose last session is over.
     */
    resume(password?: string | null): Promise<boolean>;
    /**
     * Takes a participant's manager role back (host only).
     */
    revokeManager(userId: number): Promise<void>;
    /**
     * The local user's role, from the participant list.
     */
    role(): Role;
    /**
     * Picks a device by `deviceId`; remembered by label and group so it is
     * found again when ids rotate.
     */
    selectDevice(kind: "camera" | "microphone" | "speaker", device_id: string): void;
    /**
     * Your own `userId`, once joined.
     */
    selfId(): number | undefined;
    /**
     * Sends a chat message to everyone, or to the participant `userId`.
     * Resolves with the sent message (also told as a `chatMessage` event).
     * Rejects with a `usage` error (`code`: `notInSession`, `invalidOption`
     * for an empty message or one over 10,000 bytes, `unknownParticipant`,
     * `chatNotAllowed` when the host's privilege forbids it), or with
     * Zoom's own error.
     */
    sendChat(text: string, userId?: number | null): Promise<ChatMessage | undefined>;
    /**
     * Sets who may chat (host or manager; others are refused with `code`
     * `hostOrManagerOnly`).
     */
    setChatPrivilege(privilege: ChatPrivilege): Promise<void>;
    /**
     * Draws other participants' active share on `canvas` (the SDK's
     * `startShareView`) while there is one, and stops it when the share
     * ends; `null` stops viewing. The canvas is kept across rejoins.
     * Throws a `usage` error for anything but an element or `null`.
     */
    setShareView(canvas: HTMLCanvasElement | null): void;
    /**
     * Who may share, as last reported; `null` until it changes.
     */
    sharePrivilege(): SharePrivilege | null;
    /**
     * Who shares, whose share is active, whose is drawn on the canvas.
     */
    shareView(): ShareView;
    /**
     * Connects computer audio.
     */
    startAudio(): void;
    /**
     * Starts cloud recording (host; `code` `hostOnly` otherwise,
     * `recordingState` when it already runs).
     */
    startRecording(): Promise<void>;
    /**
     * Starts sharing the screen into `shareElement`.
     */
    startShare(): void;
    /**
     * Starts the camera.
     */
    startVideo(): void;
    /**
     * The full state, with the data it carries (attempt numbers, errors).
     */
    stateDetail(): SessionStateDetail;
    /**
     * How this session went so far (time connected, on camera, ... up to
     * now); after it ended, its final numbers until the next join.
     */
    stats(): SessionStats;
    /**
     * Disconnects computer audio.
     */
    stopAudio(): void;
    /**
     * Stops cloud recording (host).
     */
    stopRecording(): Promise<void>;
    /**
     * Stops sharing the screen.
     */
    stopShare(): void;
    /**
     * Stops the camera.
     */
    stopVideo(): void;
    /**
     * The core's transition table: `{ from, to, cause }[]`.
     */
    static transitions(): { from: SessionState; to: SessionState; cause: Cause }[];
    /**
     * Unmutes the microphone.
     */
    unmute(): void;
    /**
     * Whether the local camera is on.
     */
    videoOn(): boolean;
    /**
     * Whether the camera is wanted on: `startVideo()` was asked and not
     * undone, including while audio-only mode pauses it.
     */
    wantedVideo(): boolean;
    /**
     * The state's name, as in the core's transition table.
     */
    readonly state: SessionState;
}

/**
 * Lays out a session's videos and attaches exactly the visible ones.
 *
 * ```js
 * const stage = new Stage(session, { onLayout: (l) => render(l.tiles) });
 * stage.setMode({ kind: "speaker" });
 * stage.pin(userId);
 * // ... later
 * stage.free(); // releases its listeners and detaches its videos
 * ```
 */
export class Stage {
    free(): void;
    /**
     * The videos this stage has attached: `[userId, videoQuality][]`.
     */
    attached(): [number, number][];
    /**
     * Window and document listeners this stage holds. Its SDK events and
     * its timer are the session's (`session.resources()`).
     */
    listenerCount(): number;
    /**
     * A stage for `session`. A session has one stage at a time.
     */
    constructor(session: Session, options: StageOptions | undefined);
    /**
     * Pins a participant (always visible) and lays out.
     */
    pin(user_id: number): Layout;
    /**
     * The quality controller's current decisions.
     */
    quality(): StageQuality;
    /**
     * Names the active speaker yourself, over the SDK's `active-speaker`
     * (which the stage follows on its own); `null` follows the SDK again.
     */
    setActiveSpeaker(user_id?: number | null): Layout;
    /**
     * Sets the mode (`{ kind: "gallery" | "speaker" | "share" | "pip" }` or
     * `{ kind: "fullscreen", userId }`) and lays out.
     */
    setMode(mode: LayoutMode): Layout;
    /**
     * Shows gallery or filmstrip page `page` (0-based) and lays out.
     */
    setPage(page: number): Layout;
    /**
     * Sets the area to lay out (stops following the window) and lays out.
     */
    setViewport(width: number, height: number): Layout;
    /**
     * Unpins a participant and lays out.
     */
    unpin(user_id: number): Layout;
    /**
     * Lays out now and makes the attached videos match. Returns the layout.
     */
    update(): Layout;
}

/**
 * A thin typed handle on the SDK: the first contact with `ZoomVideo`,
 * useful on its own for pre-join checks (browser support, device lists).
 *
 * ```js
 * import ZoomVideo from "@zoom/videosdk";
 * import { init, ZoomSdk } from "zoomkit";
 * await init();
 * const sdk = new ZoomSdk(ZoomVideo);
 * sdk.checkSystemRequirements(); // { audio, video, screen }
 * await sdk.init("en-US", "CDN");
 * await sdk.getDevices();        // { cameras, microphones, speakers }
 * ```
 *
 * Joining is `Session`'s: it is the one join path, through the core's
 * state machine.
 */
export class ZoomSdk {
    free(): void;
    /**
     * Whether audio, video and screen sharing work in this browser.
     */
    checkSystemRequirements(): Compatibility;
    /**
     * The cameras, microphones and speakers the SDK sees (the browser's
     * `MediaDeviceInfo`s, by kind).
     */
    getDevices(): Promise<DeviceLists>;
    /**
     * Creates the client and initialises it. `dependentAssets` is `"CDN"`,
     * `"Global"`, `"CN"` or the URL of a self-hosted copy of the SDK's `dist/lib`.
     */
    init(language: string, dependent_assets: string): Promise<void>;
    /**
     * Wraps `ZoomVideo` (or the simulator). Calls nothing yet.
     */
    constructor(zoom_video: ZoomVideoLike);
    /**
     * Starts a local camera preview in `element` (a `<video>` or
     * `<canvas>`) before joining. Resolves with a `Preview` whose `stop()`
     * releases the camera; freeing the `Preview` stops it too.
     */
    startPreview(element: HTMLVideoElement | HTMLCanvasElement, device_id?: string | null): Promise<Preview>;
}

/**
 * Lays out tiles: a pure function of its input. Throws a `ZoomkitError`
 * (kind `usage`) naming the bad field.
 */
export function layout(input_value: LayoutInput): Layout;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput { /* raw wasm exports: not compared */ }

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
