"""The roster of a large course in pages: order, filters, counts over everyone, row actions, weight, queries."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer, make_user
from tests.test_page_weight import BUDGET, weigh
from trainer.accounts.models import User
from trainer.accounts.organisations import get_or_create_organisation
from trainer.collation import name_key
from trainer.courses.models import AssociationSeats, Enrolment, EnrolmentRole
from trainer.courses.services import get_course
from trainer.extensions import db
from trainer.mail.models import OutboxMessage

# Names whose order is not the bytes' order: the pages follow the order people read.
FIRST = ["Zaid", "anh", "Ánh", "Élise", "Ömer", "maria", "Maria", "Sita", "bayu", "Chen"]
COUNTRIES = ["PH", "ID", "NP"]


def _grow(course_id: int, people: int, start: int = 0, organisations: bool = False) -> None:
    """`people` more participants, countries in turn; each with their own organisation if asked."""
    course = get_course(course_id)
    for n in range(start, start + people):
        extra = {}
        if organisations:
            organisation = get_or_create_organisation(f"Municipality Number {n:03d}", COUNTRIES[n % 3], "municipality")
            extra = {"organisation_id": organisation.id, "position": "Head of the international cooperation office"}
        make_participant(
            course,
            name=f"{FIRST[n % len(FIRST)]} {n:03d}",
            email=f"p{n}@example.org",
            country=COUNTRIES[n % 3],
            **extra,
        )
    db.session.commit()


@pytest.fixture
def big(app):
    """A course with a trainer and 120 participants (three pages of 50 for the coordinator: 121 people)."""
    with app.app_context():
        course = make_course(title="Module 4 ToT")
        ids = {"course": course.id, "coordinator": make_coordinator().email, "trainer": make_trainer(course).email}
        db.session.commit()
        _grow(course.id, 120)
        return ids


def _tbody(page: str) -> str:
    return page.split('<table class="roster">')[1].split("</tbody>")[0]


def _names(page: str) -> list[str]:
    return [html.unescape(name).strip() for name in re.findall(r"<tr><td>([^<]+)", _tbody(page))]


def _everyone(app, course_id: int) -> list[str]:
    with app.app_context():
        names = db.session.scalars(
            select(User.name).join(Enrolment, Enrolment.user_id == User.id).where(Enrolment.course_id == course_id)
        ).all()
    return sorted(names, key=name_key)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(html.unescape(url)).query)


def test_pages_continue_one_another_in_reading_order_and_hold_everyone_once(app, client, login_as, big):
    login_as(big["coordinator"])
    url = f"/courses/{big['course']}/people/"
    pages = [client.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    names = [_names(page) for page in pages]
    assert [len(n) for n in names] == [50, 50, 21]
    assert names[0] + names[1] + names[2] == _everyone(app, big["course"])
    assert "Page 2 of 3" in pages[1] and "51–100 of 121" in pages[1]
    assert '<nav class="pagination" aria-label="Pages">' in pages[1]
    assert '<th scope="col">Name</th>' in pages[2]  # every page keeps its table headers
    # The counts describe everyone, on every page.
    assert all("120 participants, 1 trainers" in page and "0 joined, 121 invited" in page for page in pages)
    assert _names(client.get(url).get_data(as_text=True)) == names[0]  # no page asked: the first


@pytest.mark.parametrize("asked, shown", [("99", 3), ("0", 1), ("-2", 1), ("abc", 1), ("9" * 40, 1)])
def test_a_page_out_of_range_shows_the_nearest_one(client, login_as, big, asked, shown):
    login_as(big["coordinator"])
    response = client.get(f"/courses/{big['course']}/people/?page={asked}")
    assert response.status_code == 200 and f"Page {shown} of 3" in response.get_data(as_text=True)


def test_filters_apply_to_everyone_before_the_cut_and_survive_the_pager(app, client, login_as, big):
    login_as(big["coordinator"])
    url = f"/courses/{big['course']}/people/"
    first = client.get(f"{url}?country=PH&role=participant").get_data(as_text=True)
    assert len(_names(first)) == 40 and 'class="pagination"' not in first  # one page: no pager
    with app.app_context():
        _grow(big["course"], 60, start=120)  # 60 more, 20 of them from PH: 60 from PH now
    first = client.get(f"{url}?country=PH&role=participant").get_data(as_text=True)
    assert "1–50 of 60" in first
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    assert _query(next_link) == {"country": ["PH"], "role": ["participant"], "page": ["2"]}
    second = client.get(html.unescape(next_link)).get_data(as_text=True)
    everyone_ph = [
        name for name in _everyone(app, big["course"]) if name.split()[0] in FIRST and int(name.split()[1]) % 3 == 0
    ]
    assert _names(first) + _names(second) == everyone_ph
    # Counts and the filter's choices still describe the whole course, whatever the filter and the page.
    assert "180 participants, 1 trainers" in second
    assert all(f'<option value="{code}"' in second for code in COUNTRIES)


def test_the_organisation_filter_offers_the_organisations_of_people_on_other_pages(app, client, login_as):
    with app.app_context():
        course = make_course()
        coordinator = make_coordinator().email
        db.session.commit()
        _grow(course.id, 70, organisations=True)
        course_id = course.id
    login_as(coordinator)
    page = client.get(f"/courses/{course_id}/people/").get_data(as_text=True)
    assert len(_names(page)) == 50
    options = re.search(r'<select id="f-org" name="organisation">(.*?)</select>', page).group(1)
    assert options.count("<option") == 71  # "All" and the 70 organisations, not the 50 of this page
    assert "Municipality Number 069" in options


def _post_row_form(client, page: str, name: str, action: str):
    """Submit a row's form as a browser would: its action and its own fields."""
    row = next(row for row in _tbody(page).split("<tr>") if row.startswith(f"<td>{name}<"))
    form = re.search(r'<form method="post" action="([^"]*' + action + r')"[^>]*>(.*?)</form>', row)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    return client.post(form.group(1), data={key: html.unescape(value) for key, value in fields.items()})


