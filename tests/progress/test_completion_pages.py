"""The completion page of a large course in pages: the table is cut, the summary and certificates are not."""

import html
import re
from datetime import date, time

import pytest
from sqlalchemy import func, select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.schedule.helpers import make_session
from tests.test_page_weight import BUDGET, weigh
from trainer.accounts.models import User
from trainer.collation import name_key
from trainer.courses.services import get_course
from trainer.extensions import db
from trainer.progress import attendance, completion
from trainer.progress.models import AttendanceStatus, Certificate
from trainer.schedule.models import LiveSession

# Names whose order is not the bytes' order: the pages follow the order people read.
FIRST = ["Zaid", "anh", "Ánh", "Élise", "Ömer", "maria", "Maria", "Sita", "bayu", "Chen"]


def _grow(course_id: int, people: int, start: int = 0) -> None:
    """`people` more participants; every fourth attended the course's session (the rule below: complete)."""
    course = get_course(course_id)
    session = db.session.scalar(select(LiveSession).where(LiveSession.course_id == course_id))
    for n in range(start, start + people):
        user = make_participant(course, name=f"{FIRST[n % len(FIRST)]} {n:03d}", email=f"p{n}@example.org")
        if n % 4 == 0:
            attendance.record(session, user.id, AttendanceStatus.PRESENT, 180, by=None)
    db.session.commit()


def _course(attendance_only: bool) -> dict:
    course = make_course(title="Module 4 ToT")
    make_session(course, date(2026, 11, 12), time(13), time(16), title="Day 1")
    if attendance_only:  # completion depends on the session only: cheap to reach for many people
        completion.save_rule(course.id, require_all_chapters=False, require_group_exercises=False)
    ids = {"course": course.id, "coordinator": make_coordinator().email, "trainer": make_trainer(course).email}
    db.session.commit()
    return ids


@pytest.fixture
def big(app):
    """120 participants, 30 of whom meet the rule; 5 of those already have their certificate."""
    with app.app_context():
        ids = _course(attendance_only=True)
        _grow(ids["course"], 120)
        course = get_course(ids["course"])
        for user_id in db.session.scalars(
            select(User.id).where(User.email.in_([f"p{n}@example.org" for n in (0, 4, 8, 12, 16)]))
        ):
            db.session.add(Certificate(course_id=course.id, user_id=user_id, code=completion.new_code(), hours=3))
        db.session.commit()
        return ids


def _names(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [html.unescape(name) for name in re.findall(r"<tr><td>([^<]*)</td>", body)]


def _everyone(app) -> list[str]:
    with app.app_context():
        names = db.session.scalars(select(User.name)).all()
    return sorted((name for name in names if name.split()[0] in FIRST), key=name_key)


def _certified(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.email).join(Certificate, Certificate.user_id == User.id)))


def test_pages_continue_one_another_and_the_summary_counts_everyone(app, client, login_as, big):
    login_as(big["coordinator"])
    url = f"/courses/{big['course']}/completion"
    pages = [client.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    assert [len(_names(page)) for page in pages] == [50, 50, 20]
    assert _names(pages[0]) + _names(pages[1]) + _names(pages[2]) == _everyone(app)
    assert "Page 2 of 3" in pages[1] and "51–100 of 120" in pages[1]
    assert '<nav class="pagination" aria-label="Pages">' in pages[1]
    for page in pages:
        assert "30 of 120 participants meet the rule. 25 of them have no certificate yet." in page
        assert "Issue certificates to everyone who meets the rule" in page
        assert '<th scope="col">Still missing</th>' in page


@pytest.mark.parametrize("asked, shown", [("99", 3), ("0", 1), ("x", 1), ("9" * 40, 1)])
def test_a_page_out_of_range_shows_the_nearest_one(client, login_as, big, asked, shown):
    login_as(big["trainer"])
    response = client.get(f"/courses/{big['course']}/completion?page={asked}")
    assert response.status_code == 200 and f"Page {shown} of 3" in response.get_data(as_text=True)


def test_issuing_from_page_two_issues_to_everyone_who_meets_the_rule_and_comes_back_to_page_two(
    app, client, login_as, big
):
    """The button says "everyone who meets the rule" and sits under the count of them all: it is not
    about the rows shown, so it issues to people on every page, as it did before the list had pages."""
    login_as(big["coordinator"])
    url = f"/courses/{big['course']}/completion?page=2"
    page = client.get(url).get_data(as_text=True)
    form = re.search(r'<form method="post" action="([^"]+/completion/issue)">(.*?)</form>', page)
    fields = dict(re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', form.group(2)))
    assert fields["next"] == html.escape(url)
    response = client.post(form.group(1), data={key: html.unescape(value) for key, value in fields.items()})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert _certified(app) == {f"p{n}@example.org" for n in range(0, 120, 4)}  # pages 1, 2 and 3
    after = client.get(url).get_data(as_text=True)
    assert "25 certificates issued." in after and "Page 2 of 3" in after
    assert "30 of 120 participants meet the rule." in after and "have no certificate yet" not in after
    assert "Issue certificates" not in after


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/x"])
def test_issuing_never_goes_off_the_site(app, client, login_as, big, target):
    login_as(big["coordinator"])
    response = client.post(f"/courses/{big['course']}/completion/issue", data={"next": target})
    assert response.headers["Location"] == f"/courses/{big['course']}/completion"


def test_saving_the_rule_on_page_three_comes_back_to_page_three(app, client, login_as, big):
    login_as(big["coordinator"])
    url = f"/courses/{big['course']}/completion?page=3"
    response = client.post(url, data={"min_attendance_percent": "50", "require_all_sessions": "y"})
    assert response.status_code == 302 and response.headers["Location"] == url
    bad = client.post(url, data={"min_attendance_percent": "0"})
    assert bad.status_code == 422 and "Page 3 of 3" in bad.get_data(as_text=True)


def test_the_query_count_does_not_grow_with_the_participants(app, client, login_as, count_queries):
    with app.app_context():
        ids = _course(attendance_only=False)  # the whole rule: sessions, chapters, group work
        _grow(ids["course"], 60)
    login_as(ids["coordinator"])
    url = f"/courses/{ids['course']}/completion?page=2"
    client.get(url)  # the first request of a client loads what later ones find cached
    with count_queries() as smaller:
        assert "51–60 of 60" in client.get(url).get_data(as_text=True)
    with app.app_context():
        _grow(ids["course"], 140, start=60)
    with count_queries() as larger:
        assert "51–100 of 200" in client.get(url).get_data(as_text=True)
    assert larger.count == smaller.count


def test_the_page_of_300_participants_weighs_under_the_budget(app, client, login_as):
    with app.app_context():
        ids = _course(attendance_only=False)  # the whole rule: each row lists what is still missing
        _grow(ids["course"], 300)
        assert db.session.scalar(select(func.count(User.id))) > 300
    for who in ("coordinator", "trainer"):
        client.post("/accounts/logout")
        login_as(ids[who])
        for query in ("", "?page=4"):
            weight, _, _ = weigh(client, f"/courses/{ids['course']}/completion{query}")
            assert weight < BUDGET, (who, query, weight)
    page = client.get(f"/courses/{ids['course']}/completion?page=4").get_data(as_text=True)
    assert len(_names(page)) == 50 and page.count("complete chapter 6") == 50  # full rows, not empty ones
