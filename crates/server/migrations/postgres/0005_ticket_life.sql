-- The ticket's life: its further statuses, its timeline, and when it was solved.
INSERT INTO ticket_statuses (key) VALUES
    ('in_progress'), ('waiting_for_customer'), ('solved'), ('closed');

-- When the ticket was last solved: the reopening window counts from it, and the task that
-- closes solved tickets finds them by it. NULL unless the ticket is solved or closed.
ALTER TABLE tickets ADD COLUMN solved_at BIGINT;
CREATE INDEX tickets_solved ON tickets (status, solved_at);

-- One append-only history per ticket: rows are inserted, never changed or deleted.
CREATE TABLE ticket_entries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    at BIGINT NOT NULL,
    -- Who wrote it; NULL for what the server records itself (closing, deadlines).
    author_id BIGINT REFERENCES people (id),
    -- The entry type, a key of `support_api::Entry`.
    kind TEXT NOT NULL,
    -- 1 for an internal note: the store never gives it to a customer.
    internal BIGINT NOT NULL CHECK (internal IN (0, 1)),
    -- The entry's text: a message's body, a reason, an escalation's detail, a comment.
    body TEXT,
    -- The entry's other members, as a JSON object (severities, escalation reason, score, due).
    data TEXT NOT NULL,
    -- For deadline entries: which deadline, its number and the instant of the outcome, so
    -- that each outcome is recorded once however many servers compute it.
    deadline TEXT,
    deadline_number BIGINT,
    deadline_at BIGINT
);
CREATE INDEX ticket_entries_ticket ON ticket_entries (ticket_id, id);
-- A ticket is rated once.
CREATE UNIQUE INDEX ticket_entries_one_rating ON ticket_entries (ticket_id) WHERE kind = 'rated';
CREATE UNIQUE INDEX ticket_entries_deadline_once
    ON ticket_entries (ticket_id, deadline, deadline_number, kind, deadline_at)
    WHERE deadline IS NOT NULL;

-- The tickets filed before the timeline existed get the entries of what happened to them.
INSERT INTO ticket_entries (ticket_id, at, author_id, kind, internal, body, data)
SELECT id, created_at, submitter_id, 'submitted', 0, NULL, '{}' FROM tickets ORDER BY id;
INSERT INTO ticket_entries (ticket_id, at, author_id, kind, internal, body, data)
SELECT id, decided_at, decided_by, 'approved', 0, NULL, '{}' FROM tickets
WHERE decided_at IS NOT NULL AND rejection_reason IS NULL ORDER BY id;
INSERT INTO ticket_entries (ticket_id, at, author_id, kind, internal, body, data)
SELECT id, decided_at, decided_by, 'rejected', 0, rejection_reason, '{}' FROM tickets
WHERE decided_at IS NOT NULL AND rejection_reason IS NOT NULL ORDER BY id;
