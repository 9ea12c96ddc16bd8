"""A new PostgreSQL connection waits for a server that is restarting, instead of failing at once."""

import pytest
from sqlalchemy import create_engine, text

from trainer.extensions import restarting, wait_for_restarts


def test_only_a_restarting_server_is_worth_waiting_for():
    assert restarting(Exception("connection failed: FATAL:  the database system is starting up"))
    assert restarting(Exception("connection failed: FATAL:  the database system is shutting down"))
    assert restarting(Exception('connection to server at "127.0.0.1", port 5432 failed: Connection refused'))
    assert not restarting(Exception('FATAL:  password authentication failed for user "trainer"'))
    assert not restarting(Exception('FATAL:  database "trainer" does not exist'))


@pytest.fixture
def postgres_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (make test-postgres)")
    return database_url


def _failing_first(dbapi, monkeypatch, errors: list[str]) -> list[str]:
    """Make the driver's connect raise these errors first, then connect for real; returns the attempts."""
    real, attempts = dbapi.connect, []

    def connect(*args, **kwargs):
        attempts.append("attempt")
        if errors:
            raise dbapi.OperationalError(errors.pop(0))
        return real(*args, **kwargs)

    monkeypatch.setattr(dbapi, "connect", connect)
    return attempts


def test_a_connection_waits_while_the_server_restarts(postgres_url, monkeypatch):
    engine = create_engine(postgres_url)
    wait_for_restarts(engine, 5)
    attempts = _failing_first(
        engine.dialect.loaded_dbapi,
        monkeypatch,
        ["FATAL:  the database system is shutting down", "Connection refused", "the database system is starting up"],
    )
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    assert len(attempts) == 4
    engine.dispose()


def test_other_errors_and_long_outages_still_fail(postgres_url, monkeypatch):
    engine = create_engine(postgres_url)
    wait_for_restarts(engine, 0.3)
    dbapi = engine.dialect.loaded_dbapi
    attempts = _failing_first(dbapi, monkeypatch, ["FATAL:  password authentication failed"])
    with pytest.raises(Exception, match="password authentication failed"):
        engine.connect()
    assert len(attempts) == 1  # not retried
    attempts = _failing_first(dbapi, monkeypatch, ["Connection refused"] * 100)
    with pytest.raises(Exception, match="Connection refused"):
        engine.connect()
    assert 2 <= len(attempts) <= 5  # retried for 0.3 s, then given up
    engine.dispose()
