"""Schedule drafts and patterns: pure functions, no database.

A draft is what a person types (a date and wall-clock times in the course's zone); it becomes
instants in UTC only through `resolve`, which refuses times that DST makes impossible.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from flask_babel import gettext as _

from trainer.timezones import LocalTimeError, local_to_utc


class Pattern(StrEnum):
    THREE_DAYS = "three-days"  # day 1, N weeks of self-study, then two consecutive days
    WEEKLY = "weekly"
    SINGLE_DAY = "single-day"


@dataclass(frozen=True)
class AgendaDraft:
    title: str
    minutes: int
    trainer_id: int | None = None


@dataclass(frozen=True)
class SessionDraft:
    title: str
    day: date
    start: time
    end: time
    chapters: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()
    agenda: tuple[AgendaDraft, ...] = ()
    join_url: str | None = None


@dataclass
class DraftErrors:
    """Errors by form field name, for messages beside the field."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def resolve(draft: SessionDraft, zone: str) -> tuple[datetime, datetime] | DraftErrors:
    """The session's start and end as UTC instants, or the errors that prevent it."""
    errors = DraftErrors()
    instants: dict[str, datetime] = {}
    for name, at in (("start", draft.start), ("end", draft.end)):
        try:
            instants[name] = local_to_utc(draft.day, at, zone)
        except LocalTimeError as error:
            values = {"time": f"{at:%H:%M}", "date": draft.day.isoformat(), "zone": zone}
            if error.kind == "nonexistent":
                errors.add(name, _("%(time)s does not exist on %(date)s in %(zone)s: clocks skip it.", **values))
            else:
                errors.add(name, _("%(time)s happens twice on %(date)s in %(zone)s: choose another time.", **values))
    if not errors and instants["end"] <= instants["start"]:
        errors.add("end", _("The end must be after the start."))
    return errors if errors else (instants["start"], instants["end"])


def split_chapters(slugs: list[str], parts: int) -> list[tuple[str, ...]]:
    """Split chapters in order into `parts` runs, the earlier runs taking any extra: 6 → 2/2/2."""
    if parts <= 0:
        return []
    size, extra = divmod(len(slugs), parts)
    runs, position = [], 0
    for index in range(parts):
        length = size + (1 if index < extra else 0)
        runs.append(tuple(slugs[position : position + length]))
        position += length
    return runs


def default_agenda(start: time, end: time) -> tuple[AgendaDraft, ...]:
    """Welcome, presentation, breakout exercise, plenary sharing and wrap-up, filling the session."""
    total = (datetime.combine(date.min, end) - datetime.combine(date.min, start)) // timedelta(minutes=1)
    shares = [
        ("Welcome and recap", 0.1),
        ("Presentation", 0.3),
        ("Breakout group exercise", 0.3),
        ("Plenary: groups share", 0.2),
        ("Wrap-up and what to study next", 0.1),
    ]
    items = [AgendaDraft(title, max(5, round(total * share / 5) * 5)) for title, share in shares]
    used = sum(item.minutes for item in items[:-1])
    items[-1] = AgendaDraft(items[-1].title, max(5, total - used))
    return tuple(items)


def generate(
    pattern: Pattern,
    first_day: date,
    start: time,
    end: time,
    chapters: list[str],
    *,
    weeks_between: int = 3,
    sessions: int = 6,
) -> list[SessionDraft]:
    """Session drafts for a pattern; every field stays editable afterwards."""
    if pattern == Pattern.THREE_DAYS:
        second = first_day + timedelta(weeks=weeks_between)
        days = [first_day, second, second + timedelta(days=1)]
    elif pattern == Pattern.WEEKLY:
        days = [first_day + timedelta(weeks=week) for week in range(sessions)]
    else:
        days = [first_day]
    runs = split_chapters(chapters, len(days))
    agenda = default_agenda(start, end)
    return [
        SessionDraft(
            f"Day {number}" if pattern != Pattern.WEEKLY else f"Session {number}", day, start, end, run, agenda=agenda
        )
        for number, (day, run) in enumerate(zip(days, runs, strict=True), start=1)
    ]
