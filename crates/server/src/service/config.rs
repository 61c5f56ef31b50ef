//! `zoomkit-server`'s one typed configuration, read from environment
//! variables and, optionally, a TOML file.
//!
//! Every setting is an environment variable; the same name in lower case is
//! its key in the file (`zoomkit_database_url = "postgres://..."`). A
//! variable set in the environment wins over the file. Lists (the webhook
//! secrets, the CORS origins) are comma-separated in a variable and either a
//! comma-separated string or an array of strings in the file. An unknown key
//! in the file is an error, so a typo cannot silently leave a default in
//! place.
//!
//! Nothing here reads the process environment: [`Config::load`] takes a
//! lookup function, which `main` passes as `|name| std::env::var(name).ok()`.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::endpoint::settings::{self, SettingError, TokenSettings};

/// `ZOOMKIT_DATABASE_URL`.
pub const DATABASE_URL: &str = "ZOOMKIT_DATABASE_URL";
/// `ZOOMKIT_LISTEN`.
pub const LISTEN: &str = "ZOOMKIT_LISTEN";
/// `ZOOM_WEBHOOK_SECRET`.
pub const ZOOM_WEBHOOK_SECRET: &str = "ZOOM_WEBHOOK_SECRET";
/// `CALENDLY_WEBHOOK_SIGNING_KEY`.
pub const CALENDLY_WEBHOOK_SIGNING_KEY: &str = "CALENDLY_WEBHOOK_SIGNING_KEY";
/// `CALCOM_WEBHOOK_SECRET`.
pub const CALCOM_WEBHOOK_SECRET: &str = "CALCOM_WEBHOOK_SECRET";
/// `CALCOM_WEBHOOK_ALLOW_UNSIGNED`.
pub const CALCOM_WEBHOOK_ALLOW_UNSIGNED: &str = "CALCOM_WEBHOOK_ALLOW_UNSIGNED";
/// `ZOOMKIT_WEBHOOK_REPLAY_WINDOW_SECS`.
pub const REPLAY_WINDOW_SECS: &str = "ZOOMKIT_WEBHOOK_REPLAY_WINDOW_SECS";
/// `ZOOMKIT_WEBHOOK_BODY_LIMIT`.
pub const BODY_LIMIT: &str = "ZOOMKIT_WEBHOOK_BODY_LIMIT";
/// `ZOOMKIT_WORKERS`.
pub const WORKERS: &str = "ZOOMKIT_WORKERS";
/// `ZOOMKIT_SHUTDOWN_TIMEOUT_SECS`.
pub const SHUTDOWN_TIMEOUT_SECS: &str = "ZOOMKIT_SHUTDOWN_TIMEOUT_SECS";
/// `ZOOMKIT_LOG`.
pub const LOG: &str = "ZOOMKIT_LOG";
/// `ZOOMKIT_JOB_MAX_ATTEMPTS`.
pub const JOB_MAX_ATTEMPTS: &str = "ZOOMKIT_JOB_MAX_ATTEMPTS";
/// `ZOOMKIT_JOB_RETRY_BASE_MS`.
pub const JOB_RETRY_BASE_MS: &str = "ZOOMKIT_JOB_RETRY_BASE_MS";
/// `ZOOMKIT_JOB_LEASE_SECS`.
pub const JOB_LEASE_SECS: &str = "ZOOMKIT_JOB_LEASE_SECS";
/// `ZOOMKIT_JOB_POLL_MS`.
pub const JOB_POLL_MS: &str = "ZOOMKIT_JOB_POLL_MS";
/// `ZOOMKIT_RETENTION_DAYS`.
pub const RETENTION_DAYS: &str = "ZOOMKIT_RETENTION_DAYS";

/// Every variable the service reads (its own and the token endpoint's).
pub const VARIABLES: [&str; 22] = [
    DATABASE_URL,
    LISTEN,
    ZOOM_WEBHOOK_SECRET,
    CALENDLY_WEBHOOK_SIGNING_KEY,
    CALCOM_WEBHOOK_SECRET,
    CALCOM_WEBHOOK_ALLOW_UNSIGNED,
    REPLAY_WINDOW_SECS,
    BODY_LIMIT,
    WORKERS,
    SHUTDOWN_TIMEOUT_SECS,
    LOG,
    JOB_MAX_ATTEMPTS,
    JOB_RETRY_BASE_MS,
    JOB_LEASE_SECS,
    JOB_POLL_MS,
    RETENTION_DAYS,
    settings::VARIABLES[0],
    settings::VARIABLES[1],
    settings::VARIABLES[2],
    settings::VARIABLES[3],
    settings::VARIABLES[4],
    settings::VARIABLES[5],
];

