"""Load and faults: 200 simulated participants on gunicorn (4 workers) and PostgreSQL, with faults.

Scenarios (`--scenario all` runs them in turn, each on a fresh database):

  plain             the load alone: zero 5xx, every acknowledged write is in the database, none doubled
  kill-worker       one gunicorn worker is SIGKILLed mid-run: the master replaces it, only the request
                    that worker was serving may fail (connection error), writes as in plain
  restart-postgres  PostgreSQL restarts under load (pg_ctl restart -m fast): only the requests in
                    flight fail (one per worker at most), later ones succeed on the same workers, and
                    every failed write left all of its effect or none; then it restarts again in a
                    lull, with nothing in flight, and no request may fail (pool_pre_ping)
  smtp-down         no SMTP server during the whole run while `flask mail send-outbox` runs every
                    15 s: it fails softly and keeps every message; then an SMTP server starts and each
                    message arrives exactly once (by Message-ID), with two senders running at once

Each participant signs in with its own session and loops: read a chapter (its CSRF token comes from
the page), mark a section studied or not (sometimes two at once, as a quick reader ticking boxes
with progress.js does), answer the chapter's exercise, fetch its own calendar feed (mostly
conditional, so 304). A coordinator registers a new person every second: a user, an enrolment, an
invitation and its email and an invitation to each upcoming session, in one transaction. Every
write is logged with its outcome, and the database is checked against the log afterwards.

    make load                                                   # every scenario, 120 s each
    .venv/bin/python bench/load.py --scenario kill-worker --duration 30
    .venv/bin/python bench/load.py --engine sqlite --scenario plain --participants 50

Loopback only; a hard timeout; every process started here is stopped by its pid.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import BIN, ROOT, app_env, free_port  # noqa: E402

SCENARIOS = ("plain", "kill-worker", "restart-postgres", "smtp-down")
PASSWORD = "load-password-1"
MODULE = "module-4"
WORKERS = 4
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
FEED = re.compile(r"/calendar/(\d+-[0-9a-f]{40})\.ics")
SENT = re.compile(r"(\d+) sent, (\d+) failed")


class HardTimeout(Exception):
    """The whole run took longer than --timeout; cleanup still runs."""


def log(message: str) -> None:
    print(message, flush=True)


# -- what happened: every exchange and every write, with its outcome ---------------------------------


@dataclass
class Exchange:
    """One HTTP request: its kind (chapter, mark, answer, feed, register...), when and how it ended."""

    kind: str
    started: float
    ended: float
    status: int | None  # None: no response (connection refused or reset, timeout)
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500


@dataclass
class Write:
    """A write a client asked for. Acknowledged when the server answered 2xx or 3xx."""

    kind: str  # section | answer | register
    key: tuple
    value: object  # section: done (bool); answer: the text; register: "full"
    started: float
    ended: float
    status: int | None
    error: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and self.status < 400


class Gate:
    """Lets the simulated people take their next step, or holds them before it: a lull, with nothing
    in flight (to restart PostgreSQL while every pooled connection is idle)."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.open = True
        self.busy = 0

    def enter(self, stop: threading.Event) -> bool:
        with self.condition:
            while not self.open:
                if stop.is_set():
                    return False
                self.condition.wait(0.2)
            self.busy += 1
            return True

    def leave(self) -> None:
        with self.condition:
            self.busy -= 1
            self.condition.notify_all()

    def hold(self, timeout: float) -> bool:
        """Close, then wait until every step under way has finished."""
        with self.condition:
            self.open = False
            return self.condition.wait_for(lambda: self.busy == 0, timeout)

    def release(self) -> None:
        with self.condition:
            self.open = True
            self.condition.notify_all()


class Clock:
    def __init__(self) -> None:
        self.zero = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.zero


# -- a browser: one person's session cookie, one connection per request --------------------------------


