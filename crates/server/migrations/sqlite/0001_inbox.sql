-- One row per webhook delivery; see src/store/inbox.rs.
-- Times are milliseconds since the Unix epoch.
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    body BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'processing', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    processed_at INTEGER,
    -- The dedupe mechanism: a redelivery conflicts here and is not stored.
    UNIQUE (provider, dedupe_key)
);

CREATE INDEX inbox_by_status ON inbox (status, id);
