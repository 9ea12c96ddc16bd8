import pytest

from tests.content.fixtures import chapter_text, write_module
from tests.factories import make_coordinator, make_course, make_participant, make_trainer, make_user
from trainer.content.models import ContentInvalid
from trainer.extensions import db

CH1 = "/modules/module-4/what-is-decentralized-cooperation"
CH2 = "/modules/module-4/why-dc-matters-for-the-global-agenda"
NOTES_MARK = "Trainer notes (only trainers see these)"


@pytest.fixture
def people(app):
    with app.app_context():
        course = make_course(module_slug="module-4")
        other_module_course = make_course(module_slug="another-module")
        emails = {
            "participant": make_participant(course).email,
            "trainer": make_trainer(course).email,
            "coordinator": make_coordinator().email,
            "trainer_elsewhere": make_trainer(other_module_course).email,
            "unenrolled": make_user().email,
        }
        db.session.commit()
        return emails


@pytest.mark.parametrize("path", ["/modules/", "/modules/module-4/", CH1, "/modules/module-4/print"])
def test_anonymous_visitors_are_asked_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


def test_module_page_lists_the_six_question_chapters(client, login_as, people):
    page = login_as(people["participant"]).get("/modules/module-4/").get_data(as_text=True)
    assert "Localizing the SDGs through Decentralized Cooperation" in page
    for title in (
        "What is Decentralized Cooperation?",
        "How does Decentralized Cooperation work in practice?",
        "Who are we working with?",
    ):
        assert title in page
    assert page.count('class="card"') == 6
    assert "about 1 h 30 min" in page


@pytest.mark.parametrize("role", ["participant", "unenrolled", "trainer_elsewhere"])
def test_readers_who_are_not_its_trainers_never_see_trainer_notes(client, login_as, people, role):
    page = login_as(people[role]).get(CH1).get_data(as_text=True)
    assert "What is Decentralized Cooperation?" in page
    assert NOTES_MARK not in page
    notes_only = "Trainer notes"
    assert notes_only not in login_as(people[role]).get("/modules/module-4/print?notes=1").get_data(as_text=True)


@pytest.mark.parametrize("role", ["trainer", "coordinator"])
def test_trainers_and_coordinators_see_trainer_notes(client, login_as, people, role):
    page = login_as(people[role]).get(CH1).get_data(as_text=True)
    assert NOTES_MARK in page
    assert "breakout" in page.split(NOTES_MARK)[1].lower()


def test_chapter_page_has_contents_blocks_pager_and_last_changed_date(client, login_as, people):
    page = login_as(people["participant"]).get(CH1).get_data(as_text=True)
    assert 'href="#principles"' in page  # table of contents
    assert 'class="block exercise" id="c1-principles-card-game"' in page
    assert 'class="block case-study" id="c1-surabaya-kitakyushu"' in page
    assert 'class="block tip"' in page
    assert "Group exercise · in a live breakout room · 25 minutes" in page
    assert "Key terms" in page and "Sources" in page
    assert f'rel="next" href="{CH2}"' in page and 'rel="prev"' not in page
    assert "Last changed" in page


def test_last_changed_date_stays_until_the_text_changes(app, client, login_as, people):
    from sqlalchemy import func, select

    from trainer.content.versions import ChapterVersion

    login_as(people["participant"])
    client.get(CH1)
    client.get(CH1)
    with app.app_context():
        assert db.session.scalar(select(func.count(ChapterVersion.id))) == 1


def test_unknown_module_or_chapter_is_404(client, login_as, people):
    login_as(people["participant"])
    assert client.get("/modules/module-9/").status_code == 404
    assert client.get("/modules/module-4/no-such-chapter").status_code == 404


def test_print_page_has_every_chapter_with_page_breaks(client, login_as, people):
    page = login_as(people["participant"]).get("/modules/module-4/print").get_data(as_text=True)
    assert page.count('class="page-break" id="chapter-') == 6
    assert NOTES_MARK not in page


def test_trainer_can_print_with_notes(client, login_as, people):
    page = login_as(people["trainer"]).get("/modules/module-4/print?notes=1").get_data(as_text=True)
    assert page.count('class="trainer-notes page-break"') == 6


def test_chapter_links_between_pages_resolve(client, login_as, people):
    import re

    login_as(people["participant"])
    page = client.get("/modules/module-4/designing-dc-with-the-sdgs").get_data(as_text=True)
    links = set(re.findall(r'href="(how-dc-works-in-practice[^"]*)"', page))
    assert links
    for link in links:
        assert client.get(f"/modules/module-4/{link.split('#')[0]}").status_code == 200


def test_markdown_is_rendered_once_not_per_request(client, login_as, people, monkeypatch):
    import markdown

    login_as(people["participant"])
    assert client.get(CH1).status_code == 200  # loads (or reuses) the registry

    def fail(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(markdown.Markdown, "convert", fail)
    for path in (CH1, CH2, "/modules/module-4/", "/modules/module-4/print"):
        assert client.get(path).status_code == 200


def test_chapter_page_uses_a_fixed_number_of_queries(client, login_as, people, count_queries):
    login_as(people["trainer"])
    client.get(CH2)  # the first view of a version records it
    with count_queries() as first:
        client.get(CH2)
    with count_queries() as second:
        client.get("/modules/module-4/print")
        client.get(CH2)
    # the user; their roles (for the header and the trainer notes); their progress in the
    # chapter (sections, answers and chapter record in one statement); library cases attached to
    # it. The "last changed" date is remembered by the process once read.
    assert first.count == 4, first.statements
    assert second.count == 2 + 4


class TestBrokenModuleInDevelopment:
    @pytest.fixture
    def app_overrides(self, tmp_path):
        write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", extra_front="colour: blue\n")})
        return {"MODULES_DIR": str(tmp_path)}

    def test_the_errors_show_on_the_page(self, client, login_as, people):
        response = login_as(people["participant"]).get("/modules/")
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert "01-one.md:15" in page and "unknown key" in page


def test_production_refuses_to_start_on_an_invalid_module(tmp_path):
    from config import ProductionConfig
    from trainer import create_app

    write_module(tmp_path, chapters={"01-one.md": chapter_text(1, "one", extra_front="colour: blue\n")})
    with pytest.raises(ContentInvalid, match="01-one.md:15"):
        create_app(
            ProductionConfig,
            {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "MODULES_DIR": str(tmp_path)},
        )


def test_production_starts_on_the_real_module():
    from config import ProductionConfig
    from trainer import create_app

    app = create_app(ProductionConfig, {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "module-4" in app.extensions["content"].modules()
