-- SMS for members without a smartphone (issue #19). In step with postgres/0018.
-- 1: the member has no smartphone: the app's notices reach them by SMS when they have a phone
-- number, else through the secretary's list of people to visit or call.
ALTER TABLE members ADD COLUMN no_smartphone INTEGER NOT NULL DEFAULT 0 CHECK (no_smartphone IN (0, 1));

-- One row per message and member; the unique key makes enqueueing idempotent (a restart or a
-- second server enqueues nothing twice), and a message is claimed ('sending') before it goes.
CREATE TABLE sms_messages (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER  NOT NULL REFERENCES members (id),
    -- The organisation whose monthly cap the message counts against (the member's cell).
    org_id      INTEGER  NOT NULL REFERENCES organizations (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('hop_cong_bo', 'nhac_hop', 'nhiem_vu_giao')),
    -- The meeting or the task.
    ref_id      INTEGER  NOT NULL,
    phone       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'over_cap')),
    error       TEXT,
    created_at  INTEGER  NOT NULL,
    sent_at     INTEGER,
    UNIQUE (kind, ref_id, member_id)
);
CREATE INDEX sms_messages_status ON sms_messages (status, id);
CREATE INDEX sms_messages_member ON sms_messages (member_id, sent_at);

-- Messages sent per organisation and month (YYYY-MM, Vietnam): the cap is checked and counted
-- in one conditional UPDATE, so several servers together never pass it.
CREATE TABLE sms_usage (
    org_id   INTEGER  NOT NULL REFERENCES organizations (id),
    month    TEXT    NOT NULL,
    sent     INTEGER  NOT NULL,
    refused  INTEGER  NOT NULL,
    PRIMARY KEY (org_id, month)
);

-- Replies received through the provider's signed webhook. The provider's message id is unique:
-- a replayed request changes nothing.
CREATE TABLE sms_inbound (
    id           INTEGER PRIMARY KEY,
    provider_id  TEXT    NOT NULL UNIQUE,
    phone        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    member_id    INTEGER  REFERENCES members (id),
    org_id       INTEGER  REFERENCES organizations (id),
    meeting_id   INTEGER  REFERENCES meetings (id),
    outcome      TEXT    NOT NULL CHECK (outcome IN ('recorded', 'unmatched')),
    received_at  INTEGER  NOT NULL,
    -- The secretary has read an unmatched reply.
    handled_at   INTEGER
);
CREATE INDEX sms_inbound_org ON sms_inbound (org_id, outcome, received_at);

-- An answer that came by SMS is marked so (NULL: given in the app or recorded by a leader).
ALTER TABLE meeting_attendance ADD COLUMN rsvp_channel TEXT CHECK (rsvp_channel IN ('sms'));
