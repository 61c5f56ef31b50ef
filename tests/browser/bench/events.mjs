// bench events: SDK events per second through zoomkit's glue and core in
// Chromium, against a bare JS listener doing nothing, same page, same run.
// Prints: bench events: <ours>/s vs bare-listener <theirs>/s = <ratio>x
import { startServer, launchBrowser, openPage } from "../harness.mjs";

const N = Number(process.env.ZOOMKIT_BENCH_EVENTS ?? 20000);
const ROUNDS = 5;

const server = await startServer();
const browser = await launchBrowser();
try {
  const tab = await openPage(browser, `${server.origin}/pages/blank.html`);
  const result = await tab.page.evaluate(async ({ N, ROUNDS }) => {
    const { init, Session } = await import("/pkg/index.js");
    await init();
    // A minimal stand-in for ZoomVideo: resolves every call at once and lets
    // the bench fire events at the listeners the glue registered.
    const listeners = new Map();
    const stream = { getCameraList: () => [], getMicList: () => [], getSpeakerList: () => [] };
    const client = {
      init: async () => "",
      join: async () => "",
      leave: async () => "",
      on: (ev, cb) => listeners.set(ev, [...(listeners.get(ev) ?? []), cb]),
      off: (ev, cb) => listeners.set(ev, (listeners.get(ev) ?? []).filter((f) => f !== cb)),
      getMediaStream: () => stream,
      getCurrentUserInfo: () => ({ userId: 1, displayName: "Ada" }),
    };
    const zoomVideo = { createClient: () => client };
    const session = new Session({ zoomVideo, tokenProvider: () => "x.eyJleHAiOjQxMDI0NDQ4MDB9.y", storage: false });
    await session.join({ topic: "bench", userName: "Ada" });
    const fire = listeners.get("user-updated")[0];
    const payloads = Array.from({ length: 64 }, (_, i) => [{ userId: 2 + (i % 8), displayName: `P${i % 8}`, muted: i % 2 === 0, bVideoOn: i % 3 === 0 }]);
    // Warm up, and make sure the events really reach the core.
    listeners.get("user-added")[0](payloads.slice(0, 8).map((p) => p[0]));
    for (let i = 0; i < 2000; i++) fire(payloads[i & 63]);
    const reached = session.participants().length;
    const bare = () => {};
    // Batches of N until at least 200 ms have passed, so the clock's
    // resolution does not decide the result.
    let sink = 0;
    const rate = (f) => {
      const t0 = performance.now();
      let n = 0, t = t0;
      do {
        for (let i = 0; i < N; i++) sink ^= f(payloads[i & 63]) === undefined ? 0 : 1;
        n += N;
        t = performance.now();
      } while (t - t0 < 200);
      return n / ((t - t0) / 1000);
    };
    const ours = [], theirs = [];
    for (let r = 0; r < ROUNDS; r++) {
      theirs.push(rate(bare));
      ours.push(rate(fire));
    }
    await session.leave();
    session.free();
    const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    return { ours: median(ours), theirs: median(theirs), reached, sink };
  }, { N, ROUNDS });
  if (result.reached < 8) throw new Error(`events did not reach the core: ${result.reached} participants`);
  const fmt = (x) => Math.round(x).toString();
  console.log(`bench events: ${fmt(result.ours)}/s vs bare-listener ${fmt(result.theirs)}/s = ${(result.ours / result.theirs).toFixed(4)}x`);
  console.error(`  (user-updated events, at least 200 ms per round, median of ${ROUNDS} rounds; ours are read with zoomkit_core::wire and fed to the core)`);
  await tab.close();
} finally {
  await browser.close();
  await server.close();
}
