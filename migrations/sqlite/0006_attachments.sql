-- Files attached to documents (a PDF) and news (an image). The bytes live on disk under
-- UPLOAD_DIR at storage_key, a path that maps one-to-one onto an object-store key.
-- In step with migrations/postgres/0006_attachments.sql.
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES documents (id),
    storage_key    TEXT    NOT NULL UNIQUE,
    content_type   TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg', 'image/webp')),
    size           INTEGER NOT NULL,
    original_name  TEXT    NOT NULL,
    uploaded_by    INTEGER REFERENCES accounts (id),
    created_at     INTEGER NOT NULL
);
CREATE INDEX attachments_document ON attachments (document_id, created_at);
