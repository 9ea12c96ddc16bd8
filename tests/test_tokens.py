"""Secrets in links: calendar feeds, invitations and certificate codes.

Each is random from `secrets`, long enough not to be guessed, checked without leaking through
timing, and revocable. What other tests already show is not repeated here: resetting a feed link
(tests/schedule/test_calendars.py), an invitation used once, expired or replaced by a new one
(tests/accounts/test_invitations.py, tests/courses/test_people.py), a revoked certificate's
verification page (tests/progress/test_completion.py).

Certificate codes are not secrets like the other two: the code is printed on the certificate, read
off paper and typed by whoever checks it, and the page it opens shows what the certificate itself
shows. So they are shorter (60 bits, "T4-XXXX-XXXX-XXXX" with no 0/O or 1/I), which is still far
beyond guessing at the 60 checks a minute the verification page allows each address.
"""

import hashlib
import hmac
import math
import re

import pytest
from sqlalchemy import select

from config import TestingConfig
from tests.factories import make_coordinator, make_course, make_participant, make_user
from trainer import create_app
from trainer.accounts.invitations import create_invitation
from trainer.accounts.models import Invitation, User
from trainer.extensions import db
from trainer.progress.completion import CODE_ALPHABET, new_code
from trainer.progress.models import Certificate
from trainer.schedule.calendars import feed_token, reset_feed_token

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")
SAMPLES = 200


def bits(text: str, alphabet_size: int) -> float:
    return len(text) * math.log2(alphabet_size)


# --------------------------------------------------------------------------------- calendar feeds


def test_feed_secrets_are_random_and_long(app):
    with app.app_context():
        users = [make_user() for _ in range(SAMPLES)]
        tokens = [feed_token(user) for user in users]
        nonces = [user.feed_nonce for user in users]
    assert len(set(nonces)) == SAMPLES and len(set(tokens)) == SAMPLES
    assert all(URL_SAFE.match(nonce) and bits(nonce, 64) >= 128 for nonce in nonces)
    for user, token in zip(users, tokens, strict=True):
        user_id, signature = token.split("-")
        assert user_id == str(user.id)
        assert re.fullmatch(r"[0-9a-f]{40}", signature)  # 160 bits of HMAC-SHA256


def test_the_feed_signature_is_compared_in_constant_time(app, client, monkeypatch):
    with app.app_context():
        token = feed_token(make_user())
        db.session.commit()
    compared, real = [], hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(f"/calendar/{forged}.ics").status_code == 404
    assert [a for a, _b in compared] == [token.split("-")[1], forged.split("-")[1]]


def test_a_feed_link_works_for_its_own_person_only(app, client):
    with app.app_context():
        first, second = make_user(), make_user()
        token = feed_token(first)
        feed_token(second)
        db.session.commit()
        second_id = second.id
    signature = token.split("-")[1]
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    assert client.get(f"/calendar/{second_id}-{signature}.ics").status_code == 404


def test_the_database_alone_gives_no_working_feed_link(app, migrated_database):
    """Only the nonce is stored: without SECRET_KEY, a copy of the users table opens no feed."""
    with app.app_context():
        user = make_user()
        token = feed_token(user)
        db.session.commit()
        stored = db.session.execute(select(User.__table__)).mappings().one()
    assert not any(token.split("-")[1] in str(value) for value in stored.values())
    other_key = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": migrated_database, "SECRET_KEY": "another" * 8})
    assert other_key.test_client().get(f"/calendar/{token}.ics").status_code == 404
    with other_key.app_context():
        db.engine.dispose()
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 200


def test_resetting_the_feed_gives_a_new_secret(app):
    with app.app_context():
        user = make_user()
        old_nonce, old = user.feed_nonce, feed_token(user)
        new = reset_feed_token(user)
        assert new != old and user.feed_nonce != old_nonce and bits(user.feed_nonce, 64) >= 128


# ----------------------------------------------------------------------------------- invitations


def test_invitation_tokens_are_random_long_and_stored_only_as_a_hash(app):
    with app.app_context():
        users = [make_user(password=None) for _ in range(SAMPLES)]
        tokens = [create_invitation(user, first=True) for user in users]
        db.session.commit()
        rows = db.session.execute(select(Invitation.__table__)).mappings().all()
    assert len(set(tokens)) == SAMPLES
    assert all(URL_SAFE.match(token) and bits(token, 64) >= 128 for token in tokens)
    stored = {str(value) for row in rows for value in row.values()}
    assert not any(token in value for token in tokens for value in stored)
    # Found by the hash of what the link carries: no comparison of secrets that timing could reveal.
    assert {row["token_hash"] for row in rows} == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}


def test_an_invitation_link_stops_working_when_a_new_one_is_sent(app, client):
    with app.app_context():
        user = make_user(password=None)
        old = create_invitation(user, first=True)
        new = create_invitation(user)
        db.session.commit()
    assert client.get(f"/accounts/invitation/{old}").status_code == 404
    assert client.get(f"/accounts/invitation/{new}").status_code == 200


# ----------------------------------------------------------------------------- certificate codes


def test_certificate_codes_are_random(app):
    codes = [new_code() for _ in range(SAMPLES)]
    assert len(set(codes)) == SAMPLES
    for code in codes:
        groups = code.split("-")
        assert groups[0] == "T4" and all(len(group) == 4 and set(group) <= set(CODE_ALPHABET) for group in groups[1:])
        assert bits("".join(groups[1:]), len(CODE_ALPHABET)) >= 60


def test_guessing_certificate_codes_is_throttled(app, client):
    assert app.config["RATELIMIT_ENABLED"]
    statuses = [client.get(f"/certificates/T4-AAAA-AAAA-{n:04d}").status_code for n in range(61)]
    assert statuses[:60] == [404] * 60 and statuses[60] == 429


@pytest.fixture
def certificate(app):
    with app.app_context():
        course = make_course()
        person = make_participant(course)
        code = new_code()
        db.session.add(Certificate(course_id=course.id, user_id=person.id, code=code, hours=12))
        coordinator = make_coordinator()
        db.session.commit()
        return {"code": code, "person": person.email, "coordinator": coordinator.email}


def test_a_revoked_certificate_no_longer_verifies_or_downloads(client, login_as, certificate):
    code = certificate["code"]
    login_as(certificate["person"])
    assert client.get(f"/certificates/{code}.pdf").status_code == 200
    client.post("/accounts/logout")
    login_as(certificate["coordinator"])
    client.post(f"/certificates/{code}/revoke", data={"reason": "Issued by mistake"})
    client.post("/accounts/logout")
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "was revoked" in page and "This certificate is valid." not in page
    login_as(certificate["person"])
    assert client.get(f"/certificates/{code}.pdf").status_code == 404
