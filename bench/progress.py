"""Progress at scale, on gunicorn (4 workers): dashboard latency and concurrent progress marks.

1. Seeds a course with 50, 500 and 5,000 participants (bench/seeding.py: organisations, groups,
   progress, attendance) and times the trainer's dashboard (p50/p95 over repeated requests).
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
from seeding import PASSWORD, seed  # noqa: E402

CHAPTER = "/modules/module-4/what-is-decentralized-cooperation"


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
            seed(url, size, env["SECRET_KEY"])
            with gunicorn(env, workers=4) as port:
                p50, p95 = dashboard(port, args.requests)
            print(f"  dashboard, {size:>5} participants: p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        seed(url, args.concurrent, env["SECRET_KEY"], progress=False)  # nobody has marked the section yet
        with gunicorn(env, workers=4) as port:
            errors, seconds = concurrent_marks(port, args.concurrent)
        kept = kept_marks(url)
        print(
            f"  {args.concurrent} participants mark a section at the same moment: {errors} errors, "
            f"{kept} of {args.concurrent} marks kept, {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
