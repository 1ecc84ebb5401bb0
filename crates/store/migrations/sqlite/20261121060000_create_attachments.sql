-- Files attached to a report (logs, malware samples, documents). The bytes live in the file
-- store under storage_key; this row is what makes them part of the report, with the SHA-256
-- and size measured while they were stored.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    -- log | malware | document | other
    kind         TEXT NOT NULL CHECK (kind IN ('log', 'malware', 'document', 'other')),
    -- Who uploaded it, as the audit trail names them (an email, token:<id>).
    uploaded_by  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX attachments_report ON attachments (report_id, id);
CREATE INDEX attachments_sha256 ON attachments (sha256);
