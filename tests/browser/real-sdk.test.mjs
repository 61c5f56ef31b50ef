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

test("getDevices lists Chromium's fake camera, microphones and speakers", async () => {
  const devices = await tab.page.evaluate(() => window.sdk.getDevices());
  const of = (kind) => devices.filter((d) => d.kind === kind);
  assert.ok(of("camera").length >= 1, JSON.stringify(devices));
  assert.ok(of("microphone").length >= 1, JSON.stringify(devices));
  assert.ok(of("speaker").length >= 1, JSON.stringify(devices));
  assert.ok(
    of("camera").some((d) => /fake/i.test(d.label)),
    `the fake camera has a label: ${JSON.stringify(of("camera"))}`,
  );
  for (const d of devices) {
    assert.equal(typeof d.deviceId, "string");
    assert.equal(typeof d.groupId, "string");
  }
});

test("join with a well-formed but unauthorised token rejects with Zoom's code 200, typed", async () => {
  const token = await unauthorisedToken("zoomkit-offline");
  const error = await tab.page.evaluate(async (token) => {
    try {
      await window.sdk.join("zoomkit-offline", token, "zoomkit test");
      return null;
    } catch (e) {
      return {
        isError: e instanceof Error,
        name: e.name,
        kind: e.kind,
        op: e.op,
        type: e.type,
        errorCode: e.errorCode,
        reason: e.reason,
        message: e.message,
      };
    }
  }, token);
  assert.ok(error, "join must reject offline");
  assert.equal(error.isError, true);
  assert.equal(error.name, "ZoomkitError");
  assert.equal(error.kind, "zoom", JSON.stringify(error));
  assert.equal(error.op, "VideoClient.join");
  assert.equal(error.errorCode, 200, JSON.stringify(error));
  assert.equal(typeof error.type, "string");
  assert.ok(error.type.length > 0);
  assert.equal(typeof error.reason, "string");
  assert.match(error.message, /200/);
});
