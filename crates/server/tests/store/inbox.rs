//! The inbox: rows, dedupe, atomic insert + enqueue, listing.

use std::time::{Duration, UNIX_EPOCH};

use sqlx::Executor as _;
use zoomkit_server::store::{
    Backend, DeliveryId, DeliveryStatus, JobKind, JobState, NewDelivery, StoreError,
};

use crate::harness::{delivery, t0, TestDb};

both!(
    rows_keep_what_was_received,
    a_duplicate_is_a_no_op,
    concurrent_duplicates_store_one_row,
    insert_and_enqueue_are_one_transaction,
    bad_input_is_refused_by_name,
    listing_pages_by_status,
    mark_processed_sets_done,
);

async fn rows_keep_what_was_received(db: &TestDb) {
    let store = &db.store;
    // Not UTF-8, with a NUL: bytes are stored as bytes.
    let body: &[u8] = b"\x00\xff{\"triggerEvent\":\"BOOKING_CREATED\"}\xc3";
    let received_at = t0() + Duration::from_millis(123);
    let inserted = store
        .insert_delivery(NewDelivery {
            provider: "calcom",
            dedupe_key: "BOOKING_CREATED:uid-1",
            body,
            received_at,
        })
        .await
        .unwrap();
    assert!(!inserted.duplicate);
    let row = store.delivery(inserted.id).await.unwrap().expect("the row");
    assert_eq!(row.id, inserted.id);
    assert_eq!(row.provider, "calcom");
    assert_eq!(row.dedupe_key, "BOOKING_CREATED:uid-1");
    assert_eq!(row.body, body);
    assert_eq!(row.received_at, received_at);
    assert_eq!(row.status, DeliveryStatus::Pending);
    assert_eq!(
        (row.attempts, &row.last_error, row.processed_at),
        (0, &None, None)
    );
    // Its job was enqueued with it, carrying only the delivery's id.
    let jobs = store
        .jobs_of(JobKind::ProcessDelivery(inserted.id))
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Available);
    assert_eq!(jobs[0].run_at, received_at);
    // Debug output names the length, never the body.
    let shown = format!("{row:?}");
    assert!(
        shown.contains(&format!("body_len: {}", body.len())),
        "{shown}"
    );
    assert!(!shown.contains("BOOKING_CREATED"), "{shown}");
    assert!(store.delivery(DeliveryId(9_999)).await.unwrap().is_none());
}

async fn a_duplicate_is_a_no_op(db: &TestDb) {
    let store = &db.store;
    let first = store
        .insert_delivery(delivery("k1", b"first"))
        .await
        .unwrap();
    let again = store
        .insert_delivery(delivery("k1", b"second"))
        .await
        .unwrap();
    assert_eq!(again.id, first.id);
    assert!(again.duplicate && !first.duplicate);
    // Nothing was overwritten and no second job exists.
    assert_eq!(
        store.delivery(first.id).await.unwrap().unwrap().body,
        b"first"
    );
    assert_eq!(
        store
            .count_deliveries(DeliveryStatus::Pending)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.count_jobs(JobState::Available).await.unwrap(), 1);
    // Also once processed: still a duplicate, still no new job.
    let claimed = store
        .claim("w", t0(), Duration::from_secs(30), 10)
        .await
        .unwrap();
    let _ = store.complete(&claimed[0], t0()).await.unwrap();
    let later = store
        .insert_delivery(delivery("k1", b"third"))
        .await
        .unwrap();
    assert_eq!((later.id, later.duplicate), (first.id, true));
    assert_eq!(store.count_jobs(JobState::Available).await.unwrap(), 0);
    // The key is per provider.
    let other = store
        .insert_delivery(NewDelivery {
            provider: "zoom",
            ..delivery("k1", b"zoom's")
        })
        .await
        .unwrap();
    assert!(!other.duplicate);
    assert_ne!(other.id, first.id);
}

async fn concurrent_duplicates_store_one_row(db: &TestDb) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..16 {
        let store = db.store.clone();
        tasks.spawn(async move {
            let body = format!("copy {i}");
            store
                .insert_delivery(delivery("same-key", body.as_bytes()))
                .await
                .unwrap()
        });
    }
    let results = tasks.join_all().await;
    let fresh: Vec<_> = results.iter().filter(|r| !r.duplicate).collect();
    assert_eq!(fresh.len(), 1, "exactly one insert wins: {results:?}");
    assert!(results.iter().all(|r| r.id == fresh[0].id));
    assert_eq!(db.store.count_jobs(JobState::Available).await.unwrap(), 1);
}

