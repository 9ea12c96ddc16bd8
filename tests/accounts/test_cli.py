from sqlalchemy import select

from trainer.accounts.models import User
from trainer.extensions import db


def test_create_coordinator_reads_the_password_from_the_environment(app, runner):
    result = runner.invoke(
        args=["accounts", "create-coordinator", "Head@Example.test", "--name", "Head Office"],
        env={"TRAINER_PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    assert "Coordinator head@example.test created" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "head@example.test"))
        assert user.is_coordinator and user.name == "Head Office"
    client = app.test_client()
    response = client.post("/accounts/login", data={"email": "head@example.test", "password": "a long enough password"})
    assert response.status_code == 302


def test_create_coordinator_prompts_when_interactive(app, runner, monkeypatch):
    monkeypatch.delenv("TRAINER_PASSWORD", raising=False)
    monkeypatch.setattr("trainer.accounts.cli._stdin_is_terminal", lambda: True)
    result = runner.invoke(
        args=["accounts", "create-coordinator", "c@example.test"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output


def test_create_coordinator_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["accounts", "create-coordinator", "c@example.test"], env={"TRAINER_PASSWORD": "short"})
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_create_coordinator_refuses_a_duplicate(app, runner):
    env = {"TRAINER_PASSWORD": "a long enough password"}
    assert runner.invoke(args=["accounts", "create-coordinator", "c@example.test"], env=env).exit_code == 0
    result = runner.invoke(args=["accounts", "create-coordinator", "C@example.test"], env=env)
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_create_coordinator_without_terminal_or_env_explains(app, runner, monkeypatch):
    monkeypatch.delenv("TRAINER_PASSWORD", raising=False)
    result = runner.invoke(args=["accounts", "create-coordinator", "c@example.test"])
    assert result.exit_code != 0
    assert "TRAINER_PASSWORD" in result.output
