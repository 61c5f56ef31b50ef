// What a new user meets first, through the built package in headless
// Chromium against zoomkit/sim: calls before init() and after free(),
// `ZoomkitError` as a runtime class, `leave()` that resolves in every state
// (the README's React hook cleanup), `resume()` with nothing to resume, the
// classification of zoomkit's own failures, `sessionIdleTimeoutMins` reaching
// the SDK, the reconnect policy from JS options, and `sim.token()`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, openPage, validToken } from "./harness.mjs";

let server, browser, tab;
const TOPIC = "zoomkit-js-surface";
const RELEASED = { sdkListeners: 0, browserListeners: 0, timers: 0, pendingCommands: 0, waiters: 0 };

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

async function run(fn, arg, on = tab) {
  try {
    return await on.page.evaluate(fn, arg);
  } catch (e) {
    throw new Error(`${e.message}\npage log:\n${on.logs.slice(-30).join("\n")}`);
  }
}

test("before init() and after free(), calls are ZoomkitErrors saying what to do; async methods reject", async () => {
  // A fresh page, so nothing has called init() yet.
  const fresh = await openPage(browser, `${server.origin}/pages/blank.html`);
  try {
    const r = await run(async () => {
      const zk = await import("/pkg/index.js");
      const sim = await import("/pkg/sim/index.js");
      const caught = (f) => {
        try {
          f();
          return null;
        } catch (e) {
          return { zoomkitError: e instanceof zk.ZoomkitError, error: e instanceof Error, name: e.name, kind: e.kind, message: e.message };
        }
      };
      const rejected = (p) =>
        p.then(
          (v) => ({ resolved: v }),
          (e) => ({ zoomkitError: e instanceof zk.ZoomkitError, name: e.name, kind: e.kind, message: e.message }),
        );
      const out = {};
      out.constructBeforeInit = caught(() => new zk.Session({}));
      out.staticBeforeInit = caught(() => zk.Session.transitions());
      out.simBeforeInit = caught(() => sim.createSim({}));
      await zk.init();
      await sim.init();
      const s = sim.createSim({ seed: 1 });
      const session = new zk.Session({ zoomVideo: s.zoomVideo, tokenProvider: () => "t", storage: false });
      session.free();
      out.methodAfterFree = caught(() => session.mute());
      out.getterAfterFree = caught(() => session.state);
      let threw = null;
      let promise;
      try {
        promise = session.join({ topic: "t", userName: "Ada" });
      } catch (e) {
        threw = e.message;
      }
      out.joinAfterFree = { threw, settled: promise ? await rejected(promise) : null };
      out.freeTwice = caught(() => session.free());
      // zoomkit's own usage errors are instances too.
      out.usage = caught(() => new zk.Session({ zoomVideo: s.zoomVideo }));
      // Apps can make one (e.g. in tests), with the fields they need.
      const made = new zk.ZoomkitError("made by hand");
      out.made = { zoomkitError: made instanceof zk.ZoomkitError, error: made instanceof Error, name: made.name, message: made.message };
      s.destroy();
      return out;
    }, undefined, fresh);
    for (const key of ["constructBeforeInit", "staticBeforeInit"]) {
      const e = r[key];
      assert.ok(e, `${key} throws`);
      assert.equal(e.zoomkitError, true, `${key}: ${JSON.stringify(e)}`);
      assert.equal(e.error, true);
      assert.equal(e.name, "ZoomkitError");
      assert.equal(e.kind, "usage");
      assert.match(e.message, /before init\(\): call `await init\(\)`/);
    }
    assert.match(r.constructBeforeInit.message, /^new Session\(\)/);
    assert.match(r.simBeforeInit.message, /createSim\(\) was called before init\(\)/);
    for (const key of ["methodAfterFree", "getterAfterFree"]) {
      const e = r[key];
      assert.equal(e?.zoomkitError, true, `${key}: ${JSON.stringify(e)}`);
      assert.equal(e.kind, "usage");
      assert.match(e.message, /on a Session that is freed.*create a new Session/);
    }
    assert.match(r.methodAfterFree.message, /^session\.mute\(\)/);
    assert.equal(r.joinAfterFree.threw, null, "join() on a freed session rejects rather than throws");
    assert.equal(r.joinAfterFree.settled.zoomkitError, true);
    assert.match(r.joinAfterFree.settled.message, /^session\.join\(\) was called on a Session that is freed/);
    assert.equal(r.freeTwice, null, "free() twice is harmless");
    assert.equal(r.usage?.zoomkitError, true, JSON.stringify(r.usage));
    assert.match(r.usage.message, /tokenProvider/);
    assert.deepEqual(r.made, { zoomkitError: true, error: true, name: "ZoomkitError", message: "made by hand" });
  } finally {
    await fresh.close();
  }
});