async fn insert_and_enqueue_are_one_transaction(db: &TestDb) {
    // Make every job insert fail inside the database, after the inbox
    // insert of the same transaction succeeded.
    let raw = db.raw().await;
    match db.backend() {
        Backend::Sqlite => {
            raw.execute(
                "CREATE TRIGGER fail_jobs BEFORE INSERT ON jobs \
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            )
            .await
            .unwrap();
        }
        _ => {
            raw.execute(
                "CREATE FUNCTION fail_jobs() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            )
            .await
            .unwrap();
            raw.execute(
                "CREATE TRIGGER fail_jobs BEFORE INSERT ON jobs \
                 FOR EACH ROW EXECUTE FUNCTION fail_jobs()",
            )
            .await
            .unwrap();
        }
    }
    let err = db
        .store
        .insert_delivery(delivery("atomic", b"body"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert!(err.to_string().contains("injected failure"), "{err}");
    // Neither row exists.
    let inbox: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox")
        .fetch_one(&raw)
        .await
        .unwrap();
    let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!((inbox, jobs), (0, 0));

    // Without the fault the same delivery is new (nothing half-written
    // made it a duplicate) and gets its job.
    let drop = match db.backend() {
        Backend::Sqlite => "DROP TRIGGER fail_jobs",
        _ => "DROP TRIGGER fail_jobs ON jobs",
    };
    raw.execute(drop).await.unwrap();
    raw.close().await;
    let inserted = db
        .store
        .insert_delivery(delivery("atomic", b"body"))
        .await
        .unwrap();
    assert!(!inserted.duplicate);
    assert_eq!(db.store.count_jobs(JobState::Available).await.unwrap(), 1);
}

async fn bad_input_is_refused_by_name(db: &TestDb) {
    let store = &db.store;
    let long = "k".repeat(513);
    let cases: [(NewDelivery<'_>, &str); 4] = [
        (
            NewDelivery {
                provider: "",
                ..delivery("k", b"")
            },
            "provider",
        ),
        (
            NewDelivery {
                provider: &long[..65],
                ..delivery("k", b"")
            },
            "provider",
        ),
        (delivery("", b""), "dedupe_key"),
        (delivery(&long, b""), "dedupe_key"),
    ];
    for (bad, field) in cases {
        match store.insert_delivery(bad).await {
            Err(StoreError::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: expected InvalidInput, got {other:?}"),
        }
    }
    let before_epoch = NewDelivery {
        received_at: UNIX_EPOCH - Duration::from_secs(1),
        ..delivery("k", b"")
    };
    assert!(matches!(
        store.insert_delivery(before_epoch).await,
        Err(StoreError::InvalidInput {
            field: "received_at",
            ..
        })
    ));
    assert_eq!(
        store
            .count_deliveries(DeliveryStatus::Pending)
            .await
            .unwrap(),
        0
    );
}

async fn listing_pages_by_status(db: &TestDb) {
    let store = &db.store;
    let mut ids = Vec::new();
    for i in 0..5 {
        let key = format!("key-{i}");
        ids.push(
            store
                .insert_delivery(delivery(&key, b"{}"))
                .await
                .unwrap()
                .id,
        );
    }
    store.mark_processed(ids[1], t0()).await.unwrap();
    let page1 = store
        .deliveries(DeliveryStatus::Pending, None, 2)
        .await
        .unwrap();
    let page2 = store
        .deliveries(DeliveryStatus::Pending, page1.last().map(|d| d.id), 2)
        .await
        .unwrap();
    let listed: Vec<_> = page1.iter().chain(&page2).map(|d| d.id).collect();
    assert_eq!(listed, [ids[0], ids[2], ids[3], ids[4]]);
    let done = store
        .deliveries(DeliveryStatus::Done, None, 10)
        .await
        .unwrap();
    assert_eq!(done.iter().map(|d| d.id).collect::<Vec<_>>(), [ids[1]]);
    assert!(store
        .deliveries(DeliveryStatus::Dead, None, 10)
        .await
        .unwrap()
        .is_empty());
}

async fn mark_processed_sets_done(db: &TestDb) {
    let store = &db.store;
    let id = store
        .insert_delivery(delivery("k", b"{}"))
        .await
        .unwrap()
        .id;
    let at = t0() + Duration::from_secs(5);
    store.mark_processed(id, at).await.unwrap();
    let row = store.delivery(id).await.unwrap().unwrap();
    assert_eq!(
        (row.status, row.processed_at),
        (DeliveryStatus::Done, Some(at))
    );
    assert!(matches!(
        store.mark_processed(DeliveryId(4242), at).await,
        Err(StoreError::NotFound {
            what: "delivery",
            id: 4242
        })
    ));
}
