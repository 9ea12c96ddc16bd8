"""The case library's routes with every role: who reads it, who attaches cases to which course."""

import re

import pytest
from sqlalchemy import select

from tests.experiences import build_library
from trainer.experiences.models import ChapterCase
from trainer.extensions import db


@pytest.fixture
def data(app):
    return build_library(app)


# (key, method, path): {e} the library case, {c} the course it came from
ROUTES = [
    ("list", "GET", "/library/"),
    ("case", "GET", "/library/{e}"),
    ("attach", "POST", "/library/{e}/attach"),
    ("detach", "POST", "/library/{e}/detach"),
]
FORM = {
    # A chapter the case is not yet attached to in its own course (build_library attached chapter 6).
    "attach": {"course_id": "{c}", "chapter_slug": "what-is-decentralized-cooperation"},
    "detach": {"course_id": "{c}", "chapter_slug": "who-dc-is-for"},
}
READ = {"list": 200, "case": 200}
ATTACH = {"attach": 302, "detach": 302}
NOT_TEACHING = {"attach": 403, "detach": 403}  # a course they take part in but do not teach
OUT_OF_REACH = {"attach": 404, "detach": 404}  # a course that does not exist for them

EXPECTED = {
    "author": {**READ, **NOT_TEACHING},
    "participant": {**READ, **NOT_TEACHING},
    "trainer": {**READ, **ATTACH},
    "coordinator": {**READ, **ATTACH},
    # Cases are shared with every course by consent; another course's people read them, but
    # cannot attach them to (or detach them from) a course they do not teach.
    "outsider": {**READ, **OUT_OF_REACH},
    "other_trainer": {**READ, **OUT_OF_REACH},
    # Not enrolled in any course: the library does not exist for them.
    "scoped_coordinator": dict.fromkeys(("list", "case", "attach", "detach"), 404),
    "stranger": dict.fromkeys(("list", "case", "attach", "detach"), 404),
}


def _attachments(app) -> set[tuple]:
    with app.app_context():
        return set(db.session.execute(select(ChapterCase.course_id, ChapterCase.chapter_slug)).all())


def _request(client, data, method, path, key, case=None):
    form = {name: value.format(c=data["course"]) for name, value in FORM.get(key, {}).items()}
    return client.open(path.format(e=case or data["post"]), method=method, data=form)


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize(("key", "method", "path"), ROUTES, ids=[key for key, _, _ in ROUTES])
def test_every_library_route_with_every_role(app, client, login_as, data, role, key, method, path):
    login_as(data[role])
    before = _attachments(app)
    response = _request(client, data, method, path, key)
    expected = EXPECTED[role][key]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected != 302:
        assert _attachments(app) == before  # nothing written by a refused request


@pytest.mark.parametrize(("key", "method", "path"), ROUTES, ids=[key for key, _, _ in ROUTES])
def test_anonymous_visitors_are_sent_to_sign_in(app, client, data, key, method, path):
    before = _attachments(app)
    response = _request(client, data, method, path, key)
    assert response.status_code == 302 and "/accounts/login" in response.location
    assert _attachments(app) == before


@pytest.mark.parametrize("case", ["unconsented", "hidden", "other_post", "missing"])
@pytest.mark.parametrize("role", ["coordinator", "trainer", "author"])
@pytest.mark.parametrize(("key", "method", "path"), ROUTES[1:3], ids=["case", "attach"])
def test_a_post_outside_the_library_is_not_found_for_anyone(app, client, login_as, data, role, case, key, method, path):
    """Not consented, hidden, never marked, or no such post at all."""
    login_as(data[role])
    before = _attachments(app)
    assert _request(client, data, method, path, key, case=data.get(case, 999_999)).status_code == 404
    assert _attachments(app) == before


def test_another_courses_trainer_attaches_to_their_own_course(app, client, login_as, data):
    login_as(data["other_trainer"])
    form = {"course_id": data["other_course"], "chapter_slug": "how-dc-works-in-practice"}
    response = client.post(f"/library/{data['post']}/attach", data=form)
    assert response.status_code == 302
    assert (data["other_course"], "how-dc-works-in-practice") in _attachments(app)
    # They see (and may detach) the attachment in their course, not the one in the author's course.
    page = client.get(f"/library/{data['post']}").get_data(as_text=True)
    assert re.search(r"Another course · <a href=\"[^\"]+\">3. DC in practice</a>", page)
    assert "Module 4 ToT" not in page


def test_a_participant_of_the_other_course_cannot_attach_to_it(app, client, login_as, data):
    login_as(data["outsider"])
    before = _attachments(app)
    form = {"course_id": data["other_course"], "chapter_slug": "how-dc-works-in-practice"}
    assert client.post(f"/library/{data['post']}/attach", data=form).status_code == 403
    assert _attachments(app) == before


@pytest.mark.parametrize("key", ["attach", "detach"])
def test_library_changes_refuse_get(client, login_as, data, key):
    login_as(data["trainer"])
    assert client.get(f"/library/{data['post']}/{key}").status_code == 405
