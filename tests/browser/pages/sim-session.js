// Test page helper: a zoomkit Session driven against zoomkit/sim through the
// real glue. Exposes window.zk for the browser tests to call.
//
// Sessions come from `zoomkit/stage` (the client plus Stage, which most tests
// use) unless a test asks for the main `zoomkit` entry; both are one Rust
// crate, built with and without its `stage` feature.
import * as client from "/pkg/index.js";
import * as staged from "/pkg/stage/index.js";
import { init as initSim, createSim } from "/pkg/sim/index.js";

await client.init();
await staged.init();
await initSim();

const entries = { main: client, stage: staged };

window.zk = {
  Stage: staged.Stage,
  /**
   * A sim and a session on it; events are recorded in `log`. `entry` is
   * `"stage"` (zoomkit/stage) or `"main"` (zoomkit).
   */
  start(simOptions = {}, sessionOptions = {}, token, entry = "stage") {
    const { Session } = entries[entry];
    const sim = createSim({
      seed: 7,
      watchTimers: true,
      latency: { init: { min: 5, max: 10 }, join: { min: 10, max: 20 }, leave: { min: 5, max: 10 }, media: { min: 5, max: 10 } },
      ...simOptions,
    });
    const log = [];
    const tokens = [];
    const session = new Session({
      zoomVideo: sim.zoomVideo,
      tokenProvider: (req) => {
        tokens.push(req);
        return typeof token === "function" ? token(req) : token;
      },
      dependentAssets: "Global",
      storage: false,
      seed: 1,
      ...sessionOptions,
    });
    const off = session.on("*", (e) => log.push(e));
    return { sim, session, log, tokens, off, entry };
  },
  /** Resolves when `pred()` holds, polling; rejects with `what` after `ms`. */
  until(pred, what, ms = 5000) {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const tick = () => {
        let v;
        try { v = pred(); } catch (e) { reject(e); return; }
        if (v) resolve(v);
        else if (performance.now() - t0 > ms) reject(new Error(`timed out waiting for ${what}`));
        else requestAnimationFrame(tick);
      };
      tick();
    });
  },
};
window.zkReady = true;
