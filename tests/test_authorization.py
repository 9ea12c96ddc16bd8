"""Every route of the app with every kind of visitor: the server decides, whatever URL is typed.

`ROUTES` lists every endpoint with the URL to try (built from one "world" of real objects) and
what each kind of visitor gets. A route added to the app without a line here fails
`test_every_route_is_in_the_table`, so a new page cannot ship without its permission rule.

Outcomes, from the response alone:
- "ok": 200 (or 304); a redirect anywhere but the sign-in page; for a POST also 409 or 422
  (the request was let in, then its content refused: a missing field, a stale version);
- "login": a redirect to /accounts/login with `next` (the visitor must sign in first);
- "forbidden": 403; "hidden": 404. Anything else (a 500, a 405…) fails the case.

Routes that accept GET and POST are tried with both: a page someone may read can still refuse
the POST that changes something (the completion rule, a group's submission). POSTs carry the
spec's minimal form or none (CSRF is off in TestingConfig); with no form at all, Flask-WTF fills
a form from its defaults, so an allowed empty POST may save a page unchanged. A refused request
(login, forbidden, hidden) must write nothing to the database.

The world (two courses with one of everything, see `_build_world`) is built once for the module
and copied in memory; after every request every table is put back from that copy (signing in
writes too), so no case depends on another's order or leftovers. SQLite and PostgreSQL alike.

Besides the table: another course's ids under this course's URLs (`test_cross_course_urls`),
outsiders never reading this course's names and texts on the pages they may open, another
group's private work, imports that belong to who started them, an association's coordinator
limited to their association's people and to courses with seats, and a graduate's cascade course.

A case where the app does not do what the product intends is an xfail (strict) with the reason:
the table keeps the intended outcome, and the bug stays visible until it is fixed.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import Table, delete, event, insert, select

from config import TestingConfig
from tests.conftest import empty_database
from tests.factories import PASSWORD, make_coordinator, make_course, make_participant, make_trainer, make_user
from tests.schedule.helpers import make_session
from trainer import create_app
from trainer.accounts.invitations import create_invitation
from trainer.accounts.organisations import get_or_create_organisation
from trainer.cascade.services import record_training, start_cascade
from trainer.content.registry import get_registry
from trainer.courses.models import Application, AssociationSeats, PendingImport
from trainer.courses.registration_csv import template_csv
from trainer.experiences.cases import attach_case, give_consent, mark_good_case
from trainer.experiences.models import Experience
from trainer.experiences.services import add_comment, create_experience
from trainer.extensions import db
from trainer.groups import services as groups
from trainer.groups import work
from trainer.progress.completion import new_code
from trainer.progress.models import Certificate
from trainer.schedule.calendars import feed_token

ZOOM_REPORT = Path(__file__).parent / "progress" / "zoom_files" / "participants_83512345678_2021_11_08.csv"
MODULE, CHAPTER, SECTION = "module-4", "what-is-decentralized-cooperation", "unpacking"
SECOND_CHAPTER = "why-dc-matters-for-the-global-agenda"
GROUP_EXERCISE, INDIVIDUAL_EXERCISE = "c1-principles-card-game", "c1-personalise-your-bicycle"

# ---------------------------------------------------------------------------------- visitors

VISITORS = (
    "anonymous",
    "other_participant",  # a participant of another course
    "participant",  # a participant of the course under test (in a group, author of a post, graduate)
    "other_trainer",  # a trainer of another course
    "trainer",  # a trainer of the course under test
    "scoped_coordinator",  # coordinator of an association that has seats in the course under test
    "site_coordinator",
)
OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", "forbidden", "hidden"
Expect = Mapping[str, str]


def _every(outcome: str, **changes: str) -> dict[str, str]:
    expected = {**dict.fromkeys(VISITORS, outcome), **changes}
    assert set(expected) == set(VISITORS), set(expected) ^ set(VISITORS)
    return expected


PUBLIC = _every(OK)
SIGNED_IN = _every(OK, anonymous=LOGIN)
SITE_COORDINATORS = _every(FORBIDDEN, anonymous=LOGIN, site_coordinator=OK)
# A course you are not part of does not exist for you (404); inside it, a role you lack is a 403.
_OUTSIDERS = {"anonymous": LOGIN, "other_participant": HIDDEN, "other_trainer": HIDDEN}
COURSE_READERS = {**_OUTSIDERS, "participant": OK, "trainer": OK, "scoped_coordinator": OK, "site_coordinator": OK}
# People of the course (and site coordinators) post and comment; an association's coordinator only reads.
COURSE_MEMBERS = {**COURSE_READERS, "scoped_coordinator": FORBIDDEN}
TEACHERS = {**COURSE_READERS, "participant": FORBIDDEN, "scoped_coordinator": FORBIDDEN}
ROSTER_READERS = {**COURSE_READERS, "participant": FORBIDDEN}
PEOPLE_MANAGERS = {**ROSTER_READERS, "trainer": FORBIDDEN}
# Changing the completion rule: coordinators only, though trainers see the page.
RULE_MAKERS = {**TEACHERS, "trainer": FORBIDDEN}
# The participant wrote the post; only its author edits it.
AUTHOR = {**COURSE_READERS, "trainer": FORBIDDEN, "scoped_coordinator": FORBIDDEN, "site_coordinator": FORBIDDEN}
# A group's submission: its members and the course's teachers; others of the course do not see it.
SUBMISSION_READERS = {**COURSE_READERS, "scoped_coordinator": HIDDEN}
GROUP_MEMBERS = {**SUBMISSION_READERS, "trainer": FORBIDDEN, "site_coordinator": FORBIDDEN}
REVIEWERS = {**SUBMISSION_READERS, "participant": FORBIDDEN}
# The certificate is the participant's: they, the course's trainers and coordinators download it.
CERTIFICATE_READERS = {**COURSE_READERS, "scoped_coordinator": FORBIDDEN}
# The case library: authors share with the people of courses (any course), not with every account.
LIBRARY_READERS = _every(OK, anonymous=LOGIN, scoped_coordinator=HIDDEN)
CASE_ATTACHERS = {**TEACHERS, "scoped_coordinator": HIDDEN}
# A cascade course is started by a graduate (the participant holds a certificate; nobody else does).
GRADUATES = _every(FORBIDDEN, anonymous=LOGIN, participant=OK)


@dataclass(frozen=True)
class Spec:
    """One endpoint: its URL (placeholders filled from the world) and who gets what.

    `get`/`post`: the outcome per visitor of that method, for every method the route accepts.
    `data`: the form sent with the POST (placeholders filled too); empty when not given.
    """

    path: str
    get: Expect | None = None
    post: Expect | None = None
    data: Mapping[str, str] = field(default_factory=dict)

    def methods(self) -> dict[str, Expect]:
        return {method: expect for method, expect in (("GET", self.get), ("POST", self.post)) if expect is not None}


C = "/courses/{course}"
ROUTES: dict[str, Spec] = {
    # --- accounts
    "accounts.accept_invitation": Spec("/accounts/invitation/{invitation_token}", get=PUBLIC, post=PUBLIC),
    "accounts.change_language": Spec("/accounts/language", post=PUBLIC, data={"language": "id"}),
    "accounts.edit_organisation": Spec(
        "/accounts/organisations/{organisation}", get=SITE_COORDINATORS, post=SITE_COORDINATORS
    ),
    "accounts.login": Spec("/accounts/login", get=PUBLIC, post=PUBLIC),
    "accounts.logout": Spec("/accounts/logout", post=SIGNED_IN),
    "accounts.new_organisation": Spec("/accounts/organisations/new", get=SITE_COORDINATORS, post=SITE_COORDINATORS),
    "accounts.organisations": Spec("/accounts/organisations/", get=SITE_COORDINATORS),
    "accounts.profile": Spec("/accounts/profile", get=SIGNED_IN, post=SIGNED_IN),
    # --- cascade: graduates start courses; coordinators record and confirm; everyone sees their reach
    "cascade.confirm_course": Spec("/reach/courses/{cascade_course}/confirm", post=SITE_COORDINATORS),
    "cascade.confirm_record": Spec("/reach/records/{cascade_record}/confirm", post=SITE_COORDINATORS),
    "cascade.reach": Spec("/reach/", get=SIGNED_IN),
    "cascade.reach_csv": Spec("/reach/reach.csv", get=SIGNED_IN),
    "cascade.record": Spec("/reach/records/new", get=SITE_COORDINATORS, post=SITE_COORDINATORS),
    "cascade.start": Spec("/reach/start", get=GRADUATES, post=GRADUATES),
    # --- content: the material is open to everyone signed in
    "content.chapter": Spec("/modules/{module}/{chapter}", get=SIGNED_IN),
    "content.index": Spec("/modules/", get=SIGNED_IN),
    "content.module": Spec("/modules/{module}/", get=SIGNED_IN),
    "content.print_module": Spec("/modules/{module}/print?notes=1", get=SIGNED_IN),
    # --- courses
    "courses.apply": Spec(C + "/apply", get=PUBLIC, post=PUBLIC),
    "courses.change_role": Spec(C + "/people/{user}/role", get=PEOPLE_MANAGERS, post=PEOPLE_MANAGERS),
    "courses.confirm_import": Spec(C + "/people/import/{import_token}", get=PEOPLE_MANAGERS, post=PEOPLE_MANAGERS),
    "courses.decide": Spec(C + "/applications/{application}/reject", post=PEOPLE_MANAGERS),
    "courses.edit": Spec(C + "/edit", get=SITE_COORDINATORS, post=SITE_COORDINATORS),
    "courses.export_csv": Spec(C + "/people.csv", get=PEOPLE_MANAGERS),
    "courses.new": Spec("/courses/new", get=SITE_COORDINATORS, post=SITE_COORDINATORS),
    "courses.queue": Spec(C + "/applications/", get=PEOPLE_MANAGERS),
    "courses.register_one": Spec(C + "/people/new", get=PEOPLE_MANAGERS, post=PEOPLE_MANAGERS),
    "courses.remove": Spec(C + "/people/{user}/remove", get=PEOPLE_MANAGERS, post=PEOPLE_MANAGERS),
    "courses.resend": Spec(C + "/people/{user}/resend", post=PEOPLE_MANAGERS),
    "courses.roster": Spec(C + "/people/", get=ROSTER_READERS),
    "courses.set_seats": Spec(C + "/people/seats", post=SITE_COORDINATORS),
    "courses.template": Spec(C + "/people/template.csv", get=PEOPLE_MANAGERS),
    "courses.upload": Spec(C + "/people/import", get=PEOPLE_MANAGERS, post=PEOPLE_MANAGERS),
    # --- experiences
    "experiences.comment": Spec(C + "/experiences/{experience}/comments", post=COURSE_MEMBERS),
    "experiences.detail": Spec(C + "/experiences/{experience}", get=COURSE_READERS),
    "experiences.edit": Spec(C + "/experiences/{experience}/edit", get=AUTHOR, post=AUTHOR),
    "experiences.give_consent": Spec(C + "/experiences/{experience}/consent", post=AUTHOR),
    "experiences.hide": Spec(C + "/experiences/{experience}/hide", post=TEACHERS),
    "experiences.hide_comment": Spec(C + "/experiences/{experience}/comments/{comment}/hide", post=TEACHERS),
    "experiences.highlight": Spec(C + "/experiences/{experience}/highlight", post=TEACHERS),
    "experiences.index": Spec(C + "/experiences/", get=COURSE_READERS),
    "experiences.mark_good_case": Spec(C + "/experiences/{experience}/good-case", post=TEACHERS),
    "experiences.new": Spec(C + "/experiences/new", get=COURSE_MEMBERS, post=COURSE_MEMBERS),
    "experiences.show": Spec(C + "/experiences/{experience}/show", post=TEACHERS),
    "experiences.show_comment": Spec(C + "/experiences/{experience}/comments/{comment}/show", post=TEACHERS),
    "experiences.unhighlight": Spec(C + "/experiences/{experience}/unhighlight", post=TEACHERS),
    "experiences.unmark_good_case": Spec(C + "/experiences/{experience}/good-case/remove", post=TEACHERS),
    "experiences.withdraw_consent": Spec(C + "/experiences/{experience}/consent/withdraw", post=AUTHOR),
    # --- groups
    "groups.attach": Spec(C + "/groups/exercises/{exercise}/{group}/attachments", post=GROUP_MEMBERS),
    "groups.auto": Spec(C + "/groups/auto", post=TEACHERS),
    "groups.download": Spec(C + "/groups/attachments/{attachment}", get=SUBMISSION_READERS),
    "groups.feedback": Spec(C + "/groups/exercises/{exercise}/{group}/feedback", post=REVIEWERS),
    "groups.index": Spec(C + "/groups/", get=COURSE_READERS),
    # Moves the participant into the group they are already in: allowed, and changes nothing.
    "groups.move": Spec(C + "/groups/move", post=TEACHERS, data={"user_id": "{user}", "group_id": "{group}"}),
    "groups.new_group": Spec(C + "/groups/new", post=TEACHERS),
    "groups.open_exercise": Spec(C + "/groups/exercises/new", get=TEACHERS, post=TEACHERS),
    "groups.printable": Spec(C + "/groups/print", get=TEACHERS),
    "groups.rename": Spec(C + "/groups/{group}/rename", post=TEACHERS),
    "groups.share": Spec(C + "/groups/exercises/{exercise}/{group}/share", post=SUBMISSION_READERS),
    # Posting without the version being edited is a conflict (409) for a member: let in, nothing saved.
    "groups.submission": Spec(C + "/groups/exercises/{exercise}/{group}", get=SUBMISSION_READERS, post=GROUP_MEMBERS),
    "groups.zoom_csv": Spec(C + "/groups/zoom.csv", get=TEACHERS),
    # --- home
    "home.course": Spec(C + "/", get=COURSE_READERS),
    "home.health": Spec("/healthz", get=PUBLIC),
    "home.index": Spec("/", get=SIGNED_IN),
    # --- the case library (the other course's post, a good case its author agreed to share)
    "library.attach": Spec(
        "/library/{library_case}/attach",
        post=CASE_ATTACHERS,
        data={"course_id": "{course}", "chapter_slug": SECOND_CHAPTER},
    ),
    "library.detach": Spec(  # it is attached to this course's first chapter
        "/library/{library_case}/detach", post=CASE_ATTACHERS, data={"course_id": "{course}", "chapter_slug": CHAPTER}
    ),
    "library.detail": Spec("/library/{library_case}", get=LIBRARY_READERS),
    "library.index": Spec("/library/", get=LIBRARY_READERS),
    # --- progress
    "progress.answer": Spec("/modules/{module}/{chapter}/exercises/{answer}", post=SIGNED_IN),
    "progress.completion_page": Spec(
        C + "/completion", get=TEACHERS, post=RULE_MAKERS, data={"min_attendance_percent": "80"}
    ),
    "progress.course_dashboard": Spec(C + "/progress/", get=TEACHERS),
    "progress.course_dashboard_csv": Spec(C + "/progress.csv", get=TEACHERS),
    "progress.issue": Spec(C + "/completion/issue", post=SITE_COORDINATORS),
    "progress.mark_section": Spec("/modules/{module}/{chapter}/sections/{section}", post=SIGNED_IN),
    "progress.overview": Spec("/progress/", get=SITE_COORDINATORS),
    "progress.participant": Spec(C + "/progress/{user}", get=TEACHERS),
    "progress.pdf": Spec("/certificates/{certificate}.pdf", get=CERTIFICATE_READERS),
    "progress.register": Spec(C + "/attendance/{session}", get=TEACHERS, post=TEACHERS),
    "progress.revoke": Spec("/certificates/{certificate}/revoke", post=SITE_COORDINATORS),
    "progress.verify": Spec("/certificates/{certificate}", get=PUBLIC),
    "progress.zoom_preview": Spec(C + "/attendance/{session}/zoom/{zoom_token}", get=TEACHERS, post=TEACHERS),
    "progress.zoom_upload": Spec(C + "/attendance/{session}/zoom", post=TEACHERS),
    # --- schedule
    "schedule.cancel_session": Spec(C + "/schedule/sessions/{session}/cancel", post=TEACHERS),
    "schedule.course_ics": Spec(C + "/calendar.ics", get=COURSE_READERS),
    "schedule.edit": Spec(C + "/schedule/", get=TEACHERS),
    "schedule.edit_session": Spec(C + "/schedule/sessions/{session}", get=TEACHERS, post=TEACHERS),
    "schedule.feed": Spec("/calendar/{feed_token}.ics", get=PUBLIC),
    "schedule.my_calendar": Spec("/calendar/", get=SIGNED_IN, post=SIGNED_IN),
    "schedule.new_session": Spec(C + "/schedule/sessions/new", get=TEACHERS, post=TEACHERS),
    "schedule.pattern": Spec(C + "/schedule/pattern", post=TEACHERS),
    "schedule.restore_session": Spec(C + "/schedule/sessions/{session}/restore", post=TEACHERS),
}

# (endpoint, method, visitor): why the app does not do what the table says. Fix the app, then
# delete the line (strict xfail: a fixed bug fails the suite until its line goes).
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}

# Ids of objects that belong to one course: another course's id under this course's URL is a 404.
SUB_OBJECTS = (
    "session",
    "group",
    "exercise",
    "attachment",
    "experience",
    "comment",
    "user",
    "application",
    "import_token",
    "zoom_token",
)

# ------------------------------------------------------------------------------------ the world


@dataclass
class World:
    emails: dict[str, str]  # visitor → email
    here: dict[str, object]  # placeholder → value, for the course under test
    other: dict[str, object]  # the same placeholders for the other course
    own: dict[str, dict[str, str]]  # visitor → tokens of imports they started themselves
    extra: dict[str, object]  # objects for the focused tests below
    secrets: tuple[str, ...]  # text only people of the course under test may read

    def values(self, visitor: str, *, of: str = "here", **changes: object) -> dict[str, object]:
        """The placeholders for one visitor: this course's objects (or the other course's), their own
        imports, and any `changes`."""
        values = {**(self.here if of == "here" else self.other)}
        if of == "here":
            values.update(self.own.get(visitor, {}))
        values.update(changes)
        return values


def _course_objects(course, label: str, people: list, trainer, site) -> dict[str, object]:
    """One of everything a URL of the course can name: a live session, two groups with a group
    exercise, each group's submission with an attachment, a post with a comment, an application,
    and a CSV import and a Zoom report started by the site coordinator."""
    participant, classmate, groupmate = people
    module = get_registry().module(MODULE)
    session = make_session(course, date(2021, 11, 8), time(9), time(12), title="Day 1")
    first, second = groups.create_group(course, "Group 1"), groups.create_group(course, "Group 2")
    for person, group in ((participant, first), (classmate, first), (groupmate, second)):
        groups.move(course, person.id, group.id)
    exercise = work.open_exercise(
        course,
        module,
        GROUP_EXERCISE,
        datetime(2099, 12, 1, 10, tzinfo=UTC),
        session_id=session.id,
        instructions="",
        by=trainer.id,
    )
    attachments = []
    for group, author in ((first, participant), (second, groupmate)):
        submission = work.get_submission(exercise, group)
        work.save(submission, f"{label}: {group.name} answer", 0, author)
        attachments.append(work.add_attachment(submission, "plan.txt", f"{label} {group.name}\n".encode(), author))
    experience = create_experience(course.id, participant.id, title=f"{label} partners review", text="The review.")
    comment = add_comment(experience, classmate.id, "A first comment.")
    application = Application(
        course_id=course.id,
        name="Bishnu Adhikari",
        email=f"bishnu.{course.id}@example.org",
        organisation="Dhulikhel Municipality",
        organisation_kind="municipality",
        country="NP",
        timezone="Asia/Kathmandu",
    )
    db.session.add(application)
    db.session.flush()
    return {
        "course": course.id,
        "session": session.id,
        "group": first.id,
        "exercise": exercise.id,
        "attachment": attachments[0].id,
        "experience": experience.id,
        "comment": comment.id,
        "user": participant.id,
        "application": application.id,
        "import_token": _registration_import(course, site),
        "zoom_token": _zoom_import(course, session.id, site),
        "second_group": second.id,
        "second_attachment": attachments[1].id,
    }


def _registration_import(course, by) -> str:
    token = f"registration-{course.id}-{by.id}"
    db.session.add(
        PendingImport(course_id=course.id, created_by_id=by.id, token=token, filename="people.csv", data=template_csv())
    )
    return token


def _zoom_import(course, session_id: int, by) -> str:
    token = f"zoom-{course.id}-{by.id}"
    db.session.add(
        PendingImport(
            course_id=course.id,
            created_by_id=by.id,
            token=token,
            purpose=f"zoom:{session_id}",
            filename="zoom.csv",
            data=ZOOM_REPORT.read_bytes(),
        )
    )
    return token


def _build_world() -> World:
    association = get_or_create_organisation("Municipal Association of Nepal", "NP", "association")
    member = get_or_create_organisation("Dhulikhel Municipality", "NP", "municipality", parent_id=association.id)
    outsider_city = get_or_create_organisation("Kota Surabaya", "ID", "city")

    course = make_course(title="Kathmandu Valley ToT", timezone="Asia/Jakarta", self_registration=True)
    other = make_course(title="Another course", self_registration=True)
    db.session.add(AssociationSeats(course_id=course.id, association_id=association.id, seats=5))

    site = make_coordinator(name="Site Coordinator")
    scoped = make_user(name="Association Coordinator", is_coordinator=True)
    scoped.coordinator_scope_id = association.id
    people = [
        make_participant(course, name="Sita Shrestha", country="NP", organisation_id=member.id),
        make_participant(course, name="Dewi Anggraini", country="ID", organisation_id=outsider_city.id),
        make_participant(course, name="Arjun Mehta", country="IN"),
    ]
    trainer = make_trainer(course, name="Rahmat Hidayat")
    other_people = [make_participant(other, name=f"Other Participant {n}") for n in (1, 2, 3)]
    other_trainer = make_trainer(other, name="Other Trainer")
    graduate = make_participant(course, name="Lisiate Fonua", country="TO")
    invited = make_user(name="Not Yet Joined", password=None)

    here = _course_objects(course, "Kathmandu", people, trainer, site)
    there = _course_objects(other, "Elsewhere", other_people, other_trainer, site)
    participant = people[0]
    certificate = Certificate(course_id=course.id, user_id=participant.id, code=new_code(), hours=12.5)
    outside_application = Application(
        course_id=course.id,
        name="Budi Santoso",
        email="budi@surabaya.example.org",
        organisation="Kota Surabaya",
        organisation_kind="city",
        country="ID",
        timezone="Asia/Jakarta",
    )
    db.session.add_all([certificate, outside_application])
    db.session.add(Certificate(course_id=course.id, user_id=graduate.id, code=new_code(), hours=12.5))
    cascade_course = start_cascade(course, graduate, "Cascade in Tonga", "Pacific/Tongatapu")
    record = record_training(
        graduate,
        course,
        held_on=datetime(2026, 3, 1, 12, tzinfo=UTC),
        place="Apia",
        organisation="",
        country="WS",
        language="en",
        people_trained=12,
        chapters=[CHAPTER],
        attendance_list="",
        evidence_url=None,
        recorded_by=site.id,
    )
    library_case = db.session.get(Experience, there["experience"])
    mark_good_case(library_case, "city-to-city")
    give_consent(library_case)
    attach_case(course, CHAPTER, library_case)
    db.session.flush()
    shared = {
        "module": MODULE,
        "chapter": CHAPTER,
        "section": SECTION,
        "answer": INDIVIDUAL_EXERCISE,
        "organisation": member.id,
        "certificate": certificate.code,
        "feed_token": feed_token(participant),
        "invitation_token": create_invitation(invited, first=True),
        "cascade_course": cascade_course.id,
        "cascade_record": record.id,
        "library_case": library_case.id,
    }
    own = {
        "scoped_coordinator": {"import_token": _registration_import(course, scoped)},
        "site_coordinator": {"import_token": here["import_token"], "zoom_token": here["zoom_token"]},
        "trainer": {"zoom_token": _zoom_import(course, here["session"], trainer)},
    }
    emails = {
        "other_participant": other_people[0].email,
        "participant": participant.email,
        "other_trainer": other_trainer.email,
        "trainer": trainer.email,
        "scoped_coordinator": scoped.email,
        "site_coordinator": site.email,
    }
    extra = {
        "graduate": graduate.email,
        "outside_user": people[1].id,  # a participant from a city outside the association
        "outside_email": people[1].email,
        "outside_application": outside_application.id,
        "outside_applicant": outside_application.email,
        "inside_email": participant.email,
    }
    secrets = (
        course.title,
        *(person.name for person in [*people, trainer, graduate]),
        "Kathmandu partners review",
        "Kathmandu: Group 1 answer",
        "Kathmandu: Group 2 answer",
    )
    return World(emails, {**shared, **here}, {**shared, **there}, own, extra, secrets)


# ------------------------------------------------------------------ the app, snapshot and restore


@dataclass(frozen=True)
class Result:
    method: str
    path: str
    status: int
    location: str | None
    body: str
    written: tuple[str, ...]  # the INSERT, UPDATE and DELETE statements the request ran

    @property
    def outcome(self) -> str:
        if self.status in (301, 302, 303):
            target = urlsplit(self.location or "")
            if target.path == "/accounts/login" and "next" in parse_qs(target.query):
                return LOGIN
            return OK
        if self.status in (200, 304) or (self.method == "POST" and self.status in (409, 422)):
            return OK
        return {403: FORBIDDEN, 404: HIDDEN}.get(self.status, f"HTTP {self.status}")

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.status} {self.location or ''}"


@dataclass
class Site:
    app: Flask
    world: World
    snapshot: list[tuple[object, list[dict]]]
    writes: list[str] = field(default_factory=list)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            self.writes.append(statement)

    def restore(self) -> None:
        """Every table back to the world as built."""
        restore_tables(self.app, self.snapshot)

    def request(self, visitor: str, method: str, path: str, data: Mapping[str, str] | None = None) -> Result:
        """Sign in as the visitor (by email, for the focused tests), make one request, put the world back."""
        client = self.app.test_client()
        if visitor != "anonymous":
            email = self.world.emails.get(visitor, visitor)
            signed_in = client.post("/accounts/login", data={"email": email, "password": PASSWORD})
            assert signed_in.status_code == 302, f"sign-in as {visitor} failed"
        with self.app.app_context():
            engine = db.engine
        self.writes.clear()
        event.listen(engine, "before_cursor_execute", self._record)
        try:
            response = client.open(path, method=method, data=dict(data or {}))
            body = response.get_data(as_text=response.mimetype.startswith("text/"))
            response.close()
        finally:
            event.remove(engine, "before_cursor_execute", self._record)
            # Signing in writes too (the time of the last sign-in): put everything back every time.
            self.restore()
        return Result(
            method,
            path,
            response.status_code,
            response.location,
            body if isinstance(body, str) else "",
            tuple(self.writes),
        )

    def check(self, visitor: str, method: str, path: str, data: Mapping[str, str], expected: str) -> Result:
        result = self.request(visitor, method, path, data)
        assert result.outcome == expected, f"as {visitor}, {result}"
        if expected in (LOGIN, FORBIDDEN, HIDDEN):
            assert not result.written, f"as {visitor}, {result} was refused but wrote {result.written}"
        return result


Tables = list[tuple[Table, list[dict]]]


def table_rows(table: Table) -> list[dict]:
    """Every row of a table, every column, in key order."""
    return [dict(row) for row in db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()]


def restore_tables(app: Flask, snapshot: Tables) -> None:
    """Every table back to the rows of the snapshot."""
    with app.app_context(), db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(delete(table))
        for table, rows in snapshot:
            if rows:
                connection.execute(insert(table), rows)


@contextmanager
def built_world(migrated_database: str, upload_dir: Path, **overrides) -> Iterator[tuple[Flask, World, Tables]]:
    """An app with the world built once and a snapshot of its rows, for tests that make many
    requests and put the world back between them (this file, the CSRF test, the fuzz tests)."""
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "UPLOAD_DIR": str(upload_dir),
            # Hundreds of requests from one address in seconds: throttling has its own tests.
            "RATELIMIT_ENABLED": False,
            **overrides,
        },
    )
    with app.app_context():
        world = _build_world()
        db.session.commit()
        snapshot = [(table, table_rows(table)) for table in db.metadata.sorted_tables]
        db.session.remove()
    try:
        yield app, world, snapshot
    finally:
        empty_database(app)


@pytest.fixture(scope="module")
def site(migrated_database: str, tmp_path_factory) -> Iterator[Site]:
    with built_world(migrated_database, tmp_path_factory.mktemp("uploads")) as (app, world, snapshot):
        yield Site(app, world, snapshot)


def _fill(template: str, values: Mapping[str, object]) -> str:
    return template.format(**values)


def _form(spec: Spec, values: Mapping[str, object]) -> dict[str, str]:
    return {key: _fill(value, values) for key, value in spec.data.items()}


# ------------------------------------------------------------------------------------- the tests


def test_every_route_is_in_the_table(site: Site):
    rules = [rule for rule in site.app.url_map.iter_rules() if rule.endpoint != "static"]
    endpoints = {rule.endpoint for rule in rules}
    assert endpoints == set(ROUTES), (
        f"add to ROUTES: {sorted(endpoints - set(ROUTES))}; gone from the app: {sorted(set(ROUTES) - endpoints)}"
    )
    for rule in rules:
        methods = set(rule.methods) - {"HEAD", "OPTIONS"}
        assert methods == set(ROUTES[rule.endpoint].methods()), f"{rule.endpoint}: test {sorted(methods)}"


def _cases() -> Iterator:
    for endpoint, spec in ROUTES.items():
        methods = spec.methods()
        for method, expected in methods.items():
            name = endpoint if len(methods) == 1 else f"{endpoint}:{method}"
            for visitor in VISITORS:
                reason = KNOWN_BUGS.get((endpoint, method, visitor))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(endpoint, method, visitor, expected[visitor], id=f"{name}-{visitor}", marks=marks)


@pytest.mark.parametrize(("endpoint", "method", "visitor", "expected"), list(_cases()))
def test_route_access(site: Site, endpoint: str, method: str, visitor: str, expected: str):
    spec = ROUTES[endpoint]
    values = site.world.values(visitor)
    result = site.check(visitor, method, _fill(spec.path, values), _form(spec, values), expected)
    if visitor in ("other_participant", "other_trainer") and spec.methods()[method] is not PUBLIC:
        # What they may open (their home, the material, their calendar…) shows nothing of this course.
        leaked = [text for text in site.world.secrets if text in result.body]
        assert not leaked, f"as {visitor}, {result} shows {leaked}"


def _crossed_cases() -> Iterator:
    for endpoint, spec in ROUTES.items():
        for crossed in (name for name in SUB_OBJECTS if "{" + name + "}" in spec.path):
            for method, expected in spec.methods().items():
                for visitor in VISITORS:
                    if expected[visitor] == LOGIN:
                        continue  # never gets as far as the object
                    case_id = f"{endpoint}:{method}-{crossed}-{visitor}"
                    yield pytest.param(endpoint, method, crossed, visitor, expected[visitor], id=case_id)


@pytest.mark.parametrize(("endpoint", "method", "crossed", "visitor", "allowed"), list(_crossed_cases()))
def test_cross_course_urls(site: Site, endpoint: str, method: str, crossed: str, visitor: str, allowed: str):
    """Another course's object under this course's URL does not exist, even for site coordinators.

    One id at a time is swapped (a session, a group, an attachment…), the others stay this
    course's. Whoever may use the route with this course's objects gets a 404; whoever may not
    gets their usual refusal or a 404 (whichever the route checks first), never the object.
    """
    spec = ROUTES[endpoint]
    values = site.world.values(visitor)
    path = _fill(spec.path, {**values, crossed: site.world.other[crossed]})
    result = site.request(visitor, method, path, _form(spec, values))
    assert result.outcome == HIDDEN or (allowed != OK and result.outcome == allowed), f"as {visitor}, {result}"
    assert not result.written, f"as {visitor}, {result} wrote {result.written}"


@pytest.mark.parametrize(
    ("endpoint", "method"),
    [
        ("groups.submission", "GET"),
        ("groups.submission", "POST"),
        ("groups.share", "POST"),
        ("groups.attach", "POST"),
        ("groups.feedback", "POST"),
        ("groups.download", "GET"),
    ],
)
def test_another_groups_work_is_private(site: Site, endpoint: str, method: str):
    """The participant's classmates in group 2 have not shared their work: it does not exist for them."""
    spec = ROUTES[endpoint]
    values = site.world.values(
        "participant", group=site.world.here["second_group"], attachment=site.world.here["second_attachment"]
    )
    site.check("participant", method, _fill(spec.path, values), _form(spec, values), HIDDEN)


