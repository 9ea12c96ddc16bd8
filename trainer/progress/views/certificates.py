"""The completion rule, who meets it, and certificates: issue, download, verify, revoke."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from trainer.accounts.models import User
from trainer.content.registry import get_registry
from trainer.courses.models import Course, EnrolmentRole
from trainer.courses.services import get_course, list_members
from trainer.extensions import db, limiter
from trainer.links import absolute_url
from trainer.pagination import paginate, requested_page
from trainer.permissions import coordinator_required, is_coordinator, require_course_teaching
from trainer.progress import completion
from trainer.schedule.services import list_sessions
from trainer.security import is_safe_next


class RuleForm(FlaskForm):
    min_attendance_percent = IntegerField(
        _l("Minimum share of each live session attended (%)"), validators=[DataRequired(), NumberRange(min=1, max=100)]
    )
    require_all_sessions = BooleanField(_l("Attend every live session"))
    require_all_chapters = BooleanField(_l("Complete every chapter"))
    require_group_exercises = BooleanField(_l("The person's group submitted every group exercise"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Say why, for the record.")), Length(max=1000)])


class IssueForm(FlaskForm):
    pass


@login_required
def completion_page(course_id: int):
    course = get_course(course_id) or abort(404)
    require_course_teaching(course)
    rule = completion.get_rule(course.id)
    form = RuleForm(obj=rule)
    if request.method == "POST" and "min_attendance_percent" in request.form:
        if not is_coordinator(current_user):
            abort(403)
        if form.validate_on_submit():
            completion.save_rule(
                course.id,
                **{
                    name: getattr(form, name).data
                    for name in (
                        "min_attendance_percent",
                        "require_all_sessions",
                        "require_all_chapters",
                        "require_group_exercises",
                    )
                },
            )
            db.session.commit()
            flash(_("The completion rule is saved."), "success")
            return redirect(_completion_url(course.id, requested_page()))
    # Everyone is evaluated (the summary and the certificates to issue count them all); the table
    # shows one page of them.
    outcomes = completion.evaluate(course, get_registry().module(course.module_slug))
    page = paginate(outcomes, requested_page())
    return render_template(
        "progress/completion.html",
        course=course,
        form=form,
        page=page,
        complete=sum(outcome.complete for outcome in outcomes),
        to_issue=sum(outcome.complete and outcome.certificate is None for outcome in outcomes),
        back=_completion_url(course.id, page.number),
        issue_form=IssueForm(),
        can_manage=is_coordinator(current_user),
    ), 422 if form.errors else 200


def _completion_url(course_id: int, page: int) -> str:
    return url_for("progress.completion_page", course_id=course_id, page=page if page > 1 else None)


@coordinator_required
def issue(course_id: int):
    course = get_course(course_id) or abort(404)
    if IssueForm().validate_on_submit():
        count = completion.issue_certificates(course, get_registry().module(course.module_slug))
        db.session.commit()
        flash(_("%(n)d certificates issued.", n=count), "success")
    target = request.form.get("next")  # the page of the list the button was pressed on
    return redirect(target if is_safe_next(target) else url_for("progress.completion_page", course_id=course.id))


@limiter.limit("60 per minute")
def verify(code: str):
    """Public: anyone holding a certificate's code or link can check it."""
    certificate = completion.get_certificate(code)
    if certificate is None:
        return render_template("progress/verify.html", certificate=None, code=code[:40]), 404
    course = db.session.get(Course, certificate.course_id)
    person = db.session.get(User, certificate.user_id)
    can_revoke = is_coordinator(current_user)
    return render_template(
        "progress/verify.html",
        certificate=certificate,
        course=course,
        person=person,
        dates=_dates(course),
        form=RevokeForm(),
        can_revoke=can_revoke,
    )


def _dates(course: Course):
    sessions = [s for s in list_sessions(course.id) if not s.cancelled]
    return (sessions[0].starts_at, sessions[-1].ends_at) if sessions else (None, None)


@login_required
def pdf(code: str):
    certificate = completion.get_certificate(code) or abort(404)
    course = db.session.get(Course, certificate.course_id)
    if certificate.user_id != current_user.id and not is_coordinator(current_user):
        require_course_teaching(course)
    if certificate.revoked_at is not None:
        abort(404)
    from trainer.progress.certificate_pdf import CertificateData, MissingGlyphsError, render_certificate
    from trainer.timezones import localise

    person = db.session.get(User, certificate.user_id)
    module = get_registry().module(course.module_slug)
    first, last = _dates(course)
    data = CertificateData(
        name=person.name,
        organisation=_organisation_name(person),
        course_title=course.title,
        module_title=module.title if module else course.module_slug,
        first_day=localise(first or certificate.issued_at, course.timezone).date(),
        last_day=localise(last or certificate.issued_at, course.timezone).date(),
        trainers=tuple(t.name for t in list_members(course.id, EnrolmentRole.TRAINER)),
        hours=certificate.hours,
        code=certificate.code,
        verify_url=absolute_url("progress.verify", code=certificate.code),
        issued_on=localise(certificate.issued_at, course.timezone).date(),
        issuer=_issuer(),
    )
    try:
        body = render_certificate(data)
    except MissingGlyphsError:
        flash(
            _(
                "This name needs a font the server does not have (ask the administrator to install Debian's "
                "fonts-noto-cjk). The certificate itself is valid."
            ),
            "error",
        )
        return redirect(url_for("progress.verify", code=certificate.code))
    filename = f"certificate-{certificate.code}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _organisation_name(person: User) -> str | None:
    from trainer.accounts.models import Organisation

    organisation = db.session.get(Organisation, person.organisation_id) if person.organisation_id else None
    return organisation.name if organisation else None


def _issuer() -> str:
    return current_app.config["CERTIFICATE_ISSUER"]


@coordinator_required
def revoke(code: str):
    certificate = completion.get_certificate(code) or abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        completion.revoke(certificate, form.reason.data)
        db.session.commit()
        flash(_("Certificate %(code)s is revoked.", code=certificate.code), "success")
    else:
        flash(_("Say why the certificate is revoked."), "error")
    return redirect(url_for("progress.verify", code=certificate.code))
