-- Events for the app (booking ready, connection needs re-authorisation, ...),
-- appended in the same transaction as the state change they report; see
-- src/store/outbox.rs. The payload is JSON holding ids, never PII.
-- Times are milliseconds since the epoch.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Stable across retries: the Standard Webhooks `webhook-id`.
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at, seq) WHERE status = 'pending';
