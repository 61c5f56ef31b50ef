// Whole sessions against zoomkit/sim through the real glue (wasm driver +
// core), in headless Chromium: join, failover, rejoin with restored media,
// device unplug and fallback, leave, and proof that everything is released.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openPage, validToken } from "./harness.mjs";

let server, browser, tab;
const TOPIC = "zoomkit-sim";

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

test("join, media, leave: every listener, timer and track is released", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log, off } = zk.start({ participants: [{ name: "Ann", video: true }] }, {}, token);
    const states = [];
    session.on("stateChanged", (e) => states.push(e.to));
    await session.join({ topic: TOPIC, userName: "Ada", audio: true, video: true });
    await zk.until(() => session.videoOn() && session.audio().connected, "audio and video on");
    const during = {
      tracks: sim.activeTrackCount(),
      listeners: sim.listenerCount(),
      participants: session.participants().map((p) => p.displayName).sort(),
      resources: session.resources(),
    };
    const final = await session.leave();
    const after = {
      state: session.state,
      resources: session.resources(),
      listeners: sim.listenerCount(),
      tracks: sim.activeTrackCount(),
      timers: sim.activeTimerCount(),
    };
    off();
    const appListenersAfterOff = session.listenerCount();
    session.free();
    sim.destroy();
    return { states, during, final, after, appListenersAfterOff, kinds: [...new Set(log.map((e) => e.event))] };
  }, { token, TOPIC });
  assert.deepEqual(r.states.slice(0, 4), ["fetching_token", "initialising", "joining", "connected"]);
  assert.equal(r.states.at(-1), "left");
  assert.ok(r.during.tracks >= 2, `camera and microphone tracks while in session: ${JSON.stringify(r.during)}`);
  assert.ok(r.during.listeners >= 13, `the driver listens to the SDK: ${JSON.stringify(r.during)}`);
  assert.deepEqual(r.during.participants, ["Ada", "Ann"]);
  assert.equal(r.final, "left");
  assert.deepEqual(r.after.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });
  assert.equal(r.after.listeners, 0, "no listener left on the client");
  assert.equal(r.after.tracks, 0, "every media track stopped");
  assert.equal(r.after.timers, 0, "no timer running");
  assert.equal(r.appListenersAfterOff, 1, "the unsubscribe function removed the `*` listener");
  assert.ok(r.kinds.includes("participantJoined"), r.kinds.join());
});

test("Zoom's failover keeps the session: reconnecting, then connected, nothing rejoined", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, tokens } = zk.start({}, {}, token);
    const states = [];
    session.on("stateChanged", (e) => states.push(e.to));
    await session.join({ topic: TOPIC, userName: "Ada" });
    sim.failover(200);
    await zk.until(() => states.includes("reconnecting"), "reconnecting");
    await zk.until(() => session.state === "connected" && states.at(-1) === "connected", "back to connected");
    await session.leave();
    const out = { states, tokenRequests: tokens.length };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.deepEqual(r.states, ["fetching_token", "initialising", "joining", "connected", "reconnecting", "connected", "leaving", "left"]);
  assert.equal(r.tokenRequests, 1, "failover needs no new token");
});

test("after Fail, zoomkit rejoins by policy and restores muted audio and video", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, {}, token);
    const states = [];
    session.on("stateChanged", (e) => states.push(e.to));
    await session.join({ topic: TOPIC, userName: "Ada", audio: true, muted: true, video: true });
    await zk.until(() => session.videoOn() && session.audio().connected, "media on");
    sim.fail();
    await zk.until(() => states.includes("rejoining"), "rejoining", 5000);
    await zk.until(() => states.at(-1) === "connected" && session.videoOn() && session.audio().connected, "rejoined with media", 15000);
    const out = { states, audio: session.audio(), video: session.videoOn(), tracks: sim.activeTrackCount() };
    await session.leave();
    out.tracksAfter = sim.activeTrackCount();
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.ok(r.states.includes("rejoining"), r.states.join());
  assert.equal(r.states.filter((s) => s === "connected").length, 2, r.states.join());
  assert.deepEqual(r.audio, { connected: true, muted: true }, "audio restored, still muted");
  assert.equal(r.video, true, "video restored");
  assert.equal(r.tracksAfter, 0);
});