/// Default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://zoomkit.db";
/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4000";
/// Default replay window for providers that sign a timestamp (Zoom, Calendly).
pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(300);
/// Default webhook body limit. Zoom's `recording.completed` with many files
/// is the largest delivery we expect, well under this.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// Default number of inbox workers (handlers at once) per process. Each
/// worker-pool turn records and claims up to this many jobs in one write
/// transaction, so it is also the most jobs one commit can carry: with 4,
/// processing on SQLite stayed under 500 deliveries/s on the bench machine
/// (about one job per commit), far behind ingest; see the README's
/// Benchmarks.
pub const DEFAULT_WORKERS: usize = 32;
/// Default retention of processed deliveries and their jobs, in days.
pub const DEFAULT_RETENTION_DAYS: u64 = 7;
/// Default time in-flight work gets to finish after SIGTERM.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// A setting the service cannot start with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A variable (or its key in the file) has a bad value. The message
    /// names it and never repeats a secret's value.
    #[error("{variable}{}: {problem}", origin.suffix(variable))]
    Setting {
        /// The variable at fault.
        variable: &'static str,
        /// Where its value came from.
        origin: Origin,
        /// What is wrong, and what to do.
        problem: String,
    },
    /// The configuration file cannot be read or is not TOML.
    #[error("config file {}: {problem}", path.display())]
    File {
        /// The file given with `--config`.
        path: PathBuf,
        /// What went wrong.
        problem: String,
    },
    /// The file has a key that is no setting.
    #[error("config file {}: unknown key `{key}` (keys are the variable names in lower case, e.g. zoomkit_database_url)", path.display())]
    UnknownKey {
        /// The file given with `--config`.
        path: PathBuf,
        /// The key.
        key: String,
    },
}

impl ConfigError {
    /// The variable at fault, if one is.
    #[must_use]
    pub fn variable(&self) -> Option<&'static str> {
        match self {
            ConfigError::Setting { variable, .. } => Some(variable),
            _ => None,
        }
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The environment (or the command line).
    Environment,
    /// The configuration file.
    File(PathBuf),
}

impl Origin {
    fn suffix(&self, variable: &str) -> String {
        match self {
            Origin::Environment => String::new(),
            Origin::File(p) => format!(
                " (key `{}` in {})",
                variable.to_ascii_lowercase(),
                p.display()
            ),
        }
    }
}

/// A webhook secret as configured. `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// The secret's bytes, for the verifier.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The database URL. `Debug` and `Display` hide a password in it.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL as configured, password included: for the store only.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether this is a PostgreSQL URL.
    #[must_use]
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres://") || self.0.starts_with("postgresql://")
    }

    fn parse(url: String) -> Result<Self, String> {
        let ok = url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://");
        if !ok {
            return Err(
                "must start with sqlite: (e.g. sqlite://zoomkit.db) or postgres:// (e.g. postgres://user@localhost/zoomkit)"
                    .into(),
            );
        }
        Ok(Self(url))
    }

    /// The URL with any password replaced by `***`.
    #[must_use]
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://") else {
            return url.clone();
        };
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => format!(
                "{}{}:***{}",
                &url[..scheme_end + 3],
                &authority[..colon],
                &rest[at..]
            ),
            _ => url.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Log verbosity (`ZOOMKIT_LOG`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// The default.
    Info,
    /// Per-delivery and per-job lines.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    /// The `tracing` level.
    #[must_use]
    pub fn level(self) -> tracing::Level {
        match self {
            LogLevel::Error => tracing::Level::ERROR,
            LogLevel::Warn => tracing::Level::WARN,
            LogLevel::Info => tracing::Level::INFO,
            LogLevel::Debug => tracing::Level::DEBUG,
            LogLevel::Trace => tracing::Level::TRACE,
        }
    }
}

