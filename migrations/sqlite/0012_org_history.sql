-- Changes to the organisation tree keep history. In step with postgres/0012.
-- A dissolved (or merged-away) organisation keeps its row, so past meetings, documents and
-- notifications still name it; it leaves every list of live organisations.
ALTER TABLE organizations ADD COLUMN dissolved_at INTEGER;
ALTER TABLE organizations ADD COLUMN merged_into INTEGER REFERENCES organizations (id);

-- Where a member was before a merge moved them: their past organisation stays visible.
CREATE TABLE member_org_history (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id),
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    until       INTEGER NOT NULL,
    reason      TEXT    NOT NULL CHECK (reason IN ('merge', 'transfer'))
);
CREATE INDEX member_org_history_member ON member_org_history (member_id);
