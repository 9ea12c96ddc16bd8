"""The register of a live session: kept by hand, or from Zoom's participant report."""

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from trainer.courses.models import PendingImport
from trainer.courses.services import get_course
from trainer.dbtypes import id_or_none, to_id
from trainer.extensions import db
from trainer.pagination import page_url, paginate, requested_page
from trainer.permissions import require_course_teaching
from trainer.progress import attendance
from trainer.progress.groups_view import group_members, list_groups
from trainer.progress.models import AttendanceStatus
from trainer.progress.zoom import ZoomReportError
from trainer.schedule.services import get_session

MAX_REPORT = 5 * 1024 * 1024


class RegisterForm(FlaskForm):
    """The statuses and minutes come as status-<user id> and minutes-<user id> fields."""


class ZoomForm(FlaskForm):
    file = FileField(validators=[FileRequired()])
    threshold = IntegerField(validators=[Optional(), NumberRange(min=1, max=1440)])


def _course_and_session(course_id: int, session_id: int):
    course = get_course(course_id) or abort(404)
    require_course_teaching(course)
    session = get_session(course.id, session_id) or abort(404)
    return course, session


def _chosen_group(groups):
    """The breakout group asked for in the query string, if it is one of this course's."""
    group_id = request.args.get("group", type=to_id)
    return next((group for group in groups if group.id == group_id), None)


@login_required
def register(course_id: int, session_id: int):
    """One page of the register (50 people, or one breakout group's); saving it writes only the
    people whose controls were on it, then comes back to the same page and filter."""
    course, session = _course_and_session(course_id, session_id)
    everyone = attendance.register_people(course.id)
    groups = list_groups(course.id)
    group = _chosen_group(groups)
    if group is not None:
        members = set(group_members(course.id, group.id))
        shown = [person for person in everyone if person.id in members]
    else:
        shown = everyone
    page = paginate(shown, requested_page())
    form = RegisterForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        entries, errors = _read_register(everyone)
        if not errors:
            attendance.save_register(session, entries, by=current_user.id)
            db.session.commit()
            flash(_("The register of %(session)s is saved.", session=session.title), "success")
            number = page.number + 1 if request.form.get("then") == "next" and page.has_next else page.number
            return redirect(page_url(number))
    rows = attendance.register(session, [person.id for person in page.items])
    values = {}
    for person in page.items:
        row = rows.get(person.id)
        stored = (row.status.value, "" if row.minutes is None else str(row.minutes)) if row else ("", "")
        if form.is_submitted() and f"status-{person.id}" in request.form:
            values[person.id] = (request.form[f"status-{person.id}"], request.form.get(f"minutes-{person.id}", ""))
        else:
            values[person.id] = stored
    status = 422 if form.is_submitted() else 200
    return render_template(
        "progress/register.html",
        course=course,
        session=session,
        page=page,
        rows=rows,
        values=values,
        errors=errors,
        counts=attendance.register_counts(session, len(everyone)),
        participants=len(everyone),
        groups=groups,
        group=group,
        form=form,
        statuses=list(AttendanceStatus),
        zoom_form=ZoomForm(),
        threshold=attendance.default_threshold(session),
    ), status


def _read_register(everyone) -> tuple[dict[int, tuple[AttendanceStatus, int | None]], dict[str, str]]:
    """The statuses and minutes of the people whose controls were posted (the rows of the page the
    trainer saw, whatever the page holds now), and a message per field in error, in register order.
    A person left without a status is left as they are."""
    entries, errors = {}, {}
    for person in everyone:
        status = request.form.get(f"status-{person.id}", "")
        if not status:
            continue
        minutes_text = request.form.get(f"minutes-{person.id}", "").strip()
        if status not in {s.value for s in AttendanceStatus}:
            errors[f"status-{person.id}"] = _("%(name)s: choose a status from the list.", name=person.name)
            continue
        if minutes_text and (not (minutes_text.isascii() and minutes_text.isdigit()) or int(minutes_text) > 1440):
            errors[f"minutes-{person.id}"] = _("%(name)s: minutes must be a whole number up to 1440.", name=person.name)
            continue
        entries[person.id] = (AttendanceStatus(status), int(minutes_text) if minutes_text else None)
    return entries, errors


@login_required
def zoom_upload(course_id: int, session_id: int):
    course, session = _course_and_session(course_id, session_id)
    form = ZoomForm()
    if not form.validate_on_submit():
        flash(_("Choose the Zoom participant report (a CSV file)."), "error")
        return redirect(url_for("progress.register", course_id=course.id, session_id=session.id))
    data = form.file.data.read(MAX_REPORT + 1)
    if len(data) > MAX_REPORT:
        flash(_("The file is larger than 5 MB: is it the participant report?"), "error")
        return redirect(url_for("progress.register", course_id=course.id, session_id=session.id))
    pending = PendingImport(
        course_id=course.id,
        created_by_id=current_user.id,
        token=secrets.token_urlsafe(24),
        purpose=f"zoom:{session.id}",
        filename=(form.file.data.filename or "zoom.csv")[:200],
        data=data,
    )
    db.session.add(pending)
    db.session.commit()
    threshold = form.threshold.data or attendance.default_threshold(session)
    return redirect(
        url_for(
            "progress.zoom_preview",
            course_id=course.id,
            session_id=session.id,
            token=pending.token,
            threshold=threshold,
        )
    )


@login_required
def zoom_preview(course_id: int, session_id: int, token: str):
    course, session = _course_and_session(course_id, session_id)
    pending = db.session.scalar(
        select(PendingImport).where(
            PendingImport.token == token,
            PendingImport.course_id == course.id,
            PendingImport.purpose == f"zoom:{session.id}",
            PendingImport.created_by_id == current_user.id,
        )
    ) or abort(404)
    threshold = max(1, min(1440, request.values.get("threshold", attendance.default_threshold(session), type=int)))
    try:
        preview = attendance.preview_zoom(course, session, pending.data, threshold)
    except ZoomReportError as error:
        db.session.delete(pending)
        db.session.commit()
        flash(_("This file cannot be read as a Zoom participant report: %(error)s", error=str(error)), "error")
        return redirect(url_for("progress.register", course_id=course.id, session_id=session.id))
    form = RegisterForm()
    typed = {
        row: value
        for key, value in request.form.items()
        if key.startswith("match-") and (row := id_or_none(key.removeprefix("match-"))) is not None
        if row < len(preview.proposal.unmatched)
    }
    errors: dict[int, str] = {}
    if form.validate_on_submit():
        manual, problems = attendance.match_by_hand(preview, typed)
        errors = {
            index: (
                _("Two participants or more are called %(name)s: choose by email.", name=typed[index].strip())
                if problem == "several"
                else _("No participant has the name or email %(name)s.", name=typed[index].strip())
            )
            for index, problem in problems.items()
        }
        if not errors:
            present = attendance.apply_zoom(session, preview, manual, by=current_user.id)
            db.session.delete(pending)
            db.session.commit()
            flash(_("Attendance recorded from Zoom: %(n)d present.", n=present), "success")
            return redirect(url_for("progress.register", course_id=course.id, session_id=session.id))
    return render_template(
        "progress/zoom_preview.html",
        course=course,
        session=session,
        preview=preview,
        matched=paginate(preview.proposal.matched, requested_page()),
        outcome=preview.outcome(),
        typed=typed,
        errors=errors,
        form=form,
        token=token,
        threshold=threshold,
    ), (422 if form.is_submitted() else 200)
