-- Instants are whole microseconds since the Unix epoch (UTC), the same on both databases.
-- Booleans are 0/1 integers (BIGINT here), so both databases decode them alike.

CREATE TABLE accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    level BIGINT NOT NULL CHECK (level BETWEEN 1 AND 3),
    tsm BIGINT NOT NULL CHECK (tsm IN (0, 1)),
    country TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE people (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    -- As typed; `email_key` is its lower-case form, unique across every account.
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- NULL until a password is set (`support-server admin reset-password`).
    password_hash TEXT,
    is_contact BIGINT NOT NULL CHECK (is_contact IN (0, 1)),
    can_manage_contacts BIGINT NOT NULL CHECK (can_manage_contacts IN (0, 1)),
    created_at BIGINT NOT NULL
);
CREATE INDEX people_account ON people (account_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token, hex: a stolen database holds no usable token.
    token_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE tickets (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    submitter_id BIGINT NOT NULL REFERENCES people (id),
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
    created_at BIGINT NOT NULL,
    -- When the response clock started: creation for a contact's ticket, approval otherwise.
    opened_at BIGINT,
    first_response_due BIGINT,
    decided_by BIGINT REFERENCES people (id),
    decided_at BIGINT,
    rejection_reason TEXT
);
CREATE INDEX tickets_account_newest ON tickets (account_id, id DESC);

CREATE TABLE idempotency_keys (
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    response_status BIGINT NOT NULL,
    response_body TEXT NOT NULL,
    response_location TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, idempotency_key)
);
