"""Graduates run cascade courses; coordinators record and confirm; the reach page and its rights."""

from datetime import date, time

import pytest
from sqlalchemy import select

from tests.factories import make_coordinator, make_course, make_participant, make_user
from tests.schedule.helpers import make_session
from trainer.courses.models import CascadeRecord, Course, Enrolment
from trainer.extensions import db
from trainer.progress.models import Certificate

PERSON = {
    "name": "Siti",
    "email": "siti@example.org",
    "organisation": "",
    "organisation_kind": "city",
    "position": "",
    "country": "ID",
    "timezone": "",
    "language": "id",
    "role": "participant",
}


@pytest.fixture
def world(app):
    with app.app_context():
        origin = make_course(title="Module 4 ToT", status="finished")
        make_session(origin, date(2026, 5, 1), time(9), time(16))
        graduate = make_participant(origin, name="Putri", email="putri@example.org")
        other_graduate = make_participant(origin, name="Ram", email="ram@example.org")
        not_graduate = make_participant(origin, name="Not yet", email="notyet@example.org")
        db.session.add_all(
            [
                Certificate(course_id=origin.id, user_id=graduate.id, code="T4-AAAA-BBBB-CCCC", hours=10),
                Certificate(course_id=origin.id, user_id=other_graduate.id, code="T4-DDDD-EEEE-FFFF", hours=10),
            ]
        )
        ids = {
            "origin": origin.id,
            "graduate": graduate.email,
            "other": other_graduate.email,
            "not_graduate": not_graduate.email,
            "coordinator": make_coordinator().email,
            "stranger": make_user().email,
        }
        db.session.commit()
        return ids


def _start(client, world, title="Cascade in Surabaya"):
    return client.post(
        "/reach/start", data={"origin_course_id": world["origin"], "title": title, "timezone": "Asia/Jakarta"}
    )


def test_a_graduate_starts_a_cascade_course_and_registers_people(app, client, login_as, world):
    login_as(world["graduate"])
    assert "Start a cascade course" in client.get("/accounts/profile").get_data(as_text=True)
    response = _start(client, world)
    assert response.status_code == 302 and "/schedule/" in response.headers["Location"]
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == "Cascade in Surabaya"))
        assert course.parent_course_id == world["origin"] and course.module_slug == "module-4"
    assert client.post(f"/courses/{course.id}/people/new", data=PERSON).status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                select(Enrolment.role)
                .join(Enrolment.user)
                .where(Enrolment.course_id == course.id, Enrolment.role == "participant")
            )
            == "participant"
        )
    # …but not in the course they graduated from (they can see it, not manage it).
    assert client.post(f"/courses/{world['origin']}/people/new", data=PERSON).status_code == 403


def test_only_graduates_start_cascade_courses(client, login_as, world):
    login_as(world["not_graduate"])
    assert client.get("/reach/start").status_code == 403
    assert _start(client, world).status_code == 403


def test_coordinators_confirm_and_the_graduate_becomes_a_certified_trainer(app, client, login_as, world):
    login_as(world["graduate"])
    _start(client, world)
    client.post("/accounts/logout")
    login_as(world["coordinator"])
    page = client.get("/reach/").get_data(as_text=True)
    assert "Waiting for confirmation" in page and "Cascade in Surabaya" in page
    with app.app_context():
        course_id = db.session.scalar(select(Course.id).where(Course.title == "Cascade in Surabaya"))
    client.post(f"/reach/courses/{course_id}/confirm")
    client.post("/accounts/logout")
    assert "Certified trainer" in client.get("/certificates/T4-AAAA-BBBB-CCCC").get_data(as_text=True)


def test_coordinators_record_an_outside_training(app, client, login_as, world):
    login_as(world["coordinator"])
    response = client.post(
        "/reach/records/new",
        data={
            "graduate_email": world["other"],
            "origin_course_id": world["origin"],
            "held_on": "2026-09-10",
            "place": "Dhulikhel",
            "organisation": "Dhulikhel Municipality",
            "country": "NP",
            "language": "ne",
            "people_trained": "25",
            "chapters": ["what-is-decentralized-cooperation"],
            "evidence_url": "https://example.org/report",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalars(select(CascadeRecord)).one()
    client.post(f"/reach/records/{record.id}/confirm")
    page = client.get("/reach/").get_data(as_text=True)
    assert "Dhulikhel" in page and "25 people trained" in page
    bad = client.post(
        "/reach/records/new",
        data={
            "graduate_email": "ghost@example.org",
            "origin_course_id": world["origin"],
            "held_on": "2026-09-10",
            "place": "X",
            "people_trained": "0",
            "country": "",
        },
    )
    assert bad.status_code == 422


def test_the_reach_page_tree_totals_chart_and_csv(app, client, login_as, world):
    login_as(world["graduate"])
    _start(client, world)
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == "Cascade in Surabaya"))
        for _ in range(3):
            make_participant(course, country="ID")
        db.session.commit()
    client.post("/accounts/logout")
    login_as(world["coordinator"])
    page = client.get("/reach/").get_data(as_text=True)
    assert "<svg" in page and "Generation 2" in page and "6 people trained so far" in page
    csv = client.get("/reach/reach.csv").data.decode("utf-8-sig")
    assert "2,course,Cascade in Surabaya,3" in csv and "generation,2,3" in csv


def test_graduates_see_only_their_own_branch(app, client, login_as, world):
    login_as(world["graduate"])
    _start(client, world, "Putri's course")
    client.post("/accounts/logout")
    login_as(world["other"])
    _start(client, world, "Ram's course")
    page = client.get("/reach/").get_data(as_text=True)
    assert "Ram&#39;s course" in page and "Putri" not in page and "Module 4 ToT" not in page.split("The tree")[1]
    assert client.get("/reach/records/new").status_code == 403


def test_the_reach_page_uses_a_fixed_number_of_queries(app, client, login_as, world, count_queries):
    login_as(world["coordinator"])
    client.get("/reach/")
    with count_queries() as few:
        client.get("/reach/")
    with app.app_context():
        origin = db.session.get(Course, world["origin"])
        for _ in range(30):
            make_participant(origin)
        db.session.commit()
    with count_queries() as many:
        client.get("/reach/")
    assert many.count == few.count


def test_strangers_are_sent_away(client, login_as, world):
    assert client.get("/reach/").status_code == 302  # anonymous: sign in
    login_as(world["stranger"])
    assert "Nothing yet" in client.get("/reach/").get_data(as_text=True)
