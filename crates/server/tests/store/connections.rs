//! Connections: sealed tokens, reconnects, key rotation, and the
//! one-at-a-time refresh of single-use refresh tokens.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use zoomkit_server::store::outbox::kinds;
use zoomkit_server::store::{
    ConnectionId, ConnectionStatus, Credentials, NewConnection, Provider, RefreshError,
    RefreshFailure, Refreshed, Store, StoreError, StoreOptions, Token, TokenKey, TokenKeys,
};

use crate::harness::{t0, TestDb};

both!(
    tokens_are_sealed_at_rest_and_open_again,
    a_reconnect_replaces_the_credentials,
    keys_rotate_without_losing_a_connection,
    concurrent_refreshes_make_one_token_request,
    invalid_grant_marks_the_connection_once,
    a_failed_refresh_changes_nothing,
);

fn key_set(id: &str, byte: u8) -> TokenKeys {
    TokenKeys::new(TokenKey::new(id, &[byte; 32]).unwrap())
}

fn grant(access: &str, refresh: &str, expires_in: u64) -> Credentials {
    Credentials::OAuth {
        access_token: Token::new(access),
        refresh_token: Token::new(refresh),
        expires_at: t0() + Duration::from_secs(expires_in),
    }
}

async fn save(store: &Store, keys: &TokenKeys, account: &str, c: Credentials) -> ConnectionId {
    store
        .save_connection(
            keys,
            &NewConnection {
                provider: Provider::Calendly,
                account,
                credentials: c,
            },
            t0(),
        )
        .await
        .unwrap()
}