class Browser:
    """Gunicorn's sync workers close the connection after each response, so each request opens one."""

    def __init__(self, port: int, cookie: str = "", timeout: float = 60) -> None:
        self.port, self.cookie, self.timeout = port, cookie, timeout

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            sent = dict(headers or {})
            if self.cookie:
                sent["Cookie"] = self.cookie
            body = None
            if form is not None:
                body = urlencode(form)
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            payload = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";")[0]
            return response.status, payload, response
        finally:
            connection.close()

    def sign_in(self, email: str) -> None:
        _status, page, _r = self.request("GET", "/accounts/login")
        token = CSRF.search(page).group(1).decode()
        status, _b, _r = self.request(
            "POST", "/accounts/login", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        if status != 302:
            raise RuntimeError(f"sign-in as {email} failed: {status}")


def csrf_token(page: bytes) -> str | None:
    match = CSRF.search(page)
    return match.group(1).decode() if match else None


# -- the course as the checks see it ------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterShape:
    sections: tuple[str, ...]
    exercises: tuple[str, ...]  # individual exercises (answered on the chapter page)
    version: str


@dataclass
class Layout:
    """What the load and the checks need to know: the course, its chapters, its people."""

    course_id: int
    chapters: dict[str, ChapterShape]
    upcoming_sessions: int
    participants: list[tuple[int, str]] = field(default_factory=list)  # (user id, email)
    coordinator: str = ""
    # Progress made before the run: (user id, chapter, section) marked, (user id, exercise) answered.
    marked: set[tuple[int, str, str]] = field(default_factory=set)
    answered: dict[tuple[int, str], str] = field(default_factory=dict)


def seed(database_url: str, participants: int) -> Layout:
    """A running course of Module 4 with `participants` people, a coordinator and three sessions to come.

    The course is under way: each participant has finished a few chapters and is one to three sections
    from the end of the next, so the load completes chapters (and unticks completed ones) all the time.
    """
    from datetime import UTC, datetime, timedelta
    from datetime import time as clock_time

    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from config import TestingConfig
    from trainer import create_app
    from trainer.accounts.models import User
    from trainer.content.registry import get_registry
    from trainer.courses.models import Course, CourseStatus, Enrolment, EnrolmentRole
    from trainer.extensions import db
    from trainer.progress.models import ChapterProgress, ExerciseAnswer, SectionProgress
    from trainer.schedule.planning import SessionDraft
    from trainer.schedule.services import save_session

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        # A cheap hash: 200 sign-ins must not be the load being measured.
        password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        now = datetime.now(UTC)
        course = Course(title="Load course", module_slug=MODULE, timezone="Asia/Jakarta", status=CourseStatus.RUNNING)
        coordinator = User(
            email="coordinator@load.example.org", name="Coordinator", password_hash=password, is_coordinator=True
        )
        people = [
            User(
                email=f"p{i:04d}@load.example.org",
                name=f"Participant {i:04d}",
                password_hash=password,
                country=("ID", "PH", "NP", "TH")[i % 4],
                joined_at=now,
            )
            for i in range(participants)
        ]
        db.session.add_all([course, coordinator, *people])
        db.session.flush()
        db.session.add_all(Enrolment(course_id=course.id, user_id=p.id, role=EnrolmentRole.PARTICIPANT) for p in people)
        today = now.date()
        for n in (1, 2, 3):
            draft = SessionDraft(f"Day {n}", today + timedelta(days=7 * n), clock_time(9), clock_time(12))
            save_session(course, draft)
        module = get_registry().module(MODULE)
        marked, answered, opened = _progress_so_far([p.id for p in people], module.chapters)
        db.session.execute(
            insert(SectionProgress),
            [
                {"user_id": u, "module_slug": MODULE, "chapter_slug": c, "section_id": s, "version": v, "done_at": now}
                for u, c, s, v in marked
            ],
        )
        db.session.execute(
            insert(ExerciseAnswer),
            [
                {"user_id": u, "module_slug": MODULE, "exercise_id": e, "text": t, "updated_at": now}
                for (u, e), t in answered.items()
            ],
        )
        db.session.execute(
            insert(ChapterProgress),
            [
                {
                    "user_id": u,
                    "module_slug": MODULE,
                    "chapter_slug": c,
                    "first_opened_at": now,
                    "completed_at": now if v else None,
                    "completed_version": v,
                }
                for u, c, v in opened
            ],
        )
        db.session.commit()
        layout = Layout(
            course_id=course.id,
            chapters=chapter_shapes(module),
            upcoming_sessions=3,
            participants=[(p.id, p.email) for p in people],
            coordinator=coordinator.email,
            marked={(u, c, s) for u, c, s, _v in marked},
            answered=answered,
        )
        db.engine.dispose()
    return layout


def chapter_shapes(module) -> dict[str, ChapterShape]:
    from trainer.progress.study import individual_exercises

    return {
        c.slug: ChapterShape(tuple(s.id for s in c.sections), tuple(e.id for e in individual_exercises(c)), c.version)
        for c in module.chapters
    }


def _progress_so_far(user_ids: list[int], chapters) -> tuple[list, dict, list]:
    """Participant n has finished n % 4 chapters and has 1 to 3 sections left in the next one (its
    exercise answered or not): rows for section_progress, exercise_answers and chapter_progress."""
    from trainer.progress.study import individual_exercises

    marked, answered, opened = [], {}, []
    for n, user in enumerate(user_ids):
        finished = n % 4
        for index, chapter in enumerate(chapters[: finished + 1]):
            current = index == finished
            sections = chapter.sections[: -(1 + n % 3)] if current else chapter.sections
            marked += [(user, chapter.slug, section.id, chapter.version) for section in sections]
            if not current or n % 2:
                for exercise in individual_exercises(chapter):
                    answered[(user, exercise.id)] = f"Seeded answer of user {user}."
            opened.append((user, chapter.slug, None if current else chapter.version))
    return marked, answered, opened


# -- the simulated people -------------------------------------------------------------------------------


class Participant:
    """Reads, marks, answers and fetches its feed until told to stop; logs every exchange and write."""

    def __init__(self, port: int, user_id: int, email: str, layout: Layout, clock: Clock, seed: int, think: float):
        self.port, self.user_id, self.email, self.layout, self.clock = port, user_id, email, layout, clock
        self.rng = random.Random(seed)
        self.think = think
        self.browser = Browser(port)
        self.exchanges: list[Exchange] = []
        self.writes: list[Write] = []
        self.anomalies: list[str] = []
        # What this person believes is marked and answered, starting from the seeded progress.
        self.done: set[tuple[str, str]] = {(c, s) for u, c, s in layout.marked if u == user_id}
        self.answered: set[str] = {e for u, e in layout.answered if u == user_id}
        self.answers = 0
        self.feed = ""
        self.etag = ""
        self.gate = Gate()

    def prepare(self) -> None:
        self.browser.sign_in(self.email)
        status, page, _r = self.browser.request("GET", "/calendar/")
        match = FEED.search(page.decode())
        if status != 200 or not match:
            raise RuntimeError(f"no calendar link for {self.email}: {status}")
        self.feed = f"/calendar/{match.group(1)}.ics"

    def call(self, browser: Browser, kind: str, method: str, path: str, form=None, headers=None):
        started = self.clock.now()
        try:
            status, body, response = browser.request(method, path, form, headers)
        except (OSError, http.client.HTTPException) as error:
            self.exchanges.append(Exchange(kind, started, self.clock.now(), None, type(error).__name__))
            return None, b"", None
        self.exchanges.append(Exchange(kind, started, self.clock.now(), status))
        return status, body, response

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set() and self.gate.enter(stop):
                try:
                    self.step()
                finally:
                    self.gate.leave()
                stop.wait(self.rng.uniform(0, self.think))
        except Exception as error:  # a simulated person that stops must fail the run, not go quiet
            self.anomalies.append(f"user {self.user_id} stopped: {type(error).__name__}: {error}")

    def current_chapter(self) -> str:
        """The first chapter with something left to do: where a reader carries on."""
        for slug, shape in self.layout.chapters.items():
            if any((slug, s) not in self.done for s in shape.sections) or set(shape.exercises) - self.answered:
                return slug
        return self.rng.choice(list(self.layout.chapters))

    def step(self) -> None:
        if self.rng.random() < 0.7:
            slug = self.current_chapter()
        else:
            slug = self.rng.choice(list(self.layout.chapters))
        shape = self.layout.chapters[slug]
        status, page, _r = self.call(self.browser, "chapter", "GET", f"/modules/{MODULE}/{slug}")
        token = csrf_token(page) if status == 200 else None
        if token:
            roll = self.rng.random()
            if roll < 0.55:
                self.mark(self.browser, slug, self.pick_section(slug), token, json_reply=self.rng.random() < 0.5)
            elif roll < 0.75:
                self.quick_ticks(slug, token)
            elif shape.exercises:
                # Mostly the exercise still open; sometimes a second thought on an answer given.
                open_ = [e for e in shape.exercises if e not in self.answered]
                self.answer(slug, self.rng.choice(open_ or list(shape.exercises)), token)
        self.fetch_feed()

    def pick_section(self, slug: str, other_than: str = "") -> tuple[str, bool]:
        sections = [s for s in self.layout.chapters[slug].sections if s != other_than]
        todo = [s for s in sections if (slug, s) not in self.done]
        # Mostly ticking what is left; now and then unticking, which clears a completed chapter.
        if todo and self.rng.random() > 0.15:
            return self.rng.choice(todo), True
        section = self.rng.choice(sections)
        return section, (slug, section) not in self.done

    def mark(self, browser: Browser, slug: str, choice: tuple[str, bool], token: str, json_reply: bool) -> None:
        section, done = choice
        headers = {"Accept": "application/json"} if json_reply else {}
        started = self.clock.now()
        status, body, _r = self.call(
            browser,
            "mark",
            "POST",
            f"/modules/{MODULE}/{slug}/sections/{section}",
            {"csrf_token": token, "done": "1" if done else "0"},
            headers,
        )
        write = Write("section", (self.user_id, slug, section), done, started, self.clock.now(), status)
        self.writes.append(write)
        if write.acknowledged:
            if json_reply and json.loads(body).get("done") is not done:
                self.anomalies.append(f"user {self.user_id} {slug}/{section}: asked done={done}, replied {body!r}")
            (self.done.add if done else self.done.discard)((slug, section))

    def quick_ticks(self, slug: str, token: str) -> None:
        """Two sections of one chapter at once, as progress.js sends them when boxes are ticked quickly."""
        first = self.pick_section(slug)
        second = self.pick_section(slug, other_than=first[0])
        twin = Browser(self.port, self.browser.cookie)
        other = threading.Thread(target=self.mark, args=(twin, slug, second, token, True))
        other.start()
        self.mark(self.browser, slug, first, token, True)
        other.join()

    def answer(self, slug: str, exercise: str, token: str) -> None:
        self.answers += 1
        text = f"Answer {self.answers} of user {self.user_id}: our city would start with one partner."
        started = self.clock.now()
        status, _b, _r = self.call(
            self.browser,
            "answer",
            "POST",
            f"/modules/{MODULE}/{slug}/exercises/{exercise}",
            {"csrf_token": token, "answer": text},
        )
        write = Write("answer", (self.user_id, exercise), text, started, self.clock.now(), status)
        self.writes.append(write)
        if write.acknowledged:
            self.answered.add(exercise)

    def fetch_feed(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag and self.rng.random() < 0.75 else {}
        status, _body, response = self.call(self.browser, "feed", "GET", self.feed, headers=headers)
        if status == 200:
            self.etag = response.getheader("ETag") or ""


class Coordinator:
    """Registers a new person every `interval` seconds through the People page."""

    def __init__(self, port: int, layout: Layout, clock: Clock, interval: float = 1.0):
        self.layout, self.clock, self.interval = layout, clock, interval
        self.browser = Browser(port)
        self.exchanges: list[Exchange] = []
        self.writes: list[Write] = []
        self.anomalies: list[str] = []
        self.registered = 0
        self.gate = Gate()

    def prepare(self) -> None:
        self.browser.sign_in(self.layout.coordinator)

    def run(self, stop: threading.Event) -> None:
        try:
            self.register_until(stop)
        except Exception as error:  # as for participants: reported, not silent
            self.anomalies.append(f"the coordinator stopped: {type(error).__name__}: {error}")

    def register_until(self, stop: threading.Event) -> None:
        path = f"/courses/{self.layout.course_id}/people/new"
        while not stop.is_set() and self.gate.enter(stop):
            try:
                self.register_once(path)
            finally:
                self.gate.leave()
            stop.wait(self.interval)

    def register_once(self, path: str) -> None:
        """The People page's form, then the registration it sends."""
        started = self.clock.now()
        try:
            status, page, _r = self.browser.request("GET", path)
        except (OSError, http.client.HTTPException) as error:
            self.exchanges.append(Exchange("register-form", started, self.clock.now(), None, type(error).__name__))
            return
        self.exchanges.append(Exchange("register-form", started, self.clock.now(), status))
        token = csrf_token(page) if status == 200 else None
        if token:
            self.register(path, token)

    def register(self, path: str, token: str) -> None:
        self.registered += 1
        email = f"new{self.registered:04d}@load.example.org"
        form = {
            "csrf_token": token,
            "name": f"Newcomer {self.registered:04d}",
            "email": email,
            "organisation": "",
            "organisation_kind": "city",
            "position": "",
            "country": "ID",
            "timezone": "",
            "language": "en",
            "role": "participant",
        }
        started = self.clock.now()
        try:
            status, _b, _r = self.browser.request("POST", path, form)
            error = ""
        except (OSError, http.client.HTTPException) as exc:
            status, error = None, type(exc).__name__
        ended = self.clock.now()
        self.exchanges.append(Exchange("register", started, ended, status, error))
        self.writes.append(Write("register", (email,), "full", started, ended, status, error))


# -- the checks: the database against the log of writes ------------------------------------------------


@dataclass
class Verdict:
    acknowledged: int = 0
    failed: int = 0
    keys: int = 0
    superseded: int = 0  # acknowledged writes overwritten later by the same person: not checkable alone
    lost: list[str] = field(default_factory=list)  # an acknowledged state missing
    unexpected: list[str] = field(default_factory=list)  # a state nobody asked for
    doubled: list[str] = field(default_factory=list)
    half_written: list[str] = field(default_factory=list)
    failed_applied: int = 0
    failed_not_applied: int = 0
    failed_undecidable: int = 0  # the failed write would not have changed anything, or a later write hides it
    rows: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # table: (certain, uncertain, found)
    completed: int = 0  # chapters recorded as completed at the end

    @property
    def problems(self) -> list[str]:
        return self.lost + self.unexpected + self.doubled + self.half_written

    @property
    def found(self) -> int:
        """Acknowledged writes whose effect is the final state of their key, found in the database."""
        return self.acknowledged - self.superseded - len(self.lost)


DUPLICATE_QUERIES = {
    "section_progress": "SELECT user_id, chapter_slug, section_id, count(*) FROM section_progress "
    "GROUP BY user_id, module_slug, chapter_slug, section_id HAVING count(*) > 1",
    "chapter_progress": "SELECT user_id, chapter_slug, count(*) FROM chapter_progress "
    "GROUP BY user_id, module_slug, chapter_slug HAVING count(*) > 1",
    "exercise_answers": "SELECT user_id, exercise_id, count(*) FROM exercise_answers "
    "GROUP BY user_id, module_slug, exercise_id HAVING count(*) > 1",
    "enrolments": "SELECT course_id, user_id, count(*) FROM enrolments GROUP BY course_id, user_id HAVING count(*) > 1",
    "users": "SELECT lower(email), count(*) FROM users GROUP BY lower(email) HAVING count(*) > 1",
    "outbox": "SELECT dedupe_key, count(*) FROM outbox WHERE dedupe_key IS NOT NULL "
    "GROUP BY dedupe_key HAVING count(*) > 1",
    "invitations": "SELECT user_id, count(*) FROM invitations GROUP BY user_id HAVING count(*) > 1",
    "invitation mail": "SELECT user_id, count(*) FROM outbox WHERE kind = 'invitation' "
    "GROUP BY user_id HAVING count(*) > 1",
}


def check_database(connection, writes: Iterable[Write], layout: Layout) -> Verdict:
    """Compare the database with what clients were told.

    Per key (a person's section, a person's answer, a registered email) the writes are in the order
    the person sent them. The final state must be the last acknowledged value, or the value of a
    failed write sent after it (a failed request may have committed before its response was lost).
    Keys nobody wrote must be untouched. Derived rows must agree with what they derive from, and a
    registration is all of its rows or none.

    :param connection: a SQLAlchemy connection to the database the app used.
    """
    from sqlalchemy import text

    def rows(sql: str, **params) -> list:
        return list(connection.execute(text(sql), params))

    verdict = Verdict()
    writes = list(writes)
    verdict.acknowledged = sum(w.acknowledged for w in writes)
    verdict.failed = len(writes) - verdict.acknowledged

    sections = {(u, c, s) for u, c, s in rows("SELECT user_id, chapter_slug, section_id FROM section_progress")}
    answers = {(u, e): t for u, e, t in rows("SELECT user_id, exercise_id, text FROM exercise_answers")}
    chapters = {
        (u, c): (done is not None, version)
        for u, c, done, version in rows(
            "SELECT user_id, chapter_slug, completed_at, completed_version FROM chapter_progress"
        )
    }
    registrations = _registrations(rows, layout)

    def initial(kind: str, key: tuple):
        if kind == "section":
            return key in layout.marked
        if kind == "answer":
            return layout.answered.get(key)
        return "none"

    def state(kind: str, key: tuple):
        if kind == "section":
            return key in sections
        if kind == "answer":
            return answers.get(key)
        return registrations.get(key[0], "none")

    by_key: dict[tuple, list[Write]] = defaultdict(list)
    for write in sorted(writes, key=lambda w: w.started):
        by_key[(write.kind, write.key)].append(write)
    verdict.keys = len(by_key)
    certain: dict[str, int] = defaultdict(int)
    uncertain: dict[str, int] = defaultdict(int)
    for (kind, key), ops in by_key.items():
        found = state(kind, key)
        acked = [i for i, op in enumerate(ops) if op.acknowledged]
        last = acked[-1] if acked else -1
        verdict.superseded += max(0, len(acked) - 1)
        before = ops[last].value if acked else initial(kind, key)
        possible = {before} | {op.value for op in ops[last + 1 :]}
        if found == "partial":
            verdict.half_written.append(f"registration of {key[0]}: some of its rows only")
        elif found not in possible:
            where = f"{kind} {key}: database has {found!r}"
            if acked:
                verdict.lost.append(f"{where}, acknowledged {ops[last].value!r} (and nothing failed after it)")
            else:
                verdict.unexpected.append(f"{where}, no write asked for it")
        truthy = {v for v in possible if v not in (False, None, "none")}
        if len(possible) == 1 and truthy:
            certain[kind] += 1
        elif truthy:
            uncertain[kind] += 1
        if last < len(ops) - 1:  # a failed write after the last acknowledged one
            tail = ops[last + 1 :]
            if len(tail) == 1 and tail[0].value != before:
                if found == tail[0].value:
                    verdict.failed_applied += 1
                else:
                    verdict.failed_not_applied += 1
            else:
                verdict.failed_undecidable += len(tail)
        verdict.failed_undecidable += sum(not op.acknowledged for op in ops[: max(last, 0)])

    # What nobody wrote during the run is as it was seeded.
    written = set(by_key)
    for key in (sections | layout.marked) - {k for kind, k in written if kind == "section"}:
        certain["section"] += key in layout.marked
        if (key in sections) != (key in layout.marked):
            verdict.unexpected.append(f"section {key}: {'marked' if key in sections else 'unmarked'} by nobody")
    for key in (set(answers) | set(layout.answered)) - {k for kind, k in written if kind == "answer"}:
        certain["answer"] += key in layout.answered
        if answers.get(key) != layout.answered.get(key):
            verdict.unexpected.append(f"answer {key}: changed by nobody")

    for table, sql in DUPLICATE_QUERIES.items():
        verdict.doubled += [f"{table}: {tuple(row)}" for row in rows(sql)]

    verdict.half_written += _derived_rows(sections, answers, chapters, layout)
    verdict.completed = sum(done for done, _version in chapters.values())
    newcomers = sum(1 for state_ in registrations.values() if state_ == "full")
    verdict.rows = {
        "section_progress": (certain["section"], uncertain["section"], len(sections)),
        "exercise_answers": (certain["answer"], uncertain["answer"], len(answers)),
        "registrations": (certain["register"], uncertain["register"], newcomers),
    }
    return verdict


def _registrations(rows: Callable, layout: Layout) -> dict[str, str]:
    """Each newcomer's registration: "full" (user, enrolment, invitation, its email, one invite per
    upcoming session), or "partial"."""
    seeded = {email for _id, email in layout.participants} | {layout.coordinator}
    result = {}
    for email, enrolled, invitations, letters, invites in rows(
        "SELECT u.email,"
        " (SELECT count(*) FROM enrolments e WHERE e.user_id = u.id AND e.course_id = :course),"
        " (SELECT count(*) FROM invitations i WHERE i.user_id = u.id),"
        " (SELECT count(*) FROM outbox o WHERE o.user_id = u.id AND o.kind = 'invitation'),"
        " (SELECT count(*) FROM outbox o WHERE o.user_id = u.id AND o.kind = 'invite')"
        " FROM users u",
        course=layout.course_id,
    ):
        if email in seeded:
            continue
        whole = (enrolled, invitations, letters, invites) == (1, 1, 1, layout.upcoming_sessions)
        result[email] = "full" if whole else "partial"
    return result


def _derived_rows(sections: set, answers: dict, chapters: dict, layout: Layout) -> list[str]:
    """A chapter's progress row exists wherever something in it is marked or answered, and says
    "completed" exactly when every section is marked and every exercise answered."""
    problems = []
    touched = {(u, c) for u, c, _s in sections}
    exercise_chapter = {e: slug for slug, shape in layout.chapters.items() for e in shape.exercises}
    touched |= {(u, exercise_chapter[e]) for u, e in answers if e in exercise_chapter}
    for user, chapter in sorted(touched - set(chapters)):
        problems.append(f"user {user} {chapter}: marks or answers without the chapter's progress row")
    for (user, chapter), (completed, version) in sorted(chapters.items()):
        shape = layout.chapters.get(chapter)
        if shape is None:
            continue
        complete = all((user, chapter, s) in sections for s in shape.sections) and all(
            (user, e) in answers for e in shape.exercises
        )
        if complete != completed:
            said = "completed" if completed else "not completed"
            problems.append(f"user {user} {chapter}: recorded {said}, but marks and answers say otherwise")
        elif completed and version != shape.version:
            problems.append(f"user {user} {chapter}: completed on version {version}, not {shape.version}")
    return problems


# -- processes: PostgreSQL and gunicorn, stopped by their pid ------------------------------------------


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        # As scripts/with-postgres.sh does: Debian's package, installed only when no server is found.
        log("PostgreSQL is missing: installing Debian's postgresql package...")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent


class Postgres:
    """A throwaway cluster in a temporary directory on 127.0.0.1 and a free port, as
    scripts/with-postgres.sh makes one (as the unprivileged `postgres` user when run as root)."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.work = Path(tempfile.mkdtemp(prefix="trainer-load-pg."))
        self.data = self.work / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.version = ""

    def _run(self, *args: str, timeout: float = 120) -> str:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self) -> None:
        if self.as_root:
            if subprocess.run(["id", "postgres"], capture_output=True).returncode:
                subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self.work, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "trainer", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.work} -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.work / "server.log"), "-w", "-o", options, "start")
        self.version = self._run("postgres", "--version").split()[2]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://trainer@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "trainer", name)
        return self.url(name)

    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def restart(self) -> None:
        """Fast shutdown (sessions are terminated, transactions rolled back), then start again."""
        # With its log file named again: otherwise the new postmaster keeps this call's pipes open.
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.work / "server.log"), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        pid = self.pid()
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        except (RuntimeError, subprocess.TimeoutExpired):
            if pid and alive(pid):
                os.kill(pid, signal.SIGQUIT)  # immediate shutdown of the postmaster started here
        shutil.rmtree(self.work, ignore_errors=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def children(parent: int) -> list[int]:
    """The live child processes of `parent` (gunicorn's workers, for its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


class Gunicorn:
    def __init__(self, env: dict, log_path: Path, workers: int = WORKERS) -> None:
        self.env, self.log_path, self.workers = env, log_path, workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as output:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}"]
                + ["--graceful-timeout", "10", "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=output,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            try:
                status, _b, _r = Browser(self.port, timeout=5).request("GET", "/accounts/login")
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {self.log_tail()}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its live workers (user + system)."""
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def errors_logged(self) -> tuple[int, int]:
        """Requests that ended in an exception, as Flask logs them ("Exception on /path [GET]"), and
        those that failed outside the app's error handling, answered with gunicorn's bare 500."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return 0, 0
        return text.count("Exception on "), text.count("Error handling request")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in [self.process.pid, *workers]:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# -- one scenario ---------------------------------------------------------------------------------------


@dataclass
class Report:
    scenario: str
    engine: str
    participants: int
    seconds: float = 0.0
    exchanges: list[Exchange] = field(default_factory=list)
    verdict: Verdict | None = None
    server_cpu: float = 0.0  # CPU seconds gunicorn used during the load (a killed worker's are not counted)
    load_average: float = 0.0  # the machine's, when the load began: other work shares the cores
    facts: list[str] = field(default_factory=list)  # what the fault did, in words
    failures: list[str] = field(default_factory=list)  # why the scenario failed

    @property
    def passed(self) -> bool:
        return not self.failures

    def figures(self) -> dict:
        answered = [e for e in self.exchanges if e.status is not None]
        latencies = sorted((e.ended - e.started) * 1000 for e in answered) or [0.0]
        kinds = defaultdict(int)
        for e in self.exchanges:
            kinds[e.kind] += 1
        return {
            "requests": len(self.exchanges),
            "rps": len(self.exchanges) / self.seconds if self.seconds else 0.0,
            "p50": statistics.median(latencies),
            "p95": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
            "5xx": sum(1 for e in answered if e.status >= 500),
            "4xx": sum(1 for e in answered if 400 <= e.status < 500),
            "connection errors": sum(1 for e in self.exchanges if e.status is None),
            "304": sum(1 for e in answered if e.status == 304),
            "kinds": dict(kinds),
        }

    def summary(self) -> str:
        f = self.figures()
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(f["kinds"].items()))
        lines = [
            f"{'PASS' if self.passed else 'FAIL'}  {self.scenario}  ({self.engine}, gunicorn {WORKERS} workers, "
            f"{self.participants} participants, {self.seconds:.0f} s)",
            f"      requests {f['requests']} ({f['rps']:.1f}/s)  p50 {f['p50']:.0f} ms  p95 {f['p95']:.0f} ms  "
            f"5xx {f['5xx']}  connection errors {f['connection errors']}  4xx {f['4xx']}  feeds 304 {f['304']}",
            f"      {kinds}",
            f"      gunicorn used {self.server_cpu:.0f} CPU s ({self.server_cpu / max(self.seconds, 1):.2f} cores, "
            f"{1000 * self.server_cpu / max(f['requests'], 1):.1f} ms a request); load average at the start "
            f"{self.load_average:.1f} on {os.cpu_count()} cores",
        ]
        v = self.verdict
        if v is not None:
            counts = "  ".join(f"{t} {c}(+{u}?)/{n}" for t, (c, u, n) in v.rows.items())
            lines += [
                f"      writes acknowledged {v.acknowledged}, found {v.found} (+{v.superseded} superseded by the same "
                f"person's later write), lost {len(v.lost)}, unexpected {len(v.unexpected)}, doubled "
                f"{len(v.doubled)}, half-written {len(v.half_written)}",
                f"      failed writes {v.failed}: applied whole {v.failed_applied}, not at all {v.failed_not_applied}, "
                f"undecidable {v.failed_undecidable}",
                f"      rows expected(+uncertain)/found: {counts}; chapters completed at the end {v.completed}",
            ]
        lines += [f"      {fact}" for fact in self.facts]
        lines += [f"      ✗ {failure}" for failure in self.failures]
        return "\n".join(lines)


class Run:
    """Starts the database and gunicorn for one scenario, drives the load, injects the fault, checks."""

    def __init__(self, args: argparse.Namespace, scenario: str, postgres: Postgres | None, work: Path) -> None:
        self.args, self.scenario, self.postgres, self.work = args, scenario, postgres, work
        self.report = Report(scenario, "", args.participants)
        self.clock = Clock()
        self.stop = threading.Event()
        self.smtp_port = free_port()
        # Bound but never listening: connections to it are refused, as when the mail server is down.
        self.smtp_placeholder = socket.socket()
        self.smtp_placeholder.bind(("127.0.0.1", self.smtp_port))
        self.gunicorn: Gunicorn | None = None

    def database(self) -> str:
        name = f"load_{self.scenario.replace('-', '_')}"
        if self.postgres:
            self.report.engine = f"PostgreSQL {self.postgres.version}"
            return self.postgres.create_database(name)
        self.report.engine = f"SQLite {sqlite3.sqlite_version}"
        return f"sqlite:///{self.work}/{name}.sqlite3"

    def env(self, url: str) -> dict:
        env = app_env(url)
        env.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(self.smtp_port), MAIL_TIMEOUT="5")
        if self.args.no_pre_ping:
            env["FLASK_SQLALCHEMY_ENGINE_OPTIONS"] = '{"pool_pre_ping": false}'
        return env

    def execute(self) -> Report:
        url = self.database()
        env = self.env(url)
        subprocess.run(
            [str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
        layout = seed(url, self.args.participants)
        logs = self.args.logs or self.work
        logs.mkdir(parents=True, exist_ok=True)
        self.gunicorn = Gunicorn(env, logs / f"gunicorn-{self.scenario}.log")
        try:
            self.gunicorn.start()
            self.drive(layout, env)
        finally:
            self.stop.set()
            self.gunicorn.stop()
        self.check(url, layout)
        return self.report

    def drive(self, layout: Layout, env: dict) -> None:
        port = self.gunicorn.port
        people = [
            Participant(port, uid, email, layout, self.clock, self.args.seed * 100_003 + uid, self.args.think)
            for uid, email in layout.participants
        ]
        coordinator = Coordinator(port, layout, self.clock)
        self.gate = Gate()
        for actor in [*people, coordinator]:
            actor.gate = self.gate
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda actor: actor.prepare(), [*people, coordinator]))
        log(f"  {len(people)} participants and a coordinator signed in ({time.monotonic() - started:.1f} s)")
        self.actors = [*people, coordinator]
        threads = [threading.Thread(target=actor.run, args=(self.stop,), daemon=True) for actor in self.actors]
        fault = threading.Thread(target=self.fault, args=(env,), daemon=True)
        cpu_before, self.report.load_average = self.gunicorn.cpu_seconds(), os.getloadavg()[0]
        self.clock.zero = time.monotonic()
        for thread in threads:
            thread.start()
        fault.start()
        self.stop.wait(self.args.duration)
        self.stop.set()
        self.report.seconds = self.clock.now()
        for thread in [*threads, fault]:
            thread.join(timeout=120)
        self.workers_after = self.gunicorn.worker_pids()
        self.report.server_cpu = self.gunicorn.cpu_seconds() - cpu_before
        self.report.seconds = max(self.report.seconds, self.clock.now())
        for actor in self.actors:
            self.report.exchanges += actor.exchanges
            self.report.failures += actor.anomalies
        if self.args.logs:
            with (self.args.logs / f"exchanges-{self.scenario}.jsonl").open("w") as out:
                for e in sorted(self.report.exchanges, key=lambda e: e.started):
                    out.write(json.dumps(e.__dict__) + "\n")

    # -- faults, run in their own thread while the load goes on --

    def fault(self, env: dict) -> None:
        try:
            if self.scenario == "kill-worker":
                self.kill_worker()
            elif self.scenario == "restart-postgres":
                self.restart_postgres()
            elif self.scenario == "smtp-down":
                self.send_while_down(env)
        except Exception as error:  # reported, so that the scenario fails rather than hangs
            self.report.failures.append(f"the fault injection broke: {type(error).__name__}: {error}")

    def kill_worker(self) -> None:
        self.stop.wait(self.args.duration / 2)
        before = self.gunicorn.worker_pids()
        victim = random.Random(self.args.seed).choice(before)
        self.killed_at = self.clock.now()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = self.gunicorn.worker_pids()
            if len(now) == WORKERS and victim not in now:
                replaced = self.clock.now() - self.killed_at
                self.report.facts.append(
                    f"t={self.killed_at:.1f} s SIGKILL worker {victim}; the master replaced it in {replaced:.1f} s "
                    f"({len(before)} workers before, {len(now)} after)"
                )
                return
            time.sleep(0.05)
        self.report.failures.append(f"worker {victim} was not replaced within 30 s: {self.gunicorn.worker_pids()}")

    def restart_postgres(self) -> None:
        """Restart PostgreSQL under load at a third of the run, and again at two thirds in a lull: with
        nothing in flight then, no request may fail at all (idle pooled connections are pinged)."""
        if self.stop.wait(self.args.duration / 3):
            return
        self.workers_before = self.gunicorn.worker_pids()
        self.outage = self.restart("under load")
        if self.stop.wait(max(0.0, 2 * self.args.duration / 3 - self.clock.now())):
            return
        held = self.clock.now()
        if not self.gate.hold(timeout=120):
            self.report.failures.append("the lull never came: requests still in flight after 120 s")
        try:
            self.lull = self.restart(f"in a lull (after {self.clock.now() - held:.1f} s for requests to finish)")
        finally:
            self.gate.release()

    def restart(self, when: str) -> tuple[float, float]:
        old, begin = self.postgres.pid(), self.clock.now()
        self.postgres.restart()
        end = self.clock.now()
        self.report.facts.append(
            f"t={begin:.1f} s pg_ctl restart -m fast {when}: postmaster {old} → {self.postgres.pid()}, "
            f"down for {end - begin:.1f} s"
        )
        return begin, end

    def send_while_down(self, env: dict) -> None:
        """Cron's work during the outage: send-outbox every few seconds and, beside it, reminders for
        every session of the next 30 days (plenty of mail), queued twice: the second run adds only
        the newcomers' reminders."""
        self.down_runs: list[tuple[int, int, int, float]] = []  # (exit code, sent, failed, seconds)
        self.reminders: list[int] = []

        def remind() -> None:
            for at in (self.args.duration / 4, self.args.duration / 2):
                if self.stop.wait(max(0.0, at - self.clock.now())):
                    return
                self.reminders.append(send_reminders(env))

        reminders = threading.Thread(target=remind, daemon=True)
        reminders.start()
        while not self.stop.wait(self.args.send_every):
            started = time.monotonic()
            self.down_runs.append((*send_outbox(env), time.monotonic() - started))
        reminders.join(timeout=300)

    # -- afterwards --

    def check(self, url: str, layout: Layout) -> None:
        from sqlalchemy import create_engine

        writes = [w for actor in self.actors for w in actor.writes]
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                self.report.verdict = check_database(connection, writes, layout)
            if self.scenario == "smtp-down":
                self.mail_returns(engine, url)
        finally:
            engine.dispose()
        self.judge(writes)

    def judge(self, writes: list[Write]) -> None:
        report, verdict, figures = self.report, self.report.verdict, self.report.figures()
        failures = report.failures
        failures += [f"database: {p}" for p in verdict.problems[:20]]
        if len(verdict.problems) > 20:
            failures.append(f"... and {len(verdict.problems) - 20} more database problems")
        if figures["4xx"]:
            statuses = sorted({e.status for e in report.exchanges if e.status and 400 <= e.status < 500})
            failures.append(f"{figures['4xx']} requests refused (4xx: {statuses})")
        if not writes or not any(w.acknowledged for w in writes if w.kind == "register"):
            failures.append("the load wrote nothing (or no registration went through)")
        failed = [e for e in report.exchanges if e.failed]
        if self.scenario in ("plain", "smtp-down"):
            if failed:
                failures.append(f"{len(failed)} requests failed (5xx or no response): {describe(failed)}")
        elif self.scenario == "kill-worker":
            killed_at = getattr(self, "killed_at", None)
            if figures["5xx"]:
                failures.append(f"{figures['5xx']} responses were 5xx")
            stray = [e for e in failed if killed_at is None or not e.started <= killed_at <= e.ended + 0.5]
            if stray:
                failures.append(f"{len(stray)} requests failed when no worker was being killed: {describe(stray)}")
            if len(failed) > 1:
                failures.append(f"{len(failed)} requests lost: a sync worker serves one request at a time")
            report.facts.append(
                f"requests in flight on the killed worker that failed: {len(failed)} ({describe(failed) or 'none'})"
            )
        elif self.scenario == "restart-postgres":
            self.judge_restart(failed)
        app_errors, bare = self.gunicorn.errors_logged()
        report.facts.append(f"gunicorn's log: {app_errors} exceptions in the app, {bare} bare 500s from gunicorn")

    def judge_restart(self, failed: list[Exchange]) -> None:
        report = self.report
        outage, lull = getattr(self, "outage", None), getattr(self, "lull", None)
        if not outage or not lull:
            report.failures.append("PostgreSQL was not restarted twice")
            return
        begin, end = outage
        # In flight: started before the server came back and ended after it began going down.
        grace = 1.0
        outside = [e for e in failed if e.ended < begin or e.started > end + grace]
        after = [e for e in report.exchanges if e.started > end + grace]
        if outside:
            report.failures.append(f"{len(outside)} requests failed outside the outage: {describe(outside)}")
        if len(failed) > WORKERS:
            # A sync worker has one request in flight; new connections wait for the restart to end.
            report.failures.append(f"{len(failed)} requests failed: more than were in flight ({WORKERS} workers)")
        if not after or any(e.failed for e in after):
            report.failures.append("requests did not all succeed after PostgreSQL came back")
        if self.workers_after != self.workers_before:
            report.failures.append("gunicorn's workers changed: the app did not recover on its own")
        after_lull = [e for e in report.exchanges if e.started > lull[1]]
        report.facts.append(
            f"requests failed during the outage under load: {len(failed)} ({by_kind(failed)}); after it: "
            f"{sum(e.failed for e in after)} of {len(after)}, of which after the lull's restart "
            f"{sum(e.failed for e in after_lull)} of {len(after_lull)}; the same {len(self.workers_before)} "
            "workers throughout"
        )
        from config import ProductionConfig

        # Without it, each worker's pooled connections would fail once after the restart.
        if not ProductionConfig.SQLALCHEMY_ENGINE_OPTIONS.get("pool_pre_ping") and not self.args.no_pre_ping:
            report.failures.append("pool_pre_ping is not set in config.py")

    def mail_returns(self, engine, url: str) -> None:
        """The outbox after a run without an SMTP server, then with one: everything, exactly once."""
        from sqlalchemy import text

        from tests.smtp import SmtpServer

        report, env = self.report, self.env(url)
        runs = getattr(self, "down_runs", [])
        with engine.connect() as connection:
            stored = list(connection.execute(text("SELECT id, message, attempts FROM outbox")))
        queued = {message_id(raw) for _id, raw, _a in stored}
        tried = sum(1 for _id, _raw, attempts in stored if attempts)
        soft = all(code == 0 and sent == 0 for code, sent, _failed, _s in runs)
        slowest = max((r[3] for r in runs), default=0.0)
        report.facts.append(
            f"SMTP down: send-reminders queued {' then '.join(map(str, self.reminders))} reminders and nudges; "
            f"send-outbox ran {len(runs)} times (exit codes {sorted({r[0] for r in runs})}, at most {slowest:.1f} s, "
            f"{sum(r[2] for r in runs)} failed attempts, {sum(r[1] for r in runs)} sent); {len(stored)} messages "
            f"kept, {tried} of them tried"
        )
        if not self.reminders or not self.reminders[0]:
            report.failures.append(f"send-reminders did not queue reminders: {self.reminders}")
        if not runs or not soft:
            report.failures.append(f"send-outbox did not fail softly while SMTP was down: {runs}")
        if len(queued) != len(stored) or not stored:
            report.failures.append(f"{len(stored)} outbox rows but {len(queued)} distinct Message-IDs")
        self.smtp_placeholder.close()
        server = SmtpServer(self.smtp_port)
        server.start()
        try:
            # Two cron runs at once, as overlapping timers would: first respecting the backoff, then not.
            plain = parallel(lambda: send_outbox(env), 2)
            now = parallel(lambda: send_outbox(env, retry_now=True), 2)
            again = send_outbox(env, retry_now=True)
            time.sleep(0.5)  # the SMTP server's handler runs in its own thread
            received = [str(m["Message-ID"]) for m in server.inbox.messages]
        finally:
            server.stop()
        with engine.connect() as connection:
            unsent = connection.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar()
        counts = defaultdict(int)
        for mid in received:
            counts[mid] += 1
        twice = [mid for mid, n in counts.items() if n > 1]
        missing = queued - set(counts)
        extra = set(counts) - queued
        report.facts.append(
            f"SMTP back: two plain runs sent {plain[0][1]}+{plain[1][1]} (the rest waits for its backoff), two "
            f"--retry-now runs sent {now[0][1]}+{now[1][1]}, a third sent {again[1]}; {len(received)} received for "
            f"{len(queued)} queued: missing {len(missing)}, twice {len(twice)}, unknown {len(extra)}, unsent {unsent}"
        )
        if missing or twice or extra or unsent or again[1]:
            report.failures.append("mail was lost, sent twice or left unsent after the SMTP server came back")


def message_id(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=policy.default)["Message-ID"])


