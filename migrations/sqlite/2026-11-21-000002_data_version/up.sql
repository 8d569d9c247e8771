-- One row whose version is bumped by every write transaction; app servers
-- compare it to decide whether a cached page is still current.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO data_version (id, version, updated_at) VALUES (1, 0, CURRENT_TIMESTAMP);