def _link(page: str, name: str, label: str) -> str:
    row = next(row for row in _tbody(page).split("<tr>") if row.startswith(f"<td>{name}<"))
    return html.unescape(re.search(r'<a href="([^"]+)">' + label + "</a>", row).group(1))


def test_removing_someone_on_page_two_removes_them_only_and_comes_back_to_page_two(app, client, login_as, big):
    login_as(big["coordinator"])
    roster = f"/courses/{big['course']}/people/?country=PH&page=2"
    with app.app_context():
        _grow(big["course"], 60, start=120)
    page = client.get(roster).get_data(as_text=True)
    name = _names(page)[3]
    confirm_url = _link(page, name, "Remove")
    confirmation = client.get(confirm_url).get_data(as_text=True)
    assert f'href="{html.escape(roster)}">Keep them</a>' in confirmation  # "keep them" goes back where they were
    with app.app_context():
        before = db.session.scalar(select(func.count(Enrolment.id)))
    response = client.post(confirm_url)  # the confirmation's form posts to its own address
    assert response.status_code == 302 and response.headers["Location"] == roster
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrolment.id))) == before - 1
        gone = db.session.scalar(select(User.id).where(User.name == name))
        assert db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == gone)) is None
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is no longer in this course" in after and name not in _names(after) and "Page 2 of 2" in after


def test_changing_a_role_on_page_three_comes_back_to_page_three(app, client, login_as, big):
    login_as(big["coordinator"])
    roster = f"/courses/{big['course']}/people/?page=3"
    page = client.get(roster).get_data(as_text=True)
    name = _names(page)[0]
    confirm_url = _link(page, name, "Change role")
    assert f'href="{html.escape(roster)}">Cancel</a>' in client.get(confirm_url).get_data(as_text=True)
    response = client.post(confirm_url, data={"role": "trainer"})
    assert response.headers["Location"] == roster
    with app.app_context():
        roles = dict(db.session.execute(select(User.name, Enrolment.role).join(Enrolment)).all())
    assert roles[name] == EnrolmentRole.TRAINER
    assert sum(role == EnrolmentRole.TRAINER for role in roles.values()) == 2  # theirs and the first trainer's


def test_resending_an_invitation_on_page_two_comes_back_to_page_two(app, client, login_as, big):
    login_as(big["coordinator"])
    roster = f"/courses/{big['course']}/people/?role=participant&page=2"
    page = client.get(roster).get_data(as_text=True)
    name = _names(page)[10]
    with app.app_context():
        before = db.session.scalar(select(func.count(OutboxMessage.id)))
    response = _post_row_form(client, page, name, "/resend")
    assert response.status_code == 302 and response.headers["Location"] == roster
    with app.app_context():
        queued = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert len(queued) == before + 1
        assert db.session.get(User, queued[-1].user_id).name == name


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/", "/\\evil.example.org"])
def test_a_next_address_off_the_site_is_ignored(app, client, login_as, big, target):
    login_as(big["coordinator"])
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "p7@example.org"))
    response = client.post(f"/courses/{big['course']}/people/{user_id}/resend", data={"next": target})
    assert response.headers["Location"] == f"/courses/{big['course']}/people/"
    confirmation = client.get(f"/courses/{big['course']}/people/{user_id}/remove", query_string={"next": target})
    assert f'href="/courses/{big["course"]}/people/">Keep them</a>' in confirmation.get_data(as_text=True)
    response = client.post(f"/courses/{big['course']}/people/{user_id}/remove", query_string={"next": target})
    assert response.headers["Location"] == f"/courses/{big['course']}/people/"


