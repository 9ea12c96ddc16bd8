"""A rich course (the demo plus what the demo lacks), and helpers to export, wipe and import it."""

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from trainer.accounts.invitations import create_invitation
from trainer.accounts.models import Invitation, User
from trainer.content.registry import get_registry
from trainer.content.versions import forget_known_dates, record_versions
from trainer.courses.models import Course, PendingImport
from trainer.demo import data
from trainer.extensions import db
from trainer.groups import work
from trainer.groups.models import GroupExercise, Submission
from trainer.progress.models import Certificate
from trainer.schedule.calendars import feed_token

ATTACHED = "Our partnership map\nKarachi – Kathmandu: solid waste, since 2019\n".encode()


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict:
    return {"UPLOAD_DIR": str(tmp_path / "uploads"), "SERVER_URL": "https://trainer.example.org"}


@dataclass
class Demo:
    course_id: int  # the main demo course
    pilot_id: int  # finished, with certificates and cascade records
    cascade_id: int  # a graduate's course, linked to the pilot
    attachment_id: int
    participant: str  # email
    trainer: str
    secrets: list[str]  # values that must never appear in an export


@pytest.fixture
def demo(app: Flask, runner) -> Demo:
    """The demo seed, plus an attached file, a certificate, feedback from a coordinator who is not
    enrolled, a recorded chapter version, and secrets: passwords, an invitation, a feed link."""
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        courses = {course.title: course for course in db.session.scalars(select(Course))}
        course, pilot = courses[data.COURSE_TITLE], courses[data.PILOT_TITLE]
        cascade = courses[data.CASCADE_TITLE]
        submission = db.session.scalars(
            select(Submission)
            .join(GroupExercise, GroupExercise.id == Submission.group_exercise_id)
            .where(GroupExercise.course_id == course.id)
            .order_by(Submission.id)
        ).first()
        participant = db.session.scalar(select(User).where(User.email == data.PARTICIPANTS[0][1]))
        trainer = db.session.scalar(select(User).where(User.email == data.TRAINERS[0][1]))
        coordinator = db.session.scalar(select(User).where(User.email == data.COORDINATOR[1]))
        attachment = work.add_attachment(submission, "map.txt", ATTACHED, participant)
        work.add_feedback(submission, "Clear map; add the dates.", coordinator, course, "The principles card game")
        db.session.add(Certificate(course_id=course.id, user_id=participant.id, code="DEMO-CERT-1", hours=12.5))
        record_versions(get_registry().module(course.module_slug).chapters)
        secrets = [
            participant.password_hash,
            trainer.password_hash,
            feed_token(participant).partition("-")[2],
            participant.feed_nonce,
        ]
        secrets.append(create_invitation(participant))
        db.session.add(
            PendingImport(
                course_id=course.id,
                created_by_id=coordinator.id,
                token="pending-import-secret-token",
                filename="people.csv",
                data=b"name,email\n",
            )
        )
        db.session.commit()
        secrets += [
            row.token_hash for row in db.session.scalars(select(Invitation).where(Invitation.user_id == participant.id))
        ]
        secrets.append("pending-import-secret-token")
        return Demo(
            course.id, pilot.id, cascade.id, attachment.id, participant.email, trainer.email, [s for s in secrets if s]
        )


def export(runner, course_id: int, path: Path) -> Path:
    result = runner.invoke(args=["data", "export", str(course_id), "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def wipe(app: Flask) -> None:
    """Empty every table (ids start again on PostgreSQL, as in a new database) and the upload folder."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
                connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            else:
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(delete(table))
        folder = Path(app.config["UPLOAD_DIR"])
        for path in folder.glob("*") if folder.exists() else []:
            path.unlink()
    forget_known_dates()


def contents(path: Path) -> dict[str, bytes]:
    """Every file of an export zip, the manifest without the time it was made."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    del manifest["exported_at"]
    files["manifest.json"] = json.dumps(manifest, indent=1).encode()
    return files


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of an export zip with `change(files)` applied to its {name: bytes}."""
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    target.write_bytes(buffer.getvalue())
    return target


def table_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
