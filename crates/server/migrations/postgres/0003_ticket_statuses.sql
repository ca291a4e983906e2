-- A ticket's status is one of the statuses listed in `ticket_statuses`, enforced by a foreign
-- key rather than a CHECK list: adding a status later (the ticket lifecycle) is one
-- `INSERT INTO ticket_statuses` on both databases, where a CHECK would have to be dropped and
-- rewritten here and, on SQLite, the whole table rebuilt again. The keys are those of
-- `support_api::TicketStatus`; a test holds the two to each other.
CREATE TABLE ticket_statuses (
    key TEXT PRIMARY KEY
);
INSERT INTO ticket_statuses (key) VALUES ('pending_approval'), ('open'), ('rejected');

ALTER TABLE tickets
    ADD CONSTRAINT tickets_status_known FOREIGN KEY (status) REFERENCES ticket_statuses (key);

-- `GET /api/tickets?status=` pages through one status of an account, newest first, and counts
-- it: both on this index, however many tickets of other statuses are newer.
CREATE INDEX tickets_account_status_newest ON tickets (account_id, status, id DESC);
