"""The register of a large course, page by page: which people a page shows, what saving a page
changes (its people only), errors on a page, the breakout-group filter, the counts over everyone,
queries and weight; and the Zoom report's preview, which must stay light at 300 participants."""

import random
import re
from datetime import date, time
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_course, make_participant, make_trainer
from tests.schedule.helpers import make_session
from tests.test_accessibility import Page, assert_summary_links_to_fields, page_problems
from tests.test_page_weight import weigh
from trainer.courses.models import Course
from trainer.demo import data as demo
from trainer.demo.seed import seed_demo
from trainer.extensions import db
from trainer.groups.models import GroupMember
from trainer.groups.services import create_group
from trainer.progress import attendance
from trainer.progress.models import Attendance, AttendanceStatus
from trainer.schedule.models import LiveSession

ROW = re.compile(r'<th scope="row" id="p(\d+)">([^<]*)</th>')
UNMATCHED = re.compile(  # a row of the Zoom preview's unmatched, with its field (and its error, if any)
    r'<tr><td>([^<]*)</td><td></td><td class="num">\d+</td>\s*'
    r'<td[^>]*>(?:<p[^>]*>[^<]*</p>)?<input[^>]*name="(match-\d+)"'
)
MATCHED = re.compile(r'<tr><td>([^<]*)</td><td class="num">\d+</td><td>')  # a row of the Zoom preview's matched


def _course(people: int, groups: int = 0) -> dict:
    """A course of `people` participants named "Person 000"… (enrolled in a shuffled order), one
    session, a trainer, and `groups` breakout groups holding every third person in turn."""
    course = make_course(timezone="Asia/Jakarta")
    session = make_session(course, date(2021, 11, 8), time(9), time(12), title="Day 1")
    numbers = list(range(people))
    random.Random(4).shuffle(numbers)
    ids = {}
    for n in numbers:
        ids[n] = make_participant(course, name=f"Person {n:03d}", email=f"person.{n:03d}@c{course.id}.example.org").id
    made = [create_group(course, f"Table {g + 1}") for g in range(groups)]
    if made:
        db.session.add_all(
            GroupMember(course_id=course.id, group_id=made[n % groups].id, user_id=ids[n]) for n in range(people)
        )
    trainer = make_trainer(course, name="Tari Trainer")
    db.session.commit()
    return {
        "course": course.id,
        "session": session.id,
        "trainer": trainer.email,
        "trainer_id": trainer.id,
        "ids": [ids[n] for n in range(people)],  # in name order
        "groups": [g.id for g in made],
    }


@pytest.fixture
def big(app):
    with app.app_context():
        return _course(120, groups=3)


def _url(world, query=""):
    return f"/courses/{world['course']}/attendance/{world['session']}{query}"


def _shown(html: str) -> list[int]:
    return [int(uid) for uid, _name in ROW.findall(html)]


def _form(html: str) -> tuple[str, dict[str, str]]:
    """The register form's action and the fields a browser would send, as the page shows them."""
    page = Page(html)
    [form] = [f for f in page.find("form") if f.attrs.get("id") == "register"]
    fields = {}
    for control in form.iter():
        name = control.attrs.get("name")
        if control.tag == "select":
            chosen = [o for o in control.iter() if o.tag == "option" and "selected" in o.attrs]
            fields[name] = chosen[0].attrs["value"] if chosen else ""
        elif control.tag == "input" and name and control.attrs.get("type") != "submit":
            fields[name] = control.attrs.get("value", "")
    return form.attrs["action"].replace("&amp;", "&"), fields


def _records(app, session_id: int) -> dict[int, tuple]:
    with app.app_context():
        return {
            a.user_id: (a.status.value, a.minutes, a.source, a.updated_by_id, a.updated_at)
            for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session_id))
        }


def _record(app, world, people, status, minutes=None, source="manual"):
    with app.app_context():
        session = db.session.get(LiveSession, world["session"])
        for uid in people:
            attendance.record(session, uid, AttendanceStatus(status), minutes, by=None, source=source)
        db.session.commit()


# -- pages ------------------------------------------------------------------------------------


