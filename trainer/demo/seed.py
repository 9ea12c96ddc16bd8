"""`seed_demo()`: idempotent, so running it again keeps what exists and adds what is missing."""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from trainer.accounts import services as accounts
from trainer.accounts.invitations import queue_invitation
from trainer.accounts.models import OrganisationKind, User
from trainer.accounts.organisations import get_or_create_organisation
from trainer.content.registry import get_registry
from trainer.courses import services as courses
from trainer.courses.models import Application, AssociationSeats, Course, CourseStatus, EnrolmentRole
from trainer.dbtypes import utcnow
from trainer.demo import data
from trainer.experiences.demo import seed_experiences
from trainer.extensions import db
from trainer.mail.models import OutboxMessage
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
        joined = email not in data.NOT_JOINED
        user = accounts.create_user(
            email, name, data.DEMO_PASSWORD if joined else None, country=country, timezone=zone, **extra
        )
        user.joined_at = utcnow() - timedelta(days=20) if joined else None
        _place(user, country)
        report.created_users += 1
    return user


def _place(user: User, country: str) -> None:
    """The demo person's organisation, a member of their country's association."""
    if user.email not in data.ORGANISATIONS:
        return
    name, kind, position, focal_point = data.ORGANISATIONS[user.email]
    association = get_or_create_organisation(data.ASSOCIATIONS[country], country, OrganisationKind.ASSOCIATION)
    organisation = (
        association
        if kind == "association"
        else get_or_create_organisation(name, country, OrganisationKind(kind), parent_id=association.id)
    )
    user.organisation_id, user.position, user.is_focal_point = organisation.id, position, focal_point


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
    course.language = course.language or "en"  # the November 2021 course was run in English
    report.course = course

    for name, email, country, zone in data.TRAINERS:
        courses.enrol(course, _person(report, name, email, country, zone), EnrolmentRole.TRAINER)
        report.sign_ins.append(("trainer", email))
    for name, email, country, zone in data.PARTICIPANTS:
        courses.enrol(course, _person(report, name, email, country, zone), EnrolmentRole.PARTICIPANT)
    report.sign_ins.append(("participant", data.PARTICIPANTS[0][1]))
    _seed_meeting(course)
    _seed_schedule(course)
    _seed_registration(report, course)
    _seed_progress(course)
    _seed_groups(course)
    seed_experiences(course)
    _seed_pilot(report)
    return report


def _seed_groups(course: Course) -> None:
    """Five balanced groups; day 1's two group exercises with versions, feedback and a shared one."""
    from trainer.groups import services as groups
    from trainer.groups import work

    if groups.list_groups(course.id)[0]:
        return
    module = get_registry().module(course.module_slug)
    formed = groups.auto_form(course, groups=5, seed=2021)
    trainer = accounts.get_user_by_email(data.TRAINERS[0][1])
    day1, day2 = schedule.list_sessions(course.id)[:2]
    card_game = work.open_exercise(
        course, module, "c1-principles-card-game", day1.ends_at, session_id=day1.id, instructions="", by=trainer.id
    )
    work.open_exercise(
        course,
        module,
        "c3-gear-check",
        day2.ends_at,
        session_id=day2.id,
        instructions="Bring one partnership from your own city.",
        by=trainer.id,
    )
    for index, group in enumerate(formed):
        members = [db.session.get(User, uid) for uid in groups.member_ids(group.id)]
        submission = work.get_submission(card_game, group)
        for version, text in enumerate(data.GROUP_ANSWERS[: 1 + index % 2]):
            work.save(submission, text, version, members[version % len(members)])
        if index < 3:
            work.add_feedback(submission, data.FEEDBACK[index], trainer, course, "The principles card game")
        submission.shared_with_course = index == 0