/// Everything `zoomkit-server` runs with. `Debug` prints secrets as `***`
/// and the database password as `***`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// `ZOOMKIT_DATABASE_URL` (default [`DEFAULT_DATABASE_URL`]):
    /// `sqlite://path` (created if missing, WAL mode) or `postgres://...`
    /// (for several instances).
    pub database_url: DatabaseUrl,
    /// `--listen` or `ZOOMKIT_LISTEN` (default [`DEFAULT_LISTEN`]).
    pub listen: SocketAddr,
    /// `ZOOM_WEBHOOK_SECRET`: the app's webhook secret token; several,
    /// comma-separated, while rotating. Empty: no `/webhooks/zoom` route.
    pub zoom_secrets: Vec<WebhookSecret>,
    /// `CALENDLY_WEBHOOK_SIGNING_KEY`: the subscription's signing key(s).
    /// Empty: no `/webhooks/calendly` route.
    pub calendly_secrets: Vec<WebhookSecret>,
    /// `CALCOM_WEBHOOK_SECRET`: the webhook's secret(s). Empty (and no
    /// opt-out): no `/webhooks/calcom` route.
    pub calcom_secrets: Vec<WebhookSecret>,
    /// `CALCOM_WEBHOOK_ALLOW_UNSIGNED` (`true`/`false`, default `false`):
    /// accept Cal.com deliveries signed with the literal
    /// `no-secret-provided` (a webhook created without a secret). Anyone who
    /// can reach the URL can then post bookings: leave it off.
    pub calcom_allow_unsigned: bool,
    /// `ZOOMKIT_WEBHOOK_REPLAY_WINDOW_SECS` (default 300): how far a signed
    /// timestamp may be from now, either way.
    pub replay_window: Duration,
    /// `ZOOMKIT_WEBHOOK_BODY_LIMIT` in bytes (default 1 MiB): larger
    /// deliveries are refused with 413 while being read.
    pub body_limit: usize,
    /// `ZOOMKIT_WORKERS` (default 32, 0 to 256): jobs processed at once by
    /// this process. 0 receives only: another process on the same database
    /// processes the inbox (an ingest-only instance).
    pub workers: usize,
    /// `ZOOMKIT_SHUTDOWN_TIMEOUT_SECS` (default 10): after SIGTERM, how long
    /// in-flight requests and jobs get before jobs are released to others.
    pub shutdown_timeout: Duration,
    /// `ZOOMKIT_LOG`: `error`, `warn`, `info` (default), `debug`, `trace`.
    pub log: LogLevel,
    /// `ZOOMKIT_JOB_MAX_ATTEMPTS` (default 10, 1 to 100): runs of a
    /// delivery's job before it is a dead letter.
    pub job_max_attempts: u32,
    /// `ZOOMKIT_JOB_RETRY_BASE_MS` (default 1000): the wait after a job's
    /// first failure; it doubles with each further one, up to 10 minutes.
    pub job_retry_base: Duration,
    /// `ZOOMKIT_JOB_LEASE_SECS` (default 30, 1 to 3600): how long a claimed
    /// job stays with its worker without a heartbeat. A job whose process
    /// died runs again elsewhere after this.
    pub job_lease: Duration,
    /// `ZOOMKIT_JOB_POLL_MS` (10 to 3,600,000; default: 500 on SQLite,
    /// 10,000 on PostgreSQL): how often idle workers look for due jobs
    /// when nothing woke them. A safety net: an enqueue in this process
    /// wakes them at once, and on PostgreSQL so does one in any process
    /// (`LISTEN`/`NOTIFY`). `None`: the backend's default.
    pub job_poll: Option<Duration>,
    /// `ZOOMKIT_RETENTION_DAYS` (default 7, 0 to 3650): processed (`done`)
    /// deliveries and their jobs older than this are deleted by an hourly
    /// job. 0 keeps them for ever. Dead letters are always kept.
    pub retention_days: u64,
    /// The token endpoint's variables (`ZOOM_VIDEO_SDK_KEY`, ...; see
    /// [`TokenSettings`]). None set: no token routes.
    pub tokens: TokenSettings,
}

/// Environment first, then the file.
struct Lookup<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: Option<(PathBuf, toml::Table)>,
}

