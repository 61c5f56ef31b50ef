// Speakers, per-participant network quality and the microphone level
// through the real glue (wasm driver + core) against zoomkit/sim, in
// headless Chromium: the simulated participants talk and their network
// changes, each participant carries `speaking` and its quality, the local
// level reaches `audioLevel()`, the Stage's speaker mode follows the held
// speaker, and every listener and timer is released after leave.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openPage, validToken } from "./harness.mjs";

let server, browser, tab;
const TOPIC = "zoomkit-speakers";

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  tab = await openPage(browser, `${server.origin}/pages/blank.html`);
  await tab.page.addScriptTag({ type: "module", url: "/pages/sim-session.js" });
  await tab.page.waitForFunction(() => window.zkReady === true);
});

after(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

async function run(fn, arg) {
  try {
    return await tab.page.evaluate(fn, arg);
  } catch (e) {
    throw new Error(`${e.message}\npage log:\n${tab.logs.slice(-30).join("\n")}`);
  }
}

const RELEASED = { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 };

test("speaking, quality per participant and the mic level; speaker mode follows the speaker", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const spec = (name) => ({ name, audio: true, video: true });
    const { sim, session, log } = zk.start({ participants: [spec("Ann"), spec("Bob")] }, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada", audio: true });
    await zk.until(() => session.participants().length === 3 && session.audio().connected, "joined with audio");
    const stage = new zk.Stage(session, { mode: { kind: "speaker" }, viewport: { width: 1280, height: 720 } });
    const byName = (n) => session.participants().find((p) => p.displayName === n);
    const before = { speaking: byName("Ann").speaking, up: byName("Ann").uplinkQuality, level: session.audioLevel() };
    sim.act("speak", { who: "Ann" });
    await zk.until(() => byName("Ann").speaking, "Ann speaking");
    const main = () => stage.update().tiles.find((t) => t.role === "main");
    await zk.until(() => main()?.userId === byName("Ann").userId && main().speaking, "speaker mode shows Ann");
    const annSpeaking = session.participants().filter((p) => p.speaking).map((p) => p.displayName);
    sim.act("speak", { who: "Bob" });
    await zk.until(() => byName("Bob").speaking && !byName("Ann").speaking, "Bob speaking, Ann not");
    sim.qualityRamp({ userId: byName("Bob").userId, direction: "downlink", from: 4, to: 1, stepMs: 50 });
    sim.qualityRamp({ direction: "uplink", from: 3, to: 5, stepMs: 50 });
    await zk.until(() => byName("Bob").downlinkQuality === 1 && byName("Ada").uplinkQuality === 5, "quality landed");
    sim.act("micLevel", { level: 7 });
    await zk.until(() => session.audioLevel() === 7, "mic level");
    const out = {
      before, annSpeaking,
      bob: { up: byName("Bob").uplinkQuality, down: byName("Bob").downlinkQuality },
      ann: { up: byName("Ann").uplinkQuality, down: byName("Ann").downlinkQuality },
      levels: log.filter((e) => e.event === "audioLevel").map((e) => e.level),
      errors: log.filter((e) => e.event === "sdkPayloadError" || e.event === "sdkEventRejected"),
      during: session.resources().sdkListeners,
    };
    stage.free();
    await session.leave();
    out.resources = session.resources();
    out.listeners = sim.listenerCount();
    out.timers = sim.activeTimerCount();
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.deepEqual(r.before, { speaking: false, up: null, level: null });
  assert.deepEqual(r.annSpeaking, ["Ann"]);
  assert.deepEqual(r.bob, { up: null, down: 1 });
  assert.deepEqual(r.ann, { up: null, down: null }, "quality is kept per user");
  assert.deepEqual(r.levels, [7]);
  assert.deepEqual(r.errors, []);
  assert.ok(r.during >= 21, `one listener per event, the mic level's too: ${r.during}`);
  assert.deepEqual(r.resources, RELEASED);
  assert.equal(r.listeners, 0, "no SDK listener left");
  assert.equal(r.timers, 0, "no timer left");
});

test("viewing shares: the active share is drawn on the app's canvas, stopped when it ends or the canvas is taken back", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log } = zk.start({ participants: [{ name: "Ann" }] }, {}, token);
    const canvas = document.createElement("canvas");
    let badCanvas = null;
    try { session.setShareView("not a canvas"); } catch (e) { badCanvas = { kind: e.kind, zk: e instanceof zk.ZoomkitError }; }
    session.setShareView(canvas);
    await session.join({ topic: TOPIC, userName: "Ada" });
    await zk.until(() => session.participants().length === 2, "Ann listed");
    const ann = session.participants().find((p) => p.displayName === "Ann").userId;
    const stage = new zk.Stage(session, { mode: { kind: "share" }, viewport: { width: 1280, height: 720 } });
    sim.act("setShare", { who: "Ann", on: true });
    await zk.until(() => sim.shareViewUser() === ann, "startShareView for Ann");
    const viewing = session.shareView();
    const shareTile = stage.update().tiles.find((t) => t.kind === "share");
    sim.act("setShare", { who: "Ann", on: false });
    await zk.until(() => sim.shareViewUser() === null && session.shareView().active === null, "view stopped");
    const ended = session.shareView();
    sim.act("setShare", { who: "Ann", on: true });
    await zk.until(() => sim.shareViewUser() === ann, "viewing again");
    session.setShareView(null);
    await zk.until(() => sim.shareViewUser() === null, "taken back");
    const takenBack = session.shareView();
    stage.free();
    await session.leave();
    const out = {
      ann, viewing, ended, takenBack, badCanvas, shareTile: shareTile && { userId: shareTile.userId, role: shareTile.role },
      told: log.filter((e) => e.event === "shareViewChanged").length,
      failures: log.filter((e) => e.event === "mediaFailed"),
      resources: session.resources(), listeners: sim.listenerCount(), timers: sim.activeTimerCount(),
    };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.deepEqual(r.badCanvas, { kind: "usage", zk: true }, "a string is refused, typed");
  assert.deepEqual(r.viewing, { sharers: [r.ann], active: r.ann, viewing: r.ann, wanted: true });
  assert.deepEqual(r.shareTile, { userId: r.ann, role: "main" }, "the Stage's share mode shows Ann's share");
  assert.deepEqual(r.ended, { sharers: [], active: null, viewing: null, wanted: true });
  assert.deepEqual(r.takenBack, { sharers: [r.ann], active: r.ann, viewing: null, wanted: false });
  assert.ok(r.told >= 5, `each change told: ${r.told}`);
  assert.deepEqual(r.failures, []);
  assert.deepEqual(r.resources, RELEASED);
  assert.equal(r.listeners, 0, "no SDK listener left");
  assert.equal(r.timers, 0, "no timer left");
});
