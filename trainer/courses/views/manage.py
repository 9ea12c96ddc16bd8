"""Creating and editing courses (site coordinators)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from trainer.accounts.services import get_user_by_email
from trainer.content.registry import get_registry
from trainer.courses import services
from trainer.courses.forms import CourseForm
from trainer.courses.models import CourseStatus, EnrolmentRole
from trainer.extensions import db
from trainer.i18n import language_names
from trainer.permissions import coordinator_required

FIELDS = (
    "title",
    "module_slug",
    "description",
    "timezone",
    "capacity",
    "contact_email",
    "join_url",
    "meeting_id",
    "meeting_passcode",
    "dial_in",
    "self_registration",
)


def _form(**kwargs) -> CourseForm:
    form = CourseForm(**kwargs)
    form.module_slug.choices = [SelectChoice(m.slug, m.title) for m in get_registry().modules().values()]
    form.language.choices = [
        SelectChoice("", _("Not set (each person's own language, else their browser's)")),
        *(SelectChoice(code, name) for code, name in language_names(current_app.config["LANGUAGES"]).items()),
    ]
    return form


def _save(course, form: CourseForm) -> None:
    values = {name: getattr(form, name).data for name in FIELDS}
    values["description"] = values["description"] or ""
    values["dial_in"] = values["dial_in"] or ""
    values["status"] = CourseStatus(form.status.data)
    values["language"] = form.language.data or None
    services.update_course(course, **values)
    services.set_trainers(course, [get_user_by_email(email) for email in form.trainer_emails()])


@coordinator_required
def new():
    form = _form(timezone="Asia/Jakarta")
    if form.validate_on_submit():
        course = services.create_course(form.title.data, form.module_slug.data, form.timezone.data)
        _save(course, form)
        db.session.commit()
        flash(_("Course created. Now give it a schedule."), "success")
        return redirect(url_for("schedule.edit", course_id=course.id))
    return render_template("courses/form.html", form=form, course=None), 422 if form.errors else 200


@coordinator_required
def edit(course_id: int):
    course = services.get_course(course_id) or abort(404)
    trainers = "\n".join(user.email for user in services.list_members(course.id, EnrolmentRole.TRAINER))
    form = _form(obj=course, trainers=trainers, status=course.status.value, language=course.language or "")
    if form.validate_on_submit():
        _save(course, form)
        db.session.commit()
        flash(_("Course saved."), "success")
        return redirect(url_for("home.course", course_id=course.id))
    return render_template("courses/form.html", form=form, course=course), 422 if form.errors else 200
