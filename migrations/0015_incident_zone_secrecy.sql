-- The case's time zone (its report states local times in it) and the
-- secrecy period that goes with its classification marking (保密期限).
ALTER TABLE incidents
    ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
    ADD COLUMN secrecy_period text NOT NULL DEFAULT '';
