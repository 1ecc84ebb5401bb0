-- Registry: who leads and who is the focal point of each organisation (with history), and
-- the information systems, with every field of the system section of the initial report
-- form (seed 002, Phụ lục I).

CREATE TABLE org_contacts (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs (id),
    -- 'leader' (lãnh đạo phụ trách) or 'focal' (cán bộ đầu mối)
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    title      TEXT,
    phone      TEXT,
    email      TEXT,
    -- From when this person holds the role, and (once replaced) until when.
    since      TEXT NOT NULL,
    until      TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX org_contacts_org ON org_contacts (org_id, kind, since);

CREATE TABLE systems (
    id                    INTEGER PRIMARY KEY,
    -- Cơ quan chủ quản: a registered organisation; decides who may see and edit the system.
    owner_org_id          INTEGER NOT NULL REFERENCES orgs (id),
    -- Đơn vị vận hành, as named on the form.
    operator_name         TEXT NOT NULL,
    name                  TEXT NOT NULL,
    -- Lists, one item per line.
    domains               TEXT NOT NULL,
    public_ip_ranges      TEXT NOT NULL,
    ips                   TEXT NOT NULL,
    security_level        INTEGER,
    level_state           TEXT,
    level_doc_number      TEXT,
    level_doc_date        TEXT,
    critical              BOOLEAN NOT NULL,
    security_provider     TEXT,
    connectivity_provider TEXT,
    os                    TEXT,
    os_version            TEXT,
    services              TEXT NOT NULL,
    measures              TEXT NOT NULL,
    purpose               TEXT,
    -- 'in_service' or 'retired'
    status                TEXT NOT NULL,
    -- Folded (lower case, no diacritics, đ→d) name, owner, operator, domains and addresses.
    search                TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX systems_owner ON systems (owner_org_id);
CREATE INDEX systems_name ON systems (name, id);

-- Substring search over the folded text: trigrams find "ma doc" inside any word.
CREATE VIRTUAL TABLE systems_fts USING fts5 (search, content = 'systems', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER systems_fts_insert AFTER INSERT ON systems BEGIN
    INSERT INTO systems_fts (rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER systems_fts_delete AFTER DELETE ON systems BEGIN
    INSERT INTO systems_fts (systems_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER systems_fts_update AFTER UPDATE OF search ON systems BEGIN
    INSERT INTO systems_fts (systems_fts, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO systems_fts (rowid, search) VALUES (new.id, new.search);
END;
