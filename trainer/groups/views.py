"""Breakout groups, group exercises and the groups' shared submissions."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from trainer.content.markdown import render_user_markdown
from trainer.content.registry import get_registry
from trainer.courses.models import Course
from trainer.courses.services import get_course
from trainer.dbtypes import to_id, utcnow
from trainer.extensions import db
from trainer.groups import services, work
from trainer.groups.forming import zoom_breakout_csv
from trainer.groups.forms import (
    AttachmentForm,
    AutoForm,
    ConfirmForm,
    FeedbackForm,
    NameForm,
    OpenExerciseForm,
    SubmissionForm,
)
from trainer.groups.models import Attachment, Submission
from trainer.pagination import paginate, requested_page
from trainer.permissions import can_teach_course, require_course_teaching, require_course_view
from trainer.schedule.services import list_sessions
from trainer.timezones import LocalTimeError, local_to_utc

bp = Blueprint("groups", __name__, url_prefix="/courses/<int:course_id>/groups", template_folder="templates")


def _course(course_id: int, teach: bool = False) -> Course:
    course = get_course(course_id) or abort(404)
    (require_course_teaching if teach else require_course_view)(course)
    return course


def _shown(value: str | None) -> int | str | None:
    """The group filter of the query string or a form: a group's id, NO_GROUP, or None (everyone)."""
    if value == services.NO_GROUP:
        return value
    try:
        return to_id(value or "")
    except ValueError:
        return None


def _back(course_id: int, shown: int | str | None, page: int | None = None, anchor: str = "people") -> str:
    """The groups page with this filter and page, where a form on it came from."""
    args = {"group": shown} if shown is not None else {}
    if page and page > 1:
        args["page"] = page
    return url_for("groups.index", course_id=course_id, **args, _anchor=anchor)


@bp.get("/")
@login_required
def index(course_id: int):
    course = _course(course_id)
    teaching = can_teach_course(current_user, course)
    mine = services.group_of(course.id, current_user.id)
    exercises = work.list_exercises(course.id)
    common = {
        "course": course,
        "module": get_registry().module(course.module_slug),
        "teaching": teaching,
        "mine": mine,
        "exercises": exercises,
        "submissions": work.submissions_by_exercise(course.id),
        "now": utcnow(),
    }
    if not teaching:
        # A participant sees their own group only: a page as small as one group, whatever the course.
        members = services.group_people(course.id, mine.id) if mine else []
        return render_template("groups/index.html", **common, members=members)
    overview = services.overview(course.id, _shown(request.args.get("group")))
    groups = [summary.group for summary in overview.groups]
    return render_template(
        "groups/index.html",
        **common,
        overview=overview,
        page=paginate(overview.people, requested_page()),
        progress=work.progress_by_exercise(exercises, groups, common["submissions"]),
        auto_form=AutoForm(),
        name_form=NameForm(),
        rename_form=NameForm(formdata=None, name=overview.shown.name) if overview.shown else None,
        confirm=ConfirmForm(),
    )


@bp.post("/auto")
@login_required
def auto(course_id: int):
    course = _course(course_id, teach=True)
    form = AutoForm()
    if form.validate_on_submit():
        try:
            created = services.auto_form(course, groups=form.groups.data, size=form.size.data, seed=form.seed.data or 0)
        except services.GroupError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("%(n)d groups formed, mixing countries and organisations.", n=len(created)), "success")
    else:
        for errors in form.errors.values():
            flash(str(errors[0]), "error")
    return redirect(url_for("groups.index", course_id=course.id))


@bp.post("/new")
@login_required
def new_group(course_id: int):
    course = _course(course_id, teach=True)
    form = NameForm()
    if form.validate_on_submit():
        services.create_group(course, form.name.data)
        db.session.commit()
    else:
        flash(_("Give the group a name."), "error")
    return redirect(url_for("groups.index", course_id=course.id))


@bp.post("/<int:group_id>/rename")
@login_required
def rename(course_id: int, group_id: int):
    course = _course(course_id, teach=True)
    group = services.get_group(course.id, group_id) or abort(404)
    form = NameForm()
    if form.validate_on_submit():
        services.rename(group, form.name.data)
        db.session.commit()
    else:
        flash(_("Give the group a name."), "error")
    return redirect(_back(course.id, group.id))


