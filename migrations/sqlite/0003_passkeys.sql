-- Passkeys (WebAuthn), an optional second way to sign in, and the short-lived challenges of
-- registration and sign-in. Kept in step with migrations/postgres/0003_passkeys.sql.

CREATE TABLE passkeys (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    -- base64url credential id, as the browser reports it.
    credential_id  TEXT    NOT NULL UNIQUE,
    -- The credential as webauthn-rs serialises it (public key, counter, flags).
    passkey        TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER
);
CREATE INDEX passkeys_account ON passkeys (account_id);

CREATE TABLE webauthn_challenges (
    -- Random token handed to the browser with the challenge.
    id          TEXT    PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('register', 'authenticate')),
    state       TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);
