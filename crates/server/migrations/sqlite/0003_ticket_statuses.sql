-- A ticket's status is one of the statuses listed in `ticket_statuses`, enforced by a foreign
-- key rather than a CHECK list: adding a status later (the ticket lifecycle) is one
-- `INSERT INTO ticket_statuses` on both databases, where a CHECK would have to be rewritten,
-- which SQLite can only do by rebuilding the table. The keys are those of
-- `support_api::TicketStatus`; a test holds the two to each other.
CREATE TABLE ticket_statuses (
    key TEXT PRIMARY KEY NOT NULL
);
INSERT INTO ticket_statuses (key) VALUES ('pending_approval'), ('open'), ('rejected');

-- SQLite cannot add a constraint to a column either, so `tickets` is rebuilt once, with the
-- same columns in the same order, inside this migration's transaction. `idempotency_keys`
-- refers to it, and foreign keys are on (they cannot be switched off inside a transaction):
-- its rows step aside while the table is replaced, and come back once their tickets exist
-- again, so that no check ever sees a key without its ticket.
CREATE TEMP TABLE idempotency_keys_kept AS SELECT * FROM idempotency_keys;
DELETE FROM idempotency_keys;

CREATE TABLE tickets_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    submitter_id INTEGER NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    severity TEXT,
    service TEXT,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The other fields the policy's `ticket_fields` name (environment, impact, ...), as a
    -- JSON object of strings: the policy, not the schema, says which a ticket carries.
    details TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL REFERENCES ticket_statuses (key),
    created_at INTEGER NOT NULL,
    -- When the response clock started: creation for a contact's ticket, approval otherwise.
    opened_at INTEGER,
    first_response_due INTEGER,
    decided_by INTEGER REFERENCES people (id),
    decided_at INTEGER,
    rejection_reason TEXT
);
INSERT INTO tickets_rebuilt (id, account_id, submitter_id, kind, severity, service, subject,
    description, details, language, status, created_at, opened_at, first_response_due,
    decided_by, decided_at, rejection_reason)
SELECT id, account_id, submitter_id, kind, severity, service, subject, description, details,
    language, status, created_at, opened_at, first_response_due, decided_by, decided_at,
    rejection_reason
FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_rebuilt RENAME TO tickets;
CREATE INDEX tickets_account_newest ON tickets (account_id, id DESC);
INSERT INTO idempotency_keys SELECT * FROM idempotency_keys_kept;
DROP TABLE idempotency_keys_kept;

-- `GET /api/tickets?status=` pages through one status of an account, newest first, and counts
-- it: both on this index, however many tickets of other statuses are newer.
CREATE INDEX tickets_account_status_newest ON tickets (account_id, status, id DESC);
