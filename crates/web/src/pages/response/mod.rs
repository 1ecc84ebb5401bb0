//! Incident response pages. Empty until the incident-response issue.
