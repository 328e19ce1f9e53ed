-- Notification preferences, reminders, Web Push. In step with postgres/0010.
--
-- 1. New kinds (meeting cancelled, meeting reminder, task due tomorrow / overdue, join request)
--    and the push state of each notification. SQLite cannot alter a CHECK, so the table is
--    rebuilt; notification_reads keeps pointing at it by name, and the deferred foreign-key
--    check at commit sees every row back.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE notifications_copy AS SELECT * FROM notifications;
DROP TABLE notifications;
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('van_ban_moi', 'tin_tuc_moi', 'hop_cong_bo', 'hop_thay_doi', 'hop_huy', 'nhac_hop',
                                                 'nhiem_vu_giao', 'nhiem_vu_sap_han', 'nhiem_vu_qua_han', 'nhac_doc', 'yeu_cau_gia_nhap')),
    org_id      INTEGER REFERENCES organizations (id),
    member_id   INTEGER REFERENCES members (id),
    ref_type    TEXT    NOT NULL CHECK (ref_type IN ('document', 'meeting', 'task', 'join_request')),
    ref_id      INTEGER NOT NULL,
    subject     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    -- When the push worker turned it into deliveries (NULL: not yet). Older rows count as done.
    pushed_at   INTEGER,
    CHECK ((org_id IS NULL) <> (member_id IS NULL))
);
INSERT INTO notifications (id, kind, org_id, member_id, ref_type, ref_id, subject, created_at, pushed_at)
    SELECT id, kind, org_id, member_id, ref_type, ref_id, subject, created_at, created_at FROM notifications_copy;
DROP TABLE notifications_copy;
CREATE INDEX notifications_org ON notifications (org_id, created_at);
CREATE INDEX notifications_member ON notifications (member_id, created_at);
CREATE INDEX notifications_push_pending ON notifications (id) WHERE pushed_at IS NULL;

-- 2. Per-member settings: which kinds may be pushed, quiet hours (minutes after midnight,
--    Vietnam time; the window may wrap past midnight). Data saver is a display preference, on
--    the account beside text size and simplified mode.
CREATE TABLE notification_settings (
    member_id      INTEGER PRIMARY KEY REFERENCES members (id),
    -- Comma-separated kinds the member does not want pushed ('' = all).
    push_off       TEXT    NOT NULL DEFAULT '',
    quiet_enabled  INTEGER NOT NULL DEFAULT 1,
    quiet_start    INTEGER NOT NULL DEFAULT 1260 CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end      INTEGER NOT NULL DEFAULT 360 CHECK (quiet_end BETWEEN 0 AND 1439),
    updated_at     INTEGER NOT NULL
);

ALTER TABLE accounts ADD COLUMN data_saver INTEGER NOT NULL DEFAULT 0;

-- 3. Reminders already sent (meeting day before / hour before, task due tomorrow / overdue),
--    so the scheduler may run as often as it likes, on several servers.
CREATE TABLE reminders_sent (
    kind     TEXT    NOT NULL,
    ref_id   INTEGER NOT NULL,
    sent_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, ref_id)
);

-- 4. Web Push: keys generated on first start, browsers' subscriptions, and the delivery queue
--    (one row per notification and device; survives restarts; retried with back-off).
CREATE TABLE server_keys (
    name        TEXT    PRIMARY KEY,
    value       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE push_subscriptions (
    id               INTEGER PRIMARY KEY,
    member_id        INTEGER NOT NULL REFERENCES members (id),
    endpoint         TEXT    NOT NULL UNIQUE,
    p256dh           TEXT    NOT NULL,
    auth             TEXT    NOT NULL,
    -- The session that subscribed: signing out (or expiry) stops pushes to that device.
    session_hash     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    last_success_at  INTEGER
);
CREATE INDEX push_subscriptions_member ON push_subscriptions (member_id);

CREATE TABLE push_deliveries (
    id               INTEGER PRIMARY KEY,
    notification_id  INTEGER NOT NULL REFERENCES notifications (id),
    subscription_id  INTEGER NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    attempts         INTEGER NOT NULL DEFAULT 0,
    due_at           INTEGER NOT NULL,
    last_error       TEXT,
    UNIQUE (notification_id, subscription_id)
);
CREATE INDEX push_deliveries_due ON push_deliveries (due_at);

-- The reminder scheduler's queries: published meetings of today and tomorrow, open tasks by due date.
CREATE INDEX meetings_status_date ON meetings (status, meeting_date);
CREATE INDEX tasks_status_due ON tasks (status, due_date);
