"""Column types shared by every feature."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

# The largest id an id column holds (INTEGER). Past it the database raises an error instead of
# finding nothing (PostgreSQL: "integer out of range"; SQLite past 2**63 - 1), so an id from a URL,
# a form or a query string is checked first.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_id(value: object) -> int:
    """A whole number from 0 to MAX_ID written in ASCII digits, or ValueError.

    For ids and counters typed or tampered with: `request.args.get(name, type=to_id)` gives the
    default instead, and `coerce=to_id` a form error. Not int(): it takes "١٢" and " 7", and
    str.isdigit() passes "²", which int() then refuses.
    """
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        raise ValueError(f"not an id: {text[:20]!r}")
    return int(text)


def id_or_none(value: object) -> int | None:
    """to_id(value), or None for anything else (a form's `coerce`, a choice someone made up)."""
    try:
        return to_id(value)
    except ValueError:
        return None


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs, up to MAX_ID: a larger number is a 404 like any unknown id."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class UTCDateTime(TypeDecorator):
    """An instant, stored in UTC and always returned timezone-aware.

    SQLite keeps no offset, so a naive value read back is taken to be UTC; writing a naive
    value is a bug (a local time with no zone) and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store instants as timezone-aware UTC")
        value = value.astimezone(UTC)
        # SQLite compares datetimes as text: keep one format, without an offset.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
