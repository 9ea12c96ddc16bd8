"""What a course export holds, table by table, and how each value becomes JSON or CSV text and back.

Every table of the schema is either exported (all its columns but the few listed here) or listed
in NOT_EXPORTED with the reason; a test fails when a new table or column has no decision.
"""

import csv
import enum
import io
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Enum, Float, Integer, LargeBinary, String, Table

from trainer.dbtypes import UTCDateTime
from trainer.extensions import db

FORMAT = "trainer-course-export"
FORMAT_VERSION = 1

NOT_EXPORTED: dict[str, str] = {
    "invitations": "single-use sign-in links; only their hashes are stored, and after a restore people get new ones",
    "outbox": "queued and sent email: it holds sign-in links, and it is mail history rather than course data",
    "pending_imports": "uploads waiting for a coordinator to confirm them: unfinished work behind a one-time token",
}

OMITTED_COLUMNS: dict[str, dict[str, str]] = {
    "users": {
        "password_hash": "passwords stay on the site that set them; restored people set a new one from a link",
        "feed_nonce": "the secret behind the private calendar link; a restored site gives each person a new link",
    },
    # Nobody refers to these ids, and a site may already have seen some chapter versions: rows are
    # matched on (module, chapter, version) instead, so that import can merge them.
    "chapter_versions": {"id": "a surrogate key; rows are matched on module, chapter and version"},
}

# Tables that import merges into what the database already has (matched on their unique key),
# instead of requiring them to be empty: the site records chapter versions as pages are read. Of a
# row both have, the earlier time is kept (when the chapter's text was first seen anywhere).
MERGED_TABLES = {"chapter_versions": "first_seen_at"}

# The order rows are written in (and read back): the primary key, except where it is not exported.
ROW_ORDER: dict[str, tuple[str, ...]] = {
    "chapter_versions": ("module_slug", "chapter_slug", "first_seen_at", "version"),
}


def exported_tables() -> list[Table]:
    """Every exported table, parents before children (the order import writes them in)."""
    return [table for table in db.metadata.sorted_tables if table.name not in NOT_EXPORTED]


def exported_columns(table: Table) -> list[Column]:
    omitted = OMITTED_COLUMNS.get(table.name, {})
    return [column for column in table.columns if column.name not in omitted]


def order_columns(table: Table) -> list[Column]:
    names = ROW_ORDER.get(table.name)
    return [table.c[name] for name in names] if names else list(table.primary_key.columns)


# -- values -------------------------------------------------------------------------------------


def format_instant(value: datetime) -> str:
    """UTC, ISO 8601 with a Z: 2021-11-03T01:00:00Z (microseconds when there are any)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_json(value: Any) -> Any:
    """A column's Python value (as SQLAlchemy returns it) as a JSON value."""
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def to_cell(value: Any) -> str:
    """A JSON value as a CSV cell: empty for null, true/false, lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


class BadValue(ValueError):
    """A value that does not fit its column; the message says why, for the operator."""


def from_json(column: Column, value: Any) -> Any:
    """A JSON value from an export as the Python value its column takes, checked."""
    if value is None:
        if not column.nullable:
            raise BadValue("is required")
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _instant(value)
    if isinstance(kind, Enum):  # before String: Enum is a String
        allowed = [member.value for member in kind.enum_class]
        if value not in allowed:
            raise BadValue(f"{value!r} is not one of {', '.join(allowed)}")
        return kind.enum_class(value)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise BadValue(f"{value!r} is not true or false")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue(f"{value!r} is not a whole number")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadValue(f"{value!r} is not a number")
        return float(value)
    if isinstance(kind, String):  # and Text
        if not isinstance(value, str):
            raise BadValue(f"{value!r} is not text")
        if kind.length is not None and len(value) > kind.length:
            raise BadValue(f"is longer than {kind.length} characters")
        return value
    if isinstance(kind, JSON):
        return value
    raise BadValue(f"has a type the export format does not carry ({kind!r})")


def _instant(value: Any) -> datetime:
    if not isinstance(value, str):
        raise BadValue(f"{value!r} is not a time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value!r} is not a time in ISO 8601 (2021-11-03T01:00:00Z)") from None
    if parsed.tzinfo is None:
        raise BadValue(f"{value!r} has no time zone (times are UTC, ending in Z)")
    return parsed.astimezone(UTC)


def unsupported_columns() -> list[str]:
    """Exported columns of a type this format cannot carry (binary): should be none."""
    return [
        f"{table.name}.{column.name}"
        for table in exported_tables()
        for column in exported_columns(table)
        if isinstance(column.type, LargeBinary)
    ]


def csv_bytes(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    """A table as CSV for spreadsheets: UTF-8 with a BOM (so Excel reads it), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([to_cell(row[name]) for name in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
