-- One row per vendor account's credentials; see src/store/connections.rs.
-- Tokens are AEAD ciphertexts (nonce || ciphertext || tag) under the key
-- named by key_id, never plain text. Times are milliseconds since the epoch.
CREATE TABLE connections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider TEXT NOT NULL CHECK (provider IN ('calendly', 'calcom')),
    account TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('oauth', 'personal_token', 'api_key')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth')),
    key_id TEXT NOT NULL,
    access_token BYTEA NOT NULL,
    refresh_token BYTEA,
    access_expires_at BIGINT,
    -- Bumped by every refresh: tells a waiter that someone else refreshed.
    generation BIGINT NOT NULL DEFAULT 0,
    reauth_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (provider, account)
);
