"""trainer: delivers a Training of Trainers course end to end."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, INSECURE_DEV_KEY
from trainer.dbtypes import IdConverter


class ConfigurationError(RuntimeError):
    """The app was asked to start with a configuration it must not run with."""


def create_app(config_class: type | None = None, overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application. No I/O beyond reading configuration.

    :param config_class: a class from config.py; default from TRAINER_ENV (development).
    :param overrides: settings applied last (tests use this).
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class or CONFIGS[os.environ.get("TRAINER_ENV", "development")])
    app.config.from_prefixed_env()
    app.config.update(overrides or {})
    _refuse_unsafe_production(app)
    _resolve_database_uri(app)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def _resolve_database_uri(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "trainer.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def _refuse_unsafe_production(app: Flask) -> None:
    if app.debug or app.testing:
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == INSECURE_DEV_KEY or len(key) < 32:
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            '(e.g. python -c "import secrets; print(secrets.token_hex(32))").'
        )
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        raise ConfigurationError(
            "DATABASE_URL must be set in production (e.g. postgresql+psycopg://trainer:secret@127.0.0.1/trainer)."
        )


def register_extensions(app: Flask) -> None:
    from trainer import accounts
    from trainer.content import registry
    from trainer.experiences import hooks as experiences_hooks
    from trainer.extensions import babel, csrf, db, limiter, login_manager, migrate, wait_for_restarts
    from trainer.groups import hooks as groups_hooks
    from trainer.i18n import select_locale, select_timezone
    from trainer.mail import hooks as mail_hooks
    from trainer.progress import hooks as progress_hooks
    from trainer.schedule import hooks as schedule_hooks

    db.init_app(app)
    with app.app_context():  # the engine exists from init_app on; nothing connects here
        wait_for_restarts(db.engine, app.config["DATABASE_RESTART_WAIT"])
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    accounts.init_login(login_manager)
    login_manager.init_app(app)
    registry.init_app(app)
    mail_hooks.init_app(app)
    schedule_hooks.init_app(app)
    progress_hooks.init_app(app)
    groups_hooks.init_app(app)
    experiences_hooks.init_app(app)


def register_blueprints(app: Flask) -> None:
    # Features whose views are still being written: their models must be known to migrations.
    import trainer.experiences.models  # noqa: F401
    from trainer.accounts.views import bp as accounts_bp
    from trainer.cascade.views import bp as cascade_bp
    from trainer.content.views import bp as content_bp
    from trainer.courses.blueprint import bp as courses_bp
    from trainer.experiences.library import library_bp
    from trainer.experiences.views import bp as experiences_bp
    from trainer.groups.views import bp as groups_bp
    from trainer.home.views import bp as home_bp
    from trainer.progress.blueprint import bp as progress_bp
    from trainer.schedule.views import bp as schedule_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(content_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(schedule_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(experiences_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(cascade_bp)


def register_cli(app: Flask) -> None:
    from trainer.accounts.cli import accounts_cli
    from trainer.content.cli import content_cli
    from trainer.data.cli import data_cli
    from trainer.demo.cli import demo_cli
    from trainer.mail.cli import mail_cli
    from trainer.progress.cli import send_reminders
    from trainer.schedule.cli import schedule_cli

    mail_cli.add_command(send_reminders)
    app.cli.add_command(schedule_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(data_cli)


def register_errorhandlers(app: Flask) -> None:
    from trainer import errors, security
    from trainer.content.models import ContentInvalid
    from trainer.content.views import render_invalid_content

    errors.init_app(app)
    security.init_app(app)
    app.register_error_handler(ContentInvalid, render_invalid_content)


def register_template_helpers(app: Flask) -> None:
    from trainer import i18n, navigation, pagination, permissions

    i18n.init_app(app)
    navigation.init_app(app)
    pagination.init_app(app)
    permissions.init_app(app)
