"""The interface and the chapters in English and Bahasa Indonesia, with fallback to English."""

from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tests.content.fixtures import chapter_text, write_module
from tests.factories import make_course, make_participant
from trainer.content.loader import load_module
from trainer.content.models import ContentInvalid
from trainer.extensions import db
from trainer.mail.models import OutboxMessage

CH1 = "/modules/module-4/what-is-decentralized-cooperation"
CH2 = "/modules/module-4/why-dc-matters-for-the-global-agenda"


def test_a_visitor_switches_the_language_from_the_header(client):
    assert "Sign in" in client.get("/accounts/login").get_data(as_text=True)
    response = client.post("/accounts/language", data={"language": "id", "next": "/accounts/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/login"
    assert "lang=id" in response.headers["Set-Cookie"]
    page = client.get("/accounts/login").get_data(as_text=True)
    assert 'lang="id"' in page and "Masuk" in page


def test_the_browser_language_is_the_default(client):
    page = client.get("/accounts/login", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert 'lang="id"' in page


def test_switching_signed_in_saves_the_choice_in_the_profile(app, client, login_as):
    with app.app_context():
        email = make_participant(make_course()).email
        db.session.commit()
    login_as(email)
    response = client.post("/accounts/language", data={"language": "id", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"  # an unsafe next is ignored
    with app.app_context():
        from trainer.accounts.services import get_user_by_email

        assert get_user_by_email(email).locale == "id"
    assert "Keluar" in client.get("/").get_data(as_text=True)


@pytest.fixture
def indonesian_reader(app):
    with app.app_context():
        email = make_participant(make_course(), locale="id").email
        db.session.commit()
        return email


def test_a_chapter_in_indonesian_and_one_that_falls_back_to_english(client, login_as, indonesian_reader):
    login_as(indonesian_reader)
    page = client.get(CH1).get_data(as_text=True)
    assert "Kerja Sama Terdesentralisasi" in page and '<article class="prose chapter" lang="id">' in page
    fallback = client.get(CH2).get_data(as_text=True)
    assert "Why is Decentralized Cooperation important" in fallback
    assert '<article class="prose chapter" lang="en">' in fallback
    assert 'class="flash flash-info"' in fallback  # the note that says so, in Indonesian


def test_progress_is_per_chapter_whatever_the_language(app, client, login_as, indonesian_reader):
    login_as(indonesian_reader)
    client.post(f"{CH1}/sections/principles", data={"done": "1"})
    client.post("/accounts/language", data={"language": "en", "next": CH1})
    page = client.get(CH1).get_data(as_text=True)
    assert "What is Decentralized Cooperation?" in page
    assert 'class="check done" aria-pressed="true"' in page


def test_emails_go_out_in_the_recipients_language(app):
    from trainer.accounts.invitations import queue_invitation
    from trainer.accounts.services import create_user

    with app.app_context():
        user = create_user("budi@example.org", "Budi", None, locale="id")
        queue_invitation(user, "Pelatihan Modul 4", make_course().id, "Dewi")
        db.session.commit()
        raw = db.session.scalars(select(OutboxMessage)).one().message
    message = message_from_bytes(raw, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "Pelatihan Modul 4" in message["Subject"] and "Your place" not in message["Subject"]
    assert "Budi" in text and "Dear Budi" not in text


def test_a_translated_chapter_must_keep_the_originals_sections(tmp_path):
    folder = write_module(tmp_path)
    (folder / "id").mkdir()
    translated = chapter_text(1, "one", "\n## Bagian pertama {#pertama}\n\nTeks.\n")
    (folder / "id" / "01-one.md").write_text(translated)
    (folder / "id" / "09-nine.md").write_text(translated)
    (folder / "id" / "module.yml").write_text('title: "Modul kecil"\nwarna: merah\n')
    with pytest.raises(ContentInvalid) as caught:
        load_module(folder)
    messages = [(e.path.name, e.message) for e in caught.value.errors]
    assert any(name == "01-one.md" and "sections' ids must be those of the original" in m for name, m in messages)
    assert any(name == "09-nine.md" and "no chapter 09-nine.md" in m for name, m in messages)
    assert ("module.yml", "module.yml has an unknown key 'warna'") in messages


def test_a_translated_chapter_is_found_and_others_fall_back(tmp_path):
    folder = write_module(tmp_path)
    (folder / "id").mkdir()
    original = (folder / "01-one.md").read_text()
    (folder / "id" / "01-one.md").write_text(original.replace('title: "Question 1?"', 'title: "Pertanyaan 1?"'))
    (folder / "id" / "module.yml").write_text('title: "Modul kecil"\n')
    module = load_module(folder)
    assert module.chapter_in("one", "id") == (module.translations["id"]["one"], False)
    assert module.chapter_in("one", "id")[0].title == "Pertanyaan 1?"
    assert module.chapter_in("two", "id") == (module.chapter("two"), True)
    assert module.chapter_in("one", "en") == (module.chapter("one"), False)
    assert module.title_in("id") == "Modul kecil" and module.title_in("th") == "A small module"


def test_names_in_any_script_sort_as_people_expect(app, client, login_as):
    from tests.factories import make_coordinator

    names = ["Zaid Khan", "anh Nguyễn", "Ánh Trần", "Budi", "राम थापा", "สุดารัตน์ ทองดี", "王小明", "محمد علی"]
    with app.app_context():
        course = make_course()
        for name in names:
            make_participant(course, name=name)
        email, course_id = make_coordinator().email, course.id
        db.session.commit()
    page = login_as(email).get(f"/courses/{course_id}/people/").get_data(as_text=True)
    table = page.split('<table class="roster">')[1]
    order = sorted(names, key=table.index)
    assert order[:4] == ["anh Nguyễn", "Ánh Trần", "Budi", "Zaid Khan"]  # not code-point order
    assert order.index("محمد علی") < order.index("राम थापा") < order.index("สุดารัตน์ ทองดี") < order.index("王小明")


def test_adding_a_language_is_adding_a_catalog():
    from config import Config
    from trainer.i18n import language_names

    assert Config.LANGUAGES == ("en", "id")
    assert language_names(("th", "vi"))["th"] == "ไทย"
