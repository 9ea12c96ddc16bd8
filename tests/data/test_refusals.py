"""What import refuses, with a message an operator can act on, and without writing anything."""

import hashlib
import json
from pathlib import Path

import pytest

from tests.data.conftest import export, rewrite, table_counts, wipe
from trainer.data import restore


def _import(runner, path: Path):
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert "nothing was written" in result.output
    return result.output


def _empty(app) -> bool:
    return not any(table_counts(app).values()) and not any(Path(app.config["UPLOAD_DIR"]).glob("*"))


@pytest.fixture
def exported(app, runner, demo, tmp_path) -> Path:
    path = export(runner, demo.course_id, tmp_path / "course.zip")
    wipe(app)
    return path


def _with_row_change(files: dict[str, bytes], table: str, index: int, **values) -> None:
    """Change a row of course.json and (like a careful forger) its checksum in the manifest."""
    document = json.loads(files["course.json"])
    document["tables"][table][index].update(values)
    files["course.json"] = json.dumps(document).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["course.json"]["sha256"] = hashlib.sha256(files["course.json"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()


def test_import_into_a_database_that_has_data_is_refused(app, runner, demo, tmp_path):
    path = export(runner, demo.course_id, tmp_path / "course.zip")
    before = table_counts(app)
    output = _import(runner, path)
    assert "The database is not empty" in output and "flask db upgrade" in output
    assert table_counts(app) == before


def test_a_file_that_does_not_match_its_checksum_is_refused(app, runner, exported, tmp_path):
    def damage(files):
        files["users.csv"] = files["users.csv"].replace(b"example.org", b"example.net", 1)

    output = _import(runner, rewrite(exported, tmp_path / "damaged.zip", damage))
    assert "users.csv: its checksum does not match manifest.json" in output
    assert _empty(app)


def test_a_damaged_attached_file_is_refused(app, runner, exported, tmp_path):
    def damage(files):
        name = next(name for name in files if name.startswith("attachments/"))
        files[name] = b"something else"

    output = _import(runner, rewrite(exported, tmp_path / "damaged.zip", damage))
    assert "attachments/" in output and "checksum does not match" in output
    assert _empty(app)


def test_a_file_added_to_the_zip_or_missing_from_it_is_refused(app, runner, exported, tmp_path):
    def add_and_remove(files):
        files["extra.csv"] = b"a,b\n"
        del files["feedback.csv"]

    output = _import(runner, rewrite(exported, tmp_path / "changed.zip", add_and_remove))
    assert "extra.csv: in the zip but not in manifest.json" in output
    assert "feedback.csv: listed in manifest.json but missing from the zip" in output
    assert _empty(app)


def test_a_bad_row_is_named_by_table_row_and_column(app, runner, exported, tmp_path):
    def change(files):
        _with_row_change(files, "live_sessions", 1, starts_at="next Tuesday")

    output = _import(runner, rewrite(exported, tmp_path / "bad.zip", change))
    assert "course.json, table live_sessions, row 2, id " in output
    assert "column starts_at 'next Tuesday' is not a time in ISO 8601" in output
    assert _empty(app)


def test_a_reference_to_a_row_that_is_not_there_is_refused(app, runner, exported, tmp_path):
    def change(files):
        _with_row_change(files, "attendance", 0, user_id=999999)

    output = _import(runner, rewrite(exported, tmp_path / "bad.zip", change))
    assert "table attendance, row 1" in output and "refers to users id 999999, which is not in the export" in output
    assert _empty(app)


def test_a_repeated_key_is_refused(app, runner, exported, tmp_path):
    def change(files):
        document = json.loads(files["course.json"])
        _with_row_change(files, "users", 1, email=document["tables"]["users"][0]["email"])

    output = _import(runner, rewrite(exported, tmp_path / "bad.zip", change))
    assert "table users, row 2" in output and "email repeats row 1" in output
    assert _empty(app)


def test_an_export_from_another_schema_revision_is_refused_with_the_way_forward(app, runner, exported, tmp_path):
    def change(files):
        manifest = json.loads(files["manifest.json"])
        manifest["schema_revision"] = "0123abcd"
        files["manifest.json"] = json.dumps(manifest).encode()

    output = _import(runner, rewrite(exported, tmp_path / "old.zip", change))
    assert "made at schema revision 0123abcd" in output and "flask db upgrade 0123abcd" in output
    assert _empty(app)


def test_a_newer_format_is_refused(app, runner, exported, tmp_path):
    def change(files):
        manifest = json.loads(files["manifest.json"])
        manifest["format_version"] = 2
        files["manifest.json"] = json.dumps(manifest).encode()

    output = _import(runner, rewrite(exported, tmp_path / "newer.zip", change))
    assert "format version 2; this trainer reads version 1" in output


def test_a_file_that_is_not_a_zip_is_refused(app, runner, tmp_path):
    path = tmp_path / "notes.zip"
    path.write_text("not a zip")
    assert "not a readable zip file" in _import(runner, path)


def test_a_failure_after_rows_were_written_rolls_all_of_them_back(app, runner, exported, monkeypatch):
    # The last step writes the attached files; make it fail once every row is in the transaction.
    def full_disk(bundle):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(restore, "_write_attachments", full_disk)
    output = _import(runner, exported)
    assert "Could not write the attached files" in output and "No space left" in output
    assert _empty(app)


def test_verify_says_whether_an_export_is_sound_without_importing_it(app, runner, demo, tmp_path):
    path = export(runner, demo.course_id, tmp_path / "course.zip")
    before = table_counts(app)
    result = runner.invoke(args=["data", "verify", str(path)])
    assert result.exit_code == 0 and "is a sound export of Module 4 Training of Trainers" in result.output

    def damage(files):
        files["course.json"] = files["course.json"][:-10]

    result = runner.invoke(args=["data", "verify", str(rewrite(path, tmp_path / "damaged.zip", damage))])
    assert result.exit_code == 1 and "course.json: its checksum does not match" in result.output
    assert table_counts(app) == before
