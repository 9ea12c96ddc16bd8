from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from trainer.content.models import Module
from trainer.content.registry import get_registry
from trainer.courses.models import Course, EnrolmentRole
from trainer.courses.services import get_course, list_members, participant_zones
from trainer.extensions import db
from trainer.permissions import require_course_teaching
from trainer.schedule import calendar_views, services
from trainer.schedule.forms import EMPTY_AGENDA_ROWS, PatternForm, SessionForm
from trainer.schedule.invites import queue_session_invitations
from trainer.schedule.planning import AgendaDraft, DraftErrors, Pattern, SessionDraft, generate
from trainer.schedule.rules import schedule_warnings
from trainer.timezones import localise

# No URL prefix: most pages sit under /courses/<id>/schedule, the personal feed under /calendar.
bp = Blueprint("schedule", __name__, template_folder="templates")
SCHEDULE = "/courses/<int:course_id>/schedule"


def _course_to_teach(course_id: int) -> tuple[Course, Module]:
    course = get_course(course_id) or abort(404)
    require_course_teaching(course)
    module = get_registry().module(course.module_slug) or abort(404)
    return course, module


@bp.get(f"{SCHEDULE}/")
@login_required
def edit(course_id: int):
    course, module = _course_to_teach(course_id)
    sessions = services.list_sessions(course.id)
    warnings = schedule_warnings(
        services.planned(sessions), [c.slug for c in module.chapters], participant_zones(course)
    )
    form = PatternForm()
    return render_template(
        "schedule/edit.html",
        course=course,
        module=module,
        sessions=sessions,
        warnings=warnings,
        pattern_form=form,
        viewer_zone=current_user.timezone or course.timezone,
    )


@bp.post(f"{SCHEDULE}/pattern")
@login_required
def pattern(course_id: int):
    course, module = _course_to_teach(course_id)
    form = PatternForm()
    if form.validate_on_submit():
        drafts = generate(
            Pattern(form.pattern.data),
            form.first_day.data,
            form.start.data,
            form.end.data,
            [chapter.slug for chapter in module.chapters],
            weeks_between=form.weeks_between.data or 3,
            sessions=form.sessions.data or 6,
        )
        result = services.apply_pattern(course, drafts)
        if not isinstance(result, DraftErrors):
            for session in result:
                queue_session_invitations(course, session)
            db.session.commit()
            flash(_("%(count)d live sessions created. Adjust any of them below.", count=len(result)), "success")
            return redirect(url_for("schedule.edit", course_id=course.id))
        _add_errors(form, result)
    sessions = services.list_sessions(course.id)
    return render_template(
        "schedule/edit.html",
        course=course,
        module=module,
        sessions=sessions,
        warnings=[],
        pattern_form=form,
        viewer_zone=current_user.timezone or course.timezone,
    ), 422


def _session_form(course: Course, module: Module, session=None) -> SessionForm:
    if session is not None and request.method == "GET":
        start, end = localise(session.starts_at, course.timezone), localise(session.ends_at, course.timezone)
        form = SessionForm(
            title=session.title,
            day=start.date(),
            start=start.time(),
            end=end.time(),
            chapters=session.chapters,
            exercises=session.exercises,
            join_url=session.join_url,
            agenda=[{"title": i.title, "minutes": i.minutes, "trainer_id": i.trainer_id or 0} for i in session.agenda],
        )
    else:
        form = SessionForm()
    if request.method == "GET":
        for _row in range(EMPTY_AGENDA_ROWS):
            form.agenda.append_entry()
    form.chapters.choices = [SelectChoice(c.slug, f"{c.number}. {c.short_title}") for c in module.chapters]
    form.exercises.choices = [
        SelectChoice(e.id, f"{c.number}. {e.title}") for c in module.chapters for e in c.exercises
    ]
    trainers = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.name) for u in list_members(course.id, EnrolmentRole.TRAINER)
    ]
    for row in form.agenda:
        row.trainer_id.choices = trainers
    return form


def _draft(form: SessionForm) -> SessionDraft:
    agenda = tuple(
        AgendaDraft(row.title.data, row.minutes.data, row.trainer_id.data or None)
        for row in form.agenda
        if row.title.data and row.title.data.strip()
    )
    return SessionDraft(
        form.title.data,
        form.day.data,
        form.start.data,
        form.end.data,
        tuple(form.chapters.data),
        tuple(form.exercises.data),
        agenda,
        form.join_url.data,
    )


def _add_errors(form, errors: DraftErrors) -> None:
    for name, messages in errors.by_field.items():
        getattr(form, name).errors = [*getattr(form, name).errors, *messages]


def _session_page(course_id: int, session_id: int | None):
    course, module = _course_to_teach(course_id)
    session = services.get_session(course.id, session_id) if session_id else None
    if session_id and session is None:
        abort(404)
    form = _session_form(course, module, session)
    trainer_ids = {user.id for user in list_members(course.id, EnrolmentRole.TRAINER)}
    if form.validate_on_submit() and form.validate_trainer_choices(trainer_ids):
        result = services.save_session(course, _draft(form), session)
        if not isinstance(result, DraftErrors):
            queue_session_invitations(course, result)  # new, or a new version: calendars update
            db.session.commit()
            flash(_("“%(title)s” saved.", title=result.title), "success")
            return redirect(url_for("schedule.edit", course_id=course.id))
        _add_errors(form, result)
    status = 422 if form.is_submitted() else 200
    return render_template("schedule/session_form.html", course=course, session=session, form=form), status


@bp.route(f"{SCHEDULE}/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(course_id: int):
    return _session_page(course_id, None)


@bp.route(f"{SCHEDULE}/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def edit_session(course_id: int, session_id: int):
    return _session_page(course_id, session_id)


@bp.post(f"{SCHEDULE}/sessions/<int:session_id>/cancel")
@login_required
def cancel_session(course_id: int, session_id: int):
    return _set_cancelled(course_id, session_id, True)


@bp.post(f"{SCHEDULE}/sessions/<int:session_id>/restore")
@login_required
def restore_session(course_id: int, session_id: int):
    return _set_cancelled(course_id, session_id, False)


def _set_cancelled(course_id: int, session_id: int, cancelled: bool):
    course, _module = _course_to_teach(course_id)
    session = services.get_session(course.id, session_id) or abort(404)
    services.set_cancelled(session, cancelled)
    queue_session_invitations(course, session)
    db.session.commit()
    message = _("“%(title)s” is cancelled.") if cancelled else _("“%(title)s” is back on the schedule.")
    flash(message % {"title": session.title}, "info")
    return redirect(url_for("schedule.edit", course_id=course.id))


# Calendar downloads and the personal feed (view functions in calendar_views.py).
bp.add_url_rule("/courses/<int:course_id>/calendar.ics", view_func=calendar_views.course_ics)
bp.add_url_rule("/calendar/<token>.ics", view_func=calendar_views.feed)
bp.add_url_rule("/calendar/", view_func=calendar_views.my_calendar, methods=["GET", "POST"])
