-- Who collected an item and the zone its acquisition time was given in (an
-- acquisition time read without its zone can be hours off); the custody
-- event COLLECTED names from whom, as TRANSFERRED names to whom.
ALTER TABLE evidence ADD COLUMN collected_by text NOT NULL DEFAULT '',
    ADD COLUMN collected_zone text NOT NULL DEFAULT '';
UPDATE evidence SET collected_zone = time_zone;
ALTER TABLE custody_events ADD COLUMN collected_from text NOT NULL DEFAULT '',
    ADD CONSTRAINT custody_events_from_only_collected CHECK (action = 'COLLECTED' OR collected_from = '');
