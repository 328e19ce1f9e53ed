-- In-app notifications, fanned out on read: one row per event, addressed either to every member
-- of an organisation's subtree (org_id; a member's ancestors are a handful of ids, so their
-- unread count is one indexed query) or to one member (member_id). Publishing to a province is
-- one INSERT. Read marks are per member; "mark all read" moves a watermark.
-- In step with postgres/0009.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('van_ban_moi', 'tin_tuc_moi', 'hop_cong_bo', 'hop_thay_doi', 'nhiem_vu_giao', 'nhac_doc')),
    org_id      INTEGER REFERENCES organizations (id),
    member_id   INTEGER REFERENCES members (id),
    -- What it is about: a document or a meeting or a task, by id.
    ref_type    TEXT    NOT NULL CHECK (ref_type IN ('document', 'meeting', 'task')),
    ref_id      INTEGER NOT NULL,
    -- The subject's own title (a document's, a meeting's, a task's), shown under the kind.
    subject     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    CHECK ((org_id IS NULL) <> (member_id IS NULL))
);
CREATE INDEX notifications_org ON notifications (org_id, created_at);
CREATE INDEX notifications_member ON notifications (member_id, created_at);

CREATE TABLE notification_reads (
    member_id        INTEGER NOT NULL REFERENCES members (id),
    notification_id  INTEGER NOT NULL REFERENCES notifications (id),
    read_at          INTEGER NOT NULL,
    PRIMARY KEY (member_id, notification_id)
);

CREATE TABLE notification_watermarks (
    member_id     INTEGER PRIMARY KEY REFERENCES members (id),
    all_read_at   INTEGER NOT NULL
);
