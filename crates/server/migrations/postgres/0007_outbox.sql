-- E-mail: the language each person reads it in, the outbox the notifications are written to
-- (in the transaction of the change they tell about) and delivered from, the installation's
-- identity (part of every Message-ID), and the sign-in budgets shared by every server process.

-- The language of the e-mails a person gets: 'en' or 'ja'.
ALTER TABLE people ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ja'));

-- One row an e-mail, written once and then only marked: tried (attempts, last_error,
-- next_attempt_at) and sent (sent_at). Its id makes its Message-ID.
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_address TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'ja')),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- When a worker may (next) try to send it; a claim moves it past the send's timeout, so
    -- another worker takes it only if this one died.
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    -- NULL until the mail server accepted it.
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- This installation: one row, its random id made once (by this migration).
CREATE TABLE installation (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL
);
INSERT INTO installation (singleton, id) VALUES (1, md5(random()::text || clock_timestamp()::text));

-- Fixed-window request budgets (sign-in per email, per client address) when several server
-- processes share one PostgreSQL: one row a limiter and key, counted by an atomic upsert.
CREATE TABLE rate_limit_windows (
    limiter TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (limiter, key)
);
