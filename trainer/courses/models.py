import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.accounts.models import User
from trainer.dbtypes import UTCDateTime, utcnow
from trainer.extensions import db


class EnrolmentRole(enum.StrEnum):
    PARTICIPANT = "participant"
    TRAINER = "trainer"


class CourseStatus(enum.StrEnum):
    DRAFT = "draft"
    REGISTRATION_OPEN = "registration_open"
    RUNNING = "running"
    FINISHED = "finished"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return str(_STATUS_LABELS[self])


_STATUS_LABELS = {
    CourseStatus.DRAFT: _l("Draft"),
    CourseStatus.REGISTRATION_OPEN: _l("Registration open"),
    CourseStatus.RUNNING: _l("Running"),
    CourseStatus.FINISHED: _l("Finished"),
    CourseStatus.ARCHIVED: _l("Archived"),
}


def _enum(enum_class: type[enum.Enum], name: str) -> Enum:
    # Stored as the lower-case value in a VARCHAR with a CHECK, the same on SQLite and PostgreSQL.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name
    status: Mapped[CourseStatus] = mapped_column(_enum(CourseStatus, "course_status"), default=CourseStatus.DRAFT)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    capacity: Mapped[int | None]
    # The Zoom meeting used by every live session unless a session has its own join URL.
    join_url: Mapped[str | None] = mapped_column(String(500))
    meeting_id: Mapped[str | None] = mapped_column(String(50))
    meeting_passcode: Mapped[str | None] = mapped_column(String(50))
    dial_in: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The language the course is run in: its people's emails and pages use it until they choose their
    # own (pages: after their browser's). None: not set, the site's default.
    language: Mapped[str | None] = mapped_column(String(16))
    # Focal points may apply on a public page; a coordinator approves each application.
    self_registration: Mapped[bool] = mapped_column(default=False, server_default="0")
    # A cascade course: run by a graduate of this earlier course.
    parent_course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cascade_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by a coordinator
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolments: Mapped[list["Enrolment"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.title!r}>"


class Enrolment(db.Model):
    """A person's role in one course."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[EnrolmentRole] = mapped_column(_enum(EnrolmentRole, "enrolment_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship(back_populates="enrolments", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")


class AssociationSeats(db.Model):
    """How many people a scoped coordinator's association may register into a course."""

    __tablename__ = "association_seats"
    __table_args__ = (UniqueConstraint("course_id", "association_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    association_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    seats: Mapped[int]


class ApplicationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Application(db.Model):
    """A focal point's request to join a course with self-registration, awaiting a coordinator."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_kind: Mapped[str] = mapped_column(String(32))
    position: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16), default="en")
    is_focal_point: Mapped[bool] = mapped_column(default=False)
    motivation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "application_status"), default=ApplicationStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PendingImport(db.Model):
    """An uploaded registration CSV between preview and confirmation: nobody is registered
    until the coordinator confirms, and then all rows are imported in one transaction."""

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # What the upload is for: "registration", or "zoom:<session id>" for an attendance report.
    purpose: Mapped[str] = mapped_column(String(40), default="registration", server_default="registration")
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CascadeRecord(db.Model):
    """A cascade training a graduate ran outside the platform, recorded by a coordinator."""

    __tablename__ = "cascade_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    graduate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    origin_course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(16), default="en")
    people_trained: Mapped[int]
    chapters: Mapped[list[str]] = mapped_column(JSON, default=list)
    attendance_list: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_filename: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
