//! A throwaway PostgreSQL cluster for the store's tests: `initdb` in a temp
//! directory, `pg_ctl start` on a free port of 127.0.0.1, and on drop (also
//! when the tests fail) `pg_ctl stop` and the directory removed.
//!
//! PostgreSQL refuses to run as root, so under root every PostgreSQL
//! command runs as the `postgres` user (`runuser -u postgres --`, which the
//! Debian package creates), in a directory that user owns.
//!
//! `cargo xtask postgres -- <command...>` runs any command with the
//! cluster's URL in `ZOOMKIT_TEST_POSTGRES_URL`, e.g.
//! `cargo xtask postgres -- cargo test -p zoomkit-server --all-features --test store`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::util;

const INSTALL: &str = "apt-get update && apt-get install -y postgresql";

/// The environment variable the tests read the URL from.
pub const URL_VAR: &str = "ZOOMKIT_TEST_POSTGRES_URL";
/// Set to `1` so a test without a URL fails instead of skipping.
pub const REQUIRE_VAR: &str = "ZOOMKIT_REQUIRE_POSTGRES";

/// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb`, or
/// `$ZOOMKIT_POSTGRES_BIN`.
pub fn bin_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("ZOOMKIT_POSTGRES_BIN") {
        let dir = PathBuf::from(dir);
        return if dir.join("initdb").is_file() {
            Ok(dir)
        } else {
            Err(format!(
                "ZOOMKIT_POSTGRES_BIN={} has no initdb in it: unset it to use Debian's \
                 PostgreSQL (`{INSTALL}`)",
                dir.display()
            ))
        };
    }
    newest_bin_dir(Path::new("/usr/lib/postgresql"))
}

fn newest_bin_dir(root: &Path) -> Result<PathBuf, String> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        format!(
            "PostgreSQL is missing (no {}/*/bin/initdb; the store's tests need a real \
             server): run `{INSTALL}` (`.ci/run` does this), or set ZOOMKIT_POSTGRES_BIN to \
             a directory with initdb and pg_ctl",
            root.display()
        )
    })
}

fn is_root() -> bool {
    util::output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

/// A running cluster; dropping it stops it and deletes its files.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    url: String,
    running: bool,
}

impl Cluster {
    /// Creates and starts a cluster. Fails with the command that failed
    /// and PostgreSQL's own log.
    pub fn start() -> Result<Cluster, String> {
        Cluster::start_with(false)
    }

    /// [`Cluster::start`] with fsync on, as a real server runs: for
    /// `bench webhooks`, whose figures must not profit from skipped flushes.
    pub fn start_durable() -> Result<Cluster, String> {
        Cluster::start_with(true)
    }

