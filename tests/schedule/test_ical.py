"""The iCalendar builder, read back by two independent parsers: icalendar (which resolves a TZID by its
IANA name) and vobject (which reads our VTIMEZONE, through dateutil). No app, no database."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from trainer.schedule.ical import (
    Attendee,
    CalendarSession,
    CalendarStudyPeriod,
    Organizer,
    build_invitation,
    build_publish,
    content_type,
    session_uid,
    study_uid,
)
from trainer.timezones import local_to_utc

HOST = "trainer.example.org"
NOW = datetime(2026, 2, 1, 8, 30, tzinfo=UTC)
ORGANIZER = Organizer("tot@uclg-aspac.org", "Dewi, Sri")
ATTENDEE = Attendee("somchai@bangkok.go.th", "สมชาย ใจดี")
THAI = "การพัฒนาที่ยั่งยืนในระดับท้องถิ่น"
DEVANAGARI = "स्थानीय सरकार और सतत विकास लक्ष्य"


def at(zone: str, day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute), zone)


def session(id: int, starts_at: datetime, hours: float = 3, **changes) -> CalendarSession:
    base = CalendarSession(
        id=id,
        course_id=7,
        title=f"Day {id}",
        course_title="ToT Module 4",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        sequence=0,
        updated_at=datetime(2026, 1, 15, 3, 4, 5, tzinfo=UTC),
        cancelled=False,
        join_url=f"https://zoom.us/j/9{id}?pwd=abc",
        course_url="https://trainer.example.org/courses/7/",
        description="Agenda:\n- Welcome\n- Chapter 1",
    )
    return replace(base, **changes)


def period(session_id: int, first: date, last: date) -> CalendarStudyPeriod:
    return CalendarStudyPeriod(
        course_id=7,
        session_id=session_id,
        title="Self-study before Day 2: chapters 3 and 4",
        first_day=first,
        last_day=last,
        description="Read chapters 3 and 4.",
        course_url="https://trainer.example.org/courses/7/",
        updated_at=datetime(2026, 1, 15, tzinfo=UTC),
    )


def publish(sessions, zone: str, periods=(), **options) -> bytes:
    options = {"organizer": ORGANIZER, "host": HOST, "name": "ToT Module 4", "now": NOW} | options
    return build_publish(sessions, periods, zone=zone, **options)


def invite(s: CalendarSession, method: str, zone: str = "Asia/Jakarta", attendee: Attendee = ATTENDEE) -> bytes:
    return build_invitation(
        s, attendee=attendee, organizer=ORGANIZER, zone=zone, host=HOST, alarm_minutes=30, now=NOW, method=method
    )


def parse(data: bytes) -> tuple[Calendar, vobject.base.Component]:
    text = data.decode("utf-8")
    return Calendar.from_ical(data), vobject.readOne(text)


def vobject_utc(vcal, prop) -> datetime:
    """The instant vobject reads, with the VTIMEZONE in this very file. vobject keeps the first
    VTIMEZONE it ever saw per TZID in a process-wide registry, so the zone is rebuilt from our file."""
    value, tzid = prop.value, prop.params.get("X-VOBJ-ORIGINAL-TZID")
    if tzid:
        assert tzid == [vcal.vtimezone.tzid.value]
        value = value.replace(tzinfo=vcal.vtimezone.gettzinfo())
    return value.astimezone(UTC)


def events(cal: Calendar):
    return cal.walk("VEVENT")


# Courses as they would be held: local times in the course's zone, on both sides of each DST change.
COURSES = {
    "Asia/Kathmandu": [(date(2026, 3, 10), 10), (date(2026, 3, 31), 14)],
    "Asia/Jakarta": [(date(2026, 6, 2), 9), (date(2026, 6, 23), 13)],
    "Asia/Karachi": [(date(2026, 6, 2), 9), (date(2026, 6, 23), 13)],
    "Pacific/Tongatapu": [(date(2026, 11, 3), 9), (date(2026, 11, 24), 9)],
    # NZDT (UTC+13) in March, NZST (UTC+12) in May; clocks go back on 5 April 2026.
    "Pacific/Auckland": [(date(2026, 3, 17), 9), (date(2026, 5, 12), 9)],
    # Clocks go back on Sunday 5 April and forward on Sunday 4 October 2026.
    "Australia/Sydney": [(date(2026, 4, 2), 9), (date(2026, 4, 9), 9), (date(2026, 10, 1), 9), (date(2026, 10, 8), 9)],
}


DST_ZONES = {"Pacific/Auckland", "Australia/Sydney"}


def course(zone: str) -> list[CalendarSession]:
    return [session(i, at(zone, day, hour)) for i, (day, hour) in enumerate(COURSES[zone], start=1)]


@pytest.mark.parametrize("zone", COURSES)
def test_every_session_keeps_its_instant_in_both_parsers(zone):
    sessions = course(zone)
    cal, vcal = parse(publish(sessions, zone))

    for source, event, vevent in zip(sessions, events(cal), vcal.vevent_list, strict=True):
        assert event["DTSTART"].params["TZID"] == zone
        assert event.DTSTART.astimezone(UTC) == source.starts_at
        assert event.DTEND.astimezone(UTC) == source.ends_at
        assert vobject_utc(vcal, vevent.dtstart) == source.starts_at
        assert vobject_utc(vcal, vevent.dtend) == source.ends_at
        # The wall-clock time written is the one the course planned.
        assert event.DTSTART.replace(tzinfo=None) == source.starts_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


@pytest.mark.parametrize("zone", COURSES)
def test_vtimezone_agrees_with_zoneinfo_at_every_session(zone):
    sessions = course(zone)
    cal, _ = parse(publish(sessions, zone))
    (vtimezone,) = cal.timezones
    # Read the VTIMEZONE itself, not the zone its name looks up: by dateutil's tzical, and by
    # icalendar's own expansion of the observances into transitions.
    from_component = vtimezone.to_tz(lookup_tzid=False)
    times, infos = vtimezone.get_transitions()

    for instant in (t for s in sessions for t in (s.starts_at, s.ends_at)):
        expected = instant.astimezone(ZoneInfo(zone)).utcoffset()
        assert instant.astimezone(from_component).utcoffset() == expected
        naive_utc = instant.replace(tzinfo=None)
        in_force = [info for when, info in zip(times, infos, strict=True) if when <= naive_utc]
        assert in_force and in_force[-1][0] == expected


@pytest.mark.parametrize("zone", COURSES)
def test_vtimezone_is_emitted_once_and_covers_only_the_course(zone):
    sessions = course(zone)
    data = publish(sessions, zone)
    cal, vcal = parse(data)

    assert data.count(b"BEGIN:VTIMEZONE") == 1
    assert [tz.tz_name for tz in cal.timezones] == [zone]
    assert cal.get_missing_tzids() == set()
    assert len(vcal.vtimezone_list) == 1
    observances = cal.timezones[0].subcomponents
    first, last = sessions[0].starts_at, sessions[-1].ends_at
    for observance in observances:
        # No 1970 onset and no list of RDATEs up to 2037 (which Outlook ignores and vobject misreads).
        assert "RDATE" not in observance
        onset = observance.DTSTART.replace(tzinfo=UTC) - observance.TZOFFSETFROM
        assert first - timedelta(days=367) <= onset <= last
    if zone in DST_ZONES:  # one yearly STANDARD and one yearly DAYLIGHT rule, the shape Outlook reads
        assert sorted(o.name for o in observances) == ["DAYLIGHT", "STANDARD"]
        assert all("RRULE" in o for o in observances)
    else:  # one fixed offset; Karachi's (2008-09) and Tonga's (2016-17) old DST rules are left out
        (only,) = observances
        assert only.name == "STANDARD" and "RRULE" not in only
        assert only.TZOFFSETFROM == only.TZOFFSETTO == first.astimezone(ZoneInfo(zone)).utcoffset()


@pytest.mark.parametrize(
    ("zone", "standard", "daylight"),
    [
        ("Australia/Sydney", (4, "1SU", 11, 10, 3), (10, "1SU", 10, 11, 2)),
        ("Pacific/Auckland", (4, "1SU", 13, 12, 3), (9, "-1SU", 12, 13, 2)),
    ],
)
def test_dst_rules_are_the_zones_yearly_rules(zone, standard, daylight):
    cal, _ = parse(publish(course(zone), zone))
    for kind, (month, byday, offset_from, offset_to, hour) in (("STANDARD", standard), ("DAYLIGHT", daylight)):
        (observance,) = cal.timezones[0].walk(kind)
        rule = observance["RRULE"]
        assert (rule["FREQ"], rule["BYMONTH"], rule["BYDAY"]) == (["YEARLY"], [month], [byday])
        assert observance.TZOFFSETFROM == timedelta(hours=offset_from)
        assert observance.TZOFFSETTO == timedelta(hours=offset_to)
        # The onset is written in the local time being left (RFC 5545 §3.6.5).
        assert observance.DTSTART.time() == time(hour)


def test_the_same_sessions_in_two_course_zones_are_the_same_instants():
    sessions = course("Pacific/Auckland")
    for zone in ("Asia/Kathmandu", "Pacific/Auckland"):
        cal, vcal = parse(publish(sessions, zone))
        assert [tz.tz_name for tz in cal.timezones] == [zone]
        assert [e.DTSTART.astimezone(UTC) for e in events(cal)] == [s.starts_at for s in sessions]
        assert [vobject_utc(vcal, v.dtstart) for v in vcal.vevent_list] == [s.starts_at for s in sessions]


def test_second_of_two_identical_local_times_is_written_in_utc():
    # 02:30 happens twice in Sydney on 5 April 2026; RFC 5545 reads a TZID time as the first one.
    first = datetime(2026, 4, 4, 15, 30, tzinfo=UTC)  # 02:30 AEDT
    second = datetime(2026, 4, 4, 16, 30, tzinfo=UTC)  # 02:30 AEST
    sessions = [session(1, first, hours=0.25), session(2, second, hours=2)]
    data = publish(sessions, "Australia/Sydney")
    cal, vcal = parse(data)

    assert b"DTSTART;TZID=Australia/Sydney:20260405T023000\r\n" in data
    assert b"DTSTART:20260404T163000Z\r\n" in data
    assert [e.DTSTART.astimezone(UTC) for e in events(cal)] == [first, second]
    assert [vobject_utc(vcal, v.dtstart) for v in vcal.vevent_list] == [first, second]


def test_empty_course_is_a_valid_calendar_without_a_vtimezone():
    data = publish([], "Pacific/Auckland")
    cal, vcal = parse(data)

    assert cal["METHOD"] == "PUBLISH"
    assert cal.timezones == [] and events(cal) == []
    assert b"VTIMEZONE" not in data
    assert vcal.name == "VCALENDAR" and vcal.prodid.value


def test_publish_has_organizer_feed_properties_and_no_attendee():
    sessions = course("Asia/Jakarta")
    data = publish(sessions, "Asia/Jakarta", [period(2, date(2026, 6, 3), date(2026, 6, 22))])
    cal, vcal = parse(data)

    assert b"ATTENDEE" not in data  # a feed must not carry participants' addresses
    assert data.count(b"\r\nPRODID:") == 1 and data.count(b"\r\nVERSION:2.0\r\n") == 1
    assert cal["METHOD"] == "PUBLISH"
    assert cal["X-WR-CALNAME"] == cal["NAME"] == "ToT Module 4"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in data
    assert vcal.x_published_ttl.value == "PT6H"
    for source, event, vevent in zip(sessions, events(cal)[:2], vcal.vevent_list[:2], strict=True):
        assert event["UID"] == vevent.uid.value == session_uid(source.id, HOST)
        assert event.DTSTAMP == NOW and vevent.dtstamp.value == NOW
        assert event.LAST_MODIFIED == source.updated_at
        assert event["ORGANIZER"] == "mailto:tot@uclg-aspac.org"
        assert event["ORGANIZER"].params["CN"] == "Dewi, Sri"
        assert event["LOCATION"] == vevent.location.value == source.join_url
        assert source.join_url in event["DESCRIPTION"]
        assert event["URL"] == source.course_url
        assert event["STATUS"] == "CONFIRMED"
        assert event["SUMMARY"] == f"{source.title} – ToT Module 4"
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and alarm["DESCRIPTION"]
        assert alarm["TRIGGER"].dt == timedelta(minutes=-30)
        assert vevent.valarm.trigger.value == timedelta(minutes=-30)
    for component in cal.walk():
        if component.name in ("VEVENT", "VCALENDAR"):
            assert "ATTENDEE" not in component


def test_refresh_interval_and_alarm_can_be_changed():
    data = publish(course("Asia/Jakarta"), "Asia/Jakarta", refresh_minutes=720, alarm_minutes=None)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in data and b"X-PUBLISHED-TTL:PT12H\r\n" in data
    assert b"VALARM" not in data


def test_rescheduled_session_keeps_its_uid_with_a_higher_sequence():
    zone = "Pacific/Auckland"
    before = session(4, at(zone, date(2026, 3, 24), 9))
    after = replace(
        before, starts_at=at(zone, date(2026, 4, 14), 10), ends_at=at(zone, date(2026, 4, 14), 12), sequence=1
    )
    (old,) = events(parse(publish([before], zone))[0])
    cal, vcal = parse(publish([after], zone))
    (new,) = events(cal)

    assert new["UID"] == old["UID"] == vcal.vevent.uid.value == session_uid(4, HOST)
    assert (old["SEQUENCE"], new["SEQUENCE"]) == (0, 1)
    assert int(vcal.vevent.sequence.value) == 1
    assert new.DTSTART.astimezone(UTC) == after.starts_at != before.starts_at
    assert vobject_utc(vcal, vcal.vevent.dtstart) == after.starts_at


def test_cancelled_session_stays_in_the_feed_as_cancelled_without_alarm():
    sessions = course("Australia/Sydney")
    sessions[1] = replace(sessions[1], cancelled=True, sequence=3)
    cal, vcal = parse(publish(sessions, "Australia/Sydney"))

    cancelled = next(e for e in events(cal) if e["UID"] == session_uid(sessions[1].id, HOST))
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 3
    assert cancelled.walk("VALARM") == []
    assert [v.status.value for v in vcal.vevent_list] == ["CONFIRMED", "CANCELLED", "CONFIRMED", "CONFIRMED"]


def test_request_invites_one_attendee_to_one_event():
    s = replace(session(2, at("Asia/Jakarta", date(2026, 6, 2), 9)), sequence=2)
    data = invite(s, "REQUEST")
    cal, vcal = parse(data)

    assert cal["METHOD"] == "REQUEST"
    (event,) = events(cal)
    assert data.count(b"\r\nUID:") == 1 and len(vcal.vevent_list) == 1
    assert event["UID"] == session_uid(2, HOST) and event["SEQUENCE"] == 2
    assert event["STATUS"] == "CONFIRMED"
    assert event["ORGANIZER"].params["CN"] == "Dewi, Sri"
    attendee = event["ATTENDEE"]
    assert attendee == "mailto:somchai@bangkok.go.th"
    assert dict(attendee.params) == {
        "CN": ATTENDEE.name,
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert vcal.vevent.attendee.value == "mailto:somchai@bangkok.go.th"
    assert vcal.vevent.attendee.params["RSVP"] == ["TRUE"]
    assert vcal.vevent.attendee.params["CN"] == [ATTENDEE.name]
    assert [tz.tz_name for tz in cal.timezones] == ["Asia/Jakarta"]
    assert vobject_utc(vcal, vcal.vevent.dtstart) == s.starts_at


def test_cancel_has_method_cancel_same_uid_and_status_cancelled():
    s = replace(session(2, at("Asia/Kathmandu", date(2026, 3, 10), 10)), cancelled=True, sequence=5)
    cal, vcal = parse(invite(s, "CANCEL", zone="Asia/Kathmandu"))

    assert cal["METHOD"] == vcal.method.value == "CANCEL"
    (event,) = events(cal)
    assert event["UID"] == session_uid(2, HOST) and event["SEQUENCE"] == 5
    assert event["STATUS"] == vcal.vevent.status.value == "CANCELLED"
    assert event["ATTENDEE"] == "mailto:somchai@bangkok.go.th"
    assert "RSVP" not in event["ATTENDEE"].params  # nothing to answer
    assert event.walk("VALARM") == []


def test_cancel_of_a_session_not_yet_marked_cancelled_is_still_cancelled():
    s = session(2, at("Asia/Jakarta", date(2026, 6, 2), 9))
    (event,) = events(parse(invite(s, "CANCEL"))[0])
    assert event["STATUS"] == "CANCELLED"


@pytest.mark.parametrize("method", ["PUBLISH", "request", "REPLY"])
def test_invitation_refuses_other_methods(method):
    with pytest.raises(ValueError, match="method"):
        invite(session(1, NOW), method)


def test_cancelled_session_cannot_be_sent_as_request():
    with pytest.raises(ValueError, match="CANCEL"):
        invite(session(1, NOW, cancelled=True), "REQUEST")


def test_names_with_commas_are_quoted_and_text_is_escaped():
    tricky = 'Budget; roles, "owners" \\ next: steps\nline two'
    s = session(1, NOW + timedelta(days=30), title=tricky, description=tricky, join_url=None)
    data = invite(s, "REQUEST", attendee=Attendee("dewi@example.org", "Dewi, Sri"))
    unfolded = data.replace(b"\r\n ", b"")
    cal, vcal = parse(data)
    (event,) = events(cal)

    assert b';CN="Dewi, Sri":mailto:tot@uclg-aspac.org' in unfolded
    assert b';CN="Dewi, Sri";' in unfolded
    assert b"SUMMARY:Budget\\; roles\\, " in unfolded and b"\\\\ next: steps\\nline two" in unfolded
    assert event["DESCRIPTION"] == vcal.vevent.description.value == tricky
    assert event["SUMMARY"] == vcal.vevent.summary.value == f"{tricky} – ToT Module 4"
    assert vcal.vevent.attendee.params["CN"] == ["Dewi, Sri"]
    assert "LOCATION" not in event  # no join link yet


def test_control_characters_and_carriage_returns_do_not_break_lines():
    s = session(1, NOW + timedelta(days=30), description="one\r\ntwo\rthree\x07\x00", title="Day\x0b 1")
    cal, vcal = parse(publish([s], "Asia/Jakarta"))
    assert events(cal)[0]["DESCRIPTION"].startswith("one\ntwo\nthree\n")
    assert vcal.vevent.summary.value == "Day 1 – ToT Module 4"


def test_lines_are_crlf_folded_at_75_octets_and_utf8_survives():
    long_name = f"{DEVANAGARI} {THAI} " * 3
    s = session(1, at("Asia/Kathmandu", date(2026, 3, 10), 10), title=THAI * 3, description=long_name)
    outputs = [
        publish([s], "Asia/Kathmandu", [period(1, date(2026, 3, 1), date(2026, 3, 9))], name=DEVANAGARI * 3),
        invite(s, "REQUEST", zone="Asia/Kathmandu", attendee=Attendee("a@example.org", DEVANAGARI * 2)),
    ]
    for data in outputs:
        assert data.endswith(b"\r\n")
        lines = data.split(b"\r\n")[:-1]
        assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
        assert max(len(line) for line in lines) <= 75
        assert any(line.startswith(b" ") for line in lines)  # something was long enough to fold
        for line in lines:
            line.decode("utf-8")  # strict: a fold inside a multi-byte character would fail here
        cal, vcal = parse(data)
        (event,) = [e for e in events(cal) if e["UID"] == session_uid(1, HOST)]
        assert event["DESCRIPTION"] == long_name.strip() + f"\n\n{s.join_url}"
        assert event["SUMMARY"] == f"{THAI * 3} – ToT Module 4"
        vevent = next(v for v in vcal.vevent_list if v.uid.value == session_uid(1, HOST))
        assert vevent.summary.value == event["SUMMARY"]
        assert vevent.description.value == event["DESCRIPTION"]
    assert parse(outputs[0])[0]["X-WR-CALNAME"] == DEVANAGARI * 3
    assert parse(outputs[1])[1].vevent.attendee.params["CN"] == [DEVANAGARI * 2]


def test_same_input_gives_the_same_bytes():
    sessions = course("Australia/Sydney")
    periods = [period(2, date(2026, 4, 3), date(2026, 4, 8)), period(3, date(2026, 4, 10), date(2026, 9, 30))]
    first = publish(sessions, "Australia/Sydney", periods)
    assert publish(sessions, "Australia/Sydney", periods) == first
    assert publish(list(reversed(sessions)), "Australia/Sydney", list(reversed(periods))) == first
    assert invite(sessions[0], "REQUEST") == invite(sessions[0], "REQUEST")


def test_study_periods_are_all_day_with_exclusive_end():
    sessions = course("Pacific/Auckland")
    periods = [period(2, date(2026, 3, 18), date(2026, 5, 11)), period(3, date(2026, 5, 13), date(2026, 5, 13))]
    data = publish(sessions, "Pacific/Auckland", periods)
    cal, vcal = parse(data)

    assert b"DTSTART;VALUE=DATE:20260318\r\n" in data and b"DTEND;VALUE=DATE:20260512\r\n" in data
    assert b"DTSTART;VALUE=DATE:20260513\r\n" in data and b"DTEND;VALUE=DATE:20260514\r\n" in data
    study = {e["UID"]: e for e in events(cal) if e["UID"].startswith("study-")}
    vstudy = {v.uid.value: v for v in vcal.vevent_list if v.uid.value.startswith("study-")}
    for p in periods:
        uid = study_uid(p.course_id, p.session_id, HOST)
        event, vevent = study[uid], vstudy[uid]
        assert type(event.DTSTART) is date and type(vevent.dtstart.value) is date
        assert event.DTSTART == vevent.dtstart.value == p.first_day
        assert event.DTEND == vevent.dtend.value == p.last_day + timedelta(days=1)
        assert event["TRANSP"] == "TRANSPARENT"  # study days do not show as busy
        assert event.DTSTAMP == NOW and event.walk("VALARM") == []


def test_uids_are_stable_and_distinct():
    assert session_uid(12, HOST) == "session-12@trainer.example.org"
    assert study_uid(7, 12, HOST) == "study-7-12@trainer.example.org"
    assert session_uid(12, HOST) != study_uid(7, 12, HOST) != study_uid(8, 12, HOST)


def test_rejects_times_that_would_be_wrong_in_every_client():
    start = datetime(2026, 6, 2, 2, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        publish([session(1, start.replace(tzinfo=None))], "Asia/Jakarta")
    with pytest.raises(ValueError, match="end after"):
        publish([session(1, start, hours=0)], "Asia/Jakarta")
    with pytest.raises(ValueError, match="aware"):
        publish([session(1, start)], "Asia/Jakarta", now=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="ends before"):
        publish([], "Asia/Jakarta", [period(2, date(2026, 6, 3), date(2026, 6, 2))])
    with pytest.raises(ValueError, match="UID"):
        publish([session(1, start), session(1, start + timedelta(days=1))], "Asia/Jakarta")


def test_zone_without_a_weekday_rule_gets_one_exact_observance_per_change():
    # Iran moved its clocks on fixed dates (21/22 March, 21/22 September) until 2022: no "n-th
    # Sunday" rule fits, so each change is written as its own observance, still without RDATE.
    zone = "Asia/Tehran"
    sessions = [session(i, at(zone, day, 10)) for i, day in enumerate([date(2021, 3, 30), date(2022, 4, 12)], 1)]
    data = publish(sessions, zone)
    cal, vcal = parse(data)
    (vtimezone,) = cal.timezones

    assert b"RRULE" not in data and b"RDATE" not in data
    assert len(vtimezone.subcomponents) > 2
    from_component = vtimezone.to_tz(lookup_tzid=False)
    for source, vevent in zip(sessions, vcal.vevent_list, strict=True):
        assert (
            source.starts_at.astimezone(from_component).utcoffset()
            == source.starts_at.astimezone(ZoneInfo(zone)).utcoffset()
        )
        assert vobject_utc(vcal, vevent.dtstart) == source.starts_at


def test_content_type_names_the_same_method_as_the_body():
    data = invite(session(1, NOW + timedelta(days=3)), "CANCEL")
    method = Calendar.from_ical(data)["METHOD"]
    assert content_type(method) == "text/calendar; method=CANCEL; charset=UTF-8"
    assert content_type("PUBLISH") == "text/calendar; method=PUBLISH; charset=UTF-8"


@pytest.mark.parametrize(
    "changes",
    [{"join_url": "https://zoom.us/j/1\r\nATTENDEE:mailto:x@y.z"}, {"course_url": "https://x.org/a b"}],
)
def test_refuses_uris_that_would_break_a_line(changes):
    with pytest.raises(ValueError, match="not a URI"):
        publish([session(1, NOW, **changes)], "Asia/Jakarta")
    with pytest.raises(ValueError, match="not a URI"):
        invite(session(1, NOW), "REQUEST", attendee=Attendee("a@b.org\nX-EVIL:1", "A"))