impl Lookup<'_> {
    fn get(&self, name: &str) -> Option<(String, Origin)> {
        if let Some(v) = (self.env)(name) {
            return Some((v, Origin::Environment));
        }
        let (path, table) = self.file.as_ref()?;
        let v = table.get(&name.to_ascii_lowercase())?;
        let text = match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => items
                .iter()
                .filter_map(toml::Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
            // `read_file` refused every other type.
            _ => String::new(),
        };
        Some((text, Origin::File(path.clone())))
    }

    fn origin(&self, name: &str) -> Origin {
        self.get(name)
            .map(|(_, o)| o)
            .unwrap_or(Origin::Environment)
    }

    fn fail(&self, variable: &'static str, problem: impl Into<String>) -> ConfigError {
        ConfigError::Setting {
            variable,
            origin: self.origin(variable),
            problem: problem.into(),
        }
    }

    /// A value that is set must be non-empty and untrimmed (a stray newline
    /// in a secret fails every signature, silently).
    fn value(&self, name: &'static str) -> Result<Option<String>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some((v, _)) if v.is_empty() => Err(self.fail(name, "is set but empty")),
            Some((v, _)) if v.trim() != v => {
                Err(self.fail(name, "has leading or trailing whitespace"))
            }
            Some((v, _)) => Ok(Some(v)),
        }
    }

    fn secrets(&self, name: &'static str) -> Result<Vec<WebhookSecret>, ConfigError> {
        let Some(list) = self.value(name)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, item) in list.split(',').enumerate() {
            let item = item.trim();
            if item.is_empty() {
                return Err(self.fail(
                    name,
                    format!("entry {} of the comma-separated list is empty", i + 1),
                ));
            }
            out.push(WebhookSecret(item.to_owned()));
        }
        Ok(out)
    }

    fn number<T: std::str::FromStr + PartialOrd + fmt::Display + Copy>(
        &self,
        name: &'static str,
        default: T,
        min: T,
        max: T,
    ) -> Result<T, ConfigError> {
        let Some(v) = self.value(name)? else {
            return Ok(default);
        };
        match v.parse::<T>() {
            Ok(n) if n >= min && n <= max => Ok(n),
            _ => Err(self.fail(
                name,
                format!("must be a whole number from {min} to {max}, not {v:?}"),
            )),
        }
    }
}

impl Config {
    /// Reads the configuration: `env` (normally `|n| std::env::var(n).ok()`),
    /// then the TOML file at `file` if given; `listen`, when given (from
    /// `--listen`), wins over both.
    pub fn load(
        env: &dyn Fn(&str) -> Option<String>,
        file: Option<&Path>,
        listen: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let file = match file {
            None => None,
            Some(path) => Some((path.to_owned(), read_file(path)?)),
        };
        let lookup = Lookup { env, file };

        let database_url = match lookup.value(DATABASE_URL)? {
            None => DatabaseUrl(DEFAULT_DATABASE_URL.to_owned()),
            Some(url) => DatabaseUrl::parse(url).map_err(|p| lookup.fail(DATABASE_URL, p))?,
        };
        let bad_listen = |text: &str| {
            format!("must be an address and port such as 127.0.0.1:4000, not {text:?}")
        };
        let listen = match listen {
            // From --listen: named as the flag, since that is what was typed.
            Some(text) => text
                .parse::<SocketAddr>()
                .map_err(|_| ConfigError::Setting {
                    variable: "--listen",
                    origin: Origin::Environment,
                    problem: bad_listen(text),
                })?,
            None => {
                let text = lookup
                    .value(LISTEN)?
                    .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
                text.parse::<SocketAddr>()
                    .map_err(|_| lookup.fail(LISTEN, bad_listen(&text)))?
            }
        };
        let calcom_allow_unsigned = match lookup.value(CALCOM_WEBHOOK_ALLOW_UNSIGNED)? {
            None => false,
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" => false,
                _ => {
                    return Err(lookup.fail(
                        CALCOM_WEBHOOK_ALLOW_UNSIGNED,
                        format!("must be true or false, not {v:?}"),
                    ))
                }
            },
        };
        let log = match lookup.value(LOG)?.as_deref() {
            None | Some("info") => LogLevel::Info,
            Some("error") => LogLevel::Error,
            Some("warn") => LogLevel::Warn,
            Some("debug") => LogLevel::Debug,
            Some("trace") => LogLevel::Trace,
            Some(other) => {
                return Err(lookup.fail(
                    LOG,
                    format!("must be error, warn, info, debug or trace, not {other:?}"),
                ))
            }
        };
        let token_lookup = |name: &str| lookup.get(name).map(|(v, _)| v);
        let tokens = TokenSettings::from_lookup(&token_lookup)
            .map_err(|SettingError { variable, problem }| lookup.fail(variable, problem))?;

