import re

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.factories import PASSWORD, make_course, make_participant, make_user
from trainer.accounts.models import User
from trainer.extensions import db


@pytest.fixture
def person(app):
    with app.app_context():
        user = make_user(email="ayesha@example.test", name="Ayesha Khan")
        db.session.commit()
        return user.email


def test_login_page_has_labelled_fields(client):
    page = client.get("/accounts/login").get_data(as_text=True)
    assert '<label for="email">' in page
    assert '<label for="password">' in page
    assert 'lang="en"' in page


def test_sign_in_and_out(client, person):
    response = login(client, person)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Ayesha Khan" in home.get_data(as_text=True)

    response = client.post("/accounts/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the sign-in page


def test_email_is_matched_whatever_its_case_and_spaces(client, person):
    assert login(client, "  AYESHA@Example.TEST ").status_code == 302


@pytest.mark.parametrize("email", ["ayesha@example.test", "nobody@example.test"])
def test_wrong_password_and_unknown_email_get_the_same_message(client, person, email):
    response = login(client, email, "not the password")
    assert response.status_code == 401
    assert "The email or password is not right" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": ""}, "Enter your email address."),
        ({"email": "ayesha@example.test", "password": ""}, "Enter your password."),
        ({"email": "not-an-email", "password": "x"}, "Enter an email address like"),
        ({"email": "a" * 250 + "@x.test", "password": "x"}, "at most 254 characters"),
        ({"email": "ayesha@example.test", "password": "p" * 129}, "at most 128 characters"),
    ],
)
def test_bad_input_is_explained_beside_the_field(client, person, data, message):
    response = client.post("/accounts/login", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error-summary"' in page
    assert 'aria-invalid="true"' in page


def test_inactive_account_cannot_sign_in(app, client, person):
    with app.app_context():
        db.session.scalar(select(User).where(User.email == person)).active = False
        db.session.commit()
    assert login(client, person).status_code == 401


def test_sign_in_records_the_time(app, client, person):
    login(client, person)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == person))
        assert user.last_login_at is not None
        assert user.last_login_at.tzinfo is not None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/accounts/login?x=1", "/accounts/login?x=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_stays_on_the_site(client, person, target, expected):
    response = login(client, person, next=target)
    assert response.headers["Location"] == expected


def test_login_required_pages_send_you_to_sign_in_and_back(client, person):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login?next=")
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    next_value = re.search(r'name="next" type="hidden" value="([^"]*)"', form).group(1)
    assert login(client, person, next=next_value).headers["Location"] == "/"


def test_passwords_are_stored_with_a_modern_kdf(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    with app.app_context():
        user = make_user(password=PASSWORD)
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash


def test_signed_in_visitor_skips_the_form(app, client):
    with app.app_context():
        user = make_participant(make_course())
        db.session.commit()
        email = user.email
    login(client, email)
    assert client.get("/accounts/login").status_code == 302
