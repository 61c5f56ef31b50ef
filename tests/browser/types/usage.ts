// Compiled by `cargo xtask test` with `tsc --strict` against the built npm
// package: the README's usage must type-check, event payloads must be typed
// by name, and mistakes must not (each `@ts-expect-error` fails the build if
// the line below it compiles).
import {
  init,
  Session,
  type AudioStatus,
  type Cause,
  type CaptureProfile,
  type Participant,
  type SessionEvent,
  type SessionState,
  type ZoomkitError,
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
    await session.join({ topic: "standup", userName: "Ada", audio: true, video: true });
  } catch (err) {
    const e = err as ZoomkitError;
    console.log(e.kind, e.hint);
  }
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
