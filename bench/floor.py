"""The app with two extra routes that only the bench serves: the floors under every page.

- `/bench/signed-in`: loads the signed-in reader (session cookie and one query, as every page
  does) and answers their name as text: what any signed-in request costs before it does anything.
- `/bench/layout`: the site's layout (header, navigation, footer) around an empty page for that
  reader: what any page of the site costs before its own content.

They put the chapter page's share of the trivial route in context: a page cannot be cheaper than
the floors it is built on. Never registered by the product (`wsgi.py`); gunicorn serves
`floor:make_app()` with `bench/` on its path.
"""

import os
from pathlib import Path

from flask import Blueprint, Flask, render_template
from flask_login import current_user, login_required

from trainer import create_app

bp = Blueprint("bench_floor", __name__, template_folder=str(Path(__file__).parent / "templates"))


@bp.get("/bench/signed-in")
@login_required
def signed_in():
    return current_user.name, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/bench/layout")
@login_required
def layout():
    return render_template("bench/layout_floor.html")


def make_app(app: Flask | None = None) -> Flask:
    """The product's app (production settings unless told otherwise) with the two floors added."""
    if app is None:
        os.environ.setdefault("TRAINER_ENV", "production")
        app = create_app()
    app.register_blueprint(bp)
    return app
