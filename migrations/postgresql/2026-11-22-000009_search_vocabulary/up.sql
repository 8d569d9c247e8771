-- Faster search (issue 8); see the SQLite migration of the same name.
-- Parts of words are looked up in the vocabulary (pg_trgm over distinct
-- words) instead of a trigram index over all text.
CREATE TABLE search_words (
    id BIGSERIAL PRIMARY KEY,
    word TEXT NOT NULL UNIQUE
);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);
CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    instance TEXT NOT NULL,
    seq BIGINT NOT NULL
);
INSERT INTO search_state (id, instance, seq) VALUES (1, md5(random()::text || clock_timestamp()::text), 1);
ALTER TABLE search_documents ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX search_documents_seq_idx ON search_documents (seq);
DROP INDEX search_documents_trgm_idx;
ALTER TABLE search_documents DROP COLUMN search_text;