def test_the_register_is_cut_into_pages_of_fifty_in_name_order(client, login_as, big):
    login_as(big["trainer"])
    first = client.get(_url(big)).get_data(as_text=True)
    second = client.get(_url(big, "?page=2")).get_data(as_text=True)
    third = client.get(_url(big, "?page=3")).get_data(as_text=True)
    assert _shown(first) == big["ids"][:50] and _shown(second) == big["ids"][50:100]
    assert _shown(third) == big["ids"][100:]
    assert "Page 2 of 3 · 51–100 of 120" in second and "Person 050" in second and "Person 049" not in second
    assert '<nav class="pagination" aria-label="Pages">' in second
    assert _shown(client.get(_url(big, "?page=99")).get_data(as_text=True)) == big["ids"][100:]  # nearest page
    assert _shown(client.get(_url(big, "?page=x")).get_data(as_text=True)) == big["ids"][:50]


def test_the_counts_cover_everyone_whatever_the_page_or_group(app, client, login_as, big):
    _record(app, big, big["ids"][:2] + big["ids"][110:113], "present", 170)  # pages 1 and 3
    _record(app, big, big["ids"][60:61], "absent")  # page 2
    login_as(big["trainer"])
    for query in ("?page=2", "?page=3", f"?group={big['groups'][1]}"):
        html = client.get(_url(big, query)).get_data(as_text=True)
        assert (
            "120 participants: Present 5 · Late 0 · Left early 0 · Partly present 0 · Absent 1 · Not recorded 114"
        ) in html, query


def test_saving_page_two_changes_page_two_only_and_comes_back_to_it(app, client, login_as, big):
    page_one, page_two = big["ids"][:50], big["ids"][50:100]
    _record(app, big, page_one[:10], "present", 175, source="zoom")
    _record(app, big, page_one[10:12], "absent")
    before = _records(app, big["session"])
    login_as(big["trainer"])
    action, fields = _form(client.get(_url(big, "?page=2")).get_data(as_text=True))
    assert sorted(int(name.split("-")[1]) for name in fields if name.startswith("status-")) == sorted(page_two)
    assert all(value == "" for name, value in fields.items() if name.startswith(("status-", "minutes-")))
    for uid in page_two[:30]:
        fields[f"status-{uid}"] = "present"
    fields[f"status-{page_two[30]}"], fields[f"minutes-{page_two[30]}"] = "late", "140"
    response = client.post(action, data=fields)
    assert response.status_code == 302 and parse_qs(urlsplit(response.location).query) == {"page": ["2"]}
    landed = client.get(response.location).get_data(as_text=True)
    assert "The register of Day 1 is saved." in landed and _shown(landed) == page_two
    after = _records(app, big["session"])
    assert {uid: after[uid] for uid in before} == before  # page 1's records: untouched, to the second
    assert {uid: after[uid][:3] for uid in page_two[:31]} == {
        **{uid: ("present", None, "manual") for uid in page_two[:30]},
        page_two[30]: ("late", 140, "manual"),
    }
    assert set(after) == set(before) | set(page_two[:31])  # nobody on page 3, nor the rest of page 2


def test_a_row_saved_as_it_was_keeps_its_source_and_author(app, client, login_as, big):
    page_two = big["ids"][50:100]
    _record(app, big, page_two[:3], "present", 175, source="zoom")
    before = _records(app, big["session"])
    login_as(big["trainer"])
    action, fields = _form(client.get(_url(big, "?page=2")).get_data(as_text=True))
    assert fields[f"status-{page_two[0]}"] == "present" and fields[f"minutes-{page_two[0]}"] == "175"
    fields[f"minutes-{page_two[2]}"] = "120"  # one corrected by hand
    assert client.post(action, data=fields).status_code == 302
    after = _records(app, big["session"])
    assert after[page_two[0]] == before[page_two[0]] and after[page_two[1]] == before[page_two[1]]
    assert after[page_two[2]][:4] == ("present", 120, "manual", big["trainer_id"])


