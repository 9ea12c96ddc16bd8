"""Calendar exports end to end: download, feed, invitations and reminders, read back by two parsers."""

import re
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject
from sqlalchemy import select

from tests.factories import make_coordinator, make_course, make_participant, make_trainer
from tests.schedule.helpers import CH, make_session, make_session_at
from trainer.courses.services import get_course
from trainer.dbtypes import utcnow
from trainer.extensions import db
from trainer.mail.models import OutboxMessage
from trainer.mail.services import send_outbox
from trainer.schedule.models import LiveSession
from trainer.timezones import localise


@pytest.fixture
def app_overrides(mail_to):
    return {**mail_to, "SERVER_URL": "https://trainer.example.org"}


@pytest.fixture
def course(app):
    with app.app_context():
        course = make_course(
            timezone="Pacific/Auckland", contact_email="aspac@example.org", join_url="https://zoom.us/j/835"
        )
        # One session in NZ daylight time (March) and one in standard time (May).
        make_session(course, date(2099, 3, 10), time(19), time(21), chapters=CH[0:2], title="Day 1")
        make_session(course, date(2099, 5, 12), time(19), time(21), chapters=CH[2:4], title="Day 2")
        people = {
            "kathmandu": make_participant(course, timezone="Asia/Kathmandu", email="sita@example.org").email,
            "tonga": make_participant(course, timezone="Pacific/Tongatapu", email="sione@example.org").email,
            "trainer": make_trainer(course, email="aroha@example.org").email,
            "coordinator": make_coordinator().email,
            "outsider": make_participant(make_course()).email,
        }
        db.session.commit()
        return {"id": course.id, **people}


def _instants_from_icalendar(body: bytes) -> dict[str, datetime]:
    calendar = icalendar.Calendar.from_ical(body)
    return {
        str(e["SUMMARY"]).split(" – ")[0]: e.decoded("DTSTART").astimezone(UTC)
        for e in calendar.walk("VEVENT")
        if isinstance(e.decoded("DTSTART"), datetime)
    }


def _instants_from_vobject(body: bytes) -> dict[str, datetime]:
    calendar = vobject.readOne(body.decode())
    return {
        e.summary.value.split(" – ")[0]: e.dtstart.value.astimezone(UTC)
        for e in calendar.vevent_list
        if isinstance(e.dtstart.value, datetime)
    }


EXPECTED = {
    "Day 1": datetime(2099, 3, 10, 6, tzinfo=UTC),  # 19:00 NZDT (UTC+13)
    "Day 2": datetime(2099, 5, 12, 7, tzinfo=UTC),  # 19:00 NZST (UTC+12)
}


