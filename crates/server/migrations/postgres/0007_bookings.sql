-- The bridge (issue 14); see src/store/bookings.rs. A booking's facts
-- (bridge::Lineage) are JSON in `state`; the columns beside it are read
-- off it for queries. Times are milliseconds since the Unix epoch.
CREATE TABLE bookings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('unknown', 'pending', 'confirmed', 'cancelled', 'rejected')),
    head TEXT,
    start_at BIGINT,
    end_at BIGINT,
    kind TEXT CHECK (kind IN ('videoSdk', 'meeting')),
    -- Set when a reschedule showed this lineage to be part of another.
    merged_into BIGINT REFERENCES bookings (id),
    -- Bumped by every change of `state`: a converge job records its result
    -- only against the version it read.
    version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Every provider key (`calcom:{uid}`, `calendly:{invitee}`, `api:{key}`)
-- names one booking.
CREATE TABLE booking_keys (
    external_key TEXT PRIMARY KEY,
    booking_id BIGINT NOT NULL REFERENCES bookings (id)
);
CREATE INDEX booking_keys_by_booking ON booking_keys (booking_id);

-- A booking's session as converge jobs made it (bridge::Actual as JSON).
CREATE TABLE sessions (
    booking_id BIGINT PRIMARY KEY REFERENCES bookings (id),
    actual TEXT NOT NULL,
    meeting_id BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_meeting ON sessions (meeting_id);
