//! One database per test case, on either backend.

use std::io::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor as _};
use zoomkit_server::store::{Backend, NewDelivery, Store, StoreOptions};

pub const URL_VAR: &str = "ZOOMKIT_TEST_POSTGRES_URL";
pub const REQUIRE_VAR: &str = "ZOOMKIT_REQUIRE_POSTGRES";

static DATABASES: AtomicU32 = AtomicU32::new(0);

/// A fresh, migrated database and a store on it.
pub struct TestDb {
    pub store: Store,
    /// The URL the store was opened with (to open more stores on it).
    pub url: String,
    /// For PostgreSQL: the server URL and the database to drop at the end.
    admin: Option<(String, String)>,
    /// For SQLite: the directory holding the file.
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        let store = open(&url, StoreOptions::default()).await;
        TestDb {
            store,
            url,
            admin: None,
            _dir: Some(dir),
        }
    }

    /// `None` (after printing why) when no PostgreSQL is configured and none
    /// is required.
    pub async fn postgres(case: &str) -> Option<TestDb> {
        let server = std::env::var(URL_VAR)
            .ok()
            .filter(|_| cfg!(feature = "postgres"));
        let Some(server) = server else {
            if std::env::var(REQUIRE_VAR).as_deref() == Ok("1") {
                panic!(
                    "{REQUIRE_VAR}=1 but {URL_VAR} is not set or the `postgres` feature is \
                     off: the PostgreSQL store tests cannot run (cargo xtask test starts a \
                     cluster, sets it and enables all features)"
                );
            }
            // Straight to stderr, past the test harness's capture, so a
            // skip is never silent.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {case}::postgres: {URL_VAR} is not set or the `postgres` feature is off \
                 (run `cargo xtask postgres -- cargo test -p zoomkit-server --all-features \
                 --test store`)"
            );
            return None;
        };
        sqlx::any::install_default_drivers();
        let name = format!(
            "zk_test_{}_{}_{}",
            std::process::id(),
            UNIX_EPOCH.elapsed().map_or(0, |d| d.subsec_nanos()),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        let admin = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&server)
            .await
            .expect("connect to ZOOMKIT_TEST_POSTGRES_URL");
        admin
            .execute(&*format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        admin.close().await;
        let mut url = url::Url::parse(&server).expect("ZOOMKIT_TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{name}"));
        let url = url.to_string();
        let store = open(&url, StoreOptions::default()).await;
        Some(TestDb {
            store,
            url,
            admin: Some((server, name)),
            _dir: None,
        })
    }

    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Another store on the same database (its own pool), migrated.
    pub async fn reopen(&self, options: StoreOptions) -> Store {
        open(&self.url, options).await
    }

    /// A plain sqlx pool on the same database, for what the store's API
    /// does not do (installing a failing trigger, counting rows).
    pub async fn raw(&self) -> AnyPool {
        AnyPoolOptions::new()
            .max_connections(2)
            .connect(&self.url)
            .await
            .expect("raw connection")
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Some((server, name)) = &self.admin {
            if let Ok(admin) = AnyPoolOptions::new()
                .max_connections(1)
                .connect(server)
                .await
            {
                let _ = admin
                    .execute(&*format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                admin.close().await;
            }
        }
    }
}

async fn open(url: &str, options: StoreOptions) -> Store {
    let store = Store::open_with(url, options)
        .await
        .expect("open the store");
    store.migrate().await.expect("migrate");
    store
}

/// A fixed instant, so virtual-clock tests read plainly.
pub fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn delivery<'a>(key: &'a str, body: &'a [u8]) -> NewDelivery<'a> {
    NewDelivery {
        provider: "calcom",
        dedupe_key: key,
        body,
        received_at: t0(),
    }
}

/// Polls `check` every 10 ms until it is true, for at most `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(ms(10)).await;
    }
}
