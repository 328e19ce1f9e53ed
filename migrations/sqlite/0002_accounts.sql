-- Accounts, sessions, join requests, activation codes, role grants, sign-in throttling, audit log
-- and contact-change requests. Kept in step with migrations/postgres/0002_accounts.sql.

CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    member_id            INTEGER NOT NULL UNIQUE REFERENCES members (id),
    -- argon2id PHC string; NULL until the member sets a password (activation code).
    password_hash        TEXT,
    status               TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'disabled')),
    text_size            TEXT    NOT NULL DEFAULT 'normal' CHECK (text_size IN ('normal', 'large', 'xlarge')),
    simple_mode          INTEGER NOT NULL DEFAULT 0 CHECK (simple_mode IN (0, 1)),
    simple_mode_offered  INTEGER NOT NULL DEFAULT 0 CHECK (simple_mode_offered IN (0, 1)),
    last_sign_in_at      INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX accounts_status ON accounts (status);

CREATE TABLE sessions (
    -- SHA-256 of the cookie token, hex; the token itself is never stored.
    token_hash    TEXT    PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    user_agent    TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE join_requests (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members (id),
    -- The phone the member gave, normalised; becomes the register phone on approval.
    phone        TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reason       TEXT,
    decided_by   INTEGER REFERENCES accounts (id),
    decided_at   INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX join_requests_member ON join_requests (member_id);
CREATE INDEX join_requests_status ON join_requests (status);

CREATE TABLE activation_codes (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    code_hash    TEXT    NOT NULL,
    purpose      TEXT    NOT NULL CHECK (purpose IN ('activate', 'reset')),
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER,
    created_by   INTEGER REFERENCES accounts (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX activation_codes_account ON activation_codes (account_id);

CREATE TABLE role_grants (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'assistant', 'editor')),
    granted_by   INTEGER REFERENCES accounts (id),
    created_at   INTEGER NOT NULL,
    UNIQUE (account_id, org_id, role)
);
CREATE INDEX role_grants_org ON role_grants (org_id);

CREATE TABLE sign_in_throttle (
    -- 'id:<identifier>' or 'ip:<address>', so unknown phone numbers are throttled exactly
    -- like known ones and nothing reveals which exist.
    key           TEXT    PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  INTEGER NOT NULL,
    locked_until  INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id                 INTEGER PRIMARY KEY,
    at                 INTEGER NOT NULL,
    actor_account_id   INTEGER,
    on_behalf_of       INTEGER,
    action             TEXT    NOT NULL,
    target_type        TEXT,
    target_id          INTEGER,
    org_id             INTEGER,
    detail             TEXT,
    ip                 TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_account_id);

CREATE TABLE contact_changes (
    id           INTEGER PRIMARY KEY,
    member_id    INTEGER NOT NULL REFERENCES members (id),
    phone        TEXT,
    address      TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   INTEGER REFERENCES accounts (id),
    decided_at   INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX contact_changes_member ON contact_changes (member_id);
