-- The meeting page lists the tasks assigned at that meeting (`tasks.meeting_id`); without an
-- index SQLite walked every task of the database for each page view (0.8 ms on a province's
-- 9,000 tasks, growing every month). Found by the performance suite (docs/BENCHMARKS.md).
CREATE INDEX tasks_meeting ON tasks (meeting_id);
