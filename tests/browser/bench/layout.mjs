// bench layout: one layout of 1,000 participants, in Chromium (wasm),
// against the 1 ms budget. Prints, per mode:
//   bench layout-<mode>: <ms> ms vs budget 1 ms = <ratio>x
import { startServer, launchBrowser, openPage } from "../harness.mjs";

const server = await startServer();
const browser = await launchBrowser();
try {
  const tab = await openPage(browser, `${server.origin}/pages/blank.html`);
  const results = await tab.page.evaluate(async () => {
    const { init, Layouter } = await import("/pkg/index.js");
    await init();
    const participants = Array.from({ length: 1000 }, (_, i) => ({ userId: 1000 + i, joinSeq: i, videoOn: i % 4 !== 0 }));
    const base = {
      participants, selfId: 1000, activeSpeaker: 1500, recentSpeakers: [1500, 1200, 1300],
      pins: [1700], viewport: { width: 1920, height: 1080, devicePixelRatio: 2 }, maxRenderableVideos: 25, gap: 4,
    };
    const modes = {
      gallery: { kind: "gallery" },
      speaker: { kind: "speaker" },
      share: { kind: "share" },
      pip: { kind: "pip" },
    };
    const out = {};
    for (const [name, mode] of Object.entries(modes)) {
      const l = new Layouter();
      const input = { ...base, mode, ...(name === "share" ? { share: { userId: 1100, size: { width: 2560, height: 1440 } } } : {}) };
      const first = l.layout(input);
      l.repeat(200); // warm up
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      do {
        l.repeat(500);
        n += 500;
        t = performance.now();
      } while (t - t0 < 300);
      out[name] = { ms: (t - t0) / n, tiles: first.tiles.length };
      l.free();
    }
    return out;
  });
  for (const [name, r] of Object.entries(results)) {
    console.log(`bench layout-${name}: ${r.ms.toFixed(4)} ms vs budget 1 ms = ${r.ms.toFixed(4)}x`);
    console.error(`  (1000 participants, ${r.tiles} tiles, 1920x1080@2x; ratio < 1 is within budget)`);
  }
  await tab.close();
} finally {
  await browser.close();
  await server.close();
}
