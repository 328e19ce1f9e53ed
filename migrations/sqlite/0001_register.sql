-- The register: the organisation tree and the members in it.
-- Kept in step with migrations/postgres/0001_register.sql (same tables, same columns).
-- Dates are ISO text (YYYY-MM-DD), which sorts in date order; timestamps are unix seconds.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES organizations (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('trung_uong', 'tinh', 'dang_uy', 'dang_bo_co_so', 'chi_bo_co_so', 'chi_bo')),
    name        TEXT    NOT NULL,
    code        TEXT    NOT NULL UNIQUE,
    -- Materialized path of ids, '/1/7/42/': subtree = one range scan on this unique index.
    path        TEXT    NOT NULL UNIQUE,
    depth       INTEGER NOT NULL,
    source      TEXT    NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'demo')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id),
    member_code   TEXT    NOT NULL UNIQUE,
    full_name     TEXT    NOT NULL,
    -- Lower-case, diacritic-free name for search ("nguyen van an").
    name_folded   TEXT    NOT NULL,
    birth_date    TEXT    NOT NULL,
    gender        TEXT    NOT NULL CHECK (gender IN ('nam', 'nu')),
    ethnicity     TEXT    NOT NULL,
    hometown      TEXT,
    cccd          TEXT    UNIQUE,
    -- National form, '0912345678'.
    phone         TEXT    UNIQUE,
    card_number   TEXT    UNIQUE,
    joined_date   TEXT    NOT NULL,
    official_date TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('du_bi', 'chinh_thuc')),
    exempt_since  TEXT,
    exempt_reason TEXT,
    position      TEXT    CHECK (position IN ('bi_thu', 'pho_bi_thu', 'chi_uy_vien')),
    address       TEXT,
    source        TEXT    NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'demo')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (official_date IS NULL OR official_date >= joined_date),
    CHECK ((status = 'chinh_thuc') = (official_date IS NOT NULL)),
    CHECK ((exempt_since IS NULL) = (exempt_reason IS NULL))
);
CREATE INDEX members_org ON members (org_id);
CREATE INDEX members_name_folded ON members (name_folded);
