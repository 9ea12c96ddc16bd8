import re

import pytest

from tests.factories import make_user
from trainer.extensions import db
from trainer.security import is_safe_next


def test_security_headers_on_every_page(client):
    response = client.get("/accounts/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(client):
    page = client.get("/accounts/login").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and "style=" not in page


def test_session_cookie_flags(app, client):
    with app.app_context():
        email = make_user().email
        db.session.commit()
    response = client.post("/accounts/login", data={"email": email, "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("target", ["/", "/courses/1?x=y"])
def test_safe_next_accepts_local_paths(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("target", [None, "", "http://x.test/", "//x.test", "/\\x.test", "x", "javascript:1"])
def test_safe_next_refuses_the_rest(target):
    assert not is_safe_next(target)


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_form_without_its_token_is_refused_clearly(self, app, client):
        with app.app_context():
            email = make_user().email
            db.session.commit()
        response = client.post("/accounts/login", data={"email": email, "password": "correct horse battery"})
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)
        assert client.get("/").status_code == 302  # not signed in

    def test_a_form_with_its_token_is_accepted(self, app, client):
        with app.app_context():
            email = make_user().email
            db.session.commit()
        page = client.get("/accounts/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"email": email, "password": "correct horse battery", "csrf_token": token}
        assert client.post("/accounts/login", data=data).status_code == 302

    def test_sign_out_needs_the_token(self, app, client, login_as):
        with app.app_context():
            email = make_user().email
            db.session.commit()
        page = client.get("/accounts/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/accounts/login", data={"email": email, "password": "correct horse battery", "csrf_token": token})
        assert client.post("/accounts/logout").status_code == 400
        assert client.get("/").status_code == 200  # still signed in
