"""Reading and writing a course's schedule. Services flush; the caller commits."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.courses.models import Course
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.schedule.models import AgendaItem, LiveSession, SessionStatus
from trainer.schedule.planning import DraftErrors, SessionDraft, resolve
from trainer.schedule.rules import PlannedSession, overlapping


def list_sessions(course_id: int) -> list[LiveSession]:
    """A course's sessions in time order, with their agendas and the agendas' trainers."""
    return list(
        db.session.scalars(
            select(LiveSession)
            .where(LiveSession.course_id == course_id)
            .options(selectinload(LiveSession.agenda).joinedload(AgendaItem.trainer))
            .order_by(LiveSession.starts_at, LiveSession.id)
        )
    )


def list_sessions_of_courses(course_ids: list[int]) -> dict[int, list[LiveSession]]:
    """Sessions (without agendas) of several courses at once, by course id."""
    by_course: dict[int, list[LiveSession]] = {course_id: [] for course_id in course_ids}
    if course_ids:
        rows = db.session.scalars(
            select(LiveSession).where(LiveSession.course_id.in_(course_ids)).order_by(LiveSession.starts_at)
        )
        for session in rows:
            by_course[session.course_id].append(session)
    return by_course


def course_date_ranges(course_ids: list[int]) -> dict[int, tuple]:
    """First start and last end of each course's sessions, from one GROUP BY."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(LiveSession.course_id, func.min(LiveSession.starts_at), func.max(LiveSession.ends_at))
        .where(LiveSession.course_id.in_(course_ids), LiveSession.status == SessionStatus.SCHEDULED)
        .group_by(LiveSession.course_id)
    )
    # Aggregates bypass the column type on SQLite: read them back through it.
    column_type = LiveSession.__table__.c.starts_at.type
    dialect = db.engine.dialect
    return {
        course_id: tuple(column_type.process_result_value(_parse(v), dialect) for v in (first, last))
        for course_id, first, last in rows
    }


def _parse(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def get_session(course_id: int, session_id: int) -> LiveSession | None:
    return db.session.scalar(
        select(LiveSession)
        .where(LiveSession.course_id == course_id, LiveSession.id == session_id)
        .options(selectinload(LiveSession.agenda))
    )


def planned(sessions: list[LiveSession]) -> list[PlannedSession]:
    return [
        PlannedSession(s.id, s.title, s.starts_at, s.ends_at, tuple(s.chapters or ()), s.cancelled) for s in sessions
    ]


def save_session(course: Course, draft: SessionDraft, session: LiveSession | None = None) -> LiveSession | DraftErrors:
    """Create or change a session from a draft in the course's zone; errors leave nothing written."""
    resolved = resolve(draft, course.timezone)
    if isinstance(resolved, DraftErrors):
        return resolved
    starts_at, ends_at = resolved
    candidate = PlannedSession(session.id if session else None, draft.title, starts_at, ends_at, draft.chapters)
    clash = overlapping(candidate, planned(list_sessions(course.id)))
    if clash is not None:
        errors = DraftErrors()
        errors.add("start", _("This overlaps with “%(title)s”.", title=clash.title))
        return errors
    if session is None:
        session = LiveSession(course_id=course.id, sequence=0)
        db.session.add(session)
    elif (session.starts_at, session.ends_at) != (starts_at, ends_at):
        session.sequence += 1  # a calendar update, not a new event
    session.title = draft.title.strip()
    session.starts_at, session.ends_at = starts_at, ends_at
    session.chapters, session.exercises = list(draft.chapters), list(draft.exercises)
    session.join_url = draft.join_url or None
    session.updated_at = utcnow()
    session.agenda = [
        AgendaItem(position=position, title=item.title.strip(), minutes=item.minutes, trainer_id=item.trainer_id)
        for position, item in enumerate(draft.agenda)
    ]
    db.session.flush()
    return session


def set_cancelled(session: LiveSession, cancelled: bool) -> None:
    status = SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED
    if session.status != status:
        session.status = status
        session.sequence += 1
        session.updated_at = utcnow()
        db.session.flush()


def apply_pattern(course: Course, drafts: list[SessionDraft]) -> list[LiveSession] | DraftErrors:
    """Create every session of a pattern, or none of them: all are checked before any is written."""
    errors = DraftErrors()
    accepted = planned(list_sessions(course.id))
    for draft in drafts:
        resolved = resolve(draft, course.timezone)
        if isinstance(resolved, DraftErrors):
            problems = [message for messages in resolved.by_field.values() for message in messages]
        else:
            candidate = PlannedSession(None, draft.title, *resolved, draft.chapters)
            clash = overlapping(candidate, accepted)
            problems = [_("This overlaps with “%(title)s”.", title=clash.title)] if clash else []
            accepted.append(candidate)
        for problem in problems:
            errors.add("first_day", f"{draft.title} ({draft.day.isoformat()}): {problem}")
    if errors:
        return errors
    return [save_session(course, draft) for draft in drafts]
