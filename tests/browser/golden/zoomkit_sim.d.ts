/* tslint:disable */
/* eslint-disable */

/** What `sim.token()` makes a Video SDK token for. */
export interface SimTokenRequest {
    /** The session name (`tpc`): the topic you will join. */
    topic: string;
    /** `role_type`: 1 host, 0 participant. Default 0. */
    role?: 0 | 1;
    /** `user_key`: your id for the user. */
    userKey?: string;
    /** `session_key`. */
    sessionKey?: string;
    /** `exp - iat`, 1800 to 172800. Default 7200. */
    expiresInSeconds?: number;
}
/** `createSim` options: every field of the native `SimConfig` (camelCase), plus the clock. */
export interface SimOptions {
    /** Same seed + same script + same calls => same events (default 0). */
    seed?: number;
    /** `"real"` (default): time passes with `setTimeout`, owned by the simulator and cleared by `destroy()`.
     *  `"manual"`: time passes only in `advance(ms)`. */
    clock?: "real" | "manual";
    /** Wrap `globalThis.setTimeout`/`setInterval` so `activeTimerCount()` can count the page's live timers. */
    watchTimers?: boolean;
    /** Wall-clock ms at virtual time 0, for token `iat`/`exp` (default: `Date.now()`). */
    epochMs?: number;
    /** Call latencies in ms: `{ init, join, leave, media }`, each `{ min, max }`. */
    latency?: Partial<Record<"init" | "join" | "leave" | "media", { min: number; max: number }>>;
    /** When set, token signatures are verified with this Video SDK secret. */
    sdkSecret?: string;
    /** When set, a token's `app_key` must equal it. */
    sdkKey?: string;
    /** The session password joins must give. */
    sessionPassword?: string;
    /** The `session_key` tokens must carry. */
    sessionKey?: string;
    /** Participants already in the session. */
    participants?: { name?: string; host?: boolean; video?: boolean; audio?: boolean }[];
    /** The machine's devices (default: one camera, microphone, speaker). */
    devices?: { kind: SimDeviceKind; label: string }[];
    /** What `checkSystemRequirements()` reports. */
    compatibility?: { audio: boolean; video: boolean; screen: boolean };
    /** When false, `init` rejects with 5001. */
    assetsReachable?: boolean;
    /** A dropped connection longer than this ends in `Fail` (default 120000). */
    reconnectGiveUpMs?: number;
    cameraPermission?: "granted" | "denied" | "prompt";
    microphonePermission?: "granted" | "denied" | "prompt";
    maxRenderableVideos?: number;
    supportMultipleVideos?: boolean;
    supportHdVideo?: boolean;
    /** `canStartRecording()`; when false `startCloudRecording` rejects with 7200. Default true. */
    cloudRecording?: boolean;
}
export type SimDeviceKind = "camera" | "microphone" | "speaker" | "videoinput" | "audioinput" | "audiooutput";
export type SimFaultName =
| "dropConnection" | "failover" | "fail" | "close" | "expireToken" | "unplug" | "replug"
| "revokePermission" | "grantPermission" | "mediaFailed" | "qualityRamp"
| "stopShareFromBrowser" | "denyNextShare" | "autoPlayAudioFailed";
export type SimActionName =
| "addParticipant" | "addParticipants" | "removeParticipant" | "speak" | "setVideo" | "setMuted"
| "setShare" | "participantFailover" | "hostMuteMe" | "hostAskUnmute" | "speakWhileMuted"
| "sendChat" | "setChatPrivilege" | "setRecording" | "askRecordingConsent" | "setMeManager" | "micLevel";
/** The SDK's `ChatMessage`, as the simulator fills it. */
export interface ChatMessage {
    id: string; message: string; sender: { name: string; userId: number };
    receiver: { name: string; userId: number }; timestamp: number;
}
/** One script step: `{ at, fault, ...params }` or `{ at, action, ...params }`. */
export type SimStep = { at: number } & ({ fault: SimFaultName } | { action: SimActionName }) & Record<string, unknown>;
/** An event as delivered to `client.on` listeners. */
export interface SimEventRecord { at: number; name: string; payload: unknown }
/** A step of a loaded script that could not apply at its time. */
export interface SimStepError { at: number; message: string }
/** `ExecutedFailure`: what every simulated SDK promise rejects with (a plain object, not an Error). */
export interface ExecutedFailure { type: string; reason: string; errorCode: number }
/** The SDK's `Participant`, as far as the simulator fills it. */
export interface Participant {
    userId: number; displayName: string; audio: "" | "computer" | "phone"; muted?: boolean;
    isHost: boolean; isManager: boolean; bVideoOn: boolean; sharerOn: boolean; sharerPause: boolean;
    isAllowIndividualRecording: boolean; isVideoConnect: boolean; userGuid?: string;
    userIdentity?: string; userKey?: string; isInFailover?: boolean;
}
/** The SDK's `SessionInfo`. */
export interface SessionInfo { topic: string; password: string; userName: string; userId: number; isInMeeting: boolean; sessionId: string }
/** The SDK's `MediaDevice`. */
export interface MediaDevice { label: string; deviceId: string }



