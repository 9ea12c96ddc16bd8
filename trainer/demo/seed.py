"""`seed_demo()`: idempotent, so running it again keeps what exists and adds what is missing."""

from dataclasses import dataclass, field

from trainer.accounts import services as accounts
from trainer.accounts.models import User
from trainer.courses import services as courses
from trainer.courses.models import Course, CourseStatus, EnrolmentRole
from trainer.demo import data


@dataclass
class SeedReport:
    created_users: int = 0
    sign_ins: list[tuple[str, str]] = field(default_factory=list)  # (role, email)
    course: Course | None = None


def _person(report: SeedReport, name: str, email: str, country: str, zone: str, **extra) -> User:
    user = accounts.get_user_by_email(email)
    if user is None:
        user = accounts.create_user(email, name, data.DEMO_PASSWORD, country=country, timezone=zone, **extra)
        report.created_users += 1
    return user


def seed_demo() -> SeedReport:
    """Create the demo course and its people where they are missing. The caller commits."""
    report = SeedReport()
    name, email, country, zone = data.COORDINATOR
    _person(report, name, email, country, zone, is_coordinator=True)
    report.sign_ins.append(("coordinator", email))

    course = courses.get_course_by_title(data.COURSE_TITLE) or courses.create_course(
        data.COURSE_TITLE,
        "module-4",
        data.COURSE_ZONE,
        description=(
            "Three live days over Zoom with about three weeks of self-study between day 1 and "
            "day 2, for local-government focal points for decentralised cooperation."
        ),
        status=CourseStatus.RUNNING,
        contact_email=email,
    )
    report.course = course

    for name, email, country, zone in data.TRAINERS:
        courses.enrol(course, _person(report, name, email, country, zone), EnrolmentRole.TRAINER)
        report.sign_ins.append(("trainer", email))
    for name, email, country, zone in data.PARTICIPANTS:
        courses.enrol(course, _person(report, name, email, country, zone), EnrolmentRole.PARTICIPANT)
    report.sign_ins.append(("participant", data.PARTICIPANTS[0][1]))
    return report