@bp.post("/move")
@login_required
def move(course_id: int):
    """Move the people ticked on one page of the list into a group (or into none), then go back there."""
    course = _course(course_id, teach=True)
    back = _back(course.id, _shown(request.form.get("group")), request.form.get("page", type=to_id))
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    user_ids = request.form.getlist("user_id", type=to_id)
    target = request.form.get("group_id", "")
    if not user_ids:
        flash(_("Tick the people to move first."), "error")
        return redirect(back)
    if not target:
        flash(_("Choose the group to move them to."), "error")
        return redirect(back)
    if services.participant_ids(course.id, user_ids) != set(user_ids):
        abort(404)
    try:
        group = services.move_people(course, user_ids, None if target == services.NO_GROUP else to_id(target))
    except ValueError:  # not a number, or services.GroupError: no group of this course
        flash(_("That group does not exist in this course."), "error")
        return redirect(back)
    db.session.commit()
    moved = len(set(user_ids))
    if group is None:
        flash(ngettext("%(num)d person is in no group now.", "%(num)d people are in no group now.", moved), "success")
    else:
        # ngettext at request time, not lazily: the message holds the group's name, which a trainer typed.
        flash(
            ngettext(
                "%(num)d person moved to %(group)s.", "%(num)d people moved to %(group)s.", moved, group=group.name
            ),
            "success",
        )
    return redirect(back)


@bp.get("/zoom.csv")
@login_required
def zoom_csv(course_id: int):
    course = _course(course_id, teach=True)
    return Response(
        zoom_breakout_csv(services.zoom_rows(course.id)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="course-{course.id}-breakout-rooms.csv"'},
    )


@bp.get("/print")
@login_required
def printable(course_id: int):
    course = _course(course_id, teach=True)
    views, ungrouped = services.list_groups(course.id)
    return render_template("groups/print.html", course=course, groups=views, ungrouped=ungrouped, now=utcnow())


@bp.route("/exercises/new", methods=["GET", "POST"])
@login_required
def open_exercise(course_id: int):
    course = _course(course_id, teach=True)
    module = get_registry().module(course.module_slug) or abort(404)
    sessions = [s for s in list_sessions(course.id) if not s.cancelled]
    form = OpenExerciseForm()
    form.exercise_id.choices = [
        SelectChoice(e.id, f"{c.number}. {e.title}") for c in module.chapters for e in c.exercises if e.mode == "group"
    ]
    form.session_id.choices = [SelectChoice(0, _("Self-study"))] + [SelectChoice(s.id, s.title) for s in sessions]
    if form.validate_on_submit():
        try:
            due_at = local_to_utc(form.due_day.data, form.due_time.data, course.timezone)
            work.open_exercise(
                course,
                module,
                form.exercise_id.data,
                due_at,
                session_id=form.session_id.data or None,
                instructions=form.instructions.data or "",
                by=current_user.id,
            )
        except LocalTimeError:
            form.due_time.errors = [_("That time does not exist, or happens twice, in %(zone)s.", zone=course.timezone)]
        except work.WorkError as error:
            form.exercise_id.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("The exercise is open for every group."), "success")
            return redirect(url_for("groups.index", course_id=course.id))
    return render_template("groups/open_exercise.html", course=course, form=form), 422 if form.errors else 200


def _submission_context(course_id: int, exercise_id: int, group_id: int):
    """Load and check: members and the course's trainers see a submission; others only when shared."""
    course = _course(course_id)
    exercise = work.get_exercise(course.id, exercise_id) or abort(404)
    group = services.get_group(course.id, group_id) or abort(404)
    member = current_user.id in services.member_ids(group.id)
    teaching = can_teach_course(current_user, course)
    submission = db.session.scalar(
        select(Submission).where(Submission.group_exercise_id == exercise.id, Submission.group_id == group.id)
    )
    shared = submission is not None and submission.shared_with_course
    if not (member or teaching or shared):
        abort(404)
    return course, exercise, group, submission, member, teaching


