"""Fixtures shared by every test.

The schema is built once per run by the real migrations (`flask db upgrade`); each test gets a
fresh app on that database and leaves it empty. The database is a temporary SQLite file, or
PostgreSQL when TEST_DATABASE_URL is set (as `.ci/run` does).
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, event

from config import TestingConfig
from tests.factories import PASSWORD
from trainer import create_app
from trainer.content.versions import forget_known_dates
from trainer.extensions import db


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """`make test` compiles the catalogs; this keeps a bare `pytest` run working too."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path("trainer/translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        flask_migrate.upgrade()
        db.engine.dispose()
    return database_url


def make_app(database_url: str, **overrides) -> Flask:
    return create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, **overrides})


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change settings for its app."""
    return {}


def empty_database(app: Flask) -> None:
    """Every table emptied and the engine closed: how a test leaves the shared database."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(delete(table))
        db.engine.dispose()
    forget_known_dates()


@pytest.fixture
def app(migrated_database: str, app_overrides: dict) -> Iterator[Flask]:
    app = make_app(migrated_database, **app_overrides)
    yield app
    empty_database(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask):
    """An app context for tests that call services directly.

    Not for tests that also make requests: a request reuses a pushed app context, and with it
    `g` and the session's identity map.
    """
    with app.app_context():
        yield db.session


def login(client: FlaskClient, email: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login", data={"email": email, "password": password, **extra})


@pytest.fixture
def login_as(client: FlaskClient) -> Callable:
    def _login_as(user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        response = login(client, email, password)
        assert response.status_code == 302, f"sign-in as {email} failed"
        return client

    return _login_as


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as counter: client.get(...)`, then `counter.count`."""

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return _count


@pytest.fixture
def smtp_server():
    """A running SMTP server on 127.0.0.1; `smtp_server.inbox.messages` holds what arrived."""
    from tests.smtp import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_to(smtp_server) -> dict:
    """App settings that send mail to the test SMTP server (use in `app_overrides`)."""
    return {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5}