@pytest.mark.parametrize("visitor", [visitor for visitor in VISITORS if visitor != "anonymous"])
def test_a_post_outside_the_library_is_not_found_there(site: Site, visitor: str):
    """This course's post is not a good case its author shared: the library has no such case."""
    values = site.world.values(visitor, library_case=site.world.here["experience"])
    site.check(visitor, "GET", _fill(ROUTES["library.detail"].path, values), {}, HIDDEN)
    spec = ROUTES["library.attach"]
    site.check(visitor, "POST", _fill(spec.path, values), _form(spec, values), HIDDEN)


@pytest.mark.parametrize(
    ("endpoint", "visitor", "own_by"),
    [
        ("courses.confirm_import", "scoped_coordinator", "site_coordinator"),
        ("courses.confirm_import", "site_coordinator", "scoped_coordinator"),
        ("progress.zoom_preview", "trainer", "site_coordinator"),
        ("progress.zoom_preview", "site_coordinator", "trainer"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_import_belongs_to_who_started_it(site: Site, endpoint: str, visitor: str, own_by: str, method: str):
    spec = ROUTES[endpoint]
    values = {**site.world.values(visitor), **site.world.own[own_by]}
    site.check(visitor, method, _fill(spec.path, values), {}, HIDDEN)


# An association's coordinator reaches the people of the association and its members, nobody else:
# (endpoint, method, placeholder) with the id of someone outside it.
OUTSIDE_REACH = [
    ("courses.change_role", "GET", "user"),
    ("courses.change_role", "POST", "user"),
    ("courses.remove", "GET", "user"),
    ("courses.remove", "POST", "user"),
    ("courses.resend", "POST", "user"),
    ("courses.decide", "POST", "application"),
]
REACH_BUGS: dict[tuple[str, str], str] = {}


def _reach_cases() -> Iterator:
    for endpoint, method, placeholder in OUTSIDE_REACH:
        reason = REACH_BUGS.get((endpoint, method))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(endpoint, method, placeholder, id=f"{endpoint}:{method}", marks=marks)


@pytest.mark.parametrize(("endpoint", "method", "placeholder"), list(_reach_cases()))
def test_scoped_coordinator_reaches_only_their_associations_people(
    site: Site, endpoint: str, method: str, placeholder: str
):
    spec = ROUTES[endpoint]
    values = site.world.values("scoped_coordinator", **{placeholder: site.world.extra[f"outside_{placeholder}"]})
    result = site.request("scoped_coordinator", method, _fill(spec.path, values), _form(spec, values))
    assert result.outcome in (HIDDEN, FORBIDDEN), f"{result}"
    assert not result.written, f"{result} wrote {result.written}"
    # The same person is within a site coordinator's reach: the id is real.
    site.check("site_coordinator", method, _fill(spec.path, values), _form(spec, values), OK)


@pytest.mark.parametrize(
    "endpoint",
    [
        "courses.roster",
        "courses.export_csv",
        "courses.queue",
    ],
)
def test_scoped_coordinator_sees_only_their_associations_people(site: Site, endpoint: str):
    extra, path = site.world.extra, _fill(ROUTES[endpoint].path, site.world.values("scoped_coordinator"))
    seen = site.check("scoped_coordinator", "GET", path, {}, OK).body
    assert extra["outside_email"] not in seen and extra["outside_applicant"] not in seen
    everyone = site.check("site_coordinator", "GET", path, {}, OK).body  # the people are there to be seen
    assert extra["outside_email"] in everyone or extra["outside_applicant"] in everyone


def _outsider_cases() -> Iterator:
    for endpoint, spec in ROUTES.items():
        if "{course}" in spec.path:
            for method, expected in spec.methods().items():
                yield pytest.param(endpoint, method, expected["other_trainer"], id=f"{endpoint}:{method}")


@pytest.mark.parametrize(("endpoint", "method", "expected"), list(_outsider_cases()))
def test_scoped_coordinator_is_an_outsider_where_their_association_has_no_seats(
    site: Site, endpoint: str, method: str, expected: str
):
    """In the other course, the association's coordinator gets what any outsider gets."""
    spec = ROUTES[endpoint]
    values = site.world.values("scoped_coordinator", of="other")
    site.check("scoped_coordinator", method, _fill(spec.path, values), _form(spec, values), expected)


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("courses.roster", OK),
        ("courses.export_csv", OK),
        ("courses.register_one", OK),
        ("courses.upload", OK),
        ("courses.template", OK),
        ("courses.queue", OK),
        ("courses.edit", FORBIDDEN),
        ("progress.completion_page", OK),
    ],
)
def test_a_graduate_runs_their_cascade_course(site: Site, endpoint: str, expected: str):
    """The graduate teaches the cascade course they started and registers its people themselves."""
    values = site.world.values("graduate", course=site.world.here["cascade_course"])
    site.check(site.world.extra["graduate"], "GET", _fill(ROUTES[endpoint].path, values), {}, expected)
