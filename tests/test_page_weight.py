"""Page weight without a browser: the main pages, at a realistic size, under 100 KB transferred.

A page's weight is its HTML as sent to a browser that accepts gzip (the app compresses only large
pages of course material, see trainer/compression.py) plus every stylesheet, script and image it links,
counted cold (no cache). Nothing a page loads may come from another host; outbound links in
<a> (Zoom join links, sources) are fine. The browser journeys measure the same in Chromium.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_participant
from tests.schedule.helpers import CH
from trainer.courses.models import Course
from trainer.demo import data as demo
from trainer.demo.seed import seed_demo
from trainer.extensions import db

BUDGET = 100_000
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
# Attributes through which a page makes the browser fetch something by itself.
LOADED = {
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
}
CHAPTERS = CH


class Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loaded: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in LOADED.get(tag, ()):
                if tag == "link" and dict(attrs).get("rel") not in ("stylesheet", "icon", "preload", "modulepreload"):
                    continue
                self.loaded.append((tag, name, value))


def is_elsewhere(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme not in ("", "data") or bool(parts.netloc)


def weigh(client, path: str) -> tuple[int, int, list[str]]:
    """Bytes transferred for one cold page load, its HTML's own size, what it would fetch elsewhere."""
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    html = response.get_data()  # as sent: gzip when the app compressed it
    text = client.get(path).get_data(as_text=True)
    parser = Resources()
    parser.feed(text)
    weight, elsewhere = len(html), []
    for tag, attribute, value in parser.loaded:
        urls = [part.split()[0] for part in value.split(",")] if attribute == "srcset" else [value]
        for url in urls:
            if is_elsewhere(url):
                elsewhere.append(f"<{tag} {attribute}={url}>")
            elif tag != "form" and not url.startswith("data:"):
                with client.get(url, headers=BROWSER) as asset:
                    assert asset.status_code == 200, url
                    weight += len(asset.get_data())
                    if asset.mimetype == "text/css":
                        css = asset.get_data(as_text=True)
                        found = re.findall(r"@import[^;]*|url\([^)]*\)", css)
                        elsewhere += [f"{url}: {m}" for m in found if "//" in m]
    return weight, len(text.encode()), elsewhere


@pytest.fixture
def course_id(app) -> int:
    """The demo course, with 30 more participants: 60, so the dashboard shows a full page of 50."""
    with app.app_context():
        seed_demo()
        course = db.session.scalar(select(Course).where(Course.title == demo.COURSE_TITLE))
        for n in range(30):
            make_participant(course, name=f"Focal Point Number {n:02d}", email=f"focal{n}@example.org", country="PH")
        db.session.commit()
        return course.id


def pages_of(course_id: int) -> dict[str, list[str]]:
    course = f"/courses/{course_id}"
    chapters = [f"/modules/module-4/{slug}" for slug in CHAPTERS]
    return {
        demo.PARTICIPANTS[0][1]: [
            "/",
            f"{course}/",
            "/modules/module-4/",
            *chapters,
            "/modules/module-4/print",
            f"{course}/groups/",
            f"{course}/experiences/",
            "/library/",
            "/calendar/",
        ],
        demo.TRAINERS[0][1]: [
            *chapters,  # with trainer notes: the heaviest chapter pages
            "/modules/module-4/print?notes=1",
            f"{course}/progress/",
            f"{course}/schedule/",
            f"{course}/groups/",
            f"{course}/people/",
        ],
        demo.COORDINATOR[1]: ["/", "/progress/", "/reach/", f"{course}/people/", "/accounts/organisations/"],
    }


def test_main_pages_weigh_under_100_kb_and_load_nothing_from_another_host(client, course_id):
    weights, html_sizes, elsewhere = {}, {}, {}
    for email, paths in pages_of(course_id).items():
        client.post("/accounts/logout")
        assert login(client, email, demo.DEMO_PASSWORD).status_code == 302
        for path in paths:
            weight, html_size, foreign = weigh(client, path)
            weights[f"{path} ({email.split('@')[0]})"] = weight
            html_sizes[f"{path} ({email.split('@')[0]})"] = html_size
            if foreign:
                elsewhere[path] = foreign
    heavy = {page: weight for page, weight in weights.items() if weight >= BUDGET}
    assert not heavy, f"over {BUDGET:,} bytes: {heavy}"
    assert not elsewhere, elsewhere
    assert html_sizes[f"/courses/{course_id}/progress/ (trainer)"] > 50_000  # the dashboard really is full


def test_the_printable_module_is_only_light_because_it_is_compressed(client, course_id):
    login(client, demo.PARTICIPANTS[0][1], demo.DEMO_PASSWORD)
    plain = client.get("/modules/module-4/print")
    sent = client.get("/modules/module-4/print", headers=BROWSER)
    assert "Content-Encoding" not in plain.headers and len(plain.get_data()) > BUDGET
    assert sent.headers["Content-Encoding"] == "gzip" and len(sent.get_data()) < BUDGET / 2
    assert "Accept-Encoding" in sent.headers["Vary"]
    chapter = client.get(f"/modules/module-4/{CHAPTERS[0]}", headers=BROWSER)  # under the threshold
    assert "Content-Encoding" not in chapter.headers


def test_pages_with_personal_data_are_never_compressed_by_the_app(client, course_id):
    login(client, demo.COORDINATOR[1], demo.DEMO_PASSWORD)
    roster = client.get(f"/courses/{course_id}/people/?big=" + "x" * 60_000, headers=BROWSER)
    assert roster.status_code == 200 and "Content-Encoding" not in roster.headers


def test_outbound_links_in_a_are_allowed_but_nothing_is_loaded_from_elsewhere():
    parser = Resources()
    parser.feed(
        '<a href="https://zoom.us/j/1">Join</a><link rel="stylesheet" href="/static/style.css">'
        '<link rel="canonical" href="https://example.org/x"><img src="https://cdn.example.org/a.png">'
        '<script src="//cdn.example.org/x.js"></script>'
    )
    assert [value for _, _, value in parser.loaded if is_elsewhere(value)] == [
        "https://cdn.example.org/a.png",
        "//cdn.example.org/x.js",
    ]
