"""Locale and time zone of the reader, and the formatting helpers templates use.

Every user-facing string is marked with `_()` / `lazy_gettext()` (Python) or `_()` / `{% trans %}`
(templates). Dates and times are formatted with Babel in the reader's locale and zone.
"""

from datetime import datetime

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, get_timezone
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str | None:
    if current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None


def format_instant(value: datetime | None, format: str = "medium") -> str:
    """An instant in the reader's zone and locale, e.g. '8 Nov 2021, 14:00'."""
    if value is None:
        return ""
    return format_datetime(value, format)


def reader_zone_name() -> str:
    return str(get_timezone())


def init_app(app: Flask) -> None:
    app.jinja_env.filters["instant"] = format_instant
    app.jinja_env.globals["reader_zone_name"] = reader_zone_name
    app.jinja_env.globals["format_date"] = format_date
