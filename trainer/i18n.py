"""Locale and time zone of the reader, and the formatting helpers templates use.

Every user-facing string is marked with `_()` / `lazy_gettext()` (Python) or `_()` / `{% trans %}`
(templates). Dates and times are formatted with Babel in the reader's locale and zone.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import lists as babel_lists
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, format_timedelta, get_locale, get_timezone
from flask_login import current_user

from trainer.countries import country_name as _country_name
from trainer.timezones import all_zones, localise, utc_offset_label, zone_label

LANGUAGE_COOKIE = "lang"
# Each language's name in itself (not translated); Babel names any language not listed here.
LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia"}


def language_names(languages) -> dict[str, str]:
    from babel import Locale

    return {
        code: LANGUAGE_NAMES.get(code) or Locale.parse(code).get_display_name(code).capitalize() for code in languages
    }


def select_locale() -> str | None:
    if not has_request_context():
        return None  # the CLI and mail use force_locale(); otherwise the default
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.cookies.get(LANGUAGE_COOKIE) in languages:  # a visitor's choice in the header
        return request.cookies[LANGUAGE_COOKIE]
    if browser := request.accept_languages.best_match(languages):
        return browser
    if current_user.is_authenticated:
        from trainer.permissions import courses_language  # permissions imports the course models

        if (language := courses_language(current_user)) in languages:
            return language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def mail_language(user, course_language: str | None = None) -> str:
    """The language to write to someone in: the one they chose, else their course's, else the site's.

    Mail has no browser to ask: for someone registered into a course run in Bahasa Indonesia, who has
    not chosen yet, the course's language is the best guess."""
    languages = current_app.config["LANGUAGES"]
    for candidate in (user.locale, course_language):
        if candidate in languages:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str | None:
    if not has_request_context():
        return None
    if current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None


def format_instant(value: datetime | None, format: str = "medium") -> str:
    """An instant in the reader's zone and locale, e.g. '8 Nov 2021, 14:00'."""
    if value is None:
        return ""
    return format_datetime(value, format)


def date_in_zone(instant: datetime, zone: str, format: str = "full") -> str:
    """The date of an instant in a zone, e.g. 'Wednesday, 25 November 2026'."""
    return babel_dates.format_date(localise(instant, zone).date(), format, locale=get_locale())


def time_in_zone(instant: datetime, zone: str, format: str = "short") -> str:
    return babel_dates.format_time(instant, format, tzinfo=ZoneInfo(zone), locale=get_locale())


def datetime_in_zone(instant: datetime, zone: str, format: str = "medium") -> str:
    return babel_dates.format_datetime(instant, format, tzinfo=ZoneInfo(zone), locale=get_locale())


def list_text(items) -> str:
    """'3 and 4', '1, 2 and 3' in the reader's language."""
    return babel_lists.format_list([str(item) for item in items], locale=get_locale())


def reader_zone_name() -> str:
    return str(get_timezone())


def add_content_language(response: Response) -> Response:
    """Says which language a page is in (the same locale as its `<html lang>`)."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Language", str(get_locale() or "en"))
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_content_language)
    app.jinja_env.filters["instant"] = format_instant
    app.jinja_env.filters["list_text"] = list_text
    app.jinja_env.globals["reader_zone_name"] = reader_zone_name
    app.jinja_env.globals.update(
        format_date=format_date,
        format_timedelta=format_timedelta,
        date_in_zone=date_in_zone,
        time_in_zone=time_in_zone,
        datetime_in_zone=datetime_in_zone,
        utc_offset_label=utc_offset_label,
        zone_label=zone_label,
        all_zones=all_zones,
        country_name=lambda code: _country_name(code, str(get_locale() or "en")),
        language_names=language_names(app.config["LANGUAGES"]),
    )