/**
 * The look-alike of `ChatClient` (`client.getChatClient()`).
 */
export class ChatClient {
    private constructor();
    free(): void;
    /**
     * `getHistory()`: `ChatMessage[]`.
     */
    getHistory(): ChatMessage[];
    /**
     * `getPrivilege()`: a `ChatPrivilege` number.
     */
    getPrivilege(): number;
    /**
     * `sendToAll(text)`: resolves with the sent `ChatMessage`.
     */
    sendToAll(text: string): Promise<ChatMessage>;
    /**
     * `send(text, userId)`: resolves with the sent `ChatMessage`.
     */
    send(text: string, userId: number): Promise<ChatMessage>;
    /**
     * `setPrivilege(privilege)`: a `ChatPrivilege` number (host or manager).
     */
    setPrivilege(privilege: number): Promise<"">;
}

/**
 * The look-alike of `RecordingClient` (`client.getRecordingClient()`).
 */
export class RecordingClient {
    private constructor();
    free(): void;
    /**
     * `acceptIndividualRecording()`.
     */
    acceptIndividualRecording(): Promise<"">;
    /**
     * `canStartRecording()`.
     */
    canStartRecording(): boolean;
    /**
     * `declineIndividualRecording()`.
     */
    declineIndividualRecording(): Promise<"">;
    /**
     * `getCloudRecordingStatus()`: a `RecordingStatus`.
     */
    getCloudRecordingStatus(): string;
    /**
     * `pauseCloudRecording()` (host).
     */
    pauseCloudRecording(): Promise<"">;
    /**
     * `resumeCloudRecording()` (host).
     */
    resumeCloudRecording(): Promise<"">;
    /**
     * `startCloudRecording()` (host).
     */
    startCloudRecording(): Promise<"">;
    /**
     * `stopCloudRecording()` (host).
     */
    stopCloudRecording(): Promise<"">;
}

/**
 * The handle `createSim` returns: the `zoomVideo` look-alike, the fault
 * buttons, the clock and the introspection a test needs to prove a client
 * released everything it took.
 */
