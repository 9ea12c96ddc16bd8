"""Export a course, empty the database, import it, export again: the same files, and the same pages."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.data.conftest import ATTACHED, contents, export, wipe
from tests.factories import make_user
from trainer.accounts.models import User
from trainer.accounts.services import set_password
from trainer.extensions import db
from trainer.progress.models import Certificate

NEW_PASSWORD = "restored password 1"


def _observed(app, runner, demo, folder: Path) -> dict[str, bytes]:
    """What people see of the course: its calendar, the trainer's progress report, an attached file."""
    ics = runner.invoke(args=["schedule", "ics", str(demo.course_id), "--output", str(folder / "course.ics")])
    assert ics.exit_code == 0, ics.output
    client = app.test_client()
    assert login(client, demo.trainer, NEW_PASSWORD).status_code == 302
    report = client.get(f"/courses/{demo.course_id}/progress.csv")
    assert report.status_code == 200
    with client.get(f"/courses/{demo.course_id}/groups/attachments/{demo.attachment_id}") as download:
        assert download.status_code == 200
        attached = download.data
    return {"calendar": (folder / "course.ics").read_bytes(), "progress.csv": report.data, "attachment": attached}


def _set_trainer_password(app, email: str) -> None:
    with app.app_context():
        set_password(db.session.scalar(select(User).where(User.email == email)), NEW_PASSWORD)
        db.session.commit()


def test_a_course_survives_export_wipe_and_import_unchanged(app, runner, demo, tmp_path):
    _set_trainer_password(app, demo.trainer)
    before = _observed(app, runner, demo, tmp_path)
    first = export(runner, demo.course_id, tmp_path / "first.zip")
    wipe(app)

    result = runner.invoke(args=["data", "import", str(first)])
    assert result.exit_code == 0, result.output
    assert "Imported Module 4 Training of Trainers" in result.output
    assert "flask data invite" in result.output

    second = export(runner, demo.course_id, tmp_path / "second.zip")
    assert contents(second) == contents(first)
    _set_trainer_password(app, demo.trainer)  # passwords are not exported
    after = _observed(app, runner, demo, tmp_path)
    assert after == before
    assert after["attachment"] == ATTACHED
    assert b"UID:session-" in after["calendar"] and b"SEQUENCE:" in after["calendar"]
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.password_hash.is_not(None))) == 1
        newest = db.session.scalar(select(func.max(User.id)))
        # New rows get new ids (on PostgreSQL the sequences were moved past the imported ones).
        assert make_user().id > newest
        db.session.commit()


@pytest.mark.parametrize("which", ["pilot_id", "cascade_id"])
def test_finished_and_cascade_courses_round_trip_too(app, runner, demo, tmp_path, which):
    course_id = getattr(demo, which)
    first = export(runner, course_id, tmp_path / "first.zip")
    wipe(app)
    assert runner.invoke(args=["data", "import", str(first)]).exit_code == 0
    before, after = contents(first), contents(export(runner, course_id, tmp_path / "second.zip"))
    # The cascade course's link to its origin (not exported) was emptied the first time already.
    notes = [json.loads(files["manifest.json"]).pop("left_out") for files in (before, after)]
    assert notes[1] == [] and len(notes[0]) == (which == "cascade_id")
    assert {name: body for name, body in after.items() if name != "manifest.json"} == {
        name: body for name, body in before.items() if name != "manifest.json"
    }
    manifests = [json.loads(files["manifest.json"]) for files in (before, after)]
    for manifest in manifests:
        del manifest["left_out"]
    assert manifests[0] == manifests[1]


def test_certificates_still_check_out_after_a_restore(app, runner, demo, tmp_path):
    with app.app_context():
        codes = list(db.session.scalars(select(Certificate.code).where(Certificate.course_id == demo.pilot_id)))
    assert codes
    first = export(runner, demo.pilot_id, tmp_path / "pilot.zip")
    wipe(app)
    assert runner.invoke(args=["data", "import", str(first)]).exit_code == 0
    client = app.test_client()
    for code in codes:
        page = client.get(f"/certificates/{code}")
        assert page.status_code == 200 and code in page.get_data(as_text=True)


