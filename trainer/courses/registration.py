"""Registering people into a course: one by one, from a CSV file, or from an application.

A person with an account is linked, never duplicated. New people get an invitation email and
people already known get an enrolment notice; both go to the outbox in the same transaction.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer.accounts.invitations import queue_enrolment_notice, queue_invitation
from trainer.accounts.models import OrganisationKind, User
from trainer.accounts.organisations import get_or_create_organisation, member_ids
from trainer.accounts.services import create_user, get_user_by_email
from trainer.courses.models import Course, Enrolment, EnrolmentRole
from trainer.courses.services import enrol
from trainer.courses.signals import enrolled
from trainer.extensions import db
from trainer.permissions import association_seats, is_coordinator


class RegistrationError(ValueError):
    """A registration that cannot be made; the message is for the coordinator."""


@dataclass(frozen=True)
class Registration:
    name: str
    email: str
    organisation: str
    organisation_kind: str
    position: str
    country: str
    timezone: str
    language: str
    role: str
    focal_point: bool


@dataclass(frozen=True)
class Outcome:
    user: User
    created: bool  # a new account (invited) rather than a linked one
    newly_enrolled: bool


def register(course: Course, registration: Registration, *, by: User) -> Outcome:
    """Register one person (flush only); raises RegistrationError when `by` may not."""
    scope = by.coordinator_scope_id if not is_coordinator(by) else None
    organisation = None
    if registration.organisation:
        organisation = get_or_create_organisation(
            registration.organisation,
            registration.country,
            OrganisationKind(registration.organisation_kind or "other"),
            parent_id=scope,
        )
    if scope is not None:
        _check_reach(course, organisation, scope, by)
        if registration.role == EnrolmentRole.TRAINER:
            # A trainer sees every participant of the course: wider than one association's reach.
            raise RegistrationError(_("Trainers are assigned by the secretariat's coordinators."))
    user = get_user_by_email(registration.email)
    created = user is None
    if created:
        user = create_user(
            registration.email,
            registration.name,
            None,
            country=registration.country,
            timezone=registration.timezone,
            locale=registration.language or None,
            organisation_id=organisation.id if organisation else None,
            position=registration.position,
            is_focal_point=registration.focal_point,
        )
    elif user.organisation_id is None and organisation is not None:
        user.organisation_id = organisation.id
    enrolled_before = _enrolled(course.id, user.id)
    enrol(course, user, EnrolmentRole(registration.role))
    if created:
        queue_invitation(user, course.title, course.id, by.name, first=True, course_language=course.language)
    elif not enrolled_before:
        queue_enrolment_notice(user, course.title, course.id, course.language)
    if not enrolled_before:
        enrolled.send(course, user=user)
    return Outcome(user, created, not enrolled_before)


def _enrolled(course_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(select(Enrolment.id).where(Enrolment.course_id == course_id, Enrolment.user_id == user_id))
        is not None
    )


def _check_reach(course: Course, organisation, scope: int, by: User) -> None:
    """A scoped coordinator registers only their association's people, within its seats."""
    if organisation is None or not (organisation.id == scope or organisation.parent_id == scope):
        raise RegistrationError(_("You can register people of your association and its members only."))
    seats = association_seats(by, course.id)
    if seats is None:
        raise RegistrationError(_("Your association has no seats in this course."))
    taken = seats_taken(course.id, scope)
    if taken >= seats:
        raise RegistrationError(_("Your association's %(seats)d seats in this course are all taken.", seats=seats))


def seats_taken(course_id: int, association_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Enrolment.id))
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.course_id == course_id, User.organisation_id.in_(member_ids(association_id)))
        )
        or 0
    )


def register_many(course: Course, registrations: list[tuple[int, Registration]], *, by: User) -> list[Outcome]:
    """Register every row or raise RegistrationError naming the line; the caller rolls back."""
    outcomes = []
    for line, registration in registrations:
        try:
            outcomes.append(register(course, registration, by=by))
        except RegistrationError as error:
            raise RegistrationError(_("Line %(line)d: %(error)s", line=line, error=str(error))) from error
    return outcomes
