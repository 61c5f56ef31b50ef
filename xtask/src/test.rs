//! `cargo xtask test`: everything that proves zoomkit works. CI runs exactly
//! this (after `.ci/run` installs Chromium). Every step either passes or
//! fails the run; a missing tool is installed or named with its install
//! command, never skipped.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::util::{self, step};
use crate::{bench, conformance, pkg, postgres, purity, types};

const CHROMIUM_INSTALL: &str = "apt-get update && apt-get install -y chromium chromium-driver";

/// Chromium for the browser tests: `$CHROMIUM`, else `/usr/bin/chromium`.
pub fn chromium() -> Result<PathBuf, String> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "Chromium is missing at {} (the browser tests need it): run `{CHROMIUM_INSTALL}` \
             (`.ci/run` does this), or set CHROMIUM to a Chromium binary",
            path.display()
        ))
    }
}

pub fn run(_args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    // Tools first, so a missing one fails in seconds, not after the build.
    pkg::ensure_wasm32_target()?;
    pkg::ensure_wasm_bindgen()?;
    pkg::ensure_npm_deps()?;
    let chromium = chromium()?;
    postgres::bin_dir()?;
    if util::which("node").is_none() {
        return Err(
            "node is missing: install Node.js 20+ (`apt-get install -y nodejs npm`)".into(),
        );
    }

    step(
        "cargo fmt --check",
        util::cargo().args(["fmt", "--all", "--check"]),
    )?;
    step(
        "clippy (native, -D warnings)",
        util::cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "clippy (wasm32, -D warnings)",
        util::cargo().args([
            "clippy",
            "-p",
            "zoomkit",
            "-p",
            "zoomkit-core",
            "-p",
            "zoomkit-sim",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "cargo doc (warnings denied)",
        util::cargo()
            .args(["doc", "--workspace", "--no-deps", "--all-features"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    eprintln!("\n==> core purity");
    purity::run()?;
    eprintln!("\n==> conformance against @zoom/videosdk types-json");
    conformance::run()?;
    // The store's tests run on SQLite and on this real PostgreSQL, and fail
    // (instead of skipping) without it. Dropping the cluster stops it and
    // removes its files, also when the tests fail.
    let cluster = postgres::Cluster::start()?;
    eprintln!("\n(PostgreSQL for the store tests at {})", cluster.url());
    let native = step(
        "native tests of every crate",
        util::cargo()
            .args(["test", "--workspace", "--all-features"])
            .env(postgres::URL_VAR, cluster.url())
            .env(postgres::REQUIRE_VAR, "1"),
    );
    drop(cluster);
    native?;
    let built = pkg::run_pkg(false)?;
    eprintln!("\n==> size budget of the client");
    bench::check_size_budget(&built)?;
    eprintln!("\n==> the package as npm and TypeScript see it");
    pkg::lint(&built)?;
    types::run()?;
    let mut tests: Vec<PathBuf> = std::fs::read_dir(util::root().join("tests/browser"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".test.mjs")))
        .collect();
    // The simulator's own JS tests run against the built zoomkit/sim entry.
    let sim_js = util::root().join("crates/sim/tests/js");
    if let Ok(entries) = std::fs::read_dir(&sim_js) {
        tests.extend(
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".test.mjs"))),
        );
    }
    tests.sort();
    if tests.is_empty() {
        return Err("no browser tests found in tests/browser/*.test.mjs".into());
    }
    let xtask = std::env::current_exe().map_err(|e| e.to_string())?;
    eprintln!(
        "\n(all steps before the browser tests took {:.0}s)",
        started.elapsed().as_secs_f64()
    );
    util::last_step(
        "browser tests (headless Chromium)",
        Command::new("node")
            .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
            .args(&tests)
            .current_dir(util::root())
            .env("CHROMIUM", chromium)
            .env("XTASK_BIN", xtask)
            .env("ZOOMKIT_ROOT", util::root())
            .env("ZOOMKIT_SIM_PKG", util::root().join("pkg/sim")),
    )
}
