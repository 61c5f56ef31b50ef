-- The job queue; see src/store/jobs.rs. A job carries keys (`job_key`),
-- never a payload. Times are milliseconds since the Unix epoch.
CREATE TABLE jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    job_key TEXT NOT NULL,
    state TEXT NOT NULL
        CHECK (state IN ('available', 'running', 'done', 'dead')),
    -- Claims so far, including the current one.
    attempt BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL CHECK (max_attempts >= 1),
    -- When an available job may be claimed (backoff moves it forward).
    run_at BIGINT NOT NULL,
    -- The lease of a running job: who holds it, and until when.
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);

-- Uniqueness is the queue's: one live job per (kind, key).
CREATE UNIQUE INDEX jobs_one_live_per_key ON jobs (kind, job_key)
    WHERE state IN ('available', 'running');
CREATE INDEX jobs_available ON jobs (run_at, id) WHERE state = 'available';
CREATE INDEX jobs_leased ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_dead ON jobs (id) WHERE state = 'dead';
CREATE INDEX jobs_by_key ON jobs (kind, job_key);
