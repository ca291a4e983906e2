-- no-transaction
-- Support engineers are people of no customer account: `role` says which side a person is
-- on, and only an engineer has no account (and is never a technical contact).
--
-- SQLite cannot drop a NOT NULL, so `people` is rebuilt. Sessions, tickets and idempotency
-- keys refer to it (sessions with ON DELETE CASCADE): dropping the old table with foreign keys
-- on would delete every session. Foreign keys can only be switched off outside a
-- transaction, hence `no-transaction` above and the explicit one below (SQLite's documented
-- way to change a table's definition); the rows keep their ids, so every reference holds.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE people_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL for a support engineer.
    account_id INTEGER REFERENCES accounts (id),
    -- As typed; `email_key` is its lower-case form, unique across every account.
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- NULL until a password is set (`support-server admin reset-password`).
    password_hash TEXT,
    is_contact INTEGER NOT NULL CHECK (is_contact IN (0, 1)),
    can_manage_contacts INTEGER NOT NULL CHECK (can_manage_contacts IN (0, 1)),
    created_at INTEGER NOT NULL,
    role TEXT NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'engineer')),
    CONSTRAINT people_engineers_have_no_account
        CHECK ((role = 'engineer') = (account_id IS NULL)),
    CONSTRAINT people_engineers_are_no_contacts
        CHECK (role = 'customer' OR (is_contact = 0 AND can_manage_contacts = 0))
);
INSERT INTO people_rebuilt (id, account_id, email, email_key, name, password_hash, is_contact,
    can_manage_contacts, created_at, role)
SELECT id, account_id, email, email_key, name, password_hash, is_contact, can_manage_contacts,
    created_at, 'customer'
FROM people;
DROP TABLE people;
ALTER TABLE people_rebuilt RENAME TO people;
CREATE INDEX people_account ON people (account_id);
COMMIT;
PRAGMA foreign_keys = ON;
