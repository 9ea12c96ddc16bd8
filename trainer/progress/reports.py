"""Dashboards: who is keeping up, per course (trainers) and across courses (coordinators)."""

import csv
import io
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import func, select

from trainer.accounts.models import Organisation, User
from trainer.collation import name_key
from trainer.content.models import Module
from trainer.courses.models import Course, Enrolment, EnrolmentRole
from trainer.extensions import db
from trainer.progress import study
from trainer.progress.models import Attendance, AttendanceStatus
from trainer.progress.study import ChapterState, module_percent, progress_counts
from trainer.schedule.models import LiveSession, SessionStatus

SORTS = ("name", "country", "organisation", "progress", "attendance")


@dataclass(frozen=True)
class Filters:
    country: str | None = None
    organisation_id: int | None = None
    user_ids: frozenset[int] | None = None  # e.g. one breakout group
    sort: str = "name"
    descending: bool = False


@dataclass
class Row:
    user: User
    organisation: Organisation | None
    chapters: dict[str, ChapterState]
    attendance: dict[int, Attendance]

    @property
    def percent(self) -> int:
        return module_percent(self.chapters)

    def attended(self, sessions: list[LiveSession]) -> int:
        return sum(1 for s in sessions if (a := self.attendance.get(s.id)) and a.status != "absent")


@dataclass
class Matrix:
    course: Course
    module: Module | None
    sessions: list[LiveSession]
    rows: list[Row]
    total: int
    page: int
    pages: int
    chapter_totals: dict[str, dict[str, int]] = field(default_factory=dict)
    session_totals: dict[int, int] = field(default_factory=dict)


def _participants(course_id: int, filters: Filters):
    stmt = (
        select(User, Organisation)
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Enrolment.course_id == course_id, Enrolment.role == EnrolmentRole.PARTICIPANT)
    )
    return _filtered(stmt, filters, User.id)


def _scope(course_id: int, filters: Filters):
    """The ids of the participants matching the filters, as a SELECT for `IN (...)`. From the
    enrolments alone unless a filter needs the users' columns: the aggregates use it several times,
    and at 5,000 people the join to users cost a third of the totals query."""
    stmt = select(Enrolment.user_id).where(
        Enrolment.course_id == course_id, Enrolment.role == EnrolmentRole.PARTICIPANT
    )
    if filters.country or filters.organisation_id:
        stmt = stmt.join(User, User.id == Enrolment.user_id)
    return _filtered(stmt, filters, Enrolment.user_id)


def _filtered(stmt, filters: Filters, user_id):
    """The filters on a statement that has the users joined (for country and organisation)."""
    if filters.country:
        stmt = stmt.where(User.country == filters.country)
    if filters.organisation_id:
        stmt = stmt.where(User.organisation_id == filters.organisation_id)
    if filters.user_ids is not None:
        stmt = stmt.where(user_id.in_(filters.user_ids or {-1}))
    return stmt


def filter_options(course_id: int) -> tuple[list[str], list[Organisation]]:
    """The countries and organisations of a course's participants, for the filters."""
    everyone = _participants(course_id, Filters()).subquery()
    countries = db.session.scalars(select(everyone.c.country).distinct().where(everyone.c.country.is_not(None)))
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(select(everyone.c.organisation_id))).order_by(Organisation.name)
    )
    return list(countries), list(organisations)


