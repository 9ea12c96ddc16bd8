"""Shared by the bench scripts: a seeded database, gunicorn on a free loopback port, and a
small HTTP client that keeps its connection and session cookie. Everything runs on 127.0.0.1
and stops by itself; only processes started here are stopped, by their process id."""

import http.client
import os
import re
import secrets
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


@contextmanager
def gunicorn(env: dict, workers: int = 2):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
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
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


class Client:
    def __init__(self, port: int, cookie: str = ""):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = cookie

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, dict]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
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
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = total // concurrency

    def worker():
        nonlocal errors
        client = Client(port, cookie)
        mine = []
        bad = 0
        for _ in range(per_thread):
            started = time.perf_counter()
            status, _, _ = client.request("GET", path)
            mine.append(time.perf_counter() - started)
            bad += status >= 400
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figures(len(latencies), time.perf_counter() - started, latencies, errors)


def median(values: list[float]) -> float:
    return statistics.median(values)
