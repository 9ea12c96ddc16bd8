"""Configuration classes. Every setting can be overridden from the environment.

`create_app()` picks the class from `TRAINER_ENV` (development, testing, production) and then
applies `FLASK_*` variables (`app.config.from_prefixed_env()`), so `FLASK_SECRET_KEY=...` works
as well as `SECRET_KEY=...`. The README's configuration table lists every variable.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSECURE_DEV_KEY = "dev-only-insecure-secret-key"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_KEY)
    # None means "a SQLite file in the instance folder", resolved in create_app().
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Seconds a new PostgreSQL connection waits for a server that is restarting, instead of failing.
    DATABASE_RESTART_WAIT = _int("DATABASE_RESTART_WAIT", 5)

    MODULES_DIR = os.environ.get("MODULES_DIR", str(BASE_DIR / "modules"))
    CONTENT_PRELOAD = _bool("CONTENT_PRELOAD", False)
    SITE_NAME = os.environ.get("SITE_NAME", "trainer")
    # Used to build absolute links in emails and calendar files.
    SERVER_URL = os.environ.get("SERVER_URL", "http://127.0.0.1:5000")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    # Forms stay valid for as long as the session does: a long edit must not be lost to expiry.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)

    # Werkzeug's default is scrypt, a memory-hard KDF; tests use a cheap one for speed.
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute; 20 per hour")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per minute; 100 per hour")
    # Behind a reverse proxy, how many proxies to trust for the client address (X-Forwarded-For).
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # English plus every language with a catalog: adding a language is adding its catalog.
    LANGUAGES = (
        tuple(os.environ.get("LANGUAGES", "").split(","))
        if os.environ.get("LANGUAGES")
        else (
            "en",
            *sorted(
                p.parent.parent.name for p in (BASE_DIR / "trainer" / "translations").glob("*/LC_MESSAGES/messages.po")
            ),
        )
    )

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "trainer@localhost")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    # "smtp" sends through MAIL_SERVER; "file" writes each message as an .eml file (development).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR")  # default: instance/mail
    # Send queued mail right after the request that queued it (development); otherwise cron runs
    # `flask mail send-outbox`.
    MAIL_SEND_AFTER_REQUEST = _bool("MAIL_SEND_AFTER_REQUEST", False)
    INVITATION_DAYS = _int("INVITATION_DAYS", 14)
    # Calendars: the alarm in exported events (0: none), the feed refresh hint, and reminders.
    CALENDAR_ALARM_MINUTES = _int("CALENDAR_ALARM_MINUTES", 30)
    CALENDAR_REFRESH_MINUTES = _int("CALENDAR_REFRESH_MINUTES", 360)
    REMINDER_HOURS = _int("REMINDER_HOURS", 24)
    NUDGE_DAYS = _int("NUDGE_DAYS", 3)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR")  # default: instance/uploads (outside the web root)
    CERTIFICATE_ISSUER = os.environ.get("CERTIFICATE_ISSUER", "UCLG ASPAC")

    HSTS = False


class DevelopmentConfig(Config):
    DEBUG = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_SEND_AFTER_REQUEST = _bool("MAIL_SEND_AFTER_REQUEST", True)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None


class ProductionConfig(Config):
    # Load and check the course modules at start-up: an invalid module stops the server.
    CONTENT_PRELOAD = True
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    HSTS = _bool("HSTS", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
