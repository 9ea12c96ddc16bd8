"""Self-registration: focal points apply on a public page; a coordinator approves or rejects."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from trainer.accounts.organisations import get_organisation
from trainer.countries import suggested_zone
from trainer.courses.forms import ApplicationForm, ConfirmForm
from trainer.courses.models import Application, ApplicationStatus
from trainer.courses.registration import Registration, RegistrationError, register
from trainer.courses.services import get_course
from trainer.dbtypes import utcnow
from trainer.extensions import db, limiter
from trainer.permissions import is_scoped_coordinator, require_people_management


@limiter.limit("10 per hour", methods=["POST"])
def apply(course_id: int):
    course = get_course(course_id)
    if course is None or not course.self_registration:
        abort(404)
    form = ApplicationForm()
    if form.validate_on_submit():
        db.session.add(
            Application(
                course_id=course.id,
                name=form.name.data.strip(),
                email=form.email.data,
                organisation=(form.organisation.data or "").strip(),
                organisation_kind=form.organisation_kind.data,
                position=(form.position.data or "").strip(),
                country=form.country.data,
                timezone=form.timezone.data or suggested_zone(form.country.data) or course.timezone,
                language=form.language.data,
                is_focal_point=form.focal_point.data,
                motivation=form.motivation.data or "",
            )
        )
        db.session.commit()
        return render_template("courses/applied.html", course=course)
    status = 422 if form.is_submitted() else 200
    return render_template("courses/apply.html", course=course, form=form), status


@login_required
def queue(course_id: int):
    course = get_course(course_id) or abort(404)
    require_people_management(course)
    applications = [
        a
        for a in db.session.scalars(
            select(Application)
            .where(Application.course_id == course.id)
            .order_by(Application.status, Application.created_at)
        )
        if _in_reach(a)
    ]
    return render_template("courses/applications.html", course=course, applications=applications, form=ConfirmForm())


@login_required
def decide(course_id: int, application_id: int, decision: str):
    course = get_course(course_id) or abort(404)
    require_people_management(course)
    application = db.session.get(Application, application_id)
    if application is None or application.course_id != course.id or decision not in ("approve", "reject"):
        abort(404)
    if not _in_reach(application):
        abort(404)
    if not ConfirmForm().validate_on_submit() or application.status != ApplicationStatus.PENDING:
        return redirect(url_for("courses.queue", course_id=course.id))
    if decision == "approve":
        try:
            register(course, _registration(application), by=current_user)
        except RegistrationError as error:
            flash(str(error), "error")
            return redirect(url_for("courses.queue", course_id=course.id))
    application.status = ApplicationStatus.APPROVED if decision == "approve" else ApplicationStatus.REJECTED
    application.decided_at, application.decided_by_id = utcnow(), current_user.id
    db.session.commit()
    message = (
        _("%(name)s is registered and invited.") if decision == "approve" else _("%(name)s's application is declined.")
    )
    flash(message % {"name": application.name}, "success")
    return redirect(url_for("courses.queue", course_id=course.id))


def _registration(application: Application) -> Registration:
    return Registration(
        application.name,
        application.email,
        application.organisation,
        application.organisation_kind,
        application.position,
        application.country,
        application.timezone,
        application.language,
        "participant",
        application.is_focal_point,
    )


def _in_reach(application: Application) -> bool:
    """An association's coordinator sees applications from their association and its members only."""
    if not is_scoped_coordinator(current_user):
        return True
    organisation = get_organisation(application.organisation, application.country) if application.organisation else None
    scope = current_user.coordinator_scope_id
    return organisation is not None and scope in (organisation.id, organisation.parent_id)
