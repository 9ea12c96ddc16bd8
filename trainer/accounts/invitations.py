"""Invitations: a single-use, expiring link to set a password and confirm zone and language."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from trainer.accounts.models import Invitation, User
from trainer.accounts.services import set_password
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.i18n import mail_language
from trainer.links import absolute_url
from trainer.mail.services import build_message, queue_mail


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(user: User, first: bool = False) -> str:
    """A new link for the user; earlier unused links stop working. Returns the token.

    :param first: the user was just created, so there is no earlier link to revoke.
    """
    now = utcnow()
    if not first:
        db.session.execute(
            update(Invitation)
            .where(Invitation.user_id == user.id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    token = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_DAYS"]
    db.session.add(
        Invitation(user_id=user.id, token_hash=_hash(token), created_at=now, expires_at=now + timedelta(days=days))
    )
    db.session.flush()
    return token


def find_invitation(token: str) -> Invitation | None:
    """The usable invitation for a token, or None (unknown, used, revoked or expired)."""
    if not token or len(token) > 100:
        return None
    # Looking up a hash of a random token leaks nothing through timing.
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
    if invitation is None or invitation.used_at or invitation.revoked_at or invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(invitation: Invitation, password: str, timezone: str | None, locale: str | None) -> User:
    user = db.session.get(User, invitation.user_id)
    set_password(user, password)
    user.timezone, user.locale = timezone, locale
    now = utcnow()
    user.joined_at = user.joined_at or now
    user.last_login_at = now
    invitation.used_at = now
    db.session.flush()
    return user


def queue_invitation(
    user: User,
    course_title: str | None,
    course_id: int | None,
    invited_by: str,
    first: bool = False,
    course_language: str | None = None,
) -> None:
    """Write the invitation email to the outbox, in the recipient's language (else the course's)."""
    token = create_invitation(user, first=first)
    link = absolute_url("accounts.accept_invitation", token=token)
    with force_locale(mail_language(user, course_language)):
        subject = _("You are invited to %(site)s", site=current_app.config["SITE_NAME"])
        if course_title:
            subject = _("Your place in %(course)s", course=course_title)
        context = {
            "user": user,
            "link": link,
            "course_title": course_title,
            "invited_by": invited_by,
            "days": current_app.config["INVITATION_DAYS"],
            "site": current_app.config["SITE_NAME"],
        }
        text = render_template("mail/invitation.txt", **context)
        html = render_template("mail/invitation.html", **context)
    queue_mail(
        build_message(user.email, user.name, subject, text, html),
        kind="invitation",
        user_id=user.id,
        course_id=course_id,
    )


def queue_enrolment_notice(user: User, course_title: str, course_id: int, course_language: str | None = None) -> None:
    """Tell someone who already has an account that they were added to a course."""
    link = absolute_url("home.course", course_id=course_id)
    with force_locale(mail_language(user, course_language)):
        subject = _("You are enrolled in %(course)s", course=course_title)
        context = {"user": user, "link": link, "course_title": course_title, "site": current_app.config["SITE_NAME"]}
        text = render_template("mail/enrolment.txt", **context)
    queue_mail(
        build_message(user.email, user.name, subject, text), kind="enrolment", user_id=user.id, course_id=course_id
    )
