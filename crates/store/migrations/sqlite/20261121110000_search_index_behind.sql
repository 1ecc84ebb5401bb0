-- Reports enter the search index in the background, many at a time, instead of inside the
-- transaction that files them: FTS5 writes its pending terms out as a new segment at every
-- SAVEPOINT, and group commit opens one per report, so each report paid for a segment and the
-- merges it set off (a third of the write connection's time at 16 clients). Until the
-- server's indexer (reports::index_pending) takes it, a report is listed here, and searches
-- read such reports directly.
CREATE TABLE reports_fts_pending (report_id INTEGER PRIMARY KEY);
DROP TRIGGER reports_fts_insert;
DROP TRIGGER reports_fts_delete;
DROP TRIGGER reports_fts_update;
CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN
    INSERT INTO reports_fts_pending (report_id) VALUES (new.id);
END;
-- Only an indexed report has terms to take out (a 'delete' of terms never added corrupts
-- the index).
CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search)
        SELECT 'delete', old.id, old.search
        WHERE NOT EXISTS (SELECT 1 FROM reports_fts_pending WHERE report_id = old.id);
    DELETE FROM reports_fts_pending WHERE report_id = old.id;
END;
CREATE TRIGGER reports_fts_update AFTER UPDATE OF search ON reports BEGIN
    INSERT INTO reports_fts (reports_fts, rowid, search)
        SELECT 'delete', old.id, old.search
        WHERE NOT EXISTS (SELECT 1 FROM reports_fts_pending WHERE report_id = old.id);
    INSERT OR IGNORE INTO reports_fts_pending (report_id) VALUES (new.id);
END;
