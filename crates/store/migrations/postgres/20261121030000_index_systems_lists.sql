-- Lists of systems walk these in order: in service by name (the default list), and one
-- organisation's systems by name.
CREATE INDEX systems_status_name ON systems (status, name, id);
CREATE INDEX systems_owner_status_name ON systems (owner_org_id, status, name, id);
DROP INDEX systems_owner;
-- Filters by level and by the critical list.
CREATE INDEX systems_level_status_name ON systems (security_level, status, name, id);
CREATE INDEX systems_critical_status_name ON systems (critical, status, name, id);
