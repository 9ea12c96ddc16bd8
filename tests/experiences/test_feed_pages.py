"""The course's feed and the case library in pages of 20: order kept across pages, highlighted posts
first, filters in the pager's links, counts over everything, and the weight of a long feed."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.experiences import build_course, build_library, share_in_library
from tests.factories import PASSWORD, make_participant
from trainer.courses.services import get_course
from trainer.dbtypes import utcnow
from trainer.experiences.models import Experience
from trainer.experiences.services import add_comment, create_experience
from trainer.extensions import db

BUDGET = 100_000
TITLE = re.compile(r'<h3><a href="[^"]+">([^<]+)</a></h3>')
CASE = re.compile(r'<h2 class="card-title"><a href="/library/\d+">([^<]+)</a></h2>')
TEXT = "We worked with our partner city on waste management and youth exchange. " * 8


def posts(app, course_id: int, count: int, **values) -> list[str]:
    """`count` posts titled "Post NN", one day apart (Post 00 the newest), by one participant each."""
    with app.app_context():
        course = get_course(course_id)
        titles = []
        for n in range(count):
            author = make_participant(course)
            experience = create_experience(course_id, author.id, title=f"Post {n:02d}", text=TEXT, **values)
            experience.created_at = utcnow() - timedelta(days=n + 1)
            titles.append(experience.title)
        db.session.commit()
        return titles


def highlight(app, *titles: str) -> None:
    with app.app_context():
        for experience in db.session.scalars(select(Experience).where(Experience.title.in_(titles))):
            experience.highlighted = True
        db.session.commit()


def feed(client, data, query: str = "") -> str:
    response = client.get(f"/courses/{data['course']}/experiences/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def pinned_titles(page: str) -> list[str]:
    if 'id="pinned-title"' not in page:
        return []
    return TITLE.findall(page.split('id="pinned-title"')[1].split("</section>")[0])


@pytest.fixture
def data(app):
    return build_course(app)  # one post already: "Dhulikhel VLR", the newest


class TestFeed:
    def test_twenty_a_page_and_each_page_continues_the_last(self, app, client, login_as, data):
        titles = ["Dhulikhel VLR", *posts(app, data["course"], 44)]
        login_as(data["participant"])
        pages = [feed(client, data, f"?page={n}") for n in (1, 2, 3)]
        assert [TITLE.findall(page) for page in pages] == [titles[:20], titles[20:40], titles[40:]]
        assert "21–40 of 45" in pages[1] and "45 experiences" in pages[2]  # counted over every post
        assert '<nav class="pagination" aria-label="Pages">' in pages[0]
        assert TITLE.findall(feed(client, data, "?page=9")) == titles[40:]  # the nearest page
        assert TITLE.findall(feed(client, data, "?page=abc")) == titles[:20]

    def test_highlighted_posts_open_the_first_page_only(self, app, client, login_as, data):
        titles = posts(app, data["course"], 30)
        highlight(app, "Post 07", "Post 25")
        login_as(data["participant"])
        first, second = feed(client, data), feed(client, data, "?page=2")
        assert pinned_titles(first) == ["Post 07", "Post 25"]
        rest = ["Dhulikhel VLR", *[t for t in titles if t not in ("Post 07", "Post 25")]]
        assert TITLE.findall(first) == ["Post 07", "Post 25", *rest[:18]]
        assert pinned_titles(second) == [] and TITLE.findall(second) == rest[18:]
        assert "For the next live session" not in second  # neither the section nor a badge
        assert '<h2 id="all-title">Experiences</h2>' in second

    def test_more_highlighted_posts_than_a_page_holds_go_on_to_the_next_page(self, app, client, login_as, data):
        titles = posts(app, data["course"], 30)
        highlight(app, *titles[:24])
        login_as(data["participant"])
        first, second = feed(client, data), feed(client, data, "?page=2")
        assert pinned_titles(first) == titles[:20] and 'id="all-title"' not in first
        assert pinned_titles(second) == titles[20:24]
        assert TITLE.findall(second) == [*titles[20:24], "Dhulikhel VLR", *titles[24:]]

    def test_filters_survive_in_the_pager_links_and_the_count_is_of_the_matches(self, app, client, login_as, data):
        philippines = posts(app, data["course"], 25, country="PH", sdgs=[11])
        posts(app, data["course"], 10, country="TH", sdgs=[11, 17])
        login_as(data["participant"])
        first = feed(client, data, "?country=PH&sdg=11")
        assert "25 experiences" in first and TITLE.findall(first) == philippines[:20]
        link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
        assert "country=PH" in link and "sdg=11" in link and "page=2" in link and link.endswith("#feed")
        assert TITLE.findall(client.get(link).get_data(as_text=True)) == philippines[20:]
        # The SDG filter is applied in Python, before the cut: every page holds only matches.
        seventeen = feed(client, data, "?sdg=17")
        assert "10 experiences" in seventeen and "Page 1 of" not in seventeen

    def test_comment_counts_on_a_later_page(self, app, client, login_as, data):
        titles = posts(app, data["course"], 30)
        with app.app_context():
            experience = db.session.scalar(select(Experience).where(Experience.title == titles[-1]))
            for text in ("One", "Two", "Three"):
                add_comment(experience, data["reader_id"], text)
            db.session.commit()
            experience_id = experience.id
        login_as(data["participant"])
        page = feed(client, data, "?page=2")
        assert re.search(rf'href="[^"]+/experiences/{experience_id}#comments">3 comments</a>', page)

    def test_a_feed_of_150_posts_stays_under_the_budget(self, app, client, login_as, data):
        posts(app, data["course"], 150, country="PH", sdgs=[11, 17])
        highlight(app, "Post 03", "Post 60")
        for role in ("participant", "trainer"):
            client.post("/accounts/logout")
            login_as(data[role])
            for query in ("", "?page=4", "?country=PH&page=2"):
                size = len(client.get(f"/courses/{data['course']}/experiences/{query}").get_data())
                assert size < BUDGET / 3, (role, query, size)


@pytest.fixture
def library(app):
    return build_library(app)  # one case in the library: "Dhulikhel VLR"


def cases(app, library, count: int, **values) -> list[str]:
    """`count` library cases titled "Case NN" (Case 00 the newest), in the library course."""
    with app.app_context():
        course = get_course(library["course"])
        titles = []
        for n in range(count):
            author = make_participant(course)
            experience = create_experience(course.id, author.id, title=f"Case {n:02d}", text=TEXT, **values)
            experience.created_at = utcnow() + timedelta(days=1, minutes=-n)
            share_in_library(experience.id)
            titles.append(experience.title)
        db.session.commit()
        return titles


def library_page(app, email: str, query: str = "") -> str:
    client = app.test_client()
    client.post("/accounts/login", data={"email": email, "password": PASSWORD})
    response = client.get(f"/library/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


class TestLibrary:
    def test_twenty_a_page_newest_first_counted_over_every_case(self, app, library):
        titles = [*cases(app, library, 44), "Dhulikhel VLR"]  # the seeded case is older than these
        pages = [library_page(app, library["participant"], f"?page={n}") for n in (1, 2, 3)]
        assert [CASE.findall(page) for page in pages] == [titles[:20], titles[20:40], titles[40:]]
        assert all("45 cases" in page for page in pages)
        assert "41–45 of 45" in pages[2]
        assert CASE.findall(library_page(app, library["participant"], "?page=7")) == titles[40:]

    def test_the_search_survives_in_the_pager_links(self, app, library):
        titles = cases(app, library, 30, country="PH")
        page = library_page(app, library["coordinator"], "?q=case&country=PH")
        assert "30 cases" in page and CASE.findall(page) == titles[:20]
        link = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
        assert "q=case" in link and "country=PH" in link and link.endswith("#cases")
        second = library_page(app, library["coordinator"], link.removeprefix("/library/").split("#")[0])
        assert CASE.findall(second) == titles[20:]

    def test_a_library_of_300_cases_stays_under_the_budget(self, app, library):
        cases(app, library, 300, country="PH", sdgs=[11, 17])
        for query in ("", "?page=8", "?sdg=11&page=3"):
            size = len(library_page(app, library["participant"], query).encode())
            assert size < BUDGET / 3, (query, size)
