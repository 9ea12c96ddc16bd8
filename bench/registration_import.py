"""Bulk registration speed: parse, preview and import 2,000 CSV rows on SQLite.

Creates a temporary database with the real migrations, a course and a coordinator, then times
the parse (preview) and the confirmed import (accounts, organisations, enrolments, invitation
emails queued in the outbox), committed as one transaction. Run: `.venv/bin/python bench/registration_import.py`.
"""

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402

from config import TestingConfig  # noqa: E402
from trainer import create_app  # noqa: E402

NAMES = ["สุดารัตน์ ทองดี", "राम बहादुर थापा", "Nguyễn Thị Thu Hà", "محمد علی", "王小明", "Maria Santos"]
COUNTRIES = ["TH", "NP", "VN", "PK", "CN", "PH"]


def make_csv(rows: int) -> bytes:
    lines = ["name,email,organisation,organisation_kind,country,role"]
    for i in range(rows):
        k = i % len(NAMES)
        lines.append(f"{NAMES[k]} {i},person{i}@bench.example.org,City {i % 150},city,{COUNTRIES[k]},participant")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            TestingConfig,
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "PASSWORD_HASH_METHOD": "scrypt"},
        )
        with app.app_context():
            flask_migrate.upgrade()
        with app.test_request_context():
            from sqlalchemy import func, select

            from trainer.accounts.models import User
            from trainer.accounts.services import create_user
            from trainer.courses.registration import register_many
            from trainer.courses.registration_csv import parse_registrations
            from trainer.courses.services import create_course
            from trainer.courses.views.people import _registration
            from trainer.extensions import db
            from trainer.mail.models import OutboxMessage

            coordinator = create_user("dewi@example.org", "Dewi", "a long enough password", is_coordinator=True)
            course = create_course("Bench course", "module-4", "Asia/Jakarta")
            db.session.commit()
            data = make_csv(args.rows)

            started = time.perf_counter()
            preview = parse_registrations(data, set(db.session.scalars(select(User.email))))
            parsed = time.perf_counter()
            rows = [(row.line, _registration(row.values, course)) for row in preview.rows]
            register_many(course, rows, by=coordinator)
            db.session.commit()
            imported = time.perf_counter()

            users = db.session.scalar(select(func.count(User.id)))
            mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    print(f"trainer registration import bench · Python {platform.python_version()} · SQLite · {args.rows} rows")
    print(f"  preview (parse and validate) {parsed - started:6.2f} s   ok={preview.ok}")
    counts = f"{users - 1} accounts, {mails} invitations queued"
    print(f"  confirmed import             {imported - parsed:6.2f} s   {counts}")
    print(f"  total                        {imported - started:6.2f} s")


if __name__ == "__main__":
    main()
