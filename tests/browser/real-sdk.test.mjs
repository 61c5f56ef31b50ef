// First contact with the genuine @zoom/videosdk, through zoomkit's own wasm
// bindings, in headless Chromium with fake devices and no network.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openPage, unauthorisedToken } from "./harness.mjs";

let server, browser, tab;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  tab = await openPage(browser, `${server.origin}/pages/blank.html`);
  await tab.page.evaluate(async () => {
    const zoomkit = await import("/pkg/index.js");
    await zoomkit.init();
    const { default: ZoomVideo } = await import("/sdk/index.esm.js");
    window.zoomkit = zoomkit;
    window.sdk = new zoomkit.ZoomSdk(ZoomVideo);
  });
});

after(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

test("checkSystemRequirements reports audio, video and screen as booleans", async () => {
  const compat = await tab.page.evaluate(() => window.sdk.checkSystemRequirements());
  assert.deepEqual(Object.keys(compat).sort(), ["audio", "screen", "video"]);
  assert.equal(compat.audio, true, "Chromium supports audio");
  assert.equal(compat.video, true, "Chromium supports video");
});

test("init with the locally served dist/lib succeeds offline", async () => {
  const outcome = await tab.page.evaluate(async (assets) => {
    try {
      await window.sdk.init("en-US", assets);
      return "ok";
    } catch (e) {
      return `failed: ${e.message}`;
    }
  }, `${server.origin}/sdk/lib`);
  assert.equal(outcome, "ok", tab.logs.join("\n"));
});

test("getDevices lists Chromium's fake camera, microphones and speakers, by kind", async () => {
  const devices = await tab.page.evaluate(() => window.sdk.getDevices());
  assert.deepEqual(Object.keys(devices).sort(), ["cameras", "microphones", "speakers"], JSON.stringify(devices));
  assert.ok(devices.cameras.length >= 1, JSON.stringify(devices));
  assert.ok(devices.microphones.length >= 1, JSON.stringify(devices));
  assert.ok(devices.speakers.length >= 1, JSON.stringify(devices));
  assert.ok(
    devices.cameras.some((d) => /fake/i.test(d.label)),
    `the fake camera has a label: ${JSON.stringify(devices.cameras)}`,
  );
  for (const d of [...devices.cameras, ...devices.microphones, ...devices.speakers]) {
    assert.equal(typeof d.deviceId, "string");
    assert.equal(typeof d.groupId, "string");
  }
});

test("a local preview starts on the fake camera and stops, releasing it", async () => {
  const r = await tab.page.evaluate(async () => {
    const video = document.createElement("video");
    video.muted = true;
    document.body.append(video);
    const devices = await window.sdk.getDevices();
    const camera = devices.cameras[0];
    const tracksOf = () => {
      const streams = [...document.querySelectorAll("video")].map((v) => v.srcObject).filter(Boolean);
      return streams.flatMap((s) => s.getVideoTracks());
    };
    const preview = await window.sdk.startPreview(video, camera.deviceId);
    // The SDK attaches the camera asynchronously.
    const t0 = performance.now();
    while (!tracksOf().some((t) => t.readyState === "live") && performance.now() - t0 < 10000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const live = tracksOf().filter((t) => t.readyState === "live").map((t) => t.label);
    const tracks = tracksOf();
    const runningBefore = preview.running;
    await preview.stop();
    const afterStop = tracks.map((t) => t.readyState);
    const runningAfter = preview.running;
    await preview.stop(); // idempotent
    preview.free();
    video.remove();
    return { live, afterStop, runningBefore, runningAfter };
  });
  assert.ok(r.live.length >= 1, `a live camera track during the preview: ${JSON.stringify(r)}`);
  assert.ok(r.live.some((l) => /fake/i.test(l)), `the fake camera: ${JSON.stringify(r)}`);
  assert.equal(r.runningBefore, true);
  assert.equal(r.runningAfter, false);
  assert.ok(r.afterStop.every((s) => s === "ended"), `every track ended after stop: ${JSON.stringify(r)}`);
});

test("a Session on the real SDK: join rejected with 200, typed, with the policy's decision, and nothing left behind", async () => {
  const token = await unauthorisedToken("zoomkit-offline");
  const r = await tab.page.evaluate(async ({ token, assets }) => {
    const { default: ZoomVideo } = await import("/sdk/index.esm.js");
    const session = new window.zoomkit.Session({
      zoomVideo: ZoomVideo,
      tokenProvider: () => token,
      dependentAssets: assets,
      storage: false,
    });
    const states = [];
    session.on("stateChanged", (e) => states.push(e.to));
    let err = null;
    try {
      await session.join({ topic: "zoomkit-offline", userName: "zoomkit test" });
    } catch (e) {
      err = { isError: e instanceof Error, zoomkitError: e instanceof window.zoomkit.ZoomkitError, name: e.name, kind: e.kind, state: e.state, type: e.type, errorCode: e.errorCode, reason: e.reason,
              retryable: e.retryable, remedy: e.remedy, category: e.category, hint: e.hint, message: e.message };
    }
    const resources = session.resources();
    const detail = session.stateDetail();
    session.free();
    return { states, err, resources, detail };
  }, { token, assets: `${server.origin}/sdk/lib` });
  assert.deepEqual(r.states, ["fetching_token", "initialising", "joining", "failed"], JSON.stringify(r));
  assert.equal(r.err.isError, true);
  assert.equal(r.err.zoomkitError, true);
  assert.equal(r.err.name, "ZoomkitError");
  assert.equal(r.err.kind, "session");
  assert.match(r.err.message, /200/);
  assert.equal(r.err.message.split(r.err.hint).length, 2, `the hint is said once: ${r.err.message}`);
  assert.equal(r.err.state, "failed");
  assert.equal(r.err.errorCode, 200, JSON.stringify(r.err));
  assert.equal(typeof r.err.type, "string");
  assert.equal(typeof r.err.reason, "string");
  assert.equal(r.err.category, "session");
  assert.equal(typeof r.err.retryable, "boolean");
  assert.equal(typeof r.err.hint, "string");
  // The policy's decision: a first join that fails is not retried; the
  // classification tells the app whether trying again can help.
  assert.equal(r.detail.state, "failed", JSON.stringify(r.detail));
  assert.equal(r.detail.error.kind, "join", JSON.stringify(r.detail));
  assert.equal(r.detail.error.error.errorCode, 200, JSON.stringify(r.detail));
  // Code 200 means a bad token unless Zoom says the connection failed
  // (offline, it does): then trying again later can help.
  assert.equal(r.err.retryable, /connection/i.test(r.err.reason), JSON.stringify(r.err));
  assert.equal(r.err.remedy, r.err.retryable ? "retryLater" : r.err.remedy, JSON.stringify(r.err));
  assert.deepEqual(r.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });
});
