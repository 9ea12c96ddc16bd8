"""Email for live sessions: calendar invitations (REQUEST, updates, CANCEL) and reminders.

Each message is queued with a key that names what it is (session, person, version), so the
same invitation or reminder is never queued twice, whoever asks and however often.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.accounts.models import User
from trainer.content.registry import get_registry
from trainer.courses.models import Course, Enrolment
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.i18n import date_in_zone, mail_language, time_in_zone
from trainer.mail.services import Alternative, Attachment, already_queued, build_message, queue_mail
from trainer.schedule import ical
from trainer.schedule.calendars import calendar_session, host
from trainer.schedule.models import LiveSession, SessionStatus
from trainer.timezones import utc_offset_label


def _people(course_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).join(Enrolment, Enrolment.user_id == User.id).where(Enrolment.course_id == course_id)
        )
    )


def queue_session_invitations(course: Course, session: LiveSession, people: list[User] | None = None) -> int:
    """Invite everyone enrolled (or `people`) to this version of the session; returns how many were queued."""
    method = "CANCEL" if session.cancelled else "REQUEST"
    queued = 0
    for user in people if people is not None else _people(course.id):
        key = f"invite:{session.id}:{user.id}:{session.sequence}:{method}"
        if not already_queued(key):
            _queue_invitation(course, session, user, method, key)
            queued += 1
    return queued


def _queue_invitation(course: Course, session: LiveSession, user: User, method: str, key: str) -> None:
    module = get_registry().module(course.module_slug)
    event = calendar_session(course, session, module)
    organizer = ical.Organizer(course.contact_email or current_app.config["MAIL_DEFAULT_SENDER"], course.title)
    body = ical.build_invitation(
        event,
        attendee=ical.Attendee(user.email, user.name),
        organizer=organizer,
        zone=course.timezone,
        host=host(),
        alarm_minutes=current_app.config["CALENDAR_ALARM_MINUTES"] or None,
        now=utcnow(),
        method=method,
    ).decode("utf-8")
    zone = user.timezone or course.timezone
    with force_locale(mail_language(user, course.language)):
        if method == "CANCEL":
            subject = _("Cancelled: %(session)s, %(course)s", session=session.title, course=course.title)
        elif session.sequence:
            subject = _("Updated: %(session)s, %(course)s", session=session.title, course=course.title)
        else:
            subject = _("Invitation: %(session)s, %(course)s", session=session.title, course=course.title)
        text = render_template("mail/session.txt", **_context(course, session, user, zone, method, event))
    message = build_message(
        user.email,
        user.name,
        subject,
        text,
        reply_to=organizer.email,
        alternatives=(Alternative(body, "calendar", {"method": method}),),
        attachments=(Attachment("invite.ics", body.encode(), "application", "ics"),),
    )
    queue_mail(message, kind="invite", user_id=user.id, course_id=course.id, dedupe_key=key)


def _context(course: Course, session: LiveSession, user: User, zone: str, method: str, event) -> dict:
    return {
        "user": user,
        "course": course,
        "session": session,
        "method": method,
        "zone": zone,
        "date": date_in_zone(session.starts_at, zone),
        "start": time_in_zone(session.starts_at, zone),
        "end": time_in_zone(session.ends_at, zone),
        "offset": utc_offset_label(session.starts_at, zone),
        "join_url": event.join_url,
        "course_url": event.course_url,
        "description": event.description,
        "site": current_app.config["SITE_NAME"],
    }


def invite_to_upcoming_sessions(course: Course, user: User) -> int:
    """Someone added to a course gets the current version of every session still to come."""
    upcoming = db.session.scalars(
        select(LiveSession)
        .options(selectinload(LiveSession.agenda))
        .where(
            LiveSession.course_id == course.id,
            LiveSession.ends_at > utcnow(),
            LiveSession.status == SessionStatus.SCHEDULED,
        )
    )
    return sum(queue_session_invitations(course, session, [user]) for session in upcoming)


@dataclass
class ReminderReport:
    queued: int = 0
    sessions: int = 0


def queue_reminders(now: datetime | None = None) -> ReminderReport:
    """Reminders for live sessions starting within REMINDER_HOURS, once per person and version."""
    now = now or utcnow()
    horizon = now + timedelta(hours=current_app.config["REMINDER_HOURS"])
    report = ReminderReport()
    sessions = db.session.scalars(
        select(LiveSession)
        .options(selectinload(LiveSession.agenda))
        .where(
            LiveSession.starts_at > now, LiveSession.starts_at <= horizon, LiveSession.status == SessionStatus.SCHEDULED
        )
    ).all()
    for session in sessions:
        course = db.session.get(Course, session.course_id)
        report.sessions += 1
        for user in _people(course.id):
            key = f"reminder:{session.id}:{user.id}:{session.sequence}"
            if not already_queued(key):
                _queue_reminder(course, session, user, key)
                report.queued += 1
    return report


def _queue_reminder(course: Course, session: LiveSession, user: User, key: str) -> None:
    zone = user.timezone or course.timezone
    module = get_registry().module(course.module_slug)
    event = calendar_session(course, session, module)
    with force_locale(mail_language(user, course.language)):
        subject = _(
            "Reminder: %(session)s starts %(date)s, %(time)s",
            session=session.title,
            date=date_in_zone(session.starts_at, zone, "medium"),
            time=time_in_zone(session.starts_at, zone),
        )
        text = render_template("mail/reminder.txt", **_context(course, session, user, zone, "REQUEST", event))
    queue_mail(
        build_message(user.email, user.name, subject, text, reply_to=course.contact_email),
        kind="reminder",
        user_id=user.id,
        course_id=course.id,
        dedupe_key=key,
    )
