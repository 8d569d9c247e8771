-- Integration concepts (with fields of action and measures) and funding
-- programmes (modules, allocations with pooling, agreements, deadlines),
-- linked to papers and agenda items. FTE are stored in hundredths
-- (0,85 Stellen = 85), money in cents.
CREATE TABLE integration_concepts (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    title TEXT NOT NULL,
    edition TEXT,
    status TEXT NOT NULL,
    adopted_on DATE,
    summary TEXT,
    participants TEXT,
    supersedes_id BIGINT REFERENCES integration_concepts(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX integration_concepts_body_idx ON integration_concepts (body_id);
CREATE TABLE concept_status_changes (
    id INTEGER PRIMARY KEY,
    concept_id BIGINT NOT NULL REFERENCES integration_concepts(id),
    status TEXT NOT NULL,
    changed_on DATE NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX concept_status_changes_concept_idx ON concept_status_changes (concept_id);
CREATE TABLE concept_fields (
    id INTEGER PRIMARY KEY,
    concept_id BIGINT NOT NULL REFERENCES integration_concepts(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    goals TEXT
);
CREATE INDEX concept_fields_concept_idx ON concept_fields (concept_id);
CREATE TABLE concept_measures (
    id INTEGER PRIMARY KEY,
    field_id BIGINT NOT NULL REFERENCES concept_fields(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    responsible TEXT,
    status TEXT NOT NULL,
    indicator TEXT,
    target TEXT
);
CREATE INDEX concept_measures_field_idx ON concept_measures (field_id);
CREATE TABLE funding_programmes (
    id INTEGER PRIMARY KEY,
    body_id BIGINT NOT NULL REFERENCES bodies(id),
    name TEXT NOT NULL,
    short_name TEXT,
    legal_basis TEXT,
    funder TEXT,
    granting_authority TEXT,
    period_from DATE,
    period_until DATE,
    total_fte_centi INTEGER,
    total_amount_cents BIGINT,
    fundable_unit_centi INTEGER,
    conditions TEXT,
    description TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE TABLE programme_modules (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES funding_programmes(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT
);
CREATE INDEX programme_modules_programme_idx ON programme_modules (programme_id);
CREATE TABLE programme_allocations (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES funding_programmes(id),
    position INTEGER NOT NULL,
    body_id BIGINT REFERENCES bodies(id),
    participant TEXT NOT NULL,
    pool TEXT,
    computed_centi INTEGER,
    waived_centi INTEGER,
    waived_to_pool TEXT,
    fundable_centi INTEGER,
    agreed_centi INTEGER,
    amount_cents BIGINT,
    note TEXT
);
CREATE INDEX programme_allocations_programme_idx ON programme_allocations (programme_id);
CREATE TABLE programme_agreements (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES funding_programmes(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    parties TEXT NOT NULL,
    forwards_from TEXT,
    forwards_to TEXT,
    concluded_on DATE,
    note TEXT
);
CREATE INDEX programme_agreements_programme_idx ON programme_agreements (programme_id);
CREATE TABLE programme_deadlines (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES funding_programmes(id),
    due_on DATE NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX programme_deadlines_programme_idx ON programme_deadlines (programme_id);
CREATE TABLE integration_links (
    id INTEGER PRIMARY KEY,
    concept_id BIGINT REFERENCES integration_concepts(id),
    field_id BIGINT REFERENCES concept_fields(id),
    programme_id BIGINT REFERENCES funding_programmes(id),
    module_id BIGINT REFERENCES programme_modules(id),
    paper_id BIGINT REFERENCES papers(id),
    agenda_item_id BIGINT REFERENCES agenda_items(id),
    role TEXT NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX integration_links_concept_idx ON integration_links (concept_id);
CREATE INDEX integration_links_programme_idx ON integration_links (programme_id);
CREATE INDEX integration_links_paper_idx ON integration_links (paper_id);
CREATE INDEX integration_links_item_idx ON integration_links (agenda_item_id);
ALTER TABLE files ADD COLUMN concept_id BIGINT;
