-- Documents and news, their versions, and what members do with them (open, bookmark, study).
-- Kept in step with migrations/postgres/0004_documents.sql; only the search index differs by
-- dialect (FTS5 here, a GIN full-text index there) and is not a table of the schema.

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    -- Audience: the members of this organisation's subtree.
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('van_ban', 'tin_tuc')),
    doc_type      TEXT    CHECK (doc_type IN ('nghi_quyet', 'chi_thi', 'quy_dinh', 'ket_luan', 'ke_hoach', 'huong_dan', 'cong_van', 'thong_bao', 'bao_cao')),
    number        TEXT,
    issuing_body  TEXT,
    issued_on     TEXT,
    title         TEXT    NOT NULL,
    summary       TEXT,
    body          TEXT,
    tags          TEXT,
    -- Folded (lower case, no diacritics, words separated by single spaces) number, title,
    -- summary, body and tags: what search matches.
    search_text   TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('published', 'withdrawn')),
    version       INTEGER NOT NULL,
    published_by  INTEGER REFERENCES accounts (id),
    published_at  INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX documents_audience ON documents (org_id, status, published_at);
CREATE INDEX documents_published ON documents (status, published_at);

CREATE TABLE document_versions (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents (id),
    version       INTEGER NOT NULL,
    title         TEXT    NOT NULL,
    summary       TEXT,
    body          TEXT,
    edited_by     INTEGER REFERENCES accounts (id),
    edited_at     INTEGER NOT NULL,
    UNIQUE (document_id, version)
);

CREATE TABLE document_reads (
    document_id   INTEGER NOT NULL REFERENCES documents (id),
    member_id     INTEGER NOT NULL REFERENCES members (id),
    opened_at     INTEGER NOT NULL,
    studied_at    INTEGER,
    reflection    TEXT,
    PRIMARY KEY (document_id, member_id)
);
CREATE INDEX document_reads_member ON document_reads (member_id);

CREATE TABLE bookmarks (
    document_id   INTEGER NOT NULL REFERENCES documents (id),
    member_id     INTEGER NOT NULL REFERENCES members (id),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (document_id, member_id)
);
CREATE INDEX bookmarks_member ON bookmarks (member_id, created_at);

-- Full-text index over search_text (external content: no copy of the text).
CREATE VIRTUAL TABLE documents_fts USING fts5 (search_text, content = 'documents', content_rowid = 'id', tokenize = 'unicode61');
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF search_text ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO documents_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
