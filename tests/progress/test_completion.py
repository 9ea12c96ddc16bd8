"""The completion rule, certificates, verification and revocation."""

from datetime import date, time

import pytest
from sqlalchemy import select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.schedule.helpers import make_session
from trainer.content.registry import get_registry
from trainer.extensions import db
from trainer.progress import attendance, completion, study
from trainer.progress.models import AttendanceStatus, Certificate


def _study_everything(user_id):
    for chapter in get_registry().module("module-4").chapters:
        for section in chapter.sections:
            study.mark_section(user_id, chapter, section.id, True)
        for exercise in study.individual_exercises(chapter):
            study.save_answer(user_id, chapter, exercise.id, "answer")


@pytest.fixture
def setup(app):
    with app.app_context():
        course = make_course(title="Module 4 ToT")
        day1 = make_session(course, date(2026, 11, 12), time(13), time(16), title="Day 1")
        day2 = make_session(course, date(2026, 12, 3), time(13), time(16), title="Day 2")
        done = make_participant(course, name="Complete Person")
        partly = make_participant(course, name="Partly There")
        _study_everything(done.id)
        for session in (day1, day2):
            attendance.record(session, done.id, AttendanceStatus.PRESENT, 175, by=None)
        attendance.record(day1, partly.id, AttendanceStatus.PARTIAL, 100, by=None)  # under 80% of 180
        ids = {
            "course": course.id,
            "coordinator": make_coordinator().email,
            "trainer": make_trainer(course).email,
            "done": done.email,
            "partly": partly.email,
        }
        db.session.commit()
        return ids


def test_rule_evaluation_lists_what_is_missing(app, setup):
    with app.app_context():
        from trainer.courses.services import get_course

        outcomes = {
            o.user.name: o for o in completion.evaluate(get_course(setup["course"]), get_registry().module("module-4"))
        }
    assert outcomes["Complete Person"].complete
    missing = outcomes["Partly There"].missing
    assert "attend Day 1 (at least 80%)" in missing and "attend Day 2 (at least 80%)" in missing
    assert "complete chapter 1" in missing and len(missing) == 2 + 6


def test_coordinator_edits_the_rule(app, client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(
        f"/courses/{setup['course']}/completion", data={"min_attendance_percent": "50", "require_all_sessions": "y"}
    )
    page = client.get(f"/courses/{setup['course']}/completion").get_data(as_text=True)
    assert "1 of 2 participants meet the rule." in page  # chapters no longer required, 100/180 ≥ 50%… day 2 absent
    bad = client.post(f"/courses/{setup['course']}/completion", data={"min_attendance_percent": "0"})
    assert bad.status_code == 422


def test_trainers_see_completion_but_cannot_change_the_rule(client, login_as, setup):
    login_as(setup["trainer"])
    assert client.get(f"/courses/{setup['course']}/completion").status_code == 200
    assert (
        client.post(f"/courses/{setup['course']}/completion", data={"min_attendance_percent": "10"}).status_code == 403
    )
    assert client.post(f"/courses/{setup['course']}/completion/issue").status_code == 403


def test_certificates_are_issued_verified_and_revoked(app, client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/completion/issue")
    client.post(f"/courses/{setup['course']}/completion/issue")  # again: nobody gets two
    with app.app_context():
        [certificate] = db.session.scalars(select(Certificate)).all()
        code = certificate.code
        assert certificate.hours == 6 + 9.5  # two 3-hour sessions and 560 minutes of self-study
    client.post("/accounts/logout")
    page = client.get(f"/certificates/{code}").get_data(as_text=True)  # anyone, signed in or not
    assert "This certificate is valid." in page and "Complete Person" in page
    assert client.get("/certificates/T4-NOPE-NOPE-NOPE").status_code == 404
    login_as(setup["coordinator"])
    client.post(f"/certificates/{code}/revoke", data={"reason": "Issued by mistake"})
    client.post("/accounts/logout")
    assert "was revoked" in client.get(f"/certificates/{code}").get_data(as_text=True)


def test_completed_participants_see_their_certificate_on_the_course_page(app, client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/completion/issue")
    client.post("/accounts/logout")
    page = login_as(setup["done"]).get(f"/courses/{setup['course']}/").get_data(as_text=True)
    assert "Your certificate" in page and "100% of the course material studied" in page


def test_graduates_are_trained_trainers_on_their_profile(client, login_as, setup):
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/completion/issue")
    client.post("/accounts/logout")
    page = login_as(setup["done"]).get("/accounts/profile").get_data(as_text=True)
    assert "Trained trainer" in page and "Module 4 ToT" in page
    client.post("/accounts/logout")
    assert "Trained trainer" not in login_as(setup["partly"]).get("/accounts/profile").get_data(as_text=True)


def test_the_graduate_downloads_a_pdf_that_contains_their_name_and_code(app, client, login_as, setup):
    from io import BytesIO

    from pypdf import PdfReader

    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/completion/issue")
    client.post("/accounts/logout")
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    login_as(setup["done"])
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(BytesIO(response.data)).pages[0].extract_text()
    assert "Complete Person" in text and code in text and "Module 4 ToT" in text
    client.post("/accounts/logout")
    login_as(setup["partly"])
    assert client.get(f"/certificates/{code}.pdf").status_code == 403  # a classmate: not theirs to download


def test_a_name_no_font_can_draw_is_explained_not_a_500(app, client, login_as, setup, monkeypatch):
    from trainer.progress import certificate_pdf

    def missing(data):
        raise certificate_pdf.MissingGlyphsError("王")

    monkeypatch.setattr(certificate_pdf, "render_certificate", missing)
    login_as(setup["coordinator"])
    client.post(f"/courses/{setup['course']}/completion/issue")
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 302
    assert "fonts-noto-cjk" in client.get(response.headers["Location"]).get_data(as_text=True)
