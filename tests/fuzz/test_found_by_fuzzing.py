"""The 500s the fuzz tests found, each fixed and kept here as a plain example.

Two kinds: numbers past what an id column holds (instead of finding nothing, PostgreSQL raises
"integer out of range" past 2**31 - 1, SQLite OverflowError past 2**63 - 1), and digits that
str.isdigit() accepts but int() refuses ("²", "①").
Plus an organisation made a member of an association that does not exist (a foreign key error),
and NUL characters, which PostgreSQL refuses in text, in uploaded files' names and in the second
value of a query-string parameter.
"""

import re
from io import BytesIO

import pytest
from sqlalchemy import select

from config import TestingConfig
from tests.fuzz.conftest import Site, page_of
from trainer import create_app
from trainer.accounts.models import Organisation
from trainer.dbtypes import MAX_ID, to_id
from trainer.experiences.models import ChapterCase
from trainer.extensions import db
from trainer.progress.models import Attendance

HUGE = str(2**64)
PAST_INTEGER = str(2**31)  # past PostgreSQL's INTEGER, within SQLite's
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


@pytest.mark.parametrize("text", ["0", "7", str(MAX_ID)])
def test_to_id_takes_ascii_digits_up_to_the_largest_id(text):
    assert to_id(text) == int(text)


@pytest.mark.parametrize("text", ["", "-1", " 7", "7 ", "1e3", "²", "①", "١٢", str(MAX_ID + 1), "9" * 30, None])
def test_to_id_refuses_the_rest(text):
    with pytest.raises(ValueError):
        to_id(text)


def _rules_with_ids() -> list[tuple[str, str]]:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if "<int:" in rule.rule
        for method in sorted(set(rule.methods or ()) & {"GET", "POST"})
    )


@pytest.mark.parametrize(("rule", "method"), _rules_with_ids())
@pytest.mark.parametrize("number", [PAST_INTEGER, HUGE])
def test_an_id_past_what_the_database_holds_is_not_found(site: Site, rule: str, method: str, number: str):
    """Every URL with an id, as the site coordinator (who may open anything): 404, not a 500."""
    path = PLACEHOLDER.sub(lambda m: number if m.group("converter") == "int" else "x", rule)
    response = site.client("site_coordinator").open(path, method=method)
    assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    page_of(response)


@pytest.mark.parametrize("user_id", ["²", "①", PAST_INTEGER, HUGE, "-1", ""])
def test_a_feed_link_with_a_strange_number_is_not_found(site: Site, user_id: str):
    assert site.client("anonymous").get(f"/calendar/{user_id}-{'a' * 40}.ics").status_code == 404


@pytest.mark.parametrize("base_version", ["²", "①", HUGE])
def test_a_submission_from_an_unknown_version_is_a_conflict(site: Site, base_version: str):
    url = "/courses/{course}/groups/exercises/{exercise}/{group}".format(**site.values("participant"))
    response = site.client("participant").post(url, data={"text": "Our answer", "base_version": base_version})
    assert response.status_code == 409  # shown beside the latest text, nothing saved
    assert "Our answer" in page_of(response)


def test_zoom_choices_for_rows_that_are_not_ids_are_ignored_and_choices_naming_nobody_explained(site: Site):
    values = site.values("site_coordinator")
    url = "/courses/{course}/attendance/{session}/zoom/{zoom_token}".format(**values)
    client = site.client("site_coordinator")
    response = client.post(url, data={"match-²": "1", f"match-{HUGE}": "1", "match-0": "①", "match-1": HUGE})
    assert response.status_code == 422  # the preview again: a choice is a typed name or email
    assert "No participant has the name or email ①" in page_of(response)
    with site.app.app_context():
        assert not db.session.scalars(select(Attendance).where(Attendance.session_id == values["session"])).all()
    assert client.post(url, data={"match-²": "1", f"match-{HUGE}": "1"}).status_code == 302
    with site.app.app_context():
        assert db.session.scalars(select(Attendance).where(Attendance.session_id == values["session"])).all()


