//! The outbox: events commit (or roll back) with the caller's transaction,
//! keep a stable id, and move through pending -> delivered / failed.

use std::time::Duration;

use serde_json::json;
use zoomkit_server::store::{append_event, EventStatus, NewEvent};

use crate::harness::{t0, TestDb};

both!(
    an_event_commits_with_the_callers_transaction,
    a_rolled_back_transaction_leaves_no_event,
    delivery_status_moves_forward_only,
    events_since_pages_in_append_order,
    bad_events_are_refused_by_field,
);

async fn an_event_commits_with_the_callers_transaction(db: &TestDb) {
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("CREATE TABLE side (n BIGINT)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let payload = json!({"booking_id": 7});
    let id = append_event(
        &mut tx,
        &NewEvent {
            kind: "booking.ready",
            payload: &payload,
        },
        t0(),
    )
    .await
    .unwrap();
    // Not visible before the commit.
    assert_eq!(db.store.event(&id).await.unwrap(), None);
    tx.commit().await.unwrap();
    let event = db.store.event(&id).await.unwrap().expect("committed");
    assert_eq!(event.kind, "booking.ready");
    assert_eq!(event.payload, payload);
    assert_eq!(event.status, EventStatus::Pending);
    assert_eq!((event.attempts, event.created_at), (0, t0()));
    assert!(
        id.as_str().starts_with("evt_") && id.as_str().len() == 36,
        "{id}"
    );
    pool.close().await;
}

async fn a_rolled_back_transaction_leaves_no_event(db: &TestDb) {
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    let id = append_event(
        &mut tx,
        &NewEvent {
            kind: "booking.ready",
            payload: &json!({}),
        },
        t0(),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(db.store.event(&id).await.unwrap(), None);
    assert!(db.store.events_since(0, 10).await.unwrap().is_empty());
    pool.close().await;
}

async fn delivery_status_moves_forward_only(db: &TestDb) {
    let s = &db.store;
    let p = json!({"id": 1});
    let a = s
        .append_event(
            &NewEvent {
                kind: "a",
                payload: &p,
            },
            t0(),
        )
        .await
        .unwrap();
    let b = s
        .append_event(
            &NewEvent {
                kind: "b",
                payload: &p,
            },
            t0(),
        )
        .await
        .unwrap();
    let c = s
        .append_event(
            &NewEvent {
                kind: "c",
                payload: &p,
            },
            t0(),
        )
        .await
        .unwrap();
    let due: Vec<_> = s.undelivered_events(t0(), 10).await.unwrap();
    assert_eq!(
        due.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        [a.clone(), b.clone(), c.clone()]
    );

    assert!(s.mark_event_delivered(&a, t0()).await.unwrap());
    assert!(
        !s.mark_event_delivered(&a, t0()).await.unwrap(),
        "delivered twice"
    );
    let later = t0() + Duration::from_secs(30);
    assert!(s.event_attempt_failed(&b, "503", later).await.unwrap());
    assert!(s.event_failed(&c, "410 gone").await.unwrap());
    assert!(
        !s.event_attempt_failed(&c, "x", later).await.unwrap(),
        "failed is final"
    );

    // b waits for its retry time; a and c are done.
    assert!(s.undelivered_events(t0(), 10).await.unwrap().is_empty());
    let due = s.undelivered_events(later, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].id.clone(), due[0].attempts), (b.clone(), 1));
    assert_eq!(due[0].last_error.as_deref(), Some("503"));

    let a = s.event(&a).await.unwrap().unwrap();
    assert_eq!(
        (a.status, a.attempts, a.delivered_at),
        (EventStatus::Delivered, 1, Some(t0()))
    );
    let c = s.event(&c).await.unwrap().unwrap();
    assert_eq!(
        (c.status, c.last_error.as_deref()),
        (EventStatus::Failed, Some("410 gone"))
    );
}

async fn events_since_pages_in_append_order(db: &TestDb) {
    let s = &db.store;
    for n in 0..5 {
        s.append_event(
            &NewEvent {
                kind: "k",
                payload: &json!({ "n": n }),
            },
            t0(),
        )
        .await
        .unwrap();
    }
    let first = s.events_since(0, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let rest = s.events_since(first[1].seq, 10).await.unwrap();
    let ns: Vec<_> = first
        .iter()
        .chain(&rest)
        .map(|e| e.payload["n"].as_i64().unwrap())
        .collect();
    assert_eq!(ns, [0, 1, 2, 3, 4]);
}

async fn bad_events_are_refused_by_field(db: &TestDb) {
    let s = &db.store;
    let err = s
        .append_event(
            &NewEvent {
                kind: "",
                payload: &json!({}),
            },
            t0(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("invalid kind"), "{err}");
    let big = json!({ "body": "x".repeat(20_000) });
    let err = s
        .append_event(
            &NewEvent {
                kind: "k",
                payload: &big,
            },
            t0(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("invalid payload"), "{err}");
    assert!(s.events_since(0, 10).await.unwrap().is_empty());
}
