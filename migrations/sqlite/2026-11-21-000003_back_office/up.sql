-- Back office: accounts, sessions, login throttling, audit log,
-- attendance, reference counters and optimistic-locking versions.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    body_id BIGINT REFERENCES bodies(id),
    person_id BIGINT REFERENCES persons(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    success BOOLEAN NOT NULL,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, attempted_at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, attempted_at);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    user_id BIGINT REFERENCES users(id),
    user_label TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    meeting_id BIGINT,
    paper_id BIGINT,
    summary TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_meeting_idx ON audit_log (meeting_id, at);
CREATE INDEX audit_log_paper_idx ON audit_log (paper_id, at);
CREATE TABLE attendances (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, person_id)
);
CREATE TABLE paper_counters (
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    scope TEXT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (body_id, scope)
);
ALTER TABLE bodies ADD COLUMN paper_reference_pattern TEXT;
ALTER TABLE meetings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE meetings ADD COLUMN invited_at TIMESTAMP;
ALTER TABLE papers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agenda_items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
