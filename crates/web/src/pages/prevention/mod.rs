//! Prevention pages (warnings, scans). Empty until the prevention issue.
