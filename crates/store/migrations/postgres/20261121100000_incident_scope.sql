-- Which incidents each organisation sees through its subtree's reports: one row per incident
-- and per organisation at or above a unit that filed into it. A unit's incident list then reads
-- its own rows newest first from one index range, whatever the size of its subtree (a join
-- from the subtree's reports had to sort every incident they touched). Kept by the store:
-- incidents::refresh (a report joins or leaves) and orgs::update (a unit moves).
CREATE TABLE incident_scope (
    org_id       BIGINT NOT NULL REFERENCES orgs (id),
    incident_id  BIGINT NOT NULL REFERENCES incidents (id),
    opened_at    TIMESTAMPTZ NOT NULL,
    confidential BOOLEAN NOT NULL,
    PRIMARY KEY (org_id, incident_id)
);
CREATE INDEX incident_scope_list ON incident_scope (org_id, opened_at, incident_id, confidential);
CREATE INDEX incident_scope_incident ON incident_scope (incident_id);
-- It served only the join this table replaces; one index fewer for every report filed.
DROP INDEX reports_org_incident;

WITH RECURSIVE up (incident_id, org_id) AS (
    SELECT r.incident_id, r.org_id FROM reports r WHERE r.incident_id IS NOT NULL
    UNION
    SELECT up.incident_id, o.parent_id FROM up JOIN orgs o ON o.id = up.org_id WHERE o.parent_id IS NOT NULL
)
INSERT INTO incident_scope (org_id, incident_id, opened_at, confidential)
SELECT up.org_id, i.id, i.opened_at, i.confidential FROM up JOIN incidents i ON i.id = up.incident_id;
