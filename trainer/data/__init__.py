"""Data safety: a course's data as a zip of CSV and JSON (export, verify, import), new sign-in links
after a restore, and online backups of the database and the uploaded files.

It sits above every feature (it reads every table), like `home` and `demo`; no feature imports it.
"""
