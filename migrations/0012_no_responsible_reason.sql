-- A case may conclude that no one is responsible; the recovery gate then
-- needs the reason instead of a finding.
ALTER TABLE incidents ADD COLUMN no_responsible_reason text NOT NULL DEFAULT '';
