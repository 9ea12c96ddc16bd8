from pathlib import Path

import click
from flask.cli import AppGroup

from trainer.data.backup import BackupError, backup
from trainer.data.export import ExportError, export_to_file, schema_revision
from trainer.data.invite import InviteError, invite
from trainer.data.restore import ExportInvalid, discard_files, import_course, read_export
from trainer.dbtypes import utcnow
from trainer.extensions import db

data_cli = AppGroup("data", help="Export, import and back up the site's data.")

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@data_cli.command("export")
@click.argument("course_id", metavar="COURSE", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write (default: course-<id>-<UTC time>.zip here).",
)
def export_command(course_id: int, output: Path | None) -> None:
    """Write COURSE's data (the course id) as a zip of CSV and JSON files."""
    output = output or Path(f"course-{course_id}-{utcnow():%Y%m%dT%H%M%SZ}.zip")
    try:
        report = export_to_file(course_id, output)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"Could not write {output}: {error.strerror or error}.") from error
    click.echo(f"Wrote {output}: {report.manifest['course']['title']} ({_summary(report.manifest['counts'])}).")
    for line in report.left_out:
        click.echo(f"  left out: {line}", err=True)


@data_cli.command("verify")
@click.argument("file", type=_FILE)
def verify_command(file: Path) -> None:
    """Check an export (checksums, every row and reference) without importing it."""
    try:
        bundle = read_export(file)
    except ExportInvalid as error:
        raise click.ClickException(_problems(f"{file} is not a sound export:", error)) from error
    manifest = bundle.manifest
    click.echo(
        f"{file} is a sound export of {manifest['course']['title']} (course {manifest['course']['id']}), "
        f"made {manifest['exported_at']} at schema revision {manifest['schema_revision']}."
    )
    here = schema_revision(db.session.connection())
    if here != manifest["schema_revision"]:
        click.echo(f"This database is at revision {here}: import it into a database at the export's revision.")


@data_cli.command("import")
@click.argument("file", type=_FILE)
def import_command(file: Path) -> None:
    """Restore a course from an export into an empty database, all or nothing."""
    try:
        report = import_course(read_export(file))
    except ExportInvalid as error:
        db.session.rollback()
        raise click.ClickException(_problems(f"{file} was not imported; nothing was written:", error)) from error
    try:
        db.session.commit()
    except BaseException:
        discard_files(report.written_files)
        raise
    click.echo(f"Imported {report.title}, course {report.course_id} ({_summary(report.counts)}).")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo("Nobody has a password yet: `flask data invite` queues a new sign-in link for each person.")


@data_cli.command("invite")
@click.argument("emails", nargs=-1)
def invite_command(emails: tuple[str, ...]) -> None:
    """Queue a new sign-in link for each EMAIL, or for everyone without a password.

    Restored people have no password; the link lets them set one. `flask mail send-outbox`
    sends the emails.
    """
    try:
        people = invite(list(emails))
    except InviteError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Queued {len(people)} invitations; `flask mail send-outbox` sends them.")


@data_cli.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Back up the database and uploaded files into a new folder in DESTINATION, while the site runs."""
    try:
        report = backup(destination)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {report.folder} ({report.database.name} and {report.files} uploaded files).")


def _summary(counts: dict[str, int]) -> str:
    return (
        f"people: {counts['users']}, live sessions: {counts['live_sessions']}, attached files: {counts['attachments']}"
    )


def _problems(headline: str, error: ExportInvalid) -> str:
    return headline + "\n" + "\n".join(f"  {line}" for line in error.problems)
