"""When this site first saw each version of a chapter: its "last changed" date.

The registry itself has no database; this small table lets readers (and progress) tell that a
chapter's text changed, and when.
"""

from datetime import datetime

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from trainer.content.models import Chapter
from trainer.dbtypes import UTCDateTime, utcnow
from trainer.extensions import db


class ChapterVersion(db.Model):
    __tablename__ = "chapter_versions"
    __table_args__ = (UniqueConstraint("module_slug", "chapter_slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    chapter_slug: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# A recorded date never changes, so each process remembers the ones it has read.
_known: dict[tuple[str, str, str], datetime] = {}


def forget_known_dates() -> None:
    """For tests, which empty the database between them."""
    _known.clear()


def _key(chapter: Chapter) -> tuple[str, str, str]:
    return chapter.module_slug, chapter.slug, chapter.version


def _seen_at(chapter: Chapter) -> datetime | None:
    if (known := _known.get(_key(chapter))) is not None:
        return known
    seen = db.session.scalar(
        select(ChapterVersion.first_seen_at).where(
            ChapterVersion.module_slug == chapter.module_slug,
            ChapterVersion.chapter_slug == chapter.slug,
            ChapterVersion.version == chapter.version,
        )
    )
    if seen is not None:
        _known[_key(chapter)] = seen
    return seen


def _record(chapter: Chapter) -> datetime:
    row = ChapterVersion(
        module_slug=chapter.module_slug,
        chapter_slug=chapter.slug,
        version=chapter.version,
        first_seen_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another request recorded it first
        return _seen_at(chapter)
    _known[_key(chapter)] = row.first_seen_at
    return row.first_seen_at


def chapter_changed_at(chapter: Chapter) -> tuple[datetime, bool]:
    """The date this chapter's current text was first seen here, and whether it was recorded
    just now (then the caller commits)."""
    seen = _seen_at(chapter)
    if seen is not None:
        return seen, False
    return _record(chapter), True


def record_versions(chapters: list[Chapter]) -> int:
    """Record every chapter's current version (run after a deploy); returns how many were new."""
    new = [chapter for chapter in chapters if _seen_at(chapter) is None]
    for chapter in new:
        _record(chapter)
    return len(new)