async fn tokens_are_sealed_at_rest_and_open_again(db: &TestDb) {
    let keys = key_set("k1", 1);
    let id = save(
        &db.store,
        &keys,
        "https://api.calendly.com/users/U1",
        grant("access-AAA", "refresh-BBB", 7200),
    )
    .await;
    let key_id = db
        .store
        .save_connection(
            &keys,
            &NewConnection {
                provider: Provider::Calcom,
                account: "owner-1",
                credentials: Credentials::ApiKey(Token::new("cal_live_CCC")),
            },
            t0(),
        )
        .await
        .unwrap();
    // Raw bytes hold none of the tokens.
    let raw = db.raw().await;
    let blobs: Vec<(Vec<u8>, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT access_token, refresh_token FROM connections")
            .fetch_all(&raw)
            .await
            .unwrap();
    raw.close().await;
    assert_eq!(blobs.len(), 2);
    for (access, refresh) in &blobs {
        for blob in std::iter::once(access).chain(refresh.iter()) {
            for needle in [
                &b"AAA"[..],
                b"BBB",
                b"CCC",
                b"access",
                b"refresh",
                b"cal_live",
            ] {
                assert!(!blob.windows(needle.len()).any(|w| w == needle));
            }
        }
    }
    let c = db.store.connection(&keys, id).await.unwrap().unwrap();
    assert_eq!(c.credentials, grant("access-AAA", "refresh-BBB", 7200));
    assert_eq!(
        (c.status, c.generation, c.key_id.as_str()),
        (ConnectionStatus::Active, 0, "k1")
    );
    let printed = format!("{c:?}");
    assert!(
        !printed.contains("AAA") && !printed.contains("BBB"),
        "{printed}"
    );
    let k = db.store.connection(&keys, key_id).await.unwrap().unwrap();
    assert_eq!(k.credentials.bearer().expose(), "cal_live_CCC");
    // A wrong key is a typed error naming the key id, not garbage.
    match db.store.connection(&key_set("k1", 2), id).await {
        Err(StoreError::TokenKey { key_id, .. }) => assert_eq!(key_id, "k1"),
        other => panic!("expected TokenKey, got {other:?}"),
    }
    // A ciphertext moved to another row does not open.
    let raw = db.raw().await;
    sqlx::query("UPDATE connections SET access_token = (SELECT access_token FROM connections WHERE id = $1) WHERE id = $2")
        .bind(id.0)
        .bind(key_id.0)
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;
    assert!(matches!(
        db.store.connection(&keys, key_id).await,
        Err(StoreError::TokenKey { .. })
    ));
    assert!(db
        .store
        .connection(&keys, ConnectionId(999))
        .await
        .unwrap()
        .is_none());
}

async fn a_reconnect_replaces_the_credentials(db: &TestDb) {
    let keys = key_set("k1", 1);
    let account = "https://api.calendly.com/users/U1";
    let id = save(&db.store, &keys, account, grant("a1", "r1", 60)).await;
    db.store
        .mark_needs_reauth(id, "invalid_grant", t0())
        .await
        .unwrap();
    let again = save(&db.store, &keys, account, grant("a2", "r2", 7200)).await;
    assert_eq!(again, id);
    let c = db
        .store
        .connection_by_account(&keys, Provider::Calendly, account)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, ConnectionStatus::Active);
    assert_eq!(c.reauth_reason, None);
    assert_eq!(c.generation, 1);
    assert_eq!(c.credentials, grant("a2", "r2", 7200));
    assert!(matches!(
        db.store
            .mark_needs_reauth(ConnectionId(999), "x", t0())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let err = db
        .store
        .save_connection(
            &keys,
            &NewConnection {
                provider: Provider::Calcom,
                account: "",
                credentials: Credentials::ApiKey(Token::new("k")),
            },
            t0(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::InvalidInput {
                field: "account",
                ..
            }
        ),
        "{err}"
    );
    assert!(db.store.delete_connection(id).await.unwrap());
    assert!(!db.store.delete_connection(id).await.unwrap());
}

async fn keys_rotate_without_losing_a_connection(db: &TestDb) {
    let old = key_set("2026-01", 1);
    let a = save(&db.store, &old, "A", grant("a", "ra", 60)).await;
    let b = save(
        &db.store,
        &old,
        "B",
        Credentials::PersonalToken(Token::new("pat")),
    )
    .await;
    let new_key = TokenKey::new("2026-06", &[2; 32]).unwrap();
    let rotated = TokenKeys::new(new_key.clone())
        .with_previous(TokenKey::new("2026-01", &[1; 32]).unwrap())
        .unwrap();
    // Old rows open under the rotated keys before re-encryption.
    assert_eq!(
        db.store
            .connection(&rotated, a)
            .await
            .unwrap()
            .unwrap()
            .key_id,
        "2026-01"
    );
    assert_eq!(db.store.reencrypt_connections(&rotated).await.unwrap(), 2);
    assert_eq!(db.store.reencrypt_connections(&rotated).await.unwrap(), 0);
    // Now the new key alone opens everything.
    let only_new = TokenKeys::new(new_key);
    let ca = db.store.connection(&only_new, a).await.unwrap().unwrap();
    assert_eq!(
        (ca.key_id.as_str(), ca.credentials),
        ("2026-06", grant("a", "ra", 60))
    );
    let cb = db.store.connection(&only_new, b).await.unwrap().unwrap();
    assert_eq!(
        cb.credentials,
        Credentials::PersonalToken(Token::new("pat"))
    );
    assert!(db.store.connection(&old, a).await.is_err());
}

/// A token endpoint with single-use refresh tokens, in memory.
struct Rotating {
    current: std::sync::Mutex<String>,
    requests: AtomicU32,
}

impl Rotating {
    async fn refresh(&self, presented: Token) -> Result<Refreshed, RefreshFailure<std::io::Error>> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        // Slow enough that every waiter queues behind the lock.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut current = self.current.lock().unwrap();
        if presented.expose() != *current {
            return Err(RefreshFailure::InvalidGrant {
                code: "invalid_grant".into(),
            });
        }
        let n = self.requests.load(Ordering::SeqCst);
        *current = format!("refresh-{n}");
        Ok(Refreshed {
            access_token: Token::new(format!("access-{n}")),
            refresh_token: Token::new(current.clone()),
            expires_at: t0() + Duration::from_secs(7200),
        })
    }
}

async fn concurrent_refreshes_make_one_token_request(db: &TestDb) {
    let keys = key_set("k1", 1);
    // Expired at t0.
    let id = save(&db.store, &keys, "A", grant("access-0", "refresh-0", 0)).await;
    let vendor = Arc::new(Rotating {
        current: std::sync::Mutex::new("refresh-0".into()),
        requests: AtomicU32::new(0),
    });
    // Two stores (two pools, as two instances), 20 callers each.
    let other = db
        .reopen(StoreOptions::default().busy_timeout(Duration::from_secs(30)))
        .await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = if i % 2 == 0 {
            db.store.clone()
        } else {
            other.clone()
        };
        let (keys, vendor) = (keys.clone(), Arc::clone(&vendor));
        tasks.push(tokio::spawn(async move {
            store
                .refresh_connection(&keys, id, t0(), Duration::from_secs(60), |rt| async move {
                    vendor.refresh(rt).await
                })
                .await
        }));
    }
    let mut here = 0;
    for t in tasks {
        let fresh = t.await.unwrap().expect("every caller gets a token");
        assert_eq!(fresh.access_token.expose(), "access-1");
        assert_eq!(fresh.generation, 1);
        here += u32::from(fresh.refreshed_here);
    }
    assert_eq!(vendor.requests.load(Ordering::SeqCst), 1);
    assert_eq!(here, 1);
    let c = db.store.connection(&keys, id).await.unwrap().unwrap();
    assert_eq!(c.credentials, grant("access-1", "refresh-1", 7200));
    other.close().await;
}