def _seed_progress(course: Course) -> None:
    """Day 1 is past: a Zoom-like register for it, and self-study at every stage."""
    from trainer.progress import attendance, study
    from trainer.progress.models import AttendanceStatus

    module = get_registry().module(course.module_slug)
    day1 = schedule.list_sessions(course.id)[0]
    if attendance.register(day1):
        return
    people = attendance.participants(course.id)
    for index, user in enumerate(people):
        if user.email in data.NOT_JOINED:
            continue
        minutes = day1.minutes if index % 7 else (95 if index % 2 else 0)
        status = (
            AttendanceStatus.PRESENT
            if minutes >= attendance.default_threshold(day1)
            else AttendanceStatus.PARTIAL
            if minutes
            else AttendanceStatus.ABSENT
        )
        attendance.record(day1, user.id, status, minutes, by=None, source="zoom")
        # Everyone studied some of chapters 1-2; a third are already into chapters 3-4.
        for number, chapter in enumerate(module.chapters[: 2 + (index % 3 == 0) * 2], start=1):
            done = chapter.sections if (index + number) % 4 else chapter.sections[: len(chapter.sections) // 2]
            for section in done:
                study.mark_section(user.id, chapter, section.id, True)
            if (index + number) % 4 and number <= 2:
                for exercise in study.individual_exercises(chapter):
                    study.save_answer(user.id, chapter, exercise.id, data.DEMO_ANSWER)


def _seed_pilot(report: SeedReport) -> None:
    """A finished pilot course whose graduates hold certificates: trained trainers."""
    from trainer.progress import attendance, completion, study
    from trainer.progress.models import AttendanceStatus

    if courses.get_course_by_title(data.PILOT_TITLE) is not None:
        return
    pilot = courses.create_course(
        data.PILOT_TITLE,
        "module-4",
        "Pacific/Auckland",
        status=CourseStatus.FINISHED,
        contact_email=data.COORDINATOR[1],
    )
    module = get_registry().module("module-4")
    start = localise(datetime.now(UTC), "Pacific/Auckland").date() - timedelta(days=120)
    drafts = generate(Pattern.SINGLE_DAY, start, time(9), time(16), [c.slug for c in module.chapters])
    day = schedule.save_session(pilot, drafts[0])
    name, email, country, zone = data.TRAINERS[1]
    courses.enrol(pilot, _person(report, name, email, country, zone), EnrolmentRole.TRAINER)
    for name, email, country, zone in data.PILOT_GRADUATES:
        user = _person(report, name, email, country, zone)
        courses.enrol(pilot, user, EnrolmentRole.PARTICIPANT)
        attendance.record(day, user.id, AttendanceStatus.PRESENT, day.minutes, by=None)
        for chapter in module.chapters:
            for section in chapter.sections:
                study.mark_section(user.id, chapter, section.id, True)
            for exercise in study.individual_exercises(chapter):
                study.save_answer(user.id, chapter, exercise.id, data.DEMO_ANSWER)
    completion.issue_certificates(pilot, module)
    _seed_cascades(report, pilot)


def _seed_cascades(report: SeedReport, pilot: Course) -> None:
    """A pilot graduate's confirmed cascade course in Tonga, and a confirmed outside training in Samoa."""
    from trainer.cascade import services as cascade

    tongan = accounts.get_user_by_email(data.PILOT_GRADUATES[0][1])
    course = cascade.start_cascade(pilot, tongan, data.CASCADE_TITLE, "Pacific/Tongatapu")
    course.status = CourseStatus.RUNNING
    for name, email, country, zone in data.CASCADE_PARTICIPANTS:
        courses.enrol(course, _person(report, name, email, country, zone), EnrolmentRole.PARTICIPANT)
    cascade.confirm_course(course)
    samoan = accounts.get_user_by_email(data.PILOT_GRADUATES[1][1])
    record = cascade.record_training(
        samoan,
        pilot,
        held_on=datetime.now(UTC) - timedelta(days=40),
        place="Apia",
        organisation="Apia Township",
        country="WS",
        language="sm",
        people_trained=18,
        chapters=[c.slug for c in get_registry().module("module-4").chapters[:2]],
        attendance_list="",
        evidence_url="https://example.org/apia-workshop-report",
        recorded_by=accounts.get_user_by_email(data.COORDINATOR[1]).id,
    )
    cascade.confirm_record(record)


def _seed_registration(report: SeedReport, course: Course) -> None:
    """Invitations not yet accepted, an association coordinator with seats, open applications."""
    coordinator = accounts.get_user_by_email(data.COORDINATOR[1])
    for email in data.NOT_JOINED:
        user = accounts.get_user_by_email(email)
        if not db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.user_id == user.id)):
            queue_invitation(user, course.title, course.id, coordinator.name, course_language=course.language)
    bouncing = accounts.get_user_by_email(data.BOUNCING)
    for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == bouncing.id)):
        row.attempts, row.last_error = 3, "SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable"
        row.next_attempt_at = utcnow() + timedelta(hours=2)
    name, email, country, zone = data.ASSOCIATION_COORDINATOR
    apeksi = get_or_create_organisation(data.ASSOCIATIONS["ID"], "ID", OrganisationKind.ASSOCIATION)
    scoped = _person(report, name, email, country, zone, is_coordinator=True)
    scoped.coordinator_scope_id = apeksi.id
    report.sign_ins.append(("association coordinator", email))
    if db.session.scalar(select(AssociationSeats.id).where(AssociationSeats.course_id == course.id)) is None:
        db.session.add(AssociationSeats(course_id=course.id, association_id=apeksi.id, seats=data.ASSOCIATION_SEATS))
    course.self_registration = True
    for name, email, org, kind, country, zone, motivation in data.APPLICATIONS:
        if db.session.scalar(select(Application.id).where(Application.email == email)) is None:
            db.session.add(
                Application(
                    course_id=course.id,
                    name=name,
                    email=email,
                    organisation=org,
                    organisation_kind=kind,
                    country=country,
                    timezone=zone,
                    motivation=motivation,
                    is_focal_point=True,
                )
            )
    db.session.flush()


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
