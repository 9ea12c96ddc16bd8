"""Entry point for WSGI servers: `gunicorn wsgi:app`. Production settings unless told otherwise."""

import os

os.environ.setdefault("TRAINER_ENV", "production")

from trainer import create_app  # noqa: E402

app = create_app()
