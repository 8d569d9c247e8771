-- Private calendar feeds: a secret URL per user (only its hash is kept).
CREATE TABLE calendar_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX calendar_tokens_user_idx ON calendar_tokens (user_id);
