from sqlalchemy import select

from tests.factories import make_user
from trainer.accounts.models import User
from trainer.extensions import db


def test_a_person_sets_their_time_zone_and_language(app, client, login_as):
    with app.app_context():
        email = make_user(timezone=None).email
        db.session.commit()
    login_as(email)
    page = client.get("/accounts/profile").get_data(as_text=True)
    assert 'list="zones"' in page and '<option value="Asia/Kathmandu">' in page
    response = client.post("/accounts/profile", data={"name": "Sita", "timezone": " Asia/Kathmandu ", "locale": "en"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert (user.name, user.timezone, user.locale) == ("Sita", "Asia/Kathmandu", "en")
    assert "Times are shown in Asia/Kathmandu." in client.get("/").get_data(as_text=True)


def test_an_unknown_zone_is_explained_and_nothing_changes(app, client, login_as):
    with app.app_context():
        email = make_user(timezone="Asia/Manila").email
        db.session.commit()
    login_as(email)
    response = client.post("/accounts/profile", data={"name": "Maria", "timezone": "Manila", "locale": "en"})
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.timezone).where(User.email == email)) == "Asia/Manila"


def test_profile_needs_sign_in(client):
    assert client.get("/accounts/profile").status_code == 302
