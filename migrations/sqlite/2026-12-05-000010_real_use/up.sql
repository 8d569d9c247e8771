-- Defects found in real use (issue 15).
--
-- 1. PDF text is extracted by a background job in a sandboxed child
--    process: a file waits as text_status 'pending' with a row in text_jobs;
--    text_error keeps the German reason when no text could be read.
ALTER TABLE files ADD COLUMN text_error TEXT;
CREATE TABLE text_jobs (
    file_id BIGINT PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX text_jobs_due_idx ON text_jobs (locked_until, created_at);

-- 2. Unsubscribe links carry a token per mail; only its SHA-256 is stored.
--    Used tokens stay (without their target) so a second click answers
--    "bereits abbestellt". Existing clear tokens are hashed here (the app
--    registers gremium_sha256 on the migrating connection).
CREATE TABLE unsubscribe_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    subscriber_id BIGINT REFERENCES subscribers(id) ON DELETE SET NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    saved_search_id BIGINT REFERENCES saved_searches(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX unsubscribe_tokens_subscriber_idx ON unsubscribe_tokens (subscriber_id);
CREATE INDEX unsubscribe_tokens_user_idx ON unsubscribe_tokens (user_id);
CREATE INDEX unsubscribe_tokens_search_idx ON unsubscribe_tokens (saved_search_id);
INSERT INTO unsubscribe_tokens (token_hash, kind, subscriber_id, created_at)
    SELECT gremium_sha256(unsubscribe_token), 'abonnement', id, created_at FROM subscribers;
INSERT INTO unsubscribe_tokens (token_hash, kind, user_id, created_at)
    SELECT gremium_sha256(mail_token), 'mitglied', id, created_at FROM users WHERE mail_token IS NOT NULL;
INSERT INTO unsubscribe_tokens (token_hash, kind, saved_search_id, created_at)
    SELECT gremium_sha256(unsubscribe_token), 'suche', id, created_at FROM saved_searches;
-- the clear tokens go (SQLite cannot drop UNIQUE columns: rebuild)
CREATE TABLE subscribers_new (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    confirmed_at TIMESTAMP,
    confirm_token_hash TEXT,
    confirm_expires_at TIMESTAMP,
    pending_organizations TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO subscribers_new (id, email, confirmed_at, confirm_token_hash, confirm_expires_at, pending_organizations, created_at, updated_at)
    SELECT id, email, confirmed_at, confirm_token_hash, confirm_expires_at, pending_organizations, created_at, updated_at FROM subscribers;
DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;
CREATE TABLE saved_searches_new (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    query TEXT NOT NULL,
    label TEXT NOT NULL,
    confirm_token_hash TEXT,
    confirm_expires_at TIMESTAMP,
    confirmed_at TIMESTAMP,
    last_digest_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (email, query)
);
INSERT INTO saved_searches_new (id, email, query, label, confirm_token_hash, confirm_expires_at, confirmed_at, last_digest_at, created_at)
    SELECT id, email, query, label, confirm_token_hash, confirm_expires_at, confirmed_at, last_digest_at, created_at FROM saved_searches;
DROP TABLE saved_searches;
ALTER TABLE saved_searches_new RENAME TO saved_searches;
CREATE INDEX saved_searches_confirm_idx ON saved_searches (confirm_token_hash);
ALTER TABLE users DROP COLUMN mail_token;
-- sent mails keep no working unsubscribe link either (see outbox redaction)

-- 3. Sign-in throttling per account and client: a browser that signed in to
--    an account before gets a device cookie (hash stored here) and is not
--    locked out by failures of strangers.
CREATE TABLE login_devices (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX login_devices_user_token_idx ON login_devices (user_id, token_hash);
ALTER TABLE login_attempts ADD COLUMN device_hash TEXT;
CREATE INDEX login_attempts_device_idx ON login_attempts (device_hash, attempted_at);