export class SimController {
    private constructor();
    free(): void;
    /**
     * Applies another participant's (or the host's) action by name, e.g.
     * `act("setVideo", { who: "Ann", on: true })`. Returns the ids of
     * participants it added.
     *
     * # Errors
     * An `Error` for an unknown action, bad parameters, or an absent
     * participant.
     */
    act(name: SimActionName, params?: Record<string, unknown>): number[];
    /**
     * Timers the page started with `setTimeout`/`setInterval` since
     * `createSim({ watchTimers: true })` and that are still pending (the
     * simulator's own timers excluded).
     *
     * # Errors
     * Without `watchTimers: true`, so that a test cannot pass by not
     * counting.
     */
    activeTimerCount(): number;
    /**
     * Media the client started and did not stop (microphone, camera,
     * screen share).
     */
    activeTrackCount(): number;
    /**
     * `n` participants join. Returns their `userId`s.
     *
     * # Errors
     * Never in practice.
     */
    addParticipants(n: number): number[];
    /**
     * Moves virtual time forward by `ms` and delivers what happened. In
     * real-time mode this skips ahead of the wall clock.
     */
    advance(ms: number): void;
    /**
     * The videos attached with `attachVideo` and not detached:
     * `[{ userId, videoQuality }]`, by user id.
     */
    attachedVideos(): { userId: number; videoQuality: number }[];
    /**
     * `connection-change` `Closed` with `reason`: `kicked by host`,
     * `ended by host` or `expeled by host`.
     *
     * # Errors
     * Another reason, or outside a session.
     */
    close(reason: "kicked by host" | "ended by host" | "expeled by host"): void;
    /**
     * Stops the simulator: clears its timer, restores watched timer
     * functions, rejects calls still pending. Listener counts stay readable.
     */
    destroy(): void;
    /**
     * The network is down for `ms`: `Reconnecting`, then `Connected` (or
     * `Fail` after `reconnectGiveUpMs`).
     *
     * # Errors
     * Never in practice; see [`SimController::fault`].
     */
    dropConnection(ms: number): void;
    /**
     * Every event delivered so far, in order; `take` empties the log.
     */
    events(take?: boolean | null): SimEventRecord[];
    /**
     * The current (or last, or next) join's token is expired: rejoining with
     * it is rejected with 200.
     *
     * # Errors
     * Never in practice.
     */
    expireToken(): void;
    /**
     * `connection-change` `Fail`.
     *
     * # Errors
     * Outside a session.
     */
    fail(): void;
    /**
     * Zoom's failover for `ms`: `Reconnecting` (reason `failover`), then
     * `Connected`.
     *
     * # Errors
     * Outside a session.
     */
    failover(ms: number): void;
    /**
     * Applies a fault by name with its parameters, e.g.
     * `fault("close", { reason: "ended by host" })`. Its events are
     * delivered before this returns.
     *
     * # Errors
     * An `Error` for an unknown fault, bad parameters, or a fault that
     * cannot apply now (e.g. `fail` outside a session).
     */
    fault(name: SimFaultName, params?: Record<string, unknown>): void;
    /**
     * Grants the `camera` or `microphone` permission again.
     *
     * # Errors
     * Another kind.
     */
    grantPermission(kind: "camera" | "microphone"): void;
    /**
     * Listeners registered with `client.on` and not removed with `off`,
     * for one event or all.
     */
    listenerCount(event?: string | null): number;
    /**
     * `active-media-failed` with an `ActiveMediaFailedCode`.
     *
     * # Errors
     * Not a real code, or outside a session.
     */
    mediaFailed(code: number): void;
    /**
     * Virtual time in ms.
     */
    now(): number;
    /**
     * SDK calls whose promise has not settled yet.
     */
    pendingCalls(): number;
    /**
     * `network-quality-change` from `from` to `to` every `stepMs`:
     * `{ direction: "uplink" | "downlink", from, to, stepMs, userId? }`.
     *
     * # Errors
     * Bad parameters.
     */
    qualityRamp(params: { direction: "uplink" | "downlink"; from: number; to: number; stepMs: number; userId?: number }): void;
    /**
     * A participant leaves.
     *
     * # Errors
     * No such participant.
     */
    removeParticipant(userId: number): void;
    /**
     * Plugs the device back (same id), or a new one with that label.
     *
     * # Errors
     * An unknown kind.
     */
    replug(kind: SimDeviceKind, label: string): void;
    /**
     * Revokes the `camera` or `microphone` permission.
     *
     * # Errors
     * Another kind.
     */
    revokePermission(kind: "camera" | "microphone"): void;
    /**
     * Loads a script: an array of `SimStep`, times in ms of virtual time.
     *
     * # Errors
     * An `Error` naming the first step that cannot be read.
     */
    script(steps: SimStep[]): void;
    /**
     * The `sessionIdleTimeoutMins` the last `join` was called with, or
     * `null` (no join yet, or none given).
     */
    sessionIdleTimeoutMins(): number | null;
    /**
     * Whose share `startShareView` draws now, or `null`.
     */
    shareViewUser(): number | null;
    /**
     * Timers the simulator itself has armed (0 or 1; 0 after `destroy`).
     */
    simTimerCount(): number;
    /**
     * Script steps that could not apply at their time.
     */
    stepErrors(): SimStepError[];
    /**
     * A Video SDK token this simulator accepts, for tests and demos that
     * have no token server: `sim.token({ topic, role, userKey, sessionKey,
     * expiresInSeconds })` (all but `topic` optional; `role` 0 or 1,
     * default 0; lifetime default 7200 s). It is signed with the
     * simulator's `sdkSecret` when it has one, for its `sdkKey`.
     *
     * # Errors
     * A missing or bad field, or an unknown one, named.
     */
    token(request: SimTokenRequest): string;
    /**
     * Unplugs the device of `kind` (`camera`, `microphone`, `speaker`)
     * labelled `label` (`device-change`).
     *
     * # Errors
     * No such device.
     */
    unplug(kind: SimDeviceKind, label: string): void;
    /**
     * The `startVideo` option the camera is capturing with
     * (`{ cameraId?, hd?, fullHd? }`), or `null` while it is off.
     */
    videoCapture(): { cameraId?: string; hd?: boolean; fullHd?: boolean } | null;
    /**
     * The `ZoomVideo` look-alike: pass it wherever `@zoom/videosdk`'s default
     * export is expected.
     */
    readonly zoomVideo: ZoomVideo;
}

