-- Full-text search (issue 8). One row per searchable document (paper,
-- agenda item, meeting, file, concept, programme), written by the Rust
-- indexer (src/search/index.rs) in the same transaction as the change:
-- triggers note what changed in `search_dirty`, and `db::write_transaction`
-- re-indexes those rows before it commits.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE search_documents (
    id BIGSERIAL PRIMARY KEY,
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
    -- lower-cased by the indexer in Rust (same folding as SQLite)
    search_text TEXT NOT NULL DEFAULT '',
    title_tsv tsvector GENERATED ALWAYS AS (to_tsvector('german', title || ' ' || coalesce(reference, ''))) STORED,
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('german', title || ' ' || coalesce(reference, '')), 'A')
        || setweight(to_tsvector('german', body_text), 'B')) STORED,
    UNIQUE (kind, ref_id)
);
CREATE INDEX search_documents_reference_idx ON search_documents (reference_key);
CREATE INDEX search_documents_published_idx ON search_documents (public, published_at);
CREATE INDEX search_documents_tsv_idx ON search_documents USING gin (tsv);
CREATE INDEX search_documents_trgm_idx ON search_documents USING gin (search_text gin_trgm_ops);
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
-- One trigger function for all tables: kind and key column as arguments.
CREATE FUNCTION search_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND (to_jsonb(NEW) ->> TG_ARGV[1]) IS NOT NULL THEN
        INSERT INTO search_dirty (kind, ref_id)
        VALUES (TG_ARGV[0], (to_jsonb(NEW) ->> TG_ARGV[1])::bigint)
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND (to_jsonb(OLD) ->> TG_ARGV[1]) IS NOT NULL THEN
        INSERT INTO search_dirty (kind, ref_id)
        VALUES (TG_ARGV[0], (to_jsonb(OLD) ->> TG_ARGV[1])::bigint)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_mark_papers AFTER INSERT OR UPDATE OR DELETE ON papers FOR EACH ROW EXECUTE FUNCTION search_mark('vorlage', 'id');
CREATE TRIGGER search_mark_consultations AFTER INSERT OR UPDATE OR DELETE ON consultations FOR EACH ROW EXECUTE FUNCTION search_mark('vorlage', 'paper_id');
CREATE TRIGGER search_mark_agenda_items AFTER INSERT OR UPDATE OR DELETE ON agenda_items FOR EACH ROW EXECUTE FUNCTION search_mark('tagesordnungspunkt', 'id');
CREATE TRIGGER search_mark_meetings AFTER INSERT OR UPDATE OR DELETE ON meetings FOR EACH ROW EXECUTE FUNCTION search_mark('sitzung', 'id');
CREATE TRIGGER search_mark_meeting_organizations AFTER INSERT OR UPDATE OR DELETE ON meeting_organizations FOR EACH ROW EXECUTE FUNCTION search_mark('sitzung', 'meeting_id');
CREATE TRIGGER search_mark_files AFTER INSERT OR UPDATE OR DELETE ON files FOR EACH ROW EXECUTE FUNCTION search_mark('datei', 'id');
CREATE TRIGGER search_mark_integration_concepts AFTER INSERT OR UPDATE OR DELETE ON integration_concepts FOR EACH ROW EXECUTE FUNCTION search_mark('integrationskonzept', 'id');
CREATE TRIGGER search_mark_concept_fields AFTER INSERT OR UPDATE OR DELETE ON concept_fields FOR EACH ROW EXECUTE FUNCTION search_mark('integrationskonzept', 'concept_id');
CREATE TRIGGER search_mark_concept_measures AFTER INSERT OR UPDATE OR DELETE ON concept_measures FOR EACH ROW EXECUTE FUNCTION search_mark('handlungsfeld', 'field_id');
CREATE TRIGGER search_mark_funding_programmes AFTER INSERT OR UPDATE OR DELETE ON funding_programmes FOR EACH ROW EXECUTE FUNCTION search_mark('foerderprogramm', 'id');
CREATE TRIGGER search_mark_programme_modules AFTER INSERT OR UPDATE OR DELETE ON programme_modules FOR EACH ROW EXECUTE FUNCTION search_mark('foerderprogramm', 'programme_id');
CREATE TRIGGER search_mark_agenda_items_paper AFTER INSERT OR UPDATE OR DELETE ON agenda_items FOR EACH ROW EXECUTE FUNCTION search_mark('vorlage', 'paper_id');
-- Saved searches: a query (with its filters) an address subscribed to
-- with double opt-in; the mail worker sends a digest of new matches.
CREATE TABLE saved_searches (
    id BIGSERIAL PRIMARY KEY,
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
