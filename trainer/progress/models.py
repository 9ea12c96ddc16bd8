import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainer.courses.models import _enum
from trainer.dbtypes import UTCDateTime, utcnow
from trainer.extensions import db


class SectionProgress(db.Model):
    """A section a participant marked as studied. Section ids are stable across versions."""

    __tablename__ = "section_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "chapter_slug", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    chapter_slug: Mapped[str] = mapped_column(String(100))
    section_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(64))  # the chapter's version when marked
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChapterProgress(db.Model):
    """When a participant first opened a chapter and when they completed it (and which text)."""

    __tablename__ = "chapter_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "chapter_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    chapter_slug: Mapped[str] = mapped_column(String(100))
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_version: Mapped[str | None] = mapped_column(String(64))


class ExerciseAnswer(db.Model):
    """A participant's short written answer to an individual exercise."""

    __tablename__ = "exercise_answers"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "exercise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    exercise_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    PARTIAL = "partial"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return str(_ATTENDANCE_LABELS[self])


_ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.LEFT_EARLY: _l("Left early"),
    AttendanceStatus.PARTIAL: _l("Partly present"),
    AttendanceStatus.ABSENT: _l("Absent"),
}

_SOURCE_LABELS = {"manual": _l("by hand"), "zoom": _l("Zoom report")}


class Attendance(db.Model):
    """One person's attendance at one live session: a register per session, not per course."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(_enum(AttendanceStatus, "attendance_status"))
    minutes: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | zoom
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def source_label(self) -> str:
        """Where the record came from, in the reader's language: typed by hand or a Zoom report."""
        return str(_SOURCE_LABELS.get(self.source, self.source))


class CompletionRule(db.Model):
    """What completing a course means, editable per course by coordinators."""

    __tablename__ = "completion_rules"

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    min_attendance_percent: Mapped[int] = mapped_column(default=80)
    require_all_sessions: Mapped[bool] = mapped_column(default=True)
    require_all_chapters: Mapped[bool] = mapped_column(default=True)
    require_group_exercises: Mapped[bool] = mapped_column(default=True)


class Certificate(db.Model):
    """A certificate of completion; anyone can check its code, coordinators can revoke it."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    hours: Mapped[float]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    # A graduate becomes a certified trainer when a coordinator confirms their first cascade training.
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
