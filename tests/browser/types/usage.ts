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