def test_an_error_on_page_two_comes_back_on_page_two_beside_the_field_with_everything_typed(app, client, login_as, big):
    page_two = big["ids"][50:100]
    login_as(big["trainer"])
    action, fields = _form(client.get(_url(big, "?page=2")).get_data(as_text=True))
    fields[f"status-{page_two[0]}"], fields[f"minutes-{page_two[0]}"] = "late", "95"
    fields[f"status-{page_two[1]}"], fields[f"minutes-{page_two[1]}"] = "present", "lots"
    fields[f"status-{page_two[2]}"] = "asleep"
    response = client.post(action, data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and _shown(html) == page_two and "Page 2 of 3" in html
    page = assert_summary_links_to_fields(
        html,
        {
            f"minutes-{page_two[1]}": "Person 051: minutes must be a whole number up to 1440.",
            f"status-{page_two[2]}": "Person 052: choose a status from the list.",
        },
    )
    assert page.by_id(f"minutes-{page_two[1]}").attrs["value"] == "lots"  # what was typed, kept
    _action, shown = _form(html)
    assert (shown[f"status-{page_two[0]}"], shown[f"minutes-{page_two[0]}"]) == ("late", "95")
    assert shown[f"status-{page_two[1]}"] == "present"
    assert not page_problems(html, "en")
    assert _records(app, big["session"]) == {}  # nothing half-saved


def test_a_form_posted_after_the_list_moved_saves_the_people_it_showed(app, client, login_as, big):
    """Someone enrolled between showing page 2 and saving it pushes page 2's last person to page 3:
    what the trainer chose for them is saved all the same, and nobody else is touched."""
    page_two = big["ids"][50:100]
    login_as(big["trainer"])
    action, fields = _form(client.get(_url(big, "?page=2")).get_data(as_text=True))
    with app.app_context():
        make_participant(db.session.get(Course, big["course"]), name="Aaron First")
        db.session.commit()
    fields = {**fields, **{f"status-{uid}": "present" for uid in page_two}}
    assert client.post(action, data=fields).status_code == 302
    assert {uid for uid, row in _records(app, big["session"]).items()} == set(page_two)


# -- the breakout-group filter -------------------------------------------------------------------


def test_a_breakout_group_is_shown_alone_and_saving_it_comes_back_to_it(app, client, login_as):
    with app.app_context():
        world = _course(200, groups=2)  # 100 a group: two pages each
    group = world["groups"][1]
    members = [uid for n, uid in enumerate(world["ids"]) if n % 2 == 1]
    login_as(world["trainer"])
    first = client.get(_url(world, f"?group={group}")).get_data(as_text=True)
    assert _shown(first) == members[:50] and "1–50 of 100" in first
    assert f'<option value="{group}" selected>Table 2</option>' in first
    next_link = re.search(r'<a rel="next" href="([^"#]+)#register"', first).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(next_link).query) == {"group": [str(group)], "page": ["2"]}
    assert _shown(client.get(next_link).get_data(as_text=True)) == members[50:]

    action, fields = _form(first)
    fields.update({f"status-{uid}": "present" for uid in members[:50]}, then="next")
    response = client.post(action, data=fields)  # "Save and show the next page"
    assert parse_qs(urlsplit(response.location).query) == {"group": [str(group)], "page": ["2"]}
    assert set(_records(app, world["session"])) == set(members[:50])


@pytest.mark.parametrize("group", ["999999", "x", "2147483648", ""])
def test_a_group_that_is_not_this_courses_shows_everyone(app, client, login_as, big, group):
    login_as(big["trainer"])
    response = client.get(_url(big, f"?group={group}"))
    assert response.status_code == 200 and _shown(response.get_data(as_text=True)) == big["ids"][:50]


# -- cost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["?page=2", "?page=2&group=G"])
def test_register_queries_do_not_grow_with_participants(app, client, login_as, count_queries, query):
    counts = []
    for people in (170, 320):  # 4 and 7 pages; 2 and 3 in a group of a third of them
        with app.app_context():
            world = _course(people, groups=3)
        _record(app, world, world["ids"][::3], "present", 150)
        client.post("/accounts/logout")
        login_as(world["trainer"])
        url = _url(world, query.replace("G", str(world["groups"][0])))
        with count_queries() as counter:
            response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Page 2 of" in html and _shown(html)
        counts.append(counter.count)
    assert counts[0] == counts[1]