def course_matrix(
    course: Course, module: Module | None, filters: Filters = Filters(), page: int = 1, per_page: int = 50
) -> Matrix:
    """Participants × chapters and × live sessions, with totals per column, in a fixed number of queries.

    Only what sorting needs is read for everyone (ids, names, countries, organisations, and the
    progress or attendance counts when sorting by them); totals are counted by the database; whole
    rows (progress per chapter, attendance records) are loaded for the requested page only. At
    5,000 participants that is 50 rows built instead of 5,000."""
    scope = _scope(course.id, filters)
    sessions = list(
        db.session.scalars(
            select(LiveSession)
            .where(LiveSession.course_id == course.id, LiveSession.status == SessionStatus.SCHEDULED)
            .order_by(LiveSession.starts_at)
        )
    )
    people = _sortable(course.id, filters, module, sessions, scope)
    matrix = Matrix(course, module, sessions, [], len(people), 1, max(1, -(-len(people) // per_page)))
    matrix.page = min(max(1, page), matrix.pages)
    on_page = people[(matrix.page - 1) * per_page : matrix.page * per_page]
    ids = [person.user_id for person in on_page]
    # A page holding everyone (CSV, overview) names them by the subquery rather than a long IN list.
    page_scope = scope if len(on_page) == len(people) else ids
    if module:
        matrix.chapter_totals = study.chapter_status_totals(module, scope, len(people))
    matrix.session_totals = _attended_by_session(sessions, scope)
    if not ids:
        return matrix
    users = {user.id: (user, org) for user, org in db.session.execute(_with_organisation(page_scope))}
    states = progress_counts(module, page_scope, ids) if module else {uid: {} for uid in ids}
    attendance: dict[int, dict[int, Attendance]] = {uid: {} for uid in ids}
    if sessions:
        for row in db.session.scalars(
            select(Attendance).where(
                Attendance.session_id.in_([s.id for s in sessions]), Attendance.user_id.in_(page_scope)
            )
        ):
            if row.user_id in attendance:
                attendance[row.user_id][row.session_id] = row
    matrix.rows = [Row(*users[uid], states[uid], attendance[uid]) for uid in ids]
    return matrix


class _Sortable(NamedTuple):
    """One participant, as much as sorting needs (a tuple: thousands are built per request)."""

    user_id: int
    name: str
    country: str | None
    organisation: str | None
    percent: int
    attended: int


def _sortable(course_id: int, filters: Filters, module: Module | None, sessions, scope) -> list[_Sortable]:
    """Everyone matching the filters, in the requested order (names by the Unicode Collation
    Algorithm, which no database here offers, hence the sort in Python over light tuples)."""
    stmt = _participants(course_id, filters).with_only_columns(User.id, User.name, User.country, Organisation.name)
    done = study.units_done_by_user(module, scope) if module and filters.sort == "progress" else {}
    total = study.total_units(module) if module else 0
    attended = _attended_by_user(sessions, scope) if filters.sort == "attendance" else {}
    people = [
        _Sortable(
            uid,
            name,
            country,
            organisation,
            round(100 * done.get(uid, 0) / total) if total else 0,
            attended.get(uid, 0),
        )
        # Ordered by id first so that equal keys keep one order from page to page.
        for uid, name, country, organisation in db.session.execute(stmt.order_by(User.id))
    ]
    people.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    return people


def _with_organisation(ids):
    return (
        select(User, Organisation)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(ids))
    )


def _attended_by_user(sessions: list[LiveSession], scope) -> dict[int, int]:
    if not sessions:
        return {}
    return dict(
        db.session.execute(
            select(Attendance.user_id, func.count())
            .where(
                Attendance.session_id.in_([s.id for s in sessions]),
                Attendance.status != AttendanceStatus.ABSENT,
                Attendance.user_id.in_(scope),
            )
            .group_by(Attendance.user_id)
        ).all()
    )


def _attended_by_session(sessions: list[LiveSession], scope) -> dict[int, int]:
    totals = {s.id: 0 for s in sessions}
    if sessions:
        totals.update(
            db.session.execute(
                select(Attendance.session_id, func.count())
                .where(
                    Attendance.session_id.in_(list(totals)),
                    Attendance.status != AttendanceStatus.ABSENT,
                    Attendance.user_id.in_(scope),
                )
                .group_by(Attendance.session_id)
            ).all()
        )
    return totals


def _sort_key(sort: str):
    keys = {
        "name": lambda p: name_key(p.name),
        "country": lambda p: (p.country or "", name_key(p.name)),
        "organisation": lambda p: ((p.organisation or "").casefold(), p.name.casefold()),
        "progress": lambda p: (p.percent, p.name.casefold()),
        "attendance": lambda p: (p.attended, p.name.casefold()),
    }
    return keys.get(sort, keys["name"])


def matrix_csv(course: Course, module: Module | None, filters: Filters) -> bytes:
    """Every row of the matrix (not one page), UTF-8 with BOM for Excel."""
    matrix = course_matrix(course, module, filters, per_page=10**9)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    chapters = list(module.chapters) if module else []
    writer.writerow(
        [
            "name",
            "email",
            "country",
            "organisation",
            "progress_percent",
            *[f"chapter_{c.number}" for c in chapters],
            *[s.title for s in matrix.sessions],
        ]
    )
    for row in matrix.rows:
        writer.writerow(
            [
                row.user.name,
                row.user.email,
                row.user.country or "",
                row.organisation.name if row.organisation else "",
                row.percent,
                *[row.chapters[c.slug].status for c in chapters],
                *[_attendance_cell(row.attendance.get(s.id)) for s in matrix.sessions],
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _attendance_cell(row: Attendance | None) -> str:
    if row is None:
        return ""
    return f"{row.status.value} ({row.minutes} min)" if row.minutes is not None else row.status.value


@dataclass
class Summary:
    """A line of the coordinators' overview: one course, or one country or organisation."""

    label: str
    participants: int = 0
    percent_total: int = 0
    attended: int = 0
    possible: int = 0

    @property
    def progress(self) -> int:
        return round(self.percent_total / self.participants) if self.participants else 0

    @property
    def attendance(self) -> int:
        return round(100 * self.attended / self.possible) if self.possible else 0


def overview(courses_and_modules: list[tuple[Course, Module | None]]):
    """Per course, per country and per organisation: participants, average progress, attendance."""
    by_course, by_country, by_organisation = [], {}, {}
    for course, module in courses_and_modules:
        matrix = course_matrix(course, module, per_page=10**9)
        line = Summary(course.title)
        for row in matrix.rows:
            attended, possible = row.attended(matrix.sessions), len(matrix.sessions)
            org = row.organisation.name if row.organisation else "—"
            for summary in (
                line,
                by_country.setdefault(row.user.country or "—", Summary(row.user.country or "—")),
                by_organisation.setdefault(org, Summary(org)),
            ):
                summary.participants += 1
                summary.percent_total += row.percent
                summary.attended += attended
                summary.possible += possible
        by_course.append((course, line))
    return (
        by_course,
        sorted(by_country.values(), key=lambda s: s.label),
        sorted(by_organisation.values(), key=lambda s: s.label.casefold()),
    )
