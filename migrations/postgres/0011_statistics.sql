-- Usage statistics. In step with sqlite/0011.
-- When the member last used the app (sign-in, or a request on a session; written at most hourly),
-- for "active in the last 30 days".
ALTER TABLE accounts ADD COLUMN last_active_at BIGINT;
UPDATE accounts SET last_active_at = GREATEST(
    COALESCE(last_sign_in_at, 0),
    COALESCE((SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.account_id = accounts.id), 0)
) WHERE last_sign_in_at IS NOT NULL OR EXISTS (SELECT 1 FROM sessions s WHERE s.account_id = accounts.id);

-- Each organisation's figures (its whole subtree) once a month, for the rate over time. The
-- current month's row is refreshed through the month; earlier months stay as they were.
CREATE TABLE usage_monthly (
    org_id      BIGINT  NOT NULL REFERENCES organizations (id),
    month       TEXT    NOT NULL,
    members     BIGINT  NOT NULL,
    exempt      BIGINT  NOT NULL,
    accounts    BIGINT  NOT NULL,
    signed_in   BIGINT  NOT NULL,
    active_30d  BIGINT  NOT NULL,
    taken_at    BIGINT  NOT NULL,
    PRIMARY KEY (org_id, month)
);
