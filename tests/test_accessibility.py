"""Accessibility checks that need no browser (the journeys in tests/browser run axe-core too).

Forms: a failing form shows one error summary at the top, with a link to each field in error,
and each such field says it is invalid and points at its message. Pages: every page each kind
of person can reach from their home page (the demo course, crawled through its links) declares
its language, has one h1, unique ids, a label for every control and a header for every table.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import login
from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from trainer.demo import data as demo
from trainer.demo.seed import seed_demo
from trainer.extensions import db


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "Element | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.text = ""

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """A rendered page as a small tree, enough to ask the questions below."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None)
        self._open = self.root
        self.feed(html)
        self.elements = list(self.root.iter())[1:]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self._open)
        self._open.children.append(element)
        if tag not in VOID:
            self._open = element

    def handle_endtag(self, tag):
        node = self._open
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self._open = node.parent

    def handle_data(self, data):
        self._open.text += data

    def find(self, tag: str | None = None, **attrs) -> list[Element]:
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag) and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, id_: str) -> Element | None:
        found = [e for e in self.elements if e.attrs.get("id") == id_]
        return found[0] if found else None


# -- the error summary -------------------------------------------------------------------------


def assert_summary_links_to_fields(html: str, fields: dict[str, str]) -> Page:
    """`fields`: the id each summary link targets -> part of its message."""
    page = Page(html)
    [summary] = [e for e in page.find("div") if "error-summary" in e.attrs.get("class", "")]
    assert summary.attrs["role"] == "alert" and "autofocus" in summary.attrs and summary.attrs["tabindex"] == "-1"
    assert [h.all_text().strip() for h in summary.iter() if h.tag == "h2"] == ["There is a problem"]
    links = {a.attrs["href"].removeprefix("#"): a.all_text() for a in summary.iter() if a.tag == "a"}
    assert set(links) == set(fields), links
    for id_, message in fields.items():
        assert message in links[id_]
        control = page.by_id(id_)
        assert control is not None and control.tag in ("input", "select", "textarea"), id_
        group = next((a for a in control.ancestors() if a.tag == "fieldset"), None)
        described = control if control.attrs.get("aria-describedby") else group
        error_ids = [i for i in described.attrs["aria-describedby"].split() if i.endswith("-error")]
        assert len(error_ids) == 1 and message in page.by_id(error_ids[0]).all_text()
        if control.attrs.get("type") not in ("checkbox", "radio"):
            assert control.attrs.get("aria-invalid") == "true"
    # The summary comes before the fields it lists.
    first = page.by_id(next(iter(fields)))
    assert page.elements.index(summary) < page.elements.index(first)
    return page


def test_course_creation_with_errors_shows_the_summary_with_a_link_to_each_field(app, client, login_as):
    with app.app_context():
        coordinator = make_coordinator().email
        db.session.commit()
    login_as(coordinator)
    response = client.post(
        "/courses/new",
        data={"title": "", "module_slug": "module-4", "timezone": "Asia/Atlantis", "status": "draft", "capacity": "0"},
    )
    assert response.status_code == 422  # Unprocessable: the form comes back with its errors
    assert_summary_links_to_fields(
        response.get_data(as_text=True),
        {
            "title": "Give the course a title.",
            "timezone": "Choose a time zone from the list",
            "capacity": "Number must be between 1 and 100000.",
        },
    )


def test_a_failed_sign_in_shows_the_summary(app, client):
    with app.app_context():
        make_participant(make_course(), email="sita@example.org")
        db.session.commit()
    response = client.post("/accounts/login", data={"email": "", "password": ""})
    assert_summary_links_to_fields(response.get_data(as_text=True), {"email": "", "password": ""})

    wrong = client.post("/accounts/login", data={"email": "sita@example.org", "password": "not it"})
    page = Page(wrong.get_data(as_text=True))
    [summary] = [e for e in page.find("div") if "error-summary" in e.attrs.get("class", "")]
    assert "The email or password is not right" in summary.all_text()


def test_errors_in_agenda_rows_and_checkbox_groups_link_to_the_control(app, client, login_as):
    with app.app_context():
        course = make_course()
        trainer = make_trainer(course).email
        db.session.commit()
        course_id = course.id
    login_as(trainer)
    response = client.post(
        f"/courses/{course_id}/schedule/sessions/new",
        data={"title": "Day 2", "day": "2099-11-25", "start": "13:00", "end": "16:00", "agenda-0-title": "Welcome"},
    )
    assert response.status_code == 422  # Unprocessable: the form comes back with its errors
    page = assert_summary_links_to_fields(response.get_data(as_text=True), {"agenda-0-minutes": "How many minutes?"})
    [link] = [a for a in page.elements if a.tag == "a" and a.attrs.get("href") == "#agenda-0-minutes"]
    assert link.all_text().startswith("Row 1 · Minutes")

    participant_course = make_course_with_participant(app)
    client.post("/accounts/logout")
    login_as("putri@example.org")
    response = client.post(
        f"/courses/{participant_course}/experiences/new", data={"title": "Twin cities", "text": "We", "sdgs": "99"}
    )
    assert response.status_code == 422  # Unprocessable: the form comes back with its errors
    page = assert_summary_links_to_fields(response.get_data(as_text=True), {"sdgs-0": "Choose goals from the list"})
    [group] = [f for f in page.find("fieldset") if any(e.attrs.get("id") == "sdgs-0" for e in f.iter())]
    assert [e.all_text() for e in group.children if e.tag == "legend"] == ["SDGs it contributes to"]


