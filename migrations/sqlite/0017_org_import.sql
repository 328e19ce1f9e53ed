-- The organisation tree is imported through the same jobs as the member register: a job says
-- which its file holds. In step with the other dialect's 0017.
ALTER TABLE import_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'members' CHECK (kind IN ('members', 'orgs'));
