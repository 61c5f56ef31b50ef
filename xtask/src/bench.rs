//! `cargo xtask bench`: speed, as ratios against a baseline measured in the
//! same run, never as a timed test.

use std::path::Path;

use crate::util::{self, step};

const ALL: &[&str] = &[
    "tokens", "size", "events", "layout", "quality", "webhooks", "zoom-api",
];

pub fn run(args: &[String]) -> Result<(), String> {
    let names: Vec<&str> = if args.is_empty() {
        ALL.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    for name in names {
        match name {
            "tokens" => tokens()?,
            "size" => size()?,
            "events" => browser_bench("events")?,
            "layout" => browser_bench("layout")?,
            "quality" => browser_bench("quality")?,
            "webhooks" => webhooks()?,
            "zoom-api" => zoom_api()?,
            other => {
                return Err(format!(
                    "unknown bench `{other}`; known: {}",
                    ALL.join(", ")
                ))
            }
        }
    }
    Ok(())
}

fn tokens() -> Result<(), String> {
    crate::pkg::ensure_npm_deps()?;
    step(
        "bench tokens (zoomkit-server vs jsrsasign and node:crypto)",
        util::cargo()
            .args([
                "run",
                "--quiet",
                "--release",
                "-p",
                "zoomkit-server",
                "--example",
                "bench_tokens",
            ])
            .env("ZOOMKIT_NODE_MODULES", util::node_modules()),
    )
}

/// The webhook bench's Node baseline (`crates/server/bench/webhooks`):
/// `npm ci` there when its `node_modules` is older than its lock file.
/// better-sqlite3 has no prebuilt binary reachable from here, so it is
/// compiled; Debian's Node ships its headers in /usr/include/node, which
/// node-gyp is pointed at instead of downloading them.
fn ensure_webhook_baseline() -> Result<std::path::PathBuf, String> {
    let dir = util::root().join("crates/server/bench/webhooks");
    let stamp = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(dir);
    }
    if util::which("npm").is_none() {
        return Err("npm is missing: install Node.js 20+ (`apt-get install -y nodejs npm`)".into());
    }
    let mut npm = std::process::Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir);
    if std::env::var_os("npm_config_nodedir").is_none()
        && Path::new("/usr/include/node/node.h").is_file()
    {
        npm.env("npm_config_nodedir", "/usr");
    }
    step(
        "install the webhook bench's baseline (better-sqlite3)",
        &mut npm,
    )?;
    Ok(dir)
}

/// `bench webhooks`: `zoomkit-server serve` (release) on SQLite and on a
/// throwaway PostgreSQL against Node + better-sqlite3, all driven by the
/// same load generator (`crates/server/examples/bench_webhooks.rs`).
fn webhooks() -> Result<(), String> {
    let node_dir = ensure_webhook_baseline()?;
    step(
        "build zoomkit-server and the webhook load generator (release)",
        util::cargo().args([
            "build",
            "--release",
            "-p",
            "zoomkit-server",
            "--features",
            "postgres",
            "--bin",
            "zoomkit-server",
            "--example",
            "bench_webhooks",
        ]),
    )?;
    let release = util::root().join("target/release");
    // ZOOMKIT_BENCH_SERVER already set: bench that binary instead (a build
    // of another commit, for a before/after comparison on one machine).
    let server = std::env::var_os("ZOOMKIT_BENCH_SERVER")
        .map_or_else(|| release.join("zoomkit-server"), std::path::PathBuf::from);
    let postgres = crate::postgres::Cluster::start_durable()?;
    let result = step(
        "bench webhooks (zoomkit-server vs node http + better-sqlite3)",
        std::process::Command::new(release.join("examples/bench_webhooks"))
            .env("ZOOMKIT_BENCH_SERVER", server)
            .env("ZOOMKIT_BENCH_NODE_DIR", node_dir)
            .env("ZOOMKIT_TEST_POSTGRES_URL", postgres.url()),
    );
    drop(postgres);
    result
}