    fn start_with(durable: bool) -> Result<Cluster, String> {
        let bin = bin_dir()?;
        let as_postgres = is_root();
        if as_postgres && util::which("runuser").is_none() {
            return Err(
                "running as root, PostgreSQL must run as the `postgres` user, \
                        but `runuser` is missing (`apt-get install -y util-linux`)"
                    .into(),
            );
        }
        sweep_orphans(&bin, as_postgres);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("zoomkit-pg-{}-{nanos}", std::process::id()));
        let mut cluster = Cluster {
            bin,
            dir,
            as_postgres,
            url: String::new(),
            running: false,
        };
        // Created by the user that runs the server, so it owns the files.
        util::output(
            cluster
                .command("mkdir")
                .args(["-m", "700"])
                .arg(&cluster.dir),
        )
        .map_err(|e| format!("cannot create the cluster's directory: {e}"))?;
        let data = cluster.dir.join("data");
        util::output(cluster.pg("initdb").arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]))
        .map_err(|e| format!("initdb failed: {e}"))?;
        // A port nobody listens on now; PostgreSQL binds it a moment later.
        // Retried on a new port if another process took it meanwhile.
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port()?;
            // fsync off (unless durable): the cluster is thrown away after the run; the
            // store's own durability settings are what the tests check.
            let flush = if durable {
                "-c fsync=on -c full_page_writes=on"
            } else {
                "-c fsync=off -c full_page_writes=off"
            };
            let options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -k {} {flush} -c max_connections=300",
                cluster.dir.display()
            );
            let started = util::output(
                cluster
                    .pg("pg_ctl")
                    .arg("-D")
                    .arg(&data)
                    .arg("-l")
                    .arg(cluster.dir.join("server.log"))
                    .args(["-w", "-t", "60", "-o", &options, "start"]),
            );
            match started {
                Ok(_) => {
                    cluster.running = true;
                    cluster.url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
                    return Ok(cluster);
                }
                Err(e) => {
                    let log =
                        std::fs::read_to_string(cluster.dir.join("server.log")).unwrap_or_default();
                    last = format!("pg_ctl start failed: {e}\nserver log:\n{log}");
                }
            }
        }
        Err(last)
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth: no password).
    pub fn url(&self) -> &str {
        &self.url
    }

    fn pg(&self, program: &str) -> Command {
        self.command(&self.bin.join(program).to_string_lossy())
    }

    fn command(&self, program: &str) -> Command {
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--", program]);
            // The postgres user cannot read root's working directory.
            cmd.current_dir("/");
            cmd
        } else {
            Command::new(program)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.running {
            // immediate: the data is thrown away, no need for a checkpoint.
            let stopped = util::output(
                self.pg("pg_ctl")
                    .arg("-D")
                    .arg(self.dir.join("data"))
                    .args(["-m", "immediate", "-w", "stop"]),
            );
            if let Err(e) = stopped {
                eprintln!("xtask: warning: stopping the test PostgreSQL failed: {e}");
            }
        }
        if let Err(e) = remove(&self.dir) {
            eprintln!("xtask: warning: cannot remove {}: {e}", self.dir.display());
        }
    }
}

/// Stops and deletes clusters left by an xtask that was killed (SIGKILL,
/// or Ctrl-C, which skips `Drop`): those whose directory names a process id
/// that no longer runs. Clusters of a live xtask are not touched.
fn sweep_orphans(bin: &Path, as_postgres: bool) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("zoomkit-pg-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let orphan = Cluster {
            bin: bin.to_path_buf(),
            dir: entry.path(),
            as_postgres,
            url: String::new(),
            running: entry.path().join("data/postmaster.pid").exists(),
        };
        eprintln!(
            "xtask: removing the PostgreSQL cluster a killed run left in {}",
            orphan.dir.display()
        );
        drop(orphan); // stops it (if running) and deletes the directory
    }
}

fn remove(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// `cargo xtask postgres -- <command...>`: runs the command with a fresh
/// cluster's URL in the environment, then removes the cluster.
pub fn run(args: &[String]) -> Result<(), String> {
    let args = match args.first().map(String::as_str) {
        Some("--") => &args[1..],
        _ => args,
    };
    let Some((program, rest)) = args.split_first() else {
        return Err("usage: cargo xtask postgres -- <command...>".into());
    };
    let cluster = Cluster::start()?;
    eprintln!("xtask: PostgreSQL at {}", cluster.url());
    let status = Command::new(program)
        .args(rest)
        .env(URL_VAR, cluster.url())
        .env(REQUIRE_VAR, "1")
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    drop(cluster);
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_version_is_picked_and_none_names_the_apt_command() {
        let root = std::env::temp_dir().join(format!("zoomkit-pg-find-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let err = newest_bin_dir(&root).unwrap_err();
        assert!(err.contains("apt-get install -y postgresql"), "{err}");
        for version in ["9", "15", "13", "notaversion"] {
            let bin = root.join(version).join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            std::fs::write(bin.join("initdb"), "").unwrap();
        }
        assert_eq!(newest_bin_dir(&root).unwrap(), root.join("15/bin"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
