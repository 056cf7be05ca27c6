-- The jurisdiction whose classification scale a case's level is on: the
-- same SECRET is 机密 on the mainland's scale and 極機密 on Taiwan's. Cases
-- opened before the column existed take the mainland scale, the default of a
-- deployment that names none (LEAKTRAIL_JURISDICTION).
ALTER TABLE incidents ADD COLUMN jurisdiction text NOT NULL DEFAULT 'CN'
    CONSTRAINT incidents_jurisdiction CHECK (jurisdiction IN ('CN', 'TW'));
ALTER TABLE incidents ALTER COLUMN jurisdiction DROP DEFAULT;
