"""Who may do what: the one place roles are checked.

"Coordinator" is a site role on the user. "Trainer" and "participant" are roles on an
enrolment in one course, so one person can teach one course and take another. Views state
their rule with a decorator from here or a call to `require_*`; templates ask the same
functions through `can`.
"""

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, g
from flask_login import current_user, login_required
from sqlalchemy import select

from trainer.courses.models import AssociationSeats, Course, Enrolment, EnrolmentRole
from trainer.extensions import db


def is_coordinator(user) -> bool:
    """A site-wide coordinator (the secretariat)."""
    return bool(user.is_authenticated and user.is_coordinator and user.coordinator_scope_id is None)


def is_scoped_coordinator(user) -> bool:
    """A coordinator for one local-government association and its members."""
    return bool(user.is_authenticated and user.is_coordinator and user.coordinator_scope_id is not None)


def association_seats(user, course_id: int) -> int | None:
    """Seats a scoped coordinator's association has in a course (None: not allowed to fill it)."""
    if not is_scoped_coordinator(user):
        return None
    return db.session.scalar(
        select(AssociationSeats.seats).where(
            AssociationSeats.course_id == course_id, AssociationSeats.association_id == user.coordinator_scope_id
        )
    )


def can_manage_people(user, course: Course) -> bool:
    """Register, change and remove people in a course, and see their personal data.

    A graduate running a cascade course registers its people themselves.
    """
    if is_coordinator(user) or association_seats(user, course.id) is not None:
        return True
    return course.parent_course_id is not None and course_role(user, course.id) == EnrolmentRole.TRAINER


def can_read_roster(user, course: Course) -> bool:
    return can_manage_people(user, course) or course_role(user, course.id) == EnrolmentRole.TRAINER


def course_role(user, course_id: int) -> EnrolmentRole | None:
    """The user's role in a course, or None when they are not enrolled in it (once per request)."""
    if not user.is_authenticated:
        return None
    cache = g.setdefault("course_role_cache", {})
    key = (user.id, course_id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(Enrolment.role).where(Enrolment.course_id == course_id, Enrolment.user_id == user.id)
        )
    return cache[key]


def can_view_course(user, course: Course) -> bool:
    return is_coordinator(user) or course_role(user, course.id) is not None


def can_teach_course(user, course: Course) -> bool:
    return is_coordinator(user) or course_role(user, course.id) == EnrolmentRole.TRAINER


def _enrolments(user) -> list[tuple[EnrolmentRole, str, str | None]]:
    """(role, module slug, course language) of every course the user is enrolled in, the newest
    course first; one query per request, shared by the header's roles and the reader's language."""
    cached = g.get("reader_enrolments")
    if cached is None or cached[0] != user.id:
        rows = db.session.execute(
            select(Enrolment.role, Course.module_slug, Course.language)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Enrolment.user_id == user.id)
            .order_by(Course.created_at.desc(), Course.id.desc())
        )
        cached = (user.id, [(role, module, language) for role, module, language in rows])
        g.reader_enrolments = cached
    return cached[1]


def course_roles(user) -> frozenset[tuple[EnrolmentRole, str]]:
    """The (role, module slug) pairs of every course the user is enrolled in, once per request."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset((role, module) for role, module, _language in _enrolments(user))


def courses_language(user) -> str | None:
    """The language of the newest of the user's courses that has one set, or None."""
    if not user.is_authenticated:
        return None
    return next((language for _role, _module, language in _enrolments(user) if language), None)


def can_see_trainer_notes(user, module_slug: str) -> bool:
    """Coordinators, and trainers of any course of this module."""
    return is_coordinator(user) or (EnrolmentRole.TRAINER, module_slug) in course_roles(user)


def require_course_view(course: Course) -> None:
    # 404, not 403: a course you are not part of does not exist for you.
    if not (can_view_course(current_user, course) or association_seats(current_user, course.id) is not None):
        abort(404)


def require_course_teaching(course: Course) -> None:
    require_course_view(course)
    if not can_teach_course(current_user, course):
        abort(403)


def coordinator_required(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_coordinator(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def init_app(app: Flask) -> None:
    app.jinja_env.globals["is_coordinator"] = lambda: is_coordinator(current_user)


def require_roster_read(course: Course) -> None:
    require_course_view(course)
    if not can_read_roster(current_user, course):
        abort(403)


def require_people_management(course: Course) -> None:
    require_course_view(course)
    if not can_manage_people(current_user, course):
        abort(403)
