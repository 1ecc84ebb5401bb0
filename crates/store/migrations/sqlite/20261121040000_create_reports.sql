-- Incident reports (Phụ lục I). The form is kept whole as filed (form_json); the columns
-- beside it are what lists, search and deadlines need.
CREATE TABLE reports (
    id                INTEGER PRIMARY KEY,
    tracking_code     TEXT NOT NULL UNIQUE,
    -- The filing organisation; NULL for a public report (no account).
    org_id            INTEGER REFERENCES orgs (id),
    -- web | api | email | public
    channel           TEXT NOT NULL,
    verified          BOOLEAN NOT NULL,
    confidential      BOOLEAN NOT NULL,
    reporter_org_name TEXT NOT NULL,
    system_name       TEXT NOT NULL,
    description       TEXT NOT NULL,
    security_level    INTEGER,
    handled           BOOLEAN NOT NULL,
    detected_at       TEXT NOT NULL,
    reported_at       TEXT NOT NULL,
    received_at       TEXT NOT NULL,
    form_json         TEXT NOT NULL
);
CREATE INDEX reports_org_received ON reports (org_id, received_at);
CREATE INDEX reports_received ON reports (received_at);
