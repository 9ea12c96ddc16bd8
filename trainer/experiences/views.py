"""Shared experiences of decentralised cooperation: list, read, post, edit, comment, moderate.

Who may do what (every rule checked here, on the server, from permissions.py's helpers):
- read: whoever may view the course (`require_course_view`); anyone else gets 404;
- post and comment: people enrolled in the course, and site coordinators;
- edit a post: its author only;
- hide, show, highlight, mark a good case for the library: trainers of the course and coordinators
  (`can_teach_course`);
- give or withdraw consent to share a post in the case library: its author only.
Hidden posts and comments are seen by moderators and by their own author, and by no one else.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainer.content.markdown import render_user_markdown
from trainer.content.models import Chapter, Module
from trainer.content.registry import get_registry
from trainer.countries import country_codes, country_name
from trainer.courses.models import Course
from trainer.courses.services import get_course
from trainer.experiences import cases, services
from trainer.experiences.forms import (
    COOPERATION_KIND_NAMES,
    SDG_NAMES,
    CommentForm,
    ExperienceForm,
    GoodCaseForm,
    ModerationForm,
)
from trainer.experiences.models import Experience
from trainer.experiences.services import ExperienceFilters, Reader
from trainer.extensions import db
from trainer.pagination import paginate, requested_page
from trainer.permissions import can_teach_course, course_role, is_coordinator, require_course_view

FEED_PER_PAGE = 20  # posts are cards with a byline and tags: 20 make a page of a feed

bp = Blueprint("experiences", __name__, url_prefix="/courses/<int:course_id>/experiences", template_folder="templates")


@dataclass(frozen=True)
class Context:
    course: Course
    module: Module | None
    reader: Reader
    can_contribute: bool  # post and comment


def _context(course_id: int) -> Context:
    course = get_course(course_id) or abort(404)
    require_course_view(course)
    reader = Reader(current_user.id, moderator=can_teach_course(current_user, course))
    # Association coordinators may read a course whose seats they fill, but they are not part of it.
    can_contribute = is_coordinator(current_user) or course_role(current_user, course.id) is not None
    return Context(course, get_registry().module(course.module_slug), reader, can_contribute)


def _chapters(module: Module | None) -> dict[str, Chapter]:
    return {chapter.slug: chapter for chapter in module.chapters} if module else {}


def _experience(ctx: Context, experience_id: int) -> Experience:
    # One query scoped to the course: an id from another course, or a post hidden from this
    # reader, is a 404 whatever URL is typed.
    return services.get_experience(ctx.course.id, experience_id, ctx.reader) or abort(404)


def _filters(ctx: Context) -> ExperienceFilters:
    """Filters from the query string; values that cannot match anything are ignored."""
    country = (request.args.get("country") or "").strip().upper()
    sdg = request.args.get("sdg", type=int)
    chapter = request.args.get("chapter") or None
    return ExperienceFilters(
        country=country if country in country_codes() else None,
        sdg=sdg if sdg in services.SDG_NUMBERS else None,
        chapter_slug=chapter if chapter in _chapters(ctx.module) else None,
    )


@bp.get("/")
@login_required
def index(course_id: int):
    ctx = _context(course_id)
    filters = _filters(ctx)
    # Highlighted posts come first in the list, so they open its first page (and go on to the next
    # only if there are more of them than a page holds).
    page = paginate(services.list_experiences(ctx.course.id, ctx.reader, filters), requested_page(), FEED_PER_PAGE)
    locale = str(get_locale() or "en")
    countries = sorted(services.list_countries(ctx.course.id, ctx.reader), key=lambda code: country_name(code, locale))
    return render_template(
        "experiences/index.html",
        ctx=ctx,
        course=ctx.course,
        page=page,
        pinned=[item for item in page.items if item.experience.highlighted],
        others=[item for item in page.items if not item.experience.highlighted],
        filters=filters,
        countries=countries,
        chapters=_chapters(ctx.module),
        sdg_names=SDG_NAMES,
    )


@bp.get("/<int:experience_id>")
@login_required
def detail(course_id: int, experience_id: int):
    ctx = _context(course_id)
    return _render_detail(ctx, _experience(ctx, experience_id))


def _render_detail(
    ctx: Context,
    experience: Experience,
    comment_form: CommentForm | None = None,
    good_case_form: GoodCaseForm | None = None,
    status: int = 200,
):
    comments = services.list_comments(experience.id, ctx.reader)
    return render_template(
        "experiences/detail.html",
        ctx=ctx,
        course=ctx.course,
        experience=experience,
        html=render_user_markdown(experience.text),
        comments=[(comment, render_user_markdown(comment.text)) for comment in comments],
        chapter=_chapters(ctx.module).get(experience.chapter_slug or ""),
        sdg_names=SDG_NAMES,
        # formdata=None: a form that was not the one posted starts empty, not from the other's fields.
        comment_form=comment_form or CommentForm(formdata=None),
        moderation_form=ModerationForm(),
        good_case_form=good_case_form or GoodCaseForm(formdata=None, cooperation_kind=experience.cooperation_kind),
        in_library=cases.is_in_library(experience),
        kind_names=COOPERATION_KIND_NAMES,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(course_id: int):
    ctx = _context(course_id)
    if not ctx.can_contribute:
        abort(403)
    chapters = ctx.module.chapters if ctx.module else ()
    form = ExperienceForm(chapters=chapters, country=current_user.country)
    if form.validate_on_submit():
        experience = services.create_experience(ctx.course.id, current_user.id, **_values(form))
        db.session.commit()
        flash(_("Thank you: your experience is shared with the course."), "success")
        return redirect(url_for(".detail", course_id=ctx.course.id, experience_id=experience.id))
    return _render_form(ctx, form, None)


@bp.route("/<int:experience_id>/edit", methods=["GET", "POST"])
@login_required
def edit(course_id: int, experience_id: int):
    ctx = _context(course_id)
    experience = _experience(ctx, experience_id)
    if experience.author_id != current_user.id:
        abort(403)
    chapters = ctx.module.chapters if ctx.module else ()
    form = ExperienceForm(chapters=chapters, obj=experience)
    if form.validate_on_submit():
        services.update_experience(experience, **_values(form))
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(url_for(".detail", course_id=ctx.course.id, experience_id=experience.id))
    return _render_form(ctx, form, experience)


def _values(form: ExperienceForm) -> dict:
    return {
        "title": form.title.data,
        "text": form.text.data,
        "country": form.country.data or None,
        "sdgs": form.sdgs.data or [],
        "chapter_slug": form.chapter_slug.data or None,
    }


def _render_form(ctx: Context, form: ExperienceForm, experience: Experience | None):
    status = 422 if form.is_submitted() else 200
    return render_template(
        "experiences/form.html", ctx=ctx, course=ctx.course, form=form, experience=experience
    ), status


@bp.post("/<int:experience_id>/comments")
@login_required
def comment(course_id: int, experience_id: int):
    ctx = _context(course_id)
    experience = _experience(ctx, experience_id)
    if not ctx.can_contribute:
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_detail(ctx, experience, comment_form=form, status=422)
    added = services.add_comment(experience, current_user.id, form.text.data)
    db.session.commit()
    flash(_("Your comment is posted."), "success")
    return redirect(
        url_for(".detail", course_id=ctx.course.id, experience_id=experience.id, _anchor=f"comment-{added.id}")
    )


def _moderate(course_id: int, experience_id: int, change: Callable[[Experience], str]):
    """Apply one moderation change, then go back to the post."""
    ctx = _context(course_id)
    experience = _experience(ctx, experience_id)
    if not ctx.reader.moderator:
        abort(403)
    if ModerationForm().validate_on_submit():
        message = change(experience)
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(".detail", course_id=ctx.course.id, experience_id=experience.id))


@bp.post("/<int:experience_id>/hide")
@login_required
def hide(course_id: int, experience_id: int):
    def change(experience: Experience) -> str:
        services.set_hidden(experience, True)
        # gettext at request time, not lazy_gettext: the message holds what a person typed.
        return _("“%(title)s” is hidden: only its author and the trainers see it.", title=experience.title)

    return _moderate(course_id, experience_id, change)


@bp.post("/<int:experience_id>/show")
@login_required
def show(course_id: int, experience_id: int):
    def change(experience: Experience) -> str:
        services.set_hidden(experience, False)
        return _("“%(title)s” is visible to the course again.", title=experience.title)

    return _moderate(course_id, experience_id, change)


@bp.post("/<int:experience_id>/highlight")
@login_required
def highlight(course_id: int, experience_id: int):
    def change(experience: Experience) -> str:
        services.set_highlighted(experience, True)
        return _("“%(title)s” is highlighted for the next live session.", title=experience.title)

    return _moderate(course_id, experience_id, change)


@bp.post("/<int:experience_id>/unhighlight")
@login_required
def unhighlight(course_id: int, experience_id: int):
    def change(experience: Experience) -> str:
        services.set_highlighted(experience, False)
        return _("“%(title)s” is no longer highlighted.", title=experience.title)

    return _moderate(course_id, experience_id, change)


def _moderate_comment(course_id: int, experience_id: int, comment_id: int, hidden: bool):
    ctx = _context(course_id)
    experience = _experience(ctx, experience_id)
    if not ctx.reader.moderator:
        abort(403)
    comment = services.get_comment(experience.id, comment_id) or abort(404)
    if ModerationForm().validate_on_submit():
        services.set_comment_hidden(comment, hidden)
        db.session.commit()
        flash(_("The comment is hidden.") if hidden else _("The comment is visible again."), "success")
    return redirect(
        url_for(".detail", course_id=ctx.course.id, experience_id=experience.id, _anchor=f"comment-{comment.id}")
    )


@bp.post("/<int:experience_id>/comments/<int:comment_id>/hide")
@login_required
def hide_comment(course_id: int, experience_id: int, comment_id: int):
    return _moderate_comment(course_id, experience_id, comment_id, hidden=True)


@bp.post("/<int:experience_id>/comments/<int:comment_id>/show")
@login_required
def show_comment(course_id: int, experience_id: int, comment_id: int):
    return _moderate_comment(course_id, experience_id, comment_id, hidden=False)


@bp.post("/<int:experience_id>/good-case")
@login_required
def mark_good_case(course_id: int, experience_id: int):
    ctx = _context(course_id)
    experience = _experience(ctx, experience_id)
    if not ctx.reader.moderator:
        abort(403)
    form = GoodCaseForm()
    if not form.validate_on_submit():
        return _render_detail(ctx, experience, good_case_form=form, status=422)
    cases.mark_good_case(experience, form.cooperation_kind.data)
    db.session.commit()
    flash(_marked_message(experience), "success")
    return redirect(url_for(".detail", course_id=ctx.course.id, experience_id=experience.id, _anchor="library"))


def _marked_message(experience: Experience) -> str:
    # gettext at request time: the messages hold a title someone typed.
    if cases.is_in_library(experience):
        return _("“%(title)s” is a good case in the case library.", title=experience.title)
    if experience.consent_at is None:
        return _(
            "“%(title)s” is marked as a good case. It joins the case library once its author agrees.",
            title=experience.title,
        )
    return _(
        "“%(title)s” is marked as a good case. It joins the case library when it is shown to participants again.",
        title=experience.title,
    )


@bp.post("/<int:experience_id>/good-case/remove")
@login_required
def unmark_good_case(course_id: int, experience_id: int):
    def change(experience: Experience) -> str:
        cases.unmark_good_case(experience)
        return _("“%(title)s” is no longer a good case, and not in the case library.", title=experience.title)

    return _moderate(course_id, experience_id, change)


def _consent(course_id: int, experience_id: int, change: Callable[[Experience], str]):
    """The author's own decision about the library: nobody else may give or withdraw it."""
    ctx = _context(course_id)
    experience = _experience(ctx, experience_id)
    if experience.author_id != current_user.id:
        abort(403)
    if ModerationForm().validate_on_submit():
        message = change(experience)
        db.session.commit()
        flash(message, "success")
    return redirect(url_for(".detail", course_id=ctx.course.id, experience_id=experience.id, _anchor="library"))


@bp.post("/<int:experience_id>/consent")
@login_required
def give_consent(course_id: int, experience_id: int):
    def change(experience: Experience) -> str:
        cases.give_consent(experience)
        if cases.is_in_library(experience):
            return _("Thank you: your experience is in the case library, shared with other courses.")
        if experience.good_case:  # and hidden by a trainer
            return _("Your consent is recorded. Your experience joins the case library if a trainer shows it again.")
        return _(
            "Your consent is recorded. Your experience joins the case library if a trainer marks it as a good case."
        )

    return _consent(course_id, experience_id, change)


@bp.post("/<int:experience_id>/consent/withdraw")
@login_required
def withdraw_consent(course_id: int, experience_id: int):
    def change(experience: Experience) -> str:
        cases.withdraw_consent(experience)
        return _("Your consent is withdrawn: your experience is not shared in the case library.")

    return _consent(course_id, experience_id, change)
