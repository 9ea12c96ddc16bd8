from flask import Blueprint, render_template
from flask_login import current_user, login_required

from trainer.courses.models import EnrolmentRole
from trainer.courses.services import list_all_courses, list_courses_of
from trainer.permissions import is_coordinator

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/healthz")
def health():
    """For load balancers and monitoring: the process answers (no database, no sign-in)."""
    return {"status": "ok"}


@bp.route("/")
@login_required
def index():
    if is_coordinator(current_user):
        return render_template("home/coordinator.html", courses=list_all_courses())
    courses = list_courses_of(current_user)
    teaching = [course for course, role in courses if role == EnrolmentRole.TRAINER]
    taking = [course for course, role in courses if role == EnrolmentRole.PARTICIPANT]
    template = "home/trainer.html" if teaching else "home/participant.html"
    return render_template(template, teaching=teaching, taking=taking)
