from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from trainer.content.registry import get_registry
from trainer.courses.models import EnrolmentRole
from trainer.courses.services import get_course, list_all_courses, list_courses_of
from trainer.dbtypes import utcnow
from trainer.home.services import course_overview, next_sessions
from trainer.permissions import can_read_roster, can_teach_course, is_coordinator, require_course_view
from trainer.progress.completion import certificate_of
from trainer.progress.study import module_percent, reader_state
from trainer.schedule.services import course_date_ranges, list_sessions_of_courses

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/healthz")
def health():
    """For load balancers and monitoring: the process answers (no database, no sign-in)."""
    return {"status": "ok"}


@bp.route("/")
@login_required
def index():
    if is_coordinator(current_user):
        courses = list_all_courses()
        ranges = course_date_ranges([course.id for course, _p, _t in courses])
        return render_template("home/coordinator.html", courses=courses, ranges=ranges)
    courses = list_courses_of(current_user)
    now = utcnow()
    upcoming = next_sessions(list_sessions_of_courses([course.id for course, _role in courses]), now)
    # The course whose next live session comes first leads the page.
    courses.sort(
        key=lambda pair: (pair[0].id not in upcoming, upcoming[pair[0].id].starts_at if pair[0].id in upcoming else now)
    )
    teaching = [course for course, role in courses if role == EnrolmentRole.TRAINER]
    taking = [course for course, role in courses if role == EnrolmentRole.PARTICIPANT]
    template = "home/trainer.html" if teaching else "home/participant.html"
    return render_template(template, teaching=teaching, taking=taking, upcoming=upcoming, now=now)


@bp.get("/courses/<int:course_id>/")
@login_required
def course(course_id: int):
    course = get_course(course_id) or abort(404)
    require_course_view(course)
    module = get_registry().module(course.module_slug)
    overview = course_overview(course, module, utcnow())
    progress = reader_state(current_user.id, module.slug, list(module.chapters)) if module else {}
    return render_template(
        "home/course.html",
        overview=overview,
        course=course,
        now=utcnow(),
        viewer_zone=current_user.timezone or course.timezone,
        can_teach=can_teach_course(current_user, course),
        can_manage=is_coordinator(current_user),
        can_read_roster=can_read_roster(current_user, course),
        progress=progress,
        progress_percent=module_percent(progress) if progress else 0,
        certificate=certificate_of(current_user.id, course.id),
    )
