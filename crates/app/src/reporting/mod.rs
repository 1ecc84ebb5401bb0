//! Periodic reporting (Phụ lục III), the compliance calendar and dashboards. Empty until the reporting issue.
