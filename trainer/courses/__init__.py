"""Courses: one delivery of a module to a cohort, and who takes part in it."""
