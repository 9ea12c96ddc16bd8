"""CSRF: every route that accepts POST, PUT, PATCH or DELETE refuses a request without its token.

The routes come from the app's URL map, so a route added later is covered without a line here
(its URL and a visitor allowed to use it come from `ROUTES` in test_authorization.py, which
fails for a route it does not list). For each, a visitor who may make the request sends it:

- without a token, and with wrong ones (garbage, another session's valid token, a tampered
  signature): 400 with the "security token" message, and every table holds exactly what it held;
- with the session's own token: not refused for CSRF (the outcome test_authorization expects),
  so the refusals above cannot pass because the request was broken in some other way.

A route exempted from CSRF (`csrf.exempt`) would fail the first test: there is no exemption,
and none is needed (the calendar feed and certificate checks are GETs that change nothing).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.factories import PASSWORD
from tests.test_authorization import (
    OK,
    ROUTES,
    VISITORS,
    Result,
    World,
    _fill,
    _form,
    built_world,
    restore_tables,
    table_rows,
)
from trainer import create_app
from trainer.extensions import db

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_MESSAGE = "security token was missing or out of date"
# Who makes each request: the first of these the route lets in (an anonymous visitor only for
# the public forms: signing in, applying, accepting an invitation, the language).
PREFERENCE = ("site_coordinator", "trainer", "participant", "scoped_coordinator", "anonymous")
assert set(PREFERENCE) <= set(VISITORS)


def _routes() -> list[tuple[str, str]]:
    """(endpoint, method) for every method of every route of the app (HEAD and OPTIONS aside)."""
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        {
            (rule.endpoint, method)
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        }
    )


ROUTE_METHODS = _routes()
RULES = [(endpoint, method) for endpoint, method in ROUTE_METHODS if method in STATE_CHANGING]


def _visitor(endpoint: str, method: str) -> str:
    assert endpoint in ROUTES, f"{endpoint} is not in tests/test_authorization.py ROUTES: add it there"
    expected = ROUTES[endpoint].methods().get(method)
    assert expected is not None, f"ROUTES[{endpoint!r}] has no {method}: add it there"
    return next(visitor for visitor in PREFERENCE if expected[visitor] == OK)


Snapshot = dict[str, list[dict]]


@dataclass
class Site:
    app: Flask
    world: World
    built: list[tuple[object, list[dict]]]

    def restore(self) -> None:
        restore_tables(self.app, self.built)

    def contents(self) -> Snapshot:
        """Every row of every table, every column."""
        with self.app.app_context():
            snapshot = {table.name: table_rows(table) for table in db.metadata.sorted_tables}
            db.session.remove()
        return snapshot

    def client_for(self, visitor: str) -> FlaskClient:
        """A client signed in as the visitor (through the form, with its token), or anonymous."""
        client = self.app.test_client()
        if visitor != "anonymous":
            data = {"email": self.world.emails[visitor], "password": PASSWORD, "csrf_token": token_of(client)}
            assert client.post("/accounts/login", data=data).status_code == 302, f"sign-in as {visitor} failed"
        return client


def token_of(client: FlaskClient) -> str:
    """The token the site puts in this client's forms (it is the same in every form of a session)."""
    page = client.get("/accounts/profile")
    if page.status_code != 200:  # not signed in
        page = client.get("/accounts/login")
    return TOKEN_FIELD.search(page.get_data(as_text=True)).group(1)


@pytest.fixture(scope="module")
def site(migrated_database: str, tmp_path_factory) -> Iterator[Site]:
    uploads = tmp_path_factory.mktemp("uploads")
    with built_world(migrated_database, uploads, WTF_CSRF_ENABLED=True) as (app, world, snapshot):
        yield Site(app, world, snapshot)


def _request(site: Site, endpoint: str, method: str, visitor: str, **token: str):
    spec = ROUTES[endpoint]
    values = site.world.values(visitor)
    site.restore()
    client = site.client_for(visitor)
    if token.get("csrf_token") == "own":
        token["csrf_token"] = token_of(client)
    before = site.contents()
    path = _fill(spec.path, values)
    data = {**_form(spec, values), **token} if method != "GET" else None
    response = client.open(path, method=method, data=data)
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    response.close()
    result = Result(method, path, response.status_code, response.location, body, ())
    return result, before, site.contents()


def _cases() -> Iterator:
    for endpoint, method in RULES:
        yield pytest.param(endpoint, method, id=f"{endpoint}:{method}")


