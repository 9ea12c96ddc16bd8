"""What makes a schedule wrong (errors) or worth a second look (warnings), and what it implies
for participants: self-study periods, the next session, the join window. Pure functions."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _

from trainer.timezones import local_hours, localise

EARLIEST_HOUR, LATEST_HOUR = 7, 22
JOIN_LEAD = timedelta(minutes=15)


@dataclass(frozen=True)
class PlannedSession:
    """The facts about a session these rules need, whether it is saved or a draft."""

    id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    chapters: tuple[str, ...]
    cancelled: bool = False


@dataclass(frozen=True)
class ScheduleWarning:
    message: str
    session_title: str | None = None
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class StudyPeriod:
    """The time before a live session, with the chapters to study for it."""

    after: datetime | None  # the end of the previous session (None: before the first)
    before: datetime  # the start of the session the study prepares for
    session_title: str
    chapters: tuple[str, ...]
    minutes: int


def overlapping(candidate: PlannedSession, others: list[PlannedSession]) -> PlannedSession | None:
    for other in others:
        if other.cancelled or (candidate.id is not None and other.id == candidate.id):
            continue
        if candidate.starts_at < other.ends_at and other.starts_at < candidate.ends_at:
            return other
    return None


def active(sessions: list[PlannedSession]) -> list[PlannedSession]:
    return sorted((s for s in sessions if not s.cancelled), key=lambda s: s.starts_at)


def schedule_warnings(
    sessions: list[PlannedSession], module_chapters: list[str], people_zones: dict[str, str]
) -> list[ScheduleWarning]:
    """Chapters covered twice, never, or out of order; sessions at unkind hours for someone."""
    warnings: list[ScheduleWarning] = []
    covered: list[str] = [slug for session in active(sessions) for slug in session.chapters]
    for slug in sorted({s for s in covered if covered.count(s) > 1}, key=module_chapters.index):
        warnings.append(
            ScheduleWarning(
                _("Chapter %(number)d is covered by more than one session.", number=module_chapters.index(slug) + 1)
            )
        )
    for number, slug in enumerate(module_chapters, start=1):
        if slug not in covered:
            warnings.append(ScheduleWarning(_("Chapter %(number)d is not covered by any session.", number=number)))
    positions = [module_chapters.index(slug) for slug in covered if slug in module_chapters]
    if positions != sorted(positions):
        warnings.append(ScheduleWarning(_("The sessions cover the chapters out of their order.")))
    for session in active(sessions):
        people = tuple(sorted(name for name, zone in people_zones.items() if not _kind_hours(session, zone)))
        if people:
            warnings.append(
                ScheduleWarning(
                    _(
                        "Outside %(start)s–%(end)s in some participants' own time zones.",
                        start=f"{EARLIEST_HOUR:02d}:00",
                        end=f"{LATEST_HOUR:02d}:00",
                    ),
                    session.title,
                    people,
                )
            )
    return warnings


def _kind_hours(session: PlannedSession, zone: str) -> bool:
    start, end = localise(session.starts_at, zone), localise(session.ends_at, zone)
    if start.date() != end.date() and local_hours(session.ends_at, zone) > 0:
        return False  # runs past midnight
    end_hour = local_hours(session.ends_at, zone) or 24
    return local_hours(session.starts_at, zone) >= EARLIEST_HOUR and end_hour <= LATEST_HOUR


def study_periods(sessions: list[PlannedSession], minutes_by_chapter: dict[str, int]) -> list[StudyPeriod]:
    """One period before each live session that has chapters: study them before it starts."""
    periods, previous_end = [], None
    for session in active(sessions):
        if session.chapters:
            minutes = sum(minutes_by_chapter.get(slug, 0) for slug in session.chapters)
            periods.append(StudyPeriod(previous_end, session.starts_at, session.title, session.chapters, minutes))
        previous_end = session.ends_at
    return periods


def current_period(periods: list[StudyPeriod], now: datetime) -> StudyPeriod | None:
    """The period under way: the first whose session has not started yet."""
    return next((period for period in periods if now < period.before), None)


def next_session(sessions: list[PlannedSession], now: datetime) -> PlannedSession | None:
    """The session under way, or else the next one to start."""
    return next((s for s in active(sessions) if s.ends_at > now), None)


def can_join(session: PlannedSession, now: datetime) -> bool:
    return session.starts_at - JOIN_LEAD <= now <= session.ends_at
