-- A leak reported internally by a colleague is neither a self-report nor an
-- external tip; it gets its own detection method.
ALTER TABLE incidents DROP CONSTRAINT incidents_detection_method_valid;
ALTER TABLE incidents ADD CONSTRAINT incidents_detection_method_valid CHECK (detection_method IN (
    'SELF_REPORT', 'COLLEAGUE_REPORT', 'AUDIT_INSPECTION', 'EXTERNAL_TIP', 'MONITORING', 'AUTHORITY_NOTICE'));
