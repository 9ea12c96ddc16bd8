"""Graduates start cascade courses; coordinators record and confirm cascades; everyone sees the reach."""

from datetime import UTC, datetime, time

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from trainer.accounts.services import get_user_by_email
from trainer.cascade import services
from trainer.cascade.forms import ConfirmForm, RecordForm, StartForm
from trainer.content.registry import get_registry
from trainer.courses.models import CascadeRecord, Course
from trainer.extensions import db
from trainer.forms_common import country_choices
from trainer.permissions import coordinator_required, is_coordinator

bp = Blueprint("cascade", __name__, url_prefix="/reach", template_folder="templates")


@bp.route("/start", methods=["GET", "POST"])
@login_required
def start():
    graduations = services.graduations(current_user.id)
    if not graduations:
        abort(403)  # a cascade course is for graduates
    form = StartForm(timezone=current_user.timezone or graduations[-1][1].timezone)
    form.origin_course_id.choices = [SelectChoice(course.id, course.title) for _c, course in graduations]
    if form.validate_on_submit():
        origin = next((c for _cert, c in graduations if c.id == form.origin_course_id.data), None)
        if origin is None:
            abort(403)
        course = services.start_cascade(origin, current_user, form.title.data, form.timezone.data)
        db.session.commit()
        flash(_("Your cascade course is created. Give it a schedule, then register its participants."), "success")
        return redirect(url_for("schedule.edit", course_id=course.id))
    return render_template("cascade/start.html", form=form), 422 if form.errors else 200


@bp.get("/")
@login_required
def reach():
    everyone = is_coordinator(current_user)
    result = services.reach(None if everyone else current_user.id)
    pending_courses, pending_records = services.pending() if everyone else ([], [])
    return render_template(
        "cascade/reach.html",
        result=result,
        everyone=everyone,
        chart=services.generation_chart(result),
        pending_courses=pending_courses,
        pending_records=pending_records,
        confirm=ConfirmForm(),
    )


@bp.get("/reach.csv")
@login_required
def reach_csv():
    result = services.reach(None if is_coordinator(current_user) else current_user.id)
    return Response(
        services.reach_csv(result),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="reach.csv"'},
    )


@bp.route("/records/new", methods=["GET", "POST"])
@coordinator_required
def record():
    form = RecordForm()
    form.origin_course_id.choices = [
        SelectChoice(c.id, c.title) for c in db.session.scalars(db.select(Course).order_by(Course.title))
    ]
    form.country.choices = country_choices(blank=True)
    form.chapters.choices = [
        SelectChoice(c.slug, f"{c.number}. {c.short_title}")
        for module in get_registry().modules().values()
        for c in module.chapters
    ]
    if form.validate_on_submit():
        graduate = get_user_by_email(form.graduate_email.data)
        origin = db.session.get(Course, form.origin_course_id.data)
        if graduate is None:
            form.graduate_email.errors = [_("No account has this email.")]
        elif origin is None:
            form.origin_course_id.errors = [_("Choose the course they graduated from.")]
        else:
            services.record_training(
                graduate,
                origin,
                held_on=datetime.combine(form.held_on.data, time(12), tzinfo=UTC),
                place=form.place.data,
                organisation=form.organisation.data or "",
                country=form.country.data or None,
                language=form.language.data or "en",
                people_trained=form.people_trained.data,
                chapters=form.chapters.data,
                attendance_list=form.attendance_list.data or "",
                evidence_url=form.evidence_url.data,
                recorded_by=current_user.id,
            )
            db.session.commit()
            flash(_("The cascade training is recorded. Confirm it to certify the trainer."), "success")
            return redirect(url_for("cascade.reach"))
    return render_template("cascade/record.html", form=form), 422 if form.errors else 200


@bp.post("/courses/<int:course_id>/confirm")
@coordinator_required
def confirm_course(course_id: int):
    course = db.session.get(Course, course_id)
    if course is None or course.parent_course_id is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.confirm_course(course)
        db.session.commit()
        flash(_("Confirmed: %(title)s. Its trainer is a certified trainer.", title=course.title), "success")
    return redirect(url_for("cascade.reach"))


@bp.post("/records/<int:record_id>/confirm")
@coordinator_required
def confirm_record(record_id: int):
    record = db.session.get(CascadeRecord, record_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        services.confirm_record(record)
        db.session.commit()
        flash(_("Confirmed: the training in %(place)s.", place=record.place), "success")
    return redirect(url_for("cascade.reach"))