test("unplugging the active camera falls back to another; replugging switches back", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log } = zk.start({
      devices: [
        { kind: "camera", label: "Desk Cam" },
        { kind: "camera", label: "Laptop Cam" },
        { kind: "microphone", label: "Mic" },
        { kind: "speaker", label: "Speaker" },
      ],
    }, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada", video: true });
    await zk.until(() => session.devices()?.cameras?.length === 2 && session.videoOn(), "devices and video");
    const desk = session.devices().cameras.find((c) => c.label === "Desk Cam");
    session.selectDevice("camera", desk.deviceId);
    const active = () => log.filter((e) => e.event === "activeDeviceChanged" && e.kind === "camera").map((e) => e.device?.label ?? null);
    await zk.until(() => active().at(-1) === "Desk Cam", "Desk Cam selected");
    sim.unplug("camera", "Desk Cam");
    await zk.until(() => active().at(-1) === "Laptop Cam", "fallback to Laptop Cam");
    sim.replug("camera", "Desk Cam");
    await zk.until(() => active().at(-1) === "Desk Cam", "switch back to Desk Cam");
    const out = { active: active(), video: session.videoOn() };
    await session.leave();
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.deepEqual(r.active.slice(-3), ["Desk Cam", "Laptop Cam", "Desk Cam"]);
  assert.equal(r.video, true);
});

test("free() without leave() still leaves and releases everything", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada", audio: true, video: true });
    await zk.until(() => session.videoOn(), "video on");
    const before = sim.listenerCount();
    session.free();
    await zk.until(() => sim.activeTrackCount() === 0, "tracks stopped after free()");
    const out = { before, listeners: sim.listenerCount(), tracks: sim.activeTrackCount(), timers: sim.activeTimerCount() };
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.ok(r.before > 0);
  assert.equal(r.listeners, 0);
  assert.equal(r.tracks, 0);
  assert.equal(r.timers, 0);
});

test("an expired token is refused up front, as a typed error with what to do", async () => {
  const token = validToken(TOPIC, { expired: true });
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, {}, token);
    let err = null;
    try {
      await session.join({ topic: TOPIC, userName: "Ada" });
    } catch (e) {
      err = { name: e.name, kind: e.kind, state: e.state, message: e.message };
    }
    const out = { err, state: session.state, resources: session.resources(), listeners: sim.listenerCount() };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.ok(r.err, "join rejects");
  assert.equal(r.err.name, "ZoomkitError");
  assert.equal(r.err.kind, "session");
  assert.equal(r.err.state, "failed");
  assert.match(r.err.message, /expired/);
  assert.equal(r.state, "failed");
  assert.equal(r.listeners, 0);
});

test("a token for another session is refused up front, naming both sessions", async () => {
  const token = validToken("another-session");
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, {}, token);
    let err = null;
    try {
      await session.join({ topic: TOPIC, userName: "Ada" });
    } catch (e) {
      err = { kind: e.kind, state: e.state, message: e.message };
    }
    const out = { err, calls: sim.events().map((e) => e.name), resources: session.resources() };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.equal(r.err?.kind, "session");
  assert.equal(r.err.state, "failed");
  assert.match(r.err.message, /another-session/);
  assert.match(r.err.message, new RegExp(TOPIC));
  assert.deepEqual(r.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });
});

test("bad options are typed errors naming the field", async () => {
  const r = await run(async () => {
    const { init, Session } = await import("/pkg/index.js");
    await init();
    const errors = [];
    for (const opts of [{}, { zoomVideo: {} }, { zoomVideo: {}, tokenProvider: () => "", joinTimeoutMs: "soon" },
                        { zoomVideo: {}, tokenProvider: () => "", bogus: 1 },
                        new Proxy({ zoomVideo: {}, tokenProvider: () => "" }, { ownKeys() { throw new Error("keys trap"); } })]) {
      try { new Session(opts); errors.push(null); } catch (e) { errors.push({ name: e.name, kind: e.kind, message: e.message }); }
    }
    const s = new Session({ zoomVideo: {}, tokenProvider: () => "" });
    try { await s.join({ topic: "", userName: "Ada" }); errors.push(null); } catch (e) { errors.push({ name: e.name, kind: e.kind, message: e.message }); }
    // Values that throw when read (a getter, a Proxy) are typed errors too,
    // and the session stays usable afterwards.
    const throwing = { topic: "standup", get userName() { throw new Error("boom"); } };
    const proxy = new Proxy({}, { ownKeys() { throw new Error("trap"); } });
    for (const opts of [throwing, proxy]) {
      try { await s.join(opts); errors.push(null); } catch (e) { errors.push({ name: e.name, kind: e.kind, message: e.message }); }
    }
    errors.push({ kind: "usage", state: s.state, message: "after" });
    s.free();
    return errors;
  });
  assert.match(r[3].message, /unknown option `bogus`.*storageNamespace/);
  assert.match(r[4].message, /keys trap/);
  assert.match(r[6].message, /userName.*boom|boom.*userName/);
  assert.match(r[7].message, /trap/);
  assert.equal(r[8].state, "idle");
  assert.match(r[0].message, /zoomVideo/);
  assert.match(r[1].message, /tokenProvider/);
  assert.match(r[2].message, /joinTimeoutMs|invalid type/);
  assert.match(r[5].message, /topic/);
  for (const e of r) assert.equal(e.kind, "usage");
});

