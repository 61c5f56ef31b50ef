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

test("the demo page initialises the real SDK and lists the fake devices", async () => {
  const url = await startDemo();
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
