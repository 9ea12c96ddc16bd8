import os
import sys

import click
from flask.cli import AppGroup

from trainer.accounts import services
from trainer.accounts.models import Organisation, OrganisationKind
from trainer.extensions import db

accounts_cli = AppGroup("accounts", help="Manage accounts.")

PASSWORD_ENV = "TRAINER_PASSWORD"


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@accounts_cli.command("create-coordinator")
@click.argument("email")
@click.option("--name", default=None, help="Full name (default: the part of the email before @).")
@click.option(
    "--association",
    "association_id",
    type=int,
    default=None,
    help="Scope the coordinator to this association (its id); default: site-wide.",
)
def create_coordinator(email: str, name: str | None, association_id: int | None) -> None:
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
    if association_id is not None:
        association = db.session.get(Organisation, association_id)
        if association is None or association.kind != OrganisationKind.ASSOCIATION:
            db.session.rollback()
            raise click.ClickException(f"No local-government association has the id {association_id}.")
        user.coordinator_scope_id = association.id
    db.session.commit()
    scope = f" for {association.name}" if association_id is not None else ""
    click.echo(f"Coordinator {user.email} created{scope}.")
