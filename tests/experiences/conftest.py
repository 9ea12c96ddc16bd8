"""The case library's blueprint and chapter hook, for this folder's tests.

create_app registers them (trainer/__init__.py); until then, and harmlessly afterwards, each test
app gets them here, before it serves a request.
"""

import pytest
from flask import Flask

from trainer.experiences import hooks
from trainer.experiences.library import library_bp


@pytest.fixture(autouse=True)
def library_registered(app: Flask) -> Flask:
    if "library" not in app.blueprints:
        app.register_blueprint(library_bp)
    hooks.init_app(app)
    return app
