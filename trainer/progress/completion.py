"""Who completed a course, by its rule, and their certificates."""

import secrets
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.accounts.models import User
from trainer.collation import name_key
from trainer.content.models import Module
from trainer.courses.models import Course, Enrolment, EnrolmentRole
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.progress.models import Attendance, AttendanceStatus, Certificate, CompletionRule
from trainer.progress.study import ChapterState, progress_by_user
from trainer.schedule.models import LiveSession
from trainer.schedule.services import list_sessions

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread

# Group work is another feature: it registers a function (course, user_ids) -> {user_id: [missing...]}.
group_work_checks: list = []


def get_rule(course_id: int) -> CompletionRule:
    rule = db.session.get(CompletionRule, course_id)
    if rule is None:
        rule = CompletionRule(
            course_id=course_id,
            min_attendance_percent=80,
            require_all_sessions=True,
            require_all_chapters=True,
            require_group_exercises=True,
        )
    return rule


def save_rule(course_id: int, **values) -> CompletionRule:
    rule = db.session.get(CompletionRule, course_id)
    if rule is None:
        rule = CompletionRule(course_id=course_id)
        db.session.add(rule)
    for name, value in values.items():
        setattr(rule, name, value)
    db.session.flush()
    return rule


@dataclass
class Outcome:
    user: User
    missing: list[str] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def complete(self) -> bool:
        return not self.missing


def attended_enough(row: Attendance | None, session: LiveSession, percent: int) -> bool:
    if row is None or row.status == AttendanceStatus.ABSENT:
        return False
    if row.minutes is None:  # marked by hand without minutes: the register says they were there
        return row.status == AttendanceStatus.PRESENT
    return row.minutes >= session.minutes * percent / 100


def evaluate(course: Course, module: Module | None) -> list[Outcome]:
    """Everyone enrolled as a participant, by name, with what they still miss under the course's rule."""
    rule = get_rule(course.id)
    people = list(
        db.session.scalars(
            select(User)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.course_id == course.id, Enrolment.role == EnrolmentRole.PARTICIPANT)
            .order_by(User.name, User.id)
        )
    )
    # By name as people read it (the roster's and the dashboard's order), so that the pages of the list
    # follow one another; the statement's order settles equal names.
    people.sort(key=lambda user: name_key(user.name))
    ids = [user.id for user in people]
    sessions = [s for s in list_sessions(course.id) if not s.cancelled]
    attendance = {
        (a.session_id, a.user_id): a
        for a in db.session.scalars(
            select(Attendance).where(Attendance.session_id.in_([s.id for s in sessions] or [-1]))
        )
    }
    progress = progress_by_user(module, ids) if module else {}
    certificates = {
        c.user_id: c for c in db.session.scalars(select(Certificate).where(Certificate.course_id == course.id))
    }
    group_missing: dict[int, list[str]] = {}
    if rule.require_group_exercises:
        for check in group_work_checks:
            for user_id, items in check(course, ids).items():
                group_missing.setdefault(user_id, []).extend(items)
    outcomes = []
    for user in people:
        missing = []
        if rule.require_all_sessions:
            missing += [
                _("attend %(session)s (at least %(percent)d%%)", session=s.title, percent=rule.min_attendance_percent)
                for s in sessions
                if not attended_enough(attendance.get((s.id, user.id)), s, rule.min_attendance_percent)
            ]
        if rule.require_all_chapters and module:
            missing += [
                _("complete chapter %(number)d", number=c.number)
                for c in module.chapters
                if not progress[user.id][c.slug].complete
            ]
        missing += group_missing.get(user.id, [])
        outcomes.append(Outcome(user, missing, certificates.get(user.id)))
    return outcomes


def live_hours(course: Course) -> float:
    return sum(s.minutes for s in list_sessions(course.id) if not s.cancelled) / 60


def certificate_hours(course: Course, module: Module | None) -> float:
    """Live hours plus the module's estimated self-study hours, rounded to the half hour."""
    study = module.study_minutes / 60 if module else 0
    return round((live_hours(course) + study) * 2) / 2


def new_code() -> str:
    chunk = lambda: "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))  # noqa: E731
    return f"T4-{chunk()}-{chunk()}-{chunk()}"


def issue_certificates(course: Course, module: Module | None) -> int:
    """A certificate for every participant who meets the rule and has none; returns how many."""
    hours = certificate_hours(course, module)
    issued = 0
    for outcome in evaluate(course, module):
        if outcome.complete and outcome.certificate is None:
            db.session.add(Certificate(course_id=course.id, user_id=outcome.user.id, code=new_code(), hours=hours))
            issued += 1
    db.session.flush()
    return issued


def get_certificate(code: str) -> Certificate | None:
    if not code or len(code) > 32:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code.upper()))


def revoke(certificate: Certificate, reason: str) -> None:
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason.strip() or None
    db.session.flush()


def trained_trainer(user_id: int) -> list[tuple[Certificate, str]]:
    """The person's valid certificates with their courses' titles: they are a trained trainer."""
    rows = db.session.execute(
        select(Certificate, Course.title)
        .join(Course, Course.id == Certificate.course_id)
        .where(Certificate.user_id == user_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at)
    )
    return [(certificate, title) for certificate, title in rows]


def chapter_states(module: Module, user_id: int) -> dict[str, ChapterState]:
    return progress_by_user(module, [user_id])[user_id]


def certificate_of(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.revoked_at.is_(None)
        )
    )
