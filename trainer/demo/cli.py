import click
from flask.cli import AppGroup

from trainer.demo import data
from trainer.demo.seed import seed_demo
from trainer.extensions import db

demo_cli = AppGroup("demo", help="The demo course.")


@demo_cli.command("seed")
def seed() -> None:
    """Create the demo course and people (safe to run again)."""
    report = seed_demo()
    db.session.commit()
    click.echo(f"Demo ready: {report.course.title} ({report.created_users} people added).")
    click.echo(f"Sign in with any of these (password: {data.DEMO_PASSWORD}):")
    for role, email in report.sign_ins:
        click.echo(f"  {role:<12} {email}")
    click.echo("  Every other participant: see trainer/demo/data.py")
