-- Outbound rate budgets shared by every instance on this database; see
-- src/store/rate_limits.rs. Keys are SHA-256 hex digests of the budget key
-- (a host's e-mail address is never stored). Times are ms since the epoch.

-- Instances using a budget scope (a Zoom account), with a heartbeat.
CREATE TABLE rate_instances (
    instance TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    seen_at BIGINT NOT NULL
);

-- A key held (a short 429's Retry-After) or paused (a daily cap) until a time.
CREATE TABLE rate_pauses (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('hold', 'pause')),
    until_at BIGINT NOT NULL
);

-- Calls counted per key and UTC day (creates per host, updates per meeting,
-- the daily heavy quota), across instances.
CREATE TABLE rate_daily (
    key TEXT NOT NULL,
    day BIGINT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (key, day)
);