/// `bench zoom-api`: 600 meeting creates against the fake Zoom (LIGHT at
/// 20/s) by our client at 32 concurrent callers, by the seed's sequential
/// 0.5 s-sleep pattern, by a naive 32-concurrent client, and by two
/// processes of our client sharing one PostgreSQL, in one run
/// (`crates/server/examples/bench_zoom_api.rs`).
fn zoom_api() -> Result<(), String> {
    step(
        "build the zoom-api bench (release)",
        util::cargo().args([
            "build",
            "--release",
            "-p",
            "zoomkit-server",
            "--features",
            "testing,postgres",
            "--example",
            "bench_zoom_api",
        ]),
    )?;
    // (d) runs two processes of the bench on one throwaway PostgreSQL.
    let postgres = crate::postgres::Cluster::start()?;
    let result = step(
        "bench zoom-api (our client vs the seed's sequential pattern, against the fake Zoom; then two processes on one PostgreSQL)",
        std::process::Command::new(util::root().join("target/release/examples/bench_zoom_api"))
            .env("ZOOMKIT_TEST_POSTGRES_URL", postgres.url()),
    );
    drop(postgres);
    result
}

fn gzip9(bytes: &[u8]) -> Result<usize, String> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(enc.finish().map_err(|e| e.to_string())?.len())
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// gzip -9 size of what a production bundle carries from zoomkit (the wasm
/// and its JS glue of the one client entry, not the simulator entry) against
/// the SDK's own ESM build.
fn size() -> Result<(), String> {
    crate::pkg::ensure_npm_deps()?;
    let pkg = crate::pkg::run_pkg(false)?;
    let theirs = gzip9(&read(&util::videosdk_dir().join("dist/index.esm.js"))?)?;
    let ours = entry_size(&pkg, "", "zoomkit")?;
    println!(
        "bench size: {ours} B vs @zoom/videosdk/dist/index.esm.js {theirs} B = {:.2}x",
        ours as f64 / theirs as f64
    );
    if ours > SIZE_BUDGET {
        eprintln!(
            "bench size: zoomkit is over the {SIZE_BUDGET} B budget by {} B",
            ours - SIZE_BUDGET
        );
    } else {
        eprintln!(
            "bench size: zoomkit is within the {SIZE_BUDGET} B budget ({} B to spare)",
            SIZE_BUDGET - ours
        );
    }
    Ok(())
}

/// The client's budget, gzip -9 bytes of the `zoomkit` entry (issue 16:
/// 128 KB; livekit-client is 153,748 B, Zoom's own entry 284,684 B).
pub const SIZE_BUDGET: usize = 128 * 1024;

/// Fails when the built main entry in `pkg` is over [`SIZE_BUDGET`]: `cargo
/// xtask test` runs this on the release package, so a change that grows the
/// client past its budget fails CI instead of surfacing at the next bench.
pub fn check_size_budget(pkg: &Path) -> Result<(), String> {
    let ours = entry_size(pkg, "", "zoomkit")?;
    if ours > SIZE_BUDGET {
        return Err(format!(
            "the client (pkg/ main entry) is {ours} B gzip -9, over its {SIZE_BUDGET} B budget \
             by {} B (`cargo xtask bench size` shows each file)",
            ours - SIZE_BUDGET
        ));
    }
    eprintln!(
        "xtask: the client is {ours} B gzip -9, within its {SIZE_BUDGET} B budget ({} B to spare)",
        SIZE_BUDGET - ours
    );
    Ok(())
}

/// The gzip -9 bytes of one package entry: everything a production bundle
/// loads from it (the wasm, the JS glue, the entry module and wasm-bindgen's
/// inline JS snippets; not types or docs). Prints each file.
fn entry_size(pkg: &Path, dir: &str, name: &str) -> Result<usize, String> {
    let root = pkg.join(dir);
    let mut files: Vec<std::path::PathBuf> = [
        format!("{name}_bg.wasm"),
        format!("{name}.js"),
        "index.js".to_owned(),
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    files.extend(util::files_with_extension(&root.join("snippets"), "js")?);
    let mut total = 0;
    for file in files {
        let n = gzip9(&read(&file)?)?;
        let shown = file
            .strip_prefix(pkg)
            .unwrap_or(&file)
            .display()
            .to_string();
        eprintln!("  {shown}: {n} B gzip -9");
        total += n;
    }
    Ok(total)
}

/// A bench that runs in Chromium: `tests/browser/bench/<name>.mjs`.
fn browser_bench(name: &str) -> Result<(), String> {
    crate::pkg::ensure_npm_deps()?;
    crate::pkg::run_pkg(false)?;
    let chromium = crate::test::chromium()?;
    step(
        &format!("bench {name} (Chromium)"),
        std::process::Command::new("node")
            .arg(util::root().join(format!("tests/browser/bench/{name}.mjs")))
            .env("CHROMIUM", chromium)
            .env("ZOOMKIT_ROOT", util::root()),
    )
}
