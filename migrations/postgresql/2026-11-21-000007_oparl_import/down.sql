ALTER TABLE agenda_items DROP COLUMN result_text;
DROP TABLE import_runs;
DROP TABLE oparl_imports;
