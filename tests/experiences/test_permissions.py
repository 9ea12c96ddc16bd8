"""Every route with every role: the server decides, whatever URL is typed."""

import pytest
from sqlalchemy import func, select

from tests.experiences import POST, build_course
from trainer.experiences.models import Comment, Experience
from trainer.extensions import db


@pytest.fixture
def data(app):
    return build_course(app)


# (key, method, path): {c} course, {e} post, {m} comment
ROUTES = [
    ("list", "GET", "/courses/{c}/experiences/"),
    ("detail", "GET", "/courses/{c}/experiences/{e}"),
    ("new_form", "GET", "/courses/{c}/experiences/new"),
    ("new", "POST", "/courses/{c}/experiences/new"),
    ("edit_form", "GET", "/courses/{c}/experiences/{e}/edit"),
    ("edit", "POST", "/courses/{c}/experiences/{e}/edit"),
    ("comment", "POST", "/courses/{c}/experiences/{e}/comments"),
    ("hide", "POST", "/courses/{c}/experiences/{e}/hide"),
    ("show", "POST", "/courses/{c}/experiences/{e}/show"),
    ("highlight", "POST", "/courses/{c}/experiences/{e}/highlight"),
    ("unhighlight", "POST", "/courses/{c}/experiences/{e}/unhighlight"),
    ("hide_comment", "POST", "/courses/{c}/experiences/{e}/comments/{m}/hide"),
    ("show_comment", "POST", "/courses/{c}/experiences/{e}/comments/{m}/show"),
    ("good_case", "POST", "/courses/{c}/experiences/{e}/good-case"),
    ("not_good_case", "POST", "/courses/{c}/experiences/{e}/good-case/remove"),
    ("consent", "POST", "/courses/{c}/experiences/{e}/consent"),
    ("withdraw_consent", "POST", "/courses/{c}/experiences/{e}/consent/withdraw"),
]
READ = {"list": 200, "detail": 200}
CONTRIBUTE = {"new_form": 200, "new": 302, "comment": 302}
MODERATE = dict.fromkeys(
    ("hide", "show", "highlight", "unhighlight", "hide_comment", "show_comment", "good_case", "not_good_case"), 302
)
# Consent to the case library is the author's alone: not even a coordinator gives it for them.
NOT_AUTHOR = {"edit_form": 403, "edit": 403, "consent": 403, "withdraw_consent": 403}
REFUSED_MODERATION = dict.fromkeys(MODERATE, 403)

EXPECTED = {
    "author": {
        **READ,
        **CONTRIBUTE,
        "edit_form": 200,
        "edit": 302,
        "consent": 302,
        "withdraw_consent": 302,
        **REFUSED_MODERATION,
    },
    "participant": {**READ, **CONTRIBUTE, **NOT_AUTHOR, **REFUSED_MODERATION},
    "trainer": {**READ, **CONTRIBUTE, **NOT_AUTHOR, **MODERATE},
    "coordinator": {**READ, **CONTRIBUTE, **NOT_AUTHOR, **MODERATE},
    # Fills seats of the course but is not part of it: reads, and nothing else.
    "scoped_coordinator": {**READ, **dict.fromkeys(CONTRIBUTE, 403), **NOT_AUTHOR, **REFUSED_MODERATION},
    "outsider": dict.fromkeys((key for key, _, _ in ROUTES), 404),
    "other_trainer": dict.fromkeys((key for key, _, _ in ROUTES), 404),
}
FORM = {
    "new": POST,
    "edit": {**POST, "title": "Changed"},
    "comment": {"text": "A comment."},
    "good_case": {"cooperation_kind": "city-to-city"},
}


def _state(app) -> tuple:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Experience.id))),
            db.session.scalar(select(func.count(Comment.id))),
            tuple(
                db.session.execute(
                    select(
                        Experience.title,
                        Experience.hidden,
                        Experience.highlighted,
                        Experience.good_case,
                        Experience.cooperation_kind,
                        Experience.consent_at,
                    )
                ).all()
            ),
            tuple(db.session.scalars(select(Comment.hidden))),
        )


def _request(client, data, method, path, key, post=None, comment=None):
    target = path.format(c=data["course"], e=post or data["post"], m=comment or data["comment"])
    return client.open(target, method=method, data=FORM.get(key, {}))


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize(("key", "method", "path"), ROUTES, ids=[key for key, _, _ in ROUTES])
def test_every_route_with_every_role(app, client, login_as, data, role, key, method, path):
    login_as(data[role])
    before = _state(app)
    response = _request(client, data, method, path, key)
    expected = EXPECTED[role][key]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected in (403, 404):
        assert _state(app) == before  # nothing written by a refused request


@pytest.mark.parametrize(("key", "method", "path"), ROUTES, ids=[key for key, _, _ in ROUTES])
def test_anonymous_visitors_are_sent_to_sign_in(app, client, data, key, method, path):
    before = _state(app)
    response = _request(client, data, method, path, key)
    assert response.status_code == 302 and "/accounts/login" in response.location
    assert _state(app) == before


@pytest.mark.parametrize("role", ["coordinator", "trainer", "author"])
@pytest.mark.parametrize(
    ("key", "method", "path"),
    [route for route in ROUTES if "{e}" in route[2]],
    ids=[key for key, _, path in ROUTES if "{e}" in path],
)
def test_a_post_of_another_course_under_this_courses_url_is_not_found(
    app, client, login_as, data, role, key, method, path
):
    login_as(data[role])
    before = _state(app)
    response = _request(client, data, method, path, key, post=data["other_post"], comment=data["other_comment"])
    assert response.status_code == 404
    assert _state(app) == before


@pytest.mark.parametrize("action", ["hide", "show"])
def test_a_comment_of_another_post_under_this_posts_url_is_not_found(app, client, login_as, data, action):
    login_as(data["trainer"])
    response = client.post(
        f"/courses/{data['course']}/experiences/{data['post']}/comments/{data['other_comment']}/{action}"
    )
    assert response.status_code == 404


def test_participants_of_another_course_never_see_its_posts(client, login_as, data):
    login_as(data["outsider"])
    own = client.get(f"/courses/{data['other_course']}/experiences/").get_data(as_text=True)
    assert "Another course&#39;s secret" in own and "Dhulikhel VLR" not in own
    assert client.get(f"/courses/{data['course']}/experiences/").status_code == 404
    assert client.get(f"/courses/{data['course']}/experiences/{data['other_post']}").status_code == 404


@pytest.mark.parametrize("key", ["hide", "highlight", "hide_comment", "good_case", "consent", "withdraw_consent"])
def test_moderation_urls_refuse_get(client, login_as, data, key):
    login_as(data["trainer"])
    path = dict((k, p) for k, _, p in ROUTES)[key]
    assert _request(client, data, "GET", path, key).status_code == 405
