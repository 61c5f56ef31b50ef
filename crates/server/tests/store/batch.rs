//! `Store::insert_deliveries`, the group commit the webhook receiver uses:
//! one transaction, answers in order, duplicates (already stored, or twice
//! in the same batch) stored once, and one job per new delivery.

use zoomkit_server::store::{DeliveryStatus, JobKind, JobState, NewDelivery};

use crate::harness::{delivery, TestDb};

both!(a_batch_stores_each_key_once_with_one_job);

async fn a_batch_stores_each_key_once_with_one_job(db: &TestDb) {
    let store = &db.store;
    let before = store
        .insert_delivery(delivery("k-old", b"old"))
        .await
        .unwrap();
    let mut batch: Vec<NewDelivery<'_>> = vec![
        delivery("k-1", b"one"),
        delivery("k-old", b"old again"),
        delivery("k-2", b"two"),
        delivery("k-1", b"one again"),
    ];
    // The same key from another provider is another delivery.
    batch.push(NewDelivery {
        provider: "zoom",
        ..delivery("k-1", b"zoom one")
    });
    let out = store.insert_deliveries(&batch).await.unwrap();
    let dup: Vec<bool> = out.iter().map(|i| i.duplicate).collect();
    assert_eq!(dup, [false, true, false, true, false]);
    assert_eq!(out[1].id, before.id, "an earlier row's id");
    assert_eq!(out[3].id, out[0].id, "the first of the batch");
    assert_ne!(out[4].id, out[0].id);
    assert_eq!(
        store
            .count_deliveries(DeliveryStatus::Pending)
            .await
            .unwrap(),
        4
    );
    for i in [&out[0], &out[2], &out[4], &before] {
        let jobs = store.jobs_of(JobKind::ProcessDelivery(i.id)).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].state, JobState::Available);
    }
    let body = store.delivery(out[0].id).await.unwrap().unwrap().body;
    assert_eq!(body, b"one", "the first delivery's bytes are kept");
    assert!(store.insert_deliveries(&[]).await.unwrap().is_empty());
    // One bad entry refuses the whole batch, and nothing of it is stored.
    let bad = [delivery("k-3", b"three"), delivery("", b"no key")];
    assert!(store.insert_deliveries(&bad).await.is_err());
    assert_eq!(
        store
            .count_deliveries(DeliveryStatus::Pending)
            .await
            .unwrap(),
        4
    );
}
