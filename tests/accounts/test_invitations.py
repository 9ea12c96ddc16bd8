"""Invitation links: single use, expiring, revocable; the person sets a password, zone and language."""

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tests.factories import make_course
from trainer.accounts.invitations import create_invitation, queue_invitation
from trainer.accounts.models import Invitation, User
from trainer.accounts.services import create_user
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.mail.models import OutboxMessage

NEW = {
    "password": "a good long password",
    "confirm": "a good long password",
    "timezone": "Asia/Kathmandu",
    "locale": "en",
}


@pytest.fixture
def invited(app):
    with app.app_context():
        user = create_user("sita@example.org", "Sita", None, timezone="Asia/Jakarta", locale="en")
        token = create_invitation(user)
        db.session.commit()
        return token


def test_the_invited_person_sets_a_password_zone_and_language_and_is_signed_in(app, client, invited):
    page = client.get(f"/accounts/invitation/{invited}").get_data(as_text=True)
    assert "Welcome, Sita" in page and 'value="Asia/Jakarta"' in page
    response = client.post(f"/accounts/invitation/{invited}", data=NEW)
    assert response.status_code == 302
    assert "Welcome, Sita" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sita@example.org"))
        assert user.timezone == "Asia/Kathmandu" and user.joined_at is not None and user.password_hash
    client.post("/accounts/logout")
    assert (
        client.post("/accounts/login", data={"email": "sita@example.org", "password": NEW["password"]}).status_code
        == 302
    )


def test_a_link_works_only_once(client, invited):
    client.post(f"/accounts/invitation/{invited}", data=NEW)
    client.post("/accounts/logout")
    response = client.get(f"/accounts/invitation/{invited}")
    assert response.status_code == 404 and "This link no longer works" in response.get_data(as_text=True)


def test_an_expired_link_is_refused(app, client, invited):
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert client.get(f"/accounts/invitation/{invited}").status_code == 404
    assert client.post(f"/accounts/invitation/{invited}", data=NEW).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"confirm": "something else entirely"}, "The two passwords differ."),
        ({"password": "short", "confirm": "short"}, "Between 10 and 128 characters"),
        ({"timezone": "Asia/Nowhere"}, "Choose a time zone from the list"),
    ],
)
def test_bad_input_keeps_the_link_usable(app, client, invited, change, message):
    response = client.post(f"/accounts/invitation/{invited}", data={**NEW, **change})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert client.get(f"/accounts/invitation/{invited}").status_code == 200


@pytest.mark.parametrize("token", ["x", "a" * 43, "../../etc", "a" * 500])
def test_unknown_tokens(client, token):
    assert client.get(f"/accounts/invitation/{token}").status_code == 404


def test_invitation_email_is_in_the_recipients_language_and_links_to_the_server_url(app):
    app.config["SERVER_URL"] = "https://trainer.example.org"
    with app.app_context():
        user = create_user("budi@example.org", "Budi", None, locale="en")
        queue_invitation(user, "Module 4 ToT", make_course().id, "Dewi")
        db.session.commit()
        raw = db.session.scalars(select(OutboxMessage)).one().message
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Your place in Module 4 ToT"
    text = message.get_body(("plain",)).get_content()
    assert re.search(r"https://trainer\.example\.org/accounts/invitation/[\w-]{40,}", text)
    assert "Dewi has registered you for Module 4 ToT." in text
    assert "Set your password" in message.get_body(("html",)).get_content()