test("leave() resolves in every state (idle, left, ended by host, failed) and never throws; the README's React hook cleanup runs clean", async () => {
  const token = validToken(TOPIC);
  const expired = validToken(TOPIC, { expired: true });
  const r = await run(async ({ token, expired, TOPIC }) => {
    const unhandled = [];
    const onUnhandled = (e) => unhandled.push(String(e.reason?.message ?? e.reason));
    window.addEventListener("unhandledrejection", onUnhandled);
    // What the README's `useZoomSession` cleanup does when the component
    // unmounts: `off?.(); s?.leave().finally(() => s.free());`
    const cleanup = async (s, off) => {
      let threw = null;
      let settled;
      try {
        off?.();
        settled = s?.leave().finally(() => s.free());
      } catch (e) {
        threw = e.message;
      }
      const value = await settled;
      return { threw, value };
    };
    const out = {};
    {
      const { sim, session, off } = zk.start({}, {}, token, "main");
      out.idle = await cleanup(session, off);
      sim.destroy();
    }
    {
      const { sim, session, off } = zk.start({}, {}, token, "main");
      await session.join({ topic: TOPIC, userName: "Ada" });
      const first = await session.leave();
      const second = await session.leave();
      out.left = { first, second, cleanup: await cleanup(session, off), listeners: sim.listenerCount() };
      sim.destroy();
    }
    {
      const { sim, session, off } = zk.start({}, {}, token, "main");
      await session.join({ topic: TOPIC, userName: "Ada", audio: true });
      sim.close("ended by host");
      await zk.until(() => session.state === "ended", "ended by host");
      const resources = session.resources();
      out.ended = { resources, cleanup: await cleanup(session, off) };
      sim.destroy();
    }
    {
      const { sim, session, off } = zk.start({}, {}, expired, "main");
      const joined = await session.join({ topic: TOPIC, userName: "Ada" }).then(() => "connected", (e) => e.kind);
      out.failed = { joined, state: session.state, endTrue: await session.leave(true), cleanup: await cleanup(session, off) };
      sim.destroy();
    }
    // Let any rejection that nobody handled be reported.
    await new Promise((resolve) => setTimeout(resolve, 50));
    window.removeEventListener("unhandledrejection", onUnhandled);
    out.unhandled = unhandled;
    return out;
  }, { token, expired, TOPIC });
  assert.deepEqual(r.idle, { threw: null, value: "idle" });
  assert.deepEqual(r.left, { first: "left", second: "left", cleanup: { threw: null, value: "left" }, listeners: 0 });
  assert.deepEqual(r.ended.resources, RELEASED);
  assert.deepEqual(r.ended.cleanup, { threw: null, value: "ended" });
  assert.equal(r.failed.joined, "session");
  assert.equal(r.failed.state, "failed");
  assert.equal(r.failed.endTrue, "failed", "leave(true) with no session resolves too");
  assert.deepEqual(r.failed.cleanup, { threw: null, value: "failed" });
  assert.deepEqual(r.unhandled, []);
});

test("join() with bad options rejects (it does not throw), and the session stays idle", async () => {
  const r = await run(async () => {
    const { sim, session } = zk.start({}, {}, "unused", "main");
    let threw = null;
    let promise;
    try {
      promise = session.join({ topic: "", userName: "Ada" });
    } catch (e) {
      threw = e.message;
    }
    const err = await promise?.then(() => null, (e) => ({ kind: e.kind, message: e.message }));
    const out = { threw, err, state: session.state, resources: session.resources() };
    session.free();
    sim.destroy();
    return out;
  });
  assert.equal(r.threw, null);
  assert.equal(r.err?.kind, "usage");
  assert.match(r.err.message, /topic/);
  assert.equal(r.state, "idle");
  assert.deepEqual(r.resources, RELEASED);
});

