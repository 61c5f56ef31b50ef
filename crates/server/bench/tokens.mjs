// Baselines for `cargo xtask bench tokens` (run by
// crates/server/examples/bench_tokens.rs, which passes one JSON argument):
//
//   jsrsasign    KJUR.jws.JWS.sign, the code path of Zoom's official auth
//                endpoint samples, and KJUR.jws.JWS.verifyJWT;
//   node-crypto  Node's built-in crypto (HMAC via a KeyObject, base64url via
//                Buffer), the fastest plain-Node way to do the same thing.
//
// Every run first checks that each baseline produces the very token the Rust
// signer produced, so all sides do the same work. Results: one JSON line per
// measurement on stdout; progress on stderr.
//
// jsrsasign is loaded from $ZOOMKIT_NODE_MODULES (the Rust driver defaults it
// to <workspace>/tests/browser/node_modules).

import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import path from 'node:path';

const input = JSON.parse(process.argv[2] ?? '{}');
const { secret, now, seconds, token: expected } = input;
// Parsed from text so key order, and so JSON.stringify's output, match ours.
const payload = input.payload_json && JSON.parse(input.payload_json);
const nodeModules = process.env.ZOOMKIT_NODE_MODULES;
if (!nodeModules || !payload || !secret || !expected) {
  console.error('tokens.mjs: run me through `cargo run --release -p zoomkit-server --example bench_tokens`');
  process.exit(2);
}
const require = createRequire(import.meta.url);
let KJUR;
try {
  ({ KJUR } = require(path.join(nodeModules, 'jsrsasign')));
} catch (e) {
  console.error(`tokens.mjs: cannot load jsrsasign from ${nodeModules} (npm install in tests/browser, or set ZOOMKIT_NODE_MODULES): ${e.message}`);
  process.exit(2);
}

// --- the implementations -------------------------------------------------

const HEADER = { alg: 'HS256', typ: 'JWT' };

// Zoom's samples: KJUR.jws.JWS.sign('HS256', JSON.stringify(oHeader), JSON.stringify(oPayload), secret)
const jsrsasignSign = () => KJUR.jws.JWS.sign('HS256', JSON.stringify(HEADER), JSON.stringify(payload), secret);
const jsrsasignVerify = (t) => {
  if (!KJUR.jws.JWS.verifyJWT(t, { utf8: secret }, { alg: ['HS256'], verifyAt: now })) throw new Error('refused');
  return KJUR.jws.JWS.readSafeJSONString(Buffer.from(t.split('.')[1], 'base64url').toString('utf8'));
};

const key = crypto.createSecretKey(Buffer.from(secret, 'utf8'));
const headerB64 = Buffer.from(JSON.stringify(HEADER)).toString('base64url');
const nodeSign = () => {
  const input = headerB64 + '.' + Buffer.from(JSON.stringify(payload)).toString('base64url');
  return input + '.' + crypto.createHmac('sha256', key).update(input).digest('base64url');
};
const nodeVerify = (t) => {
  const parts = t.split('.');
  if (parts.length !== 3) throw new Error('malformed');
  const [h, p, s] = parts;
  if (JSON.parse(Buffer.from(h, 'base64url').toString('utf8')).alg !== 'HS256') throw new Error('alg');
  const mac = crypto.createHmac('sha256', key).update(h + '.' + p).digest();
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== mac.length || !crypto.timingSafeEqual(sig, mac)) throw new Error('signature');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  if (!(now < claims.exp) || !(claims.iat <= now)) throw new Error('time');
  return claims;
};

// --- same work on every side ---------------------------------------------

for (const [name, sign] of [['jsrsasign', jsrsasignSign], ['node-crypto', nodeSign]]) {
  const got = sign();
  if (got !== expected) {
    console.error(`tokens.mjs: ${name} signed a different token than ours:\n  ${got}\n  ${expected}`);
    process.exit(1);
  }
}
for (const verify of [jsrsasignVerify, nodeVerify]) verify(expected);

// --- measure ---------------------------------------------------------------

let sink = 0;
function measure(label, op, secs) {
  const batch = 256;
  const run = (limitNs) => {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < limitNs) {
      for (let i = 0; i < batch; i++) sink += op().length ?? 1;
      n += batch;
      elapsed = process.hrtime.bigint() - start;
    }
    return n / (Number(elapsed) / 1e9);
  };
  run(BigInt(Math.round(Math.min(0.5, secs / 4) * 1e9))); // JIT warm-up
  const perSec = run(BigInt(Math.round(secs * 1e9)));
  console.error(`  ${label}: ${Math.round(perSec)}/s`);
  console.log(JSON.stringify({ name: label, per_sec: perSec }));
}

console.error(`tokens.mjs: node ${process.version}, jsrsasign ${require(path.join(nodeModules, 'jsrsasign', 'package.json')).version}`);
measure('jsrsasign-sign', jsrsasignSign, seconds);
measure('node-crypto-sign', nodeSign, seconds);
measure('jsrsasign-verify', () => jsrsasignVerify(expected), seconds);
measure('node-crypto-verify', () => nodeVerify(expected), seconds);
if (sink === 0) console.error('unreachable');
