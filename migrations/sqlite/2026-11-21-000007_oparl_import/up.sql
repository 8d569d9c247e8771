-- OParl import: which of our rows came from which OParl object (for
-- idempotent re-imports and re-sync), the original result text of
-- imported agenda items, and a record of every import run.
CREATE TABLE oparl_imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    oparl_id TEXT NOT NULL UNIQUE,
    local_id BIGINT NOT NULL,
    modified TEXT,
    imported_at TIMESTAMP NOT NULL
);
CREATE INDEX oparl_imports_kind_idx ON oparl_imports (kind, local_id);
CREATE TABLE import_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status TEXT NOT NULL,
    summary TEXT
);
ALTER TABLE agenda_items ADD COLUMN result_text TEXT;
