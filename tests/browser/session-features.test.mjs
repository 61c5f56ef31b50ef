// Chat, host controls, cloud recording and the logger through the real glue
// (wasm driver + core) against zoomkit/sim, in headless Chromium: each
// promise settles with its SDK call's answer, refusals are typed
// (`ZoomkitError.code`), the simulated participants and host act on the
// other side, and every listener, timer and track is released after leave.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openPage, validToken } from "./harness.mjs";

let server, browser, tab;
const TOPIC = "zoomkit-features";

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

test("chat: send to everyone and to one, receive, history, privilege; typed refusals", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log } = zk.start({ participants: [{ name: "Ann", audio: true }] }, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada" });
    await zk.until(() => session.participants().length === 2, "Ann listed");
    const ann = session.participants().find((p) => p.displayName === "Ann").userId;
    const toAll = await session.sendChat("hello everyone");
    const toAnn = await session.sendChat("hello Ann", ann);
    sim.act("sendChat", { who: "Ann", text: "hi Ada", toMe: true });
    await zk.until(() => session.chatHistory().length === 3, "three messages");
    const refused = async (p) => {
      try { await p; return "resolved"; } catch (e) { return { code: e.code, kind: e.kind, zk: e instanceof zk.ZoomkitError }; }
    };
    const empty = await refused(session.sendChat("   "));
    const nobody = await refused(session.sendChat("hi", 123));
    const setPriv = await refused(session.setChatPrivilege("noOne"));
    sim.act("setChatPrivilege", { privilege: 5 });
    await zk.until(() => session.chatPrivilege() === "everyonePublicly", "privilege heard");
    const privateNow = await refused(session.sendChat("psst", ann));
    const during = { sdk: session.resources().sdkListeners };
    await session.leave();
    const out = {
      toAll, toAnn, empty, nobody, setPriv, privateNow, during,
      history: session.chatHistory().map((m) => [m.message, m.receiver.userId === 0]),
      told: log.filter((e) => e.event === "chatMessage").map((e) => e.message),
      privilegeEvents: log.filter((e) => e.event === "chatPrivilegeChanged").map((e) => e.privilege),
      resources: session.resources(),
      listeners: sim.listenerCount(),
      timers: sim.activeTimerCount(),
    };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.equal(r.toAll.message, "hello everyone");
  assert.equal(r.toAll.receiver.userId, 0, "sendToAll goes to ChatMsgType.All");
  assert.equal(r.toAnn.message, "hello Ann");
  assert.notEqual(r.toAnn.receiver.userId, 0);
  assert.deepEqual(r.told, ["hello everyone", "hello Ann", "hi Ada"]);
  assert.deepEqual(r.history, [["hello everyone", true], ["hello Ann", false], ["hi Ada", false]]);
  assert.deepEqual(r.empty, { code: "invalidOption", kind: "usage", zk: true });
  assert.equal(r.nobody.code, "unknownParticipant");
  assert.equal(r.setPriv.code, "hostOrManagerOnly");
  assert.equal(r.privateNow.code, "chatNotAllowed");
  assert.deepEqual(r.privilegeEvents, ["everyonePublicly"]);
  assert.ok(r.during.sdk >= 18, `the driver listens to the chat events too: ${r.during.sdk}`);
  assert.deepEqual(r.resources, RELEASED);
  assert.equal(r.listeners, 0, "no SDK listener left");
  assert.equal(r.timers, 0, "no timer left");
});

test("host controls: mute, ask to unmute (answered), manager, lock share, make host, remove; a participant is refused", async () => {
  const r = await run(async ({ TOPIC }) => {
    let simRef;
    const { sim, session, log } = zk.start(
      { participants: [{ name: "Ann", audio: true }, { name: "Bob" }] },
      {},
      (req) => simRef.token({ topic: req.topic, role: 1 }),
    );
    simRef = sim;
    await session.join({ topic: TOPIC, userName: "Ada" });
    await zk.until(() => session.participants().length === 3, "everyone listed");
    const who = (name) => session.participants().find((p) => p.displayName === name);
    const ann = who("Ann").userId, bob = who("Bob").userId;
    const role = session.role();
    await session.muteParticipant(ann);
    await zk.until(() => who("Ann").muted === true, "Ann muted");
    await session.askToUnmute(ann);
    await zk.until(() => who("Ann").muted === false, "Ann answered by unmuting");
    await session.makeManager(bob);
    await zk.until(() => who("Bob").isManager, "Bob a manager");
    await session.lockShare(true);
    await zk.until(() => session.sharePrivilege() === "locked", "share locked");
    await session.removeParticipant(bob);
    await zk.until(() => !who("Bob"), "Bob removed");
    await session.makeHost(ann);
    await zk.until(() => who("Ann").isHost && session.role() === "participant", "Ann is host");
    const refused = async (p) => {
      try { await p; return "resolved"; } catch (e) { return e.code ?? e.kind; }
    };
    const after = {
      mute: await refused(session.muteParticipant(ann)),
      makeHost: await refused(session.makeHost(ann)),
      lock: await refused(session.lockShare(false)),
      self: await refused(session.muteParticipant(session.selfId())),
      badId: await refused(session.removeParticipant(-1)),
    };
    await session.leave();
    const out = {
      role, after,
      shareEvents: log.filter((e) => e.event === "sharePrivilegeChanged").map((e) => e.privilege),
      resources: session.resources(), listeners: sim.listenerCount(), timers: sim.activeTimerCount(),
    };
    session.free();
    sim.destroy();
    return out;
  }, { TOPIC });
  assert.equal(r.role, "host");
  assert.deepEqual(r.after, { mute: "hostOrManagerOnly", makeHost: "hostOnly", lock: "hostOrManagerOnly", self: "hostOrManagerOnly", badId: "usage" });
  assert.deepEqual(r.shareEvents, ["locked"]);
  assert.deepEqual(r.resources, RELEASED);
  assert.equal(r.listeners, 0);
  assert.equal(r.timers, 0);
});

