"""The pages: list with filters and pinned posts, detail, posting, editing, comments, fixed queries."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.experiences import POST, build_course
from tests.factories import make_participant
from trainer.courses.services import get_course
from trainer.dbtypes import utcnow
from trainer.experiences.models import Comment, Experience
from trainer.experiences.services import add_comment, create_experience
from trainer.extensions import db


@pytest.fixture
def data(app):
    return build_course(app)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def _post(app, data, title, days_ago=0, **values) -> int:
    with app.app_context():
        experience = create_experience(data["course"], data["author_id"], title=title, text="Text.", **values)
        experience.created_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return experience.id


def _list(client, data, query="") -> str:
    response = client.get(f"/courses/{data['course']}/experiences/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


class TestList:
    def test_highlighted_posts_are_pinned_then_newest_first(self, app, client, login_as, data):
        _post(app, data, "Oldest, highlighted", days_ago=9)
        _post(app, data, "A day ago", days_ago=1)
        _post(app, data, "Five days ago", days_ago=5)
        with app.app_context():
            db.session.scalar(select(Experience).where(Experience.title == "Oldest, highlighted")).highlighted = True
            db.session.commit()
        page = _list(login_as(data["participant"]), data)
        titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', page)
        assert titles == ["Oldest, highlighted", "Dhulikhel VLR", "A day ago", "Five days ago"]  # the VLR is new
        assert page.count("For the next live session") >= 2  # the section and the badge

    def test_each_item_shows_author_country_sdgs_chapter_and_comment_count(self, client, login_as, data, app):
        _post(app, data, "With a chapter", country="NP", sdgs=[13, 6], chapter_slug="who-dc-is-for")
        page = _list(login_as(data["participant"]), data)
        assert "Sita Shrestha" in page and "Nepal" in page
        assert '<span class="sdg" title="Clean Water and Sanitation">6</span>' in page
        assert '<span class="sdg" title="Climate Action">13</span>' in page
        assert "6. Who DC is for" in page
        assert "1 comment" in page and "0 comments" in page

    def test_nothing_shared_yet_invites_the_first_post(self, app, client, login_as, data):
        with app.app_context():
            for model in (Comment, Experience):
                for row in db.session.scalars(select(model)):
                    db.session.delete(row)
            db.session.commit()
        page = _list(login_as(data["participant"]), data)
        assert "Nobody has shared an experience yet." in page and "Share an experience" in page


class TestFilters:
    @pytest.fixture(autouse=True)
    def posts(self, app, data):
        _post(app, data, "Surabaya composting", country="ID", sdgs=[11, 12], chapter_slug="how-dc-works-in-practice")
        _post(app, data, "Karachi drainage", country="PK", sdgs=[6, 13], chapter_slug="who-we-work-with")
        _post(app, data, "Quezon City policy", country="PH", sdgs=[11, 17], chapter_slug="designing-dc-with-the-sdgs")

    @pytest.mark.parametrize(
        ("query", "shown"),
        [
            ("?country=PK", {"Karachi drainage"}),
            ("?country=np", {"Dhulikhel VLR"}),
            ("?sdg=11", {"Surabaya composting", "Quezon City policy"}),
            ("?sdg=6", {"Karachi drainage", "Dhulikhel VLR"}),
            ("?chapter=designing-dc-with-the-sdgs", {"Quezon City policy"}),
            ("?sdg=11&country=ID", {"Surabaya composting"}),
            ("?sdg=11&chapter=who-we-work-with", set()),
        ],
    )
    def test_filters_by_country_sdg_and_chapter(self, client, login_as, data, query, shown):
        page = _list(login_as(data["participant"]), data, query)
        titles = set(re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', page))
        assert titles == shown
        if not shown:
            assert "No experience matches these filters." in page

    @pytest.mark.parametrize("query", ["?sdg=99", "?sdg=abc", "?chapter=nope", "?country=Narnia", "?country="])
    def test_values_that_cannot_match_are_ignored(self, client, login_as, data, query):
        page = _list(login_as(data["participant"]), data, query)
        assert len(re.findall(r"<h3><a ", page)) == 4

    def test_the_country_filter_offers_the_countries_of_the_posts(self, client, login_as, data):
        page = _list(login_as(data["participant"]), data)
        select_html = page[page.index('id="f-country"') : page.index("</select>", page.index('id="f-country"'))]
        assert re.findall(r'<option value="([A-Z]{2})"', select_html) == ["ID", "NP", "PK", "PH"]  # by name


class TestPosting:
    def test_a_participant_shares_an_experience(self, app, client, login_as, data):
        login_as(data["participant"])
        response = client.post(f"/courses/{data['course']}/experiences/new", data={**POST, "sdgs": ["17", "6"]})
        assert response.status_code == 302
        with app.app_context():
            experience = db.session.scalar(select(Experience).where(Experience.title == POST["title"]))
            assert experience.author_id == data["reader_id"] and experience.course_id == data["course"]
            assert experience.sdgs == [6, 17] and experience.country == "NP"
            assert experience.chapter_slug == "who-dc-is-for" and not experience.hidden
        assert response.location.endswith(f"/experiences/{experience.id}")
        page = client.get(response.location).get_data(as_text=True)
        assert "<strong>reviewed</strong>" in page and "Thank you: your experience is shared" in page
        assert "6. Who DC is for" in page

    def test_optional_fields_may_stay_empty(self, app, client, login_as, data):
        login_as(data["participant"])
        form = {"title": "Just a story", "text": "Short.", "country": "", "chapter_slug": ""}
        assert client.post(f"/courses/{data['course']}/experiences/new", data=form).status_code == 302
        with app.app_context():
            experience = db.session.scalar(select(Experience).where(Experience.title == "Just a story"))
            assert (experience.country, experience.sdgs, experience.chapter_slug) == (None, [], None)

    def test_the_form_starts_with_the_authors_country(self, client, login_as, data):
        page = login_as(data["participant"]).get(f"/courses/{data['course']}/experiences/new").get_data(as_text=True)
        assert '<option selected value="PK">Pakistan</option>' in page
        assert 'type="checkbox" value="16"> <label for="sdgs-15">16 · Peace, Justice and Strong Institutions' in page

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"title": ""}, "Give your experience a title."),
            ({"title": "x" * 201}, "Keep the title to 200 characters or fewer."),
            ({"text": ""}, "Describe the experience."),
            ({"text": "   \n  "}, "Describe the experience."),
            ({"text": "x" * 20_001}, "Keep the text to 20,000 characters or fewer."),
            ({"sdgs": ["18"]}, "Choose goals from the list (1 to 17)."),
            ({"sdgs": ["0"]}, "Choose goals from the list (1 to 17)."),
            ({"sdgs": ["six"]}, "Choose goals from the list (1 to 17)."),
            ({"country": "XX"}, "Choose a country from the list."),
            ({"chapter_slug": "chapter-99"}, "Choose a chapter from the list."),
        ],
    )
    def test_bad_input_is_explained_beside_the_field_and_nothing_is_written(
        self, app, client, login_as, data, change, message
    ):
        login_as(data["participant"])
        before = _count(app, Experience)
        response = client.post(f"/courses/{data['course']}/experiences/new", data={**POST, **change})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert f'class="field-error" id="{next(iter(change))}-error">{message}</p>' in page
        assert _count(app, Experience) == before

    def test_the_longest_allowed_values_are_accepted(self, app, client, login_as, data):
        login_as(data["participant"])
        form = {**POST, "title": "t" * 200, "text": "x" * 20_000}
        assert client.post(f"/courses/{data['course']}/experiences/new", data=form).status_code == 302


class TestEditing:
    def test_the_author_edits_their_post(self, app, client, login_as, data):
        login_as(data["author"])
        url = f"/courses/{data['course']}/experiences/{data['post']}/edit"
        form_page = client.get(url).get_data(as_text=True)
        assert 'value="Dhulikhel VLR"' in form_page and "checked" in form_page  # SDG 6 is ticked
        response = client.post(url, data={**POST, "title": "Dhulikhel VLR, updated", "sdgs": ["1", "6"]})
        assert response.status_code == 302
        with app.app_context():
            experience = db.session.get(Experience, data["post"])
            assert experience.title == "Dhulikhel VLR, updated" and experience.sdgs == [1, 6]
            assert experience.updated_at > experience.created_at
        page = client.get(response.location).get_data(as_text=True)
        assert "Your changes are saved." in page and "edited" in page

    def test_unticking_every_sdg_clears_them(self, app, client, login_as, data):
        login_as(data["author"])
        form = {key: value for key, value in POST.items() if key != "sdgs"}
        assert client.post(f"/courses/{data['course']}/experiences/{data['post']}/edit", data=form).status_code == 302
        with app.app_context():
            assert db.session.get(Experience, data["post"]).sdgs == []

    def test_bad_input_on_edit_is_explained_and_the_post_is_unchanged(self, app, client, login_as, data):
        login_as(data["author"])
        response = client.post(
            f"/courses/{data['course']}/experiences/{data['post']}/edit", data={**POST, "title": "", "text": "New"}
        )
        assert response.status_code == 422 and "Give your experience a title." in response.get_data(as_text=True)
        with app.app_context():
            experience = db.session.get(Experience, data["post"])
            assert (experience.title, experience.text) == ("Dhulikhel VLR", "The review.")

    @pytest.mark.parametrize(("role", "sees"), [("author", True), ("trainer", False), ("participant", False)])
    def test_only_the_author_sees_the_edit_button(self, client, login_as, data, role, sees):
        url = f"/courses/{data['course']}/experiences/{data['post']}"
        assert (f"{url}/edit" in login_as(data[role]).get(url).get_data(as_text=True)) is sees


class TestComments:
    def test_a_comment_is_rendered_from_markdown_and_counted(self, app, client, login_as, data):
        login_as(data["trainer"])
        url = f"/courses/{data['course']}/experiences/{data['post']}"
        response = client.post(f"{url}/comments", data={"text": "Please bring *this* to day 2."})
        assert response.status_code == 302 and re.search(r"#comment-\d+$", response.location)
        page = client.get(url).get_data(as_text=True)
        assert "<p>Please bring <em>this</em> to day 2.</p>" in page and "Rahmat Hidayat" in page
        assert page.index("A first comment.") < page.index("Please bring")  # oldest first
        assert "2 comments" in _list(client, data)

    @pytest.mark.parametrize(
        ("text", "message"),
        [("", "Write your comment first."), ("x" * 5001, "Keep the comment to 5,000 characters or fewer.")],
    )
    def test_bad_comments_are_explained_and_not_written(self, app, client, login_as, data, text, message):
        login_as(data["participant"])
        before = _count(app, Comment)
        response = client.post(f"/courses/{data['course']}/experiences/{data['post']}/comments", data={"text": text})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page and "Dhulikhel VLR" in page  # the post is shown again with the error
        assert _count(app, Comment) == before


def _grow(app, data, posts: int, comments_each: int = 2) -> None:
    """Posts by different authors (each with an organisation to load), each with comments."""
    from trainer.accounts.organisations import get_or_create_organisation

    with app.app_context():
        course = get_course(data["course"])
        while db.session.scalar(select(func.count(Experience.id)).where(Experience.course_id == course.id)) < posts:
            organisation = get_or_create_organisation(f"City {posts}-{course.id}", "ID", "city")
            author = make_participant(course, organisation_id=organisation.id)
            experience = create_experience(course.id, author.id, title="A post", text="*Text*", sdgs=[11])
            for _ in range(comments_each):
                add_comment(experience, author.id, "A comment")
        db.session.commit()


@pytest.mark.parametrize("role", ["participant", "trainer"])
def test_the_list_uses_a_fixed_number_of_queries(app, client, login_as, data, count_queries, role):
    # Two sizes, each of more than one page (20 posts a page): the second page of each.
    login_as(data[role])
    url = f"/courses/{data['course']}/experiences/?page=2"
    _grow(app, data, 25)
    with count_queries() as small:
        page = client.get(url).get_data(as_text=True)
    assert page.count('<li class="card">') == 5
    _grow(app, data, 70)
    with count_queries() as large:
        page = client.get(url).get_data(as_text=True)
    assert page.count('<li class="card">') == 20
    assert large.count == small.count, large.statements


def test_the_detail_page_uses_a_fixed_number_of_queries(app, client, login_as, data, count_queries):
    login_as(data["participant"])
    url = f"/courses/{data['course']}/experiences/{data['post']}"

    def grow_comments(n):
        with app.app_context():
            experience = db.session.get(Experience, data["post"])
            course = get_course(data["course"])
            while db.session.scalar(select(func.count(Comment.id)).where(Comment.experience_id == experience.id)) < n:
                add_comment(experience, make_participant(course).id, "**Agreed**")
            db.session.commit()

    grow_comments(5)
    with count_queries() as five:
        assert client.get(url).status_code == 200
    grow_comments(50)
    with count_queries() as fifty:
        assert client.get(url).get_data(as_text=True).count("<strong>Agreed</strong>") == 49
    assert fifty.count == five.count
