"""Reading and writing courses and enrolments. Services flush; the caller commits."""

from sqlalchemy import func, select

from trainer.accounts.models import User
from trainer.courses.models import Course, CourseStatus, Enrolment, EnrolmentRole
from trainer.extensions import db


def create_course(
    title: str,
    module_slug: str,
    timezone: str,
    *,
    description: str = "",
    status: CourseStatus = CourseStatus.DRAFT,
    contact_email: str | None = None,
) -> Course:
    course = Course(
        title=title.strip(),
        module_slug=module_slug,
        timezone=timezone,
        description=description,
        status=status,
        contact_email=contact_email,
    )
    db.session.add(course)
    db.session.flush()
    return course


def enrol(course: Course, user: User, role: EnrolmentRole) -> Enrolment:
    """Enrol a user, or change their role when they are already enrolled."""
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id == user.id)
    )
    if enrolment is None:
        enrolment = Enrolment(course_id=course.id, user_id=user.id, role=role)
        db.session.add(enrolment)
    else:
        enrolment.role = role
    db.session.flush()
    return enrolment


def get_course_by_title(title: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.title == title))


def list_courses_of(user: User) -> list[tuple[Course, EnrolmentRole]]:
    """The courses a user is enrolled in, with their role, newest first."""
    rows = db.session.execute(
        select(Course, Enrolment.role)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == user.id)
        .order_by(Course.created_at.desc(), Course.id.desc())
    )
    return [(course, role) for course, role in rows]


def list_all_courses() -> list[tuple[Course, int, int]]:
    """Every course with its counts of participants and trainers, in one query."""
    participants = func.count(Enrolment.id).filter(Enrolment.role == EnrolmentRole.PARTICIPANT)
    trainers = func.count(Enrolment.id).filter(Enrolment.role == EnrolmentRole.TRAINER)
    rows = db.session.execute(
        select(Course, participants, trainers)
        .outerjoin(Enrolment, Enrolment.course_id == Course.id)
        .group_by(Course.id)
        .order_by(Course.created_at.desc(), Course.id.desc())
    )
    return [(course, p, t) for course, p, t in rows]


def get_course(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)


def update_course(course: Course, **values) -> Course:
    for name, value in values.items():
        setattr(course, name, value)
    db.session.flush()
    return course


def list_members(course_id: int, role: EnrolmentRole | None = None) -> list[User]:
    """People enrolled in a course (optionally in one role), by name."""
    stmt = select(User).join(Enrolment, Enrolment.user_id == User.id).where(Enrolment.course_id == course_id)
    if role is not None:
        stmt = stmt.where(Enrolment.role == role)
    return list(db.session.scalars(stmt.order_by(User.name, User.id)))


def set_trainers(course: Course, trainers: list[User]) -> None:
    """Make exactly these people the course's trainers; former trainers leave the course."""
    wanted = {user.id for user in trainers}
    current = db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.role == EnrolmentRole.TRAINER)
    ).all()
    for enrolment in current:
        if enrolment.user_id not in wanted:
            db.session.delete(enrolment)
    for user in trainers:
        enrol(course, user, EnrolmentRole.TRAINER)
    db.session.flush()


def participant_zones(course: Course) -> dict[str, str]:
    """Each participant's name and time zone (their own, else the course's)."""
    return {user.name: user.timezone or course.timezone for user in list_members(course.id, EnrolmentRole.PARTICIPANT)}
