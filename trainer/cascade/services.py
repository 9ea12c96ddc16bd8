"""Cascade courses, recorded trainings and the reach, read in a fixed number of queries."""

import csv
import io
from datetime import datetime

from sqlalchemy import select

from trainer.accounts.models import Organisation, User
from trainer.cascade.tree import CourseFact, PersonFact, Reach, RecordFact, branch_roots, build
from trainer.courses.models import CascadeRecord, Course, CourseStatus, Enrolment, EnrolmentRole
from trainer.courses.services import create_course, enrol
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.progress.models import Certificate


def start_cascade(origin: Course, graduate: User, title: str, timezone: str) -> Course:
    """A course of the same module, run by the graduate as its trainer, linked to their course."""
    course = create_course(title, origin.module_slug, timezone, status=CourseStatus.DRAFT, contact_email=graduate.email)
    course.parent_course_id, course.created_by_id = origin.id, graduate.id
    enrol(course, graduate, EnrolmentRole.TRAINER)
    db.session.flush()
    return course


def graduations(user_id: int) -> list[tuple[Certificate, Course]]:
    """The courses the person graduated from (valid certificates)."""
    rows = db.session.execute(
        select(Certificate, Course)
        .join(Course, Course.id == Certificate.course_id)
        .where(Certificate.user_id == user_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at)
    )
    return [(certificate, course) for certificate, course in rows]


def _certify(graduate_id: int, origin_course_id: int) -> None:
    """The graduate's first confirmed cascade makes them a certified trainer."""
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.user_id == graduate_id, Certificate.course_id == origin_course_id)
    )
    if certificate is not None and certificate.certified_at is None:
        certificate.certified_at = utcnow()


def confirm_course(course: Course) -> None:
    course.cascade_confirmed_at = course.cascade_confirmed_at or utcnow()
    _certify(course.created_by_id, course.parent_course_id)
    db.session.flush()


def record_training(
    graduate: User,
    origin: Course,
    *,
    held_on: datetime,
    place: str,
    organisation: str,
    country: str | None,
    language: str,
    people_trained: int,
    chapters: list[str],
    attendance_list: str,
    evidence_url: str | None,
    recorded_by: int,
) -> CascadeRecord:
    record = CascadeRecord(
        graduate_id=graduate.id,
        origin_course_id=origin.id,
        held_on=held_on,
        place=place.strip(),
        organisation=organisation.strip(),
        country=country,
        language=language,
        people_trained=people_trained,
        chapters=chapters,
        attendance_list=attendance_list.strip(),
        evidence_url=evidence_url or None,
        recorded_by_id=recorded_by,
    )
    db.session.add(record)
    db.session.flush()
    return record


def confirm_record(record: CascadeRecord) -> None:
    record.confirmed_at = record.confirmed_at or utcnow()
    _certify(record.graduate_id, record.origin_course_id)
    db.session.flush()


def pending() -> tuple[list[Course], list[CascadeRecord]]:
    courses = db.session.scalars(
        select(Course)
        .where(Course.parent_course_id.is_not(None), Course.cascade_confirmed_at.is_(None))
        .order_by(Course.id)
    )
    records = db.session.scalars(
        select(CascadeRecord).where(CascadeRecord.confirmed_at.is_(None)).order_by(CascadeRecord.id)
    )
    return list(courses), list(records)


def reach(graduate_id: int | None = None) -> Reach:
    """The whole network (coordinators) or one graduate's branch, in five queries."""
    courses = [
        CourseFact(c.id, c.title, c.parent_course_id, c.created_by_id, c.cascade_confirmed_at is not None)
        for c in db.session.scalars(select(Course).order_by(Course.id))
    ]
    people: dict[int, PersonFact] = {}
    participants: dict[int, list[PersonFact]] = {}
    rows = db.session.execute(
        select(Enrolment.course_id, User.id, User.name, User.country, Organisation.name, User.locale)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Enrolment.role == EnrolmentRole.PARTICIPANT)
    )
    for course_id, user_id, name, country, organisation, language in rows:
        fact = people.setdefault(user_id, PersonFact(user_id, name, country, organisation, language))
        participants.setdefault(course_id, []).append(fact)
    for user_id, name, country, language in db.session.execute(
        select(User.id, User.name, User.country, User.locale).where(
            User.id.in_(select(Course.created_by_id).where(Course.created_by_id.is_not(None)))
        )
    ):
        people.setdefault(user_id, PersonFact(user_id, name, country, None, language))
    graduates: dict[int, list[int]] = {}
    for course_id, user_id in db.session.execute(
        select(Certificate.course_id, Certificate.user_id).where(Certificate.revoked_at.is_(None))
    ):
        graduates.setdefault(course_id, []).append(user_id)
    records = [
        RecordFact(
            r.id,
            r.graduate_id,
            r.origin_course_id,
            r.people_trained,
            r.place,
            r.country,
            r.organisation or None,
            r.language,
            r.confirmed_at is not None,
        )
        for r in db.session.scalars(select(CascadeRecord))
    ]
    roots = branch_roots(courses, graduate_id) if graduate_id is not None else None
    return build(courses, participants, graduates, records, people, roots)


def reach_csv(result: Reach) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["generation", "kind", "title", "people_trained", "confirmed", "run_by"])

    def walk(training, run_by=""):
        writer.writerow(
            [
                training.generation,
                training.kind,
                training.title,
                training.trained,
                "yes" if training.confirmed else "no",
                run_by,
            ]
        )
        for graduate in training.graduates:
            for child in graduate.trainings:
                walk(child, graduate.person.name)

    for root in result.roots:
        walk(root)
    writer.writerow([])
    writer.writerow(["total_by", "value", "people_trained"])
    for label, counter in (
        ("generation", result.by_generation),
        ("country", result.by_country),
        ("organisation", result.by_organisation),
        ("language", result.by_language),
    ):
        for value, count in sorted(counter.items(), key=lambda item: str(item[0])):
            writer.writerow([label, value, count])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def generation_chart(result: Reach, width: int = 560, bar: int = 28) -> list[dict]:
    """Bars for an SVG drawn in the template: people trained per generation, to scale."""
    largest = max(result.by_generation.values(), default=0) or 1
    return [
        {"generation": generation, "count": count, "y": index * (bar + 10), "width": round(width * count / largest)}
        for index, (generation, count) in enumerate(sorted(result.by_generation.items()))
    ]