test("the host asks this participant to unmute; zoomkit says so and unmute() answers", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log } = zk.start({}, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada", audio: true, muted: true });
    await zk.until(() => session.audio().connected && session.audio().muted, "muted audio");
    sim.act("hostAskUnmute");
    await zk.until(() => log.some((e) => e.event === "hostAskedToUnmute"), "asked");
    session.unmute();
    await zk.until(() => !session.audio().muted, "unmuted");
    await session.leave();
    const out = { tracks: sim.activeTrackCount(), resources: session.resources() };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.equal(r.tracks, 0);
  assert.deepEqual(r.resources, RELEASED);
});

test("cloud recording: start, pause, resume, stop, status and events; consent asked and accepted", async () => {
  const r = await run(async ({ TOPIC }) => {
    let simRef;
    const { sim, session, log } = zk.start({}, {}, (req) => simRef.token({ topic: req.topic, role: 1 }));
    simRef = sim;
    const before = session.canStartRecording();
    await session.join({ topic: TOPIC, userName: "Ada" });
    const can = session.canStartRecording();
    const code = async (p) => { try { await p; return "resolved"; } catch (e) { return e.code ?? e.errorCode; } };
    await session.startRecording();
    const afterStart = session.recordingStatus();
    const resumeWhileRecording = await code(session.resumeRecording());
    await session.pauseRecording();
    await session.resumeRecording();
    await session.stopRecording();
    const noQuestion = await code(session.acceptRecording());
    sim.act("askRecordingConsent");
    await zk.until(() => session.recordingConsentPending(), "asked for consent");
    await session.acceptRecording();
    const pendingAfter = session.recordingConsentPending();
    await session.leave();
    const out = {
      before, can, afterStart, resumeWhileRecording, noQuestion, pendingAfter,
      statuses: log.filter((e) => e.event === "recordingChanged").map((e) => e.status),
      individual: log.filter((e) => e.event === "individualRecordingChanged").map((e) => e.status),
      resources: session.resources(), listeners: sim.listenerCount(), timers: sim.activeTimerCount(),
    };
    session.free();
    sim.destroy();
    return out;
  }, { TOPIC });
  assert.equal(r.before, false, "no recording client before joining");
  assert.equal(r.can, true);
  assert.equal(r.afterStart, "Recording");
  assert.equal(r.resumeWhileRecording, "recordingState");
  assert.deepEqual(r.statuses, ["Recording", "Paused", "Recording", "Stopped"]);
  assert.equal(r.noQuestion, "noConsentAsked");
  assert.deepEqual(r.individual, ["Ask", "Accept"]);
  assert.equal(r.pendingAfter, false);
  assert.deepEqual(r.resources, RELEASED);
  assert.equal(r.listeners, 0);
  assert.equal(r.timers, 0);
});

test("recording refused: a participant by zoomkit (hostOnly), a host without cloud recording by Zoom (7200)", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada" });
    await zk.until(() => session.role() === "participant", "role known");
    let refused;
    try { await session.startRecording(); } catch (e) { refused = { code: e.code, kind: e.kind, message: e.message }; }
    await session.leave();
    session.free();
    sim.destroy();
    let simRef;
    const host = zk.start({ cloudRecording: false }, {}, (req) => simRef.token({ topic: req.topic, role: 1 }));
    simRef = host.sim;
    await host.session.join({ topic: TOPIC, userName: "Ada" });
    const can = host.session.canStartRecording();
    let zoom;
    try { await host.session.startRecording(); } catch (e) { zoom = { kind: e.kind, errorCode: e.errorCode, category: e.category, op: e.op }; }
    await host.session.leave();
    host.session.free();
    host.sim.destroy();
    return { refused, can, zoom };
  }, { token, TOPIC });
  assert.equal(r.refused.code, "hostOnly");
  assert.equal(r.refused.kind, "usage");
  assert.match(r.refused.message, /only the host can start cloud recording/);
  assert.equal(r.can, false);
  assert.deepEqual(r.zoom, { kind: "zoom", errorCode: 7200, category: "recording", op: "RecordingClient.startCloudRecording" });
});

