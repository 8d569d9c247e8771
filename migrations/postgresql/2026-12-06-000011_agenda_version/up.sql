-- A counter per meeting that changes whenever one of its agenda items is
-- inserted, changed or deleted, by any writer (the app, the importer, a
-- hand-written SQL fix). Calendar feeds keep each meeting's rendered event
-- and reuse it only while the meeting row, its names and this counter are
-- unchanged. A table of its own, so that the meeting row (and its search
-- document) is not touched by agenda writes.
CREATE TABLE agenda_versions (
    meeting_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO agenda_versions (meeting_id, version)
    SELECT DISTINCT meeting_id, 1 FROM agenda_items;
CREATE FUNCTION bump_agenda_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE agenda_versions SET version = version + 1 WHERE meeting_id = OLD.meeting_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.meeting_id <> OLD.meeting_id) THEN
        INSERT INTO agenda_versions (meeting_id, version) VALUES (NEW.meeting_id, 1)
            ON CONFLICT (meeting_id) DO UPDATE SET version = agenda_versions.version + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER agenda_versions AFTER INSERT OR UPDATE OR DELETE ON agenda_items
    FOR EACH ROW EXECUTE FUNCTION bump_agenda_version();
