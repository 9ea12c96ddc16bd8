"""The few time-zone helpers every feature shares. Pure functions, no database.

Instants are stored in UTC; a course keeps its IANA zone name; conversion happens at the edge.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in a zone (daylight saving)."""

    def __init__(self, kind: str, day: date, at: time, zone: str):
        self.kind, self.day, self.at, self.zone = kind, day, at, zone
        super().__init__(f"{day} {at:%H:%M} is {kind} in {zone}")


@cache
def all_zones() -> tuple[str, ...]:
    """Every IANA zone a person might choose, without the legacy and posix aliases."""
    return tuple(
        sorted(
            name
            for name in available_timezones()
            if ("/" in name or name == "UTC") and not name.startswith(("posix/", "right/", "Etc/", "SystemV/", "US/"))
        )
    )


def is_valid_zone(name: str | None) -> bool:
    if not name or name not in all_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """The instant of a wall-clock time in a zone.

    :raise LocalTimeError: with kind "nonexistent" (skipped by a DST change) or "ambiguous"
        (happens twice when clocks go back).
    """
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, at)
    earlier = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    later = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if earlier == later:
        return earlier
    if earlier.astimezone(tz).replace(tzinfo=None) != naive:
        raise LocalTimeError("nonexistent", day, at, zone)
    raise LocalTimeError("ambiguous", day, at, zone)


def localise(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def utc_offset_label(instant: datetime, zone: str) -> str:
    """'UTC+05:45', 'UTC+13:00', 'UTC−03:00' (a real minus sign), 'UTC' for zero."""
    offset = localise(instant, zone).utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def zone_label(zone: str, at: datetime | None = None) -> str:
    """'Asia/Kathmandu (UTC+05:45)', with the offset in force at `at` (default: now)."""
    return f"{zone} ({utc_offset_label(at or datetime.now(UTC), zone)})"


def local_hours(instant: datetime, zone: str) -> float:
    """The wall-clock hour of an instant in a zone, as 13.5 for 13:30."""
    local = localise(instant, zone)
    return local.hour + local.minute / 60
