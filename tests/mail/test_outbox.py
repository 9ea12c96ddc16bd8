"""The outbox with a real SMTP server: queued in the transaction, sent later, retried, never twice."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.mail.models import OutboxMessage
from trainer.mail.services import BACKOFF, _claim, _due_ids, build_message, queue_mail, send_outbox


@pytest.fixture
def app_overrides(mail_to):
    return mail_to


def _queue(app, n=1):
    with app.app_context():
        for i in range(n):
            queue_mail(build_message(f"p{i}@example.org", f"Person {i}", f"Hello {i}", "Text body ✓ สวัสดี"), kind="test")
        db.session.commit()


def _rows(app):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_queued_mail_is_sent_once_with_its_headers(app, smtp_server):
    _queue(app, 2)
    assert smtp_server.inbox.messages == []  # queuing never touches the network
    with app.app_context():
        report = send_outbox()
        assert (report.sent, report.failed) == (2, 0)
        assert send_outbox().sent == 0  # nothing is sent twice
    [first] = smtp_server.inbox.to("p0@example.org")
    assert first["Subject"] == "Hello 0"
    assert first["Message-ID"] and first["Date"]
    assert "สวัสดี" in first.get_body(("plain",)).get_content()
    assert all(row.status == "sent" for row in _rows(app))
    # RFC 5322 line ends everywhere: smtplib sends stored bytes as they are.
    assert all(row.message.count(b"\n") == row.message.count(b"\r\n") for row in _rows(app))


def test_smtp_down_then_up_loses_nothing_and_sends_nothing_twice(app, smtp_server):
    _queue(app, 3)
    smtp_server.stop()
    with app.app_context():
        report = send_outbox()
        assert (report.sent, report.failed) == (0, 3)
    rows = _rows(app)
    assert all(row.attempts == 1 and row.status == "retrying" and row.last_error for row in rows)
    assert all(row.next_attempt_at > utcnow() for row in rows)

    smtp_server.start()
    with app.app_context():
        assert send_outbox().sent == 0  # not due yet: backoff
        later = utcnow() + BACKOFF[0] + timedelta(seconds=1)
        assert send_outbox(now=later).sent == 3
        assert send_outbox(now=later + timedelta(hours=1)).sent == 0
    assert len(smtp_server.inbox.messages) == 3


def test_retry_now_sends_waiting_messages_once_when_the_server_is_back(app, runner, smtp_server):
    _queue(app, 3)
    smtp_server.stop()
    with app.app_context():
        assert send_outbox().failed == 3
    smtp_server.start()
    with app.app_context():
        assert send_outbox().sent == 0  # a plain run still respects the backoff
    result = runner.invoke(args=["mail", "send-outbox", "--retry-now"])
    assert result.exit_code == 0 and "3 sent, 0 failed" in result.output
    assert runner.invoke(args=["mail", "send-outbox", "--retry-now"]).output.startswith("0 sent")
    received = sorted(str(m["To"]) for m in smtp_server.inbox.messages)
    assert received == [f"Person {i} <p{i}@example.org>" for i in range(3)]


def test_a_message_another_sender_just_tried_is_not_tried_again(app, smtp_server):
    """Two senders read the same due list; the first fails the message and releases it for a later
    retry. The second must not claim it on the strength of its older list."""
    _queue(app)
    smtp_server.stop()
    with app.app_context():
        [message_id] = _due_ids(utcnow(), 10)  # the second sender's list
        assert send_outbox().failed == 1  # the first sender tries and fails
        assert not _claim(message_id, utcnow())
        db.session.commit()
    [row] = _rows(app)
    assert row.attempts == 1 and row.claimed_at is None


def test_a_message_is_given_up_after_the_last_retry(app, smtp_server):
    _queue(app)
    smtp_server.stop()
    now = utcnow()
    with app.app_context():
        for _ in range(len(BACKOFF) + 1):
            send_outbox(now=now)
            now += timedelta(days=1)
    [row] = _rows(app)
    assert row.status == "failed" and row.attempts == len(BACKOFF) + 1


def test_a_message_claimed_by_another_sender_is_left_alone(app, smtp_server):
    _queue(app)
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        row.claimed_at = utcnow()
        db.session.commit()
        assert send_outbox().sent == 0
        # A claim older than the timeout is taken over (its sender died).
        assert send_outbox(now=utcnow() + timedelta(minutes=11)).sent == 1


def test_queued_mail_rolls_back_with_its_transaction(app, smtp_server):
    with app.app_context():
        queue_mail(build_message("x@example.org", "X", "Never", "body"), kind="test")
        db.session.rollback()
        assert send_outbox().sent == 0
    assert smtp_server.inbox.messages == []


def test_send_outbox_command(app, runner, smtp_server):
    _queue(app, 2)
    result = runner.invoke(args=["mail", "send-outbox"])
    assert result.exit_code == 0 and "2 sent, 0 failed" in result.output


class TestFileBackend:
    @pytest.fixture
    def app_overrides(self, tmp_path):
        return {"MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(tmp_path)}

    def test_development_writes_eml_files(self, app, tmp_path):
        _queue(app)
        with app.app_context():
            assert send_outbox().sent == 1
        [eml] = list(tmp_path.glob("*.eml"))
        assert b"Subject: Hello 0" in eml.read_bytes()


class TestDevelopmentSendsAfterTheRequest:
    @pytest.fixture
    def app_overrides(self, tmp_path):
        return {"MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(tmp_path), "MAIL_SEND_AFTER_REQUEST": True}

    def test_mail_queued_by_a_request_is_sent_when_the_response_closes(self, app, client, login_as, tmp_path):
        from tests.factories import make_coordinator, make_course

        with app.app_context():
            email, course_id = make_coordinator().email, make_course().id
            db.session.commit()
        login_as(email)
        response = client.post(
            f"/courses/{course_id}/people/new",
            data={
                "name": "Sita",
                "email": "sita@example.org",
                "organisation": "",
                "organisation_kind": "city",
                "position": "",
                "country": "NP",
                "timezone": "",
                "language": "en",
                "role": "participant",
            },
        )
        response.close()
        assert len(list(tmp_path.glob("*sita_at_example.org.eml"))) == 1
        assert _rows(app)[0].status == "sent"
