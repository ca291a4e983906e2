-- E-mail: the language each person reads it in, the outbox the notifications are written to
-- (in the transaction of the change they tell about) and delivered from, the installation's
-- identity (part of every Message-ID), and the sign-in budgets shared by every server process
-- (on SQLite, one process: the server keeps them in memory, the table stays empty).

-- The language of the e-mails a person gets: 'en' or 'ja'.
ALTER TABLE people ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ja'));

-- One row an e-mail, written once and then only marked: tried (attempts, last_error,
-- next_attempt_at) and sent (sent_at). Its id makes its Message-ID.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_address TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'ja')),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- When a worker may (next) try to send it; a claim moves it past the send's timeout, so
    -- it is taken again only if the worker died.
    next_attempt_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- NULL until the mail server accepted it.
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- This installation: one row, its random id made once (by this migration).
CREATE TABLE installation (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL
);
INSERT INTO installation (singleton, id) VALUES (1, lower(hex(randomblob(16))));

CREATE TABLE rate_limit_windows (
    limiter TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (limiter, key)
);
