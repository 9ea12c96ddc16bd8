"""A course's people: who they are, their role, and whether their invitation reached them."""

import csv
import io
from dataclasses import dataclass

from sqlalchemy import func, select

from trainer.accounts.models import Organisation, User
from trainer.accounts.organisations import member_ids
from trainer.collation import name_key
from trainer.courses.models import Enrolment, EnrolmentRole
from trainer.courses.registration_csv import COLUMNS
from trainer.extensions import db
from trainer.mail.models import OutboxMessage

# The import's columns: an exported roster imports back unchanged.
EXPORT_COLUMNS = COLUMNS


@dataclass(frozen=True)
class RosterEntry:
    user: User
    organisation: Organisation | None
    role: EnrolmentRole
    status: str  # joined | invited | failed

    @property
    def email(self) -> str:
        return self.user.email


@dataclass(frozen=True)
class RosterFilters:
    country: str | None = None
    organisation_id: int | None = None
    role: str | None = None
    status: str | None = None


def list_roster(
    course_id: int, filters: RosterFilters = RosterFilters(), scope: int | None = None
) -> list[RosterEntry]:
    """The people of a course, by name, in two queries whatever their number."""
    stmt = (
        select(Enrolment.role, User, Organisation)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Enrolment.course_id == course_id)
        .order_by(User.name, User.id)
    )
    if filters.country:
        stmt = stmt.where(User.country == filters.country)
    if filters.organisation_id:
        stmt = stmt.where(User.organisation_id == filters.organisation_id)
    if filters.role in (EnrolmentRole.PARTICIPANT, EnrolmentRole.TRAINER):
        stmt = stmt.where(Enrolment.role == filters.role)
    if scope is not None:
        stmt = stmt.where(User.organisation_id.in_(member_ids(scope)))
    rows = db.session.execute(stmt).all()
    failed = _failed_mail(course_id)
    entries = [RosterEntry(user, organisation, role, _status(user, failed)) for role, user, organisation in rows]
    entries.sort(key=lambda entry: name_key(entry.user.name))
    return [entry for entry in entries if not filters.status or entry.status == filters.status]


def _failed_mail(course_id: int) -> set[int]:
    """People whose latest invitation or notice for this course has not gone out after retries."""
    latest = (
        select(OutboxMessage.user_id, func.max(OutboxMessage.id).label("last_id"))
        .where(OutboxMessage.course_id == course_id, OutboxMessage.kind.in_(("invitation", "enrolment")))
        .group_by(OutboxMessage.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(OutboxMessage.user_id)
        .join(latest, OutboxMessage.id == latest.c.last_id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0)
    )
    return {user_id for (user_id,) in rows}


def _status(user: User, failed: set[int]) -> str:
    if user.joined_at is not None:
        return "joined"
    return "failed" if user.id in failed else "invited"


def roster_csv(entries: list[RosterEntry]) -> bytes:
    """The roster in the import format: UTF-8 with a BOM (so Excel reads it), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for entry in entries:
        user, organisation = entry.user, entry.organisation
        writer.writerow(
            [
                user.name,
                user.email,
                organisation.name if organisation else "",
                organisation.kind.value if organisation else "",
                user.position or "",
                user.country or "",
                user.timezone or "",
                user.locale or "",  # not chosen: imports back as not chosen
                entry.role.value,
                "yes" if user.is_focal_point else "no",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def roster_counts(entries: list[RosterEntry]) -> dict[str, int]:
    counts = {"participants": 0, "trainers": 0, "joined": 0, "invited": 0, "failed": 0}
    for entry in entries:
        counts["trainers" if entry.role == EnrolmentRole.TRAINER else "participants"] += 1
        counts[entry.status] += 1
    return counts


def remove_from_course(course_id: int, user_id: int) -> bool:
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.course_id == course_id, Enrolment.user_id == user_id)
    )
    if enrolment is None:
        return False
    db.session.delete(enrolment)
    db.session.flush()
    return True
