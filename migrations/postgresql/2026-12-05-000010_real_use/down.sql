DROP INDEX login_attempts_device_idx;
ALTER TABLE login_attempts DROP COLUMN device_hash;
DROP TABLE login_devices;
-- clear tokens cannot be recovered from their hashes: fresh ones
ALTER TABLE users ADD COLUMN mail_token TEXT;
ALTER TABLE saved_searches ADD COLUMN unsubscribe_token TEXT;
UPDATE saved_searches SET unsubscribe_token = md5(random()::text) || md5(random()::text);
ALTER TABLE saved_searches ALTER COLUMN unsubscribe_token SET NOT NULL;
ALTER TABLE saved_searches ADD CONSTRAINT saved_searches_unsubscribe_token_key UNIQUE (unsubscribe_token);
ALTER TABLE subscribers ADD COLUMN unsubscribe_token TEXT;
UPDATE subscribers SET unsubscribe_token = md5(random()::text) || md5(random()::text);
ALTER TABLE subscribers ALTER COLUMN unsubscribe_token SET NOT NULL;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_unsubscribe_token_key UNIQUE (unsubscribe_token);
DROP TABLE unsubscribe_tokens;
DROP TABLE text_jobs;
ALTER TABLE files DROP COLUMN text_error;
