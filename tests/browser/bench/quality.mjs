// bench quality: one quality-controller step in Chromium (wasm), against the
// 10 µs budget. Prints, per input kind:
//   bench quality-<input>: <µs> µs vs budget 10 µs = <ratio>x
import { startServer, launchBrowser, openPage } from "../harness.mjs";

const server = await startServer();
const browser = await launchBrowser();
try {
  const tab = await openPage(browser, `${server.origin}/pages/blank.html`);
  const results = await tab.page.evaluate(async () => {
    const { init, QualityController } = await import("/pkg/index.js");
    await init();
    const inputs = {
      network: { kind: "network-quality-change", payload: { userId: 1, type: "downlink", level: 2 } },
      tiles: { kind: "tiles", payload: Array.from({ length: 25 }, (_, i) => ({ userId: 100 + i, quality: i < 2 ? 3 : 2 })) },
      cpu: { kind: "system-resource-usage-change", payload: { cpu_usage: { system_cpu_pressure_level: 2 } } },
    };
    const out = {};
    for (const [name, input] of Object.entries(inputs)) {
      const q = new QualityController(undefined);
      q.handle({ kind: "capabilities", payload: { crossOriginIsolated: true, supportsMultipleVideos: true, maxRenderableVideos: 25, supportsHdVideo: true } });
      q.handle({ kind: "selfUser", payload: 1 });
      q.handle(input);
      q.poll();
      q.repeat(1000); // warm up
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      do {
        q.repeat(5000);
        n += 5000;
        t = performance.now();
      } while (t - t0 < 300);
      out[name] = ((t - t0) * 1000) / n;
      q.free();
    }
    return out;
  });
  for (const [name, us] of Object.entries(results)) {
    console.log(`bench quality-${name}: ${us.toFixed(3)} µs vs budget 10 µs = ${(us / 10).toFixed(4)}x`);
  }
  console.error("  (one handle + drain per step, time advancing 1 ms a step; ratio < 1 is within budget)");
  await tab.close();
} finally {
  await browser.close();
  await server.close();
}