def test_course_download_is_a_publish_calendar_both_parsers_read_alike(client, login_as, course):
    response = login_as(course["kathmandu"]).get(f"/courses/{course['id']}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert b"METHOD:PUBLISH" in body and b"ATTENDEE" not in body and b"ORGANIZER" in body
    assert _instants_from_icalendar(body) == EXPECTED == _instants_from_vobject(body)
    for zone in ("Asia/Kathmandu", "Asia/Jakarta", "Australia/Sydney", "Pacific/Tongatapu"):
        assert localise(EXPECTED["Day 2"], zone) == localise(_instants_from_vobject(body)["Day 2"], zone)
    calendar = icalendar.Calendar.from_ical(body)
    [study] = [e for e in calendar.walk("VEVENT") if "Self-study" in str(e["SUMMARY"])]
    assert study.decoded("DTSTART") == date(2099, 3, 11) and study.decoded("DTEND") == date(2099, 5, 12)
    assert "https://zoom.us/j/835" in str(calendar.walk("VEVENT")[0]["LOCATION"])


def test_people_outside_the_course_cannot_download_it(client, login_as, course):
    assert login_as(course["outsider"]).get(f"/courses/{course['id']}/calendar.ics").status_code == 404


def test_cli_writes_the_same_bytes_as_the_download(app, client, login_as, runner, course, tmp_path):
    download = login_as(course["coordinator"]).get(f"/courses/{course['id']}/calendar.ics").data
    result = runner.invoke(args=["schedule", "ics", str(course["id"]), "--output", str(tmp_path / "c.ics")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c.ics").read_bytes() == download
    assert runner.invoke(args=["schedule", "ics", "999999"]).exit_code != 0


def _feed_url(client) -> str:
    page = client.get("/calendar/").get_data(as_text=True)
    https = re.search(r'id="feed-https" value="([^"]+)"', page).group(1)
    assert re.search(r'id="feed-webcal" value="webcal://trainer\.example\.org/calendar/', page)
    return https.replace("https://trainer.example.org", "")


def test_feed_answers_304_and_its_etag_changes_exactly_when_the_schedule_does(app, client, login_as, course):
    url = _feed_url(login_as(course["tonga"]))
    client.post("/accounts/logout")  # calendar apps do not sign in
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert b"X-WR-CALNAME" in first.data and b"REFRESH-INTERVAL;VALUE=DURATION" in first.data
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(url).headers["ETag"] == first.headers["ETag"]  # nothing changed, same bytes
    with app.app_context():
        from trainer.schedule.planning import SessionDraft
        from trainer.schedule.services import save_session

        session = db.session.scalar(select(LiveSession).where(LiveSession.title == "Day 2"))
        save_session(
            get_course(course["id"]),
            SessionDraft("Day 2", date(2099, 5, 13), time(19), time(21), tuple(CH[2:4])),
            session,
        )
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert b"SEQUENCE:1" in changed.data


def test_feed_covers_all_the_persons_courses(app, client, login_as, course):
    with app.app_context():
        from trainer.accounts.services import get_user_by_email
        from trainer.courses.models import EnrolmentRole
        from trainer.courses.services import enrol

        other = make_course(title="Cascade course", timezone="Asia/Kathmandu")
        make_session(other, date(2099, 6, 1), time(10), time(12), title="Cascade day")
        enrol(other, get_user_by_email(course["kathmandu"]), EnrolmentRole.TRAINER)
        db.session.commit()
    url = _feed_url(login_as(course["kathmandu"]))
    body = client.get(url).data
    assert set(_instants_from_vobject(body)) == {"Day 1", "Day 2", "Cascade day"}


def test_resetting_the_feed_link_revokes_the_old_one(client, login_as, course):
    login_as(course["kathmandu"])
    old = _feed_url(client)
    client.post("/calendar/")
    new = _feed_url(client)
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


@pytest.mark.parametrize("token", ["1-" + "0" * 40, "x", "1-abc", "99999-" + "a" * 40])
def test_unknown_feed_tokens_are_404(client, course, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def _sent_invites(smtp_server, address):
    return [
        m
        for m in smtp_server.inbox.to(address)
        if "calendar" in m.get_content_type() or any(p.get_content_type() == "text/calendar" for p in m.walk())
    ]


def _calendar_part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar")


def test_a_new_session_sends_an_invitation_each_person_can_answer(app, client, login_as, course, smtp_server):
    login_as(course["trainer"])
    data = {
        "title": "Day 3",
        "day": "2099-05-13",
        "start": "19:00",
        "end": "21:00",
        "chapters": CH[4:6],
        "agenda-0-title": "Welcome",
        "agenda-0-minutes": "10",
        "agenda-0-trainer_id": "0",
    }
    assert client.post(f"/courses/{course['id']}/schedule/sessions/new", data=data).status_code == 302
    with app.app_context():
        send_outbox()
    [invite] = _sent_invites(smtp_server, "sita@example.org")
    assert invite.get_content_type() == "multipart/mixed"
    alternative = invite.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    part = _calendar_part(alternative)
    assert part.get_param("method") == "REQUEST"
    attachment = invite.get_payload()[1]
    assert attachment.get_filename() == "invite.ics"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:sita@example.org" and event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(event["ORGANIZER"]) == "mailto:aspac@example.org"
    assert invite["Reply-To"] == "aspac@example.org"
    text = invite.get_body(("plain",)).get_content()
    # 19:00 NZST on 13 May is 12:45 in Kathmandu.
    assert "12:45" in text and "Asia/Kathmandu" in text and "https://zoom.us/j/835" in text
    assert len(smtp_server.inbox.messages) == 3  # both participants and the trainer
    vobject.readOne(part.get_content())  # the second parser reads it too


def test_reschedule_then_cancel_update_the_same_event(app, client, login_as, course, smtp_server):
    login_as(course["trainer"])
    with app.app_context():
        session = db.session.scalar(select(LiveSession).where(LiveSession.title == "Day 2"))
    url = f"/courses/{course['id']}/schedule/sessions/{session.id}"
    data = {"title": "Day 2", "day": "2099-05-12", "start": "20:00", "end": "22:00", "chapters": CH[2:4]}
    client.post(url, data=data)
    client.post(f"{url}/cancel")
    with app.app_context():
        send_outbox()
    messages = smtp_server.inbox.to("sione@example.org")
    assert [m["Subject"].split(":")[0] for m in messages] == ["Updated", "Cancelled"]
    update, cancel = (icalendar.Calendar.from_ical(_calendar_part(m).get_content()) for m in messages)
    [up], [down] = update.walk("VEVENT"), cancel.walk("VEVENT")
    assert str(up["UID"]) == str(down["UID"]) == f"session-{session.id}@trainer.example.org"
    assert (up["SEQUENCE"], down["SEQUENCE"]) == (1, 2)
    assert str(cancel["METHOD"]) == "CANCEL" and str(down["STATUS"]) == "CANCELLED"
    assert _calendar_part(messages[1]).get_param("method") == "CANCEL"


def test_people_added_later_get_the_current_version(app, client, login_as, course, smtp_server):
    with app.app_context():
        session = db.session.scalar(select(LiveSession).where(LiveSession.title == "Day 2"))
        session.sequence = 4
        db.session.commit()
    login_as(course["coordinator"])
    client.post(
        f"/courses/{course['id']}/people/new",
        data={
            "name": "Maria",
            "email": "maria@example.org",
            "organisation": "",
            "organisation_kind": "city",
            "position": "",
            "country": "PH",
            "timezone": "",
            "language": "en",
            "role": "participant",
        },
    )
    with app.app_context():
        send_outbox()
    invites = [m for m in _sent_invites(smtp_server, "maria@example.org")]
    sequences = sorted(
        int(icalendar.Calendar.from_ical(_calendar_part(m).get_content()).walk("VEVENT")[0]["SEQUENCE"])
        for m in invites
    )
    assert sequences == [0, 4]


def test_reminders_go_once_per_person_and_version(app, runner, course, smtp_server):
    with app.app_context():
        soon = (utcnow() + timedelta(hours=5)).replace(second=0, microsecond=0)
        make_session_at(get_course(course["id"]), soon, 60, title="Soon")
        db.session.commit()
    first = runner.invoke(args=["mail", "send-reminders"])
    assert first.exit_code == 0 and "3 reminders queued for 1 sessions; 0 study nudges queued" in first.output
    assert "0 reminders queued" in runner.invoke(args=["mail", "send-reminders"]).output
    reminders = [m for m in smtp_server.inbox.to("sita@example.org") if m["Subject"].startswith("Reminder")]
    assert len(reminders) == 1
    text = reminders[0].get_body(("plain",)).get_content()
    assert "Asia/Kathmandu" in text and "https://zoom.us/j/835" in text
    with app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == "reminder")).all()
        assert len(kinds) == 3
