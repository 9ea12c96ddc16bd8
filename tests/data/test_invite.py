"""After a restore nobody has a password: `flask data invite` sends each person a new link."""

import re
from email import message_from_bytes, policy

from sqlalchemy import select

from tests.conftest import login
from tests.data.conftest import export, wipe
from trainer.accounts.models import User
from trainer.demo import data
from trainer.extensions import db
from trainer.mail.models import OutboxMessage


def _link(app, email: str) -> str:
    with app.app_context():
        raw = db.session.scalars(
            select(OutboxMessage.message).where(OutboxMessage.to_address == email, OutboxMessage.kind == "invitation")
        ).one()
    text = message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content()
    return re.search(r"https://trainer\.example\.org(/accounts/invitation/[\w-]+)", text).group(1)


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)


def test_restored_people_set_a_new_password_from_a_new_link_and_find_their_course(app, runner, demo, tmp_path):
    client = app.test_client()
    assert login(client, demo.trainer, data.DEMO_PASSWORD).status_code == 302
    with app.app_context():
        participant_id = db.session.scalar(select(User.id).where(User.email == demo.participant))
    page = f"/courses/{demo.course_id}/progress/{participant_id}"
    before = client.get(page)
    assert before.status_code == 200
    path = export(runner, demo.course_id, tmp_path / "course.zip")
    wipe(app)
    assert runner.invoke(args=["data", "import", str(path)]).exit_code == 0

    client = app.test_client()
    assert login(client, demo.trainer, data.DEMO_PASSWORD).status_code == 401  # the old password is gone
    result = runner.invoke(args=["data", "invite"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        people = db.session.scalars(select(User)).all()
        invited = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert f"Queued {len(people)} invitations" in result.output
    assert invited == {person.email for person in people if person.active}

    zone = next(zone for _name, email, _country, zone in data.TRAINERS if email == demo.trainer)
    password = "a new password after the restore"
    accepted = client.post(
        _link(app, demo.trainer), data={"password": password, "confirm": password, "timezone": zone, "locale": "en"}
    )
    assert accepted.status_code == 302
    assert "Your account is ready" in client.get(accepted.location).get_data(as_text=True)
    after = client.get(page)
    assert after.status_code == 200
    assert _without_csrf(after.get_data(as_text=True)) == _without_csrf(before.get_data(as_text=True))
    assert login(app.test_client(), demo.trainer, password).status_code == 302


def test_invite_names_people_and_refuses_an_unknown_address(app, runner, demo):
    result = runner.invoke(args=["data", "invite", demo.participant.upper(), "nobody@example.org"])
    assert result.exit_code == 1 and "Nobody has the email nobody@example.org." in result.output
    with app.app_context():
        before = len(db.session.scalars(select(OutboxMessage.id)).all())
    result = runner.invoke(args=["data", "invite", demo.participant])
    assert result.exit_code == 0 and "Queued 1 invitations" in result.output
    with app.app_context():
        assert len(db.session.scalars(select(OutboxMessage.id)).all()) == before + 1
