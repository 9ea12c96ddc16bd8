"""`backup()`: the whole site, while it runs: the database (SQLite's online backup, or pg_dump) and
the uploaded files, in one new folder.

Copying a SQLite file that is in use is not a backup: in WAL mode recent writes live in the -wal
file beside it, and a copy taken mid-write is torn. The online backup API copies a consistent
state however busy the site is.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from trainer.data.export import schema_revision
from trainer.data.tables import format_instant
from trainer.dbtypes import utcnow
from trainer.extensions import db


class BackupError(Exception):
    """The backup could not be made; the message says why, for the operator."""


@dataclass
class BackupReport:
    folder: Path
    database: Path
    files: int  # uploaded files copied


def backup(destination: Path) -> BackupReport:
    """Write `destination/trainer-<UTC time>/` with database.sqlite3 or database.dump, uploads/ and
    backup.json (when, the schema revision, checksums)."""
    from trainer.groups.work import upload_folder

    now = utcnow()
    folder = destination / f"trainer-{now:%Y%m%dT%H%M%SZ}"
    try:
        destination.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)  # the whole site's personal data: the owner's only
    except FileExistsError:
        raise BackupError(f"{folder} already exists; wait a second and run the backup again.") from None
    except OSError as error:
        raise BackupError(f"Could not create {folder}: {error.strerror or error}.") from None
    url = db.engine.url
    with db.engine.connect() as connection:
        revision = schema_revision(connection)
    try:
        if url.get_backend_name() == "sqlite":
            database = _sqlite(url.database, folder / "database.sqlite3")
        elif url.get_backend_name() == "postgresql":
            database = _pg_dump(url.render_as_string(hide_password=False), folder / "database.dump")
        else:
            raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
        files = _copy_uploads(upload_folder(), folder / "uploads")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # half a backup would look like a whole one
        raise
    description = {
        "created_at": format_instant(now),
        "schema_revision": revision,
        "engine": url.get_backend_name(),
        "database": {"file": database.name, "sha256": _sha256(database), "bytes": database.stat().st_size},
        "uploads": files,
    }
    (folder / "backup.json").write_text(json.dumps(description, indent=1) + "\n", encoding="utf-8")
    return BackupReport(folder, database, files)


def _sqlite(source: str | None, target: Path) -> Path:
    if not source or source == ":memory:":
        raise BackupError("This SQLite database is in memory: there is nothing on disk to back up.")
    source_db = sqlite3.connect(source)
    target_db = sqlite3.connect(target)
    try:
        source_db.backup(target_db)
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite backup failed: {error}.") from None
    finally:
        target_db.close()
        source_db.close()
    return target


def _pg_dump(database_url: str, target: Path) -> Path:
    url = make_url(database_url)
    # libpq's own URL, without the password: a command line is visible to every user of the machine.
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={conninfo}"]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).") from None
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def _copy_uploads(source: Path, target: Path) -> int:
    target.mkdir()
    count = 0
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.startswith("."):  # not a file still being written
            shutil.copy2(path, target / path.name)
            count += 1
    return count


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            hasher.update(chunk)
    return hasher.hexdigest()
