-- Expired sessions are deleted at each sign-in; this keeps that cheap.
CREATE INDEX sessions_expiry ON sessions (expires_at);
