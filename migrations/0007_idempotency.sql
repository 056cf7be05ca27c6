-- Idempotency keys: a client sends Idempotency-Key with a mutation; the key
-- is written in the same transaction as the change it guards, so a retry
-- after an ambiguous failure (the commit happened, the answer was lost)
-- never applies the change twice. The answer is kept when it could be.
CREATE TABLE idempotency_keys (
    user_id    uuid        NOT NULL REFERENCES users (id),
    key        text        NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    status     integer,
    response   bytea,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
