ALTER TABLE search_documents ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE VIRTUAL TABLE search_trigram USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
DROP INDEX search_documents_seq_idx;
ALTER TABLE search_documents DROP COLUMN seq;
DROP TABLE search_state;
DROP TRIGGER search_words_del;
DROP TRIGGER search_words_ins;
DROP TABLE search_words_trigram;
DROP TABLE search_words;
