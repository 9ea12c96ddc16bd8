from datetime import date, datetime, time, timedelta

from trainer.courses.models import Course
from trainer.schedule.planning import SessionDraft
from trainer.schedule.services import save_session

CH = [
    "what-is-decentralized-cooperation",
    "why-dc-matters-for-the-global-agenda",
    "how-dc-works-in-practice",
    "designing-dc-with-the-sdgs",
    "who-we-work-with",
    "who-dc-is-for",
]


def make_session(course: Course, day: date, start=time(13), end=time(16), chapters=(), title="Day"):
    return save_session(course, SessionDraft(title, day, start, end, tuple(chapters)))


def make_session_at(course: Course, starts_at: datetime, minutes: int = 60, title="Day"):
    """A session at an exact UTC instant relative to now. Built from the local clock time,
    a session starting late in the evening would cross midnight, which a session may not,
    so a test would fail at some hours of the day; this sets the instants directly."""
    session = make_session(course, starts_at.date(), time(1), time(2), title=title)
    session.starts_at, session.ends_at = starts_at, starts_at + timedelta(minutes=minutes)
    return session
