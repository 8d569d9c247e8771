DROP TRIGGER agenda_versions_insert;
DROP TRIGGER agenda_versions_update;
DROP TRIGGER agenda_versions_delete;
DROP TABLE agenda_versions;
