-- Optional multiple-choice questions a publisher adds to a resolution (2–3 per document), so
-- a member can check what they studied. In step with migrations/postgres/0007.
CREATE TABLE document_questions (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    question     TEXT    NOT NULL,
    option_a     TEXT    NOT NULL,
    option_b     TEXT    NOT NULL,
    option_c     TEXT    NOT NULL,
    correct      TEXT    NOT NULL CHECK (correct IN ('a', 'b', 'c')),
    created_at   INTEGER NOT NULL
);
CREATE INDEX document_questions_document ON document_questions (document_id);
