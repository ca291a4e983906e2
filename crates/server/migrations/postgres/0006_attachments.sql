-- Files uploaded to a ticket, kept in the database itself so that every server process
-- sees them. An upload is linked to the message it was sent with, in the message's
-- transaction; until then `entry_id` is NULL and only its uploader may read it.
CREATE TABLE attachments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    uploader_id BIGINT NOT NULL REFERENCES people (id),
    -- Sanitised: no folders, no control characters, at most 200 characters.
    name TEXT NOT NULL,
    -- In bytes: the length of `content`.
    size BIGINT NOT NULL CHECK (size > 0),
    content_type TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- The message entry the file was sent with; NULL until then.
    entry_id BIGINT REFERENCES ticket_entries (id),
    content BYTEA NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, id);
CREATE INDEX attachments_entry ON attachments (entry_id);
