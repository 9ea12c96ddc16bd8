"""Queue mail in the caller's transaction; send it later with retries.

`queue_mail` only writes a row. `send_outbox` claims due rows one at a time (so two senders
never send the same message), sends them through the configured backend, and records success
or the error with the next attempt time. Messages are stored whole, so a retry sends exactly
the bytes that were queued.
"""

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import charset, encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from flask import current_app, g, has_request_context
from sqlalchemy import or_, select, update

from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.mail.models import OutboxMessage

# Waits before each retry; after the last one the message is marked failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12))
CLAIM_TIMEOUT = timedelta(minutes=10)
SMTP_BYTES = compat32.clone(linesep="\r\n")
# Quoted-printable: mostly-ASCII mail stays readable and smaller than base64.
UTF8_QP = charset.Charset("utf-8")
UTF8_QP.body_encoding = charset.QP


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Alternative:
    """An extra body part, e.g. text/calendar; method=REQUEST for a calendar invitation."""

    content: str
    subtype: str
    params: dict = field(default_factory=dict)


def build_message(
    to_address: str,
    to_name: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    reply_to: str | None = None,
    alternatives: tuple[Alternative, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> Message:
    """A complete message. Built with the email.mime classes: the modern API folds headers
    about ten times slower, which counts when a CSV import queues two thousand invitations."""
    config = current_app.config
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(text, "plain", UTF8_QP))
    if html is not None:
        body.attach(MIMEText(html, "html", UTF8_QP))
    for part in alternatives:
        extra = MIMEText(part.content, part.subtype, UTF8_QP)
        for name, value in part.params.items():
            extra.set_param(name, value)
        body.attach(extra)
    message = body
    if attachments:
        message = MIMEMultipart("mixed")
        message.attach(body)
        for attachment in attachments:
            item = MIMEBase(attachment.maintype, attachment.subtype)
            item.set_payload(attachment.content)
            encoders.encode_base64(item)
            for name, value in attachment.params.items():
                item.set_param(name, value)
            item.add_header("Content-Disposition", "attachment", filename=attachment.filename)
            message.attach(item)
    message["From"] = formataddr((config["SITE_NAME"], config["MAIL_DEFAULT_SENDER"]), charset="utf-8")
    message["To"] = formataddr((to_name, to_address), charset="utf-8")
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].split("@")[-1])
    if reply_to:
        message["Reply-To"] = reply_to
    message.to_address, message.subject_text = to_address, subject
    return message


def queue_mail(
    message: Message,
    *,
    kind: str,
    user_id: int | None = None,
    course_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox (flush only). The caller's commit makes it real."""
    row = OutboxMessage(
        kind=kind,
        to_address=message.to_address,
        subject=message.subject_text[:300],
        # SMTP wants CRLF line ends; smtplib sends bytes untouched, so store them ready to send.
        message=message.as_bytes(policy=SMTP_BYTES),
        user_id=user_id,
        course_id=course_id,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    if has_request_context():
        g.mail_queued = True
    return row


def already_queued(dedupe_key: str) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def send_outbox(now: datetime | None = None, limit: int = 200, retry_now: bool = False) -> SendReport:
    """Send the messages that are due. Commits after each message, so a crash loses nothing.

    :param retry_now: also send messages waiting for a retry, without waiting for their backoff:
        for when the mail server is back after an outage.
    """
    report = SendReport()
    for message_id in _due_ids(now or utcnow(), limit, retry_now):
        if not _claim(message_id, now or utcnow(), retry_now):
            continue  # another sender took it, or tried it since the list was read
        row = db.session.get(OutboxMessage, message_id)
        try:
            deliver(row.to_address, row.message)
        except (OSError, smtplib.SMTPException) as error:
            _record_failure(row, error, now or utcnow())
            report.failed += 1
            report.errors.append(f"{row.to_address}: {error}")
        else:
            row.sent_at, row.claimed_at, row.last_error = now or utcnow(), None, None
            report.sent += 1
        db.session.commit()
    return report


def _due(now: datetime, retry_now: bool) -> list:
    conditions = [OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)]
    if not retry_now:
        conditions.append(OutboxMessage.next_attempt_at <= now)
    return conditions


def _due_ids(now: datetime, limit: int, retry_now: bool = False) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id).where(*_due(now, retry_now)).order_by(OutboxMessage.id).limit(limit)
        )
    )


def _claim(message_id: int, now: datetime, retry_now: bool = False) -> bool:
    # The claim checks again that the message is due: between reading the list and claiming, another
    # sender may have tried it, failed and released it for a later retry (or given it up).
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            *_due(now, retry_now),
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
        )
        .values(claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _record_failure(row: OutboxMessage, error: Exception, now: datetime) -> None:
    row.attempts += 1
    row.claimed_at = None
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts > len(BACKOFF):
        row.failed_at = now
    else:
        row.next_attempt_at = now + BACKOFF[row.attempts - 1]
    current_app.logger.warning("Mail to %s failed (attempt %s): %s", row.to_address, row.attempts, error)


def deliver(to_address: str, message: bytes) -> None:
    """Hand one message to the configured backend: "smtp", or "file" (development)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "file":
        folder = Path(config["MAIL_FILE_DIR"] or Path(current_app.instance_path) / "mail")
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
        (folder / f"{stamp}-{to_address.replace('@', '_at_')}.eml").write_bytes(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.sendmail(config["MAIL_DEFAULT_SENDER"], [to_address], message)


def list_outbox(course_id: int | None = None, limit: int = 100) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if course_id is not None:
        stmt = stmt.where(OutboxMessage.course_id == course_id)
    return list(db.session.scalars(stmt))
