from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.accounts.models import User
from trainer.dbtypes import UTCDateTime, utcnow
from trainer.extensions import db


class Experience(db.Model):
    """A participant's experience of decentralised cooperation, shared with their course."""

    __tablename__ = "experiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # Markdown, rendered through the sanitiser
    country: Mapped[str | None] = mapped_column(String(2))
    sdgs: Mapped[list[int]] = mapped_column(JSON, default=list)
    chapter_slug: Mapped[str | None] = mapped_column(String(100))
    hidden: Mapped[bool] = mapped_column(default=False)  # by a trainer
    highlighted: Mapped[bool] = mapped_column(default=False)  # for the next live session
    # The case library: a trainer marks a good case; it is shared across courses only with the
    # author's consent, recorded with its date.
    good_case: Mapped[bool] = mapped_column(default=False, server_default="0")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cooperation_kind: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")


class ChapterCase(db.Model):
    """A library case a later course attaches to one of its chapters."""

    __tablename__ = "chapter_cases"
    __table_args__ = (UniqueConstraint("course_id", "chapter_slug", "experience_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    chapter_slug: Mapped[str] = mapped_column(String(100))
    experience_id: Mapped[int] = mapped_column(ForeignKey("experiences.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
