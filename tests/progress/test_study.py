"""Self-study progress: marking sections, answering exercises, completion, changed chapters."""

import pytest
from sqlalchemy import func, select

from tests.factories import make_course, make_participant
from trainer.content.registry import get_registry
from trainer.extensions import db
from trainer.progress import study
from trainer.progress.models import ChapterProgress, SectionProgress

CH1 = "/modules/module-4/what-is-decentralized-cooperation"


@pytest.fixture
def reader(app):
    with app.app_context():
        email = make_participant(make_course()).email
        db.session.commit()
        return email


def _chapter(slug="what-is-decentralized-cooperation"):
    return get_registry().module("module-4").chapter(slug)


def test_marking_every_section_and_answering_completes_the_chapter(app, ctx):
    user = make_participant(make_course())
    chapter = _chapter()
    for section in chapter.sections:
        study.mark_section(user.id, chapter, section.id, True)
    state = study.reader_state(user.id, "module-4", [chapter])[chapter.slug]
    assert state.status == "in_progress" and not state.complete  # an individual exercise is still open
    [exercise] = study.individual_exercises(chapter)
    study.save_answer(user.id, chapter, exercise.id, "  My city's DC bicycle has strong pedals.  ")
    state = study.reader_state(user.id, "module-4", [chapter])[chapter.slug]
    assert state.complete and state.percent == 100 and state.answers[exercise.id].startswith("My city")
    assert db.session.scalar(select(ChapterProgress.completed_version)) == chapter.version
    study.mark_section(user.id, chapter, chapter.sections[0].id, False)
    assert db.session.scalar(select(ChapterProgress.completed_at)) is None


def test_marking_twice_keeps_one_row(app, ctx):
    user = make_participant(make_course())
    chapter = _chapter()
    study.mark_section(user.id, chapter, chapter.sections[0].id, True)
    study.mark_section(user.id, chapter, chapter.sections[0].id, True)
    assert db.session.scalar(select(func.count(SectionProgress.id))) == 1


def test_unknown_sections_and_exercises_are_refused(app, ctx):
    user = make_participant(make_course())
    with pytest.raises(ValueError):
        study.mark_section(user.id, _chapter(), "nope", True)
    with pytest.raises(ValueError):
        study.save_answer(user.id, _chapter(), "c2-the-bigger-picture", "x")  # a group exercise


def test_a_chapter_changed_after_completion_says_so(app, ctx):
    from dataclasses import replace

    user = make_participant(make_course())
    chapter = _chapter()
    for section in chapter.sections:
        study.mark_section(user.id, chapter, section.id, True)
    study.save_answer(user.id, chapter, study.individual_exercises(chapter)[0].id, "answer")
    newer = replace(chapter, version="a-newer-version")
    state = study.reader_state(user.id, "module-4", [newer])[chapter.slug]
    assert state.complete and state.changed_since_completed


def test_the_chapter_page_is_a_checklist_that_works_without_javascript(app, client, login_as, reader):
    page = login_as(reader).get(CH1).get_data(as_text=True)
    assert 'class="checklist"' in page and "data-chapter-percent>0</span>% studied" in page
    response = client.post(f"{CH1}/sections/principles", data={"done": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#principles")
    page = client.get(CH1).get_data(as_text=True)
    assert 'class="check done" aria-pressed="true"' in page
    assert "data-chapter-percent>14<" in page  # 1 of 7 units (6 sections, 1 answer)


def test_marking_with_javascript_gets_json(client, login_as, reader):
    login_as(reader)
    response = client.post(f"{CH1}/sections/summary", data={"done": "1"}, headers={"Accept": "application/json"})
    assert response.get_json() == {"done": True, "percent": 14, "complete": False}
    undone = client.post(f"{CH1}/sections/summary", data={"done": "0"}, headers={"Accept": "application/json"})
    assert undone.get_json()["done"] is False


def test_answers_are_saved_from_the_chapter_page(client, login_as, reader):
    login_as(reader)
    client.post(f"{CH1}/exercises/c1-personalise-your-bicycle", data={"answer": "Our handlebars: the mayor's plan."})
    page = client.get(CH1).get_data(as_text=True)
    assert "Our handlebars: the mayor&#39;s plan." in page


def test_bad_targets_are_404(client, login_as, reader):
    login_as(reader)
    assert client.post(f"{CH1}/sections/nope", data={"done": "1"}).status_code == 404
    assert client.post(f"{CH1}/exercises/c1-principles-card-game", data={"answer": "x"}).status_code == 404
    assert client.post("/modules/module-4/nope/sections/x", data={"done": "1"}).status_code == 404


def test_module_page_shows_each_chapters_status(client, login_as, reader):
    login_as(reader)
    client.post(f"{CH1}/sections/principles", data={"done": "1"})
    page = client.get("/modules/module-4/").get_data(as_text=True)
    assert "In progress (14%)" in page and page.count("Not started") == 5


def test_participants_behind_get_one_nudge_before_the_session(app, runner, smtp_server, mail_to):
    from datetime import UTC, datetime, time, timedelta

    from tests.schedule.helpers import CH, make_session
    from trainer.timezones import localise

    app.config.update(mail_to)
    with app.app_context():
        course = make_course(timezone="Asia/Jakarta")
        # A fixed 10:00-12:00 two days ahead: built from the current hour, the session would
        # cross midnight (end before start) whenever the test ran late in Jakarta's evening.
        soon = localise(datetime.now(UTC) + timedelta(days=2), "Asia/Jakarta")
        make_session(
            course,
            soon.date(),
            time(10, 0),
            time(12, 0),
            chapters=CH[2:4],
            title="Day 2",
        )
        behind = make_participant(course, email="behind@example.org", timezone="Asia/Manila")
        ready = make_participant(course, email="ready@example.org")
        module = get_registry().module("module-4")
        for chapter in module.chapters[2:4]:
            for section in chapter.sections:
                study.mark_section(ready.id, chapter, section.id, True)
            for exercise in study.individual_exercises(chapter):
                study.save_answer(ready.id, chapter, exercise.id, "x")
        study.mark_section(behind.id, module.chapters[2], module.chapters[2].sections[0].id, True)
        db.session.commit()
    first = runner.invoke(args=["mail", "send-reminders"])
    assert "1 study nudges queued" in first.output, first.output
    assert "0 study nudges queued" in runner.invoke(args=["mail", "send-reminders"]).output
    [nudge] = [m for m in smtp_server.inbox.to("behind@example.org") if m["Subject"].startswith("Before Day 2")]
    text = nudge.get_body(("plain",)).get_content()
    assert "3. How does Decentralized Cooperation work in practice?" in text and "% studied" in text
    assert "/modules/module-4/how-dc-works-in-practice" in text and "Asia/Manila" in text
    assert not [m for m in smtp_server.inbox.to("ready@example.org") if m["Subject"].startswith("Before")]
