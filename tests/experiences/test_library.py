"""The case library: marking good cases, the author's consent, what is in the library, search,
attaching cases to chapters, the chapter hook, fixed queries."""

import re
from datetime import timedelta

import pytest
from flask import Flask, render_template
from sqlalchemy import func, select

from tests.experiences import build_library, share_in_library
from tests.factories import PASSWORD, make_course, make_participant, make_trainer
from trainer.accounts.organisations import get_or_create_organisation
from trainer.courses.models import CourseStatus
from trainer.courses.services import get_course
from trainer.dbtypes import utcnow
from trainer.experiences import cases
from trainer.experiences.forms import COOPERATION_KIND_NAMES
from trainer.experiences.hooks import chapter_cases_hook
from trainer.experiences.models import ChapterCase, Experience
from trainer.experiences.services import create_experience, set_hidden
from trainer.extensions import db


@pytest.fixture
def data(app):
    return build_library(app)


def _as(app: Flask, email: str):
    """A fresh client signed in as someone: one test can look through several people's eyes."""
    client = app.test_client()
    assert client.post("/accounts/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _post_url(data, post=None) -> str:
    return f"/courses/{data['course']}/experiences/{post or data['post']}"


def _library_titles(client, query="") -> set[str]:
    response = client.get(f"/library/{query}")
    assert response.status_code == 200
    return set(
        re.findall(r'<h2 class="card-title"><a href="/library/\d+">([^<]+)</a></h2>', response.get_data(as_text=True))
    )


def _experience(app, experience_id) -> Experience:
    with app.app_context():
        experience = db.session.get(Experience, experience_id)
        db.session.expunge(experience)
        return experience


def test_every_kind_of_cooperation_has_a_translatable_name():
    assert tuple(COOPERATION_KIND_NAMES) == cases.COOPERATION_KINDS
    assert all(len(code) <= 40 for code in cases.COOPERATION_KINDS)  # Experience.cooperation_kind


class TestMarking:
    @pytest.mark.parametrize("moderator", ["trainer", "coordinator"])
    def test_a_moderator_marks_a_good_case_with_its_kind(self, app, data, moderator):
        url = _post_url(data, data["unconsented"])
        client = _as(app, data[moderator])
        client.post(f"{url}/good-case/remove")
        response = client.post(f"{url}/good-case", data={"cooperation_kind": "south-south"})
        assert response.status_code == 302 and response.location.endswith("#library")
        page = client.get(response.location).get_data(as_text=True)
        assert "is marked as a good case. It joins the case library once its author agrees." in page
        assert "Not in the case library yet" in page and "South-South" in page
        experience = _experience(app, data["unconsented"])
        assert experience.good_case and experience.cooperation_kind == "south-south"

    def test_marking_again_changes_the_kind(self, app, data):
        client = _as(app, data["trainer"])
        response = client.post(f"{_post_url(data)}/good-case", data={"cooperation_kind": "knowledge-exchange"})
        assert "is a good case in the case library." in client.get(response.location).get_data(as_text=True)
        assert _experience(app, data["post"]).cooperation_kind == "knowledge-exchange"

    @pytest.mark.parametrize("kind", ["", "galactic", "City-to-city"])
    def test_a_kind_outside_the_list_is_explained_and_nothing_is_written(self, app, data, kind):
        before = _experience(app, data["unconsented"])
        client = _as(app, data["trainer"])
        response = client.post(f"{_post_url(data, data['unconsented'])}/good-case", data={"cooperation_kind": kind})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert 'id="cooperation_kind-error">Choose the kind of cooperation from the list.</p>' in page
        after = _experience(app, data["unconsented"])
        assert (after.good_case, after.cooperation_kind) == (before.good_case, before.cooperation_kind)

    def test_unmarking_takes_the_case_out_of_the_library_and_clears_its_kind(self, app, data):
        trainer = _as(app, data["trainer"])
        response = trainer.post(f"{_post_url(data)}/good-case/remove", follow_redirects=True)
        assert "is no longer a good case, and not in the case library." in response.get_data(as_text=True)
        experience = _experience(app, data["post"])
        assert (experience.good_case, experience.cooperation_kind) == (False, None)
        assert experience.consent_at is not None  # the author's consent is theirs to withdraw
        assert "Dhulikhel VLR" not in _library_titles(_as(app, data["participant"]))

    def test_the_mark_form_is_for_moderators_and_the_consent_button_for_the_author(self, app, data):
        url = _post_url(data, data["unconsented"])
        trainer = _as(app, data["trainer"]).get(url).get_data(as_text=True)
        assert "Change the kind of cooperation" in trainer and "I agree to share it" not in trainer
        author = _as(app, data["author"]).get(url).get_data(as_text=True)
        assert "I agree to share it in the case library" in author and "Change the kind" not in author
        participant = _as(app, data["participant"]).get(url).get_data(as_text=True)
        assert 'id="library"' not in participant
        assert '<span class="status">Good case</span>' in participant  # the badge, for everyone


class TestConsent:
    def test_the_author_gives_consent_and_the_case_joins_the_library(self, app, data):
        author = _as(app, data["author"])
        url = _post_url(data, data["unconsented"])
        before = utcnow()
        response = author.post(f"{url}/consent", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "Thank you: your experience is in the case library, shared with other courses." in page
        assert "You agreed on" in page and "Withdraw my consent" in page
        consent_at = _experience(app, data["unconsented"]).consent_at
        assert before <= consent_at <= utcnow()
        assert "Waiting for consent" in _library_titles(_as(app, data["outsider"]))

    def test_consent_before_marking_is_recorded_and_counts_once_marked(self, app, data):
        with app.app_context():
            post = create_experience(data["course"], data["author_id"], title="Pre-agreed", text="Yes.")
            db.session.commit()
            post_id = post.id
        response = _as(app, data["author"]).post(f"{_post_url(data, post_id)}/consent", follow_redirects=True)
        assert "joins the case library if a trainer marks it as a good case." in response.get_data(as_text=True)
        assert "Pre-agreed" not in _library_titles(_as(app, data["participant"]))
        _as(app, data["trainer"]).post(f"{_post_url(data, post_id)}/good-case", data={"cooperation_kind": "other"})
        assert "Pre-agreed" in _library_titles(_as(app, data["participant"]))

    def test_giving_consent_twice_keeps_the_first_date(self, app, data):
        with app.app_context():
            db.session.get(Experience, data["post"]).consent_at = utcnow() - timedelta(days=3)
            db.session.commit()
        first = _experience(app, data["post"]).consent_at
        _as(app, data["author"]).post(f"{_post_url(data)}/consent")
        assert _experience(app, data["post"]).consent_at == first

    def test_withdrawing_consent_removes_the_case_everywhere(self, app, data):
        author = _as(app, data["author"])
        response = author.post(f"{_post_url(data)}/consent/withdraw", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "Your consent is withdrawn: your experience is not shared in the case library." in page
        assert "I agree to share it in the case library" in page
        assert _experience(app, data["post"]).consent_at is None

        outsider = _as(app, data["outsider"])
        assert "Dhulikhel VLR" not in _library_titles(outsider)
        assert outsider.get(f"/library/{data['post']}").status_code == 404
        with app.app_context():
            assert cases.cases_for_chapter([data["course"]], "who-dc-is-for") == []
            # The attachment stays (inert): giving consent again brings the case back to the chapter.
            assert db.session.scalar(select(func.count(ChapterCase.id))) == 1


class TestWhatIsInTheLibrary:
    def test_only_marked_consented_visible_posts(self, app, data):
        # build_library: the post is in; "Waiting for consent" is marked only; "Hidden good case" is hidden.
        for role in ("participant", "trainer", "coordinator", "outsider"):
            assert _library_titles(_as(app, data[role])) == {"Dhulikhel VLR"}, role

    def test_a_hidden_case_is_never_in_the_library_even_for_moderators(self, app, data):
        for role in ("trainer", "coordinator", "author"):
            client = _as(app, data[role])
            assert client.get(f"/library/{data['hidden']}").status_code == 404
            assert "Hidden good case" not in _library_titles(client)

    def test_hiding_a_library_case_takes_it_out_and_showing_it_brings_it_back(self, app, data):
        trainer = _as(app, data["trainer"])
        trainer.post(f"{_post_url(data)}/hide")
        assert _library_titles(trainer) == set()
        assert "Not in the case library while it is hidden." in trainer.get(_post_url(data)).get_data(as_text=True)
        trainer.post(f"{_post_url(data)}/show")
        assert _library_titles(trainer) == {"Dhulikhel VLR"}

    def test_the_course_page_of_a_library_case_links_to_the_library(self, app, data):
        page = _as(app, data["trainer"]).get(_post_url(data)).get_data(as_text=True)
        assert "In the case library" in page and f'href="/library/{data["post"]}"' in page

    def test_the_library_case_shows_its_details_but_not_the_course_comments(self, app, data):
        page = _as(app, data["outsider"]).get(f"/library/{data['post']}").get_data(as_text=True)
        assert "<h1>Dhulikhel VLR</h1>" in page and "<p>The review.</p>" in page
        assert "Sita Shrestha" in page and "Nepal" in page and "City-to-city" in page
        assert '<span class="sdg" title="Clean Water and Sanitation">6</span>' in page
        assert "A first comment." not in page
        assert "Use it in your course" not in page  # they teach nothing

    def test_an_empty_library_says_how_cases_get_there(self, app, data):
        _as(app, data["author"]).post(f"{_post_url(data)}/consent/withdraw")
        page = _as(app, data["participant"]).get("/library/").get_data(as_text=True)
        assert "The library is empty for now" in page


class TestSearch:
    @pytest.fixture(autouse=True)
    def cases_in_library(self, app, data):
        values = [
            ("Composting with Kitakyushu", "ID", [11, 12], "how-dc-works-in-practice", "city-to-city"),
            ("Karachi drainage peer exchange", "PK", [6, 13], "who-we-work-with", "knowledge-exchange"),
            ("Quezon City policy review", "PH", [11, 17], "designing-dc-with-the-sdgs", "technical-cooperation"),
            ("APEKSI and LOCALISE SDGs: 100% local", "ID", [16, 17], None, "association-to-association"),
        ]
        with app.app_context():
            for title, country, sdgs, chapter, kind in values:
                post = create_experience(
                    data["course"], data["author_id"], title=title, text="T.", country=country, sdgs=sdgs,
                    chapter_slug=chapter,
                )  # fmt: skip
                share_in_library(post.id, kind)
            db.session.commit()

    @pytest.mark.parametrize(
        ("query", "shown"),
        [
            ("?country=PK", {"Karachi drainage peer exchange"}),
            ("?country=id", {"Composting with Kitakyushu", "APEKSI and LOCALISE SDGs: 100% local"}),
            ("?sdg=11", {"Composting with Kitakyushu", "Quezon City policy review"}),
            ("?sdg=6", {"Karachi drainage peer exchange", "Dhulikhel VLR"}),
            ("?kind=association-to-association", {"APEKSI and LOCALISE SDGs: 100% local"}),
            ("?kind=city-to-city", {"Composting with Kitakyushu", "Dhulikhel VLR"}),
            ("?chapter=designing-dc-with-the-sdgs", {"Quezon City policy review"}),
            ("?q=kitaKYUSHU", {"Composting with Kitakyushu"}),
            ("?q=++city++policy+", {"Quezon City policy review"}),  # spaces squeezed
            ("?q=100%25", {"APEKSI and LOCALISE SDGs: 100% local"}),
            ("?q=%25", {"APEKSI and LOCALISE SDGs: 100% local"}),  # a literal %, not a wildcard
            ("?q=_", set()),  # a literal _, not a wildcard
            ("?sdg=17&country=ID", {"APEKSI and LOCALISE SDGs: 100% local"}),
            ("?kind=city-to-city&country=NP&sdg=6&q=vlr&chapter=", {"Dhulikhel VLR"}),
            ("?sdg=11&kind=knowledge-exchange", set()),
        ],
    )
    def test_filters_and_title_search(self, app, data, query, shown):
        client = _as(app, data["outsider"])
        assert _library_titles(client, query) == shown
        if not shown:
            assert "No case matches this search." in client.get(f"/library/{query}").get_data(as_text=True)

    @pytest.mark.parametrize(
        "query", ["?sdg=99", "?sdg=abc", "?chapter=nope", "?country=Narnia", "?kind=galactic", "?q=+++", "?q="]
    )
    def test_values_that_cannot_match_are_ignored(self, app, data, query):
        assert len(_library_titles(_as(app, data["participant"]), query)) == 5

    def test_filters_offer_the_library_countries_and_every_kind(self, app, data):
        page = _as(app, data["participant"]).get("/library/?kind=triangular").get_data(as_text=True)
        countries = page[page.index('id="f-country"') : page.index("</select>", page.index('id="f-country"'))]
        assert re.findall(r'<option value="([A-Z]{2})"', countries) == ["ID", "NP", "PK", "PH"]  # by name
        kinds = page[page.index('id="f-kind"') : page.index("</select>", page.index('id="f-kind"'))]
        assert re.findall(r'<option value="([a-z-]+)"', kinds) == list(cases.COOPERATION_KINDS)
        assert '<option value="triangular" selected>Triangular</option>' in kinds

    def test_newest_first(self, app, data):
        with app.app_context():
            for days, title in enumerate(["Quezon City policy review", "Composting with Kitakyushu"]):
                post = db.session.scalar(select(Experience).where(Experience.title == title))
                post.created_at = utcnow() + timedelta(days=days + 1)
            db.session.commit()
        page = _as(app, data["participant"]).get("/library/").get_data(as_text=True)
        titles = re.findall(r'<h2 class="card-title"><a href="/library/\d+">([^<]+)</a></h2>', page)
        assert titles[:2] == ["Composting with Kitakyushu", "Quezon City policy review"]


class TestAttaching:
    def test_a_trainer_attaches_a_case_to_a_chapter_of_their_course(self, app, data):
        trainer = _as(app, data["trainer"])
        form = {"course_id": data["course"], "chapter_slug": "what-is-decentralized-cooperation"}
        response = trainer.post(f"/library/{data['post']}/attach", data=form)
        assert response.status_code == 302 and response.location.endswith("#attachments")
        page = trainer.get(response.location).get_data(as_text=True)
        assert "The case is attached to the chapter for “Module 4 ToT”." in page
        assert "1. What is DC?</a>" in page and "6. Who DC is for</a>" in page
        with app.app_context():
            assert [case.title for case in cases.cases_for_chapter([data["course"]], form["chapter_slug"])] == [
                "Dhulikhel VLR"
            ]

    def test_a_duplicate_is_refused_with_a_message(self, app, data):
        form = {"course_id": data["course"], "chapter_slug": "who-dc-is-for"}  # attached by build_library
        response = _as(app, data["trainer"]).post(f"/library/{data['post']}/attach", data=form)
        assert response.status_code == 422
        assert "This case is already attached to that chapter of the course." in response.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count(ChapterCase.id))) == 1

    @pytest.mark.parametrize(
        ("form", "message"),
        [
            ({"chapter_slug": "chapter-99"}, "Choose a chapter of the course&#39;s module."),
            ({"chapter_slug": ""}, "Choose a chapter from the list."),
            ({"course_id": "abc"}, "Choose a course from the list."),
            ({"course_id": ""}, "Choose a course from the list."),
        ],
    )
    def test_bad_input_is_explained_and_nothing_is_written(self, app, data, form, message):
        values = {"course_id": data["course"], "chapter_slug": "who-we-work-with", **form}
        response = _as(app, data["coordinator"]).post(f"/library/{data['post']}/attach", data=values)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count(ChapterCase.id))) == 1

    def test_attaching_to_a_course_that_does_not_exist_is_not_found(self, app, data):
        form = {"course_id": 999_999, "chapter_slug": "who-we-work-with"}
        assert _as(app, data["coordinator"]).post(f"/library/{data['post']}/attach", data=form).status_code == 404

    def test_the_form_offers_the_courses_the_person_teaches(self, app, data):
        with app.app_context():
            make_course(title="Archived cohort", status=CourseStatus.ARCHIVED)
            db.session.commit()

        def offered(role):
            page = _as(app, data[role]).get(f"/library/{data['post']}").get_data(as_text=True)
            select_html = page[page.index('id="course_id"') : page.index("</select>", page.index('id="course_id"'))]
            return set(re.findall(r'<option[^>]*value="\d+"[^>]*>([^<]+)</option>', select_html))

        assert offered("trainer") == {"Module 4 ToT"}
        assert offered("other_trainer") == {"Another course"}
        assert offered("coordinator") == {"Module 4 ToT", "Another course"}  # not archived ones

    def test_detaching_removes_the_case_from_the_chapter(self, app, data):
        trainer = _as(app, data["trainer"])
        form = {"course_id": data["course"], "chapter_slug": "who-dc-is-for"}
        response = trainer.post(f"/library/{data['post']}/detach", data=form, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "The case is no longer attached to the chapter for “Module 4 ToT”." in page
        assert "Attached to:" not in page
        assert trainer.post(f"/library/{data['post']}/detach", data=form).status_code == 404  # already gone
        with app.app_context():
            assert cases.cases_for_chapter([data["course"]], "who-dc-is-for") == []

    def test_a_case_that_left_the_library_can_still_be_detached(self, app, data):
        _as(app, data["author"]).post(f"{_post_url(data)}/consent/withdraw")
        form = {"course_id": data["course"], "chapter_slug": "who-dc-is-for"}
        response = _as(app, data["trainer"]).post(f"/library/{data['post']}/detach", data=form)
        assert response.status_code == 302 and response.location.endswith("/library/")
        with app.app_context():
            assert db.session.scalar(select(func.count(ChapterCase.id))) == 0

    @pytest.mark.parametrize("form", [{}, {"course_id": "abc", "chapter_slug": "who-dc-is-for"}])
    def test_a_detach_without_a_course_is_a_bad_request(self, app, data, form):
        assert _as(app, data["trainer"]).post(f"/library/{data['post']}/detach", data=form).status_code == 400


class TestCasesForChapter:
    def test_library_cases_attached_in_these_courses_each_once_with_authors(self, app, data):
        with app.app_context():
            other = get_course(data["other_course"])
            post = db.session.get(Experience, data["post"])
            cases.attach_case(other, "who-dc-is-for", post)
            cases.attach_case(other, "who-we-work-with", post)
            db.session.commit()
            db.session.expunge_all()  # the authors must come from the query itself (lazy="raise")
            found = cases.cases_for_chapter([data["course"], data["other_course"]], "who-dc-is-for")
            assert [case.id for case in found] == [data["post"]]
            assert found[0].author.name == "Sita Shrestha" and found[0].author.organisation is None
            assert [c.id for c in cases.cases_for_chapter([data["other_course"]], "who-we-work-with")] == [data["post"]]
            assert cases.cases_for_chapter([data["other_course"]], "what-is-decentralized-cooperation") == []
            assert cases.cases_for_chapter([], "who-dc-is-for") == []

    @pytest.mark.parametrize("change", ["hide", "unmark", "withdraw"])
    def test_cases_that_left_the_library_are_not_shown(self, app, data, change):
        with app.app_context():
            post = db.session.get(Experience, data["post"])
            {
                "hide": lambda: set_hidden(post, True),
                "unmark": lambda: cases.unmark_good_case(post),
                "withdraw": lambda: cases.withdraw_consent(post),
            }[change]()
            assert cases.cases_for_chapter([data["course"]], "who-dc-is-for") == []

    def test_only_library_cases_can_be_attached(self, app, data):
        with app.app_context():
            course = get_course(data["course"])
            with pytest.raises(cases.CaseError):
                cases.attach_case(course, "who-dc-is-for", db.session.get(Experience, data["unconsented"]))

    def test_the_hook_gives_the_cases_of_the_readers_courses_on_chapter_pages(self, app, data):
        from flask_login import AnonymousUserMixin

        from trainer.accounts.services import get_user_by_email
        from trainer.content.registry import get_registry

        with app.test_request_context():
            module = get_registry().module("module-4")
            chapter = module.chapter("who-dc-is-for")
            participant = get_user_by_email(data["participant"])
            extras = chapter_cases_hook("chapter", module, chapter, participant)
            assert [case.title for case in extras["library_cases"]] == ["Dhulikhel VLR"]
            assert extras["cooperation_kind_names"] is COOPERATION_KIND_NAMES
            # Another course's people see only what their own courses attached.
            assert chapter_cases_hook("chapter", module, chapter, get_user_by_email(data["outsider"])) == {
                "library_cases": [],
                "cooperation_kind_names": COOPERATION_KIND_NAMES,
            }
            assert chapter_cases_hook("chapter", module, chapter, get_user_by_email(data["stranger"])) == {}
            assert chapter_cases_hook("module", module, None, participant) == {}
            assert chapter_cases_hook("chapter", module, chapter, AnonymousUserMixin()) == {}

            html = render_template("experiences/_chapter_cases.html", **extras)
            assert "Cases from the library" in html and f'href="/library/{data["post"]}">Dhulikhel VLR</a>' in html
            assert "Sita Shrestha" in html and "Nepal" in html and "City-to-city" in html
            assert render_template("experiences/_chapter_cases.html", library_cases=[]).strip() == ""
            assert render_template("experiences/_chapter_cases.html").strip() == ""  # hook not registered

    def test_the_hook_registers_once(self, app):
        from trainer.experiences import hooks

        hooks.init_app(app)
        hooks.init_app(app)
        assert app.extensions["content.reader_hooks"].count(chapter_cases_hook) == 1


def _grow(app, data, count: int) -> None:
    """Library cases by different authors of different courses, each with an organisation."""
    with app.app_context():
        while db.session.scalar(select(func.count(Experience.id)).where(cases.in_library())) < count:
            course = make_course()
            make_trainer(course)
            organisation = get_or_create_organisation(f"City {course.id}", "ID", "city")
            author = make_participant(course, organisation_id=organisation.id, country="PH")
            post = create_experience(course.id, author.id, title="A case", text="*Text*", sdgs=[11], country="PH")
            share_in_library(post.id, "triangular")
        db.session.commit()


@pytest.mark.parametrize("role", ["participant", "coordinator"])
def test_the_library_list_uses_a_fixed_number_of_queries(app, data, count_queries, role):
    # Two sizes, each of more than one page (20 cases a page): the second page of each.
    client = _as(app, data[role])
    _grow(app, data, 25)
    with count_queries() as small:
        page = client.get("/library/?page=2").get_data(as_text=True)
    assert page.count('<li class="card">') == 5
    _grow(app, data, 70)
    with count_queries() as large:
        page = client.get("/library/?page=2").get_data(as_text=True)
    assert page.count('<li class="card">') == 20
    assert large.count == small.count, large.statements


def test_the_case_page_uses_a_fixed_number_of_queries(app, data, count_queries):
    client = _as(app, data["coordinator"])
    url = f"/library/{data['post']}"

    def attach_in(n: int) -> None:
        with app.app_context():
            post = db.session.get(Experience, data["post"])
            while db.session.scalar(select(func.count(ChapterCase.id))) < n:
                cases.attach_case(make_course(), "who-we-work-with", post)
            db.session.commit()

    attach_in(5)
    with count_queries() as five:
        assert client.get(url).status_code == 200
    attach_in(50)
    with count_queries() as fifty:
        assert client.get(url).get_data(as_text=True).count(">Detach</button>") == 50
    assert fifty.count == five.count, fifty.statements


@pytest.mark.parametrize(
    ("role", "sees"), [("participant", True), ("coordinator", True), ("scoped_coordinator", False)]
)
def test_the_course_experiences_page_links_to_the_library_for_its_readers(app, data, role, sees):
    page = _as(app, data[role]).get(f"/courses/{data['course']}/experiences/").get_data(as_text=True)
    assert ('href="/library/"' in page) is sees
