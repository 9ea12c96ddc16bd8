"""Error pages in the site's layout, with a message a person can act on."""

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from trainer.extensions import db, login_manager

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("There is no page at this address, or you cannot see it.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    429: (
        _l("Too many attempts"),
        _l("There have been too many attempts in a short time. Please wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("Sorry, something went wrong on our side. Nothing you sent was half-saved; please try again."),
    ),
}


def render_error(code: int, message: str | None = None):
    title, default_message = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    return (
        render_template("errors/error.html", code=code, title=title, message=message or default_message),
        code,
    )


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        _l(
            "This form could not be sent because its security token was missing or out of date. "
            "Go back, reload the page and send it again."
        ),
    )


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code == 401:
        return error.get_response()
    return render_error(error.code)


def end_transaction(close: bool = False) -> bool:
    """Roll back the request's transaction, if one is open (and with `close`, release the session).

    When the database went away meanwhile (a restart, a failover), the rollback itself fails. The
    server has already dropped the transaction, so the connection is discarded instead (the pool's
    pre-ping replaces it at the next checkout) and the response goes out as it was made.

    :returns: whether the database answered.
    """
    try:
        db.session.close() if close else db.session.rollback()
    except OperationalError:
        db.session().invalidate()
        return False
    return True


def handle_server_error(error: Exception):
    # Leave nothing half-written, then show a page that needs no database.
    answered = end_transaction()
    if not answered or isinstance(getattr(error, "original_exception", None), DBAPIError):
        # The reader's name, language and zone are in the database, which is what failed: the page
        # is shown as to a visitor, or rendering it would fail too and gunicorn answer a bare 500.
        login_manager._update_request_context_with_user()
    return render_template(
        "errors/error.html", code=500, minimal=True, title=MESSAGES[500][0], message=MESSAGES[500][1]
    ), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
    # Teardowns run in reverse order, so this one runs before Flask-SQLAlchemy's session.remove(),
    # whose rollback on a connection PostgreSQL had terminated turned every response, even one
    # already made, into gunicorn's bare 500 (seen with bench/load.py --scenario restart-postgres).
    app.teardown_appcontext(lambda _error: end_transaction(close=True))

    @app.before_request
    def _reject_nul_bytes():
        # A NUL in a form, a query string or an uploaded file's name would reach the database and
        # fail there (PostgreSQL): every name and every value, not only the first of each name.
        texts = [
            *(text for key, values in request.args.lists() for text in (key, *values)),
            *(text for key, values in request.form.lists() for text in (key, *values)),
            *(upload.filename or "" for _key, uploads in request.files.lists() for upload in uploads),
        ]
        if any("\x00" in text for text in texts):
            return render_error(400)
        return None
