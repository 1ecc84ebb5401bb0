//! Coordination pages. Empty until the coordination issue.
