-- Instants are whole microseconds since the Unix epoch (UTC), the same on both databases.
-- Booleans are 0/1 integers, so both databases decode them alike.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    tsm INTEGER NOT NULL CHECK (tsm IN (0, 1)),
    country TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    -- As typed; `email_key` is its lower-case form, unique across every account.
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- NULL until a password is set (`support-server admin reset-password`).
    password_hash TEXT,
    is_contact INTEGER NOT NULL CHECK (is_contact IN (0, 1)),
    can_manage_contacts INTEGER NOT NULL CHECK (can_manage_contacts IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX people_account ON people (account_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token, hex: a stolen database holds no usable token.
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE tickets (
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
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- When the response clock started: creation for a contact's ticket, approval otherwise.
    opened_at INTEGER,
    first_response_due INTEGER,
    decided_by INTEGER REFERENCES people (id),
    decided_at INTEGER,
    rejection_reason TEXT
);
CREATE INDEX tickets_account_newest ON tickets (account_id, id DESC);

CREATE TABLE idempotency_keys (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    response_location TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, idempotency_key)
);
