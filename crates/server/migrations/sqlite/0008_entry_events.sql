-- Live updates. The column exists on both databases alike; on SQLite (one writer, so ids are
-- in commit order already) it stays 0 and streams go in id order. See the PostgreSQL
-- migration for why PostgreSQL needs it.
ALTER TABLE ticket_entries ADD COLUMN xact INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ticket_entries_stream ON ticket_entries (xact, id);
