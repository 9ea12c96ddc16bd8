"""Dashboards: the trainer's matrix, the coordinator's overview, CSV, and a fixed number of queries."""

from datetime import date, time

import pytest

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.schedule.helpers import make_session
from trainer.accounts.organisations import get_or_create_organisation
from trainer.content.registry import get_registry
from trainer.courses.services import get_course
from trainer.extensions import db
from trainer.progress import attendance, study
from trainer.progress.models import AttendanceStatus


@pytest.fixture
def setup(app):
    with app.app_context():
        course = make_course()
        session = make_session(course, date(2026, 11, 12), time(13), time(16), title="Day 1")
        nepal = get_or_create_organisation("Dhulikhel Municipality", "NP")
        sita = make_participant(course, name="Sita", country="NP", organisation_id=nepal.id)
        maria = make_participant(course, name="Maria", country="PH")
        chapter = get_registry().module("module-4").chapters[0]
        for section in chapter.sections:
            study.mark_section(sita.id, chapter, section.id, True)
        study.save_answer(sita.id, chapter, study.individual_exercises(chapter)[0].id, "done")
        attendance.record(session, sita.id, AttendanceStatus.PRESENT, 180, by=None)
        ids = {
            "course": course.id,
            "trainer": make_trainer(course).email,
            "coordinator": make_coordinator().email,
            "participant": maria.email,
            "other_trainer": make_trainer(make_course()).email,
            "nepal": nepal.id,
        }
        db.session.commit()
        return ids


def test_trainer_sees_chapters_and_sessions_with_totals(client, login_as, setup):
    page = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/progress/").get_data(as_text=True)
    assert "Sita" in page and "Maria" in page and "Ch. 6" in page and "Day 1" in page
    totals = page.split("<tfoot>")[1]
    assert '<td title="done / in progress">1 / 0</td>' in totals
    assert '<td title="attended">1</td>' in totals


def test_filters_and_sorting(client, login_as, setup):
    login_as(setup["trainer"])
    page = client.get(f"/courses/{setup['course']}/progress/?country=PH").get_data(as_text=True)
    body = page.split("<tbody>")[1]
    assert "Maria" in body and "Sita" not in body
    page = client.get(f"/courses/{setup['course']}/progress/?organisation={setup['nepal']}").get_data(as_text=True)
    assert "Sita" in page.split("<tbody>")[1] and "Maria" not in page.split("<tbody>")[1]
    page = client.get(f"/courses/{setup['course']}/progress/?sort=progress&desc=1").get_data(as_text=True)
    body = page.split("<tbody>")[1]
    assert body.index("Sita") < body.index("Maria")


def test_csv_export_has_every_row(client, login_as, setup):
    response = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/progress.csv")
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("name,email,country,organisation,progress_percent,chapter_1")
    assert "Sita" in text and "present (180 min)" in text


def test_participant_detail_page(app, client, login_as, setup):
    from sqlalchemy import select

    from trainer.accounts.models import User

    with app.app_context():
        sita = db.session.scalar(select(User.id).where(User.name == "Sita"))
    page = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/progress/{sita}").get_data(as_text=True)
    assert "Sita" in page and "done" in page and "Present (180 min)" in page


@pytest.mark.parametrize(("who", "status"), [("participant", 403), ("other_trainer", 404)])
def test_participants_and_other_trainers_cannot_see_the_dashboard(client, login_as, setup, who, status):
    assert login_as(setup[who]).get(f"/courses/{setup['course']}/progress/").status_code == status


def test_coordinator_overview_by_course_country_and_organisation(client, login_as, setup):
    page = login_as(setup["coordinator"]).get("/progress/").get_data(as_text=True)
    assert "Dhulikhel Municipality" in page and "Countries" in page
    csv = client.get("/progress/?format=csv").data.decode("utf-8-sig")
    assert "country,NP,1," in csv


@pytest.mark.parametrize("path", ["/courses/{course}/progress/", "/courses/{course}/progress.csv"])
def test_dashboard_queries_do_not_grow_with_participants(app, client, login_as, setup, count_queries, path):
    def grow_to(n):
        with app.app_context():
            course = get_course(setup["course"])
            chapter = get_registry().module("module-4").chapters[1]
            while len(course_people(course)) < n:
                user = make_participant(course)
                study.mark_section(user.id, chapter, chapter.sections[0].id, True)
            db.session.commit()

    def course_people(course):
        return attendance.participants(course.id)

    login_as(setup["trainer"])
    url = path.format(course=setup["course"])
    grow_to(5)
    with count_queries() as five:
        assert client.get(url).status_code == 200
    grow_to(50)
    with count_queries() as fifty:
        assert client.get(url).status_code == 200
    assert fifty.count == five.count
