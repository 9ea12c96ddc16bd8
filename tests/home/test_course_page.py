from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.schedule.helpers import CH, make_session, make_session_at
from trainer.extensions import db


@pytest.fixture
def course(app):
    with app.app_context():
        course = make_course(
            timezone="Asia/Jakarta",
            join_url="https://zoom.us/j/835",
            meeting_id="835 1234",
            contact_email="aspac@example.org",
        )
        make_session(course, date(2026, 11, 9), chapters=CH[0:2], title="Day 1")
        make_session(course, date(2099, 11, 25), chapters=CH[2:4], title="Day 2")
        make_session(course, date(2099, 11, 26), chapters=CH[4:6], title="Day 3")
        people = {
            "kathmandu": make_participant(course, timezone="Asia/Kathmandu").email,
            "auckland": make_participant(course, timezone="Pacific/Auckland").email,
            "no_zone": make_participant(course, timezone=None).email,
            "trainer": make_trainer(course, name="Rahmat").email,
            "coordinator": make_coordinator().email,
            "outsider": make_participant(make_course()).email,
        }
        db.session.commit()
        return {"id": course.id, **people}


def test_times_are_in_the_readers_zone_with_the_course_time_beside(client, login_as, course):
    page = login_as(course["kathmandu"]).get(f"/courses/{course['id']}/").get_data(as_text=True)
    # 13:00–16:00 in Jakarta is 11:45–14:45 in Kathmandu.
    assert '>11:45\u202fAM</time>–<time datetime="2099-11-25T09:00:00+00:00">2:45\u202fPM</time>' in page
    assert "Asia/Kathmandu (UTC+05:45)" in page
    assert "Course time:" in page and "Asia/Jakarta (UTC+07:00)" in page


def test_an_evening_session_lands_on_the_right_date_in_auckland(app, client, login_as, course):
    with app.app_context():
        from trainer.courses.services import get_course

        make_session(get_course(course["id"]), date(2099, 12, 1), time(20), time(21, 30), title="Late")
        db.session.commit()
    page = login_as(course["auckland"]).get(f"/courses/{course['id']}/").get_data(as_text=True)
    # 20:00 on 1 Dec in Jakarta is 02:00 on 2 Dec in Auckland (daylight time, UTC+13).
    late = page.split("<strong>Late</strong>")[1]
    assert "Wednesday, December 2, 2099" in late and "2:00\u202fAM" in late


def test_without_a_zone_of_their_own_a_reader_sees_the_course_zone(client, login_as, course):
    page = login_as(course["no_zone"]).get(f"/courses/{course['id']}/").get_data(as_text=True)
    assert ">1:00\u202fPM</time>" in page and ">4:00\u202fPM</time>" in page and "Course time:" not in page


def test_next_session_what_to_study_trainers_and_materials(client, login_as, course):
    page = login_as(course["kathmandu"]).get(f"/courses/{course['id']}/").get_data(as_text=True)
    assert "Next live session</h2>" not in page  # the heading names the session
    assert "Next live session: Day 2" in page
    assert "What to study now" in page and "chapters 3 and 4" in page.replace("\n", " ").replace("  ", " ")
    assert "about 3 h 10 min" in page
    assert "Rahmat" in page and "aspac@example.org" in page
    assert page.count('href="/modules/module-4/') >= 6
    assert "Edit the schedule" not in page


def test_join_button_is_hidden_until_fifteen_minutes_before(app, client, login_as, course):
    page = login_as(course["kathmandu"]).get(f"/courses/{course['id']}/").get_data(as_text=True)
    assert "data-join hidden" in page
    with app.app_context():
        from trainer.courses.services import get_course

        soon = (datetime.now(UTC) + timedelta(minutes=10)).replace(second=0, microsecond=0)
        make_session_at(get_course(course["id"]), soon, 60, title="Now")
        db.session.commit()
    page = client.get(f"/courses/{course['id']}/").get_data(as_text=True)
    assert "Next live session: Now" in page
    assert 'href="https://zoom.us/j/835" rel="noopener" data-join>' in page


def test_trainers_see_the_edit_links(client, login_as, course):
    page = login_as(course["trainer"]).get(f"/courses/{course['id']}/").get_data(as_text=True)
    assert "Edit the schedule" in page and "Edit the course" not in page
    client.post("/accounts/logout")
    page = login_as(course["coordinator"]).get(f"/courses/{course['id']}/").get_data(as_text=True)
    assert "Edit the course" in page


def test_people_outside_the_course_get_404(client, login_as, course):
    assert login_as(course["outsider"]).get(f"/courses/{course['id']}/").status_code == 404
    assert client.get("/courses/999999/").status_code == 404


def test_participant_home_puts_the_next_live_session_first(client, login_as, course):
    page = login_as(course["kathmandu"]).get("/").get_data(as_text=True)
    assert "Next live session: Day 2" in page
    assert "Asia/Kathmandu (UTC+05:45)" in page


def test_coordinator_home_shows_each_courses_dates(client, login_as, course):
    page = login_as(course["coordinator"]).get("/").get_data(as_text=True)
    assert "Nov 9, 2026 – Nov 26, 2099" in page


def test_course_page_uses_a_fixed_number_of_queries(app, client, login_as, course, count_queries):
    from trainer.courses.services import get_course

    login_as(course["kathmandu"])
    client.get(f"/courses/{course['id']}/")
    with count_queries() as few:
        client.get(f"/courses/{course['id']}/")
    with app.app_context():
        c = get_course(course["id"])
        for week in range(10):
            make_session(c, date(2100, 1, 4) + timedelta(weeks=week), title=f"Extra {week}")
        for _ in range(3):
            make_trainer(c)
        db.session.commit()
    with count_queries() as many:
        client.get(f"/courses/{course['id']}/")
    assert many.count == few.count
