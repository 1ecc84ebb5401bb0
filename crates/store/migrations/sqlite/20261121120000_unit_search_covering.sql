-- A unit's search reads this index alone: the folded search text sits beside the columns a
-- unit's list reads, so looking through a unit's reports for a word never opens their rows,
-- each of which carries its whole form (ungcuu-bench at 1,000,000 reports: 25.8 ms p95 for
-- one unit's search before, about 15 MB read per search). It serves everything the
-- (org_id, received_at, confidential) index did. PostgreSQL reads its heap by pages and
-- keeps the text out of line (TOAST), so it keeps its narrower index.
CREATE INDEX reports_org_received_search ON reports (org_id, received_at, confidential, search);
DROP INDEX reports_org_received_conf;
