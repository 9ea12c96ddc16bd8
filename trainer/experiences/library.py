"""The case library: good cases shared across courses by their authors' consent.

Who may do what (checked here, on the server, with permissions.py's helpers):
- read the library (list, search, a case): anyone enrolled in any course, and site coordinators;
  other signed-in people get 404, visitors are sent to sign in;
- attach a case to a chapter of a course, or detach it: trainers of that course and coordinators
  (`require_course_teaching`: 404 for a course outside the person's reach, 403 for one they only
  take part in).
A case outside the library (not a good case, no consent, or hidden) is a 404 here for everyone.
"""

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
from trainer.experiences.cases import CaseError, LibraryFilters
from trainer.experiences.forms import COOPERATION_KIND_NAMES, SDG_NAMES, AttachForm, DetachForm
from trainer.experiences.models import Experience
from trainer.extensions import db
from trainer.pagination import paginate, requested_page
from trainer.permissions import course_roles, is_coordinator, require_course_teaching

library_bp = Blueprint("library", __name__, url_prefix="/library", template_folder="templates")

LIBRARY_PER_PAGE = 20  # cards like the course's feed (views.FEED_PER_PAGE)
SEARCH_MAX = 200  # a title is at most 200 characters: longer text cannot match


def _require_reader() -> None:
    # Authors agreed to share with other courses, not with everyone who has an account.
    if not (is_coordinator(current_user) or course_roles(current_user)):
        abort(404)


def _chapters() -> dict[str, Chapter]:
    """Chapters of every module by slug: library cases come from courses of any module."""
    chapters: dict[str, Chapter] = {}
    for module in get_registry().modules().values():
        for chapter in module.chapters:
            chapters.setdefault(chapter.slug, chapter)
    return chapters


def _filters(chapters: dict[str, Chapter]) -> LibraryFilters:
    """Filters from the query string; values that cannot match anything are ignored."""
    country = (request.args.get("country") or "").strip().upper()
    sdg = request.args.get("sdg", type=int)
    kind = request.args.get("kind") or None
    chapter = request.args.get("chapter") or None
    text = " ".join((request.args.get("q") or "").split())[:SEARCH_MAX]
    return LibraryFilters(
        country=country if country in country_codes() else None,
        sdg=sdg if sdg in services.SDG_NUMBERS else None,
        cooperation_kind=kind if kind in cases.COOPERATION_KINDS else None,
        chapter_slug=chapter if chapter in chapters else None,
        text=text or None,
    )


def _zone() -> str:
    return current_user.timezone or "UTC"


@library_bp.get("/")
@login_required
def index():
    _require_reader()
    chapters = _chapters()
    filters = _filters(chapters)
    locale = str(get_locale() or "en")
    countries = sorted(cases.list_library_countries(), key=lambda code: country_name(code, locale))
    return render_template(
        "experiences/library/index.html",
        page=paginate(cases.list_library(filters), requested_page(), LIBRARY_PER_PAGE),
        filters=filters,
        countries=countries,
        chapters=chapters,
        sdg_names=SDG_NAMES,
        kind_names=COOPERATION_KIND_NAMES,
        zone=_zone(),
    )


@library_bp.get("/<int:experience_id>")
@login_required
def detail(experience_id: int):
    _require_reader()
    experience = cases.get_library_case(experience_id) or abort(404)
    return _render_detail(experience, None)


def _teaching() -> tuple[list[Course], list[int] | None]:
    """Courses the reader may attach to, and the ids whose attachments they see (None: all)."""
    coordinator = is_coordinator(current_user)
    courses = cases.teachable_courses(current_user.id, coordinator)
    return courses, None if coordinator else [course.id for course in courses]


def _modules(courses: list[Course]) -> list[Module]:
    registry = get_registry()
    slugs = dict.fromkeys(course.module_slug for course in courses)  # ordered, once each
    return [module for slug in slugs if (module := registry.module(slug)) is not None]


def _render_detail(experience: Experience, attach_form: AttachForm | None, status: int = 200):
    courses, visible_course_ids = _teaching()
    chapters = _chapters()
    return render_template(
        "experiences/library/detail.html",
        experience=experience,
        html=render_user_markdown(experience.text),
        chapter=chapters.get(experience.chapter_slug or ""),
        chapters=chapters,
        sdg_names=SDG_NAMES,
        kind_names=COOPERATION_KIND_NAMES,
        zone=_zone(),
        can_attach=bool(courses),
        attach_form=attach_form or AttachForm(courses=courses, modules=_modules(courses), formdata=None),
        attachments=cases.list_attachments(experience.id, visible_course_ids),
        detach_form=DetachForm(formdata=None),
    ), status


@library_bp.post("/<int:experience_id>/attach")
@login_required
def attach(experience_id: int):
    _require_reader()
    experience = cases.get_library_case(experience_id) or abort(404)
    courses, _ids = _teaching()
    form = AttachForm(courses=courses, modules=_modules(courses))
    if not form.validate_on_submit():
        return _render_detail(experience, form, 422)
    course = get_course(form.course_id.data) or abort(404)
    require_course_teaching(course)
    try:
        cases.attach_case(course, form.chapter_slug.data, experience)
    except CaseError as error:
        form.form_errors.append(str(error))
        return _render_detail(experience, form, 422)
    db.session.commit()
    flash(_("The case is attached to the chapter for “%(course)s”.", course=course.title), "success")
    return redirect(url_for(".detail", experience_id=experience.id, _anchor="attachments"))


@library_bp.post("/<int:experience_id>/detach")
@login_required
def detach(experience_id: int):
    _require_reader()
    form = DetachForm()
    if not form.validate_on_submit() or form.course_id.data is None:
        abort(400)
    course = get_course(form.course_id.data) or abort(404)
    require_course_teaching(course)
    # Detaching works even after the case left the library, so a trainer can tidy up.
    if not cases.detach_case(course.id, form.chapter_slug.data or "", experience_id):
        abort(404)
    db.session.commit()
    flash(_("The case is no longer attached to the chapter for “%(course)s”.", course=course.title), "success")
    if cases.get_library_case(experience_id) is None:
        return redirect(url_for(".index"))
    return redirect(url_for(".detail", experience_id=experience_id, _anchor="attachments"))