test("an action in flight when the session leaves rejects instead of hanging", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({ latency: { media: { min: 500, max: 500 } } }, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada" });
    const sent = session.sendChat("never answered").then(() => "resolved", (e) => e.kind);
    await session.leave();
    const out = { sent: await sent, resources: session.resources() };
    session.free();
    sim.destroy();
    return out;
  }, { TOPIC, token });
  assert.equal(r.sent, "usage");
  assert.deepEqual(r.resources, RELEASED);
});

test("logger: every diagnostic goes to it, typed, and nothing to the console", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const records = [];
    const consoleCalls = [];
    const saved = { error: console.error, warn: console.warn };
    console.error = (...a) => consoleCalls.push(["error", ...a]);
    console.warn = (...a) => consoleCalls.push(["warn", ...a]);
    try {
      const { sim, session } = zk.start({}, { logger: (r) => records.push(r) }, token);
      session.on("stateChanged", () => { throw new Error("app bug"); });
      await session.join({ topic: TOPIC, userName: "Ada", audio: true });
      await session.leave();
      session.free();
      sim.destroy();
      // Without a logger, the same thrown listener reaches the console.
      const bare = zk.start({}, {}, token);
      bare.session.on("stateChanged", () => { throw new Error("app bug"); });
      await bare.session.join({ topic: TOPIC, userName: "Ada" });
      await bare.session.leave();
      bare.session.free();
      bare.sim.destroy();
    } finally {
      console.error = saved.error;
      console.warn = saved.warn;
    }
    let badLogger;
    try { zk.start({}, { logger: 42 }, token); } catch (e) { badLogger = e.message; }
    return { records, consoleCalls: consoleCalls.map((c) => [c[0], String(c[1])]), badLogger };
  }, { token, TOPIC });
  const kinds = new Set(r.records.map((x) => `${x.level}:${x.kind}`));
  for (const k of ["debug:command", "debug:answer", "info:stateChanged", "error:listenerThrew"]) {
    assert.ok(kinds.has(k), `${k} in ${[...kinds].join(", ")}`);
  }
  assert.ok(r.records.some((x) => x.kind === "command" && x.op === "join"), "commands are named");
  const thrown = r.records.find((x) => x.kind === "listenerThrew");
  assert.equal(String(thrown.detail), "Error: app bug", "the thrown value is passed along");
  const text = JSON.stringify(r.records.map(({ detail, ...x }) => x));
  assert.ok(!text.includes(token), "no token in any record");
  assert.ok(r.consoleCalls.length > 0, "without a logger, errors reach the console");
  assert.ok(r.consoleCalls.every(([level, msg]) => level === "error" && msg.includes("listener threw")), JSON.stringify(r.consoleCalls));
  assert.match(r.badLogger, /`logger` must be a function/);
});

test("stats: stateChanged says how long the previous state lasted; the end brings the final numbers", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session, log } = zk.start({ participants: [{ name: "Ann", video: true }] }, {}, token);
    await session.join({ topic: TOPIC, userName: "Ada", audio: true });
    sim.failover(300);
    await zk.until(() => log.some((e) => e.event === "stateChanged" && e.from === "reconnecting" && e.to === "connected"), "back");
    const live = session.stats();
    await session.leave();
    const back = log.find((e) => e.event === "stateChanged" && e.from === "reconnecting");
    const finals = log.filter((e) => e.event === "stats");
    const out = { back, live, finals, after: session.stats(), lastEvent: log.at(-1)?.event, resources: session.resources() };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.ok(r.back.inPreviousMs >= 250 && r.back.inPreviousMs < 5000, `reconnected in ${r.back.inPreviousMs} ms`);
  assert.ok(r.live.joinMs > 0, JSON.stringify(r.live));
  assert.equal(r.live.firstRemoteVideoMs, 0, "Ann's camera was on when we connected");
  assert.equal(r.live.reconnects.length, 1);
  assert.equal(r.live.reconnects[0].kind, "sdkFailover");
  assert.equal(r.live.reconnects[0].cause, "sdk_reconnecting");
  assert.equal(r.live.reconnects[0].durationMs, r.back.inPreviousMs);
  assert.equal(r.finals.length, 1, "one final stats event");
  const { event, ...final } = r.finals[0];
  assert.deepEqual(final, r.after, "the final event is session.stats() after the end");
  assert.ok(final.connectedMs >= r.live.connectedMs);
  assert.deepEqual(r.resources, RELEASED);
});
