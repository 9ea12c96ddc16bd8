"""`export_course()`: one course's data as a zip of JSON (what import reads) and CSV (for people).

The rows come from one consistent snapshot of the database, so an export taken while the site is
in use never holds, say, an attendance row for a session it does not hold.
"""

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from alembic.migration import MigrationContext
from flask import current_app
from sqlalchemy import Connection, Table, select

from trainer.data import tables
from trainer.dbtypes import utcnow
from trainer.extensions import db

Rows = dict[str, list[dict[str, Any]]]  # table name -> rows (column name -> Python value)

# The zip's fixed entry time: the same data makes the same entries (the manifest has the real time).
_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)
_PRIVATE = 0o600 << 16  # unpacked files are the owner's only: they hold personal data


class ExportError(Exception):
    """The export cannot be made; the message says why, for the operator."""


@dataclass
class ExportReport:
    manifest: dict[str, Any]
    left_out: list[str] = field(default_factory=list)


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at (what `flask db current` prints)."""
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def snapshot() -> Iterator[Connection]:
    """A connection whose reads all see one moment of the database, then nothing is kept."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        elif connection.dialect.name == "sqlite":
            # pysqlite opens no transaction for a SELECT, so each would see its own moment.
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def collect(connection: Connection, course_id: int) -> tuple[Rows, list[str]]:
    """The course's rows in every exported table, and what was left out (links to other courses)."""
    t = db.metadata.tables
    courses = t["courses"]
    course = connection.execute(select(courses).where(courses.c.id == course_id)).mappings().first()
    if course is None:
        raise ExportError(f"No course has the id {course_id}.")
    rows: Rows = {}

    def fetch(name: str, *where) -> None:
        table = t[name]
        query = select(*tables.exported_columns(table)).where(*where).order_by(*tables.order_columns(table))
        rows[name] = [dict(row) for row in connection.execute(query).mappings()]

    def of_course(name: str, column: str = "course_id") -> None:
        fetch(name, t[name].c[column] == course_id)

    of_course("courses", "id")
    for name in (
        "completion_rules",
        "association_seats",
        "applications",
        "enrolments",
        "live_sessions",
        "certificates",
        "breakout_groups",
        "group_members",
        "group_exercises",
        "experiences",
        "chapter_cases",
    ):
        of_course(name)
    of_course("cascade_records", "origin_course_id")
    sessions = select(t["live_sessions"].c.id).where(t["live_sessions"].c.course_id == course_id)
    fetch("agenda_items", t["agenda_items"].c.session_id.in_(sessions))
    fetch("attendance", t["attendance"].c.session_id.in_(sessions))
    exercises = select(t["group_exercises"].c.id).where(t["group_exercises"].c.course_id == course_id)
    fetch("submissions", t["submissions"].c.group_exercise_id.in_(exercises))
    submissions = select(t["submissions"].c.id).where(t["submissions"].c.group_exercise_id.in_(exercises))
    for name in ("submission_versions", "attachments", "feedback"):
        fetch(name, t[name].c.submission_id.in_(submissions))
    experiences = select(t["experiences"].c.id).where(t["experiences"].c.course_id == course_id)
    fetch("comments", t["comments"].c.experience_id.in_(experiences))

    # Progress is kept per person and module (the same whichever course they read it in).
    enrolled = select(t["enrolments"].c.user_id).where(t["enrolments"].c.course_id == course_id)
    module = course["module_slug"]
    for name in ("section_progress", "chapter_progress", "exercise_answers"):
        fetch(name, t[name].c.user_id.in_(enrolled), t[name].c.module_slug == module)
    fetch("chapter_versions", t["chapter_versions"].c.module_slug == module)

    # Everyone the rows name (enrolled or not: the coordinator who decided an application…), then
    # their organisations and the associations those belong to.
    _fetch_referenced(connection, rows, t["users"])
    _fetch_referenced(connection, rows, t["organisations"])
    left_out = _cut_outside_links(rows)
    missing = [table.name for table in tables.exported_tables() if table.name not in rows]
    if missing:  # a new table with no decision; tests catch this first
        raise ExportError(f"The export does not know which rows of {', '.join(missing)} belong to a course.")
    return rows, left_out


def _references(rows: Rows, target: Table) -> set[int]:
    found: set[int] = set()
    for name, table_rows in rows.items():
        for column in db.metadata.tables[name].columns:
            if any(fk.column.table is target for fk in column.foreign_keys):
                found.update(row[column.name] for row in table_rows if row.get(column.name) is not None)
    return found


def _fetch_referenced(connection: Connection, rows: Rows, table: Table) -> None:
    """The rows of `table` that other rows refer to, following references within it (an
    organisation's association) until none are missing."""
    rows[table.name] = []
    have: set[int] = set()
    while wanted := sorted(_references(rows, table) - have):
        for start in range(0, len(wanted), 500):  # keeps the IN list short on every engine
            chunk = wanted[start : start + 500]
            query = select(*tables.exported_columns(table)).where(table.c.id.in_(chunk))
            rows[table.name].extend(dict(row) for row in connection.execute(query).mappings())
        have.update(wanted)
    rows[table.name].sort(key=lambda row: row["id"])


