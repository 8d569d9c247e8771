ALTER TABLE users DROP COLUMN mail_token;
ALTER TABLE users DROP COLUMN mail_opt_out;
ALTER TABLE meetings DROP COLUMN reminded_at;
DROP TABLE form_throttle;
DROP TABLE outbox;
DROP TABLE mail_events;
DROP TABLE subscriber_organizations;
DROP TABLE subscribers;
