// The npm package as a user gets it: its manifest, and importing it where
// there is no browser (server-side rendering).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./harness.mjs";

const pkg = path.join(root, "pkg");

test("package.json is publishable: name, ESM, types, peer SDK, no side effects", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8"));
  assert.equal(manifest.name, "zoomkit");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.peerDependencies["@zoom/videosdk"], "^2.5.0");
  assert.equal(manifest.exports["."].types, "./index.d.ts");
  for (const file of manifest.files) {
    assert.ok(fs.existsSync(path.join(pkg, file)), `${file} is listed and exists`);
  }
});

test("importing the package under SSR touches no browser global", async () => {
  assert.equal(typeof globalThis.window, "undefined");
  assert.equal(typeof globalThis.document, "undefined");
  const mod = await import(pathToFileURL(path.join(pkg, "index.js")).href);
  assert.equal(typeof mod.init, "function");
  assert.equal(typeof mod.ZoomSdk, "function");
  // One client entry: an app imports one thing.
  for (const name of ["init", "Session", "ZoomSdk", "Stage", "Layouter", "QualityController", "layout"]) {
    assert.equal(typeof mod[name], "function", `zoomkit exports ${name}`);
  }
  assert.equal(fs.existsSync(path.join(pkg, "stage")), false, "there is no zoomkit/stage entry any more");
});

test("every file a packaged module imports is in the package", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8"));
  const packaged = (file) =>
    manifest.files.some((f) => (f.endsWith("/") ? file.startsWith(f) : file === f));
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    assert.ok(packaged(file), `${file} is imported but not in package.json's files`);
    const text = fs.readFileSync(path.join(pkg, file), "utf8");
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
    }
  };
  for (const entry of Object.values(manifest.exports)) {
    const target = typeof entry === "string" ? entry : entry.import;
    if (target.endsWith(".js")) visit(path.posix.normalize(target));
  }
  assert.ok([...seen].some((f) => f.includes("snippets/")), `wasm-bindgen's snippets are followed: ${[...seen].join(", ")}`);
});

// The TypeScript types are part of the API: a change to them must be a
// reviewed change to this stored copy. Bless with ZOOMKIT_BLESS=1.
for (const [generated, golden] of [
  ["zoomkit.d.ts", "zoomkit.d.ts"],
  ["sim/zoomkit_sim.d.ts", "zoomkit_sim.d.ts"],
]) {
  test(`generated ${generated} matches tests/browser/golden/${golden}`, (t) => {
    const genPath = path.join(pkg, generated);
    const goldenPath = path.join(root, "tests/browser/golden", golden);
    if (!fs.existsSync(genPath)) {
      assert.fail(`${genPath} is missing: the package entry was not built`);
    }
    // `InitOutput` lists the raw wasm exports, whose names carry build hashes:
    // not public API, so not compared.
    const actual = fs
      .readFileSync(genPath, "utf8")
      .replace(/export interface InitOutput \{[\s\S]*?\n\}\n/, "export interface InitOutput { /* raw wasm exports: not compared */ }\n");
    assert.ok(actual.includes("/* raw wasm exports: not compared */"), "the generated .d.ts has an InitOutput interface");
    if (process.env.ZOOMKIT_BLESS === "1") {
      fs.mkdirSync(path.dirname(goldenPath), { recursive: true });
      fs.writeFileSync(goldenPath, actual);
      t.diagnostic(`blessed ${goldenPath}`);
    }
    assert.ok(fs.existsSync(goldenPath), `${goldenPath} is missing; run with ZOOMKIT_BLESS=1 to create it`);
    const expected = fs.readFileSync(goldenPath, "utf8");
    assert.equal(
      actual,
      expected,
      `the public TypeScript types changed; if intended, rerun with ZOOMKIT_BLESS=1 and commit ${goldenPath}`,
    );
  });
}
