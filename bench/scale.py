"""Speed and scale (issue 9): every main page at 50, 500 and 5,000 participants, on SQLite and on
PostgreSQL, served by gunicorn with 4 workers on 127.0.0.1.

For each engine and size: a fresh database built by the migrations, a course seeded in bulk
(organisations, groups, progress, attendance: bench/seeding.py), then
- requests per second and p50/p95 latency, from 8 kept-alive client connections, for a trivial
  route (/healthz), two floors only the bench serves (bench/floor.py: a signed-in request that
  renders nothing, the site's layout around an empty page), a chapter page, the participant's
  course page, the trainer's dashboard, the personal calendar feed (a full 200 and a conditional
  request answered 304) and a progress mark (a POST with its CSRF token); each as a share of the
  trivial route's throughput in that run;
- the same routes' p50/p95 for one client alone (requests one after another);
- SQL statements per request, counted in process (SQLAlchemy event) against the same database,
  and whether that count is the same at every size;
- each gunicorn worker's peak resident memory (VmHWM).
PostgreSQL is a throwaway cluster started and stopped here (as scripts/with-postgres.sh does).
The figures, the machine and the versions go into docs/performance.md between the markers.

Run: `make bench`, or `.venv/bin/python bench/scale.py [--engines sqlite,postgresql]
[--sizes 50,500,5000] [--quick] [--no-docs]`. Figures are printed, never asserted.
"""

import argparse
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import (  # noqa: E402
    ROOT,
    Client,
    Figures,
    OthersMeter,
    app_env,
    flask,
    gunicorn_server,
    hammer_with,
    postgres_cluster,
    postgres_version,
)
from seeding import PASSWORD, Seeded, participant_email, seed  # noqa: E402

BENCH = Path(__file__).resolve().parent
CHAPTER = "/modules/module-4/what-is-decentralized-cooperation"
SECTIONS = ["unpacking", "principles", "legal-framework", "evolution", "dc-bicycle", "summary"]
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
BEGIN = "<!-- bench/scale.py: generated from here to the end marker; `make bench` rewrites it -->"
END = "<!-- end of bench/scale.py -->"
CONNECTIONS = 8
WORKERS = 4
TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Route:
    key: str
    label: str
    share: float  # of the requests a cheap route gets (slow pages get fewer, to keep the run short)


ROUTES = [
    Route("trivial", "trivial route `/healthz`", 1),
    Route("signed_in", "floor: signed-in reader, no page (bench only)", 1),
    Route("layout", "floor: the site's layout, empty (bench only)", 1),
    Route("chapter", "chapter page", 1),
    Route("course", "participant's course page", 1),
    Route("dashboard", "trainer's dashboard", 0.15),
    Route("feed", "calendar feed, full (200)", 1),
    Route("feed304", "calendar feed, conditional (304)", 1),
    Route("mark", "progress mark (POST)", 0.5),
]


@dataclass
class Result:
    engine: str
    size: int
    loaded: dict[str, Figures] = field(default_factory=dict)
    alone: dict[str, Figures] = field(default_factory=dict)
    queries: dict[str, int] = field(default_factory=dict)
    memory: list[int] = field(default_factory=list)
    not_modified: tuple[int, int] = (0, 0)  # (304s, conditional requests)
    others: dict[str, float] = field(default_factory=dict)  # share of the machine's CPU used by others


# -- what each route sends ------------------------------------------------------------------


def csrf_token(page: bytes) -> str:
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1).decode()


