"""Shared experiences: posts and comments of a course, what a reader may see of them, moderation.

Reads take the reader as plain values (`Reader`): who they are and whether they moderate the
course. Writes flush and never commit; the view commits once.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import joinedload

from trainer.accounts.models import User
from trainer.dbtypes import utcnow
from trainer.experiences.models import Comment, Experience
from trainer.extensions import db

SDG_NUMBERS = range(1, 18)


@dataclass(frozen=True)
class Reader:
    """Someone reading a course's experiences. Moderators (trainers, coordinators) see hidden items."""

    user_id: int
    moderator: bool = False


@dataclass(frozen=True)
class ExperienceFilters:
    country: str | None = None
    sdg: int | None = None
    chapter_slug: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.country or self.sdg or self.chapter_slug)


@dataclass(frozen=True)
class ListedExperience:
    experience: Experience
    comment_count: int  # visible comments only


def _visible_experiences(reader: Reader) -> ColumnElement[bool]:
    # A hidden post stays visible to its author, so they know what happened to it.
    if reader.moderator:
        return true()
    return or_(Experience.hidden.is_(False), Experience.author_id == reader.user_id)


def _visible_comments(reader: Reader) -> ColumnElement[bool]:
    if reader.moderator:
        return true()
    return or_(Comment.hidden.is_(False), Comment.author_id == reader.user_id)


def _with_author(entity):
    return joinedload(entity.author).joinedload(User.organisation)


def list_experiences(course_id: int, reader: Reader, filters: ExperienceFilters) -> list[ListedExperience]:
    """Highlighted first, then newest first; authors and comment counts in one statement."""
    counts = (
        select(Comment.experience_id, func.count(Comment.id).label("n"))
        .join(Experience, Experience.id == Comment.experience_id)
        .where(Experience.course_id == course_id, Comment.hidden.is_(False))
        .group_by(Comment.experience_id)
        .subquery()
    )
    query = (
        select(Experience, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.experience_id == Experience.id)
        .options(_with_author(Experience))
        .where(Experience.course_id == course_id, _visible_experiences(reader))
        .order_by(Experience.highlighted.desc(), Experience.created_at.desc(), Experience.id.desc())
    )
    if filters.country:
        query = query.where(Experience.country == filters.country)
    if filters.chapter_slug:
        query = query.where(Experience.chapter_slug == filters.chapter_slug)
    rows = db.session.execute(query).all()
    # SDGs are a JSON list, and "contains" is spelt differently by SQLite and PostgreSQL; a
    # course holds at most a few hundred posts, so this filter runs here.
    return [
        ListedExperience(experience, count)
        for experience, count in rows
        if filters.sdg is None or filters.sdg in (experience.sdgs or [])
    ]


def list_countries(course_id: int, reader: Reader) -> list[str]:
    """The countries of the posts the reader can see: the options of the country filter."""
    return list(
        db.session.scalars(
            select(Experience.country)
            .where(Experience.course_id == course_id, Experience.country.is_not(None), _visible_experiences(reader))
            .distinct()
        )
    )


def get_experience(course_id: int, experience_id: int, reader: Reader) -> Experience | None:
    """The post if it belongs to this course and the reader may see it."""
    return db.session.scalar(
        select(Experience)
        .options(_with_author(Experience))
        .where(Experience.id == experience_id, Experience.course_id == course_id, _visible_experiences(reader))
    )


def list_comments(experience_id: int, reader: Reader) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .options(_with_author(Comment))
            .where(Comment.experience_id == experience_id, _visible_comments(reader))
            .order_by(Comment.created_at, Comment.id)
        )
    )


def get_comment(experience_id: int, comment_id: int) -> Comment | None:
    return db.session.scalar(select(Comment).where(Comment.id == comment_id, Comment.experience_id == experience_id))


def _clean_sdgs(sdgs: list[int]) -> list[int]:
    if any(number not in SDG_NUMBERS for number in sdgs):
        raise ValueError("SDGs are numbered 1 to 17")
    return sorted(set(sdgs))


def create_experience(
    course_id: int,
    author_id: int,
    *,
    title: str,
    text: str,
    country: str | None = None,
    sdgs: list[int] | None = None,
    chapter_slug: str | None = None,
) -> Experience:
    now = utcnow()
    experience = Experience(
        course_id=course_id,
        author_id=author_id,
        title=title.strip(),
        text=text,
        country=country or None,
        sdgs=_clean_sdgs(sdgs or []),
        chapter_slug=chapter_slug or None,
        created_at=now,
        updated_at=now,  # equal on creation: the page says "edited" only after an edit
    )
    db.session.add(experience)
    db.session.flush()
    return experience


def update_experience(
    experience: Experience,
    *,
    title: str,
    text: str,
    country: str | None,
    sdgs: list[int],
    chapter_slug: str | None,
) -> None:
    experience.title = title.strip()
    experience.text = text
    experience.country = country or None
    experience.sdgs = _clean_sdgs(sdgs)  # a new list: SQLAlchemy does not see changes inside JSON
    experience.chapter_slug = chapter_slug or None
    experience.updated_at = utcnow()
    db.session.flush()


def add_comment(experience: Experience, author_id: int, text: str) -> Comment:
    comment = Comment(experience_id=experience.id, author_id=author_id, text=text, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    return comment


def set_hidden(experience: Experience, hidden: bool) -> None:
    experience.hidden = hidden
    db.session.flush()


def set_highlighted(experience: Experience, highlighted: bool) -> None:
    experience.highlighted = highlighted
    db.session.flush()


def set_comment_hidden(comment: Comment, hidden: bool) -> None:
    comment.hidden = hidden
    db.session.flush()
