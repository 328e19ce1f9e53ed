-- Trust (issue #17). In step with postgres/0015.
--
-- 1. Sessions: when the person last proved who they are (password or passkey), so leaders are
--    asked again before granting roles, issuing codes or applying an import.
ALTER TABLE sessions ADD COLUMN verified_at INTEGER;
UPDATE sessions SET verified_at = created_at;

-- 2. Activation and reset codes: argon2id instead of a bare SHA-256 (codes issued before this
--    migration no longer work: the secretary issues a new one), and wrong tries counted per code.
ALTER TABLE activation_codes ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
UPDATE activation_codes SET used_at = created_at WHERE used_at IS NULL;

-- 3. A join request carries the password its sender chose; the account is created or changed
--    only when leadership approves that request, so a request can never change an existing
--    account. Several pending requests of one member stay side by side.
ALTER TABLE join_requests ADD COLUMN password_hash TEXT;
ALTER TABLE join_requests ADD COLUMN ip TEXT;
CREATE INDEX join_requests_phone ON join_requests (phone);

-- 4. A security notice to the member (a reset code was issued for their active account, someone
--    asked to join with their details). SQLite cannot alter a CHECK: the table is rebuilt as in
--    0010, with foreign-key checks deferred to commit.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE notifications_copy AS SELECT * FROM notifications;
DROP TABLE notifications;
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('van_ban_moi', 'tin_tuc_moi', 'hop_cong_bo', 'hop_thay_doi', 'hop_huy', 'nhac_hop',
                                                 'nhiem_vu_giao', 'nhiem_vu_sap_han', 'nhiem_vu_qua_han', 'nhac_doc', 'yeu_cau_gia_nhap',
                                                 'bao_mat')),
    org_id      INTEGER REFERENCES organizations (id),
    member_id   INTEGER REFERENCES members (id),
    ref_type    TEXT    NOT NULL CHECK (ref_type IN ('document', 'meeting', 'task', 'join_request', 'account')),
    ref_id      INTEGER NOT NULL,
    subject     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    pushed_at   INTEGER,
    CHECK ((org_id IS NULL) <> (member_id IS NULL))
);
INSERT INTO notifications (id, kind, org_id, member_id, ref_type, ref_id, subject, created_at, pushed_at)
    SELECT id, kind, org_id, member_id, ref_type, ref_id, subject, created_at, pushed_at FROM notifications_copy;
DROP TABLE notifications_copy;
CREATE INDEX notifications_org ON notifications (org_id, created_at);
CREATE INDEX notifications_member ON notifications (member_id, created_at);
CREATE INDEX notifications_push_pending ON notifications (id) WHERE pushed_at IS NULL;

-- 5. Who recorded a member's answer before the meeting, apart from who marked attendance (a
--    leader marking attendance must not make the member's own answer look like a proxy's).
ALTER TABLE meeting_attendance ADD COLUMN rsvp_recorded_by INTEGER;
UPDATE meeting_attendance SET rsvp_recorded_by = recorded_by WHERE rsvp IS NOT NULL;

-- 6. An account an admin disabled (who did it): codes, activation and join approvals refuse it
--    until an admin enables it again; a never-activated account is merely 'disabled'.
ALTER TABLE accounts ADD COLUMN blocked_by INTEGER;