def request_for(route: str, seeded: Seeded, etag: str):
    """(client, n) -> (method, path, form, headers) for a route."""
    feed = f"/calendar/{seeded.feed_token}.ics"
    if route == "trivial":
        return lambda client, n: ("GET", "/healthz", None, None)
    if route == "signed_in":
        return lambda client, n: ("GET", "/bench/signed-in", None, None)
    if route == "layout":
        return lambda client, n: ("GET", "/bench/layout", None, None)
    if route == "chapter":
        return lambda client, n: ("GET", CHAPTER, None, None)
    if route == "course":
        return lambda client, n: ("GET", f"/courses/{seeded.course_id}/", None, None)
    if route == "dashboard":
        return lambda client, n: ("GET", f"/courses/{seeded.course_id}/progress/", None, None)
    if route == "feed":
        return lambda client, n: ("GET", feed, None, None)
    if route == "feed304":
        return lambda client, n: ("GET", feed, None, {"If-None-Match": etag})
    if route == "mark":
        # Each client is its own participant; it marks a section, then unmarks it: every request writes.
        def mark(client: Client, n: int):
            section = SECTIONS[(n // 2) % len(SECTIONS)]
            form = {"done": "0" if n % 2 else "1", "csrf_token": client.token}
            return "POST", f"{CHAPTER}/sections/{section}", form, None

        return mark
    raise ValueError(route)


EXPECT = {"feed304": (304,), "mark": (302,)}


def signed_in(port: int, email: str) -> Client:
    client = Client(port)
    client.sign_in(email, PASSWORD)
    _status, page, _headers = client.request("GET", CHAPTER)
    client.token = csrf_token(page)
    return client


def clients_for(route: str, port: int, seeded: Seeded, sessions: dict[str, Client]) -> list[Client]:
    if route in ("trivial", "feed", "feed304"):
        return [Client(port) for _ in range(CONNECTIONS)]
    if route == "mark":
        return [signed_in(port, participant_email(10 + i)) for i in range(CONNECTIONS)]
    who = sessions["trainer" if route == "dashboard" else "participant"]
    return [Client(port, who.cookie) for _ in range(CONNECTIONS)]


# -- one engine and size --------------------------------------------------------------------


def count_queries(database_url: str, secret_key: str, seeded: Seeded, etag: str) -> dict[str, int]:
    """SQL statements per request, in process with the production settings, after one warm-up request."""
    from floor import make_app
    from sqlalchemy import event

    from config import ProductionConfig
    from trainer import create_app
    from trainer.extensions import db

    app = create_app(
        ProductionConfig,
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secret_key,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
        },
    )
    make_app(app)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    counts = {}
    for who in ("participant", "trainer"):
        client = app.test_client()
        token = csrf_token(client.get("/accounts/login").data)
        email = seeded.trainer_email if who == "trainer" else seeded.participant_email
        response = client.post("/accounts/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.status_code
        token = csrf_token(client.get(CHAPTER).data)
        routes = ["dashboard"] if who == "trainer" else [r.key for r in ROUTES if r.key != "dashboard"]
        for route in routes:
            method, path, form, headers = request_for(route, seeded, etag)(SimpleNamespace(token=token), 0)
            for _attempt in ("warm-up", "counted"):  # the counted one is the second
                statements.clear()
                event.listen(engine, "before_cursor_execute", record)
                try:
                    response = client.open(path, method=method, data=form, headers=headers or {})
                finally:
                    event.remove(engine, "before_cursor_execute", record)
                assert response.status_code in EXPECT.get(route, (200,)), (route, response.status_code)
            counts[route] = len(statements)
    engine.dispose()
    return counts


def measure(engine: str, database_url: str, size: int, requests: int, alone: int, postmaster: int | None) -> Result:
    env = app_env(database_url)
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    seeded = seed(database_url, size, env["SECRET_KEY"])
    print(f"\n{engine}, {size:,} participants (seeded in {time.perf_counter() - started:.1f} s)", flush=True)
    result = Result(engine, size)
    with gunicorn_server(env, WORKERS, app="floor:make_app()", path=BENCH) as server:
        sessions = {"participant": signed_in(server.port, seeded.participant_email)}
        sessions["trainer"] = signed_in(server.port, seeded.trainer_email)
        _s, _b, headers = Client(server.port).request("GET", f"/calendar/{seeded.feed_token}.ics")
        etag = headers["ETag"]
        for route in ROUTES:
            clients = clients_for(route.key, server.port, seeded, sessions)
            make = request_for(route.key, seeded, etag)
            expect = EXPECT.get(route.key, ())
            # Warm-up on every connection: each worker loads what it caches (chapter bodies, name keys).
            hammer_with(clients, make, 3 * CONNECTIONS, expect)
            ours = [os.getpid(), server.pid] + ([postmaster] if postmaster else [])
            with OthersMeter(ours) as others:
                result.loaded[route.key] = hammer_with(
                    clients, make, max(CONNECTIONS, int(requests * route.share)), expect
                )
                count = max(5, int(alone * (0.5 if route.key == "dashboard" else 1)))
                result.alone[route.key] = hammer_with(clients[:1], make, count, expect)
            result.others[route.key] = others.share
            figures = result.loaded[route.key]
            baseline = result.loaded["trivial"] if route.key != "trivial" else None
            print(f"{figures.line(route.label, baseline)}  (others used {others.share:.0%} CPU)", flush=True)
            if route.key == "feed304":
                result.not_modified = (figures.requests - figures.errors, figures.requests)
        result.memory = server.worker_peak_memory()
    result.queries = count_queries(database_url, env["SECRET_KEY"], seeded, etag)
    print(
        f"  conditional feed requests answered 304: {result.not_modified[0]} of {result.not_modified[1]}\n"
        f"  SQL statements per request: {', '.join(f'{k} {v}' for k, v in result.queries.items())}\n"
        f"  peak memory per worker (VmHWM): {', '.join(f'{m / 2**20:.0f} MiB' for m in result.memory)}",
        flush=True,
    )
    return result


@contextmanager
def databases(engines: list[str]):
    """engine -> a function size -> a new empty database URL; PostgreSQL's cluster lives for the whole run."""
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="trainer-bench."))
        makers = {"sqlite": lambda size: f"sqlite:///{folder}/bench-{size}.sqlite3"}
        postmaster = None
        if "postgresql" in engines:
            cluster = stack.enter_context(postgres_cluster())
            makers["postgresql"] = lambda size: cluster(f"bench_{size}")
            postmaster = cluster.pid
        yield makers, postmaster


