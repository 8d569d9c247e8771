-- Faster search (issue 8).
-- * Parts of words are looked up in the vocabulary (every distinct word of
--   the indexed texts, lower-cased, without stop words) instead of a
--   trigram index over all text: "schutz" becomes the words that contain
--   it (umweltschutz, klimaschutz, ...), searched by their stems.
-- * `seq` numbers every write of the index (search_state.seq), so a
--   server keeps the facet columns of all documents in memory and reads
--   only what changed since its last search.
CREATE TABLE search_words (
    id INTEGER PRIMARY KEY,
    word TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_words_trigram USING fts5(word, content='search_words', content_rowid='id', tokenize='trigram');
CREATE TRIGGER search_words_ins AFTER INSERT ON search_words BEGIN INSERT INTO search_words_trigram (rowid, word) VALUES (NEW.id, NEW.word); END;
CREATE TRIGGER search_words_del AFTER DELETE ON search_words BEGIN INSERT INTO search_words_trigram (search_words_trigram, rowid, word) VALUES ('delete', OLD.id, OLD.word); END;
CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- tells databases apart (one process may serve or test several)
    instance TEXT NOT NULL,
    seq BIGINT NOT NULL
);
INSERT INTO search_state (id, instance, seq) VALUES (1, lower(hex(randomblob(16))), 1);
ALTER TABLE search_documents ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX search_documents_seq_idx ON search_documents (seq);
DROP TABLE search_trigram;
ALTER TABLE search_documents DROP COLUMN search_text;
