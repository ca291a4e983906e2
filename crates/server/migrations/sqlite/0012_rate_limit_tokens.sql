-- The idempotency keys a shared request budget (a person's tickets) has counted: a retry of
-- the same request, on any server process, is not counted again. Forgotten with their window.
CREATE TABLE rate_limit_tokens (
    limiter TEXT NOT NULL,
    key TEXT NOT NULL,
    token TEXT NOT NULL,
    counted_at INTEGER NOT NULL,
    PRIMARY KEY (limiter, key, token)
);
