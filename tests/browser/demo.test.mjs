// `cargo xtask demo` serves the page, and the page shows the fake devices
// when opened in headless Chromium.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { launchBrowser, openPage } from "./harness.mjs";

let demo, browser;

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    demo.kill("SIGINT");
    await new Promise((resolve) => demo.once("exit", resolve));
  }
});

function startDemo() {
  const xtask = process.env.XTASK_BIN;
  assert.ok(xtask, "XTASK_BIN must point at the xtask binary (cargo xtask test sets it)");
  demo = spawn(xtask, ["demo", "--no-build"], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    demo.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    demo.once("exit", (code) => reject(new Error(`demo exited with ${code} before serving: ${out}`)));
  });
}

let url;

test("the demo page initialises the real SDK and lists the fake devices", async () => {
  url = await startDemo();
  browser = await launchBrowser();
  const tab = await openPage(browser, url);
  try {
    await tab.page.waitForSelector('[data-testid="devices"] li[data-kind="speaker"]', { timeout: 30_000 });
    const kinds = await tab.page.$$eval('[data-testid="devices"] li', (lis) => lis.map((li) => li.dataset.kind));
    assert.ok(kinds.includes("camera"), kinds.join());
    assert.ok(kinds.includes("microphone"), kinds.join());
    assert.equal(await tab.page.textContent('[data-testid="sdk-status"]'), "initialised");
    const isolated = await tab.page.evaluate(() => window.crossOriginIsolated);
    assert.equal(isolated, true, "the demo is served cross-origin isolated");
  } catch (e) {
    throw new Error(`${e.message}\npage log:\n${tab.logs.join("\n")}`);
  } finally {
    await tab.close();
  }
});

test("the demo runs a simulated session: join, mute, camera, faults, reconnecting marks, leave", async () => {
  assert.ok(url && browser, "the first test started the demo");
  const tab = await openPage(browser, url);
  const { page } = tab;
  const state = () => page.textContent('[data-testid="state"]');
  const waitState = (s) => page.waitForFunction((s) => document.querySelector('[data-testid="state"]').textContent === s, s, { timeout: 15_000 });
  try {
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.textContent('[data-testid="mode"]'), "simulator");
    for (const f of ["failover", "drop", "fail", "ended", "removed", "expire-token", "unplug-camera", "replug-camera",
      "revoke-camera", "media-failed", "quality-ramp", "add-participants", "participant-failover"]) {
      assert.ok(await page.$(`[data-testid="fault-${f}"]`), `fault-${f} button`);
    }
    assert.equal(await state(), "idle");
    await page.click('[data-testid="join"]');
    await waitState("connected");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="participants"] li').length === 3);
    const names = await page.$$eval('[data-testid="participants"] li', (lis) => lis.map((li) => li.textContent));
    assert.ok(names.some((n) => n.startsWith("Ann")) && names.some((n) => n.startsWith("Ada")), names.join());

    await page.waitForFunction(() => document.querySelector('[data-testid="media"]').textContent.includes("audio on"));
    await page.click('[data-testid="mute"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="media"]').textContent.includes("audio muted"));
    await page.click('[data-testid="camera"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="media"]').textContent.includes("camera off"));
    await page.click('[data-testid="camera"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="media"]').textContent.includes("camera on"));

    await page.click('[data-testid="fault-participant-failover"]');
    await page.waitForSelector('[data-testid="participants"] li[data-reconnecting="true"]', { timeout: 5_000 });
    assert.equal(await page.$$eval('[data-testid="participants"] li', (l) => l.length), 3, "a reconnecting participant is not counted twice");

    await page.click('[data-testid="fault-failover"]');
    await waitState("reconnecting");
    await waitState("connected");
    await page.waitForFunction(() => /Zoom failover: reconnected in \d+\.\d s/.test(document.querySelector('[data-testid="last-reconnect"]').textContent));

    await page.click('[data-testid="fault-unplug-camera"]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="event-log"] li')].some((li) => li.textContent.includes("activeDeviceChanged") && li.textContent.includes("fallback")), null, { timeout: 5_000 });

    await page.click('[data-testid="fault-fail"]');
    await waitState("rejoining");
    await waitState("connected");
    await page.waitForFunction(() => document.querySelector('[data-testid="media"]').textContent.includes("audio muted, camera on"), null, { timeout: 10_000 });

    await page.click('[data-testid="leave"]');
    await waitState("left");
    const released = await page.evaluate(() => ({
      listeners: window.demo.sim.listenerCount(),
      tracks: window.demo.sim.activeTrackCount(),
      resources: window.demo.session.resources(),
    }));
    assert.equal(released.listeners, 0);
    assert.equal(released.tracks, 0);
    assert.deepEqual(released.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });

    await page.click('[data-testid="join"]');
    await waitState("connected");
    await page.click('[data-testid="fault-ended"]');
    await waitState("ended");
    assert.ok((await page.$$eval('[data-testid="event-log"] li', (l) => l.length)) > 10);
  } catch (e) {
    const events = await page.$$eval('[data-testid="event-log"] li', (l) => l.slice(0, 15).map((li) => li.textContent).join("\n")).catch(() => "");
    throw new Error(`${e.message}\nstate: ${await state().catch(() => "?")}\nlatest events:\n${events}\npage log:\n${tab.logs.join("\n")}`);
  } finally {
    await tab.close();
  }
});

