//! `cargo xtask bench`: speed, as ratios against a baseline measured in the
//! same run, never as a timed test.

use std::path::Path;

use crate::util::{self, step};

const ALL: &[&str] = &["tokens", "size", "events", "layout", "quality"];

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
/// and its JS glue, not the simulator entry) against the SDK's own ESM build.
fn size() -> Result<(), String> {
    crate::pkg::ensure_npm_deps()?;
    let pkg = crate::pkg::run_pkg(false)?;
    let mut ours = 0;
    // Everything a production bundle loads from the package: the wasm, the
    // JS glue, the entry, and wasm-bindgen's inline JS snippets (not the
    // `sim/` entry, nor types and docs).
    let mut files: Vec<std::path::PathBuf> = ["zoomkit_bg.wasm", "zoomkit.js", "index.js"]
        .iter()
        .map(|f| pkg.join(f))
        .collect();
    files.extend(js_files(&pkg.join("snippets"))?);
    for file in files {
        let n = gzip9(&read(&file)?)?;
        let shown = file
            .strip_prefix(&pkg)
            .unwrap_or(&file)
            .display()
            .to_string();
        eprintln!("  {shown}: {n} B gzip -9");
        ours += n;
    }
    let theirs = gzip9(&read(&util::videosdk_dir().join("dist/index.esm.js"))?)?;
    let budget = 80 * 1024;
    println!(
        "bench size: {ours} B vs @zoom/videosdk/dist/index.esm.js {theirs} B = {:.2}x",
        ours as f64 / theirs as f64
    );
    if ours > budget {
        eprintln!(
            "bench size: over the {budget} B budget by {} B",
            ours - budget
        );
    } else {
        eprintln!(
            "bench size: within the {budget} B budget ({} B to spare)",
            budget - ours
        );
    }
    Ok(())
}

/// The `.js` files under `dir` (none if it does not exist), sorted.
fn js_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            out.extend(js_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "js") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
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
