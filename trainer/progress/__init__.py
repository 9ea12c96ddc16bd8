"""Progress: study progress, attendance, reports, certificates."""
