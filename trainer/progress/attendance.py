"""Attendance: a register per live session, kept by hand or from Zoom's participant report."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select

from trainer.accounts.models import User
from trainer.collation import name_key
from trainer.courses.models import Course, Enrolment, EnrolmentRole
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.progress import zoom
from trainer.progress.models import Attendance, AttendanceStatus
from trainer.schedule.models import LiveSession


def participants(course_id: int) -> list[User]:
    """The course's participants, in the order people expect for names in any script."""
    return sorted(
        db.session.scalars(
            select(User)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.course_id == course_id, Enrolment.role == EnrolmentRole.PARTICIPANT)
            .order_by(User.name, User.id)
        ),
        key=lambda user: name_key(user.name),
    )


class Entry(NamedTuple):
    """One participant on a register, as much as ordering and a page need (thousands are built per request)."""

    id: int
    name: str


def register_people(course_id: int) -> list[Entry]:
    """Everyone on the course's registers, in the order of `participants`, as light rows: the register
    is cut into pages after sorting (by the Unicode Collation Algorithm, in Python), so everyone is
    read, but only their ids and names."""
    rows = db.session.execute(
        select(User.id, User.name)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course_id, Enrolment.role == EnrolmentRole.PARTICIPANT)
    )
    return sorted((Entry(uid, name) for uid, name in rows), key=lambda e: (name_key(e.name), e.name, e.id))


def register(session: LiveSession, user_ids: Collection[int] | None = None) -> dict[int, Attendance]:
    """The session's attendance rows by user id: everyone's, or only those of `user_ids` (a page)."""
    stmt = select(Attendance).where(Attendance.session_id == session.id)
    if user_ids is not None:
        stmt = stmt.where(Attendance.user_id.in_(list(user_ids)))
    return {row.user_id: row for row in db.session.scalars(stmt)}


def register_counts(session: LiveSession, participants_count: int) -> dict[AttendanceStatus | None, int]:
    """How many of the course's participants have each status at this session, counted by the
    database over everyone (whatever page or group is shown); None: not recorded yet."""
    enrolled = select(Enrolment.user_id).where(
        Enrolment.course_id == session.course_id, Enrolment.role == EnrolmentRole.PARTICIPANT
    )
    counts: Counter = Counter(
        dict(
            db.session.execute(
                select(Attendance.status, func.count())
                .where(Attendance.session_id == session.id, Attendance.user_id.in_(enrolled))
                .group_by(Attendance.status)
            ).all()
        )
    )
    result: dict[AttendanceStatus | None, int] = {status: counts[status] for status in AttendanceStatus}
    result[None] = max(0, participants_count - sum(counts.values()))
    return result


def save_register(
    session: LiveSession, entries: dict[int, tuple[AttendanceStatus, int | None]], *, by: int | None
) -> int:
    """Write the statuses and minutes of `entries` ({user id: (status, minutes)}) with one read and one
    flush. A row whose status and minutes are already those is left alone, so saving a page does not
    claim by hand what Zoom recorded, nor touch who changed it last. Returns how many rows changed."""
    existing = register(session, entries.keys()) if entries else {}
    changed = 0
    for user_id, (status, minutes) in entries.items():
        row = existing.get(user_id)
        if row is not None and (row.status, row.minutes) == (status, minutes):
            continue
        _write(session, row, user_id, status, minutes, by=by, source="manual")
        changed += 1
    db.session.flush()
    return changed


def record(
    session: LiveSession,
    user_id: int,
    status: AttendanceStatus,
    minutes: int | None,
    *,
    by: int | None,
    source: str = "manual",
) -> None:
    row = db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user_id)
    )
    _write(session, row, user_id, status, minutes, by=by, source=source)
    db.session.flush()


