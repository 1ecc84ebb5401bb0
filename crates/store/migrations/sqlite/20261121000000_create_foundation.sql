-- Foundation: roles, organisations (with hierarchy), users, sign-in, API tokens, audit, outbox.
-- Times are stored as UTC text (RFC 3339), the form sqlx uses for chrono on SQLite.

CREATE TABLE roles (
    code    TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);

INSERT INTO roles (code, name_vi, name_en) VALUES
    ('admin', 'Quản trị hệ thống', 'Administrator'),
    ('thuong_truc', 'Thường trực', 'Standing desk'),
    ('doi_truong', 'Đội trưởng', 'Team lead'),
    ('doi_pho', 'Đội phó', 'Deputy lead'),
    ('thanh_vien', 'Thành viên', 'Team member'),
    ('dau_moi', 'Cán bộ đầu mối', 'Focal point'),
    ('lanh_dao', 'Lãnh đạo', 'Leadership');

CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES orgs (id),
    -- Materialised path '/1/7/12/': a subtree is a prefix match.
    path        TEXT NOT NULL,
    name        TEXT NOT NULL,
    -- Lower-cased, diacritics removed, đ folded to d: what search matches against.
    name_fold   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    address     TEXT,
    phone       TEXT,
    email       TEXT,
    website     TEXT,
    archived_at TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX orgs_name_active ON orgs (name) WHERE archived_at IS NULL;
CREATE INDEX orgs_path ON orgs (path);
CREATE INDEX orgs_parent ON orgs (parent_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES orgs (id),
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    role                TEXT NOT NULL REFERENCES roles (code),
    password_hash       TEXT NOT NULL,
    totp_secret         TEXT,
    totp_pending_secret TEXT,
    -- Last TOTP time step accepted: a code is never accepted twice.
    totp_last_step      INTEGER,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT,
    disabled_at         TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token; the token itself is never stored.
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    -- Password accepted, second factor still owed.
    mfa_pending  BOOLEAN NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    name         TEXT NOT NULL,
    -- The first characters, shown in lists so a person can tell tokens apart.
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_org ON api_tokens (org_id);

CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_user_id INTEGER,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    -- JSON text, kept byte for byte as it was hashed.
    before_json   TEXT,
    after_json    TEXT,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- The chain's head: the last row's number and hash. Appending locks it, so rows are
-- numbered without gaps, and it shows when rows were cut off the end.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq  INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Side effects (mail, webhooks) written in the same transaction as the change and
-- delivered after commit.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at    TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
