//! Running commands with progress output, and finding things on disk.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Where the tests' npm dev dependencies live.
pub fn node_modules() -> PathBuf {
    root().join("tests/browser/node_modules")
}

/// The installed `@zoom/videosdk`.
pub fn videosdk_dir() -> PathBuf {
    node_modules().join("@zoom/videosdk")
}

/// `cargo`, as the one running us.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// Prints a step header, runs the command, and fails with the command line
/// when it does not exit zero.
pub fn step(step: &str, cmd: &mut Command) -> Result<(), String> {
    step_timed(step, cmd, true)
}

/// [`step`] for the last step of a run: nothing is printed after the
/// command's own output, so a test runner's summary stays the last lines.
pub fn last_step(step: &str, cmd: &mut Command) -> Result<(), String> {
    step_timed(step, cmd, false)
}

fn step_timed(step: &str, cmd: &mut Command, timing: bool) -> Result<(), String> {
    eprintln!("\n==> {step}");
    let shown = format!("{cmd:?}");
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{step}: cannot start {shown}: {e}"))?;
    if timing {
        eprintln!("    ({step}: {:.1}s)", started.elapsed().as_secs_f64());
    }
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status}): {shown}"))
    }
}

/// Runs a command and returns its stdout, failing on a non-zero exit.
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether a program is on PATH (or is an existing path).
pub fn which(program: &str) -> Option<PathBuf> {
    let p = Path::new(program);
    if p.is_absolute() {
        return p.exists().then(|| p.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// The version of a crate in Cargo.lock.
pub fn locked_version(krate: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let needle = format!("name = \"{krate}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{krate} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..]
        .find('"')
        .ok_or_else(|| "Cargo.lock is malformed".to_owned())?;
    Ok(lock[start..start + end].to_owned())
}

/// The files under `dir` (recursively; none if it does not exist) whose
/// extension is `ext`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Result<Vec<std::path::PathBuf>, String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            out.extend(files_with_extension(&path, ext)?);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}
