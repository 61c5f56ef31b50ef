// The baseline for `cargo xtask bench webhooks`: what a typical Node.js
// webhook handler does, done carefully. Node's `http` server reads the body,
// checks Cal.com's X-Cal-Signature-256 (hex HMAC-SHA256 of the raw body) in
// constant time, derives the same dedupe key zoomkit-server does
// (triggerEvent, payload.uid and the body's SHA-256), and inserts the delivery with a
// unique key into SQLite through better-sqlite3 (WAL, synchronous=FULL,
// the settings zoomkit-server's store uses) before answering 200; a
// duplicate is answered 200 too. Usage:
//   node server.mjs <sqlite-file> <secret>     (prints "listening <port>")
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import Database from "better-sqlite3";

const [file, secret] = process.argv.slice(2);
if (!file || !secret) {
  console.error("usage: node server.mjs <sqlite-file> <secret>");
  process.exit(2);
}
const LIMIT = 1024 * 1024;
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(`CREATE TABLE IF NOT EXISTS inbox (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  body BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (provider, dedupe_key)
)`);
const insert = db.prepare(
  "INSERT INTO inbox (provider, dedupe_key, body, received_at) VALUES ('calcom', ?, ?, ?) ON CONFLICT DO NOTHING",
);

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/webhooks/calcom") return reply(res, 404, { error: "not_found" });
  const chunks = [];
  let size = 0;
  let refused = false;
  req.on("data", (c) => {
    size += c.length;
    if (size > LIMIT && !refused) {
      refused = true;
      reply(res, 413, { error: "body_too_large" });
      req.destroy();
    } else if (!refused) chunks.push(c);
  });
  req.on("end", () => {
    if (refused) return;
    const body = Buffer.concat(chunks);
    const given = Buffer.from(String(req.headers["x-cal-signature-256"] ?? ""), "hex");
    const expected = createHmac("sha256", secret).update(body).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply(res, 401, { error: "bad_signature" });
    }
    let key;
    try {
      const env = JSON.parse(body);
      const digest = createHash("sha256").update(body).digest("hex");
      key = `calcom:${env.triggerEvent}:${env.payload?.uid ?? "-"}:sha256:${digest}`;
    } catch {
      return reply(res, 400, { error: "malformed_body" });
    }
    const info = insert.run(key, body, Date.now());
    reply(res, 200, { received: true, duplicate: info.changes === 0 });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    server.close();
    db.close();
    process.exit(0);
  });
}
