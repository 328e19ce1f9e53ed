-- Register import: one row per uploaded file, taken through reading, column mapping, a dry
-- run and one transaction that applies it. In step with postgres/0013.
CREATE TABLE import_jobs (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    -- The organisation whose subtree the file may touch (inside the admin's scope).
    root_org_id    INTEGER NOT NULL REFERENCES organizations (id),
    file_name      TEXT    NOT NULL,
    file_size      INTEGER NOT NULL,
    stage          TEXT    NOT NULL CHECK (stage IN ('reading', 'mapping', 'checking', 'checked', 'applying', 'applied', 'failed', 'discarded')),
    -- How the file was read ('utf8', 'utf8_bom', 'windows_1258', 'utf16', 'xlsx').
    encoding       TEXT,
    error_key      TEXT,
    error_line     INTEGER,
    -- JSON: the header row, the first rows for the mapping step, the chosen mapping.
    headers        TEXT,
    preview        TEXT,
    row_count      INTEGER,
    mapping        TEXT,
    -- JSON of the dry run, and the fingerprint of what it would write (apply refuses when the
    -- register changed in between).
    summary        TEXT,
    plan_hash      TEXT,
    -- JSON of what applying wrote.
    result         TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    applied_at     INTEGER
);
CREATE INDEX import_jobs_account ON import_jobs (account_id, created_at);
CREATE INDEX import_jobs_root_applied ON import_jobs (root_org_id, applied_at);

-- The uploaded bytes, apart from the job so polling never reads them; deleted once applied
-- or discarded.
CREATE TABLE import_files (
    job_id   INTEGER PRIMARY KEY REFERENCES import_jobs (id),
    content  BLOB    NOT NULL
);

-- What the register file said about each organisation when it was applied: the reconciliation
-- report compares these with the app.
CREATE TABLE import_org_counts (
    job_id    INTEGER NOT NULL REFERENCES import_jobs (id),
    org_id    INTEGER NOT NULL REFERENCES organizations (id),
    members   INTEGER NOT NULL,
    exempt    INTEGER NOT NULL,
    PRIMARY KEY (job_id, org_id)
);
