"""New sign-in links after a restore: passwords are never exported, so restored people set a new
one from the same single-use invitation link that registration sends."""

from flask import current_app
from sqlalchemy import select

from trainer.accounts.invitations import queue_invitation
from trainer.accounts.models import User
from trainer.accounts.services import normalise_email
from trainer.courses.models import Course, Enrolment
from trainer.extensions import db


class InviteError(Exception):
    """Nobody to invite, or an address nobody has; the message says which."""


def invite(emails: list[str] | None = None) -> list[User]:
    """Queue an invitation for each person named, or (with none named) for every active person who
    has no password. Each link replaces earlier ones. Flushes; the caller commits and
    `flask mail send-outbox` sends."""
    if emails:
        wanted = {normalise_email(email) for email in emails}
        people = list(db.session.scalars(select(User).where(User.email.in_(wanted)).order_by(User.id)))
        unknown = sorted(wanted - {person.email for person in people})
        if unknown:
            raise InviteError(f"Nobody has the email {', '.join(unknown)}.")
    else:
        people = list(
            db.session.scalars(
                select(User).where(User.password_hash.is_(None), User.active.is_(True)).order_by(User.id)
            )
        )
    for person in people:
        course = _latest_course(person)
        queue_invitation(
            person,
            course.title if course else None,
            course.id if course else None,
            current_app.config["SITE_NAME"],
            course_language=course.language if course else None,
        )
    return people


def _latest_course(person: User) -> Course | None:
    return db.session.scalar(
        select(Course)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == person.id)
        .order_by(Enrolment.created_at.desc(), Course.id.desc())
        .limit(1)
    )
