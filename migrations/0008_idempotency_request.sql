-- Each Idempotency-Key is bound to the request it was first sent with (a
-- SHA-256 of its method, path and body): the same key with another request
-- is refused instead of replaying the first answer. Answers kept before this
-- were bound to no request and may hold secrets (a login's or a new API
-- token's): they are dropped, so a retry of those is told the change was
-- made (CONFLICT, APPLIED) rather than shown them.
ALTER TABLE idempotency_keys ADD COLUMN request_hash bytea;
UPDATE idempotency_keys SET status = NULL, response = NULL;
