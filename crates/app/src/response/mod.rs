//! Incident response: the incident from opening to closing (classification, severity, phases, responders, tasks, timeline, final report). Grows with the incident-response issue.
