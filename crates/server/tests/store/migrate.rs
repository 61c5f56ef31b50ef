//! Opening, migrations and readiness.

use sqlx::Row as _;
use zoomkit_server::store::{Backend, Store, StoreError, StoreOptions};

use crate::harness::TestDb;

both!(
    migrations_are_idempotent,
    a_fresh_database_is_not_ready,
    a_closed_store_releases_its_connections,
);

async fn migrations_are_idempotent(db: &TestDb) {
    // Already migrated once by the harness; again, and from two stores at
    // the same time, is a no-op.
    db.store.migrate().await.unwrap();
    let other = db.reopen(StoreOptions::default()).await;
    let (a, b) = tokio::join!(db.store.migrate(), other.migrate());
    a.unwrap();
    b.unwrap();
    db.store.ready().await.unwrap();
    let raw = db.raw().await;
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&raw)
            .await
            .unwrap();
    assert_eq!(versions, [1, 2, 3]);
    raw.close().await;
    other.close().await;
}

async fn a_fresh_database_is_not_ready(db: &TestDb) {
    // A second, empty database on the same backend.
    let fresh_url = match db.backend() {
        Backend::Sqlite => db.url.replace("store.db", "fresh.db"),
        _ => {
            let raw = db.raw().await;
            let name = format!("{}_fresh", db.url.rsplit('/').next().unwrap());
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&raw)
                .await
                .unwrap();
            raw.close().await;
            let mut url = url::Url::parse(&db.url).unwrap();
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
    };
    let store = Store::open(&fresh_url).await.unwrap();
    match store.ready().await {
        Err(StoreError::NotMigrated {
            applied: 0,
            expected,
        }) => assert_eq!(expected, 3),
        other => panic!("expected NotMigrated, got {other:?}"),
    }
    store.migrate().await.unwrap();
    store.ready().await.unwrap();
    store.close().await;
}

async fn a_closed_store_releases_its_connections(db: &TestDb) {
    let store = db.reopen(StoreOptions::default()).await;
    store.ready().await.unwrap();
    let clone = store.clone();
    let before = server_connections(db).await;
    store.close().await;
    assert!(clone.is_closed());
    assert!(clone.ready().await.is_err());
    if let Some(before) = before {
        // The server sees the closed pool's sessions end.
        crate::harness::eventually(
            std::time::Duration::from_secs(10),
            "the closed pool's sessions gone",
            || async { server_connections(db).await.unwrap() < before },
        )
        .await;
    }
}

/// Sessions connected to the test database (PostgreSQL only).
async fn server_connections(db: &TestDb) -> Option<i64> {
    if db.backend() != Backend::Postgres {
        return None;
    }
    let raw = db.raw().await;
    let name = db.url.rsplit('/').next().unwrap().to_owned();
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .fetch_one(&raw)
    .await
    .unwrap();
    let n: i64 = row.get("n");
    raw.close().await;
    Some(n)
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_full_sync() {
    let db = TestDb::sqlite().await;
    // Through the store's own pool settings: open a store and ask it.
    let raw = db.raw().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(
        mode, "wal",
        "WAL is persistent in the file once the store set it"
    );
    raw.close().await;
    db.finish().await;
}

#[tokio::test]
async fn bad_urls_are_refused_without_their_password() {
    for url in ["mysql://app:hunter2@db/zoomkit", "hunter2", "sqlite://"] {
        let err = Store::open(url).await.unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidUrl { .. }),
            "{url}: {err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("hunter2") || url == "hunter2", "{shown}");
    }
    // Unreachable server: a Connect error naming the URL, password hidden.
    let err = Store::open_with(
        "postgres://app:hunter2@127.0.0.1:1/zoomkit",
        StoreOptions::default().busy_timeout(std::time::Duration::from_secs(1)),
    )
    .await
    .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, StoreError::Connect { .. }), "{shown}");
    assert!(
        shown.contains("postgres://app:***@127.0.0.1:1/zoomkit"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
}
