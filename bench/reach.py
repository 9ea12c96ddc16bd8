"""The reach page with 10,000 people in five generations: time and SQL queries.

Builds a cascade network in a temporary SQLite database (each course's two first participants
graduate and each runs a cascade course), then times the coordinators' reach page in process.
Run: `.venv/bin/python bench/reach.py [--people 10000]`.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402

from config import TestingConfig  # noqa: E402
from trainer import create_app  # noqa: E402


def build(db, people_wanted: int) -> tuple[int, int]:
    from trainer.accounts.models import User
    from trainer.courses.models import Course, Enrolment
    from trainer.progress.models import Certificate

    now = datetime.now(UTC)
    users, courses, enrolments, certificates = [], [], [], []
    per_course = 10
    course_id, user_id = 1, 1
    courses.append(
        {
            "id": 1,
            "title": "ToT",
            "module_slug": "module-4",
            "timezone": "Asia/Jakarta",
            "created_at": now,
            "status": "finished",
            "description": "",
            "dial_in": "",
            "self_registration": 0,
        }
    )
    frontier, generations = [1], 0
    while user_id <= people_wanted and frontier and generations < 5:
        next_frontier = []
        for parent in frontier:
            members = list(range(user_id, min(user_id + per_course, people_wanted + 1)))
            user_id += len(members)
            for uid in members:
                users.append(
                    {
                        "id": uid,
                        "email": f"u{uid}@bench.example.org",
                        "name": f"Person {uid}",
                        "country": ["ID", "PH", "NP", "TH", "IN"][uid % 5],
                        "created_at": now,
                        "is_coordinator": False,
                        "active": True,
                        "position": "",
                        "is_focal_point": False,
                    }
                )
                enrolments.append({"course_id": parent, "user_id": uid, "role": "participant", "created_at": now})
            for uid in members[:2]:
                certificates.append(
                    {"course_id": parent, "user_id": uid, "code": f"B-{uid}", "hours": 10, "issued_at": now}
                )
                course_id += 1
                courses.append(
                    {
                        "id": course_id,
                        "title": f"Cascade {course_id}",
                        "module_slug": "module-4",
                        "timezone": "Asia/Jakarta",
                        "created_at": now,
                        "status": "running",
                        "description": "",
                        "dial_in": "",
                        "self_registration": 0,
                        "parent_course_id": parent,
                        "created_by_id": uid,
                    }
                )
                next_frontier.append(course_id)
        frontier, generations = next_frontier, generations + 1
    per_course_rest = 0
    while user_id <= people_wanted:  # fill the last generation's courses
        for course in frontier:
            if user_id > people_wanted:
                break
            users.append(
                {
                    "id": user_id,
                    "email": f"u{user_id}@bench.example.org",
                    "name": f"Person {user_id}",
                    "country": "ID",
                    "created_at": now,
                    "is_coordinator": False,
                    "active": True,
                    "position": "",
                    "is_focal_point": False,
                }
            )
            enrolments.append({"course_id": course, "user_id": user_id, "role": "participant", "created_at": now})
            user_id += 1
            per_course_rest += 1
    db.session.execute(insert(User), users)
    for row in courses:
        row.setdefault("parent_course_id", None)
        row.setdefault("created_by_id", None)
    db.session.execute(insert(Course), courses)
    db.session.execute(insert(Enrolment), enrolments)
    db.session.execute(insert(Certificate), certificates)
    db.session.commit()
    return len(users), len(courses)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/reach.sqlite3"})
        with app.app_context():
            from trainer.accounts.services import create_user
            from trainer.extensions import db

            flask_migrate.upgrade()
            people, courses = build(db, args.people)
            create_user("coordinator@bench.example.org", "C", "a long enough password", is_coordinator=True)
            db.session.commit()
            engine = db.engine
        client = app.test_client()
        client.post(
            "/accounts/login", data={"email": "coordinator@bench.example.org", "password": "a long enough password"}
        )
        statements = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
        client.get("/reach/")
        queries = len(statements)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get("/reach/")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200
        print(f"trainer reach bench · SQLite · {people} people, {courses} courses, 5 generations")
        print(
            f"  reach page: median {statistics.median(times) * 1000:.0f} ms over 5 requests, "
            f"{queries} SQL queries, {len(response.data) / 1024:.0f} KiB of HTML"
        )


if __name__ == "__main__":
    main()
