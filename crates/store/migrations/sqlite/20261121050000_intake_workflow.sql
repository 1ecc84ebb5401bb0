-- The desk's work on a report: verification of the sender, report → incident (merge, split,
-- not an incident), the serious flag, immediate notices in the app, and search.

CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    -- The organisation of the report that opened it.
    org_id       INTEGER REFERENCES orgs (id),
    -- Confidential while any of its reports is.
    confidential BOOLEAN NOT NULL,
    serious      BOOLEAN NOT NULL,
    -- open; later phases extend this.
    state        TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    opened_by    TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX incidents_opened ON incidents (opened_at);

-- received → accepted (joined an incident) | not_incident (with a reason).
ALTER TABLE reports ADD COLUMN status TEXT NOT NULL DEFAULT 'received';
ALTER TABLE reports ADD COLUMN status_reason TEXT;
ALTER TABLE reports ADD COLUMN incident_id INTEGER REFERENCES incidents (id);
ALTER TABLE reports ADD COLUMN serious BOOLEAN NOT NULL DEFAULT 0;
-- Tracking code, organisation, system, description, folded (no diacritics, đ → d).
ALTER TABLE reports ADD COLUMN search TEXT NOT NULL DEFAULT '';
CREATE INDEX reports_incident ON reports (incident_id);
CREATE INDEX reports_status_received ON reports (status, received_at);

CREATE VIRTUAL TABLE reports_fts USING fts5 (search, content = 'reports', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN
    INSERT INTO reports_fts (rowid, search) VALUES (new.id, new.search);
END;
CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search) VALUES ('delete', old.id, old.search);
END;
CREATE TRIGGER reports_fts_update AFTER UPDATE OF search ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search) VALUES ('delete', old.id, old.search);
    INSERT INTO reports_fts (rowid, search) VALUES (new.id, new.search);
END;

-- How, and by whom, the sender of a report was verified (000 II.2, 002 Đ5.4).
CREATE TABLE report_verifications (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    -- registered_contact | callback | signed_document | other
    method      TEXT NOT NULL,
    note        TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    verifier    TEXT NOT NULL,
    verified_at TEXT NOT NULL
);
CREATE INDEX report_verifications_report ON report_verifications (report_id);

-- In-app notices (002 Đ9.5: the desk tells the lead at once). The text is rendered from
-- `kind` and `params` in the reader's language.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    report_id  INTEGER REFERENCES reports (id),
    params     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