async fn invalid_grant_marks_the_connection_once(db: &TestDb) {
    let keys = key_set("k1", 1);
    let id = save(&db.store, &keys, "A", grant("a", "spent", 0)).await;
    let vendor = Rotating {
        current: std::sync::Mutex::new("other".into()),
        requests: AtomicU32::new(0),
    };
    for _ in 0..3 {
        let err = db
            .store
            .refresh_connection(&keys, id, t0(), Duration::ZERO, |rt| vendor.refresh(rt))
            .await
            .unwrap_err();
        match err {
            RefreshError::NeedsReauth { id: got, reason } => {
                assert_eq!((got, reason.as_str()), (id, "invalid_grant"))
            }
            other => panic!("expected NeedsReauth, got {other:?}"),
        }
    }
    // Only the first call reached the vendor.
    assert_eq!(vendor.requests.load(Ordering::SeqCst), 1);
    let c = db.store.connection(&keys, id).await.unwrap().unwrap();
    assert_eq!(c.status, ConnectionStatus::NeedsReauth);
    // One event, committed with the status; the repeats appended none.
    let events = db.store.events_since(0, 10).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind, kinds::CONNECTION_NEEDS_REAUTH);
    assert_eq!(
        events[0].payload,
        serde_json::json!({
            "connection_id": id.0, "provider": "calendly", "account": "A", "reason": "invalid_grant"
        })
    );
    // Marking it by hand again is not a second event; another connection is.
    db.store
        .mark_needs_reauth(id, "revoked", t0())
        .await
        .unwrap();
    let other = save(&db.store, &keys, "B", grant("a", "r", 7200)).await;
    db.store
        .mark_needs_reauth(other, "revoked", t0())
        .await
        .unwrap();
    let events = db.store.events_since(0, 10).await.unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[1].payload["connection_id"], other.0);
    assert!(matches!(
        db.store
            .mark_needs_reauth(ConnectionId(999), "x", t0())
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn a_failed_refresh_changes_nothing(db: &TestDb) {
    let keys = key_set("k1", 1);
    let id = save(&db.store, &keys, "A", grant("a", "r", 0)).await;
    let err = db
        .store
        .refresh_connection(&keys, id, t0(), Duration::ZERO, |_| async {
            Err::<Refreshed, _>(RefreshFailure::Other(std::io::Error::other("timed out")))
        })
        .await
        .unwrap_err();
    assert!(matches!(err, RefreshError::Refresh { .. }), "{err}");
    let c = db.store.connection(&keys, id).await.unwrap().unwrap();
    assert_eq!((c.status, c.generation), (ConnectionStatus::Active, 0));
    // A token that is still valid is returned without a request.
    let pat = save(&db.store, &keys, "B", grant("live", "r", 7200)).await;
    let fresh = db
        .store
        .refresh_connection(&keys, pat, t0(), Duration::from_secs(60), |_| async {
            Err::<Refreshed, _>(RefreshFailure::Other(std::io::Error::other(
                "must not be called",
            )))
        })
        .await
        .unwrap();
    assert_eq!(
        (fresh.access_token.expose(), fresh.refreshed_here),
        ("live", false)
    );
    let p = save(
        &db.store,
        &keys,
        "C",
        Credentials::PersonalToken(Token::new("pat")),
    )
    .await;
    assert!(matches!(
        db.store
            .refresh_connection(&keys, p, t0(), Duration::ZERO, |_| async {
                Err::<Refreshed, _>(RefreshFailure::Other(std::io::Error::other("x")))
            })
            .await,
        Err(RefreshError::NotOAuth(_))
    ));
}
