// The demo page: zoomkit's npm package (served at /pkg/) driving the real
// @zoom/videosdk (served at /sdk/, its dist/lib used as local assets).
import { init, ZoomSdk } from "/pkg/index.js";
import ZoomVideo from "/sdk/index.esm.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

function log(text) {
  const li = document.createElement("li");
  li.textContent = `${new Date().toISOString().slice(11, 23)} ${text}`;
  $("event-log").append(li);
}

async function main() {
  await init();
  const sdk = new ZoomSdk(ZoomVideo);

  const compat = sdk.checkSystemRequirements();
  for (const [feature, ok] of Object.entries(compat)) {
    const dt = document.createElement("dt");
    dt.textContent = feature;
    const dd = document.createElement("dd");
    dd.textContent = ok ? "supported" : "not supported";
    $("compat").append(dt, dd);
  }
  log(`browser: ${JSON.stringify(compat)}`);

  await sdk.init("en-US", new URL("/sdk/lib", location.href).href);
  $("sdk-status").textContent = "initialised";
  log("sdk: initialised with local assets");

  const devices = await sdk.getDevices();
  for (const d of devices) {
    const li = document.createElement("li");
    li.dataset.kind = d.kind;
    li.textContent = `${d.kind}: ${d.label || "(no label until permission is granted)"}`;
    $("devices").append(li);
  }
  log(`devices: ${devices.length} found`);
}

main().catch((e) => {
  $("sdk-status").textContent = `error: ${e.message}`;
  log(`error: ${e.kind ?? ""} ${e.message}`);
  console.error(e);
});
