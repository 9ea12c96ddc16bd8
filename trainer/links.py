"""Absolute links for emails and calendars, which are built with no request to copy from."""

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """The public address of a page, from SERVER_URL, e.g. https://trainer.example.org/courses/1/."""
    parts = urlsplit(current_app.config["SERVER_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
