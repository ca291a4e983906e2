-- Live updates. Each entry keeps the id of the transaction that wrote it: entries are sent to
-- streams in (xact, id) order, and only once every transaction with a smaller id has ended
-- (PostgreSQL's snapshot xmin), so that order is one no later commit can enter before a
-- position already sent, and `Last-Event-ID` resumes after a position without losing or
-- repeating an entry (ids are handed out at insert, so they alone are not in commit order).
ALTER TABLE ticket_entries
    ADD COLUMN xact BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX ticket_entries_stream ON ticket_entries (xact, id);

-- Every server process LISTENs on `ticket_entries`; the notification is delivered at commit
-- (once per transaction), whoever wrote the entry.
CREATE FUNCTION ticket_entries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ticket_entries', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER ticket_entries_notify AFTER INSERT ON ticket_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_entries_notify();
