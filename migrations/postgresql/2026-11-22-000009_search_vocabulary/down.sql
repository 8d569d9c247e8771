ALTER TABLE search_documents ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE INDEX search_documents_trgm_idx ON search_documents USING gin (search_text gin_trgm_ops);
DROP INDEX search_documents_seq_idx;
ALTER TABLE search_documents DROP COLUMN seq;
DROP TABLE search_state;
DROP TABLE search_words;
