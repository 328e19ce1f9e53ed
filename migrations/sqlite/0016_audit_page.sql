-- The audit page (/quan-tri/nhat-ky) lists an admin's subtree newest first: entries by
-- organisation and time, and (org_id IS NULL, at) for entries about a person that name none.
CREATE INDEX audit_log_org ON audit_log (org_id, at);
