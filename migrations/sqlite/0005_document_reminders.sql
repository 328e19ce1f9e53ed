-- Reminders from leadership to read a document, one per member and document. Until the
-- notifications issue they are shown in the app (home page). In step with postgres/0005.
CREATE TABLE document_reminders (
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    sent_by      INTEGER REFERENCES accounts (id),
    sent_at      INTEGER NOT NULL,
    PRIMARY KEY (document_id, member_id)
);
CREATE INDEX document_reminders_member ON document_reminders (member_id, sent_at);