        Ok(Self {
            database_url,
            listen,
            zoom_secrets: lookup.secrets(ZOOM_WEBHOOK_SECRET)?,
            calendly_secrets: lookup.secrets(CALENDLY_WEBHOOK_SIGNING_KEY)?,
            calcom_secrets: lookup.secrets(CALCOM_WEBHOOK_SECRET)?,
            calcom_allow_unsigned,
            replay_window: Duration::from_secs(lookup.number(
                REPLAY_WINDOW_SECS,
                DEFAULT_REPLAY_WINDOW.as_secs(),
                1,
                24 * 60 * 60,
            )?),
            body_limit: lookup.number(BODY_LIMIT, DEFAULT_BODY_LIMIT, 1024, 64 * 1024 * 1024)?,
            workers: lookup.number(WORKERS, DEFAULT_WORKERS, 0, 256)?,
            shutdown_timeout: Duration::from_secs(lookup.number(
                SHUTDOWN_TIMEOUT_SECS,
                DEFAULT_SHUTDOWN_TIMEOUT.as_secs(),
                0,
                3600,
            )?),
            log,
            job_max_attempts: lookup.number(JOB_MAX_ATTEMPTS, 10, 1, 100)?,
            job_retry_base: Duration::from_millis(lookup.number(
                JOB_RETRY_BASE_MS,
                1000,
                1,
                600_000,
            )?),
            job_lease: Duration::from_secs(lookup.number(JOB_LEASE_SECS, 30, 1, 3600)?),
            job_poll: match lookup.get(JOB_POLL_MS) {
                None => None,
                Some(_) => Some(Duration::from_millis(lookup.number(
                    JOB_POLL_MS,
                    500,
                    10,
                    3_600_000,
                )?)),
            },
            retention_days: lookup.number(RETENTION_DAYS, DEFAULT_RETENTION_DAYS, 0, 3650)?,
            tokens,
        })
    }

    /// The configuration with nothing set: SQLite in `zoomkit.db`, no
    /// webhook or token routes.
    #[must_use]
    pub fn defaults() -> Self {
        match Self::load(&|_| None, None, None) {
            Ok(c) => c,
            // Only reachable if a default above stopped parsing.
            Err(e) => unreachable!("the defaults parse: {e}"),
        }
    }

    /// Whether any webhook route is configured.
    #[must_use]
    pub fn any_webhook(&self) -> bool {
        !self.zoom_secrets.is_empty()
            || !self.calendly_secrets.is_empty()
            || !self.calcom_secrets.is_empty()
            || self.calcom_allow_unsigned
    }
}