test("refresh and resume: the snapshot in sessionStorage rejoins, and only zoomkit's own keys are touched", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    sessionStorage.clear();
    localStorage.removeItem("zoomkit:devices");
    sessionStorage.setItem("app:cart", "3 items");
    localStorage.setItem("app:theme", "dark");
    const first = zk.start({}, { storage: true }, token);
    await first.session.join({ topic: TOPIC, userName: "Ada", audio: true, muted: true });
    await zk.until(() => sessionStorage.getItem("zoomkit:resume"), "snapshot written");
    const snapshot = sessionStorage.getItem("zoomkit:resume");
    // A refresh: the page's objects are gone, sessionStorage stays.
    first.session.free();
    first.sim.destroy();
    const second = zk.start({}, { storage: true }, token);
    const resumed = await second.session.resume();
    const state = second.session.state;
    await zk.until(() => second.session.audio().connected, "audio restored after resume");
    const audio = second.session.audio();
    await second.session.leave();
    const afterLeave = sessionStorage.getItem("zoomkit:resume");
    second.session.free();
    second.sim.destroy();
    // Nothing stored: resume says so and stays idle.
    const third = zk.start({}, { storage: true }, token);
    const ignored = await third.session.resume();
    const thirdState = third.session.state;
    third.session.free();
    third.sim.destroy();
    const foreign = { cart: sessionStorage.getItem("app:cart"), theme: localStorage.getItem("app:theme") };
    const ours = [...Array(sessionStorage.length).keys(), ...Array(localStorage.length).keys()].length;
    return { snapshot, resumed, state, audio, afterLeave, ignored, thirdState, foreign,
             tokenInSnapshot: snapshot.includes(token.split(".")[1]) };
  }, { token, TOPIC });
  assert.ok(r.snapshot, "a snapshot was written after connecting");
  assert.equal(r.tokenInSnapshot, false, "the token is not stored");
  assert.equal(r.resumed, true);
  assert.equal(r.state, "connected");
  assert.deepEqual(r.audio, { connected: true, muted: true });
  assert.equal(r.afterLeave, null, "leave clears the snapshot");
  assert.equal(r.ignored, false);
  assert.equal(r.thirdState, "idle");
  assert.deepEqual(r.foreign, { cart: "3 items", theme: "dark" }, "the app's own keys are untouched");
});

