"""Shared by the bench scripts: a seeded database, gunicorn on a free loopback port, and a
small HTTP client that keeps its connection and session cookie. Everything runs on 127.0.0.1
and stops by itself; only processes started here are stopped, by their process id."""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        FLASK_APP="trainer",
        TRAINER_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_SECURE="0",
        RATELIMIT_ENABLED="0",
        PYTHONPATH=str(ROOT),
    )
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def sqlite_database():
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.sqlite3"


@dataclass
class Server:
    port: int
    pid: int  # gunicorn's master; its children are the workers

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_peak_memory(self) -> list[int]:
        """Each worker's resident-set high-water mark (VmHWM) in bytes, Linux only."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            if match := re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE):
                peaks.append(int(match.group(1)) * 1024)
        return peaks


@contextmanager
def gunicorn_server(env: dict, workers: int = 2, app: str = "wsgi:app", path: Path | None = None):
    """gunicorn on a free loopback port; yields a Server (port and master pid), stops it by its pid.

    :param app: what gunicorn serves; `path`, a folder put first on PYTHONPATH to find it.
    """
    port = free_port()
    if path is not None:
        env = {**env, "PYTHONPATH": os.pathsep.join([str(path), env.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield Server(port, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


@contextmanager
def gunicorn(env: dict, workers: int = 2):
    with gunicorn_server(env, workers) as server:
        yield server.port


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server's bin folder (Debian's layout), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


@contextmanager
def postgres_cluster():
    """A throwaway PostgreSQL cluster, as scripts/with-postgres.sh makes one: a temporary folder,
    127.0.0.1 and a free port, trust authentication for the user `trainer`, run as the `postgres`
    user when we are root. Yields a function database(name) -> URL that creates that database.
    Stopped (by the postmaster's pid) and deleted at the end."""
    pgbin = postgres_bin()
    if pgbin is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/with-postgres.sh installs Debian's package)")
    work = Path(tempfile.mkdtemp(prefix="trainer-bench-pg."))
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(
        [
            *as_pg,
            str(pgbin / "initdb"),
            "-D",
            str(work / "data"),
            "-U",
            "trainer",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        **quiet,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {work} -c max_connections=200"
    subprocess.run(
        [
            *as_pg,
            str(pgbin / "pg_ctl"),
            "-D",
            str(work / "data"),
            "-l",
            str(work / "server.log"),
            "-w",
            "-o",
            options,
            "start",
        ],
        **quiet,
    )
    pid = int((work / "data" / "postmaster.pid").read_text().split()[0])

    def database(name: str) -> str:
        subprocess.run(
            [*as_pg, str(pgbin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "trainer", name], **quiet
        )
        return f"postgresql+psycopg://trainer@127.0.0.1:{port}/{name}"

    database.pid = pid  # the postmaster, whose children are the backends
    try:
        yield database
    finally:
        os.kill(pid, signal.SIGINT)  # the "fast" shutdown: roll back open transactions, stop
        for _ in range(300):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        shutil.rmtree(work, ignore_errors=True)


def postgres_version() -> str:
    pgbin = postgres_bin()
    if pgbin is None:
        return "not installed"
    output = subprocess.run([str(pgbin / "postgres"), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"\d+(\.\d+)+", output)  # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    return match.group(0) if match else output.strip()


def _process_tree(roots: list[int]) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, added = set(roots), True
    while added:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        added = bool(children)
    return list(tree)


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, all threads
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every CPU since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


class OthersMeter:
    """How much of the machine's CPU other processes used while we measured (Linux only): the bench
    shares a small machine, and a figure taken while something else ran is worth less."""

    def __init__(self, roots: list[int]):
        self.roots = roots

    def __enter__(self) -> "OthersMeter":
        self.pids = _process_tree(self.roots)
        self.ours, (self.busy, self.all) = _cpu_ticks(self.pids), _machine_ticks()
        self.share = 0.0
        return self

    def __exit__(self, *exc) -> None:
        # Processes started meanwhile (a new database backend) count whole: all their time is in the window.
        ours = _cpu_ticks(_process_tree(self.roots)) - self.ours
        busy, every = _machine_ticks()
        elapsed = every - self.all
        self.share = max(0.0, (busy - self.busy - ours) / elapsed) if elapsed else 0.0


class Client:
    def __init__(self, port: int, cookie: str = ""):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = cookie
        self.token = ""  # a CSRF token for this client's session, when it posts forms

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, dict]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";")[0]
        return response.status, payload, dict(response.getheaders())

    def sign_in(self, email: str, password: str) -> None:
        _, page, _ = self.request("GET", "/accounts/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        status, _, _ = self.request(
            "POST", "/accounts/login", {"email": email, "password": password, "csrf_token": token}
        )
        if status != 302:
            raise RuntimeError(f"sign-in as {email} failed: {status}")


@dataclass
class Figures:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    def line(self, label: str, baseline: "Figures | None" = None) -> str:
        ratio = f"  {self.rps / baseline.rps:5.0%} of trivial" if baseline else ""
        return (
            f"{label:<28} {self.rps:8.1f} req/s  p50 {self.percentile(0.5):6.1f} ms  "
            f"p95 {self.percentile(0.95):6.1f} ms  errors {self.errors}{ratio}"
        )


def hammer(port: int, path: str, cookie: str, total: int = 1500, concurrency: int = 8) -> Figures:
    """GET `path` `total` times from `concurrency` threads, each on its own kept-alive connection."""
    return hammer_with(
        [Client(port, cookie) for _ in range(concurrency)], lambda client, n: ("GET", path, None, None), total
    )


def hammer_with(clients: list["Client"], make_request, total: int, expect: tuple[int, ...] = ()) -> Figures:
    """Send `total` requests, shared among `clients` (one thread each, on its own connection).

    :param make_request: (client, n) -> (method, path, form or None, headers or None); n counts
        that client's requests, e.g. to alternate a write.
    :param expect: statuses that count as success (default: anything below 400).
    """
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = max(1, total // len(clients))

    def worker(client: Client):
        nonlocal errors
        mine = []
        bad = 0
        for n in range(per_thread):
            method, path, form, headers = make_request(client, n)
            started = time.perf_counter()
            status, _, _ = client.request(method, path, form, headers)
            mine.append(time.perf_counter() - started)
            bad += status not in expect if expect else status >= 400
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(len(latencies), time.perf_counter() - started, latencies, errors)


def median(values: list[float]) -> float:
    return statistics.median(values)