@bp.route("/exercises/<int:exercise_id>/<int:group_id>", methods=["GET", "POST"])
@login_required
def submission(course_id: int, exercise_id: int, group_id: int):
    course, exercise, group, submission, member, teaching = _submission_context(course_id, exercise_id, group_id)
    form = SubmissionForm()
    conflict = None
    if request.method == "POST":
        if not member:
            abort(403)
        if form.validate_on_submit():
            submission = submission or work.get_submission(exercise, group)
            try:
                base = to_id(form.base_version.data or "")
            except ValueError:
                base = -1  # not a version: a conflict, shown with the latest text
            try:
                conflict = work.save(submission, form.text.data or "", base, current_user)
            except work.WorkError as error:
                form.text.errors = [str(error)]
            else:
                if conflict is None:
                    db.session.commit()
                    flash(_("Saved as version %(n)d.", n=submission.version), "success")
                    return redirect(
                        url_for("groups.submission", course_id=course.id, exercise_id=exercise.id, group_id=group.id)
                    )
    if conflict is None and request.method == "GET" or not form.text.data:
        form.text.data = submission.text if submission else ""
    form.base_version.data = str(conflict.their_version if conflict else (submission.version if submission else 0))
    return _render_submission(course, exercise, group, submission, member, teaching, form, conflict)


def _render_submission(course, exercise, group, submission, member, teaching, form, conflict):
    module = get_registry().module(course.module_slug)
    content = module.exercise(exercise.exercise_id) if module else None
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template(
        "groups/submission.html",
        course=course,
        exercise=exercise,
        content=content,
        group=group,
        submission=submission,
        member=member,
        teaching=teaching,
        form=form,
        conflict=conflict,
        rendered=render_user_markdown(submission.text) if submission and submission.text else None,
        theirs=render_user_markdown(conflict.theirs) if conflict else None,
        versions=work.versions(submission) if submission else [],
        attachments=work.attachments(submission.id) if submission else [],
        feedback=[(f, render_user_markdown(f.text)) for f in work.feedback_for(submission.id)] if submission else [],
        attachment_form=AttachmentForm(),
        feedback_form=FeedbackForm(),
        confirm=ConfirmForm(),
        instructions=render_user_markdown(exercise.instructions) if exercise.instructions else None,
    ), status


@bp.post("/exercises/<int:exercise_id>/<int:group_id>/share")
@login_required
def share(course_id: int, exercise_id: int, group_id: int):
    course, exercise, group, submission, member, teaching = _submission_context(course_id, exercise_id, group_id)
    if not (member or teaching):
        abort(403)
    if ConfirmForm().validate_on_submit():
        submission = submission or work.get_submission(exercise, group)
        submission.shared_with_course = not submission.shared_with_course
        db.session.commit()
    return redirect(url_for("groups.submission", course_id=course.id, exercise_id=exercise.id, group_id=group.id))


@bp.post("/exercises/<int:exercise_id>/<int:group_id>/attachments")
@login_required
def attach(course_id: int, exercise_id: int, group_id: int):
    course, exercise, group, submission, member, _teaching = _submission_context(course_id, exercise_id, group_id)
    if not member:
        abort(403)
    form = AttachmentForm()
    if form.validate_on_submit():
        submission = submission or work.get_submission(exercise, group)
        try:
            work.add_attachment(
                submission, form.file.data.filename, form.file.data.read(work.MAX_ATTACHMENT + 1), current_user
            )
        except work.WorkError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("File attached."), "success")
    else:
        flash(_("Choose a file."), "error")
    return redirect(url_for("groups.submission", course_id=course.id, exercise_id=exercise.id, group_id=group.id))


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(course_id: int, attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    submission = db.session.get(Submission, attachment.submission_id)
    exercise = work.get_exercise(course_id, submission.group_exercise_id) or abort(404)
    _submission_context(course_id, exercise.id, submission.group_id)
    return send_file(
        work.attachment_path(attachment),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )


@bp.post("/exercises/<int:exercise_id>/<int:group_id>/feedback")
@login_required
def feedback(course_id: int, exercise_id: int, group_id: int):
    course, exercise, group, submission, _member, teaching = _submission_context(course_id, exercise_id, group_id)
    if not teaching:
        abort(403)
    form = FeedbackForm()
    if form.validate_on_submit() and submission is not None:
        module = get_registry().module(course.module_slug)
        title = module.exercise(exercise.exercise_id).title if module else exercise.exercise_id
        work.add_feedback(submission, form.text.data, current_user, course, title)
        db.session.commit()
        flash(_("Feedback saved; the group is told by email."), "success")
    else:
        flash(_("Write the feedback first."), "error")
    return redirect(url_for("groups.submission", course_id=course.id, exercise_id=exercise.id, group_id=group.id))
