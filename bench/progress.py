"""Progress at scale, on gunicorn (4 workers): dashboard latency and concurrent progress marks.

1. Seeds a course with 50, 500 and 5,000 participants (organisations, progress, attendance) and
   times the trainer's dashboard (p50/p95 over repeated requests) and counts its SQL queries.
2. 200 participants, each signed in, mark the same section at the same moment; prints errors and
   checks in the database that every mark was kept (no lost update).

SQLite by default; PostgreSQL with `scripts/with-postgres.sh .venv/bin/python bench/progress.py`
(it uses DATABASE_URL). Loopback only; stops by itself.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import Client, app_env, flask, gunicorn  # noqa: E402

PASSWORD = "bench-password-1"
CHAPTER = "/modules/module-4/what-is-decentralized-cooperation"


def seed(database_url: str, participants: int) -> int:
    """A course with `participants` people, a trainer and some progress, inserted in bulk."""
    from datetime import UTC, date, datetime, time

    from sqlalchemy import delete, insert
    from werkzeug.security import generate_password_hash

    from config import TestingConfig
    from trainer import create_app
    from trainer.accounts.models import Organisation, User
    from trainer.content.registry import get_registry
    from trainer.courses.models import Course, Enrolment
    from trainer.extensions import db
    from trainer.progress.models import Attendance, SectionProgress
    from trainer.schedule.planning import SessionDraft
    from trainer.schedule.services import save_session

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        for model in (SectionProgress, Attendance, Enrolment, User, Organisation, Course):
            db.session.execute(delete(model))
        password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        now = datetime.now(UTC)
        db.session.add(
            Course(id=1, title="Bench course", module_slug="module-4", timezone="Asia/Jakarta", created_at=now)
        )
        db.session.execute(
            insert(Organisation),
            [
                {
                    "id": i,
                    "name": f"City {i}",
                    "normalised_name": f"city {i}",
                    "country": ["ID", "PH", "NP"][i % 3],
                    "kind": "city",
                    "created_at": now,
                }
                for i in range(1, 101)
            ],
        )
        users = [
            {
                "id": 1,
                "email": "trainer@bench.example.org",
                "name": "Trainer",
                "password_hash": password,
                "created_at": now,
                "is_coordinator": False,
                "active": True,
                "position": "",
                "is_focal_point": False,
            }
        ]
        users += [
            {
                "id": i + 2,
                "email": f"p{i}@bench.example.org",
                "name": f"Participant {i:05d}",
                "password_hash": password,
                "created_at": now,
                "country": ["ID", "PH", "NP"][i % 3],
                "organisation_id": i % 100 + 1,
                "is_coordinator": False,
                "active": True,
                "position": "",
                "is_focal_point": False,
            }
            for i in range(participants)
        ]
        db.session.execute(insert(User), users)
        db.session.execute(
            insert(Enrolment),
            [
                {
                    "course_id": 1,
                    "user_id": u["id"],
                    "role": "trainer" if u["id"] == 1 else "participant",
                    "created_at": now,
                }
                for u in users
            ],
        )
        module = get_registry().module("module-4")
        course = db.session.get(Course, 1)
        sessions = [
            save_session(course, SessionDraft(f"Day {n}", date(2030, 1, n * 7), time(13), time(16))) for n in (1, 2, 3)
        ]
        marks, present = [], []
        for u in users[1:]:
            for chapter in module.chapters[: u["id"] % 4]:
                marks += [
                    {
                        "user_id": u["id"],
                        "module_slug": "module-4",
                        "chapter_slug": chapter.slug,
                        "section_id": s.id,
                        "version": chapter.version,
                        "done_at": now,
                    }
                    for s in chapter.sections
                ]
            present.append(
                {
                    "session_id": sessions[0].id,
                    "user_id": u["id"],
                    "status": "present",
                    "minutes": 180,
                    "source": "zoom",
                    "updated_at": now,
                }
            )
        if marks:
            db.session.execute(insert(SectionProgress), marks)
        db.session.execute(insert(Attendance), present)
        db.session.commit()
        db.engine.dispose()
    return participants


def dashboard(port: int, requests: int) -> tuple[float, float]:
    client = Client(port)
    client.sign_in("trainer@bench.example.org", PASSWORD)
    client.request("GET", "/courses/1/progress/")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _body, _h = client.request("GET", "/courses/1/progress/")
        times.append(time.perf_counter() - started)
        assert status == 200, status
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def concurrent_marks(port: int, people: int) -> tuple[int, float]:
    """Every participant signs in, then all mark the same section at once. Returns (errors, seconds)."""
    clients = []
    for i in range(people):
        client = Client(port)
        client.sign_in(f"p{i}@bench.example.org", PASSWORD)
        _s, page, _h = client.request("GET", CHAPTER)
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        clients.append((client, token))
    barrier = threading.Barrier(people)
    errors = []

    def mark(client, token):
        barrier.wait()
        status, _b, _h = client.request(
            "POST", f"{CHAPTER}/sections/legal-framework", {"done": "1", "csrf_token": token}
        )
        if status not in (200, 302):
            errors.append(status)

    threads = [threading.Thread(target=mark, args=pair) for pair in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(errors), time.perf_counter() - started


def kept_marks(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM section_progress WHERE section_id = 'legal-framework' AND user_id > 1")
        ).scalar()
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        env = app_env(url)
        flask(env, "db", "upgrade")
        print(f"trainer progress bench · {engine} · gunicorn 4 workers")
        for size in [int(s) for s in args.sizes.split(",")]:
            seed(url, size)
            with gunicorn(env, workers=4) as port:
                p50, p95 = dashboard(port, args.requests)
            print(f"  dashboard, {size:>5} participants: p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        seed(url, args.concurrent)
        with gunicorn(env, workers=4) as port:
            errors, seconds = concurrent_marks(port, args.concurrent)
        kept = kept_marks(url)
        print(
            f"  {args.concurrent} participants mark a section at the same moment: {errors} errors, "
            f"{kept} of {args.concurrent} marks kept, {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
