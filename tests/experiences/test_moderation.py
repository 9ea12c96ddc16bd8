"""Trainers and coordinators hide and show posts and comments, and highlight posts for the next live session."""

import pytest
from flask import Flask

from tests.experiences import build_course
from tests.factories import PASSWORD
from trainer.experiences.models import Comment, Experience
from trainer.extensions import db


@pytest.fixture
def data(app):
    return build_course(app)


def _as(app: Flask, email: str):
    """A fresh client signed in as someone: one test can look through several people's eyes."""
    client = app.test_client()
    assert client.post("/accounts/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _urls(data) -> tuple[str, str]:
    base = f"/courses/{data['course']}/experiences"
    return f"{base}/", f"{base}/{data['post']}"


@pytest.mark.parametrize("moderator", ["trainer", "coordinator"])
def test_a_hidden_post_is_seen_only_by_its_author_and_moderators(app, data, moderator):
    index, post = _urls(data)
    response = _as(app, data[moderator]).post(f"{post}/hide", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is hidden: only its author and the trainers see it." in page
    assert '<span class="status">Hidden</span>' in page and "Show to participants again" in page

    participant = _as(app, data["participant"])
    assert "Dhulikhel VLR" not in participant.get(index).get_data(as_text=True)
    assert participant.get(post).status_code == 404
    assert participant.post(f"{post}/comments", data={"text": "Can I?"}).status_code == 404

    author = _as(app, data["author"])
    assert "Dhulikhel VLR" in author.get(index).get_data(as_text=True)
    assert "A trainer has hidden this post" in author.get(post).get_data(as_text=True)
    assert author.get(f"{post}/edit").status_code == 200  # they may still fix it

    assert "Dhulikhel VLR" in _as(app, data["trainer"]).get(index).get_data(as_text=True)


def test_showing_a_post_again_makes_it_visible_to_everyone(app, data):
    index, post = _urls(data)
    trainer = _as(app, data["trainer"])
    trainer.post(f"{post}/hide")
    page = trainer.post(f"{post}/show", follow_redirects=True).get_data(as_text=True)
    assert "is visible to the course again." in page
    assert _as(app, data["participant"]).get(post).status_code == 200
    with app.app_context():
        assert not db.session.get(Experience, data["post"]).hidden


def test_highlighted_posts_are_pinned_with_a_badge_until_unhighlighted(app, data):
    index, post = _urls(data)
    trainer = _as(app, data["trainer"])
    page = trainer.post(f"{post}/highlight", follow_redirects=True).get_data(as_text=True)
    assert "is highlighted for the next live session." in page
    assert '<span class="badge badge-highlight">For the next live session</span>' in page
    assert "Remove from the next live session" in page

    listing = _as(app, data["participant"]).get(index).get_data(as_text=True)
    pinned = listing[listing.index('id="pinned-title"') :]
    assert "Dhulikhel VLR" in pinned
    assert '<span class="badge badge-highlight">For the next live session</span>' in pinned

    trainer.post(f"{post}/unhighlight")
    listing = _as(app, data["participant"]).get(index).get_data(as_text=True)
    assert 'id="pinned-title"' not in listing and "Dhulikhel VLR" in listing
    with app.app_context():
        assert not db.session.get(Experience, data["post"]).highlighted


def test_a_hidden_comment_is_seen_only_by_its_author_and_moderators(app, data):
    index, post = _urls(data)
    trainer = _as(app, data["trainer"])
    response = trainer.post(f"{post}/comments/{data['comment']}/hide")
    assert response.status_code == 302 and response.location.endswith(f"#comment-{data['comment']}")
    page = trainer.get(post).get_data(as_text=True)
    assert "The comment is hidden." in page and "A first comment." in page and "Show again" in page

    # The comment's author (the participant) sees it with a note; the post's author does not see it.
    own = _as(app, data["participant"]).get(post).get_data(as_text=True)
    assert "A first comment." in own and "A trainer has hidden this comment" in own
    other = _as(app, data["author"])
    assert "A first comment." not in other.get(post).get_data(as_text=True)
    assert "0 comments" in other.get(index).get_data(as_text=True)  # hidden comments are not counted

    trainer.post(f"{post}/comments/{data['comment']}/show")
    assert "A first comment." in other.get(post).get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Comment, data["comment"]).hidden


def test_participants_do_not_see_moderation_buttons(app, data):
    _, post = _urls(data)
    page = _as(app, data["participant"]).get(post).get_data(as_text=True)
    assert "Hide from participants" not in page and "Highlight for the next live session" not in page
    assert "Hide this comment" not in page
