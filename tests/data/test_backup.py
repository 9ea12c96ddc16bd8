"""`flask data backup`: the database and the uploaded files, taken while the site runs."""

import hashlib
import json
import sqlite3
from pathlib import Path

from sqlalchemy import func, select

from trainer.accounts.models import User
from trainer.extensions import db


def test_backup_copies_the_database_and_the_uploaded_files(app, runner, demo, tmp_path):
    with app.app_context():
        people = db.session.scalar(select(func.count(User.id)))
        engine = db.engine.url.get_backend_name()
    result = runner.invoke(args=["data", "backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "backups").iterdir()
    assert str(folder) in result.output
    assert folder.stat().st_mode & 0o077 == 0  # the owner's only
    description = json.loads((folder / "backup.json").read_text())
    assert description["schema_revision"] and description["engine"] == engine
    database = folder / description["database"]["file"]
    assert hashlib.sha256(database.read_bytes()).hexdigest() == description["database"]["sha256"]
    uploads = {path.name: path.read_bytes() for path in Path(app.config["UPLOAD_DIR"]).iterdir()}
    assert uploads and {path.name: path.read_bytes() for path in (folder / "uploads").iterdir()} == uploads
    if engine == "sqlite":
        with sqlite3.connect(database) as copy:
            assert copy.execute("SELECT count(*) FROM users").fetchone()[0] == people
        copy.close()
    else:
        assert database.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format, for pg_restore


def test_backup_into_a_folder_it_cannot_create_is_a_clear_error(app, runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(args=["data", "backup", str(blocker / "backups")])
    assert result.exit_code != 0 and "Traceback" not in result.output
