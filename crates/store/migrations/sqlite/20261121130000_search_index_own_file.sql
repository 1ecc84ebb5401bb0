-- The search index moves to a database file of its own (`<database>-search`, attached as
-- `search`; see `Db::connect` and `reports::index_pending`). Filing and indexing then take
-- two different write locks: at 16 clients the indexer's flushes and merges held this file's
-- one write lock a fifth of the time, and every report filed meanwhile waited (p99 52-62 ms
-- against 14 ms without them, ungcuu-bench). The index is derived data: it is rebuilt from
-- `reports.search` whenever it is missing or belongs to another database.
DROP TRIGGER reports_fts_insert;
DROP TRIGGER reports_fts_delete;
DROP TRIGGER reports_fts_update;
DROP TABLE reports_fts;
DROP TABLE reports_fts_pending;
-- Which database the index file belongs to: a restored or copied database gets a key of its
-- own, so an index built for another one is never trusted.
CREATE TABLE reports_fts_owner (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL
);
INSERT INTO reports_fts_owner (id, key) VALUES (1, lower(hex(randomblob(16))));
-- Reports whose search text changed or which were removed, for the indexer to redo. The app
-- never does either today; this keeps the index right when someone does.
-- `n` counts the changes, so the indexer clears only the ones it has redone.
CREATE TABLE reports_fts_dirty (report_id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
CREATE TRIGGER reports_fts_update AFTER UPDATE OF search ON reports BEGIN
    INSERT INTO reports_fts_dirty (report_id, n) VALUES (new.id, 1)
        ON CONFLICT (report_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
    INSERT INTO reports_fts_dirty (report_id, n) VALUES (old.id, 1)
        ON CONFLICT (report_id) DO UPDATE SET n = n + 1;
END;
