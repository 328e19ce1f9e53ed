-- Trust (issue #17). In step with sqlite/0015.
--
-- 1. Sessions: when the person last proved who they are (password or passkey), so leaders are
--    asked again before granting roles, issuing codes or applying an import.
ALTER TABLE sessions ADD COLUMN verified_at BIGINT;
UPDATE sessions SET verified_at = created_at;

-- 2. Activation and reset codes: argon2id instead of a bare SHA-256 (codes issued before this
--    migration no longer work: the secretary issues a new one), and wrong tries counted per code.
ALTER TABLE activation_codes ADD COLUMN failed_attempts BIGINT NOT NULL DEFAULT 0;
UPDATE activation_codes SET used_at = created_at WHERE used_at IS NULL;

-- 3. A join request carries the password its sender chose; the account is created or changed
--    only when leadership approves that request, so a request can never change an existing
--    account. Several pending requests of one member stay side by side.
ALTER TABLE join_requests ADD COLUMN password_hash TEXT;
ALTER TABLE join_requests ADD COLUMN ip TEXT;
CREATE INDEX join_requests_phone ON join_requests (phone);

-- 4. A security notice to the member (a reset code was issued for their active account, someone
--    asked to join with their details).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('van_ban_moi', 'tin_tuc_moi', 'hop_cong_bo', 'hop_thay_doi', 'hop_huy', 'nhac_hop',
                    'nhiem_vu_giao', 'nhiem_vu_sap_han', 'nhiem_vu_qua_han', 'nhac_doc', 'yeu_cau_gia_nhap',
                    'bao_mat'));
ALTER TABLE notifications DROP CONSTRAINT notifications_ref_type_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_ref_type_check
    CHECK (ref_type IN ('document', 'meeting', 'task', 'join_request', 'account'));

-- 5. Who recorded a member's answer before the meeting, apart from who marked attendance (a
--    leader marking attendance must not make the member's own answer look like a proxy's).
ALTER TABLE meeting_attendance ADD COLUMN rsvp_recorded_by BIGINT;
UPDATE meeting_attendance SET rsvp_recorded_by = recorded_by WHERE rsvp IS NOT NULL;

-- 6. An account an admin disabled (who did it): codes, activation and join approvals refuse it
--    until an admin enables it again; a never-activated account is merely 'disabled'.
ALTER TABLE accounts ADD COLUMN blocked_by BIGINT;
