"""A course's language: the default for its people until they choose theirs (issue 11: "default
from the browser, then the course"). Mail has no browser, so it goes out in the course's language."""

from datetime import date, time
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tests.courses.test_course_pages import VALID
from tests.factories import make_coordinator, make_course, make_participant
from tests.schedule.helpers import make_session
from trainer.accounts.models import User
from trainer.courses.models import Course
from trainer.extensions import db
from trainer.mail.models import OutboxMessage
from trainer.schedule.invites import queue_session_invitations

PERSON = {
    "name": "Budi Santoso",
    "email": "budi@kota.example.org",
    "organisation": "Kota Surabaya",
    "organisation_kind": "municipality",
    "country": "ID",
    "timezone": "",
    "role": "participant",
}


@pytest.fixture
def world(app):
    with app.app_context():
        indonesian = make_course(title="Pelatihan Modul 4", language="id")
        undecided = make_participant(indonesian, name="Sari")  # has chosen no language
        english = make_participant(indonesian, name="Tom", locale="en")
        coordinator = make_coordinator()
        db.session.commit()
        return {
            "course": indonesian.id,
            "undecided": undecided.email,
            "english": english.email,
            "coordinator": coordinator.email,
        }


def _mails(app) -> dict[str, object]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return {
            m["To"].addresses[0].addr_spec: m
            for m in (message_from_bytes(r.message, policy=policy.default) for r in rows)
        }


def test_a_coordinator_sets_the_course_language_and_sees_it_when_editing(app, client, login_as, world):
    login_as(world["coordinator"])
    response = client.post("/courses/new", data={**VALID, "language": "id"})
    assert response.status_code == 302
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == VALID["title"]))
        assert course.language == "id"
        course_id = course.id
    form = client.get(f"/courses/{course_id}/edit").get_data(as_text=True)
    assert '<option selected value="id">Bahasa Indonesia</option>' in form
    client.post(f"/courses/{course_id}/edit", data={**VALID, "language": ""})
    with app.app_context():
        assert db.session.get(Course, course_id).language is None  # not set


def test_a_language_the_site_does_not_have_is_refused_beside_the_field(app, client, login_as, world):
    login_as(world["coordinator"])
    response = client.post("/courses/new", data={**VALID, "language": "xx"})
    assert response.status_code == 422
    assert '<p class="field-error" id="language-error">Not a valid choice.</p>' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.title == VALID["title"])) is None


def test_someone_registered_without_a_language_is_invited_in_the_courses(app, client, login_as, world):
    login_as(world["coordinator"])
    response = client.post(f"/courses/{world['course']}/people/new", data={**PERSON, "language": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == PERSON["email"])).locale is None
    invitation = _mails(app)[PERSON["email"]]
    assert "Pelatihan Modul 4" in invitation["Subject"] and "Your place" not in invitation["Subject"]
    # Their own choice wins over the course's.
    client.post(f"/courses/{world['course']}/people/new", data={**PERSON, "email": "ana@example.org", "language": "en"})
    assert _mails(app)["ana@example.org"]["Subject"] == "Your place in Pelatihan Modul 4"


def test_session_invitations_follow_each_persons_language_else_the_courses(app, world):
    with app.app_context():
        course = db.session.get(Course, world["course"])
        session = make_session(course, date(2099, 11, 8), time(9), time(12), title="Hari 1")
        queue_session_invitations(course, session)
        db.session.commit()
    mails = _mails(app)
    assert mails[world["undecided"]]["Subject"].startswith("Undangan: Hari 1")
    assert mails[world["english"]]["Subject"].startswith("Invitation: Hari 1")


def test_pages_follow_the_browser_first_then_the_course(client, login_as, world):
    login_as(world["undecided"])
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)  # no browser language: the course's
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page  # the browser's, which the site has


def test_a_course_without_a_language_changes_nothing(app, client, login_as):
    with app.app_context():
        email = make_participant(make_course()).email
        db.session.commit()
    login_as(email)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_accepting_an_invitation_offers_the_language_it_was_written_in(app, client, world):
    from trainer.accounts.invitations import create_invitation

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world["undecided"]))
        token = create_invitation(user)
        db.session.commit()
    page = client.get(f"/accounts/invitation/{token}").get_data(as_text=True)
    assert '<option selected value="id">Bahasa Indonesia</option>' in page


def test_the_roster_export_keeps_a_language_not_chosen_as_not_chosen(app, client, login_as, world):
    import csv
    import io

    login_as(world["coordinator"])
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/courses/{world['course']}/people.csv").data.decode("utf-8-sig")))
    )
    languages = {row["email"]: row["language"] for row in rows}
    # Written back as "en", an import would pin the course's people to English.
    assert languages[world["undecided"]] == "" and languages[world["english"]] == "en"
