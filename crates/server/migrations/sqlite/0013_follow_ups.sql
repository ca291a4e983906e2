-- A follow-up: a new ticket that links to a closed one (a closed ticket is not reopened; a
-- follow-up carries on its matter). NULL for every other ticket.
ALTER TABLE tickets ADD COLUMN follows_id INTEGER REFERENCES tickets (id);
CREATE INDEX tickets_follows ON tickets (follows_id) WHERE follows_id IS NOT NULL;