def make_course_with_participant(app) -> int:
    with app.app_context():
        course = make_course(title="Module 4 ToT")
        make_participant(course, email="putri@example.org")
        db.session.commit()
        return course.id


# -- every page ----------------------------------------------------------------------------------

SKIP = re.compile(r"\.(csv|ics|pdf)$|/attachments/|/logout$")
LABELLED = ("aria-label", "aria-labelledby")
UNLABELLED_TYPES = ("hidden", "submit", "button", "reset", "image")


def crawl(client, start: str = "/", limit: int = 200):
    """Every HTML page reachable by links from `start`, one per URL shape (ids replaced by N)."""
    seen, queue = set(), [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        shape = re.sub(r"/[\w-]*\d[\w-]*", "/N", urlsplit(url).path)
        if shape in seen:
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        yield url, response, html
        for a in Page(html).find("a"):
            target = urlsplit(urljoin(url, a.attrs.get("href", "")))
            if target.scheme in ("http", "https", "") and target.netloc in ("", "localhost") and target.path:
                path = target.path + (f"?{target.query}" if target.query else "")
                if not SKIP.search(target.path):
                    queue.append(path)


def page_problems(html: str, language: str) -> list[str]:
    page = Page(html)
    problems = []
    [root] = page.find("html")
    if root.attrs.get("lang") != language:
        problems.append(f"<html lang={root.attrs.get('lang')!r}>, expected {language!r}")
    if len(page.find("h1")) < 1:
        problems.append("no h1")
    if len(page.find("main")) != 1:
        problems.append("not one <main>")
    ids = [e.attrs["id"] for e in page.elements if e.attrs.get("id")]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids {duplicates}")
    labels_for = {e.attrs.get("for") for e in page.find("label")}
    for control in page.elements:
        if control.tag not in ("input", "select", "textarea") or control.attrs.get("type") in UNLABELLED_TYPES:
            continue
        named = (
            any(control.attrs.get(a) for a in LABELLED)
            or (control.attrs.get("id") and control.attrs["id"] in labels_for)
            or any(a.tag == "label" for a in control.ancestors())
        )
        if not named:
            problems.append(f"<{control.tag} name={control.attrs.get('name')!r}> has no label")
    for element in page.elements:
        refs = f"{element.attrs.get('aria-labelledby', '')} {element.attrs.get('aria-describedby', '')}".split()
        problems += [f"<{element.tag}> refers to missing id {ref!r}" for ref in refs if page.by_id(ref) is None]
    for table in page.find("table"):
        if not any(e.tag == "th" for e in table.iter()):
            problems.append("a table without header cells")
    for button in page.find("button"):
        if not (button.all_text().strip() or any(button.attrs.get(a) for a in LABELLED)):
            problems.append("a button without a name")
    for a in page.find("a"):
        if a.attrs.get("href") and not (a.all_text().strip() or any(a.attrs.get(x) for x in LABELLED)):
            problems.append(f"a link without a name ({a.attrs['href']})")
    for img in page.find("img"):
        if "alt" not in img.attrs:
            problems.append(f"an image without alt ({img.attrs.get('src')})")
    return problems


@pytest.fixture
def demo_course(app):
    with app.app_context():
        seed_demo()
        db.session.commit()


@pytest.mark.parametrize(
    "email",
    [
        demo.PARTICIPANTS[0][1],
        demo.TRAINERS[0][1],
        demo.COORDINATOR[1],
        demo.ASSOCIATION_COORDINATOR[1],
    ],
)
def test_every_page_a_person_reaches_declares_its_language_and_labels_its_controls(client, demo_course, email):
    assert login(client, email, demo.DEMO_PASSWORD).status_code == 302
    pages = 0
    problems = {}
    for url, response, html in crawl(client):
        pages += 1
        found = page_problems(html, response.headers["Content-Language"])
        if found:
            problems[url] = found
    assert pages > 10
    assert not problems, problems


def test_pages_in_bahasa_indonesia_say_so(client, demo_course):
    client.set_cookie("lang", "id")  # a visitor's choice in the header
    response = client.get("/accounts/login")
    assert response.headers["Content-Language"] == "id"
    assert not page_problems(response.get_data(as_text=True), "id")
