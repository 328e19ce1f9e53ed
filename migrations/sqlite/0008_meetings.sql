-- Meetings (sinh hoạt chi bộ): schedules, agenda, materials, attendance, opinions, votes,
-- minutes, ratings, and the tasks that come out of them. In step with postgres/0008.
-- "recorded_by" marks what a leader recorded on behalf of a member without a phone.

-- When each cell's periodic meeting falls (a cell without a row uses the default rule).
CREATE TABLE meeting_schedules (
    org_id      INTEGER PRIMARY KEY REFERENCES organizations (id),
    rule        TEXT    NOT NULL,
    start_time  TEXT    NOT NULL,
    place       TEXT,
    updated_by  INTEGER REFERENCES members (id),
    updated_at  INTEGER NOT NULL
);

CREATE TABLE meetings (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('thuong_ky', 'chuyen_de', 'cap_uy', 'bat_thuong')),
    -- 'YYYY-MM' for the periodic meeting of that month: one per cell and month.
    period        TEXT,
    title         TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('du_thao', 'da_cong_bo', 'dang_hop', 'da_hop')),
    meeting_date  TEXT    NOT NULL,
    start_time    TEXT    NOT NULL,
    format        TEXT    NOT NULL CHECK (format IN ('tai_cho', 'truc_tuyen', 'ket_hop')),
    place         TEXT,
    link          TEXT,
    minutes       TEXT,
    resolution    TEXT,
    rating        TEXT    CHECK (rating IN ('tot', 'kha', 'trung_binh', 'kem')),
    created_by    INTEGER REFERENCES members (id),
    published_at  INTEGER,
    started_at    INTEGER,
    held_at       INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK ((kind = 'thuong_ky') = (period IS NOT NULL))
);
CREATE UNIQUE INDEX meetings_period ON meetings (org_id, period);
CREATE INDEX meetings_org_date ON meetings (org_id, meeting_date);
CREATE INDEX meetings_period_status ON meetings (period, status);

CREATE TABLE meeting_agenda (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    position    INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    note        TEXT
);
CREATE INDEX meeting_agenda_meeting ON meeting_agenda (meeting_id, position);

CREATE TABLE meeting_documents (
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, document_id)
);

-- One row per member who answered before the meeting or whose attendance was taken.
CREATE TABLE meeting_attendance (
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    rsvp         TEXT    CHECK (rsvp IN ('se_den', 'xin_vang')),
    rsvp_reason  TEXT,
    state        TEXT    CHECK (state IN ('co_mat', 'vang_co_ly_do', 'vang_khong_ly_do', 'mien')),
    recorded_by  INTEGER REFERENCES members (id),
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_attendance_member ON meeting_attendance (member_id);

CREATE TABLE meeting_comments (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    body         TEXT    NOT NULL,
    recorded_by  INTEGER REFERENCES members (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX meeting_comments_meeting ON meeting_comments (meeting_id, created_at);

CREATE TABLE meeting_motions (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    question    TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('mo', 'dong')),
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE INDEX meeting_motions_meeting ON meeting_motions (meeting_id);

CREATE TABLE meeting_ballots (
    motion_id    INTEGER NOT NULL REFERENCES meeting_motions (id),
    member_id    INTEGER NOT NULL REFERENCES members (id),
    choice       TEXT    NOT NULL CHECK (choice IN ('dong_y', 'khong_dong_y', 'y_kien_khac')),
    other_text   TEXT,
    recorded_by  INTEGER REFERENCES members (id),
    cast_at      INTEGER NOT NULL,
    PRIMARY KEY (motion_id, member_id)
);

CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    meeting_id    INTEGER REFERENCES meetings (id),
    assignee_id   INTEGER NOT NULL REFERENCES members (id),
    title         TEXT    NOT NULL,
    due_date      TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('dang_lam', 'hoan_thanh')),
    progress      INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    assigned_by   INTEGER REFERENCES members (id),
    created_at    INTEGER NOT NULL,
    completed_at  INTEGER,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, due_date);
CREATE INDEX tasks_org ON tasks (org_id, status, due_date);

CREATE TABLE task_reports (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks (id),
    member_id   INTEGER NOT NULL REFERENCES members (id),
    progress    INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100),
    note        TEXT,
    recorded_by INTEGER REFERENCES members (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX task_reports_task ON task_reports (task_id, created_at);