@pytest.fixture
def demo_with_300(app) -> dict:
    """The demo course with 300 more participants (330), the first session, and a Zoom report of it
    in which everyone appears by e-mail, plus 40 connections nobody can match (phones, guests)."""
    with app.app_context():
        seed_demo()
        course = db.session.scalar(select(Course).where(Course.title == demo.COURSE_TITLE))
        for n in range(300):
            make_participant(
                course, name=f"Focal Point Number {n:03d} Longer Name", email=f"focal{n}@example.org", country="PH"
            )
        db.session.commit()
        session = db.session.scalars(
            select(LiveSession).where(LiveSession.course_id == course.id).order_by(LiveSession.starts_at)
        ).first()
        people = [(user.name, user.email) for user in attendance.participants(course.id)]
        return {"course": course.id, "session": session.id, "report": _report(session, course.timezone, people)}


def _report(session, zone: str, people: list[tuple[str, str]], unknown: int = 40) -> bytes:
    from zoneinfo import ZoneInfo

    fmt = "%m/%d/%Y %I:%M:%S %p"
    start, end = (t.astimezone(ZoneInfo(zone)).strftime(fmt) for t in (session.starts_at, session.ends_at))
    lines = ["Name (original name),Email,Join time,Leave time,Duration (minutes),Guest"]
    lines += [f"{name},{email},{start},{end},{session.minutes},No" for name, email in people]
    lines += [f"iPhone {n},,{start},{end},{session.minutes},Yes" for n in range(unknown)]
    return "\n".join(lines).encode()


def test_the_register_and_the_zoom_preview_stay_light_at_330_participants(client, demo_with_300):
    world = demo_with_300
    assert login(client, demo.TRAINERS[0][1], demo.DEMO_PASSWORD).status_code == 302
    for query in ("", "?page=4", "?page=7"):
        weight, html, elsewhere = weigh(client, _url(world, query))
        assert weight < 100_000 and html < 40_000 and not elsewhere, (query, weight, html)
    last = client.get(_url(world, "?page=7")).get_data(as_text=True)
    assert "Page 7 of 7 · 301–330 of 330" in last
    # A row names its person once: its controls are named by the row header (and their column's).
    [(uid, name)] = [row for row in ROW.findall(last) if row[1] == "Focal Point Number 299 Longer Name"]
    assert last.count(name) == 1 and last.count(f'aria-labelledby="p{uid} h-') == 2
    assert not page_problems(last, "en")
    upload = client.post(
        _url(world, "/zoom"),
        data={"file": (BytesIO(world["report"]), "report.csv"), "threshold": "10"},
        content_type="multipart/form-data",
    )
    preview = client.get(upload.location).get_data(as_text=True)
    assert preview.count('list="people"') == 40 and preview.count("<datalist") == 1
    weight, html, _elsewhere = weigh(client, upload.location)
    assert html < 80_000 and weight < 100_000, (weight, html)  # a <select> of everyone per row: 850 KB


# -- the Zoom report's preview -------------------------------------------------------------------


@pytest.fixture
def zoom_world(app):
    with app.app_context():
        world = _course(70)
        session = db.session.get(LiveSession, world["session"])
        people = [(f"Person {n:03d}", f"person.{n:03d}@c{world['course']}.example.org") for n in range(60)]  # 60 of 70
        people += [("Person 065 phone", "")]  # no e-mail, and a name nobody has
        world["report"] = _report(session, "Asia/Jakarta", people, unknown=2)
        return world


def _upload(client, world) -> str:
    response = client.post(
        _url(world, "/zoom"),
        data={"file": (BytesIO(world["report"]), "report.csv"), "threshold": "150"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return response.location


def _unmatched(html: str) -> dict[str, str]:
    """{name in Zoom: its field} for the rows nobody matched."""
    return dict(UNMATCHED.findall(html))


def test_the_preview_shows_the_matched_in_pages_and_recording_applies_every_page(app, client, login_as, zoom_world):
    login_as(zoom_world["trainer"])
    url = _upload(client, zoom_world)
    first = client.get(url).get_data(as_text=True)
    assert "70 participants will be recorded: Present 60 · Partly present 0 · Absent 10" in first
    assert "3 rows of the report not matched" in first and "1–50 of 60" in first
    assert MATCHED.findall(first) == [f"Person {n:03d}" for n in range(50)]
    second_url = re.search(r'<a rel="next" href="([^"#]+)#matched"', first).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(second_url).query) == {"threshold": ["150"], "page": ["2"]}
    second = client.get(second_url).get_data(as_text=True)
    assert MATCHED.findall(second) == [f"Person {n:03d}" for n in range(50, 60)] and "51–60 of 60" in second
    assert not page_problems(second, "en")
    action = re.search(r'<form method="post" action="([^"]+/zoom/[^"]+)"', second).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(action).query) == {"threshold": ["150"], "page": ["2"]}
    assert client.post(action, data={"threshold": "150"}).status_code == 302
    records = _records(app, zoom_world["session"])
    assert len(records) == 70 and sum(row[0] == "present" for row in records.values()) == 60


