"""Reading an export back: `read_export()` checks everything it can without the database (manifest,
checksums, every row and reference); `import_course()` then writes it all in one transaction.

Import reads course.json only. The CSV files are for people; their checksums are still checked,
because a damaged file in a backup is worth knowing about whichever file it is.
"""

import hashlib
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Table, UniqueConstraint, bindparam, exists, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from trainer.data import tables
from trainer.data.export import schema_revision
from trainer.extensions import db

_ATTACHMENT = re.compile(r"attachments/([0-9a-f]{64})")
_MAX_ERRORS = 20  # enough to see a pattern; a broken file could otherwise print thousands


class ExportInvalid(Exception):
    """The file cannot be imported; `problems` name the file, table, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Bundle:
    """A checked export: its manifest, its rows as column values, and where its files are."""

    path: Path
    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    attachments: list[str]  # sha256 of each file in attachments/


@dataclass
class ImportReport:
    course_id: int
    title: str
    counts: dict[str, int]
    written_files: list[Path] = field(default_factory=list)  # new files in the upload folder
    warnings: list[str] = field(default_factory=list)


def read_export(path: Path) -> Bundle:
    """Open and check an export; raises ExportInvalid with every problem found (up to 20)."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _manifest(archive)
            _check_files(archive, manifest)
            document = _json(archive, "course.json")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as error:
        raise ExportInvalid([f"{path}: not a readable zip file ({error})."]) from None
    except OSError as error:
        raise ExportInvalid([f"{path}: {error.strerror or error}."]) from None
    rows = _rows(document, manifest)
    attachments = sorted(m.group(1) for name in manifest["files"] if (m := _ATTACHMENT.fullmatch(name)))
    missing = sorted({row["sha256"] for row in rows["attachments"]} - set(attachments))
    if missing:
        raise ExportInvalid(
            [f"attachments/{digest}: listed in the attachments table but not in the zip." for digest in missing]
        )
    return Bundle(path, manifest, rows, attachments)


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(archive.read(name).decode("utf-8"))
    except KeyError:
        raise ExportInvalid([f"{name}: missing from the zip; is this a course export?"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportInvalid([f"{name}: not valid JSON ({error})."]) from None


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    manifest = _json(archive, "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != tables.FORMAT:
        raise ExportInvalid(["manifest.json: not a trainer course export."])
    version = manifest.get("format_version")
    if version != tables.FORMAT_VERSION:
        raise ExportInvalid(
            [f"manifest.json: format version {version!r}; this trainer reads version {tables.FORMAT_VERSION}."]
        )
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("course"), dict):
        raise ExportInvalid(["manifest.json: has no list of files or no course."])
    return manifest


def _check_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Every listed file is there with its checksum, and nothing else is."""
    listed: dict[str, Any] = manifest["files"]
    present = {info.filename for info in archive.infolist() if not info.is_dir()} - {"manifest.json"}
    problems = [f"{name}: listed in manifest.json but missing from the zip." for name in sorted(set(listed) - present)]
    problems += [f"{name}: in the zip but not in manifest.json." for name in sorted(present - set(listed))]
    for name in sorted(set(listed) & present):
        expected = listed[name].get("sha256") if isinstance(listed[name], dict) else None
        hasher = hashlib.sha256()
        with archive.open(name) as member:
            while chunk := member.read(1 << 20):
                hasher.update(chunk)
        if hasher.hexdigest() != expected:
            problems.append(f"{name}: its checksum does not match manifest.json (the file was changed or damaged).")
        match = _ATTACHMENT.fullmatch(name)
        if match and hasher.hexdigest() != match.group(1):
            problems.append(f"{name}: its content does not match its name (each attached file is named by its sha256).")
    if problems:
        raise ExportInvalid(problems[:_MAX_ERRORS])


def _rows(document: Any, manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """course.json's rows as the values their columns take, with every row and reference checked."""
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise ExportInvalid(["course.json: has no tables."])
    if document.get("course_id") != manifest["course"].get("id"):
        raise ExportInvalid(["course.json: its course is not the one manifest.json names."])
    given: dict[str, Any] = document["tables"]
    expected = {table.name for table in tables.exported_tables()}
    problems = [f"course.json: unknown table {name!r}." for name in sorted(set(given) - expected)]
    problems += [f"course.json: table {name!r} is missing." for name in sorted(expected - set(given))]
    if problems:
        raise ExportInvalid(problems)
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in tables.exported_tables():
        rows[table.name] = _table_rows(table, given[table.name], problems)
        if len(problems) >= _MAX_ERRORS:
            break
    if not problems:
        problems += _check_references(rows) + _check_unique(rows)
    if problems:
        raise ExportInvalid(problems[:_MAX_ERRORS])
    if len(rows["courses"]) != 1 or rows["courses"][0]["id"] != manifest["course"]["id"]:
        raise ExportInvalid(["course.json: the courses table must hold exactly the exported course."])
    return rows


def _where(table: Table, index: int, row: Any = None) -> str:
    key = f", id {row['id']}" if isinstance(row, dict) and "id" in row else ""
    return f"course.json, table {table.name}, row {index + 1}{key}"


def _table_rows(table: Table, given: Any, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(given, list):
        problems.append(f"course.json, table {table.name}: not a list of rows.")
        return []
    columns = {column.name: column for column in tables.exported_columns(table)}
    decoded = []
    for index, row in enumerate(given):
        if not isinstance(row, dict):
            problems.append(f"{_where(table, index)}: not an object.")
            continue
        if set(row) != set(columns):
            extra, missing = sorted(set(row) - set(columns)), sorted(set(columns) - set(row))
            problems.append(
                f"{_where(table, index, row)}: "
                + "; ".join(
                    part
                    for part in (
                        f"unknown columns {', '.join(extra)}" if extra else "",
                        f"missing columns {', '.join(missing)}" if missing else "",
                    )
                    if part
                )
                + "."
            )
            continue
        values = {}
        for name, column in columns.items():
            try:
                values[name] = tables.from_json(column, row[name])
            except tables.BadValue as error:
                problems.append(f"{_where(table, index, row)}: column {name} {error}.")
        decoded.append(values)
        if len(problems) >= _MAX_ERRORS:
            break
    return decoded


def _check_references(rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Each reference names a row of the export: the database will be empty, so nothing else."""
    problems = []
    for table in tables.exported_tables():
        for fk in table.foreign_keys:
            targets = {row[fk.column.name] for row in rows.get(fk.column.table.name, [])}
            for index, row in enumerate(rows[table.name]):
                value = row.get(fk.parent.name)
                if value is not None and value not in targets:
                    problems.append(
                        f"{_where(table, index, row)}: column {fk.parent.name} refers to "
                        f"{fk.column.table.name} {fk.column.name} {value}, which is not in the export."
                    )
    return problems


def _check_unique(rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Primary keys and unique columns hold no duplicates (as the database would refuse)."""
    problems = []
    for table in tables.exported_tables():
        exported = {column.name for column in tables.exported_columns(table)}
        for key in _unique_keys(table):
            if not set(key) <= exported:
                continue
            seen: dict[tuple, int] = {}
            for index, row in enumerate(rows[table.name]):
                value = tuple(_comparable(row[name]) for name in key)
                if None in value:  # NULLs never clash
                    continue
                if value in seen:
                    problems.append(
                        f"{_where(table, index, row)}: {', '.join(key)} repeats row {seen[value] + 1} "
                        f"({', '.join(str(v) for v in value)})."
                    )
                else:
                    seen[value] = index
    return problems


def _comparable(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


def _unique_keys(table: Table) -> list[tuple[str, ...]]:
    keys = [tuple(column.name for column in table.primary_key.columns)]
    keys += [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
    ]
    keys += [(column.name,) for column in table.columns if column.unique]
    return keys


# -- writing ------------------------------------------------------------------------------------


def check_target(bundle: Bundle) -> None:
    """The database is at the export's schema revision and holds none of the rows import writes."""
    connection = db.session.connection()
    here, there = schema_revision(connection), bundle.manifest.get("schema_revision")
    if here != there:
        raise ExportInvalid(
            [
                f"The export was made at schema revision {there}; this database is at {here}. Import into a "
                f"database at {there} (`flask db upgrade {there}` on an empty database, with the release that "
                "made the export), then run `flask db upgrade`."
            ]
        )
    busy = [
        table.name
        for table in tables.exported_tables()
        if table.name not in tables.MERGED_TABLES and db.session.scalar(select(exists().select_from(table)))
    ]
    if busy:
        named = ", ".join(busy[:3]) + (f" and {len(busy) - 3} more tables" if len(busy) > 3 else "")
        raise ExportInvalid(
            [
                f"The database is not empty (it has rows in {named}): import restores a course into an empty "
                "database (a new one, after `flask db upgrade`)."
            ]
        )


def import_course(bundle: Bundle) -> ImportReport:
    """Write a checked export into an empty database: rows keep their ids and times, attached files
    go back into the upload folder. Flushes; the caller commits (and on failure calls
    `discard_files`)."""
    check_target(bundle)
    counts: dict[str, int] = {}
    for table in tables.exported_tables():
        rows = bundle.rows[table.name]
        if table.name in tables.MERGED_TABLES:
            rows = _merge(table, rows, tables.MERGED_TABLES[table.name])
        counts[table.name] = len(rows)
        if rows:
            _insert(table, rows)
    _advance_sequences([table for table in tables.exported_tables() if counts[table.name]])
    db.session.flush()
    course = bundle.rows["courses"][0]
    report = ImportReport(course["id"], course["title"], counts)
    old, new = bundle.manifest.get("server_url") or "", current_app.config["SERVER_URL"]
    if urlsplit(old).hostname != urlsplit(new).hostname:
        report.warnings.append(
            f"The export came from {old} and this site is {new}: calendar events are known by the site's host "
            "name, so set SERVER_URL to the old address to keep people's calendars updating the same events."
        )
    try:
        report.written_files = _write_attachments(bundle)
    except OSError as error:
        raise ExportInvalid([f"Could not write the attached files: {error}."]) from None
    return report


def _insert(table: Table, rows: list[dict[str, Any]]) -> None:
    # A reference to a row of the same table (an organisation's association) may point to a row
    # written later: write those references empty, then fill them in.
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    first = [{**row, **dict.fromkeys(own)} for row in rows] if own else rows
    try:
        db.session.execute(insert(table), first)
        later = [row for row in rows if any(row[name] is not None for name in own)]
        if later:
            key = [column.name for column in table.primary_key.columns]
            statement = update(table).where(*(table.c[name] == bindparam(f"key_{name}") for name in key))
            db.session.execute(
                statement.values({name: bindparam(f"new_{name}") for name in own}),
                [{**{f"key_{n}": row[n] for n in key}, **{f"new_{n}": row[n] for n in own}} for row in later],
            )
    except DBAPIError as error:
        raise ExportInvalid([f"course.json, table {table.name}: the database refused it: {error.orig}"]) from None


def _merge(table: Table, rows: list[dict[str, Any]], earliest: str) -> list[dict[str, Any]]:
    """The rows the database lacks; rows it has get the earlier of the two `earliest` values."""
    key = next(k for k in _unique_keys(table) if k != tuple(c.name for c in table.primary_key.columns))
    have = {
        tuple(row[:-1]): row[-1]
        for row in db.session.execute(select(*(table.c[name] for name in key), table.c[earliest]))
    }
    missing = []
    for row in rows:
        found = tuple(row[name] for name in key)
        if found not in have:
            missing.append(row)
        elif row[earliest] < have[found]:
            db.session.execute(
                update(table).where(*(table.c[name] == row[name] for name in key)).values({earliest: row[earliest]})
            )
    return missing


def _advance_sequences(written: Iterable[Table]) -> None:
    """PostgreSQL hands out ids from a sequence that explicit ids do not move: move it past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    for table in written:
        key = list(table.primary_key.columns)
        # Only a table's own id has a sequence (completion_rules is keyed by its course).
        if len(key) != 1 or key[0].foreign_keys or key[0].name in tables.OMITTED_COLUMNS.get(table.name, {}):
            continue
        column, name = quote(key[0].name), quote(table.name)
        sql = f"SELECT setval(pg_get_serial_sequence(:table, :column), MAX({column})) FROM {name}"  # nosec B608 # our own table names, quoted
        db.session.execute(
            text(sql + f" HAVING MAX({column}) IS NOT NULL"), {"table": table.name, "column": key[0].name}
        )


def _write_attachments(bundle: Bundle) -> list[Path]:
    from trainer.groups.work import upload_folder

    folder, written = upload_folder(), []
    try:
        with zipfile.ZipFile(bundle.path) as archive:
            for digest in bundle.attachments:
                target = folder / digest
                if target.exists():  # named by content: the same name is the same file
                    continue
                partial = folder / f".{digest}.partial"
                try:
                    with archive.open(f"attachments/{digest}") as source, partial.open("wb") as output:
                        while chunk := source.read(1 << 20):
                            output.write(chunk)
                    os.replace(partial, target)
                finally:
                    partial.unlink(missing_ok=True)
                written.append(target)
    except BaseException:
        discard_files(written)
        raise
    return written


def discard_files(paths: Iterable[Path]) -> None:
    """Remove files an import wrote, when its transaction did not commit."""
    for path in paths:
        path.unlink(missing_ok=True)
