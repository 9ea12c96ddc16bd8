"""Calendar exports of the schedule: the course .ics, each person's private feed, and the
email invitations for each live session. The iCalendar text itself comes from ical.py."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from trainer.accounts.models import User
from trainer.content.models import Module
from trainer.content.registry import get_registry
from trainer.courses.models import Course, Enrolment
from trainer.dbtypes import to_id
from trainer.extensions import db
from trainer.links import absolute_url
from trainer.schedule import ical
from trainer.schedule.models import LiveSession
from trainer.schedule.rules import study_periods
from trainer.schedule.services import list_sessions, planned
from trainer.timezones import localise


def host() -> str:
    """The site's host name, for stable UIDs (session-7@trainer.example.org)."""
    return urlsplit(current_app.config["SERVER_URL"]).hostname or "localhost"


def session_description(session: LiveSession, module: Module | None) -> str:
    lines = []
    titles = [f"{c.number}. {c.title}" for slug in session.chapters if module and (c := module.chapter(slug))]
    if titles:
        lines.append(_("Chapters to prepare:"))
        lines.extend(f"- {title}" for title in titles)
    if session.agenda:
        lines.append(_("Agenda:"))
        lines.extend(f"- {item.title} ({item.minutes} min)" for item in session.agenda)
    return "\n".join(lines)


def calendar_session(course: Course, session: LiveSession, module: Module | None) -> ical.CalendarSession:
    return ical.CalendarSession(
        id=session.id,
        course_id=course.id,
        title=session.title,
        course_title=course.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        sequence=session.sequence,
        updated_at=session.updated_at,
        cancelled=session.cancelled,
        join_url=session.join_url or course.join_url,
        course_url=absolute_url("home.course", course_id=course.id),
        description=session_description(session, module),
    )


def calendar_study_periods(course: Course, sessions: list[LiveSession], module: Module | None):
    """Self-study as all-day events: from the day after one session to the day before the next."""
    if module is None:
        return []
    minutes = {chapter.slug: chapter.study_minutes for chapter in module.chapters}
    by_start = {s.starts_at: s for s in sessions}
    events = []
    for period in study_periods(planned(sessions), minutes):
        if period.after is None:
            continue  # before the first session: nothing to bound it
        first = localise(period.after, course.timezone).date() + timedelta(days=1)
        last = localise(period.before, course.timezone).date() - timedelta(days=1)
        if last < first:
            continue
        session = by_start[period.before]
        numbers = [str(c.number) for slug in period.chapters if (c := module.chapter(slug))]
        events.append(
            ical.CalendarStudyPeriod(
                course_id=course.id,
                session_id=session.id,
                title=_(
                    "Self-study before %(session)s: chapters %(chapters)s",
                    session=session.title,
                    chapters=", ".join(numbers),
                ),
                first_day=first,
                last_day=last,
                description="\n".join(f"- {c.title}" for slug in period.chapters if (c := module.chapter(slug))),
                course_url=absolute_url("home.course", course_id=course.id),
                updated_at=max(session.updated_at, *(s.updated_at for s in sessions)),
                sequence=session.sequence,
            )
        )
    return events


def _organizer(course: Course | None) -> ical.Organizer:
    config = current_app.config
    if course is not None and course.contact_email:
        return ical.Organizer(course.contact_email, course.title)
    return ical.Organizer(config["MAIL_DEFAULT_SENDER"], config["SITE_NAME"])


def _alarm() -> int | None:
    return current_app.config["CALENDAR_ALARM_MINUTES"] or None


def _stamp(sessions: list[LiveSession], fallback: datetime) -> datetime:
    # The last change, not the time of the request: the same schedule exports the same bytes.
    return max((s.updated_at for s in sessions), default=fallback)


@lru_cache(maxsize=256)
def _publish(
    sessions: tuple[ical.CalendarSession, ...], periods: tuple[ical.CalendarStudyPeriod, ...], **options
) -> bytes:
    """ical.build_publish, remembered by its arguments (plain frozen data, and the function is pure).

    Calendar apps poll feeds every few hours and most polls find nothing changed: the queries still
    run, but the same inputs no longer pay for writing the same iCalendar text again, which was
    two thirds of a feed request (a 304 included, as its ETag is the body's hash)."""
    return ical.build_publish(sessions, periods, **options)


def course_calendar(course: Course) -> tuple[bytes, datetime]:
    """The course's .ics (METHOD:PUBLISH, no attendees) and when it last changed."""
    module = get_registry().module(course.module_slug)
    sessions = list_sessions(course.id)
    stamp = _stamp(sessions, course.created_at)
    body = _publish(
        tuple(calendar_session(course, s, module) for s in sessions),
        tuple(calendar_study_periods(course, sessions, module)),
        organizer=_organizer(course),
        zone=course.timezone,
        host=host(),
        name=course.title,
        refresh_minutes=current_app.config["CALENDAR_REFRESH_MINUTES"],
        alarm_minutes=_alarm(),
        now=stamp,
    )
    return body, stamp


def person_calendar(user: User) -> tuple[bytes, datetime]:
    """Every live session and study period of all the person's courses, past ones included."""
    courses = list(
        db.session.scalars(
            select(Course)
            .join(Enrolment, Enrolment.course_id == Course.id)
            .where(Enrolment.user_id == user.id)
            .order_by(Course.id)
        )
    )
    sessions, periods, everything = [], [], []
    for course in courses:
        module = get_registry().module(course.module_slug)
        course_sessions = list_sessions(course.id)
        everything.extend(course_sessions)
        sessions.extend(calendar_session(course, s, module) for s in course_sessions)
        periods.extend(calendar_study_periods(course, course_sessions, module))
    zone = user.timezone or (courses[0].timezone if courses else "UTC")
    stamp = _stamp(everything, user.created_at)
    body = _publish(
        tuple(sessions),
        tuple(periods),
        organizer=_organizer(None),
        zone=zone,
        host=host(),
        name=f"{current_app.config['SITE_NAME']}: {user.name}",
        refresh_minutes=current_app.config["CALENDAR_REFRESH_MINUTES"],
        alarm_minutes=_alarm(),
        now=stamp,
    )
    return body, stamp


# -- the private feed link ----------------------------------------------------------------


def _signature(user_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:40]


def feed_token(user: User) -> str:
    """The user's feed token, creating the secret behind it on first use (flush only)."""
    if not user.feed_nonce:
        user.feed_nonce = secrets.token_urlsafe(24)
        db.session.flush()
    return f"{user.id}-{_signature(user.id, user.feed_nonce)}"


def reset_feed_token(user: User) -> str:
    user.feed_nonce = secrets.token_urlsafe(24)
    db.session.flush()
    return feed_token(user)


def user_for_feed_token(token: str) -> User | None:
    number, _sep, signature = token.partition("-")
    try:
        user_id = to_id(number)
    except ValueError:
        return None
    user = db.session.get(User, user_id) if len(signature) == 40 else None
    if user is None or not user.feed_nonce or not user.is_active:
        return None
    return user if hmac.compare_digest(signature, _signature(user.id, user.feed_nonce)) else None
