// Test page helper: a zoomkit Session driven against zoomkit/sim through the
// real glue. Exposes window.zk for the browser tests to call.
import * as client from "/pkg/index.js";
import { init as initSim, createSim } from "/pkg/sim/index.js";

await client.init();
await initSim();

window.zk = {
  Stage: client.Stage,
  ZoomkitError: client.ZoomkitError,
  /** A sim and a session on it; events are recorded in `log`. */
  start(simOptions = {}, sessionOptions = {}, token) {
    const { Session } = client;
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
    return { sim, session, log, tokens, off };
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
