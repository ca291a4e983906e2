-- Who asks for the e-mails of the account's tickets they did not file (issue 14): a technical
-- contact gets an engineer's answers, requests for information and solutions of the
-- account's other tickets only with this set; everyone always gets those of their own
-- tickets. Off until the person turns it on (PUT /api/me/notifications).
ALTER TABLE people ADD COLUMN account_ticket_mail INTEGER NOT NULL DEFAULT 0
    CHECK (account_ticket_mail IN (0, 1));

-- The engineers were told that a running deadline entered the policy's warning window: one
-- row a deadline (a ticket's first response or next update, by the instant it is due), so
-- that several server processes send the warning once. Written in the transaction of its
-- e-mails.
CREATE TABLE deadline_warnings (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    deadline TEXT NOT NULL CHECK (deadline IN ('first_response', 'next_update')),
    -- The deadline's instant (microseconds since the epoch, UTC).
    due INTEGER NOT NULL,
    warned_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, deadline, due)
);