test("pagehide leaves but keeps the snapshot; pageshow from the page cache joins again; hidden refreshes the snapshot", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    sessionStorage.clear();
    const { sim, session, log } = zk.start({}, { storage: true }, token);
    await session.join({ topic: TOPIC, userName: "Ada", audio: true, muted: true });
    await zk.until(() => session.audio().connected && sessionStorage.getItem("zoomkit:resume"), "audio on and a snapshot");
    const saved = () => JSON.parse(sessionStorage.getItem("zoomkit:resume")).savedAt;
    // Hidden: the snapshot is written afresh (a mobile browser may discard the tab).
    const before = saved();
    await new Promise((r) => setTimeout(r, 20));
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
    const hiddenSaved = saved();
    Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
    document.dispatchEvent(new Event("visibilitychange"));

    window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: true }));
    await zk.until(() => session.state === "left", "left on pagehide");
    const away = {
      snapshot: sessionStorage.getItem("zoomkit:resume") !== null,
      resources: session.resources(),
      tracks: sim.activeTrackCount(),
      listeners: sim.listenerCount(),
      cause: log.find((e) => e.event === "stateChanged" && e.to === "leaving")?.cause,
    };
    // A pageshow that is not a restore from the cache does nothing.
    window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: false }));
    const stillLeft = session.state;
    window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
    await zk.until(() => session.state === "connected" && session.audio().connected, "back and connected");
    const back = session.audio();
    await session.leave();
    const after = { resources: session.resources(), listeners: sim.listenerCount(), tracks: sim.activeTrackCount(),
                    snapshot: sessionStorage.getItem("zoomkit:resume") };
    session.free();
    sim.destroy();
    return { before, hiddenSaved, away, stillLeft, back, after };
  }, { token, TOPIC });
  assert.ok(r.hiddenSaved > r.before, `hidden rewrote the snapshot: ${r.before} -> ${r.hiddenSaved}`);
  assert.equal(r.away.cause, "page_hidden");
  assert.equal(r.away.snapshot, true, "the snapshot survives a pagehide leave");
  assert.equal(r.away.tracks, 0, "media stopped");
  assert.equal(r.away.listeners, 0, "SDK listeners released");
  assert.deepEqual(r.away.resources, { sdkListeners: 0, browserListeners: 1, timers: 0, pendingCommands: 0, waiters: 0 },
    "only the pageshow listener is kept");
  assert.equal(r.stillLeft, "left");
  assert.deepEqual(r.back, { connected: true, muted: true }, "audio comes back muted");
  assert.deepEqual(r.after.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });
  assert.equal(r.after.listeners, 0);
  assert.equal(r.after.tracks, 0);
  assert.equal(r.after.snapshot, null, "the app's leave clears the snapshot");
});

test("the quality controller's capture decision restarts the camera with hd, then without it on a bad uplink", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log } = zk.start({}, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada", video: true });
    await zk.until(() => session.videoOn(), "camera on");
    const first = sim.videoCapture();
    // WebRTC video lifts the capture ceiling to 720p without cross-origin isolation.
    const stage = new zk.Stage(session, { videoWebrtcMode: true, viewport: { width: 1280, height: 720 } });
    await zk.until(() => sim.videoCapture()?.hd === true, "restarted with hd");
    const hd = { capture: sim.videoCapture(), decided: stage.quality().capture };
    sim.qualityRamp({ direction: "uplink", from: 5, to: 2, stepMs: 100 });
    await zk.until(() => session.videoOn() && sim.videoCapture() && !sim.videoCapture().hd, "restarted without hd", 20000);
    const low = { capture: sim.videoCapture(), decided: stage.quality().capture };
    const videoEvents = log.filter((e) => e.event === "videoChanged").map((e) => e.on);
    const profiles = log.filter((e) => e.event === "captureChanged").map((e) => e.profile);
    stage.free();
    await session.leave();
    const after = { tracks: sim.activeTrackCount(), resources: session.resources() };
    session.free();
    sim.destroy();
    return { first, hd, low, videoEvents, profiles, after };
  }, { token, TOPIC });
  assert.equal(r.first?.hd, undefined, `the first start uses the SDK default: ${JSON.stringify(r.first)}`);
  assert.equal(r.hd.decided, 3, "720p decided");
  assert.deepEqual(r.low.capture.hd, undefined, JSON.stringify(r.low));
  assert.ok(r.low.decided <= 1, `a bad uplink decides 180p or less: ${r.low.decided}`);
  assert.deepEqual(r.profiles, ["hd", "standard"]);
  assert.deepEqual(r.videoEvents, [true], "restarts are not reported as the camera going off and on");
  assert.equal(r.after.tracks, 0);
});

test("leaveOnPageHide: false keeps the session through pagehide", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, { leaveOnPageHide: false }, token);
    await session.join({ topic: TOPIC, userName: "Ada" });
    window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: true }));
    await new Promise((r) => setTimeout(r, 50));
    const state = session.state;
    await session.leave();
    session.free();
    sim.destroy();
    return { state };
  }, { token, TOPIC });
  assert.equal(r.state, "connected");
});

