"""`seed_demo()`: idempotent, so running it again keeps what exists and adds what is missing."""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta

from trainer.accounts import services as accounts
from trainer.accounts.models import User
from trainer.content.registry import get_registry
from trainer.courses import services as courses
from trainer.courses.models import Course, CourseStatus, EnrolmentRole
from trainer.demo import data
from trainer.schedule import services as schedule
from trainer.schedule.planning import Pattern, generate
from trainer.timezones import localise


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
    _seed_meeting(course)
    _seed_schedule(course)
    return report


def _seed_meeting(course: Course) -> None:
    if not course.join_url:
        courses.update_course(
            course,
            join_url=data.JOIN_URL,
            meeting_id=data.MEETING_ID,
            meeting_passcode=data.PASSCODE,
            dial_in=data.DIAL_IN,
            capacity=40,
        )


def _seed_schedule(course: Course) -> None:
    """Three live days around today: day 1 is past, self-study is under way, days 2-3 ahead."""
    if schedule.list_sessions(course.id):
        return
    module = get_registry().module(course.module_slug)
    today = localise(datetime.now(UTC), course.timezone).date()
    drafts = generate(
        Pattern.THREE_DAYS,
        today - timedelta(days=data.DAY_ONE_AGO),
        time(*data.DAY_START),
        time(*data.DAY_END),
        [chapter.slug for chapter in module.chapters],
        weeks_between=3,
    )
    trainers = [accounts.get_user_by_email(email).id for _name, email, _c, _z in data.TRAINERS]
    for draft in drafts:
        live = tuple(e.id for slug in draft.chapters for e in module.chapter(slug).exercises if e.setting == "live")
        agenda = tuple(replace(item, trainer_id=trainers[i % 2]) for i, item in enumerate(draft.agenda))
        schedule.save_session(course, replace(draft, exercises=live, agenda=agenda))