# -- the report -----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists() and (match := re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)):
        cpu = match.group(1).strip()
    ram = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists() and (match := re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), re.MULTILINE)):
        ram = f"{int(match.group(1)) / 2**20:.0f} GiB"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores, {ram} RAM, {platform.system()} {platform.release()}",
        "versions": (
            f"Python {platform.python_version()}, Flask {version('flask')}, SQLAlchemy {version('sqlalchemy')}, "
            f"gunicorn {version('gunicorn')} (sync workers), psycopg {version('psycopg')}, "
            f"PostgreSQL {postgres_version()}, SQLite {sqlite3.sqlite_version}"
        ),
    }


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _by_engine(results: list[Result]) -> dict[str, list[Result]]:
    engines: dict[str, list[Result]] = {}
    for r in results:
        engines.setdefault(r.engine, []).append(r)
    return engines


def targets(results: list[Result]) -> list[str]:
    """Issue 9's four targets, each with the figures it was judged on."""
    lines = []
    for engine, mine in _by_engine(results).items():
        shares = [r.loaded["chapter"].rps / r.loaded["trivial"].rps for r in mine]
        floors = {
            key: ", ".join(f"{r.loaded[key].rps / r.loaded['trivial'].rps:.0%}" for r in mine)
            for key in ("signed_in", "layout")
        }
        lines.append(
            f"Chapter page at 50% or more of the trivial route's requests per second, {TITLES[engine]}: "
            + ", ".join(f"{share:.0%} at {r.size:,}" for share, r in zip(shares, mine, strict=True))
            + (": met." if all(share >= 0.5 for share in shares) else ": not met.")
            + f" The floors under it in the same runs: a signed-in request that renders nothing {floors['signed_in']};"
            f" the site's layout around an empty page {floors['layout']}."
        )
    for r in results:
        if r.engine == "postgresql" and r.size == 5000:
            alone, loaded = r.alone["dashboard"].percentile(0.95), r.loaded["dashboard"].percentile(0.95)
            lines.append(
                f"Dashboard at 5,000 participants under 500 ms p95 on PostgreSQL: {ms(alone)} for a trainer "
                f"alone ({'met' if alone < 500 else 'not met'}); {ms(loaded)} with {CONNECTIONS} requests "
                f"at a time on {WORKERS} workers ({'under' if loaded < 500 else 'over'} 500 ms under that load)."
            )
    got = sum(r.not_modified[0] for r in results)
    sent = sum(r.not_modified[1] for r in results)
    lines.append(
        f"Calendar feed answers 304 to a client that has the current version: {got:,} of {sent:,} conditional "
        f"requests, every engine and size ({'met' if sent and got == sent else 'not met'})."
    )
    for engine, mine in _by_engine(results).items():
        if len(mine) < 2:
            continue
        growing = [k for k in mine[0].queries if len({r.queries[k] for r in mine}) > 1]
        sizes = "/".join(f"{r.size:,}" for r in mine)
        lines.append(
            f"No page's query count grows with its rows, {TITLES[engine]} at {sizes}: "
            + ("met (the same count at every size)." if not growing else f"not met: {', '.join(growing)} grow.")
        )
    return lines


