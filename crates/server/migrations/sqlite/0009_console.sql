-- The support console: who works each ticket, and the queue's sort key kept on the ticket so
-- that the queue is one range scan of one index, in order, with no sort.

-- The engineer the ticket is assigned to; NULL while nobody has taken it.
ALTER TABLE tickets ADD COLUMN assignee_id INTEGER REFERENCES people (id);

-- The queue's sort key, written in the transaction of every change that moves it (see
-- domain::queue): NULL, NULL out of the queue (pending approval, rejected, solved, closed);
-- 0 and the instant of the next deadline (first response, else next update; microseconds)
-- while the clock runs; 1 and 0 while it is paused, waiting for the customer (then by id).
ALTER TABLE tickets ADD COLUMN queue_paused INTEGER CHECK (queue_paused IN (0, 1));
ALTER TABLE tickets ADD COLUMN queue_due INTEGER;

-- The tickets filed before the console: an open ticket is due at its first response, a
-- waiting one is paused. An in-progress ticket's next update needs the calendar arithmetic:
-- its due stays NULL (out of every page) until the server schedules it at startup.
UPDATE tickets SET queue_paused = 0, queue_due = first_response_due WHERE status = 'open';
UPDATE tickets SET queue_paused = 1, queue_due = 0 WHERE status = 'waiting_for_customer';
UPDATE tickets SET queue_paused = 0 WHERE status = 'in_progress';

CREATE INDEX tickets_queue ON tickets (queue_paused, queue_due, id) WHERE queue_paused IS NOT NULL;
-- The report reads the tickets opened in a range of days.
CREATE INDEX tickets_opened ON tickets (opened_at) WHERE opened_at IS NOT NULL;
