//! The store's tests. Every case runs on SQLite and on PostgreSQL through
//! [`both!`]: `<case>::sqlite` and `<case>::postgres`.
//!
//! PostgreSQL comes from `ZOOMKIT_TEST_POSTGRES_URL` (a server where the
//! user may create databases; each case gets its own). `cargo xtask test`
//! starts a throwaway cluster and sets it, with `ZOOMKIT_REQUIRE_POSTGRES=1`
//! so a missing URL fails. Without either, the PostgreSQL half of each case
//! prints `SKIPPED` and passes: run
//! `cargo xtask postgres -- cargo test -p zoomkit-server --all-features --test store`
//! for both.
#![cfg(feature = "sqlite")]

/// Declares `mod $case { sqlite, postgres }` for an
/// `async fn $case(db: &TestDb)` in the same module.
macro_rules! both {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::harness::TestDb::sqlite().await;
                super::$case(&db).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = $crate::harness::TestDb::postgres(concat!(module_path!())).await else {
                    return;
                };
                super::$case(&db).await;
                db.finish().await;
            }
        }
    )*};
}

mod harness;

mod batch;
mod bookings;
mod concurrency;
mod connections;
mod inbox;
mod jobs;
mod lease;
mod migrate;
mod outbox;
mod queue;
