from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.schedule.helpers import CH, make_session
from trainer.extensions import db
from trainer.schedule.models import LiveSession

SESSION = {
    "title": "Day 2",
    "day": "2026-12-03",
    "start": "13:00",
    "end": "16:00",
    "chapters": [CH[2], CH[3]],
    "agenda-0-title": "Welcome",
    "agenda-0-minutes": "10",
    "agenda-0-trainer_id": "0",
}


@pytest.fixture
def setup(app):
    with app.app_context():
        course = make_course(timezone="Asia/Jakarta")
        other = make_course()
        ids = {
            "course": course.id,
            "trainer": make_trainer(course).email,
            "participant": make_participant(course, timezone="Asia/Karachi", name="Ayesha").email,
            "coordinator": make_coordinator().email,
            "other_trainer": make_trainer(other).email,
        }
        db.session.commit()
        return ids


def _sessions(app):
    with app.app_context():
        return db.session.scalars(select(LiveSession).order_by(LiveSession.starts_at)).all()


def test_trainer_starts_from_the_three_day_pattern(app, client, login_as, setup):
    login_as(setup["trainer"])
    data = {"pattern": "three-days", "first_day": "2026-11-09", "start": "13:00", "end": "16:00", "weeks_between": "2"}
    response = client.post(f"/courses/{setup['course']}/schedule/pattern", data=data)
    assert response.status_code == 302
    sessions = _sessions(app)
    assert [s.starts_at for s in sessions] == [
        datetime(2026, 11, 9, 6, tzinfo=UTC),
        datetime(2026, 11, 23, 6, tzinfo=UTC),
        datetime(2026, 11, 24, 6, tzinfo=UTC),
    ]
    assert [s.chapters for s in sessions] == [CH[0:2], CH[2:4], CH[4:6]]
    page = client.get(f"/courses/{setup['course']}/schedule/").get_data(as_text=True)
    assert "Day 3" in page and "Worth a second look" not in page


def test_pattern_errors_are_shown_and_nothing_is_written(app, client, login_as, setup):
    login_as(setup["trainer"])
    data = {"pattern": "three-days", "first_day": "", "start": "16:00", "end": "13:00"}
    response = client.post(f"/courses/{setup['course']}/schedule/pattern", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose the date of the first day." in page and "The end must be after the start." in page
    assert _sessions(app) == []


def test_add_a_session_with_an_agenda(app, client, login_as, setup):
    login_as(setup["trainer"])
    assert 'name="agenda-2-title"' in client.get(f"/courses/{setup['course']}/schedule/sessions/new").get_data(
        as_text=True
    )
    response = client.post(f"/courses/{setup['course']}/schedule/sessions/new", data=SESSION)
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalars(select(LiveSession)).one()
        assert session.starts_at == datetime(2026, 12, 3, 6, tzinfo=UTC) and session.sequence == 0
        assert session.chapters == [CH[2], CH[3]]


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"end": "12:00"}, "The end must be after the start."),
        ({"title": ""}, "Give the session a title."),
        ({"day": "not a date"}, "Choose a date."),
        ({"agenda-0-minutes": ""}, "How many minutes?"),
        ({"join_url": "ftp://x"}, "A join link starts with https://"),
        ({"agenda-0-trainer_id": "999999"}, "Choose one of the course's trainers."),
    ],
)
def test_bad_session_input_is_refused_beside_the_field(app, client, login_as, setup, change, field_message):
    login_as(setup["trainer"])
    response = client.post(f"/courses/{setup['course']}/schedule/sessions/new", data={**SESSION, **change})
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert _sessions(app) == []


def test_a_time_that_daylight_saving_skips_is_refused(app, client, login_as, setup):
    with app.app_context():
        from trainer.courses.services import get_course

        get_course(setup["course"]).timezone = "Australia/Sydney"
        db.session.commit()
    login_as(setup["trainer"])
    data = {**SESSION, "day": "2026-10-04", "start": "02:30", "end": "04:00"}
    response = client.post(f"/courses/{setup['course']}/schedule/sessions/new", data=data)
    assert response.status_code == 422
    assert "02:30 does not exist on 2026-10-04 in Australia/Sydney" in response.get_data(as_text=True)