def report(results: list[Result], started: float, quick: bool) -> str:
    info = machine()
    labels = {route.key: route.label for route in ROUTES}
    shares = [share for r in results for share in r.others.values()]
    busy = [share for share in shares if share > 0.1]
    lines = [
        BEGIN,
        "",
        f"Generated by `bench/scale.py{' --quick' if quick else ''}` on {date.today().isoformat()} in "
        f"{(time.perf_counter() - started) / 60:.0f} min. Machine: {info['cpu']}. {info['versions']}.",
        "",
        "The last column is the share of the machine's CPU that other processes used while that route was "
        "measured. "
        + (
            f"Other work ran during {len(busy)} of the {len(shares)} measurements (up to {max(busy):.0%}): "
            "read those rows as rough."
            if busy
            else f"Other processes used at most {max(shares, default=0):.0%} during any measurement."
        ),
        "",
    ]
    for engine, mine in _by_engine(results).items():
        lines += [
            f"### {TITLES[engine]}",
            "",
            "| Participants | Route | req/s | p50 | p95 | share of trivial | alone p50 | alone p95 | SQL "
            "| others' CPU |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in mine:
            trivial = r.loaded["trivial"]
            for key, figures in r.loaded.items():
                alone = r.alone[key]
                lines.append(
                    f"| {r.size:,} | {labels[key]} | {figures.rps:,.0f} | {ms(figures.percentile(0.5))} | "
                    f"{ms(figures.percentile(0.95))} | {figures.rps / trivial.rps:.0%} | "
                    f"{ms(alone.percentile(0.5))} | {ms(alone.percentile(0.95))} | {r.queries.get(key, '?')} | "
                    f"{r.others.get(key, 0):.0%} |"
                )
        lines.append("")
        memory = "; ".join(f"{r.size:,}: " + ", ".join(f"{m / 2**20:.0f}" for m in r.memory) + " MiB" for r in mine)
        lines += [f"Peak resident memory of each of the {WORKERS} workers (VmHWM), by participants: {memory}.", ""]
    lines += ["Targets:", ""] + [f"- {line}" for line in targets(results)] + ["", END]
    return "\n".join(lines)


def write_docs(section: str) -> Path:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--requests", type=int, default=1200, help="per cheap route, from 8 connections")
    parser.add_argument("--alone", type=int, default=40, help="requests one after another, per route")
    parser.add_argument("--quick", action="store_true", help="a quarter of the requests (a smoke run)")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    sizes = [int(s) for s in args.sizes.split(",")]
    requests, alone = (args.requests // 4, args.alone // 4) if args.quick else (args.requests, args.alone)
    info = machine()
    print(f"trainer speed and scale · {info['cpu']}\n{info['versions']}")
    print(f"gunicorn {WORKERS} workers · {CONNECTIONS} client connections · engines {engines} · sizes {sizes}")
    started = time.perf_counter()
    results = []
    with databases(engines) as (makers, postmaster):
        for engine in engines:
            for size in sizes:
                pg = postmaster if engine == "postgresql" else None
                results.append(measure(engine, makers[engine](size), size, requests, alone, pg))
    section = report(results, started, args.quick)
    print("\n" + "\n".join(line for line in section.splitlines() if line.startswith("- ")))
    if not args.no_docs:
        print(f"\nwritten to {write_docs(section)}")


if __name__ == "__main__":
    main()