test("audio-only mode pauses the wanted camera and starts it again when the network recovers", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log } = zk.start({}, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada", video: true });
    await zk.until(() => session.videoOn(), "camera on");
    const stage = new zk.Stage(session, { viewport: { width: 1280, height: 720 } });
    sim.qualityRamp({ direction: "uplink", from: 2, to: 0, stepMs: 100 });
    await zk.until(() => stage.quality().audioOnly && !session.videoOn() && sim.videoCapture() === null, "paused", 20000);
    const paused = { tracks: sim.activeTrackCount(), wanted: session.wantedVideo(),
                     events: log.filter((e) => e.event === "videoPaused").map((e) => e.paused) };
    sim.qualityRamp({ direction: "uplink", from: 1, to: 5, stepMs: 100 });
    await zk.until(() => !stage.quality().audioOnly && session.videoOn(), "resumed", 30000);
    const resumed = log.filter((e) => e.event === "videoPaused").map((e) => e.paused);
    stage.free();
    await session.leave();
    session.free();
    sim.destroy();
    return { paused, resumed };
  }, { token, TOPIC });
  assert.equal(r.paused.tracks, 0, "the camera track is stopped while audio-only");
  assert.deepEqual(r.paused.events, [true]);
  assert.equal(r.paused.wanted, true, "the camera stays wanted while paused");
  assert.deepEqual(r.resumed, [true, false]);
});

test("storageNamespace keeps two sessions' snapshots apart on one page", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    sessionStorage.clear();
    const a = zk.start({}, { storage: true, storageNamespace: "left-pane" }, token);
    const b = zk.start({}, { storage: true, storageNamespace: "right_pane" }, token);
    await a.session.join({ topic: TOPIC, userName: "Ada" });
    await b.session.join({ topic: TOPIC, userName: "Bob" });
    await zk.until(() => sessionStorage.getItem("zoomkit:left-pane:resume") && sessionStorage.getItem("zoomkit:right_pane:resume"), "both snapshots");
    const names = { a: JSON.parse(sessionStorage.getItem("zoomkit:left-pane:resume")).userName,
                    b: JSON.parse(sessionStorage.getItem("zoomkit:right_pane:resume")).userName,
                    plain: sessionStorage.getItem("zoomkit:resume") };
    await a.session.leave();
    const afterA = { a: sessionStorage.getItem("zoomkit:left-pane:resume"), b: sessionStorage.getItem("zoomkit:right_pane:resume") !== null };
    await b.session.leave();
    for (const x of [a, b]) { x.session.free(); x.sim.destroy(); }
    let bad = null;
    try { zk.start({}, { storageNamespace: "a:b" }, token); } catch (e) { bad = { kind: e.kind, message: e.message }; }
    return { names, afterA, bad };
  }, { token, TOPIC });
  assert.deepEqual(r.names, { a: "Ada", b: "Bob", plain: null });
  assert.deepEqual(r.afterA, { a: null, b: true }, "leaving one clears only its own snapshot");
  assert.equal(r.bad?.kind, "usage");
  assert.match(r.bad.message, /storageNamespace/);
});

test("QualityController takes every QualityConfig field the types name, and refuses others by name", async () => {
  const r = await run(async () => {
    const { init, QualityController } = await import("/pkg/index.js");
    await init();
    const all = { downHold: 1000, upHold: 5000, minInterval: 2000, statsTtl: 8000, allowFullHd: true,
                  videoLoss360p: 5, videoLoss180p: 12, audioLossAudioOnly: 25 };
    const ok = new QualityController(all);
    ok.free();
    let bad = null;
    try { new QualityController({ downHold: 1000, upHld: 5000 }); } catch (e) { bad = { kind: e.kind, message: e.message }; }
    return { bad };
  });
  assert.equal(r.bad?.kind, "usage");
  assert.match(r.bad.message, /upHld/);
});

test("the client's wasm heap stays bounded through participant churn (its free-list allocator reuses memory)", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { init } = await import("/pkg/index.js");
    const { memory } = await init();
    const { sim, session } = zk.start({}, { storage: false }, token, "main");
    await session.join({ topic: TOPIC, userName: "Ada" });
    const churn = async (rounds) => {
      for (let i = 0; i < rounds; i++) {
        const ids = sim.addParticipants(40);
        await zk.until(() => session.participants().length === 41, "40 joined");
        for (const id of ids) sim.removeParticipant(id);
        await zk.until(() => session.participants().length === 1, "40 left");
      }
    };
    await churn(20);
    const warm = memory.buffer.byteLength;
    await churn(300);
    const after = memory.buffer.byteLength;
    await session.leave();
    session.free();
    sim.destroy();
    return { warm, after };
  }, { token, TOPIC });
  // 12,000 joins and leaves after the warm-up: a leak of even 100 bytes each
  // would need more pages than the warm heap had.
  assert.equal(r.after, r.warm, `heap grew from ${r.warm} to ${r.after} bytes`);
});

