-- A token made while signed in with another token is that token's child:
-- revoking a token revokes its children, transitively, so a leaked token
-- cannot be kept alive through the tokens it made. Tokens made before this
-- have no known parent.
ALTER TABLE api_tokens ADD COLUMN parent_id uuid REFERENCES api_tokens (id);
CREATE INDEX api_tokens_parent_idx ON api_tokens (parent_id) WHERE parent_id IS NOT NULL;
