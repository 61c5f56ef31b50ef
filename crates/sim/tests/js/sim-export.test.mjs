// Node tests of the simulator's JS export (the `zoomkit/sim` entry).
// Not run by `cargo test`: build the entry first, then
//   ZOOMKIT_SIM_PKG=pkg/sim node --test crates/sim/tests/js/
// (ZOOMKIT_SIM_PKG: a wasm-bindgen --target web output of zoomkit_sim.wasm;
// default <repo>/pkg/sim).
import test from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(process.env.ZOOMKIT_SIM_PKG ?? path.join(here, "../../../../pkg/sim"));
const js = path.join(pkg, "zoomkit_sim.js");
assert.ok(fs.existsSync(js), `${js} is missing: build the zoomkit/sim entry (cargo xtask pkg) first`);
const { default: init, createSim } = await import(pathToFileURL(js).href);
await init({ module_or_path: fs.readFileSync(path.join(pkg, "zoomkit_sim_bg.wasm")) });

const b64u = (s) => Buffer.from(s).toString("base64url");
function token(topic, { secret = "s", role = 1, life = 7200 } = {}) {
  const iat = Math.floor(Date.now() / 1000) - 30;
  const h = b64u(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const p = b64u(JSON.stringify({ app_key: "K", role_type: role, tpc: topic, version: 1, iat, exp: iat + life }));
  const sig = crypto.createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url");
  return `${h}.${p}.${sig}`;
}

async function settle(sim, promise, ms = 2000) {
  sim.advance(ms);
  return promise;
}

test("the ZoomVideo look-alike joins and emits SDK-shaped events (manual clock)", async () => {
  const sim = createSim({ seed: 1, clock: "manual", sdkSecret: "s" });
  const ZoomVideo = sim.zoomVideo;
  assert.equal(sim.zoomVideo, ZoomVideo);
  const client = ZoomVideo.createClient();
  assert.equal(ZoomVideo.createClient(), client, "createClient returns the same instance");
  assert.deepEqual(ZoomVideo.checkSystemRequirements(), { audio: true, video: true, screen: true });
  const devices = await ZoomVideo.getDevices();
  assert.deepEqual(devices.map((d) => d.kind), ["videoinput", "audioinput", "audiooutput"]);
  const seen = [];
  const onConn = (p) => seen.push(p);
  client.on("connection-change", onConn);
  assert.equal(await settle(sim, client.init("en-US", "Global")), "");
  assert.equal(await settle(sim, client.join("room", token("room"), "Me")), "");
  assert.deepEqual(seen, [{ state: "Connected" }]);
  assert.equal(client.getCurrentUserInfo().displayName, "Me");
  assert.equal(client.getSessionInfo().isInMeeting, true);
  const stream = client.getMediaStream();
  assert.equal(client.getMediaStream(), stream);
  await settle(sim, stream.startVideo());
  assert.equal(stream.isCapturingVideo(), true);
  assert.equal(sim.activeTrackCount(), 1);
  await assert.rejects(settle(sim, stream.startVideo()), (e) => {
    assert.ok(!(e instanceof Error), "rejections are plain ExecutedFailure objects");
    assert.deepEqual(Object.keys(e).sort(), ["errorCode", "reason", "type"]);
    return e.errorCode === 6109;
  });
  sim.failover(1000);
  sim.advance(1000);
  assert.deepEqual(seen.map((p) => p.state), ["Connected", "Reconnecting", "Connected"]);
  assert.equal(seen[1].reason, "failover");
  sim.close("expeled by host");
  assert.deepEqual(seen.at(-1), { state: "Closed", reason: "expeled by host" });
  assert.equal(sim.activeTrackCount(), 0);
  await assert.rejects(settle(sim, client.join("room", token("room"), "Me")), (e) => e.errorCode === 3009);
  client.off("connection-change", onConn);
  assert.equal(sim.listenerCount(), 0);
  sim.destroy();
});

test("a wrong token, bad arguments and unknown faults are refused with reasons", async () => {
  const sim = createSim({ clock: "manual", sdkSecret: "s" });
  const client = sim.zoomVideo.createClient();
  await settle(sim, client.init("en-US", "Global"));
  await assert.rejects(settle(sim, client.join("room", token("room", { secret: "x" }), "Me")), (e) => e.errorCode === 200);
  await assert.rejects(settle(sim, client.join("room", token("other"), "Me")), (e) => e.errorCode === 200);
  await assert.rejects(settle(sim, client.join(42, token("room"), "Me")), (e) => e.errorCode === 5013);
  assert.throws(() => sim.fault("meteor", {}), /unknown variant `meteor`/);
  assert.throws(() => sim.fail(), /needs the local user in a session/);
  assert.throws(() => createSim({ sedd: 1 }), /unknown field `sedd`/);
  assert.throws(() => sim.activeTimerCount(), /watchTimers/);
  sim.destroy();
});

test("faults from the controller reach listeners with the SDK's payloads", async () => {
  const sim = createSim({ clock: "manual" });
  const client = sim.zoomVideo.createClient();
  const events = [];
  for (const name of ["device-change", "device-permission-change", "active-media-failed", "network-quality-change", "user-added", "user-removed"]) {
    client.on(name, (...args) => events.push([name, ...args]));
  }
  await settle(sim, client.init("en-US", "Global"));
  await settle(sim, client.join("room", token("room"), "Me"));
  events.length = 0;
  sim.unplug("camera", "Integrated Camera");
  sim.replug("camera", "Integrated Camera");
  sim.revokePermission("microphone");
  sim.mediaFailed(202);
  sim.qualityRamp({ direction: "downlink", from: 5, to: 4, stepMs: 100 });
  sim.advance(100);
  const ids = sim.addParticipants(2);
  assert.ok(Array.isArray(ids) && ids.length === 2);
  sim.removeParticipant(ids[0]);
  const me = client.getCurrentUserInfo().userId;
  assert.deepEqual(events, [
    ["device-change"],
    ["device-change"],
    ["device-permission-change", { name: "microphone", state: "denied" }],
    ["active-media-failed", { code: 202, message: "Video track ended.", type: "video" }],
    ["network-quality-change", { userId: me, type: "downlink", level: 5 }],
    ["network-quality-change", { userId: me, type: "downlink", level: 4 }],
    ["user-added", [events[6][1][0]]],
    ["user-added", [events[7][1][0]]],
    ["user-removed", [{ userId: ids[0], displayName: "Participant 1" }]],
  ]);
  sim.destroy();
});

test("real timers: calls settle by themselves and the simulator owns its one timer", async () => {
  const sim = createSim({ seed: 2, watchTimers: true, latency: { init: { min: 1, max: 1 }, join: { min: 20, max: 20 } } });
  const client = sim.zoomVideo.createClient();
  await client.init("en-US", "Global");
  await client.join("room", token("room"), "Me");
  assert.equal(sim.activeTimerCount(), 0, "the simulator's own timers are not the page's");
  const t = setTimeout(() => {}, 60_000);
  const i = setInterval(() => {}, 60_000);
  assert.equal(sim.activeTimerCount(), 2);
  clearTimeout(t);
  clearInterval(i);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(sim.activeTimerCount(), 0, "a fired timeout is no longer live");
  sim.script([{ at: sim.now() + 50, fault: "failover", ms: 50 }]);
  assert.equal(sim.simTimerCount(), 1);
  await new Promise((r) => setTimeout(r, 200));
  const states = sim.events().filter((e) => e.name === "connection-change").map((e) => e.payload.state);
  assert.deepEqual(states, ["Connected", "Reconnecting", "Connected"]);
  await client.leave();
  const pending = client.getMediaStream().startVideo();
  sim.destroy();
  await assert.rejects(pending, /destroyed/);
  assert.equal(sim.simTimerCount(), 0);
  assert.equal(globalThis.setTimeout.name, "setTimeout", "the watch is undone on destroy");
});