test("leave(true) by a participant who is not the host is refused with what to do, and the session stays", async () => {
  const token = validToken(TOPIC); // role_type 0: not the host
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, {}, token, "main");
    await session.join({ topic: TOPIC, userName: "Ada" });
    await zk.until(() => session.participants().some((p) => p.userId === session.selfId()), "self in the roster");
    let refused = null;
    try { await session.leave(true); } catch (e) { refused = { kind: e.kind, message: e.message }; }
    const during = { state: session.state, waiters: session.resources().waiters, connected: sim.zoomVideo.createClient().getSessionInfo().isInMeeting };
    let again = null;
    try { await session.join({ topic: TOPIC, userName: "Ada" }); } catch (e) { again = e.kind; }
    const afterJoin = session.resources().waiters;
    const final = await session.leave();
    const after = { resources: session.resources(), inMeeting: sim.zoomVideo.createClient().getSessionInfo().isInMeeting };
    session.free();
    sim.destroy();
    return { refused, during, again, afterJoin, final, after };
  }, { token, TOPIC });
  assert.equal(r.refused?.kind, "usage");
  assert.match(r.refused.message, /only the host can end the session.*leave\(\)/);
  assert.deepEqual(r.during, { state: "connected", waiters: 0, connected: true });
  assert.equal(r.again, "usage", "a second join is refused");
  assert.equal(r.afterJoin, 0, "a refused call leaves no promise waiting");
  assert.equal(r.final, "left");
  assert.equal(r.after.inMeeting, false);
  assert.deepEqual(r.after.resources, { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 });
});

test("the stage follows the SDK's share and active speaker: share mode shows the share, speaker mode the speaker (issue 16, bug 4)", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({ participants: [{ name: "Ann", video: true }, { name: "Bob", video: true }] }, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada" });
    await zk.until(() => session.participants().length === 3, "three participants");
    const id = (name) => session.participants().find((p) => p.displayName === name).userId;
    const layouts = [];
    const stage = new zk.Stage(session, { mode: { kind: "speaker" }, viewport: { width: 1280, height: 720 }, onLayout: (l) => layouts.push(l) });
    const main = () => stage.update().tiles.find((t) => t.role === "main");
    sim.act("speak", { who: "Bob" });
    await zk.until(() => main()?.userId === id("Bob"), "Bob on the stage");
    const speaker = { main: main(), speaking: stage.update().tiles.filter((t) => t.speaking).map((t) => t.userId) };
    stage.setMode({ kind: "share" });
    const beforeShare = stage.update().mode.kind;
    sim.act("setShare", { who: "Ann", on: true });
    await zk.until(() => stage.update().mode.kind === "share", "a share layout");
    const share = main();
    sim.act("setShare", { who: "Ann", on: false });
    await zk.until(() => stage.update().mode.kind !== "share", "the share gone");
    const afterShare = stage.update().mode.kind;
    const listenersDuring = sim.listenerCount();
    stage.free();
    const listenersAfterFree = sim.listenerCount();
    await session.leave();
    const after = { listeners: sim.listenerCount(), timers: sim.activeTimerCount(), resources: session.resources() };
    session.free();
    sim.destroy();
    return { speaker, beforeShare, share, afterShare, listenersDuring, listenersAfterFree, after };
  }, { token, TOPIC });
  assert.equal(r.speaker.main.kind, "video");
  assert.equal(r.speaker.speaking.length, 1, `one tile is the active speaker: ${JSON.stringify(r.speaker)}`);
  assert.equal(r.beforeShare, "speaker", "share mode falls back to speaker while nobody shares");
  assert.equal(r.share.kind, "share", `the main tile is the share: ${JSON.stringify(r.share)}`);
  assert.equal(r.afterShare, "speaker");
  assert.equal(r.listenersDuring, r.listenersAfterFree, "the stage itself holds no SDK listener: the driver is the only subscriber");
  assert.equal(r.after.listeners, 0);
  assert.equal(r.after.timers, 0);
});
