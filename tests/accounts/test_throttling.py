import pytest

from tests.conftest import login
from tests.factories import make_user
from trainer.extensions import db


@pytest.fixture
def app_overrides():
    return {"LOGIN_LIMIT_PER_ACCOUNT": "3 per minute", "LOGIN_LIMIT_PER_ADDRESS": "6 per minute"}


@pytest.fixture
def emails(app):
    with app.app_context():
        users = [make_user(), make_user(), make_user()]
        db.session.commit()
        return [user.email for user in users]


def test_failed_attempts_on_one_account_are_throttled(client, emails):
    for _ in range(3):
        assert login(client, emails[0], "wrong password").status_code == 401
    response = login(client, emails[0], "wrong password")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed sign-in attempts" in page
    assert emails[0] in page  # the form keeps what was typed
    # Even the right password waits until the limit passes.
    assert login(client, emails[0]).status_code == 429
    # Other accounts from the same address are not locked out by it.
    assert login(client, emails[1]).status_code == 302


def test_failed_attempts_from_one_address_are_throttled_across_accounts(client, emails):
    for i in range(6):
        assert login(client, emails[i % 3], "wrong" if i % 2 else "wrong!").status_code in (401, 429)
    assert login(client, emails[2]).status_code == 429


def test_successful_sign_ins_are_not_counted(client, emails):
    for _ in range(5):
        assert login(client, emails[0]).status_code == 302
        client.post("/accounts/logout")