test("resume() with nothing to resume resolves false and leaves no waiter, on a new and on a reused Session", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    sessionStorage.clear();
    const { sim, session, log } = zk.start({}, { storage: true }, token, "main");
    const fresh = await session.resume();
    const freshResources = session.resources();
    await session.join({ topic: TOPIC, userName: "Ada" });
    await session.leave();
    // `leave` cleared the snapshot: nothing to resume on the reused session.
    const reused = await session.resume().then((v) => v, (e) => `rejected: ${e.message}`);
    const out = {
      fresh,
      freshResources,
      reused,
      reusedState: session.state,
      reusedResources: session.resources(),
      ignored: log.filter((e) => e.event === "resumeIgnored").map((e) => e.reason),
    };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  assert.equal(r.fresh, false);
  assert.deepEqual(r.freshResources, RELEASED, "no join waiter left behind");
  assert.equal(r.reused, false);
  assert.equal(r.reusedState, "left");
  assert.deepEqual(r.reusedResources, RELEASED);
  assert.deepEqual(r.ignored, ["missing", "missing"]);
});

test("zoomkit's own failures (expired token, wrong topic, join timeout) carry category, retryable, remedy and a hint said once", async () => {
  const r = await run(async ({ expired, other, good, TOPIC }) => {
    const out = {};
    for (const [name, token, simOptions, sessionOptions] of [
      ["expired", expired, {}, {}],
      ["topic", other, {}, {}],
      ["timeout", good, { latency: { init: { min: 1, max: 2 }, join: { min: 60000, max: 60000 } } }, { joinTimeoutMs: 50 }],
    ]) {
      const { sim, session } = zk.start(simOptions, sessionOptions, token, "main");
      out[name] = await session.join({ topic: TOPIC, userName: "Ada" }).then(
        () => null,
        (e) => ({ kind: e.kind, state: e.state, category: e.category, retryable: e.retryable, remedy: e.remedy, hint: e.hint, message: e.message }),
      );
      session.free();
      sim.destroy();
    }
    return out;
  }, { expired: validToken(TOPIC, { expired: true }), other: validToken("another-topic"), good: validToken(TOPIC), TOPIC });
  for (const [name, retryable, remedy] of [["expired", false, "checkToken"], ["topic", false, "checkToken"], ["timeout", true, "retryLater"]]) {
    const e = r[name];
    assert.ok(e, `${name}: join rejects`);
    assert.equal(e.kind, "session", name);
    assert.equal(e.state, "failed", name);
    assert.equal(e.retryable, retryable, `${name}: ${JSON.stringify(e)}`);
    assert.equal(e.remedy, remedy, name);
    assert.equal(typeof e.category, "string", name);
    assert.equal(typeof e.hint, "string", name);
    assert.ok(e.hint.length > 0, name);
    assert.ok(e.message.includes(e.hint), `${name}: the message says what to do: ${e.message}`);
    assert.equal(e.message.split(e.hint).length, 2, `${name}: the hint appears once: ${e.message}`);
  }
});

test("a Zoom error's hint is said once in the message", async () => {
  const r = await run(async ({ TOPIC }) => {
    // The sim refuses a token that is not a JWT with Zoom's own error.
    const { sim, session } = zk.start({}, {}, "not-a-jwt", "main");
    const e = await session.join({ topic: TOPIC, userName: "Ada" }).then(() => null, (e) => ({ message: e.message, hint: e.hint, errorCode: e.errorCode }));
    session.free();
    sim.destroy();
    return e;
  }, { TOPIC });
  assert.ok(r?.hint, JSON.stringify(r));
  assert.equal(r.message.split(r.hint).length, 2, `the hint appears once: ${r.message}`);
});

