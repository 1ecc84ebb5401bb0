-- Mail intake: every message accepted over SMTP is kept here, whatever it became, so nothing a
-- sender wrote is dropped. A [TBSC] mail becomes a report (status 'report'); other mail waits
-- for a person on the standing desk ('pending'), who files it as a report or dismisses it
-- with a reason.
CREATE TABLE inbound_mail (
    id               INTEGER PRIMARY KEY,
    -- The Message-ID, or 'sha256:<hash of the raw bytes>' when the mail has none. Unique: a
    -- client that retries after a 451 or a lost 250 must not create a second report.
    message_key      TEXT NOT NULL UNIQUE,
    message_id       TEXT,
    from_address     TEXT,
    from_name        TEXT,
    subject          TEXT NOT NULL,
    -- The Date: header, when valid.
    sent_at          TEXT,
    received_at      TEXT NOT NULL,
    size_bytes       INTEGER NOT NULL CHECK (size_bytes >= 0),
    raw_sha256       TEXT NOT NULL,
    -- The message exactly as received, base64 (the backup format has no binary column).
    raw_base64       TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    tbsc             BOOLEAN NOT NULL,
    -- What the form labels filled (the intake body of API.md), for prefilling the form.
    extracted_json   TEXT NOT NULL,
    -- Files stored in the file store: [{file_name, content_type, size_bytes, sha256, storage_key}].
    attachments_json TEXT NOT NULL,
    truncated        BOOLEAN NOT NULL,
    malformed        BOOLEAN NOT NULL,
    -- Field-named problems of a [TBSC] form, API.md field names: [{field, vi, en}].
    problems_json    TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('report', 'pending', 'dismissed')),
    -- The organisation whose registered contact sent it, when exactly one matched.
    sender_org_id    INTEGER REFERENCES orgs (id),
    report_id        INTEGER REFERENCES reports (id),
    reviewed_by      TEXT,
    reviewed_at      TEXT,
    review_note      TEXT
);
CREATE INDEX inbound_mail_status ON inbound_mail (status, received_at);
CREATE INDEX inbound_mail_report ON inbound_mail (report_id) WHERE report_id IS NOT NULL;

-- Outbox delivery by several instances: a row is leased while one instance sends it, and a
-- row that failed too often is given up on and left visible with its last error.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
ALTER TABLE outbox ADD COLUMN gave_up_at TEXT;
