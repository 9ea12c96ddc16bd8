"""Script never survives from a title, a post or a comment into a page.

Titles are plain text, escaped by Jinja: their words (e.g. "onerror") may show as text, so the
checks look at the markup the browser would build (elements and attributes), not at substrings.
Markdown bodies go through render_user_markdown, which drops such markup altogether.
"""

import re
from html.parser import HTMLParser

import pytest
from flask import render_template
from markupsafe import escape
from sqlalchemy import select

from tests.experiences import POST, build_course, share_in_library
from trainer.courses.services import get_course
from trainer.experiences import cases
from trainer.experiences.models import Experience
from trainer.extensions import db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://example.org"></iframe>',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[y](JAVASCRIPT:alert(1))",
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
]
# None of these is used by the experience pages or the layout, so any of them came from input.
DANGEROUS_TAGS = {"script", "iframe", "svg", "math", "object", "embed", "img", "details", "style", "base"}


class Markup(HTMLParser):
    """Elements and attributes of a page, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def assert_no_script(html: str) -> None:
    markup = Markup()
    markup.feed(html)
    assert not DANGEROUS_TAGS & set(markup.tags), set(markup.tags)
    for tag, name, value in markup.attributes:
        assert not name.startswith("on"), (tag, name, value)
        squeezed = "".join(value.split()).lower()
        assert not squeezed.startswith(("javascript:", "vbscript:")), (tag, name, value)
        # The layout's empty favicon is the one data: URL a page may hold.
        assert tag == "link" or not squeezed.startswith("data:"), (tag, name, value)
    # And in the raw text: no live tag, whatever the attributes.
    assert "<script" not in html.lower() and "<iframe" not in html.lower() and "<svg" not in html.lower()


@pytest.fixture
def data(app):
    return build_course(app)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_titles_texts_and_comments_do_not_run(app, client, login_as, data, payload):
    login_as(data["author"])
    base = f"/courses/{data['course']}/experiences"
    response = client.post(f"{base}/new", data={**POST, "title": payload[:200], "text": f"{payload}\n\n{payload}"})
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalar(select(Experience.id).where(Experience.title == payload[:200]))
    client.post(f"{base}/{post}/comments", data={"text": payload})

    pages = [
        client.get(f"{base}/").get_data(as_text=True),
        client.get(f"{base}/{post}").get_data(as_text=True),
        client.get(f"{base}/{post}/edit").get_data(as_text=True),
        # A page that fails validation shows the submitted text again.
        client.post(f"{base}/{post}/edit", data={"title": payload, "text": ""}).get_data(as_text=True),
        client.post(f"{base}/{post}/comments", data={"text": ""}).get_data(as_text=True),
    ]
    for html in pages:
        assert_no_script(html)
    # Rendered Markdown (the post and its comment) keeps not even the words of the payload's markup.
    bodies = re.findall(r'<div class="prose">(.*?)</div>', pages[1], flags=re.DOTALL)
    assert len(bodies) == 2  # the post and its comment
    for body in bodies:
        for word in ("<script", "onerror", "javascript:", "onload", "<iframe", "<svg", "<img", "ontoggle"):
            assert word not in body.lower(), (word, body)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_flash_message_holding_a_title_is_escaped(app, client, login_as, data, payload):
    """Moderation messages name the post: built with gettext at request time, so Jinja escapes them."""
    with app.app_context():
        db.session.get(Experience, data["post"]).title = payload
        db.session.commit()
    login_as(data["trainer"])
    page = client.post(f"/courses/{data['course']}/experiences/{data['post']}/hide", follow_redirects=True).get_data(
        as_text=True
    )
    assert "is hidden: only its author and the trainers see it." in page
    assert_no_script(page)


def test_the_rendered_body_keeps_safe_markdown_and_drops_the_rest(app, client, login_as, data):
    login_as(data["author"])
    text = "**Bold** and [a link](https://example.org) and [bad](javascript:alert(1)) <script>alert(1)</script>"
    client.post(f"/courses/{data['course']}/experiences/{data['post']}/edit", data={**POST, "text": text})
    page = client.get(f"/courses/{data['course']}/experiences/{data['post']}").get_data(as_text=True)
    body = page[page.index('<div class="prose">') : page.index("</div>", page.index('<div class="prose">'))]
    assert "<strong>Bold</strong>" in body
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">a link</a>' in body
    assert "javascript:" not in body and "<script" not in body and "alert(1)" not in body.split("bad")[0]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_do_not_run_on_library_pages_or_in_the_chapter_snippet(app, client, login_as, data, payload):
    """A library case is read by other courses: its title and text are as dangerous there."""
    with app.app_context():
        post = db.session.get(Experience, data["post"])
        post.title, post.text = payload[:200], f"{payload}\n\n{payload}"
        share_in_library(post.id)
        cases.attach_case(get_course(data["course"]), "who-dc-is-for", post)
        db.session.commit()

    login_as(data["coordinator"])
    pages = [
        client.get("/library/").get_data(as_text=True),
        client.get(f"/library/?q={payload[:50]}").get_data(as_text=True),  # the search box shows it again
        client.get(f"/library/{data['post']}").get_data(as_text=True),
        # A refused attachment shows the page again; the flash after a good one names the course.
        client.post(
            f"/library/{data['post']}/attach", data={"course_id": data["course"], "chapter_slug": "who-dc-is-for"}
        ).get_data(as_text=True),
    ]
    with app.test_request_context():
        pages.append(
            render_template(
                "experiences/_chapter_cases.html",
                library_cases=cases.cases_for_chapter([data["course"]], "who-dc-is-for"),
            )
        )
    for html in pages:
        assert_no_script(html)
    assert str(escape(payload[:200])) in pages[0]  # the title is there, as text
    body = re.findall(r'<div class="prose">(.*?)</div>', pages[2], flags=re.DOTALL)
    assert len(body) == 1
    for word in ("<script", "onerror", "javascript:", "onload", "<iframe", "<svg", "<img", "ontoggle"):
        assert word not in body[0].lower(), (word, body[0])


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_good_case_flash_messages_holding_a_title_are_escaped(app, client, login_as, data, payload):
    with app.app_context():
        db.session.get(Experience, data["post"]).title = payload
        db.session.commit()
    login_as(data["trainer"])
    url = f"/courses/{data['course']}/experiences/{data['post']}"
    page = client.post(f"{url}/good-case", data={"cooperation_kind": "other"}, follow_redirects=True)
    assert "is marked as a good case." in page.get_data(as_text=True)
    assert_no_script(page.get_data(as_text=True))
    page = client.post(f"{url}/good-case/remove", follow_redirects=True).get_data(as_text=True)
    assert "is no longer a good case" in page
    assert_no_script(page)
