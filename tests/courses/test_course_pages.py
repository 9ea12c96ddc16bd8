import pytest
from sqlalchemy import select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer, make_user
from trainer.courses.models import Course, Enrolment, EnrolmentRole
from trainer.extensions import db

VALID = {
    "title": "Module 4 ToT — Pacific",
    "module_slug": "module-4",
    "timezone": "Pacific/Auckland",
    "status": "registration_open",
    "capacity": "30",
    "contact_email": "pacific@example.org",
    "join_url": "https://zoom.us/j/123",
    "meeting_id": "123",
    "meeting_passcode": "abc",
    "dial_in": "",
    "description": "For Pacific councils.",
}


@pytest.fixture
def people(app):
    with app.app_context():
        course = make_course()
        emails = {
            "coordinator": make_coordinator().email,
            "trainer": make_trainer(course).email,
            "participant": make_participant(course).email,
            "new_trainer": make_user(name="Aroha").email,
        }
        db.session.commit()
        emails["course_id"] = course.id
        return emails


def test_coordinator_creates_a_course_with_trainers(app, client, login_as, people):
    login_as(people["coordinator"])
    response = client.post("/courses/new", data={**VALID, "trainers": people["new_trainer"]})
    assert response.status_code == 302 and "/schedule/" in response.headers["Location"]
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == VALID["title"]))
        assert (course.timezone, course.capacity, course.status.value) == ("Pacific/Auckland", 30, "registration_open")
        roles = db.session.execute(select(Enrolment.role).where(Enrolment.course_id == course.id)).scalars().all()
        assert roles == [EnrolmentRole.TRAINER]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Give the course a title."),
        ({"timezone": "Asia/Atlantis"}, "Choose a time zone from the list"),
        ({"trainers": "ghost@example.org"}, "No account for: ghost@example.org"),
        ({"join_url": "zoom.us/j/1"}, "A join link starts with https://"),
        ({"contact_email": "not-an-email"}, "Enter an email address like"),
        ({"capacity": "0"}, "Number must be between 1 and 100000."),
        ({"trainers": "<script>x</script>@example.org"}, "No account for: &lt;script&gt;"),
    ],
)
def test_bad_course_input_is_shown_beside_the_field_and_nothing_is_saved(
    app, client, login_as, people, change, message
):
    login_as(people["coordinator"])
    response = client.post("/courses/new", data={**VALID, **change})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Course).where(Course.title == VALID["title"])) is None


def test_form_keeps_what_was_typed_after_an_error(client, login_as, people):
    login_as(people["coordinator"])
    page = client.post("/courses/new", data={**VALID, "timezone": "Nowhere"}).get_data(as_text=True)
    assert 'value="Module 4 ToT — Pacific"' in page and "For Pacific councils." in page


def test_coordinator_edits_a_course_and_replaces_its_trainers(app, client, login_as, people):
    login_as(people["coordinator"])
    page = client.get(f"/courses/{people['course_id']}/edit").get_data(as_text=True)
    assert people["trainer"] in page
    data = {**VALID, "title": "Renamed", "trainers": people["new_trainer"]}
    assert client.post(f"/courses/{people['course_id']}/edit", data=data).status_code == 302
    with app.app_context():
        trainers = db.session.scalars(
            select(Enrolment.user_id).where(Enrolment.course_id == people["course_id"], Enrolment.role == "trainer")
        ).all()
        assert len(trainers) == 1
        assert db.session.get(Course, people["course_id"]).title == "Renamed"


@pytest.mark.parametrize("role", ["trainer", "participant"])
def test_only_coordinators_create_and_edit_courses(client, login_as, people, role):
    login_as(people[role])
    assert client.get("/courses/new").status_code == 403
    assert client.post("/courses/new", data=VALID).status_code == 403
    assert client.get(f"/courses/{people['course_id']}/edit").status_code == 403


def test_unknown_course_is_404(client, login_as, people):
    login_as(people["coordinator"])
    assert client.get("/courses/999999/edit").status_code == 404
