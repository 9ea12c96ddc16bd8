"""A nudge to participants who are behind on the chapters due for the next live session."""

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from trainer.content.registry import get_registry
from trainer.courses.models import Course
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.i18n import date_in_zone, mail_language, time_in_zone
from trainer.links import absolute_url
from trainer.mail.services import already_queued, build_message, queue_mail
from trainer.progress.attendance import participants
from trainer.progress.study import progress_by_user
from trainer.schedule.models import LiveSession, SessionStatus


def queue_study_nudges(now: datetime | None = None) -> int:
    """For each live session starting within NUDGE_DAYS, once per participant who has not
    finished the chapters it covers. Returns how many were queued."""
    now = now or utcnow()
    horizon = now + timedelta(days=current_app.config["NUDGE_DAYS"])
    sessions = db.session.scalars(
        select(LiveSession).where(
            LiveSession.starts_at > now, LiveSession.starts_at <= horizon, LiveSession.status == SessionStatus.SCHEDULED
        )
    ).all()
    queued = 0
    for session in sessions:
        if not session.chapters:
            continue
        course = db.session.get(Course, session.course_id)
        module = get_registry().module(course.module_slug)
        if module is None:
            continue
        people = participants(course.id)
        states = progress_by_user(module, [user.id for user in people])
        for user in people:
            behind = [
                module.chapter(slug)
                for slug in session.chapters
                if module.chapter(slug) and not states[user.id][slug].complete
            ]
            key = f"nudge:{session.id}:{user.id}"
            if behind and not already_queued(key):
                _queue_nudge(course, session, user, behind, states[user.id], key)
                queued += 1
    return queued


def _queue_nudge(course, session, user, chapters, states, key) -> None:
    zone = user.timezone or course.timezone
    items = [
        (
            chapter,
            states[chapter.slug].percent,
            absolute_url("content.chapter", module_slug=chapter.module_slug, chapter_slug=chapter.slug),
        )
        for chapter in chapters
    ]
    with force_locale(mail_language(user, course.language)):
        subject = _("Before %(session)s: chapters to finish", session=session.title)
        text = render_template(
            "mail/nudge.txt",
            user=user,
            course=course,
            session=session,
            items=items,
            date=date_in_zone(session.starts_at, zone),
            time=time_in_zone(session.starts_at, zone),
            zone=zone,
            site=current_app.config["SITE_NAME"],
        )
    queue_mail(
        build_message(user.email, user.name, subject, text, reply_to=course.contact_email),
        kind="nudge",
        user_id=user.id,
        course_id=course.id,
        dedupe_key=key,
    )
