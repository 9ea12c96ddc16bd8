"""Fuzz tests: random files, Markdown, form fields and query strings never get a 5xx.

Hypothesis runs many examples inside one test function, while the usual fixtures reset the
database per test function. So these tests share one world (test_authorization's two courses
with one of everything), built once for the package, and put every table back before each
example: every example starts from the same data, whatever the one before it did.

The runs are deterministic (`derandomize`) and bounded, so CI is repeatable and fast; set
FUZZ_EXAMPLES to run more examples locally (e.g. FUZZ_EXAMPLES=2000).
"""

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select

from tests.factories import PASSWORD
from tests.test_authorization import World, built_world, restore_tables
from trainer.extensions import db


def fuzz_settings(examples: int) -> settings:
    """Deterministic, bounded, no example database; `examples` per test unless FUZZ_EXAMPLES says."""
    return settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", examples)),
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        # The world is shared by the examples on purpose (put back before each one).
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class Site:
    """The app, its world as built, and signed-in clients. Not a dataclass: Hypothesis prints the
    arguments of a failing example, and the whole world would be tens of kilobytes."""

    def __init__(self, app: Flask, world: World, built: list[tuple[object, list[dict]]]):
        self.app, self.world, self.built = app, world, built
        self.clients: dict[str, FlaskClient] = {}

    def __repr__(self) -> str:
        return "site"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text("site")

    def restore(self) -> None:
        """Every table back to the world as built."""
        restore_tables(self.app, self.built)

    def counts(self) -> dict[str, int]:
        with self.app.app_context():
            counted = {
                table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables
            }
            db.session.remove()
        return counted

    def client(self, visitor: str) -> FlaskClient:
        """A client signed in as the visitor (a key of World.emails, or an email), kept for the test."""
        if visitor not in self.clients:
            client = self.app.test_client()
            if visitor != "anonymous":
                email = self.world.emails.get(visitor, visitor)
                response = client.post("/accounts/login", data={"email": email, "password": PASSWORD})
                assert response.status_code == 302, f"sign-in as {visitor} failed"
            self.clients[visitor] = client
        return self.clients[visitor]

    def values(self, visitor: str = "site_coordinator") -> dict[str, object]:
        return self.world.values(visitor)


@pytest.fixture(scope="package")
def fuzz_site(migrated_database: str, tmp_path_factory) -> Iterator[Site]:
    with built_world(migrated_database, tmp_path_factory.mktemp("fuzz-uploads")) as (app, world, snapshot):
        yield Site(app, world, snapshot)


@pytest.fixture
def site(fuzz_site: Site) -> Iterator[Site]:
    """The shared world, with fresh clients for each test and every table put back afterwards."""
    fuzz_site.clients.clear()
    fuzz_site.restore()
    yield fuzz_site
    fuzz_site.clients.clear()
    fuzz_site.restore()


def page_of(response) -> str:
    """The response's text (closing it, so a spooled upload is released)."""
    text = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    response.close()
    return text


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
