"""Attendance registers, by hand and from Zoom's participant report."""

from datetime import date, time
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.factories import make_course, make_participant, make_trainer
from tests.schedule.helpers import make_session
from trainer.extensions import db
from trainer.progress.models import Attendance

SAMPLE = Path(__file__).parent / "zoom_files" / "participants_83512345678_2021_11_08.csv"


@pytest.fixture
def setup(app):
    with app.app_context():
        course = make_course(timezone="Asia/Jakarta")
        session = make_session(course, date(2021, 11, 8), time(9), time(12), title="Day 1")
        people = {
            "dewi": make_participant(course, name="Dewi Anggraini", email="dewi.anggraini@surabaya.example.org"),
            "arjun": make_participant(course, name="Arjun Mehta", email="arjun.mehta@uclg-aspac.example.org"),
            "nobody": make_participant(course, name="Never Came", email="never@example.org"),
        }
        trainer = make_trainer(course)
        outsider = make_participant(make_course())
        db.session.commit()
        return {
            "course": course.id,
            "session": session.id,
            "trainer": trainer.email,
            "outsider": outsider.email,
            **{k: v.id for k, v in people.items()},
            "participant": people["arjun"].email,
        }


def _url(setup, suffix=""):
    return f"/courses/{setup['course']}/attendance/{setup['session']}{suffix}"


def test_trainer_keeps_the_register_by_hand(app, client, login_as, setup):
    login_as(setup["trainer"])
    assert "Register: Day 1" in client.get(_url(setup)).get_data(as_text=True)
    client.post(
        _url(setup),
        data={
            f"status-{setup['dewi']}": "late",
            f"minutes-{setup['dewi']}": "150",
            f"status-{setup['arjun']}": "present",
        },
    )
    with app.app_context():
        rows = {a.user_id: (a.status.value, a.minutes) for a in db.session.scalars(select(Attendance))}
    assert rows == {setup["dewi"]: ("late", 150), setup["arjun"]: ("present", None)}


def test_bad_register_input_is_explained_and_nothing_saved(app, client, login_as, setup):
    login_as(setup["trainer"])
    response = client.post(
        _url(setup),
        data={
            f"status-{setup['dewi']}": "present",
            f"status-{setup['arjun']}": "present",
            f"minutes-{setup['arjun']}": "lots",
        },
    )
    assert response.status_code == 422 and "Arjun Mehta: minutes must be a whole number" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(Attendance)) is None


def test_zoom_report_is_previewed_then_recorded(app, client, login_as, setup):
    login_as(setup["trainer"])
    upload = client.post(
        _url(setup, "/zoom"),
        data={"file": (BytesIO(SAMPLE.read_bytes()), "report.csv"), "threshold": "150"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    preview = client.get(upload.headers["Location"]).get_data(as_text=True)
    assert "Dewi Anggraini" in preview and "Not matched" in preview
    with app.app_context():
        assert db.session.scalar(select(Attendance)) is None  # nothing before confirming
    client.post(upload.headers["Location"], data={"threshold": "150"})
    with app.app_context():
        rows = {a.user_id: a for a in db.session.scalars(select(Attendance))}
    assert rows[setup["dewi"]].status.value == "present" and rows[setup["dewi"]].minutes == 180
    assert rows[setup["dewi"]].source == "zoom"
    assert rows[setup["nobody"]].status.value == "absent"


def test_the_register_says_where_each_record_came_from_in_the_readers_language(app, client, login_as, setup):
    from trainer.accounts.models import User
    from trainer.progress import attendance
    from trainer.progress.models import AttendanceStatus
    from trainer.schedule.models import LiveSession

    with app.app_context():
        session = db.session.get(LiveSession, setup["session"])
        attendance.record(session, setup["dewi"], AttendanceStatus.PRESENT, 180, by=None, source="zoom")
        attendance.record(session, setup["arjun"], AttendanceStatus.LATE, 90, by=None)
        db.session.commit()
    login_as(setup["trainer"])
    page = client.get(_url(setup)).get_data(as_text=True)
    assert "<td>Zoom report</td>" in page and "<td>by hand</td>" in page
    with app.app_context():
        db.session.scalar(select(User).where(User.email == setup["trainer"])).locale = "id"
        db.session.commit()
    page = client.get(_url(setup)).get_data(as_text=True)
    assert "<td>Laporan Zoom</td>" in page and "<td>secara manual</td>" in page
    assert "<td>zoom</td>" not in page and "<td>manual</td>" not in page


def test_a_broken_zoom_file_is_explained(client, login_as, setup):
    login_as(setup["trainer"])
    upload = client.post(
        _url(setup, "/zoom"),
        data={"file": (BytesIO(b"\x89PNG\r\n\x1a\n..."), "photo.png")},
        content_type="multipart/form-data",
    )
    page = client.get(client.get(upload.headers["Location"]).headers["Location"]).get_data(as_text=True)
    assert "cannot be read as a Zoom participant report" in page


@pytest.mark.parametrize(("who", "status"), [("participant", 403), ("outsider", 404)])
def test_only_trainers_keep_registers(client, login_as, setup, who, status):
    login_as(setup[who])
    assert client.get(_url(setup)).status_code == status
    assert client.post(_url(setup), data={f"status-{setup['dewi']}": "present"}).status_code == status
