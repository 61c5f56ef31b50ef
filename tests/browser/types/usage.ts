// Compiled by `cargo xtask test` with `tsc --strict` against the built npm
// package: the README's usage must type-check, event payloads must be typed
// by name, and mistakes must not (each `@ts-expect-error` fails the build if
// the line below it compiles).
import ZoomVideo from "@zoom/videosdk";
import {
  init,
  Session,
  ZoomSdk,
  ZoomkitError,
  type ReconnectOptions,
  type SessionOptions,
  type AudioStatus,
  type Cause,
  type CaptureProfile,
  type Participant,
  type SessionEvent,
  type SessionState,
} from "zoomkit";
import * as staged from "zoomkit";
import { createSim } from "zoomkit/sim";

export async function readme(): Promise<void> {
  await init();
  const sim = createSim({ seed: 7 });
  const session = new Session({
    zoomVideo: sim.zoomVideo,
    tokenProvider: async ({ topic, reason }) => `token for ${topic} (${reason})`,
    leaveOnPageHide: true,
  });
  const off = session.on("stateChanged", (e) => {
    const from: SessionState = e.from;
    const to: SessionState = e.to;
    const cause: Cause = e.cause;
    const code: number | undefined = e.error?.errorCode;
    console.log(from, to, cause, code);
  });
  session.on("participantJoined", (p) => {
    const name: string = p.displayName;
    const id: number = p.userId;
    console.log(name, id);
  });
  session.on("captureChanged", (e) => {
    const profile: CaptureProfile = e.profile;
    console.log(profile);
  });
  session.on("activeDeviceChanged", (e) => console.log(e.kind, e.device?.label ?? "none", e.reason));
  session.on("*", (e: SessionEvent) => {
    if (e.event === "mediaHealth") console.log(e.remedy, e.code);
    if (e.event === "sdkPayloadError") console.log(e.sdkEvent, e.message);
  });
  // @ts-expect-error: not an event name
  session.on("stateChange", () => {});
  // @ts-expect-error: `videoChanged` carries `on`, not `profile`
  session.on("videoChanged", (e) => console.log(e.profile));
  try {
    await session.join({ topic: "standup", userName: "Ada", audio: true, video: true, sessionIdleTimeoutMins: 40 });
  } catch (err) {
    // A runtime class: `instanceof` narrows.
    if (err instanceof ZoomkitError) {
      const kind: "zoom" | "thrown" | "decode" | "session" | "usage" = err.kind;
      const retryable: boolean | undefined = err.retryable;
      console.log(kind, retryable, err.remedy, err.category, err.hint, err.errorCode, err.type, err.reason);
    }
  }
  const made = new ZoomkitError("by hand", { kind: "usage", hint: "do this" });
  console.log(made.kind);
  // The README's React hook cleanup: leave() always returns a promise.
  const left: Promise<SessionState> = session.leave();
  void left.finally(() => session.free());
  const detail = session.stateDetail();
  if (detail.state === "failed" && detail.error.kind === "tokenTopicMismatch") {
    console.log(`token for ${detail.error.tokenTopic}, not ${detail.error.topic}`);
  }
  if (detail.state === "rejoining" && detail.phase.kind === "waiting") console.log(detail.phase.until);
  const audio: AudioStatus = session.audio();
  const people: Participant[] = session.participants();
  const lists = session.devices();
  console.log(audio.muted, people.length, lists?.cameras[0]?.label);
  off();
  await session.leave();
  session.free();
}

/** The simulator stands in for the real SDK wherever zoomkit takes one. */
export async function simAndRealSdk(): Promise<void> {
  const sim = createSim({ seed: 1 });
  const real = new ZoomSdk(ZoomVideo);
  const simulated = new ZoomSdk(sim.zoomVideo);
  const token: string = sim.token({ topic: "standup", role: 1, userKey: "ada", expiresInSeconds: 3600 });
  // @ts-expect-error: role is 0 or 1
  sim.token({ topic: "standup", role: 2 });
  // @ts-expect-error: the topic is required
  sim.token({ role: 0 });
  const reconnect: ReconnectOptions = { maxAttempts: 3, firstJitterMs: 0, baseMs: 500, maxMs: 4000, budgetMs: 30000 };
  const options: SessionOptions = { zoomVideo: ZoomVideo, tokenProvider: () => token, reconnect };
  const onSim = new Session({ ...options, zoomVideo: sim.zoomVideo });
  // @ts-expect-error: zoomVideo is ZoomVideo or the simulator's, not anything
  new Session({ zoomVideo: 42, tokenProvider: () => token });
  // @ts-expect-error: not a reconnect field
  new Session({ ...options, reconnect: { attempts: 3 } });
  const resumed: Promise<boolean> = onSim.resume();
  console.log(await resumed);
  onSim.free();
  real.free();
  simulated.free();
  sim.destroy();
}

