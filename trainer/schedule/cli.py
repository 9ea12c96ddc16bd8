from pathlib import Path

import click
from flask.cli import AppGroup

from trainer.courses.services import get_course
from trainer.schedule.calendars import course_calendar

schedule_cli = AppGroup("schedule", help="Course schedules and calendars.")


@schedule_cli.command("ics")
@click.argument("course_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (default: stdout).")
def ics(course_id: int, output: Path | None) -> None:
    """Write a course's calendar (.ics): the same bytes as the download."""
    course = get_course(course_id)
    if course is None:
        raise click.ClickException(f"No course has the id {course_id}.")
    body, _stamp = course_calendar(course)
    if output is None:
        click.get_binary_stream("stdout").write(body)
    else:
        output.write_bytes(body)
        click.echo(f"Wrote {output} ({len(body)} bytes).", err=True)
