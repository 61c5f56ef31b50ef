-- Retention (see src/store/jobs.rs, "Retention"): the pruning job deletes
-- done deliveries and done jobs older than the retention, found by these.
CREATE INDEX inbox_done ON inbox (processed_at) WHERE status = 'done';
CREATE INDEX jobs_done ON jobs (finished_at) WHERE state = 'done';
