import click
from flask.cli import with_appcontext

from trainer.extensions import db
from trainer.mail.services import send_outbox
from trainer.progress.nudges import queue_study_nudges
from trainer.schedule.invites import queue_reminders


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Queue session reminders and self-study nudges that are due, then send due mail.

    Safe to run every few minutes: a reminder or nudge is never queued twice.
    """
    report = queue_reminders()
    nudges = queue_study_nudges()
    db.session.commit()
    sent = send_outbox()
    click.echo(
        f"{report.queued} reminders queued for {report.sessions} sessions; {nudges} study nudges queued; "
        f"{sent.sent} messages sent."
    )
