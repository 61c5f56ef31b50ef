-- One row per vendor account's credentials; see src/store/connections.rs.
-- Tokens are AEAD ciphertexts (nonce || ciphertext || tag) under the key
-- named by key_id, never plain text. Times are milliseconds since the epoch.
CREATE TABLE connections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL CHECK (provider IN ('calendly', 'calcom')),
    account TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('oauth', 'personal_token', 'api_key')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth')),
    key_id TEXT NOT NULL,
    access_token BLOB NOT NULL,
    refresh_token BLOB,
    access_expires_at INTEGER,
    -- Bumped by every refresh: tells a waiter that someone else refreshed.
    generation INTEGER NOT NULL DEFAULT 0,
    reauth_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (provider, account)
);
