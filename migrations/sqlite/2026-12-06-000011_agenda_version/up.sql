-- A counter per meeting that changes whenever one of its agenda items is
-- inserted, changed or deleted, by any writer (the app, the importer, a
-- hand-written SQL fix). Calendar feeds keep each meeting's rendered event
-- and reuse it only while the meeting row, its names and this counter are
-- unchanged. A table of its own, so that the meeting row (and its search
-- document) is not touched by agenda writes.
CREATE TABLE agenda_versions (
    meeting_id BIGINT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO agenda_versions (meeting_id, version)
    SELECT DISTINCT meeting_id, 1 FROM agenda_items;
CREATE TRIGGER agenda_versions_insert AFTER INSERT ON agenda_items
BEGIN
    INSERT OR IGNORE INTO agenda_versions (meeting_id, version) VALUES (NEW.meeting_id, 0);
    UPDATE agenda_versions SET version = version + 1 WHERE meeting_id = NEW.meeting_id;
END;
CREATE TRIGGER agenda_versions_update AFTER UPDATE ON agenda_items
BEGIN
    INSERT OR IGNORE INTO agenda_versions (meeting_id, version) VALUES (NEW.meeting_id, 0);
    UPDATE agenda_versions SET version = version + 1
     WHERE meeting_id = NEW.meeting_id OR meeting_id = OLD.meeting_id;
END;
CREATE TRIGGER agenda_versions_delete AFTER DELETE ON agenda_items
BEGIN
    UPDATE agenda_versions SET version = version + 1 WHERE meeting_id = OLD.meeting_id;
END;