def send_outbox(env: dict, retry_now: bool = False) -> tuple[int, int, int]:
    """One `flask mail send-outbox` run, as cron starts it: (exit code, sent, failed)."""
    command = [str(BIN / "flask"), "mail", "send-outbox", "--limit", "100000"] + (["--retry-now"] if retry_now else [])
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    match = SENT.search(done.stdout)
    return done.returncode, int(match.group(1)) if match else -1, int(match.group(2)) if match else -1


def send_reminders(env: dict) -> int:
    """`flask mail send-reminders` for every session of the next 30 days: how many it queued."""
    env = dict(env, REMINDER_HOURS=str(30 * 24), NUDGE_DAYS="30")
    command = [str(BIN / "flask"), "mail", "send-reminders"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    match = re.search(r"(\d+) reminders queued for \d+ sessions; (\d+) study nudges", done.stdout)
    if done.returncode or not match:
        raise RuntimeError(f"send-reminders failed: {done.stdout} {done.stderr[-2000:]}")
    return int(match.group(1)) + int(match.group(2))


def parallel(task: Callable, n: int) -> list:
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _i: task(), range(n)))


def by_kind(exchanges: list[Exchange]) -> str:
    counts = defaultdict(int)
    for e in exchanges:
        counts[f"{e.kind} {e.status or e.error}"] += 1
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "none"


