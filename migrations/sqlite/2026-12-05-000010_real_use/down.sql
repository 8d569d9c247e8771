DROP INDEX login_attempts_device_idx;
ALTER TABLE login_attempts DROP COLUMN device_hash;
DROP TABLE login_devices;
-- clear tokens cannot be recovered from their hashes: fresh ones
ALTER TABLE users ADD COLUMN mail_token TEXT;
CREATE TABLE saved_searches_old (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    query TEXT NOT NULL,
    label TEXT NOT NULL,
    confirm_token_hash TEXT,
    confirm_expires_at TIMESTAMP,
    confirmed_at TIMESTAMP,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    last_digest_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (email, query)
);
INSERT INTO saved_searches_old (id, email, query, label, confirm_token_hash, confirm_expires_at, confirmed_at, unsubscribe_token, last_digest_at, created_at)
    SELECT id, email, query, label, confirm_token_hash, confirm_expires_at, confirmed_at, lower(hex(randomblob(32))), last_digest_at, created_at FROM saved_searches;
DROP TABLE saved_searches;
ALTER TABLE saved_searches_old RENAME TO saved_searches;
CREATE INDEX saved_searches_confirm_idx ON saved_searches (confirm_token_hash);
CREATE TABLE subscribers_old (
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
INSERT INTO subscribers_old (id, email, confirmed_at, confirm_token_hash, confirm_expires_at, pending_organizations, unsubscribe_token, created_at, updated_at)
    SELECT id, email, confirmed_at, confirm_token_hash, confirm_expires_at, pending_organizations, lower(hex(randomblob(32))), created_at, updated_at FROM subscribers;
DROP TABLE subscribers;
ALTER TABLE subscribers_old RENAME TO subscribers;
DROP TABLE unsubscribe_tokens;
DROP TABLE text_jobs;
ALTER TABLE files DROP COLUMN text_error;