def test_the_csv_export_still_holds_everyone(client, login_as, big):
    login_as(big["coordinator"])
    lines = client.get(f"/courses/{big['course']}/people.csv").data.decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) == 1 + 121


def test_trainers_read_the_roster_in_pages_too(client, login_as, big):
    login_as(big["trainer"])
    page = client.get(f"/courses/{big['course']}/people/?page=3").get_data(as_text=True)
    assert len(_names(page)) == 21 and "101–121 of 121" in page and "@" not in _tbody(page)


class TestScopedCoordinator:
    @pytest.fixture
    def scoped(self, app, big):
        """An association's coordinator whose reach is 70 of the course's people."""
        with app.app_context():
            association = get_or_create_organisation("Municipal Association of Nepal", "NP", "association")
            members = [
                get_or_create_organisation(f"Member City {n}", "NP", "municipality", parent_id=association.id)
                for n in range(7)
            ]
            db.session.add(AssociationSeats(course_id=big["course"], association_id=association.id, seats=80))
            coordinator = make_user(email="muan@example.org", is_coordinator=True)
            coordinator.coordinator_scope_id = association.id
            course = get_course(big["course"])
            for n in range(70):
                make_participant(
                    course, name=f"Inside {n:02d}", email=f"in{n}@example.org", organisation_id=members[n % 7].id
                )
            db.session.commit()
            return coordinator.email

    def test_pages_hold_only_their_reach_and_counts_and_seats_count_it_all(self, client, login_as, big, scoped):
        login_as(scoped)
        url = f"/courses/{big['course']}/people/"
        first, second = (client.get(f"{url}?page={n}").get_data(as_text=True) for n in (1, 2))
        assert _names(first) + _names(second) == [f"Inside {n:02d}" for n in range(70)]
        assert "51–70 of 70" in second and "70 participants, 0 trainers" in second
        assert "70 of 80 seats taken" in first and "70 of 80 seats taken" in second
        assert "p1@example.org" not in first + second
        options = re.search(r'<select id="f-org" name="organisation">(.*?)</select>', second).group(1)
        assert options.count("<option") == 1 + 7

    def test_their_row_actions_come_back_to_the_same_page(self, app, client, login_as, big, scoped):
        login_as(scoped)
        roster = f"/courses/{big['course']}/people/?page=2"
        page = client.get(roster).get_data(as_text=True)
        response = client.post(_link(page, "Inside 55", "Remove"))
        assert response.headers["Location"] == roster
        with app.app_context():
            user_id = db.session.scalar(select(User.id).where(User.name == "Inside 55"))
            assert db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == user_id)) is None


@pytest.mark.parametrize(
    "who, query, totals",
    [
        ("coordinator", "?page=2", (181, 331)),
        ("coordinator", "?country=PH&page=2", (60, 110)),
        ("trainer", "?page=2", (181, 331)),
    ],
)
def test_the_query_count_does_not_grow_with_the_people(app, client, login_as, big, count_queries, who, query, totals):
    with app.app_context():
        _grow(big["course"], 60, start=120)
    login_as(big[who])
    url = f"/courses/{big['course']}/people/{query}"
    client.get(url)  # the first request of a client loads what later ones find cached
    with count_queries() as smaller:
        page = client.get(url).get_data(as_text=True)
    assert len(_names(page)) == (10 if totals[0] == 60 else 50)
    assert f"51–{min(100, totals[0])} of {totals[0]}" in page
    with app.app_context():
        _grow(big["course"], 150, start=180)
    with count_queries() as larger:
        page = client.get(url).get_data(as_text=True)
    assert len(_names(page)) == 50 and f"51–100 of {totals[1]}" in page
    assert larger.count == smaller.count


def test_a_roster_of_300_people_from_300_organisations_weighs_under_the_budget(app, client, login_as):
    with app.app_context():
        course = make_course()
        people = {"coordinator": make_coordinator().email, "trainer": make_trainer(course).email}
        db.session.commit()
        _grow(course.id, 300, organisations=True)
        course_id = course.id
    for email in people.values():
        client.post("/accounts/logout")
        login_as(email)
        for query in ("", "?page=3"):
            weight, _, _ = weigh(client, f"/courses/{course_id}/people/{query}")
            assert weight < BUDGET, (email, query, weight)
        assert len(_names(client.get(f"/courses/{course_id}/people/?page=3").get_data(as_text=True))) == 50
