"""The case library: good cases that trainers mark and authors agree to share beyond their course.

A post is IN THE LIBRARY only while three things hold at once: a trainer marked it a good case,
its author gave consent (and has not withdrawn it), and it is not hidden. Every read below asks
`in_library()`, so unmarking, withdrawing consent or hiding takes a case out of every page,
including the chapters it was attached to, without deleting anything (it comes back if the
three hold again). Writes flush and never commit; the view commits once.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import joinedload

from trainer.accounts.models import User
from trainer.content.registry import get_registry
from trainer.courses.models import Course, CourseStatus, Enrolment, EnrolmentRole
from trainer.dbtypes import utcnow
from trainer.experiences.models import ChapterCase, Experience
from trainer.extensions import db

# Stored codes; their translated names are in forms.COOPERATION_KIND_NAMES.
COOPERATION_KINDS = (
    "city-to-city",
    "association-to-association",
    "south-south",
    "triangular",
    "technical-cooperation",
    "knowledge-exchange",
    "other",
)


class CaseError(ValueError):
    """Something asked of the library that cannot be done; the message is for the person."""


@dataclass(frozen=True)
class LibraryFilters:
    country: str | None = None
    sdg: int | None = None
    cooperation_kind: str | None = None
    chapter_slug: str | None = None
    text: str | None = None  # part of the title, any case

    @property
    def active(self) -> bool:
        return bool(self.country or self.sdg or self.cooperation_kind or self.chapter_slug or self.text)


@dataclass(frozen=True)
class Attachment:
    chapter_case: ChapterCase
    course_title: str


def in_library() -> ColumnElement[bool]:
    return and_(Experience.good_case.is_(True), Experience.consent_at.is_not(None), Experience.hidden.is_(False))


def is_in_library(experience: Experience) -> bool:
    """The same rule as `in_library()`, for an object already loaded."""
    return bool(experience.good_case and experience.consent_at is not None and not experience.hidden)


def _with_author():
    return joinedload(Experience.author).joinedload(User.organisation)


def list_library(filters: LibraryFilters) -> list[Experience]:
    """Library cases, newest first, authors and organisations in the same statement."""
    query = select(Experience).options(_with_author()).where(in_library())
    if filters.country:
        query = query.where(Experience.country == filters.country)
    if filters.cooperation_kind:
        query = query.where(Experience.cooperation_kind == filters.cooperation_kind)
    if filters.chapter_slug:
        query = query.where(Experience.chapter_slug == filters.chapter_slug)
    if filters.text:
        # autoescape: a typed "%" or "_" is looked for as itself, not as a wildcard.
        query = query.where(Experience.title.icontains(filters.text, autoescape=True))
    query = query.order_by(Experience.created_at.desc(), Experience.id.desc())
    # SDGs are a JSON list, filtered here as in services.list_experiences (no portable "contains").
    return [
        experience
        for experience in db.session.scalars(query)
        if filters.sdg is None or filters.sdg in (experience.sdgs or [])
    ]


def list_library_countries() -> list[str]:
    """The countries of library cases: the options of the country filter."""
    return list(
        db.session.scalars(select(Experience.country).where(in_library(), Experience.country.is_not(None)).distinct())
    )


def get_library_case(experience_id: int) -> Experience | None:
    return db.session.scalar(
        select(Experience).options(_with_author()).where(Experience.id == experience_id, in_library())
    )


def mark_good_case(experience: Experience, cooperation_kind: str) -> None:
    """Mark (or re-mark with another kind). The case enters the library once its author consents."""
    if cooperation_kind not in COOPERATION_KINDS:
        raise ValueError(f"unknown kind of cooperation: {cooperation_kind!r}")
    experience.good_case = True
    experience.cooperation_kind = cooperation_kind
    db.session.flush()


def unmark_good_case(experience: Experience) -> None:
    # The kind describes a good case; without the mark it would be a stale label.
    experience.good_case = False
    experience.cooperation_kind = None
    db.session.flush()


def give_consent(experience: Experience) -> None:
    # Giving consent twice keeps the first date: that is when the author agreed.
    if experience.consent_at is None:
        experience.consent_at = utcnow()
        db.session.flush()


def withdraw_consent(experience: Experience) -> None:
    experience.consent_at = None
    db.session.flush()


def teachable_courses(user_id: int, coordinator: bool) -> list[Course]:
    """Courses whose chapters this person may attach cases to (archived ones are not offered)."""
    query = select(Course).where(Course.status != CourseStatus.ARCHIVED)
    if not coordinator:
        query = query.join(Enrolment, Enrolment.course_id == Course.id).where(
            Enrolment.user_id == user_id, Enrolment.role == EnrolmentRole.TRAINER
        )
    return list(db.session.scalars(query.order_by(Course.created_at.desc(), Course.id.desc())))


def attach_case(course: Course, chapter_slug: str, experience: Experience) -> ChapterCase:
    """Attach a library case to a chapter of the course's module; the caller checked who may."""
    module = get_registry().module(course.module_slug)
    if module is None or module.chapter(chapter_slug) is None:
        raise CaseError(_("Choose a chapter of the course's module."))
    if not is_in_library(experience):
        raise CaseError(_("This case is not in the library."))
    exists = db.session.scalar(
        select(ChapterCase.id).where(
            ChapterCase.course_id == course.id,
            ChapterCase.chapter_slug == chapter_slug,
            ChapterCase.experience_id == experience.id,
        )
    )
    if exists is not None:
        raise CaseError(_("This case is already attached to that chapter of the course."))
    attached = ChapterCase(
        course_id=course.id, chapter_slug=chapter_slug, experience_id=experience.id, created_at=utcnow()
    )
    db.session.add(attached)
    db.session.flush()
    return attached


