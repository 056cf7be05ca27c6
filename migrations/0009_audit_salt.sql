-- Each audit row gets a secret random salt that its hash covers, so a reader
-- shown a row's hash but not its changes (withheld or redacted) cannot test
-- guesses of those changes against it. Rows written before keep an empty
-- salt and are hashed as before, so the existing chain still verifies.
-- Adding a column with a constant default rewrites no row (and fires no
-- UPDATE trigger).
ALTER TABLE audit_log ADD COLUMN salt bytea NOT NULL DEFAULT ''::bytea,
    ADD CONSTRAINT audit_log_salt_size CHECK (length(salt) IN (0, 16));
