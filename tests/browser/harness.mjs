// Shared harness of the browser tests: a static server for the package, the
// real SDK and test pages, and headless Chromium with fake media devices.
// Everything started here is stopped by the returned `close()`.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = process.env.ZOOMKIT_ROOT ?? path.resolve(here, "../..");
export const sdkDist = path.join(here, "node_modules/@zoom/videosdk/dist");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
  ".wav": "audio/wav",
  ".ts": "text/plain",
};

/** Serves `/pkg/` (the built npm package), `/sdk/` (the real SDK's dist) and `/pages/`. */
export async function startServer() {
  const mounts = [
    ["/pkg/", path.join(root, "pkg")],
    ["/sdk/", sdkDist],
    ["/pages/", path.join(here, "pages")],
  ];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const mount = mounts.find(([prefix]) => url.pathname.startsWith(prefix));
    if (!mount) {
      res.writeHead(404).end("not found");
      return;
    }
    const file = path.join(mount[1], decodeURIComponent(url.pathname.slice(mount[0].length)));
    if (!file.startsWith(mount[1]) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cross-origin-resource-policy": "same-origin",
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Headless Chromium with a fake camera and microphones, as on the CI machine. */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium is missing at ${executablePath}: apt-get update && apt-get install -y chromium chromium-driver`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/** A page on the test origin whose console errors are collected. */
export async function openPage(browser, url) {
  const context = await browser.newContext({ permissions: ["camera", "microphone"] });
  const page = await context.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`[pageerror] ${e.message}`));
  await page.goto(url);
  return { page, logs, close: () => context.close() };
}

/** A JWT of the right shape, signed with a secret Zoom does not know. */
export async function unauthorisedToken(topic) {
  const { createHmac } = await import("node:crypto");
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const iat = Math.floor(Date.now() / 1000) - 30;
  const head = b64({ alg: "HS256", typ: "JWT" });
  const body = b64({ app_key: "zoomkitTestKeyNotReal", role_type: 0, tpc: topic, version: 1, iat, exp: iat + 7200 });
  const sig = createHmac("sha256", "not-the-real-secret").update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** An unsigned-for-Zoom but well-formed Video SDK token for the simulator. */
export function validToken(topic, { expired = false } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const iat = expired ? now - 7200 : now - 30;
  const head = b64({ alg: "HS256", typ: "JWT" });
  const body = b64({ app_key: "zoomkit-test", role_type: 0, tpc: topic, version: 1, iat, exp: iat + 3600 });
  return `${head}.${body}.c2lnbmF0dXJl`;
}
