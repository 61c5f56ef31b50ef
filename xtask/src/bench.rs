//! `cargo xtask bench`: speed, as ratios against a baseline measured in the
//! same run, never as a timed test.

use crate::util::{self, step};

const ALL: &[&str] = &["tokens"];

pub fn run(args: &[String]) -> Result<(), String> {
    let names: Vec<&str> = if args.is_empty() {
        ALL.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    for name in names {
        match name {
            "tokens" => tokens()?,
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
