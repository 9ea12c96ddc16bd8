import os
import sys

import click
from flask.cli import AppGroup

from trainer.accounts import services
from trainer.extensions import db

accounts_cli = AppGroup("accounts", help="Manage accounts.")

PASSWORD_ENV = "TRAINER_PASSWORD"


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@accounts_cli.command("create-coordinator")
@click.argument("email")
@click.option("--name", default=None, help="Full name (default: the part of the email before @).")
def create_coordinator(email: str, name: str | None) -> None:
    """Create a site-wide coordinator account.

    Asks for the password, or reads it from the TRAINER_PASSWORD environment variable
    when there is no terminal (scripts, CI).
    """
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not _stdin_is_terminal():
            raise click.UsageError(f"No terminal to ask for a password: set {PASSWORD_ENV}.")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, name or email.split("@")[0], password, is_coordinator=True)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Coordinator {user.email} created.")
