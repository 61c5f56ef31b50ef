//! Signatures computed by an independent implementation (Node's `crypto`,
//! spawned at test time) verify with our verifiers, for all three
//! providers, over random bodies (any bytes, including invalid UTF-8),
//! secrets and timestamps; and Zoom's URL validation answer is the one Node
//! computes. The helper signer the other tests use is checked against Node
//! here too.
//!
//! Node is required: if it is missing this test fails, it does not skip.

mod webhook_common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};
use webhook_common::*;
use zoomkit_server::webhook::{CalcomVerifier, CalendlyVerifier, ZoomVerifier};

const NODE: &str = r#"
const crypto = require('node:crypto');
const lines = require('node:fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
const hmac = (key, ...parts) => {
  const h = crypto.createHmac('sha256', Buffer.from(key, 'utf8'));
  for (const p of parts) h.update(p);
  return h.digest('hex');
};
for (const line of lines) {
  const c = JSON.parse(line);
  const body = Buffer.from(c.body, 'base64');
  const ts = String(c.ts);
  console.log(JSON.stringify({
    zoom: 'v0=' + hmac(c.secret, 'v0:' + ts + ':', body),
    calendly: 't=' + ts + ',v1=' + hmac(c.secret, ts + '.', body),
    calcom: hmac(c.secret, body),
    encrypted: hmac(c.secret, c.plain),
  }));
}
"#;

struct Case {
    secret: String,
    ts: u64,
    body: Vec<u8>,
    plain: String,
}

fn node(cases: &[Case]) -> Vec<Value> {
    let mut child = Command::new("node")
        .args(["-e", NODE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node must be installed for the webhook cross-check");
    {
        let mut stdin = child.stdin.take().unwrap();
        for c in cases {
            let line = json!({"secret": c.secret, "ts": c.ts, "body": STANDARD.encode(&c.body), "plain": c.plain});
            writeln!(stdin, "{line}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), cases.len(), "node answered every case");
    lines
}

/// A body every verifier's envelope check accepts (it has both `event` and
/// `triggerEvent`), with `text` inside.
fn envelope(text: &str) -> Vec<u8> {
    json!({"event": text, "triggerEvent": text, "payload": {"note": text}})
        .to_string()
        .into_bytes()
}

fn cases() -> Vec<Case> {
    // Fixed cases: an empty body, JSON, non-ASCII secret and body, bytes
    // that are not UTF-8; then random ones.
    let mut cases = vec![
        Case {
            secret: "s".into(),
            ts: 0,
            body: Vec::new(),
            plain: "p".into(),
        },
        Case {
            secret: "zoom secret token".into(),
            ts: 1_800_000_000,
            body: envelope("meeting.started"),
            plain: "qgg8vlvZRS6UYooatFL8Aw".into(),
        },
        Case {
            secret: "clé-secrète-ключ".into(),
            ts: 1_800_000_001,
            body: envelope("Zoë 🎥"),
            plain: "ünïcode".into(),
        },
        Case {
            secret: "k".repeat(200),
            ts: 9_999_999_999,
            body: vec![0xff, 0x00, 0xfe, b'\n', 0x80],
            plain: String::new(),
        },
    ];
    let strategy = (
        "[ -~é€]{1,64}",
        0u64..20_000_000_000,
        proptest::collection::vec(any::<u8>(), 0..2048),
        "[A-Za-z0-9_-]{0,32}",
    );
    let mut runner = TestRunner::deterministic();
    for _ in 0..300 {
        let (secret, ts, mut body, plain) = strategy.new_tree(&mut runner).unwrap().current();
        if body.first().is_some_and(|b| b % 2 == 0) {
            // Half the bodies are envelopes with arbitrary text inside.
            body = envelope(&String::from_utf8_lossy(&body));
        }
        cases.push(Case {
            secret,
            ts,
            body,
            plain,
        });
    }
    cases
}

#[test]
fn signatures_computed_by_node_verify_with_ours() {
    let cases = cases();
    let theirs = node(&cases);
    for (c, t) in cases.iter().zip(&theirs) {
        let now = at(c.ts);
        let text = |k: &str| t[k].as_str().unwrap().as_bytes().to_vec();

        // Our test signer agrees with Node byte for byte.
        assert_eq!(zoom_headers(&c.secret, c.ts, &c.body)[0].1, text("zoom"));
        assert_eq!(
            calendly_headers(&c.secret, c.ts, &c.body)[0].1,
            text("calendly")
        );
        assert_eq!(calcom_headers(&c.secret, &c.body)[0].1, text("calcom"));

        // Signature and timestamp checks pass. Bodies that are not an
        // envelope stop at `malformed_body`, which is only reached after
        // the signature verified.
        let expected = if serde_json::from_slice::<Value>(&c.body)
            .is_ok_and(|v| v.get("event").is_some() && v.get("triggerEvent").is_some())
        {
            "ok"
        } else {
            "malformed_body"
        };
        let verdict = |r: Result<_, zoomkit_server::webhook::VerifyError>| match r {
            Ok(_) => "ok",
            Err(e) => e.reason(),
        };
        let ts = c.ts.to_string().into_bytes();
        let zoom = [
            ("x-zm-signature", text("zoom")),
            ("x-zm-request-timestamp", ts),
        ];
        let r = ZoomVerifier::new(secrets(&c.secret)).verify(&zoom[..], &c.body, now);
        assert_eq!(verdict(r), expected, "zoom");
        let calendly = [("Calendly-Webhook-Signature", text("calendly"))];
        let r = CalendlyVerifier::new(secrets(&c.secret)).verify(&calendly[..], &c.body, now);
        assert_eq!(verdict(r), expected, "calendly");
        let calcom = [("X-Cal-Signature-256", text("calcom"))];
        let r = CalcomVerifier::new(secrets(&c.secret)).verify(&calcom[..], &c.body, now);
        assert_eq!(verdict(r), expected, "calcom");
    }
}

#[test]
fn url_validation_answers_what_node_computes() {
    let cases = cases();
    let theirs = node(&cases);
    for (c, t) in cases.iter().zip(&theirs) {
        let body = json!({"event": "endpoint.url_validation", "event_ts": 1, "payload": {"plainToken": c.plain}})
            .to_string()
            .into_bytes();
        let headers = zoom_headers(&c.secret, c.ts, &body);
        let v = ZoomVerifier::new(secrets(&c.secret))
            .verify(&headers, &body, at(c.ts))
            .unwrap();
        let answer = v.url_validation.expect("a url_validation answer");
        assert_eq!(answer.plain_token, c.plain);
        assert_eq!(answer.encrypted_token, t["encrypted"].as_str().unwrap());
        let reply: Value = serde_json::from_str(&answer.to_json()).unwrap();
        assert_eq!(
            reply,
            json!({"plainToken": c.plain, "encryptedToken": t["encrypted"]})
        );
    }
}