test("sessionIdleTimeoutMins reaches the SDK's join", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const { sim, session } = zk.start({}, {}, token, "main");
    const before = sim.sessionIdleTimeoutMins();
    await session.join({ topic: TOPIC, userName: "Ada", sessionIdleTimeoutMins: 7 });
    const joined = sim.sessionIdleTimeoutMins();
    await session.leave();
    session.free();
    sim.destroy();
    return { before, joined };
  }, { token, TOPIC });
  assert.deepEqual(r, { before: null, joined: 7 });
});

test("the reconnect policy is set from JS options (and bad ones are typed errors naming the field)", async () => {
  const token = validToken(TOPIC);
  const r = await run(async ({ token, TOPIC }) => {
    const errors = [];
    for (const reconnect of [
      { maxAttempts: -1 },
      { baseMs: 0 },
      { baseMs: 100, maxMs: 50 },
      { budgetMs: "long" },
      { attempts: 3 },
      "often",
    ]) {
      try {
        zk.start({}, { reconnect }, token, "main").session.free();
        errors.push(null);
      } catch (e) {
        errors.push({ kind: e.kind, message: e.message });
      }
    }
    const { sim, session, log } = zk.start(
      { reconnectGiveUpMs: 20 },
      { reconnect: { maxAttempts: 2, firstJitterMs: 0, baseMs: 10, maxMs: 20, budgetMs: 60000 } },
      token,
      "main",
    );
    await session.join({ topic: TOPIC, userName: "Ada" });
    // The network stays down far longer than two quick attempts.
    sim.dropConnection(600000);
    await zk.until(() => session.state === "failed", "gave up", 20000);
    const out = {
      errors,
      detail: session.stateDetail(),
      scheduled: log.filter((e) => e.event === "rejoinScheduled").map((e) => e.attempt),
      resources: session.resources(),
    };
    session.free();
    sim.destroy();
    return out;
  }, { token, TOPIC });
  const [negative, zeroBase, maxBelowBase, notNumber, unknown, notObject] = r.errors;
  for (const e of r.errors) assert.equal(e?.kind, "usage", JSON.stringify(r.errors));
  assert.match(negative.message, /reconnect/);
  assert.match(zeroBase.message, /reconnect\.baseMs/);
  assert.match(maxBelowBase.message, /reconnect\.maxMs/);
  assert.match(notNumber.message, /budgetMs/);
  assert.match(unknown.message, /attempts/);
  assert.match(notObject.message, /reconnect/);
  assert.equal(r.detail.state, "failed");
  assert.equal(r.detail.error.kind, "gaveUp", JSON.stringify(r.detail));
  assert.equal(r.detail.error.attempts, 2);
  assert.deepEqual(r.scheduled, [1, 2]);
  assert.deepEqual(r.resources, RELEASED);
});

test("sim.token() makes a simulator token from JS that joins; bad claims are refused by name", async () => {
  const r = await run(async ({ TOPIC }) => {
    const { sim, session } = zk.start({}, {}, (req) => sim.token({ topic: req.topic, role: 1 }), "main");
    const state = await session.join({ topic: TOPIC, userName: "Ada" });
    const host = session.participants().find((p) => p.userId === session.selfId())?.isHost;
    await session.leave();
    session.free();
    const errors = [];
    for (const claims of [{}, { topic: "" }, { topic: "t", role: 3 }, { topic: "t", expiresInSeconds: -5 }, { topic: "t", bogus: 1 }]) {
      try {
        sim.token(claims);
        errors.push(null);
      } catch (e) {
        errors.push(e.message);
      }
    }
    const payload = JSON.parse(atob(sim.token({ topic: "x", userKey: "ada-1" }).split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    sim.destroy();
    return { state, host, errors, payload };
  }, { TOPIC });
  assert.equal(r.state, "connected");
  assert.equal(r.host, true, "role 1 joins as the host");
  assert.match(r.errors[0], /topic/);
  assert.match(r.errors[1], /topic/);
  assert.match(r.errors[2], /role/);
  assert.match(r.errors[3], /expiresInSeconds/);
  assert.match(r.errors[4], /bogus/);
  assert.equal(r.payload.tpc, "x");
  assert.equal(r.payload.role_type, 0);
  assert.equal(r.payload.user_key, "ada-1");
  assert.ok(r.payload.exp > r.payload.iat);
});