/**
 * The look-alike of `Stream` (`client.getMediaStream()`).
 */
export class Stream {
    private constructor();
    free(): void;
    /**
     * `attachVideo(userId, videoQuality, element?)`: resolves with a
     * `VideoPlayer` stand-in `{ userId, videoQuality }`; rejects with 6002
     * outside a session, 6001 for an unknown user, 6111 past
     * `getMaxRenderableVideos()`.
     */
    attachVideo(userId: number, videoQuality: number, element?: object): Promise<{ userId: number; videoQuality: number }>;
    /**
     * `detachVideo(userId, element?)`.
     */
    detachVideo(userId: number, element?: object): Promise<unknown>;
    /**
     * `getActiveCamera()`.
     */
    getActiveCamera(): string;
    /**
     * `getActiveMicrophone()`.
     */
    getActiveMicrophone(): string;
    /**
     * `getActiveSpeaker()`.
     */
    getActiveSpeaker(): string;
    /**
     * `getCameraList()`: `MediaDevice[]`.
     */
    getCameraList(): MediaDevice[];
    /**
     * `getMaxRenderableVideos()`.
     */
    getMaxRenderableVideos(): number;
    /**
     * `getMicList()`: `MediaDevice[]`.
     */
    getMicList(): MediaDevice[];
    /**
     * `getSpeakerList()`: `MediaDevice[]`.
     */
    getSpeakerList(): MediaDevice[];
    /**
     * `isAudioMuted(userId?)`.
     */
    isAudioMuted(userId?: number): boolean;
    /**
     * `isCapturingVideo()`.
     */
    isCapturingVideo(): boolean;
    /**
     * `isShareLocked()`.
     */
    isShareLocked(): boolean;
    /**
     * `isSupportHDVideo()`.
     */
    isSupportHDVideo(): boolean;
    /**
     * `isSupportMultipleVideos()`.
     */
    isSupportMultipleVideos(): boolean;
    /**
     * `lockShare(isLocked)` (host or manager).
     */
    lockShare(isLocked: boolean): Promise<"">;
    /**
     * `muteAudio(userId?)`.
     */
    muteAudio(userId?: number): Promise<"">;
    /**
     * `startAudio(options?)`: reads `mute`, `microphoneId`, `speakerId`.
     */
    startAudio(options?: { mute?: boolean; microphoneId?: string; speakerId?: string }): Promise<"">;
    /**
     * `startShareScreen(canvas, options?)`: `canvas` must be an element
     * (any object), else 6003.
     */
    startShareScreen(canvas: object, options?: object): Promise<"">;
    /**
     * `startShareView(canvas, activeUserId)`: `canvas` must be an element
     * (any object), else 6003; the user must be sharing, else 6205.
     */
    startShareView(canvas: object, activeUserId: number): Promise<"">;
    /**
     * `startVideo(option?)`: reads `cameraId`, `hd`, `fullHd`.
     */
    startVideo(option?: { cameraId?: string; hd?: boolean; fullHd?: boolean }): Promise<"">;
    /**
     * `stopAudio()`.
     */
    stopAudio(): Promise<"">;
    /**
     * `stopShareScreen()`.
     */
    stopShareScreen(): Promise<"">;
    /**
     * `stopShareView()`.
     */
    stopShareView(): Promise<"">;
    /**
     * `stopVideo()`.
     */
    stopVideo(): Promise<"">;
    /**
     * `switchCamera(cameraDeviceId)`.
     */
    switchCamera(cameraDeviceId: string): Promise<"">;
    /**
     * `switchMicrophone(microphoneId)`.
     */
    switchMicrophone(microphoneId: string): Promise<"">;
    /**
     * `switchSpeaker(speakerId)`.
     */
    switchSpeaker(speakerId: string): Promise<"">;
    /**
     * `unmuteAudio(userId?)`.
     */
    unmuteAudio(userId?: number): Promise<"">;
}