def _cut_outside_links(rows: Rows) -> list[str]:
    """Links to rows outside the export (a cascade course's origin, a library case from another
    course): an optional link is emptied, a row that cannot stand without it is left out."""
    left_out: list[str] = []
    known: dict[tuple[str, str], set[Any]] = {}  # parents come first, so each set is final when built

    def exported(table_name: str, column_name: str) -> set[Any]:
        if (table_name, column_name) not in known:
            known[table_name, column_name] = {row[column_name] for row in rows.get(table_name, [])}
        return known[table_name, column_name]

    for table in tables.exported_tables():
        kept = []
        for row in rows.get(table.name, []):
            keep = True
            for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
                value, target = row.get(fk.parent.name), fk.column.table.name
                if value is None or value in exported(target, fk.column.name):
                    continue
                what = f"{table.name} {_row_label(table, row)}: {fk.parent.name} = {value} ({target} not exported)"
                if fk.parent.nullable:
                    row[fk.parent.name] = None
                    left_out.append(f"{what}, emptied")
                else:
                    keep = False
                    left_out.append(f"{what}, row left out")
            if keep:
                kept.append(row)
        rows[table.name] = kept
    return left_out


def _row_label(table: Table, row: dict[str, Any]) -> str:
    return ", ".join(f"{column.name} {row.get(column.name)}" for column in tables.order_columns(table))


def write_export(course_id: int, output: IO[bytes]) -> ExportReport:
    """Write the course's export zip to `output` (a binary file open for writing)."""
    with snapshot() as connection:
        rows, left_out = collect(connection, course_id)
        revision = schema_revision(connection)
    course = rows["courses"][0]
    encoded = {
        table.name: [{name: tables.to_json(value) for name, value in row.items()} for row in rows[table.name]]
        for table in tables.exported_tables()
    }
    files: dict[str, dict[str, Any]] = {}
    with ZipFile(output, "w", compression=ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, **extra: Any) -> None:
            archive.writestr(_entry(name), data)
            files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), **extra}

        document = {
            "format": tables.FORMAT,
            "format_version": tables.FORMAT_VERSION,
            "course_id": course["id"],
            "tables": encoded,
        }
        add("course.json", json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n")
        for table in tables.exported_tables():
            columns = [column.name for column in tables.exported_columns(table)]
            add(f"{table.name}.csv", tables.csv_bytes(columns, encoded[table.name]), rows=len(encoded[table.name]))
        for digest in sorted({row["sha256"] for row in rows["attachments"]}):
            files[f"attachments/{digest}"] = _add_attachment(archive, digest)
        manifest = {
            "format": tables.FORMAT,
            "format_version": tables.FORMAT_VERSION,
            "schema_revision": revision,
            "exported_at": tables.format_instant(utcnow()),
            "server_url": current_app.config["SERVER_URL"],
            "course": {"id": course["id"], "title": course["title"], "module_slug": course["module_slug"]},
            "counts": {name: len(table_rows) for name, table_rows in encoded.items()},
            "files": files,
            "left_out": left_out,
            "not_exported": {
                **tables.NOT_EXPORTED,
                **{
                    f"{name}.{column}": why
                    for name, columns in tables.OMITTED_COLUMNS.items()
                    for column, why in columns.items()
                },
            },
        }
        archive.writestr(_entry("manifest.json"), json.dumps(manifest, ensure_ascii=False, indent=1).encode() + b"\n")
    return ExportReport(manifest, left_out)


def _entry(name: str) -> ZipInfo:
    info = ZipInfo(name, _ENTRY_TIME)
    info.compress_type, info.external_attr = ZIP_DEFLATED, _PRIVATE
    return info


def _add_attachment(archive: ZipFile, digest: str) -> dict[str, Any]:
    from trainer.groups.work import upload_folder

    path = upload_folder() / digest
    if not path.is_file():
        raise ExportError(
            f"The attached file {digest} is missing from {upload_folder()}: restore the upload folder from a "
            "backup first (the export would otherwise lose it)."
        )
    hasher, size = hashlib.sha256(), 0
    with path.open("rb") as source, archive.open(_entry(f"attachments/{digest}"), "w") as target:
        while chunk := source.read(1 << 20):
            hasher.update(chunk)
            size += len(chunk)
            target.write(chunk)
    if hasher.hexdigest() != digest:
        raise ExportError(f"The attached file {path} does not match its checksum: it was changed or damaged on disk.")
    return {"sha256": digest, "bytes": size}


def export_to_file(course_id: int, path: Path) -> ExportReport:
    """Write the export next to `path` first, then move it into place: a failed export never
    leaves a half-written zip under the name a backup script expects."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        # Names, emails and answers: readable by the owner only, whatever the umask.
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as output:
            report = write_export(course_id, output)
        shutil.move(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return report