@pytest.mark.parametrize("minutes", ["²", "①", "9" * 30])
def test_attendance_minutes_that_are_not_a_number_get_a_message(site: Site, minutes: str):
    values = site.values("trainer")
    url = "/courses/{course}/attendance/{session}".format(**values)
    data = {f"status-{values['user']}": "present", f"minutes-{values['user']}": minutes}
    response = site.client("trainer").post(url, data=data, follow_redirects=True)
    assert "minutes must be a whole number up to 1440" in page_of(response)


@pytest.mark.parametrize("page", ["/courses/{course}/progress/", "/courses/{course}/progress.csv"])
def test_dashboard_filters_past_every_id_find_nobody(site: Site, page: str):
    url = page.format(**site.values("trainer"))
    response = site.client("trainer").get(url, query_string={"group": PAST_INTEGER, "organisation": HUGE})
    assert response.status_code == 200
    page_of(response)


@pytest.mark.parametrize("action", ["attach", "detach"])
@pytest.mark.parametrize("course_id", [PAST_INTEGER, HUGE])
def test_a_library_case_for_a_course_past_every_id_changes_nothing(site: Site, action: str, course_id: str):
    values = site.values("trainer")
    before = site.counts()["chapter_cases"]
    response = site.client("trainer").post(
        f"/library/{values['library_case']}/{action}",
        data={"course_id": course_id, "chapter_slug": "what-is-decentralized-cooperation"},
    )
    assert response.status_code in (302, 400, 404, 422)
    page_of(response)
    with site.app.app_context():
        assert len(db.session.scalars(select(ChapterCase)).all()) == before


def test_moving_someone_to_a_group_past_every_id_is_refused(site: Site):
    values = site.values("trainer")
    url = "/courses/{course}/groups/move".format(**values)
    response = site.client("trainer").post(url, data={"user_id": values["user"], "group_id": HUGE})
    assert response.status_code in (302, 404)
    page_of(response)


def test_seats_for_an_association_past_every_id_are_refused(site: Site):
    url = "/courses/{course}/people/seats".format(**site.values())
    response = site.client("site_coordinator").post(url, data={"association_id": HUGE, "seats": "3"})
    assert "Choose an association and a number of seats." in page_of(site.client("site_coordinator").get(url[:-5]))
    assert response.status_code == 302


@pytest.mark.parametrize("parent_id", ["999", PAST_INTEGER, HUGE, "²"])
def test_an_organisation_joins_only_an_association_from_the_list(site: Site, parent_id: str):
    data = {"name": "Kathmandu Metropolitan City", "country": "NP", "kind": "city", "parent_id": parent_id}
    response = site.client("site_coordinator").post("/accounts/organisations/new", data=data)
    assert response.status_code == 422
    assert "Choose an association from the list." in page_of(response)
    with site.app.app_context():
        assert db.session.scalar(select(Organisation).where(Organisation.name == data["name"])) is None


@pytest.mark.parametrize(
    ("visitor", "url"),
    [
        ("site_coordinator", "/courses/{course}/people/import"),
        ("trainer", "/courses/{course}/attendance/{session}/zoom"),
        ("participant", "/courses/{course}/groups/exercises/{exercise}/{group}/attachments"),
    ],
)
def test_an_upload_whose_name_has_a_nul_is_a_bad_request(site: Site, visitor: str, url: str):
    before = site.counts()
    response = site.client(visitor).post(
        url.format(**site.values(visitor)),
        data={"file": (BytesIO(b"name,email,country\n"), "people\x00.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page_of(response)
    assert site.counts() == before


def test_a_nul_in_any_value_of_a_parameter_is_a_bad_request(site: Site):
    client = site.client("site_coordinator")
    assert client.get("/accounts/organisations/", query_string=[("q", "Kota"), ("q", "\x00")]).status_code == 400
    assert client.get("/accounts/organisations/", query_string=[("\x00", "1")]).status_code == 400
