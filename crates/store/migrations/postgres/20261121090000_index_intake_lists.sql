-- Lists of reports and incidents per reader at a million rows (ungcuu-bench server).
-- A unit's reports newest first, with the column the confidentiality rule reads, from the
-- index alone; it also serves everything the (org_id, received_at) index did.
CREATE INDEX reports_org_received_conf ON reports (org_id, received_at, confidential);
DROP INDEX reports_org_received;
-- The incidents a unit's reports joined.
CREATE INDEX reports_org_incident ON reports (org_id, incident_id);
-- Whether a given unit filed into an incident (a confidential incident's visibility); also
-- serves everything the (incident_id) index did.
CREATE INDEX reports_incident_org ON reports (incident_id, org_id);
DROP INDEX reports_incident;