test("the demo lays out 1, 4, 9, 25 and 100 simulated participants in every mode, attaching only visible videos", async () => {
  assert.ok(url && browser, "the first test started the demo");
  const tab = await openPage(browser, url);
  const { page } = tab;
  const tiles = () => page.$$eval('[data-testid="tile"]', (l) => l.length);
  const waitTiles = (n) => page.waitForFunction((n) => document.querySelectorAll('[data-testid="tile"]').length === n, n, { timeout: 10_000 });
  try {
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.textContent('[data-testid="mode"]'), "simulator");
    await page.click('[data-testid="join"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="state"]').textContent === "connected");
    const counts = {};
    for (const n of [1, 4, 9, 25, 100]) {
      await page.click(`[data-testid="participants-${n}"]`);
      await page.waitForFunction((n) => window.demo.session.participants().length === n, n, { timeout: 10_000 });
      await waitTiles(Math.min(n, 25));
      const sim = await page.evaluate(() => ({
        attached: window.demo.sim.attachedVideos().length,
        stage: window.demo.stage.attached().length,
        max: window.demo.sim.zoomVideo.createClient().getMediaStream().getMaxRenderableVideos(),
      }));
      counts[n] = { tiles: await tiles(), page: await page.textContent('[data-testid="page"]'), ...sim };
      assert.ok(sim.attached <= sim.max, `never more videos than the SDK can render: ${JSON.stringify(counts[n])}`);
      assert.equal(sim.attached, sim.stage, "the SDK's attached videos are the stage's");
    }
    assert.equal(counts[100].page, "1/4", JSON.stringify(counts));
    await page.click('[data-testid="page-next"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="page"]').textContent === "2/4");
    for (const mode of ["speaker", "pip", "fullscreen", "share", "gallery"]) {
      await page.selectOption('[data-testid="layout-mode"]', mode);
      // Nobody shares in the simulator, so share mode falls back to speaker.
      await page.waitForFunction((kind) => document.querySelector('[data-testid="layout-summary"]').textContent.startsWith(`${kind}:`), mode === "share" ? "speaker" : mode);
      const n = await tiles();
      counts[mode] = n;
      assert.ok(n >= 1, `${mode} shows tiles`);
    }
    assert.equal(counts.fullscreen, 1, JSON.stringify(counts));
    assert.ok(counts.speaker > 1, "speaker: the stage and a filmstrip");
    assert.ok((await page.textContent('[data-testid="layout-summary"]')).includes("videos attached"));
    // The network degrades: the quality controller lowers what is received,
    // and the stage attaches fewer videos (after the hysteresis holds).
    await page.selectOption('[data-testid="layout-mode"]', "gallery");
    await page.click('[data-testid="page-prev"]');
    const attachedBefore = await page.evaluate(() => window.demo.sim.attachedVideos().length);
    await page.click('[data-testid="fault-quality-ramp"]');
    await page.waitForFunction(() => /max videos 1\b/.test(document.querySelector('[data-testid="quality"]').textContent), null, { timeout: 20_000 });
    const attachedLow = await page.evaluate(() => window.demo.sim.attachedVideos());
    assert.ok(attachedLow.length <= 1 && attachedLow.length < attachedBefore, `fewer videos on a bad network: ${attachedBefore} -> ${JSON.stringify(attachedLow)}`);
    assert.ok(attachedLow.every((v) => v.videoQuality <= 0), `at 90p: ${JSON.stringify(attachedLow)}`);
    // A hidden page attaches nothing; visible again, the videos come back.
    await page.click('[data-testid="page-prev"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="page"]').textContent === "1/4");
    const before = await page.evaluate(() => window.demo.sim.attachedVideos().length);
    assert.ok(before > 0, "page 1 of the gallery has videos attached (Ann's camera is on)");
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    assert.equal(await page.evaluate(() => window.demo.sim.attachedVideos().length), 0, "hidden: nothing attached");
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    assert.equal(await page.evaluate(() => window.demo.sim.attachedVideos().length), before, "visible: videos attached again");
    await page.screenshot({ path: "/tmp/zoomkit-demo-stage.png", fullPage: true });
    await page.click('[data-testid="leave"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="state"]').textContent === "left");
    assert.equal(await page.evaluate(() => window.demo.sim.attachedVideos().length), 0, "leave detaches everything");
  } catch (e) {
    const texts = await page.evaluate(() => ["layout-summary", "quality", "page", "state"].map((id) => `${id}: ${document.querySelector(`[data-testid="${id}"]`)?.textContent}`).join("\n")).catch(() => "");
    throw new Error(`${e.message}\n${texts}\npage log:\n${tab.logs.join("\n")}`);
  } finally {
    await tab.close();
  }
});