/**
 * The look-alike of `VideoClient`.
 */
export class VideoClient {
    private constructor();
    free(): void;
    /**
     * `getAllUser()`: `Participant[]`.
     */
    getAllUser(): Participant[];
    /**
     * `getChatClient()`: the same `ChatClient` every call.
     */
    getChatClient(): ChatClient;
    /**
     * `getCurrentUserInfo()`: a `Participant`, `undefined` outside a session.
     */
    getCurrentUserInfo(): Participant | undefined;
    /**
     * `getMediaStream()`: the same `Stream` every call.
     */
    getMediaStream(): Stream;
    /**
     * `getRecordingClient()`: the same `RecordingClient` every call.
     */
    getRecordingClient(): RecordingClient;
    /**
     * `getSessionInfo()`: `SessionInfo`.
     */
    getSessionInfo(): SessionInfo;
    /**
     * `init(language, dependentAssets, options?)`.
     */
    init(language: string, dependentAssets: string, options?: object): Promise<"">;
    /**
     * `join(topic, token, userName, sessionPassword?, sessionIdleTimeoutMins?)`.
     */
    join(topic: string, token: string, userName: string, sessionPassword?: string, sessionIdleTimeoutMins?: number): Promise<"">;
    /**
     * `leave(end?)`.
     */
    leave(end?: boolean): Promise<"">;
    /**
     * `makeHost(userId)` (host).
     */
    makeHost(userId: number): Promise<"">;
    /**
     * `makeManager(userId)` (host).
     */
    makeManager(userId: number): Promise<"">;
    /**
     * `off(event, callback)`: removes one registration of `callback`.
     *
     * # Errors
     * When `event` is not a string or `callback` not a function.
     */
    off(event: string, callback: (payload: any) => void): void;
    /**
     * `on(event, callback)`.
     *
     * # Errors
     * A `TypeError`-like `Error` when `event` is not a string or `callback`
     * not a function.
     */
    on(event: string, callback: (payload: any) => void): void;
    /**
     * `removeUser(userId)` (host or manager).
     */
    removeUser(userId: number): Promise<"">;
    /**
     * `revokeManager(userId)` (host).
     */
    revokeManager(userId: number): Promise<"">;
}

/**
 * The look-alike of `@zoom/videosdk`'s default export.
 */
export class ZoomVideo {
    private constructor();
    free(): void;
    /**
     * `ZoomVideo.checkSystemRequirements()`: `MediaCompatibility`.
     */
    checkSystemRequirements(): { audio: boolean; video: boolean; screen: boolean };
    /**
     * `ZoomVideo.createClient()`: the same `VideoClient` every call.
     */
    createClient(): VideoClient;
    /**
     * `ZoomVideo.destroyClient()`: leaves the session if in one, and
     * resolves when that is done.
     */
    destroyClient(): Promise<void>;
    /**
     * `ZoomVideo.getDevices(skipPermissionCheck?)`: resolves with
     * `{ deviceId, kind, label, groupId }[]`.
     */
    getDevices(skipPermissionCheck?: boolean): Promise<{ deviceId: string; kind: "videoinput" | "audioinput" | "audiooutput"; label: string; groupId: string }[]>;
}

/**
 * Creates a simulator. `options`: see `SimOptions` (all optional).
 *
 * ```js
 * import { init, createSim } from "zoomkit/sim";
 * await init();
 * const sim = createSim({ seed: 1, clock: "manual" });
 * const client = sim.zoomVideo.createClient();
 * ```
 *
 * # Errors
 * An `Error` naming the option that could not be read.
 */
export function createSim(options?: SimOptions): SimController;

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
