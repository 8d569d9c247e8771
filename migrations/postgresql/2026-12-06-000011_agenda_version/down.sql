DROP TRIGGER agenda_versions ON agenda_items;
DROP FUNCTION bump_agenda_version();
DROP TABLE agenda_versions;
