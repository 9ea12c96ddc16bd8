"""Self-registration: a public page where focal points apply, and a coordinator's approval queue."""

import pytest
from sqlalchemy import select

from tests.factories import make_coordinator, make_course, make_participant
from trainer.accounts.models import User
from trainer.courses.models import Application, Enrolment
from trainer.extensions import db
from trainer.mail.models import OutboxMessage

APPLY = {
    "name": "Lisiate Fonua",
    "email": "lisiate@example.org",
    "organisation": "Nuku'alofa Town Council",
    "organisation_kind": "city",
    "position": "Clerk",
    "country": "TO",
    "timezone": "",
    "language": "en",
    "motivation": "Pacific councils learn from each other.",
}


@pytest.fixture
def course(app):
    with app.app_context():
        open_course = make_course(self_registration=True)
        closed = make_course(self_registration=False)
        ids = {
            "open": open_course.id,
            "closed": closed.id,
            "coordinator": make_coordinator().email,
            "participant": make_participant(open_course).email,
        }
        db.session.commit()
        return ids


def test_a_focal_point_applies_without_an_account(app, client, course):
    page = client.get(f"/courses/{course['open']}/apply").get_data(as_text=True)
    assert "Apply for" in page and 'name="role"' not in page
    response = client.post(f"/courses/{course['open']}/apply", data=APPLY)
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    with app.app_context():
        application = db.session.scalars(select(Application)).one()
        assert (application.status.value, application.timezone) == ("pending", "Pacific/Tongatapu")
        assert db.session.scalar(select(User).where(User.email == "lisiate@example.org")) is None


def test_courses_without_self_registration_have_no_public_page(client, course):
    assert client.get(f"/courses/{course['closed']}/apply").status_code == 404
    assert client.post(f"/courses/{course['closed']}/apply", data=APPLY).status_code == 404


def test_bad_application_is_explained(client, course):
    response = client.post(f"/courses/{course['open']}/apply", data={**APPLY, "email": "nope"})
    assert response.status_code == 422 and "Enter an email address like" in response.get_data(as_text=True)


def test_coordinator_approves_one_and_declines_another(app, client, login_as, course):
    client.post(f"/courses/{course['open']}/apply", data=APPLY)
    client.post(f"/courses/{course['open']}/apply", data={**APPLY, "email": "spam@example.org", "name": "Spam"})
    with app.app_context():
        first, second = db.session.scalars(select(Application.id).order_by(Application.id)).all()
    login_as(course["coordinator"])
    queue = client.get(f"/courses/{course['open']}/applications/").get_data(as_text=True)
    assert "Lisiate Fonua" in queue and "Pacific councils learn" in queue
    client.post(f"/courses/{course['open']}/applications/{first}/approve")
    client.post(f"/courses/{course['open']}/applications/{second}/reject")
    client.post(f"/courses/{course['open']}/applications/{first}/approve")  # a second click changes nothing
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lisiate@example.org"))
        assert db.session.scalar(select(Enrolment.role).where(Enrolment.user_id == user.id)) == "participant"
        assert [m.kind for m in db.session.scalars(select(OutboxMessage))] == ["invitation"]
        assert db.session.scalar(select(User).where(User.email == "spam@example.org")) is None
        statuses = db.session.scalars(select(Application.status).order_by(Application.id)).all()
        assert [s.value for s in statuses] == ["approved", "rejected"]


def test_participants_cannot_see_or_decide_applications(app, client, login_as, course):
    client.post(f"/courses/{course['open']}/apply", data=APPLY)
    login_as(course["participant"])
    assert client.get(f"/courses/{course['open']}/applications/").status_code == 403
    assert client.post(f"/courses/{course['open']}/applications/1/approve").status_code == 403