def describe(exchanges: list[Exchange], most: int = 6) -> str:
    shown = ", ".join(f"{e.kind} {e.status or e.error} at {e.started:.1f}-{e.ended:.1f} s" for e in exchanges[:most])
    return shown + (f" and {len(exchanges) - most} more" if len(exchanges) > most else "")


# -- main -----------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--engine", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--duration", type=float, default=120, help="seconds of load per scenario")
    parser.add_argument("--think", type=float, default=1.0, help="the longest pause between two steps, in seconds")
    parser.add_argument("--send-every", type=float, default=15, help="smtp-down: seconds between send-outbox runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, help="hard limit for the whole run (default: from the duration)")
    parser.add_argument(
        "--no-pre-ping", action="store_true", help="turn pool_pre_ping off, to see restart-postgres fail without it"
    )
    parser.add_argument("--logs", type=Path, help="keep gunicorn's logs and every request's outcome in this folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    if args.engine == "sqlite" and "restart-postgres" in scenarios:
        if args.scenario != "all":
            log("restart-postgres needs --engine postgresql")
            return 2
        scenarios.remove("restart-postgres")
    limit = args.timeout or len(scenarios) * (args.duration + 240) + 120

    def expire(_signum, _frame):
        raise HardTimeout(f"the run took longer than {limit:.0f} s")

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(int(limit))
    reports: list[Report] = []
    postgres = None
    work = Path(tempfile.mkdtemp(prefix="trainer-load."))
    try:
        if args.engine == "postgresql":
            postgres = Postgres()
            postgres.start()
            log(f"PostgreSQL {postgres.version} on 127.0.0.1:{postgres.port} (pid {postgres.pid()})")
        for scenario in scenarios:
            log(f"== {scenario}: {args.participants} participants for {args.duration:.0f} s")
            run = Run(args, scenario, postgres, work)
            try:
                reports.append(run.execute())
            except HardTimeout:
                raise
            except Exception as error:
                run.report.failures.append(f"{type(error).__name__}: {error}")
                reports.append(run.report)
            finally:
                run.stop.set()
                run.smtp_placeholder.close()
            log(reports[-1].summary())
            if not reports[-1].passed and run.gunicorn:
                log("  gunicorn log (last lines):\n" + run.gunicorn.log_tail())
    except HardTimeout as error:
        log(f"FAIL  {error}")
        return 1
    finally:
        signal.alarm(0)
        if postgres:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)
    log("\nLoad and faults:")
    for report in reports:
        log(report.summary().splitlines()[0])
    return 0 if reports and all(r.passed for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
