-- Full-text search (issue 8). One row per searchable document (paper,
-- agenda item, meeting, file, concept, programme), written by the Rust
-- indexer (src/search/index.rs) in the same transaction as the change:
-- triggers note what changed in `search_dirty`, and `db::write_transaction`
-- re-indexes those rows before it commits.
CREATE TABLE search_documents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    body_id BIGINT NOT NULL,
    public BOOLEAN NOT NULL,
    paper_type TEXT,
    outcome TEXT,
    organization_ids TEXT NOT NULL,
    date DATE NOT NULL,
    year INTEGER NOT NULL,
    published_at TIMESTAMP,
    indexed_at TIMESTAMP NOT NULL,
    reference TEXT,
    reference_key TEXT,
    title TEXT NOT NULL,
    context TEXT NOT NULL,
    url TEXT NOT NULL,
    -- long texts last: the columns a search reads for every match come
    -- before them, so SQLite never walks overflow pages to reach them
    body_text TEXT NOT NULL,
    -- PostgreSQL's trigram index reads this column; SQLite leaves it empty
    -- and indexes the same folded text in search_trigram instead.
    search_text TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_documents_reference_idx ON search_documents (reference_key);
CREATE INDEX search_documents_published_idx ON search_documents (public, published_at);
CREATE TABLE search_document_organizations (
    document_id BIGINT NOT NULL REFERENCES search_documents(id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL,
    PRIMARY KEY (document_id, organization_id)
);
CREATE INDEX search_document_organizations_org_idx ON search_document_organizations (organization_id);
CREATE TABLE search_dirty (
    kind TEXT NOT NULL,
    ref_id BIGINT NOT NULL,
    PRIMARY KEY (kind, ref_id)
);
-- Stemmed words (German Snowball, computed in Rust): title and body, so
-- that bm25 can weigh title hits higher. Contentless: the text is in
-- search_documents.
CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
-- Substrings (parts of compounds: "schutz" finds "Umweltschutz").
CREATE VIRTUAL TABLE search_trigram USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
CREATE TRIGGER search_mark_papers_ins AFTER INSERT ON papers BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', NEW.id); END;
CREATE TRIGGER search_mark_papers_upd AFTER UPDATE ON papers BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', NEW.id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', OLD.id); END;
CREATE TRIGGER search_mark_papers_del AFTER DELETE ON papers BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', OLD.id); END;
CREATE TRIGGER search_mark_consultations_ins AFTER INSERT ON consultations BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', NEW.paper_id); END;
CREATE TRIGGER search_mark_consultations_upd AFTER UPDATE ON consultations BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', NEW.paper_id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', OLD.paper_id); END;
CREATE TRIGGER search_mark_consultations_del AFTER DELETE ON consultations BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', OLD.paper_id); END;
CREATE TRIGGER search_mark_agenda_items_ins AFTER INSERT ON agenda_items BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('tagesordnungspunkt', NEW.id); END;
CREATE TRIGGER search_mark_agenda_items_upd AFTER UPDATE ON agenda_items BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('tagesordnungspunkt', NEW.id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('tagesordnungspunkt', OLD.id); END;
CREATE TRIGGER search_mark_agenda_items_del AFTER DELETE ON agenda_items BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('tagesordnungspunkt', OLD.id); END;
CREATE TRIGGER search_mark_meetings_ins AFTER INSERT ON meetings BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', NEW.id); END;
CREATE TRIGGER search_mark_meetings_upd AFTER UPDATE ON meetings BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', NEW.id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', OLD.id); END;
CREATE TRIGGER search_mark_meetings_del AFTER DELETE ON meetings BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', OLD.id); END;
CREATE TRIGGER search_mark_meeting_organizations_ins AFTER INSERT ON meeting_organizations BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', NEW.meeting_id); END;
CREATE TRIGGER search_mark_meeting_organizations_upd AFTER UPDATE ON meeting_organizations BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', NEW.meeting_id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', OLD.meeting_id); END;
CREATE TRIGGER search_mark_meeting_organizations_del AFTER DELETE ON meeting_organizations BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('sitzung', OLD.meeting_id); END;
CREATE TRIGGER search_mark_files_ins AFTER INSERT ON files BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('datei', NEW.id); END;
CREATE TRIGGER search_mark_files_upd AFTER UPDATE ON files BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('datei', NEW.id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('datei', OLD.id); END;
CREATE TRIGGER search_mark_files_del AFTER DELETE ON files BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('datei', OLD.id); END;
CREATE TRIGGER search_mark_integration_concepts_ins AFTER INSERT ON integration_concepts BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', NEW.id); END;
CREATE TRIGGER search_mark_integration_concepts_upd AFTER UPDATE ON integration_concepts BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', NEW.id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', OLD.id); END;
CREATE TRIGGER search_mark_integration_concepts_del AFTER DELETE ON integration_concepts BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', OLD.id); END;
CREATE TRIGGER search_mark_concept_fields_ins AFTER INSERT ON concept_fields BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', NEW.concept_id); END;
CREATE TRIGGER search_mark_concept_fields_upd AFTER UPDATE ON concept_fields BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', NEW.concept_id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', OLD.concept_id); END;
CREATE TRIGGER search_mark_concept_fields_del AFTER DELETE ON concept_fields BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('integrationskonzept', OLD.concept_id); END;
CREATE TRIGGER search_mark_concept_measures_ins AFTER INSERT ON concept_measures BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('handlungsfeld', NEW.field_id); END;
CREATE TRIGGER search_mark_concept_measures_upd AFTER UPDATE ON concept_measures BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('handlungsfeld', NEW.field_id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('handlungsfeld', OLD.field_id); END;
CREATE TRIGGER search_mark_concept_measures_del AFTER DELETE ON concept_measures BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('handlungsfeld', OLD.field_id); END;
CREATE TRIGGER search_mark_funding_programmes_ins AFTER INSERT ON funding_programmes BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', NEW.id); END;
CREATE TRIGGER search_mark_funding_programmes_upd AFTER UPDATE ON funding_programmes BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', NEW.id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', OLD.id); END;
CREATE TRIGGER search_mark_funding_programmes_del AFTER DELETE ON funding_programmes BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', OLD.id); END;
CREATE TRIGGER search_mark_programme_modules_ins AFTER INSERT ON programme_modules BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', NEW.programme_id); END;
CREATE TRIGGER search_mark_programme_modules_upd AFTER UPDATE ON programme_modules BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', NEW.programme_id); INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', OLD.programme_id); END;
CREATE TRIGGER search_mark_programme_modules_del AFTER DELETE ON programme_modules BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('foerderprogramm', OLD.programme_id); END;
CREATE TRIGGER search_mark_agenda_items_paper_ins AFTER INSERT ON agenda_items WHEN NEW.paper_id IS NOT NULL BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', NEW.paper_id); END;
CREATE TRIGGER search_mark_agenda_items_paper_upd AFTER UPDATE ON agenda_items BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'vorlage', NEW.paper_id WHERE NEW.paper_id IS NOT NULL; INSERT OR IGNORE INTO search_dirty (kind, ref_id) SELECT 'vorlage', OLD.paper_id WHERE OLD.paper_id IS NOT NULL; END;
CREATE TRIGGER search_mark_agenda_items_paper_del AFTER DELETE ON agenda_items WHEN OLD.paper_id IS NOT NULL BEGIN INSERT OR IGNORE INTO search_dirty (kind, ref_id) VALUES ('vorlage', OLD.paper_id); END;
-- Saved searches: a query (with its filters) an address subscribed to
-- with double opt-in; the mail worker sends a digest of new matches.
CREATE TABLE saved_searches (
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
CREATE INDEX saved_searches_confirm_idx ON saved_searches (confirm_token_hash);
-- Which documents a saved search has already mailed (no duplicates, and a
-- document committed late by a long transaction is still sent once).
CREATE TABLE saved_search_hits (
    saved_search_id BIGINT NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    document_id BIGINT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (saved_search_id, document_id)
);
ALTER TABLE files ADD COLUMN text_status TEXT;