def detach_case(course_id: int, chapter_slug: str, experience_id: int) -> bool:
    """Remove the attachment; False when there was none. Works whether or not the case is still in the library."""
    attached = db.session.scalar(
        select(ChapterCase).where(
            ChapterCase.course_id == course_id,
            ChapterCase.chapter_slug == chapter_slug,
            ChapterCase.experience_id == experience_id,
        )
    )
    if attached is None:
        return False
    db.session.delete(attached)
    db.session.flush()
    return True


def list_attachments(experience_id: int, course_ids: list[int] | None) -> list[Attachment]:
    """Where a case is attached, in these courses (None: in every course, for coordinators)."""
    query = (
        select(ChapterCase, Course.title)
        .join(Course, Course.id == ChapterCase.course_id)
        .where(ChapterCase.experience_id == experience_id)
        .order_by(Course.title, ChapterCase.chapter_slug)
    )
    if course_ids is not None:
        query = query.where(ChapterCase.course_id.in_(course_ids))
    return [Attachment(chapter_case, title) for chapter_case, title in db.session.execute(query)]


def cases_for_chapter(course_ids: list[int], chapter_slug: str) -> list[Experience]:
    """Library cases attached to this chapter in any of these courses, each once, authors loaded."""
    if not course_ids:
        return []
    return _attached_cases(ChapterCase.course_id.in_(course_ids), chapter_slug)


def cases_for_reader(user_id: int, module_slug: str, chapter_slug: str) -> list[Experience]:
    """`cases_for_chapter` for the courses of this module the person is enrolled in, in one statement
    (the chapter page counts its queries)."""
    their_courses = (
        select(Enrolment.course_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user_id, Course.module_slug == module_slug)
    )
    return _attached_cases(ChapterCase.course_id.in_(their_courses), chapter_slug)


def _attached_cases(in_courses: ColumnElement[bool], chapter_slug: str) -> list[Experience]:
    attached = select(ChapterCase.experience_id).where(in_courses, ChapterCase.chapter_slug == chapter_slug)
    # IN (subquery) rather than a join: a case attached in two of the reader's courses shows once.
    return list(
        db.session.scalars(
            select(Experience)
            .options(_with_author())
            .where(Experience.id.in_(attached), in_library())
            .order_by(Experience.created_at.desc(), Experience.id.desc())
        )
    )
