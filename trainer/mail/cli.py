import click
from flask.cli import AppGroup

from trainer.mail.services import send_outbox

mail_cli = AppGroup("mail", help="Outgoing mail.")


@mail_cli.command("send-outbox")
@click.option("--limit", default=200, show_default=True, help="The most messages to send in this run.")
def send_outbox_command(limit: int) -> None:
    """Send queued mail that is due; safe to run every minute from cron or a systemd timer."""
    report = send_outbox(limit=limit)
    click.echo(f"{report.sent} sent, {report.failed} failed (will retry or were given up).")
    for error in report.errors:
        click.echo(f"  {error}", err=True)
