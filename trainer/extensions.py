"""Unbound extension instances, initialised in `create_app()`.

Any module can import from here without importing the application.
"""

import sqlite3
import time

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so that Alembic can alter and drop them on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared where they apply (the sign-in view); nothing is limited by default.
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL so readers never wait for the writer, and a wait instead of
    'database is locked' when two writers meet."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# What PostgreSQL (and the network) answer while it restarts: worth waiting for, unlike a wrong password.
RESTARTING = (
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is not yet accepting connections",
    "the database system is in recovery mode",
    "Connection refused",
)


def restarting(error: Exception) -> bool:
    return any(fragment in str(error) for fragment in RESTARTING)


def wait_for_restarts(engine: Engine, seconds: float) -> None:
    """Let a new PostgreSQL connection wait up to `seconds` for a server that is restarting.

    When PostgreSQL restarts (an upgrade, a setting changed), it refuses connections for a second or
    two. Without waiting, every request a worker took during those seconds failed, and with a queue of
    requests that was hundreds; now only the requests whose transaction the restart cut off fail
    (bench/load.py --scenario restart-postgres). Connections in the pool are replaced by pre-ping.
    """
    if engine.dialect.name != "postgresql" or seconds <= 0:
        return

    @event.listens_for(engine, "do_connect")
    def _connect(dialect, connection_record, cargs, cparams):
        deadline = time.monotonic() + seconds
        while True:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as error:
                if not restarting(error) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.1)
