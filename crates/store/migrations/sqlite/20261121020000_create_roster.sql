-- The response team (Đội ứng cứu sự cố): its roster, re-issued (kiện toàn) by dated decisions,
-- and the lead's delegations (ủy quyền). Nothing is deleted: a new roster supersedes the one
-- before it, and a delegation is withdrawn (revoked_at), never removed.
-- Dates are 'YYYY-MM-DD' text (they compare correctly as text); times are UTC text.

CREATE TABLE rosters (
    id              INTEGER PRIMARY KEY,
    decision_number TEXT NOT NULL,
    decision_date   TEXT NOT NULL,
    signer_name     TEXT NOT NULL,
    signer_title    TEXT NOT NULL,
    -- The roster in force at a date is the one with the latest effective_from on or before
    -- it; on a tie the one recorded last.
    effective_from  TEXT NOT NULL,
    note            TEXT,
    created_at      TEXT NOT NULL,
    created_by      INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX rosters_decision ON rosters (decision_number, decision_date);
CREATE INDEX rosters_effective ON rosters (effective_from, id);

CREATE TABLE roster_members (
    id        INTEGER PRIMARY KEY,
    roster_id INTEGER NOT NULL REFERENCES rosters (id),
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL
              CHECK (role IN ('doi_truong', 'doi_pho', 'thuong_truc', 'thu_ky', 'thanh_vien')),
    agency    TEXT NOT NULL,
    org_id    INTEGER REFERENCES orgs (id),
    title     TEXT,
    phone     TEXT,
    email     TEXT,
    -- Set when the member is a user of the system.
    user_id   INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX roster_members_position ON roster_members (roster_id, position);
-- Exactly one lead per roster (the app also refuses none).
CREATE UNIQUE INDEX roster_members_one_lead ON roster_members (roster_id) WHERE role = 'doi_truong';
CREATE UNIQUE INDEX roster_members_user ON roster_members (roster_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX roster_members_user_id ON roster_members (user_id);

CREATE TABLE delegations (
    id               INTEGER PRIMARY KEY,
    lead_user_id     INTEGER NOT NULL REFERENCES users (id),
    delegate_user_id INTEGER NOT NULL REFERENCES users (id),
    -- The period is half-open: [starts_at, ends_at).
    starts_at        TEXT NOT NULL,
    ends_at          TEXT NOT NULL,
    scope            TEXT NOT NULL CHECK (scope IN ('all', 'coordination_only')),
    reason           TEXT NOT NULL,
    revoked_at       TEXT,
    revoked_reason   TEXT,
    created_at       TEXT NOT NULL,
    created_by       INTEGER REFERENCES users (id)
);
CREATE INDEX delegations_lead ON delegations (lead_user_id);
