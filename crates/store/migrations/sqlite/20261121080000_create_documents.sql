-- Official documents (NĐ30): drafted from a report, issued (numbered and signed) once, never
-- changed afterwards; a correction is a new document naming the one it corrects. Binary
-- content (the issued PDF, signed copies) is kept as base64 text so that backup and restore
-- carry it like any other column.

-- Phụ lục II: the final report closing an initial report (one per report).
CREATE TABLE final_reports (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL UNIQUE REFERENCES reports (id),
    form_json   TEXT NOT NULL,
    filed_by    TEXT NOT NULL,
    filed_at    TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- The last number given per issuing body, type and year: bumped in the issuing transaction,
-- so numbers run without gaps or duplicates.
CREATE TABLE document_counters (
    issuing_body TEXT NOT NULL,
    type_code    TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last_number  INTEGER NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (issuing_body, type_code, year)
);

CREATE TABLE documents (
    id                   INTEGER PRIMARY KEY,
    -- initial_report | final_report
    kind                 TEXT NOT NULL,
    -- The issuing body's abbreviation (ĐUCSC) and the type code (BC): the symbol BC-ĐUCSC.
    issuing_body         TEXT NOT NULL,
    type_code            TEXT NOT NULL,
    title                TEXT NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('draft', 'issued')),
    report_id            INTEGER REFERENCES reports (id),
    corrects_document_id INTEGER REFERENCES documents (id),
    upper_coordination   BOOLEAN NOT NULL,
    recipients_json      TEXT NOT NULL,
    -- The frozen document model once issued (the draft's is rebuilt from its report).
    content_json         TEXT,
    year                 INTEGER,
    number               INTEGER,
    pdf_base64           TEXT,
    pdf_sha256           TEXT,
    issued_by_user_id    INTEGER REFERENCES users (id),
    signer_name          TEXT,
    signer_prefix        TEXT,
    issued_at            TEXT,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    CHECK (state = 'draft' OR (number IS NOT NULL AND pdf_sha256 IS NOT NULL)),
    UNIQUE (issuing_body, type_code, year, number)
);
CREATE INDEX documents_report ON documents (report_id, id);

-- A scanned or digitally signed copy attached back to an issued document.
CREATE TABLE document_signed_copies (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content_base64 TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX document_signed_copies_document ON document_signed_copies (document_id, id);