def _wrong_tokens(site: Site) -> dict[str, str]:
    other = token_of(site.app.test_client())  # valid, for another (anonymous) session
    payload, _dot, signature = other.rpartition(".")
    return {
        "garbage": "not-a-token",
        "another session's token": other,
        "a tampered signature": f"{payload}.{signature[::-1]}",
        "empty": "",
    }


def test_every_state_changing_route_is_tested():
    """The walk is not empty, and sign-out, uploads and imports are in it (they are POSTs)."""
    endpoints = {endpoint for endpoint, _method in RULES}
    assert len(RULES) >= 60
    assert {"accounts.logout", "groups.attach", "courses.upload", "courses.confirm_import"} <= endpoints


@pytest.mark.parametrize(("endpoint", "method"), list(_cases()))
def test_refused_without_a_token_and_nothing_changes(site: Site, endpoint: str, method: str):
    result, before, after = _request(site, endpoint, method, _visitor(endpoint, method))
    assert result.status == 400 and CSRF_MESSAGE in result.body, f"{result}"
    assert after == before, f"{result} changed the database"


@pytest.mark.parametrize(("endpoint", "method"), list(_cases()))
def test_refused_with_a_wrong_token_and_nothing_changes(site: Site, endpoint: str, method: str):
    for kind, wrong in _wrong_tokens(site).items():
        result, before, after = _request(site, endpoint, method, _visitor(endpoint, method), csrf_token=wrong)
        assert result.status == 400 and CSRF_MESSAGE in result.body, f"{kind}: {result}"
        assert after == before, f"{kind}: {result} changed the database"


@pytest.mark.parametrize(("endpoint", "method"), list(_cases()))
def test_accepted_with_its_token(site: Site, endpoint: str, method: str):
    """The control: the same request with the session's token gets through to the view."""
    visitor = _visitor(endpoint, method)
    result, _before, _after = _request(site, endpoint, method, visitor, csrf_token="own")
    assert CSRF_MESSAGE not in result.body, f"as {visitor}, {result} was refused for CSRF"
    assert result.outcome == OK, f"as {visitor}, {result}"


# What reading a page may write, and why none of it needs a token: the date a chapter version
# was first seen (content/versions.py), when a reader first opened a chapter (progress), and the
# secret of a person's calendar feed, created the first time they look at their calendar page.
READING_WRITES = {"chapter_versions", "chapter_progress"}


def _read_cases() -> Iterator:
    for endpoint in (endpoint for endpoint, method in ROUTE_METHODS if method == "GET"):
        expected = ROUTES[endpoint].get if endpoint in ROUTES else None
        for visitor in ("anonymous", "participant", "trainer", "site_coordinator"):
            if expected is None or expected[visitor] == OK:
                yield pytest.param(endpoint, visitor, id=f"{endpoint}-{visitor}")


def _ignoring_reading_writes(before: Snapshot, after: Snapshot) -> tuple[Snapshot, Snapshot]:
    before, after = dict(before), dict(after)
    for table in READING_WRITES:
        before.pop(table), after.pop(table)
    created = {row["id"] for row in after["users"] if row["feed_nonce"]} - {
        row["id"] for row in before["users"] if row["feed_nonce"]
    }
    after["users"] = [{**row, "feed_nonce": None} if row["id"] in created else row for row in after["users"]]
    return before, after


@pytest.mark.parametrize(("endpoint", "visitor"), list(_read_cases()))
def test_reading_a_page_changes_nothing_that_would_need_a_token(site: Site, endpoint: str, visitor: str):
    """A GET is never protected by CSRF, so no GET may change what a person has or has done."""
    assert endpoint in ROUTES, f"{endpoint} is not in tests/test_authorization.py ROUTES: add it there"
    result, before, after = _request(site, endpoint, "GET", visitor)
    assert result.outcome == OK, f"as {visitor}, {result}"
    before, after = _ignoring_reading_writes(before, after)
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"as {visitor}, {result} changed {changed}"


@pytest.mark.parametrize("config", [DevelopmentConfig, ProductionConfig])
def test_csrf_protection_is_on_outside_the_tests(config):
    app = create_app(config, {"SECRET_KEY": "k" * 48, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config["WTF_CSRF_CHECK_DEFAULT"] is True  # every view, not only those that validate a form
    assert STATE_CHANGING <= set(app.config["WTF_CSRF_METHODS"])
