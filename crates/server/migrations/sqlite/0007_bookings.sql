-- The bridge (issue 14); see src/store/bookings.rs. A booking's facts
-- (bridge::Lineage) are JSON in `state`; the columns beside it are read
-- off it for queries. Times are milliseconds since the Unix epoch.
CREATE TABLE bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('unknown', 'pending', 'confirmed', 'cancelled', 'rejected')),
    head TEXT,
    start_at INTEGER,
    end_at INTEGER,
    kind TEXT CHECK (kind IN ('videoSdk', 'meeting')),
    -- Set when a reschedule showed this lineage to be part of another.
    merged_into INTEGER REFERENCES bookings (id),
    -- Bumped by every change of `state`: a converge job records its result
    -- only against the version it read.
    version INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Every provider key (`calcom:{uid}`, `calendly:{invitee}`, `api:{key}`)
-- names one booking.
CREATE TABLE booking_keys (
    external_key TEXT PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings (id)
);
CREATE INDEX booking_keys_by_booking ON booking_keys (booking_id);

-- A booking's session as converge jobs made it (bridge::Actual as JSON).
CREATE TABLE sessions (
    booking_id INTEGER PRIMARY KEY REFERENCES bookings (id),
    actual TEXT NOT NULL,
    meeting_id INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_meeting ON sessions (meeting_id);
