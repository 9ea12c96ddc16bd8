"""bench/load.py's checks of the database against what clients were told, on a made-up run.

The load itself needs gunicorn, PostgreSQL and minutes (`make load`); what decides PASS or FAIL is
`check_database`, and here it must find each kind of fault it is there to find.
"""

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.factories import make_coordinator, make_course, make_participant
from trainer.accounts.models import User
from trainer.content.registry import get_registry
from trainer.courses.models import Course
from trainer.courses.registration import Registration, register
from trainer.extensions import db
from trainer.progress import study
from trainer.progress.models import ChapterProgress

spec = importlib.util.spec_from_file_location("bench_load", Path(__file__).parent.parent / "bench" / "load.py")
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)

CHAPTER = "what-is-decentralized-cooperation"


@pytest.fixture
def run(ctx):
    """A course without sessions (a registration is then: user, enrolment, invitation, its email), a
    participant, and a log of writes to fill in."""
    course = make_course()
    person = make_participant(course)
    module = get_registry().module("module-4")
    layout = load.Layout(course.id, load.chapter_shapes(module), upcoming_sessions=0)
    layout.participants = [(person.id, person.email)]
    layout.coordinator = make_coordinator().email
    return layout, person, module.chapter(CHAPTER), []


def mark(writes, user_id, chapter, section, done=True, status=302, apply=True):
    if apply:
        study.mark_section(user_id, chapter, section, done)
    writes.append(load.Write("section", (user_id, chapter.slug, section), done, len(writes), len(writes) + 1, status))


def registered(layout, writes, email, status=302, apply=True):
    if apply:
        coordinator = db.session.scalar(db.select(User).where(User.email == layout.coordinator))
        course = db.session.get(Course, layout.course_id)
        register(
            course,
            Registration("New Person", email, "", "city", "", "ID", "Asia/Jakarta", "en", "participant", False),
            by=coordinator,
        )
    writes.append(load.Write("register", (email,), "full", len(writes), len(writes) + 1, status))


def check(layout, writes):
    db.session.flush()
    return load.check_database(db.session.connection(), writes, layout)


def test_a_run_whose_database_matches_what_clients_were_told_passes(run):
    layout, person, chapter, writes = run
    first, second = chapter.sections[0].id, chapter.sections[1].id
    mark(writes, person.id, chapter, first)
    mark(writes, person.id, chapter, second)
    mark(writes, person.id, chapter, second, done=False)  # the earlier tick is superseded
    mark(writes, person.id, chapter, chapter.sections[2].id, status=None, apply=False)  # lost with its worker
    registered(layout, writes, "new1@example.org")
    registered(layout, writes, "new2@example.org", status=500, apply=False)
    verdict = check(layout, writes)
    assert verdict.problems == []
    assert (verdict.acknowledged, verdict.superseded, verdict.found) == (4, 1, 3)
    assert (verdict.failed_applied, verdict.failed_not_applied) == (0, 2)
    # Rows: one section certainly marked, one perhaps (its request failed), one found.
    assert verdict.rows["section_progress"] == (1, 1, 1) and verdict.rows["registrations"] == (1, 1, 1)


def test_lost_unexpected_and_half_written_states_are_found(run):
    layout, person, chapter, writes = run
    sections = [s.id for s in chapter.sections]
    mark(writes, person.id, chapter, sections[0], apply=False)  # acknowledged, never written: lost
    mark(writes, person.id, chapter, sections[1], status=500)  # failed after its commit: applied whole
    study.mark_section(person.id, chapter, sections[2], True)  # written, never asked for: unexpected
    # Completion recorded on a chapter that is not complete: a derived row out of step.
    db.session.execute(update(ChapterProgress).values(completed_at=db.func.now(), completed_version=chapter.version))
    # A "registration" with an enrolment but no invitation: half of it.
    half = make_participant(db.session.get(Course, layout.course_id), email="half@example.org")
    writes.append(load.Write("register", (half.email,), "full", 10, 11, 302))
    verdict = check(layout, writes)
    assert len(verdict.lost) == 1 and sections[0] in verdict.lost[0]
    assert len(verdict.unexpected) == 1 and sections[2] in verdict.unexpected[0]
    assert verdict.failed_applied == 1
    assert any("half@example.org" in p for p in verdict.half_written)
    assert any("recorded completed" in p for p in verdict.half_written)
