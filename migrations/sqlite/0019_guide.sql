-- The first-use guide (issue #19): 1 once the member has finished or skipped it. In step with
-- postgres/0019.
ALTER TABLE accounts ADD COLUMN guide_seen INTEGER NOT NULL DEFAULT 0 CHECK (guide_seen IN (0, 1));