def test_a_link_to_another_course_is_emptied_and_reported(app, runner, demo, tmp_path):
    result = runner.invoke(args=["data", "export", str(demo.cascade_id), "-o", str(tmp_path / "cascade.zip")])
    assert result.exit_code == 0
    assert f"parent_course_id = {demo.pilot_id}" in result.output
    manifest = json.loads(contents(tmp_path / "cascade.zip")["manifest.json"])
    assert any("parent_course_id" in line and "emptied" in line for line in manifest["left_out"])


def test_a_coordinator_who_is_not_enrolled_comes_along_when_the_rows_name_them(app, runner, demo, tmp_path):
    first = export(runner, demo.course_id, tmp_path / "first.zip")
    with app.app_context():
        people = {row["email"] for row in json.loads(contents(first)["course.json"])["tables"]["users"]}
    assert "coordinator@example.org" in people  # wrote feedback
    assert "participant@example.org" in people


def test_the_manifest_describes_and_checksums_every_file(runner, demo, tmp_path):
    import hashlib

    files = contents(export(runner, demo.course_id, tmp_path / "course.zip"))
    manifest = json.loads(files.pop("manifest.json"))
    assert set(manifest["files"]) == set(files)
    for name, body in files.items():
        assert manifest["files"][name]["sha256"] == hashlib.sha256(body).hexdigest()
    assert manifest["course"]["id"] == demo.course_id
    assert manifest["schema_revision"]
    assert manifest["counts"]["attachments"] == 1 and manifest["counts"]["certificates"] == 1
    assert f"attachments/{hashlib.sha256(ATTACHED).hexdigest()}" in files
    assert manifest["server_url"] == "https://trainer.example.org"


def test_csv_files_open_in_excel_and_match_the_json(runner, demo, tmp_path):
    import csv
    import io

    files = contents(export(runner, demo.course_id, tmp_path / "course.zip"))
    document = json.loads(files["course.json"])
    for name, rows in document["tables"].items():
        body = files[f"{name}.csv"]
        assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
        records = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
        assert len(records) == len(rows), name
    sessions = list(csv.DictReader(io.StringIO(files["live_sessions.csv"].decode("utf-8-sig"), newline="")))
    assert all(row["starts_at"].endswith("Z") and "T" in row["starts_at"] for row in sessions)
    assert json.loads(sessions[0]["chapters"])  # lists are JSON in a cell


def test_export_writes_where_asked_and_defaults_to_a_dated_name(runner, demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["data", "export", str(demo.course_id)])
    assert result.exit_code == 0, result.output
    written = list(Path(tmp_path).glob(f"course-{demo.course_id}-*.zip"))
    assert len(written) == 1 and str(written[0].name) in result.output
    assert written[0].stat().st_mode & 0o077 == 0  # personal data: the owner's only
    assert not list(Path(tmp_path).glob(".*partial"))


def test_chapter_versions_the_new_site_has_already_seen_are_merged_keeping_the_earlier_date(
    app, runner, demo, tmp_path
):
    from trainer.content.registry import get_registry
    from trainer.content.versions import ChapterVersion, record_versions

    first = export(runner, demo.course_id, tmp_path / "first.zip")
    wipe(app)
    with app.app_context():  # someone opened a chapter before the restore
        record_versions(get_registry().module("module-4").chapters[:1])
        db.session.commit()
    result = runner.invoke(args=["data", "import", str(first)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session.execute(select(ChapterVersion.chapter_slug, ChapterVersion.version)).all()
        assert len(rows) == len(set(rows)) == len(get_registry().module("module-4").chapters)
    assert contents(export(runner, demo.course_id, tmp_path / "second.zip")) == contents(first)


def test_a_restore_on_another_address_warns_that_calendars_key_on_the_host(app, runner, demo, tmp_path):
    first = export(runner, demo.pilot_id, tmp_path / "pilot.zip")
    wipe(app)
    app.config["SERVER_URL"] = "https://new.example.org/"
    result = runner.invoke(args=["data", "import", str(first)])
    assert result.exit_code == 0
    assert "came from https://trainer.example.org" in result.output and "set SERVER_URL" in result.output
