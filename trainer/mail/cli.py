import click
from flask.cli import AppGroup

from trainer.mail.services import send_outbox

mail_cli = AppGroup("mail", help="Outgoing mail.")


@mail_cli.command("send-outbox")
@click.option("--limit", default=200, show_default=True, help="The most messages to send in this run.")
@click.option(
    "--retry-now",
    is_flag=True,
    help="Also send messages waiting for a retry, without waiting for their backoff (the mail server is back).",
)
def send_outbox_command(limit: int, retry_now: bool) -> None:
    """Send queued mail that is due; safe to run every minute from cron or a systemd timer."""
    report = send_outbox(limit=limit, retry_now=retry_now)
    click.echo(f"{report.sent} sent, {report.failed} failed (will retry or were given up).")
    for error in report.errors:
        click.echo(f"  {error}", err=True)
