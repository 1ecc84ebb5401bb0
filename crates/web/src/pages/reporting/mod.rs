//! Periodic reporting pages. Empty until the reporting issue.