/** The Stage comes with the same one `zoomkit` entry as the Session. */
export async function withStage(): Promise<void> {
  await staged.init();
  const sim = createSim({ seed: 7 });
  const session = new staged.Session({ zoomVideo: sim.zoomVideo, tokenProvider: async () => "token" });
  const stage = new staged.Stage(session, { onLayout: (l: staged.Layout) => console.log(l.tiles.length) });
  const quality = new staged.QualityController({ allowFullHd: false });
  quality.free();
  stage.free();
  session.free();
}

/** Chat, host controls, recording and the logger are typed end to end. */
export async function features(): Promise<void> {
  await init();
  const sim = createSim({ seed: 3, cloudRecording: true });
  const records: staged.LogRecord[] = [];
  const session = new Session({
    zoomVideo: sim.zoomVideo,
    tokenProvider: ({ topic }) => sim.token({ topic, role: 1 }),
    logger: (r) => records.push(r),
  });
  session.on("chatMessage", (m) => {
    const text: string | null = m.message;
    const toEveryone: boolean = m.receiver.userId === 0;
    console.log(text, toEveryone, m.sender.name);
  });
  session.on("recordingChanged", (e) => {
    const status: staged.RecordingStatus = e.status;
    console.log(status);
  });
  session.on("individualRecordingChanged", (e) => console.log(e.status, e.userId));
  session.on("chatPrivilegeChanged", (e) => {
    const p: staged.ChatPrivilege = e.privilege;
    console.log(p);
  });
  const sent: staged.ChatMessage | undefined = await session.sendChat("hello");
  await session.sendChat("just you", 16778240);
  const history: staged.ChatMessage[] = session.chatHistory();
  await session.setChatPrivilege("everyonePublicly");
  // @ts-expect-error: not a ChatPrivilege
  await session.setChatPrivilege("nobody");
  const done: Promise<void>[] = [
    session.muteParticipant(1),
    session.askToUnmute(1),
    session.removeParticipant(1),
    session.makeHost(1),
    session.makeManager(1),
    session.revokeManager(1),
    session.lockShare(true),
    session.startRecording(),
    session.pauseRecording(),
    session.resumeRecording(),
    session.stopRecording(),
    session.acceptRecording(),
    session.declineRecording(),
  ];
  try {
    await Promise.all(done);
  } catch (e) {
    if (e instanceof ZoomkitError && e.code === "hostOnly") console.log(e.message);
  }
  const role: staged.Role = session.role();
  const share: staged.SharePrivilege | null = session.sharePrivilege();
  const status: staged.RecordingStatus | null = session.recordingStatus();
  const can: boolean = session.canStartRecording();
  console.log(sent?.id, history.length, role, share, status, can, session.recordingConsentPending());
  const mic: number | null = session.audioLevel();
  session.on("audioLevel", (e) => console.log(e.level));
  session.setShareView(document.createElement("canvas"));
  const view: staged.ShareView = session.shareView();
  session.on("shareViewChanged", (e) => console.log(e.viewing, e.sharers.length));
  const talking = session.participants().filter((p) => p.speaking && (p.downlinkQuality ?? 5) >= 2);
  console.log(mic, view.active, talking.length);
  session.setShareView(null);
  const level: "debug" | "info" | "warn" | "error" | undefined = records[0]?.level;
  console.log(level);
  // @ts-expect-error: the logger takes a function
  new Session({ zoomVideo: sim.zoomVideo, tokenProvider: () => "t", logger: "console" });
  session.free();
  sim.destroy();
}