fn read_file(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
        path: path.to_owned(),
        problem: e.to_string(),
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::File {
            path: path.to_owned(),
            // toml's message quotes the offending line, which may hold a secret.
            problem: format!("not valid TOML ({})", e.message()),
        })?;
    for (key, value) in &table {
        if !VARIABLES.iter().any(|v| v.eq_ignore_ascii_case(key))
            || key.to_ascii_lowercase() != *key
        {
            return Err(ConfigError::UnknownKey {
                path: path.to_owned(),
                key: key.clone(),
            });
        }
        let fits = match value {
            toml::Value::String(_) | toml::Value::Integer(_) | toml::Value::Boolean(_) => true,
            toml::Value::Array(items) => items.iter().all(toml::Value::is_str),
            _ => false,
        };
        if !fits {
            return Err(ConfigError::File {
                path: path.to_owned(),
                problem: format!(
                    "`{key}` must be a string, a whole number, true/false or an array of strings"
                ),
            });
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::load(&env(vars), None, None)
    }

    #[test]
    fn nothing_set_is_sqlite_on_localhost_without_routes() {
        let c = Config::defaults();
        assert_eq!(c.database_url.expose(), DEFAULT_DATABASE_URL);
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert!(!c.any_webhook() && !c.tokens.any_route());
        assert_eq!(
            (c.replay_window, c.body_limit, c.workers),
            (DEFAULT_REPLAY_WINDOW, DEFAULT_BODY_LIMIT, DEFAULT_WORKERS)
        );
        assert_eq!(c.log, LogLevel::Info);
    }

    #[test]
    fn secrets_are_lists_and_never_printed() {
        let c = load(&[
            (ZOOM_WEBHOOK_SECRET, "zoom-new, zoom-old"),
            (CALCOM_WEBHOOK_SECRET, "calcom-one"),
            (DATABASE_URL, "postgres://app:pg-password@db/zoomkit"),
            ("ZOOM_VIDEO_SDK_KEY", "k"),
            ("ZOOM_VIDEO_SDK_SECRET", "video-secret"),
        ])
        .unwrap();
        let shown: Vec<_> = c.zoom_secrets.iter().map(WebhookSecret::expose).collect();
        assert_eq!(shown, ["zoom-new", "zoom-old"]);
        assert!(c.database_url.is_postgres());
        let debug = format!("{c:?}");
        for secret in [
            "zoom-new",
            "zoom-old",
            "calcom-one",
            "pg-password",
            "video-secret",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("postgres://app:***@db/zoomkit"), "{debug}");
    }

    #[test]
    fn bad_values_are_named_without_their_secret() {
        let cases: [(&str, &str); 9] = [
            (ZOOM_WEBHOOK_SECRET, ""),
            (CALENDLY_WEBHOOK_SIGNING_KEY, "a,,b"),
            (CALCOM_WEBHOOK_SECRET, " padded"),
            (DATABASE_URL, "mysql://u:hunter2@h/db"),
            (LISTEN, "localhost"),
            (WORKERS, "257"),
            (BODY_LIMIT, "1k"),
            (REPLAY_WINDOW_SECS, "-5"),
            (LOG, "loud"),
        ];
        for (name, value) in cases {
            let err = load(&[(name, value)]).unwrap_err();
            assert_eq!(err.variable(), Some(name), "{err}");
            let text = err.to_string();
            assert!(text.starts_with(name), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
        let err = Config::load(&env(&[]), None, Some("nowhere")).unwrap_err();
        assert!(err.to_string().starts_with("--listen"), "{err}");
    }

    #[test]
    fn the_file_is_read_and_the_environment_wins() {
        let dir = std::env::temp_dir().join(format!("zoomkit-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("zoomkit.toml");
        std::fs::write(
            &file,
            "zoomkit_workers = 7\nzoom_webhook_secret = [\"f1\", \"f2\"]\ncalcom_webhook_allow_unsigned = true\nzoomkit_listen = \"127.0.0.1:5000\"\n",
        )
        .unwrap();
        let c = Config::load(&env(&[(WORKERS, "3")]), Some(&file), None).unwrap();
        assert_eq!(c.workers, 3, "the environment wins");
        assert_eq!(c.zoom_secrets.len(), 2);
        assert!(c.calcom_allow_unsigned);
        assert_eq!(c.listen.port(), 5000);
        let c = Config::load(&env(&[]), Some(&file), Some("127.0.0.1:0")).unwrap();
        assert_eq!((c.workers, c.listen.port()), (7, 0), "--listen wins");

        std::fs::write(&file, "zoomkit_workers = -1\n").unwrap();
        let err = Config::load(&env(&[]), Some(&file), None).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("ZOOMKIT_WORKERS (key `zoomkit_workers` in"),
            "{text}"
        );
        std::fs::write(&file, "zoom_webhook_secret = 5.5\n").unwrap();
        let err = Config::load(&env(&[]), Some(&file), None).unwrap_err();
        assert!(matches!(err, ConfigError::File { .. }), "{err}");
        std::fs::write(&file, "zoom_webhook_secret = \"unterminated-secret\n").unwrap();
        let err = Config::load(&env(&[]), Some(&file), None).unwrap_err();
        assert!(!err.to_string().contains("unterminated-secret"), "{err}");
        std::fs::write(&file, "ZOOMKIT_WORKERS = 2\n").unwrap();
        let err = Config::load(&env(&[]), Some(&file), None).unwrap_err();
        assert!(matches!(err, ConfigError::UnknownKey { .. }), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
