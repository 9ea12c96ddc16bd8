import pytest

from tests.factories import make_coordinator, make_course, make_participant, make_trainer, make_user
from trainer.courses.models import EnrolmentRole
from trainer.courses.services import enrol
from trainer.extensions import db


@pytest.fixture
def people(app):
    with app.app_context():
        course = make_course(title="Module 4 ToT — Asia-Pacific")
        other = make_course(title="Cascade course in Surabaya")
        people = {
            "coordinator": make_coordinator(name="Dewi Coordinator"),
            "trainer": make_trainer(course, name="Rahmat Trainer"),
            "participant": make_participant(course, name="Ayesha Participant"),
            "loner": make_user(name="Not Enrolled"),
        }
        # A graduate who teaches one course and takes another.
        both = make_participant(course, name="Sita Both")
        enrol(other, both, EnrolmentRole.TRAINER)
        people["both"] = both
        db.session.commit()
        return {role: user.email for role, user in people.items()}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get("/").headers["Location"].startswith("/accounts/login")


def test_coordinator_lands_on_the_coordination_page(client, login_as, people):
    page = login_as(people["coordinator"]).get("/").get_data(as_text=True)
    assert "<h1>Courses</h1>" in page and "New course" in page
    assert "Module 4 ToT — Asia-Pacific" in page and "Cascade course in Surabaya" in page
    assert '<span class="role-badge">Coordinator</span>' in page


def test_trainer_lands_on_courses_they_teach(client, login_as, people):
    page = login_as(people["trainer"]).get("/").get_data(as_text=True)
    assert "Courses you teach" in page
    assert "Module 4 ToT — Asia-Pacific" in page
    assert "Cascade course in Surabaya" not in page
    assert '<span class="role-badge">Trainer</span>' in page


def test_participant_sees_only_their_courses(client, login_as, people):
    page = login_as(people["participant"]).get("/").get_data(as_text=True)
    assert "Your courses" in page
    assert "Module 4 ToT — Asia-Pacific" in page
    assert "Cascade course in Surabaya" not in page
    assert "New course" not in page
    assert '<span class="role-badge">Participant</span>' in page


def test_one_person_can_teach_one_course_and_take_another(client, login_as, people):
    page = login_as(people["both"]).get("/").get_data(as_text=True)
    assert "Courses you teach" in page and "Courses you take" in page
    teach, take = page.split("Courses you take")
    assert "Cascade course in Surabaya" in teach
    assert "Module 4 ToT — Asia-Pacific" in take


def test_person_with_no_course_is_told_what_happens_next(client, login_as, people):
    page = login_as(people["loner"]).get("/").get_data(as_text=True)
    assert "not enrolled in a course yet" in page


def test_coordinator_home_uses_a_fixed_number_of_queries(app, client, login_as, people, count_queries):
    login_as(people["coordinator"])
    with count_queries() as few:
        client.get("/")
    with app.app_context():
        for _ in range(20):
            course = make_course()
            for _ in range(3):
                make_participant(course)
        db.session.commit()
    with count_queries() as many:
        assert "Course" in client.get("/").get_data(as_text=True)
    assert many.count == few.count