def test_overlapping_sessions_are_refused(app, client, login_as, setup):
    login_as(setup["trainer"])
    client.post(f"/courses/{setup['course']}/schedule/sessions/new", data=SESSION)
    response = client.post(
        f"/courses/{setup['course']}/schedule/sessions/new",
        data={**SESSION, "title": "Clash", "start": "15:00", "end": "17:00"},
    )
    assert response.status_code == 422
    assert "This overlaps with “Day 2”." in response.get_data(as_text=True)
    assert len(_sessions(app)) == 1


def test_rescheduling_keeps_identity_and_raises_the_sequence(app, client, login_as, setup):
    login_as(setup["trainer"])
    client.post(f"/courses/{setup['course']}/schedule/sessions/new", data=SESSION)
    [session] = _sessions(app)
    url = f"/courses/{setup['course']}/schedule/sessions/{session.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'value="13:00"' in form and 'value="Welcome"' in form
    client.post(url, data={**SESSION, "title": "Day 2 (renamed)"})
    [renamed] = _sessions(app)
    assert renamed.sequence == 0 and renamed.title == "Day 2 (renamed)"
    client.post(url, data={**SESSION, "start": "14:00", "end": "17:00"})
    [moved] = _sessions(app)
    assert (moved.id, moved.sequence) == (session.id, 1)
    assert moved.starts_at == datetime(2026, 12, 3, 7, tzinfo=UTC)
    assert moved.updated_at > session.updated_at


def test_cancelling_keeps_the_session_marked_cancelled(app, client, login_as, setup):
    login_as(setup["trainer"])
    client.post(f"/courses/{setup['course']}/schedule/sessions/new", data=SESSION)
    [session] = _sessions(app)
    client.post(f"/courses/{setup['course']}/schedule/sessions/{session.id}/cancel")
    [cancelled] = _sessions(app)
    assert cancelled.cancelled and cancelled.sequence == 1
    assert "Cancelled" in client.get(f"/courses/{setup['course']}/").get_data(as_text=True)
    client.post(f"/courses/{setup['course']}/schedule/sessions/{session.id}/restore")
    [restored] = _sessions(app)
    assert not restored.cancelled and restored.sequence == 2


def test_warnings_name_participants_for_whom_a_session_is_too_early(app, client, login_as, setup):
    with app.app_context():
        from trainer.courses.services import get_course

        make_session(
            get_course(setup["course"]),
            date(2026, 12, 3),
            *[__import__("datetime").time(8), __import__("datetime").time(10)],
            chapters=CH,
        )
        db.session.commit()
    page = login_as(setup["trainer"]).get(f"/courses/{setup['course']}/schedule/").get_data(as_text=True)
    # 08:00 in Jakarta is 06:00 in Karachi.
    assert "Worth a second look" in page and "Ayesha" in page


@pytest.mark.parametrize("who", ["participant", "other_trainer"])
def test_people_who_do_not_teach_the_course_cannot_edit_its_schedule(app, client, login_as, setup, who):
    login_as(setup[who])
    expected = 403 if who == "participant" else 404
    assert client.get(f"/courses/{setup['course']}/schedule/").status_code == expected
    assert client.post(f"/courses/{setup['course']}/schedule/sessions/new", data=SESSION).status_code == expected
    assert client.post(f"/courses/{setup['course']}/schedule/pattern", data={}).status_code == expected
    assert _sessions(app) == []


def test_coordinator_may_edit_any_schedule(client, login_as, setup):
    login_as(setup["coordinator"])
    assert client.post(f"/courses/{setup['course']}/schedule/sessions/new", data=SESSION).status_code == 302


def test_schedule_page_uses_a_fixed_number_of_queries(app, client, login_as, setup, count_queries):
    from trainer.courses.services import get_course

    login_as(setup["trainer"])
    with app.app_context():
        course = get_course(setup["course"])
        for week in range(2):
            make_session(course, date(2026, 12, 1) + timedelta(weeks=week), chapters=CH[week : week + 1])
        db.session.commit()
    with count_queries() as few:
        client.get(f"/courses/{setup['course']}/schedule/")
    with app.app_context():
        course = get_course(setup["course"])
        for week in range(2, 12):
            make_session(course, date(2026, 12, 1) + timedelta(weeks=week))
        for _ in range(20):
            make_participant(course)
        db.session.commit()
    with count_queries() as many:
        client.get(f"/courses/{setup['course']}/schedule/")
    assert many.count == few.count
