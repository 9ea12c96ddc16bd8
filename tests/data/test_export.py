"""What an export holds and what it never holds."""

import json

from tests.data.conftest import contents, export
from trainer.data import tables
from trainer.extensions import db


def test_every_table_and_column_is_exported_or_left_out_with_a_reason(app):
    with app.app_context():
        names = {table.name for table in db.metadata.sorted_tables}
        exported = {table.name for table in tables.exported_tables()}
        assert exported | set(tables.NOT_EXPORTED) == names
        assert not exported & set(tables.NOT_EXPORTED)
        for table_name, columns in tables.OMITTED_COLUMNS.items():
            assert set(columns) <= set(db.metadata.tables[table_name].columns.keys())
        assert tables.unsupported_columns() == []


def test_the_export_holds_no_password_hash_token_or_feed_secret(runner, demo, tmp_path):
    files = contents(export(runner, demo.course_id, tmp_path / "course.zip"))
    blob = b"\n".join(files.values())
    assert demo.secrets and all(len(secret) >= 16 for secret in demo.secrets)
    for secret in demo.secrets:
        assert secret.encode() not in blob, secret
    users = json.loads(files["course.json"])["tables"]["users"]
    assert users and not {"password_hash", "feed_nonce"} & set(users[0])
    assert not {name for name in files if name.split(".")[0] in ("invitations", "outbox", "pending_imports")}
    assert "invitations" in json.loads(files["manifest.json"])["not_exported"]


def test_an_unknown_course_is_a_clear_error(app, runner, tmp_path):
    result = runner.invoke(args=["data", "export", "99", "-o", str(tmp_path / "none.zip")])
    assert result.exit_code == 1
    assert "Error: No course has the id 99." in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("*"))  # nothing half-written


def test_a_course_id_must_be_a_number(app, runner):
    result = runner.invoke(args=["data", "export", "module-4"])
    assert result.exit_code == 2 and "'module-4' is not a valid integer" in result.output


def test_a_missing_attached_file_stops_the_export(app, runner, demo, tmp_path):
    from pathlib import Path

    for path in Path(app.config["UPLOAD_DIR"]).glob("*"):
        path.unlink()
    result = runner.invoke(args=["data", "export", str(demo.course_id), "-o", str(tmp_path / "course.zip")])
    assert result.exit_code == 1 and "is missing from" in result.output
    assert not list(tmp_path.glob("course.zip*")) and not list(tmp_path.glob(".course.zip*"))


def test_only_the_course_s_people_and_progress_are_exported(app, runner, demo, tmp_path):
    document = json.loads(contents(export(runner, demo.pilot_id, tmp_path / "pilot.zip"))["course.json"])
    people = {row["id"] for row in document["tables"]["users"]}
    enrolled = {row["user_id"] for row in document["tables"]["enrolments"]}
    recorders = {row["recorded_by_id"] for row in document["tables"]["cascade_records"]}
    assert recorders and people == enrolled | recorders  # the coordinator who recorded a cascade, nobody else
    assert {row["user_id"] for row in document["tables"]["section_progress"]} <= enrolled
    assert all(row["course_id"] == demo.pilot_id for row in document["tables"]["certificates"])
    assert document["tables"]["cascade_records"]
