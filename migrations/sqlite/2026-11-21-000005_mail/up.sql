-- E-mail: subscribers with double opt-in, events recorded with each
-- change, and the outbox the worker sends from.
CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    confirmed_at TIMESTAMP,
    confirm_token_hash TEXT,
    confirm_expires_at TIMESTAMP,
    pending_organizations TEXT,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE subscriber_organizations (
    id INTEGER PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    UNIQUE (subscriber_id, organization_id)
);
CREATE TABLE mail_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    details TEXT,
    created_at TIMESTAMP NOT NULL,
    processed_at TIMESTAMP
);
CREATE INDEX mail_events_open_idx ON mail_events (processed_at);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    meeting_id BIGINT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    ics TEXT,
    unsubscribe_url TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at);
CREATE TABLE form_throttle (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX form_throttle_idx ON form_throttle (kind, ip, at);
ALTER TABLE meetings ADD COLUMN reminded_at TIMESTAMP;
ALTER TABLE users ADD COLUMN mail_opt_out BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN mail_token TEXT;