def test_rows_nobody_matched_are_chosen_by_email_or_name(app, client, login_as, zoom_world):
    login_as(zoom_world["trainer"])
    url = _upload(client, zoom_world)
    html = client.get(url).get_data(as_text=True)
    by_name = _unmatched(html)
    assert set(by_name) == {"Person 065 phone", "iPhone 0", "iPhone 1"}
    assert html.count('<option value="person.') == 70  # everyone, once
    response = client.post(
        url,
        data={
            "threshold": "150",
            by_name["Person 065 phone"]: f"PERSON.065@c{zoom_world['course']}.example.org ",
            by_name["iPhone 0"]: "person 066",
        },
    )
    assert response.status_code == 302
    records = _records(app, zoom_world["session"])
    ids = zoom_world["ids"]
    assert records[ids[65]][:3] == ("present", 180, "zoom") and records[ids[66]][:3] == ("present", 180, "zoom")
    assert records[ids[67]][0] == "absent"


def test_a_choice_naming_nobody_is_explained_beside_it_and_nothing_is_recorded(app, client, login_as, zoom_world):
    with app.app_context():
        course = db.session.get(Course, zoom_world["course"])
        make_participant(course, name="Person 066", email="the.other.066@example.org")  # a second "Person 066"
        db.session.commit()
    login_as(zoom_world["trainer"])
    url = _upload(client, zoom_world)
    html = client.get(url).get_data(as_text=True)
    phone, iphone = _unmatched(html)["Person 065 phone"], _unmatched(html)["iPhone 0"]
    response = client.post(url, data={"threshold": "150", phone: "Nobody Atall", iphone: "Person 066"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    page = assert_summary_links_to_fields(
        html,
        {
            phone: "No participant has the name or email Nobody Atall.",
            iphone: "Two participants or more are called Person 066: choose by email.",
        },
    )
    assert page.by_id(phone).attrs["value"] == "Nobody Atall" and page.by_id(iphone).attrs["value"] == "Person 066"
    assert not page_problems(html, "en")
    assert _records(app, zoom_world["session"]) == {}
    escaped = client.post(url, data={"threshold": "150", phone: "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in escaped.get_data(as_text=True)


def _zoom_recording_queries(app, client, login_as, count_queries, people: int) -> int:
    with app.app_context():
        world = _course(people)
        session = db.session.get(LiveSession, world["session"])
        matched = [(f"Person {n:03d}", f"person.{n:03d}@c{world['course']}.example.org") for n in range(people - 5)]
        world["report"] = _report(session, "Asia/Jakarta", matched, unknown=0)
    login_as(world["trainer"])
    url = _upload(client, world)
    with count_queries() as counter:
        assert client.post(url, data={"threshold": "150"}).status_code == 302
    records = _records(app, world["session"])
    assert len(records) == people and sum(row[0] == "present" for row in records.values()) == people - 5
    client.post("/accounts/logout")
    return sum(statement.lstrip().upper().startswith("SELECT") for statement in counter.statements)


def test_recording_a_zoom_report_reads_everyones_records_at_once(app, client, login_as, count_queries):
    # One read of the register for everyone, not one per person: the same reads for 20 and 80 (each
    # new record is still its own INSERT, in the one transaction).
    assert _zoom_recording_queries(app, client, login_as, count_queries, 20) == _zoom_recording_queries(
        app, client, login_as, count_queries, 80
    )