test("the demo's chat, host controls and recording: as host they work, as a participant they are refused", async () => {
  assert.ok(url && browser, "the first test started the demo");
  const tab = await openPage(browser, url);
  const { page } = tab;
  const text = (id) => page.textContent(`[data-testid="${id}"]`);
  const waitText = (id, want) =>
    page.waitForFunction(([id, want]) => document.querySelector(`[data-testid="${id}"]`).textContent.includes(want), [id, want], { timeout: 10_000 });
  const ann = (testid) => `[data-testid="participants"] li[data-name="Ann"] [data-testid="${testid}"]`;
  try {
    await page.waitForSelector('body[data-ready="true"]');
    await page.check('[data-testid="as-host"]');
    await page.click('[data-testid="join"]');
    await waitText("state", "connected");
    await waitText("role", "host");
    // Chat: ours, Ann's to everyone and Ann's to us.
    await page.fill('[data-testid="chat-input"]', "hello from the demo");
    await page.click('[data-testid="chat-send"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 1);
    await page.click('[data-testid="fault-chat"]');
    await page.click('[data-testid="fault-chat-private"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 3);
    const messages = await page.$$eval('[data-testid="chat-message"]', (l) => l.map((li) => [li.textContent, li.dataset.private]));
    assert.deepEqual(messages.map(([, p]) => p), ["false", "false", "true"], JSON.stringify(messages));
    assert.ok(messages[0][0].includes("hello from the demo"), JSON.stringify(messages));
    await page.selectOption('[data-testid="chat-privilege-select"]', "everyonePublicly");
    await waitText("chat-privilege", "everyonePublicly");
    // Host controls on Ann: mute, then ask to unmute (Ann says yes).
    await page.click(ann("host-mute"));
    await page.waitForFunction(() => document.querySelector('[data-testid="participants"] li[data-name="Ann"]').textContent.includes("🔇"));
    await page.click(ann("host-ask-unmute"));
    await page.waitForFunction(() => !document.querySelector('[data-testid="participants"] li[data-name="Ann"]').textContent.includes("🔇"));
    await page.click(ann("host-make-manager"));
    await page.waitForFunction(() => document.querySelector('[data-testid="participants"] li[data-name="Ann"]').textContent.includes("(manager)"));
    await page.click('[data-testid="lock-share"]');
    await waitText("share-privilege", "locked");
    // Recording.
    assert.equal(await text("rec-can"), "yes");
    await page.click('[data-testid="rec-start"]');
    await waitText("rec-status", "Recording");
    await page.click('[data-testid="rec-pause"]');
    await waitText("rec-status", "Paused");
    await page.click('[data-testid="rec-resume"]');
    await waitText("rec-status", "Recording");
    await page.click('[data-testid="rec-stop"]');
    await waitText("rec-status", "Stopped");
    await page.click('[data-testid="fault-ask-consent"]');
    await page.waitForSelector('[data-testid="rec-consent"]:not([hidden])');
    await page.click('[data-testid="rec-accept"]');
    await page.waitForSelector('[data-testid="rec-consent"][hidden]', { state: "attached" });
    // Handing over host: then every control is refused, typed.
    await page.click('[data-testid="participants"] li[data-name="Bo"] [data-testid="host-make-host"]');
    await waitText("role", "participant");
    await page.click(ann("host-remove"));
    await waitText("action-error", "hostOrManagerOnly");
    await page.click('[data-testid="rec-start"]');
    await waitText("action-error", "hostOnly");
    assert.equal(await page.$$eval('[data-testid="participants"] li', (l) => l.length), 3, "nobody was removed");
    // The logger option feeds the demo's log (no zoomkit line reached the console).
    assert.ok(await page.$$eval('[data-testid="event-log"] li', (l) => l.some((li) => li.textContent.includes("[info] stateChanged"))));
    assert.ok(!tab.logs.some((l) => l.includes("zoomkit:")), tab.logs.join("\n"));
    await page.click('[data-testid="leave"]');
    await waitText("state", "left");
    // The end of the session shows its final stats.
    await page.waitForFunction(() => document.querySelector('[data-testid="stats"] dd[data-stat="final"]')?.textContent === "yes");
    assert.match(await page.textContent('[data-testid="stats"] dd[data-stat="time to join"]'), /^\d+ ms$/);
    const released = await page.evaluate(() => ({
      listeners: window.demo.sim.listenerCount(),
      resources: window.demo.session.resources(),
    }));
    assert.equal(released.listeners, 0);
    assert.deepEqual(released.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });
    await page.screenshot({ path: "/tmp/zoomkit-demo-features.png", fullPage: true });
  } catch (e) {
    const events = await page.$$eval('[data-testid="event-log"] li', (l) => l.slice(0, 15).map((li) => li.textContent).join("\n")).catch(() => "");
    throw new Error(`${e.message}\nlatest events:\n${events}\npage log:\n${tab.logs.join("\n")}`);
  } finally {
    await tab.close();
  }
});

test("the demo shows who speaks, each participant's network, the mic level and Ann's share", async () => {
  assert.ok(url && browser, "the first test started the demo");
  const tab = await openPage(browser, url);
  const { page } = tab;
  const waitText = (id, want) =>
    page.waitForFunction(([id, want]) => document.querySelector(`[data-testid="${id}"]`).textContent.includes(want), [id, want], { timeout: 10_000 });
  const annLi = '[data-testid="participants"] li[data-name="Ann"]';
  try {
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('[data-testid="join"]');
    await waitText("state", "connected");
    await page.waitForSelector(annLi);
    await page.click('[data-testid="fault-speak"]');
    await page.waitForSelector(`${annLi}[data-speaking="true"]`);
    await page.click('[data-testid="fault-ann-quality"]');
    await page.waitForSelector(`${annLi}[data-quality="1"]`, { timeout: 10_000 });
    assert.ok((await page.textContent(annLi)).includes("network bad (1)"));
    await page.waitForFunction(() => document.querySelector('[data-testid="media"]').textContent.includes("audio on"));
    await page.click('[data-testid="fault-mic-level"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="mic-level"]').value === 6);
    await page.click('[data-testid="fault-share"]');
    await waitText("share-view-status", "viewing Ann's share");
    await page.waitForFunction(() => window.demo.sim.shareViewUser() !== null);
    assert.equal(await page.isHidden('[data-testid="share-view"]'), false, "the share canvas is shown");
    await page.click('[data-testid="fault-share-stop"]');
    await waitText("share-view-status", "none");
    await page.screenshot({ path: "/tmp/zoomkit-demo-speakers.png", fullPage: true });
    await page.click('[data-testid="leave"]');
    await waitText("state", "left");
    const released = await page.evaluate(() => ({
      listeners: window.demo.sim.listenerCount(),
      resources: window.demo.session.resources(),
    }));
    assert.equal(released.listeners, 0);
    assert.deepEqual(released.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });
  } catch (e) {
    const events = await page.$$eval('[data-testid="event-log"] li', (l) => l.slice(0, 15).map((li) => li.textContent).join("\n")).catch(() => "");
    throw new Error(`${e.message}\nlatest events:\n${events}\npage log:\n${tab.logs.join("\n")}`);
  } finally {
    await tab.close();
  }
});
