-- Revocation notices once per accepted revocation, whichever instance accepted it (docs/database.md, "Two authority
-- instances"): whether the broker acknowledged the ticket's notice. Tickets stored before this version count as
-- published: their notices went through the single authority's outbox.
ALTER TABLE revocation_ticket ADD COLUMN notice_published BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE revocation_ticket SET notice_published = TRUE;
CREATE INDEX revocation_ticket_notice ON revocation_ticket (notice_published, settled);
