//! Token signing and verification throughput, ours against Zoom's official
//! sample's code path (jsrsasign) and Node's built-in crypto, measured in the
//! same run on the same payload. Run by `cargo xtask bench tokens`:
//!
//! ```sh
//! cargo run --release -p zoomkit-server --example bench_tokens
//! ```
//!
//! Prints one line per comparison on stdout:
//! `bench <name>: <ours>/s vs <baseline> <theirs>/s = <ratio>x`; progress on
//! stderr. Single core: each side runs on one thread, one after the other.
//!
//! Environment: `ZOOMKIT_NODE_MODULES` (where jsrsasign is; default
//! `<workspace>/tests/browser/node_modules`), `ZOOMKIT_NODE` (default `node`),
//! `ZOOMKIT_BENCH_SECS` (per measurement, default 2).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use zoomkit_server::token::{Role, Secret, Verifier, VideoSdkToken};

const IAT: u64 = 1_800_000_000;

/// Calls `op` in batches until `secs` have passed (after a warm-up) and
/// returns operations per second.
fn measure(label: &str, secs: f64, mut op: impl FnMut() -> usize) -> f64 {
    const BATCH: u32 = 256;
    let mut run = |limit: Duration| {
        let start = Instant::now();
        let mut n = 0u64;
        let mut sink = 0usize;
        while start.elapsed() < limit {
            for _ in 0..BATCH {
                sink = sink.wrapping_add(op());
            }
            n += u64::from(BATCH);
        }
        black_box(sink);
        n as f64 / start.elapsed().as_secs_f64()
    };
    run(Duration::from_secs_f64((secs / 4.0).min(0.5)));
    let per_sec = run(Duration::from_secs_f64(secs));
    eprintln!("  {label}: {per_sec:.0}/s");
    per_sec
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_tokens: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let secs: f64 = std::env::var("ZOOMKIT_BENCH_SECS")
        .ok()
        .map(|s| {
            s.parse()
                .map_err(|_| format!("ZOOMKIT_BENCH_SECS must be a number, not {s:?}"))
        })
        .transpose()?
        .unwrap_or(2.0);
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest.join("../..");
    let node_modules = std::env::var_os("ZOOMKIT_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("tests/browser/node_modules"));
    let node = std::env::var("ZOOMKIT_NODE").unwrap_or_else(|_| "node".into());

    // A typical participant token, as Zoom's sample mints it (no backdate,
    // so jsrsasign signs the very same bytes).
    let secret_text = "bench-video-sdk-secret-0123456789abcdefXYZ";
    let secret = Secret::new(secret_text).map_err(|e| e.to_string())?;
    let now = std::time::UNIX_EPOCH + Duration::from_secs(IAT);
    let builder = VideoSdkToken::new("VIDEO_SDK_KEY_0123456789", "Cool Cars", Role::Participant)
        .user_key("user-123")
        .session_key("session123")
        .backdate(Duration::ZERO);
    let token = builder.sign(&secret, now).map_err(|e| e.to_string())?;
    let payload_b64 = token.split('.').nth(1).ok_or("no payload")?;
    let payload_json = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|e| e.to_string())?;
    // Passed as text: node's JSON.parse keeps the key order, so its
    // JSON.stringify gives back exactly these bytes.
    let payload = String::from_utf8(payload_json).map_err(|e| e.to_string())?;
    let verify_at = now + Duration::from_secs(1);
    let verifier = Verifier::new();
    verifier
        .video_sdk(&token, &secret, verify_at)
        .map_err(|e| e.to_string())?;

    eprintln!(
        "bench_tokens: {} byte token, {secs} s per measurement, one thread",
        token.len()
    );
    let ours_sign = measure("zoomkit-sign", secs, || {
        black_box(&builder)
            .sign(black_box(&secret), black_box(now))
            .map_or(0, |t| t.len())
    });
    let ours_verify = measure("zoomkit-verify", secs, || {
        verifier
            .video_sdk(black_box(&token), black_box(&secret), black_box(verify_at))
            .map_or(0, |c| c.tpc.len())
    });

    let script = manifest.join("bench/tokens.mjs");
    let input = serde_json::json!({
        "payload_json": payload,
        "secret": secret_text,
        "now": IAT + 1,
        "seconds": secs,
        "token": token,
    });
    eprintln!(
        "bench_tokens: {node} {} (jsrsasign from {})",
        script.display(),
        node_modules.display()
    );
    let out = Command::new(&node)
        .arg(&script)
        .arg(input.to_string())
        .env("ZOOMKIT_NODE_MODULES", &node_modules)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run `{node}` (needed for the baselines): {e}"))?;
    if !out.status.success() {
        return Err(format!("{} failed ({})", script.display(), out.status));
    }
    let stdout = String::from_utf8(out.stdout).map_err(|e| e.to_string())?;
    let theirs = |name: &str| -> Result<f64, String> {
        stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["name"] == name)
            .and_then(|v| v["per_sec"].as_f64())
            .ok_or_else(|| format!("tokens.mjs did not report {name}"))
    };

    let line = |name: &str, ours: f64, baseline: &str, theirs: f64| {
        println!(
            "bench {name}: {ours:.0}/s vs {baseline} {theirs:.0}/s = {:.1}x",
            ours / theirs
        );
    };
    line(
        "tokens-sign",
        ours_sign,
        "jsrsasign",
        theirs("jsrsasign-sign")?,
    );
    line(
        "tokens-sign",
        ours_sign,
        "node-crypto",
        theirs("node-crypto-sign")?,
    );
    line(
        "tokens-verify",
        ours_verify,
        "node-crypto",
        theirs("node-crypto-verify")?,
    );
    line(
        "tokens-verify",
        ours_verify,
        "jsrsasign",
        theirs("jsrsasign-verify")?,
    );
    Ok(())
}