def _write(
    session: LiveSession,
    row: Attendance | None,
    user_id: int,
    status: AttendanceStatus,
    minutes: int | None,
    *,
    by: int | None,
    source: str,
) -> None:
    """Set one person's record, `row` if they have one already (read by the caller, in bulk)."""
    if row is None:
        row = Attendance(session_id=session.id, user_id=user_id)
        db.session.add(row)
    row.status, row.minutes, row.source = status, minutes, source
    row.updated_at, row.updated_by_id = utcnow(), by


def default_threshold(session: LiveSession, percent: int = 80) -> int:
    """Minutes a person must be there to count as present: 80% of the session by default."""
    return max(1, round(session.minutes * percent / 100))


@dataclass(frozen=True)
class ZoomPreview:
    proposal: zoom.AttendanceProposal
    people: dict[int, User]
    threshold: int

    def status(self, minutes: int) -> AttendanceStatus:
        if minutes <= 0:
            return AttendanceStatus.ABSENT
        return AttendanceStatus.PRESENT if minutes >= self.threshold else AttendanceStatus.PARTIAL

    def outcome(self) -> dict[AttendanceStatus, int]:
        """What confirming records for everyone enrolled, before any row is matched by hand."""
        counts = Counter(self.status(match.minutes) for match in self.proposal.matched)
        counts[AttendanceStatus.ABSENT] += len(self.people) - len(self.proposal.matched)
        return {
            status: counts[status]
            for status in (AttendanceStatus.PRESENT, AttendanceStatus.PARTIAL, AttendanceStatus.ABSENT)
        }


def match_by_hand(preview: ZoomPreview, typed: dict[int, str]) -> tuple[dict[int, int], dict[int, str]]:
    """The trainer's choices for rows nobody matched ({row index: what they typed: an e-mail from the
    page's list, or a whole name}) as {row index: user id}, and the rows whose text names nobody or
    several participants ({row index: "nobody" | "several"}). Empty text: not a participant."""
    by_email: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for uid, user in preview.people.items():
        by_email.setdefault(user.email.strip().lower(), []).append(uid)
        by_name.setdefault(zoom.normalise_name(user.name), []).append(uid)
    chosen, problems = {}, {}
    for index, text in typed.items():
        if not text.strip():
            continue
        found = by_email.get(text.strip().lower()) or by_name.get(zoom.normalise_name(text), [])
        if len(found) == 1:
            chosen[index] = found[0]
        else:
            problems[index] = "several" if found else "nobody"
    return chosen, problems


def preview_zoom(course: Course, session: LiveSession, data: bytes, threshold: int) -> ZoomPreview:
    """Match a Zoom report to the course's participants. Raises zoom.ZoomReportError for a bad file."""
    report = zoom.parse_report(data, course.timezone)
    people = participants(course.id)
    proposal = zoom.propose_attendance(
        report, [zoom.Person(u.id, u.name, u.email) for u in people], session.starts_at, session.ends_at
    )
    return ZoomPreview(proposal, {u.id: u for u in people}, threshold)


def apply_zoom(session: LiveSession, preview: ZoomPreview, manual: dict[int, int], *, by: int) -> int:
    """Write the matched rows, plus unmatched rows the trainer matched by hand ({row index: user id}).
    Everyone else enrolled is recorded absent. Returns the number of people recorded present."""
    minutes = {m.person_id: m.minutes for m in preview.proposal.matched}
    for index, user_id in manual.items():
        if user_id in preview.people and 0 <= index < len(preview.proposal.unmatched):
            # Rows matched by hand may overlap the others (a second device): never above the session.
            added = minutes.get(user_id, 0) + preview.proposal.unmatched[index].minutes
            minutes[user_id] = min(added, session.minutes)
    existing = register(session, preview.people.keys())  # one read for everyone, not one per person
    present = 0
    for user_id in preview.people:
        status = preview.status(minutes.get(user_id, 0))
        present += status == AttendanceStatus.PRESENT
        _write(session, existing.get(user_id), user_id, status, minutes.get(user_id, 0), by=by, source="zoom")
    db.session.flush()
    return present
