"""Data for the composed pages: a course's overview and each role's home."""

from dataclasses import dataclass
from datetime import datetime

from trainer.content.models import Chapter, Exercise, Module
from trainer.courses.models import Course, EnrolmentRole
from trainer.courses.services import list_members
from trainer.schedule.models import LiveSession
from trainer.schedule.rules import StudyPeriod, can_join, current_period, next_session, study_periods
from trainer.schedule.services import list_sessions, planned


@dataclass
class TimelineEntry:
    """The course page's schedule: each live session, preceded by the self-study it asks for."""

    session: LiveSession
    study: StudyPeriod | None
    chapters: list[Chapter]
    exercises: list[Exercise]


@dataclass
class CourseOverview:
    course: Course
    module: Module | None
    trainers: list
    timeline: list[TimelineEntry]
    next_session: LiveSession | None
    joinable: bool
    study_now: StudyPeriod | None
    study_now_chapters: list[Chapter]


def course_overview(course: Course, module: Module | None, now: datetime) -> CourseOverview:
    sessions = list_sessions(course.id)
    by_id = {session.id: session for session in sessions}
    minutes = {chapter.slug: chapter.study_minutes for chapter in module.chapters} if module else {}
    plans = planned(sessions)
    periods = {period.before: period for period in study_periods(plans, minutes)}
    chapters = _chapters(module)
    timeline = [
        TimelineEntry(
            s,
            None if s.cancelled else periods.get(s.starts_at),
            [chapters[c] for c in s.chapters if c in chapters],
            [e for e in (module.exercise(i) for i in s.exercises or ()) if e] if module else [],
        )
        for s in sessions
    ]
    upcoming = next_session(plans, now)
    study_now = current_period(list(periods.values()), now)
    return CourseOverview(
        course=course,
        module=module,
        trainers=list_members(course.id, EnrolmentRole.TRAINER),
        timeline=timeline,
        next_session=by_id[upcoming.id] if upcoming else None,
        joinable=bool(upcoming and can_join(upcoming, now)),
        study_now=study_now,
        study_now_chapters=[chapters[c] for c in study_now.chapters if c in chapters] if study_now else [],
    )


def _chapters(module: Module | None) -> dict[str, Chapter]:
    return {chapter.slug: chapter for chapter in module.chapters} if module else {}


def next_sessions(sessions_by_course: dict[int, list[LiveSession]], now: datetime) -> dict[int, LiveSession]:
    """The next (or current) live session of each course."""
    result = {}
    for course_id, sessions in sessions_by_course.items():
        upcoming = next_session(planned(sessions), now)
        if upcoming is not None:
            result[course_id] = next(s for s in sessions if s.id == upcoming.id)
    return result
