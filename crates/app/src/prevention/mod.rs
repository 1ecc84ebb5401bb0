//! Prevention: vulnerability warnings, scans and the remediation of findings. Empty until the prevention issue.
