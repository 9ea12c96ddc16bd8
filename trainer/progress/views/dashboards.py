"""Trainers' and coordinators' view of who is keeping up."""

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from trainer.accounts.models import User
from trainer.content.registry import get_registry
from trainer.countries import country_name
from trainer.courses.models import Course
from trainer.courses.services import get_course
from trainer.dbtypes import to_id
from trainer.extensions import db
from trainer.permissions import coordinator_required, course_role, require_course_teaching
from trainer.progress import reports, study
from trainer.progress.groups_view import group_members, list_groups
from trainer.progress.models import Attendance
from trainer.schedule.services import list_sessions


def filters_from_request(course_id: int) -> reports.Filters:
    sort = request.args.get("sort", "name")
    group_id = request.args.get("group", type=to_id)
    return reports.Filters(
        country=request.args.get("country") or None,
        organisation_id=request.args.get("organisation", type=to_id),
        user_ids=frozenset(group_members(course_id, group_id)) if group_id else None,
        sort=sort if sort in reports.SORTS else "name",
        descending=request.args.get("desc") == "1",
    )


def _course(course_id: int) -> Course:
    course = get_course(course_id) or abort(404)
    require_course_teaching(course)
    return course


@login_required
def course_dashboard(course_id: int):
    course = _course(course_id)
    module = get_registry().module(course.module_slug)
    filters = filters_from_request(course.id)
    matrix = reports.course_matrix(course, module, filters, page=request.args.get("page", 1, type=int))
    countries, organisations = reports.filter_options(course.id)
    return render_template(
        "progress/dashboard.html",
        course=course,
        module=module,
        matrix=matrix,
        filters=filters,
        countries=sorted(countries, key=country_name),
        organisations=organisations,
        groups=list_groups(course.id),
        group_id=request.args.get("group", type=to_id),
    )


@login_required
def course_dashboard_csv(course_id: int):
    course = _course(course_id)
    body = reports.matrix_csv(course, get_registry().module(course.module_slug), filters_from_request(course.id))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="course-{course.id}-progress.csv"'},
    )


@login_required
def participant(course_id: int, user_id: int):
    course = _course(course_id)
    user = db.session.get(User, user_id)
    if user is None or course_role(user, course.id) is None:
        abort(404)
    module = get_registry().module(course.module_slug)
    states = study.reader_state(user.id, module.slug, list(module.chapters)) if module else {}
    sessions = [s for s in list_sessions(course.id) if not s.cancelled]
    attendance = {
        a.session_id: a
        for a in db.session.scalars(
            select(Attendance).where(
                Attendance.user_id == user.id, Attendance.session_id.in_([s.id for s in sessions] or [-1])
            )
        )
    }
    return render_template(
        "progress/participant.html",
        course=course,
        module=module,
        person=user,
        states=states,
        sessions=sessions,
        attendance=attendance,
    )


@coordinator_required
def overview():
    registry = get_registry()
    from trainer.courses.services import list_all_courses

    courses = [(course, registry.module(course.module_slug)) for course, _p, _t in list_all_courses()]
    by_course, by_country, by_organisation = reports.overview(courses)
    if request.args.get("format") == "csv":
        return Response(
            _overview_csv(by_course, by_country, by_organisation),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="progress-overview.csv"'},
        )
    return render_template(
        "progress/overview.html",
        by_course=by_course,
        by_country=by_country,
        by_organisation=by_organisation,
        user=current_user,
    )


def _overview_csv(by_course, by_country, by_organisation) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["kind", "name", "participants", "average_progress_percent", "attendance_percent"])
    for _course, line in by_course:
        writer.writerow(["course", line.label, line.participants, line.progress, line.attendance])
    for line in by_country:
        writer.writerow(["country", line.label, line.participants, line.progress, line.attendance])
    for line in by_organisation:
        writer.writerow(["organisation", line.label, line.participants, line.progress, line.attendance])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
