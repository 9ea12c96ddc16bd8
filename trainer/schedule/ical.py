"""iCalendar (RFC 5545) files for a course's schedule: the course download and webcal feed (PUBLISH)
and per-session e-mail invites (REQUEST, CANCEL). Pure functions: plain data in, bytes out.

Follows shared/calendar-interop.md. The choices that are easy to get wrong:
- UIDs come from database ids and never change; SEQUENCE comes from the caller (stored per session).
- Times carry TZID=<course zone> with a VTIMEZONE written here, built from zoneinfo for the course's
  dates only, as one yearly STANDARD and one yearly DAYLIGHT rule (RRULE) where the zone has them,
  because Outlook reads only DTSTART, RRULE and the offsets of a VTIMEZONE (it ignores RDATE).
- The Content-Type must carry the same method as the body's METHOD (`content_type`); for an
  e-mail invite the mail code sets it on the MIME part, for the feed the view on the response.
"""

import calendar
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vDuration

PRODID = "-//UCLG ASPAC//trainer//EN"
INVITATION_METHODS = ("REQUEST", "CANCEL")
# How far before the first session the time-zone rules are read: a full year holds one onset of
# each kind (standard, daylight), so every session falls after an onset the VTIMEZONE defines.
RULE_LOOKBACK = timedelta(days=366)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class CalendarSession:
    id: int
    course_id: int
    title: str
    course_title: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    sequence: int
    updated_at: datetime
    cancelled: bool
    join_url: str | None
    course_url: str
    description: str  # plain text prepared by the caller (agenda, chapters to prepare)


@dataclass(frozen=True)
class CalendarStudyPeriod:
    course_id: int
    session_id: int
    title: str  # e.g. "Self-study before Day 2: chapters 3 and 4"
    first_day: date
    last_day: date  # inclusive; written as the exclusive DTEND last_day + 1
    description: str
    course_url: str
    updated_at: datetime
    # RFC 5545 wants SEQUENCE raised when the dates move, but a period has no row of its own: the sum of
    # the sequences of the two sessions around it never goes down and rises whenever either one moves.
    sequence: int = 0


@dataclass(frozen=True)
class Organizer:
    email: str
    name: str


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str


def content_type(method: str) -> str:
    """The media type for a file built here: RFC 5545 §3.7.2 wants the `method` parameter whenever the
    body has METHOD, with the same value (Outlook rejects a mismatch; RFC 6047 §2.4 for e-mail)."""
    return f"text/calendar; method={method}; charset=UTF-8"


def session_uid(session_id: int, host: str) -> str:
    return f"session-{session_id}@{host}"


def study_uid(course_id: int, session_id: int, host: str) -> str:
    return f"study-{course_id}-{session_id}@{host}"


def build_publish(
    sessions: Iterable[CalendarSession],
    study_periods: Iterable[CalendarStudyPeriod],
    *,
    organizer: Organizer,
    zone: str,
    host: str,
    name: str,
    refresh_minutes: int = 360,
    alarm_minutes: int | None = 30,
    now: datetime,
) -> bytes:
    """A whole-course download or subscription feed: METHOD:PUBLISH, no attendees (a feed must not
    leak participants' addresses), cancelled sessions kept with STATUS:CANCELLED so clients drop them."""
    sessions = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    periods = sorted(study_periods, key=lambda p: (p.first_day, p.session_id))
    if refresh_minutes <= 0:
        raise ValueError("refresh_minutes must be positive")
    refresh = vDuration(timedelta(minutes=refresh_minutes))
    cal = _calendar("PUBLISH")
    cal.add("name", _text(name))
    cal.add("x-wr-calname", _text(name))
    # REFRESH-INTERVAL is typed by icalendar but the VALUE parameter is required (RFC 7986 §5.7);
    # X-PUBLISHED-TTL is an X- property (TEXT to icalendar), so it is given a vDuration to get "PT6H".
    cal.add("refresh-interval", refresh.td, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", refresh)
    for session in sessions:
        cal.add_component(
            _session_event(session, zone=zone, host=host, organizer=organizer, alarm_minutes=alarm_minutes, now=now)
        )
    for period in periods:
        cal.add_component(_study_event(period, host=host, now=now))
    _check_unique_uids(cal)
    _add_timezone(cal, zone, [t for s in sessions for t in (s.starts_at, s.ends_at)])
    return cal.to_ical()


def build_invitation(
    session: CalendarSession,
    *,
    attendee: Attendee,
    organizer: Organizer,
    zone: str,
    host: str,
    alarm_minutes: int | None,
    now: datetime,
    method: str,
) -> bytes:
    """One e-mail invite: one VEVENT (one UID) addressed to one attendee. "REQUEST" invites or moves
    the session (the caller has raised SEQUENCE); "CANCEL" removes it from the attendee's calendar."""
    if method not in INVITATION_METHODS:
        raise ValueError(f"method must be one of {INVITATION_METHODS}, not {method!r}")
    if method == "REQUEST" and session.cancelled:
        # A REQUEST would put the event back in calendars; cancellations go out as CANCEL.
        raise ValueError("a cancelled session is sent with method CANCEL")
    cal = _calendar(method)
    cancel = method == "CANCEL"
    event = _session_event(
        session, zone=zone, host=host, organizer=organizer, alarm_minutes=alarm_minutes, now=now, cancelled=cancel
    )
    event.add("attendee", _attendee(attendee, cancel))
    cal.add_component(event)
    _add_timezone(cal, zone, [session.starts_at, session.ends_at])
    return cal.to_ical()


# --- components ---------------------------------------------------------------------------------


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _session_event(
    session: CalendarSession,
    *,
    zone: str,
    host: str,
    organizer: Organizer,
    alarm_minutes: int | None,
    now: datetime,
    cancelled: bool = False,
) -> Event:
    _check_times(session)
    if session.sequence < 0:
        raise ValueError(f"session {session.id}: SEQUENCE must not be negative")
    tz = ZoneInfo(zone)
    cancelled = cancelled or session.cancelled
    summary = _text(f"{session.title} – {session.course_title}")
    event = Event()
    event.add("uid", session_uid(session.id, host))
    event.add("dtstamp", _utc(now, "now"))
    event.add("last-modified", _utc(session.updated_at, "updated_at"))
    event.add("sequence", session.sequence)
    event.add("dtstart", _wall_time(session.starts_at, tz))
    event.add("dtend", _wall_time(session.ends_at, tz))
    event.add("summary", summary)
    event.add("description", _description(session))
    event.add("url", _uri(session.course_url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _organizer(organizer))
    if session.join_url:
        # Every client shows LOCATION; CONFERENCE (RFC 7986) is for the clients that offer a join button.
        event.add("location", _uri(session.join_url))
        event.add("conference", _uri(session.join_url), parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    if alarm_minutes is not None and not cancelled:
        event.add_component(_alarm(alarm_minutes, summary))
    return event


def _study_event(period: CalendarStudyPeriod, *, host: str, now: datetime) -> Event:
    if period.last_day < period.first_day:
        raise ValueError(f"study period before session {period.session_id} ends before it starts")
    event = Event()
    event.add("uid", study_uid(period.course_id, period.session_id, host))
    event.add("dtstamp", _utc(now, "now"))
    event.add("last-modified", _utc(period.updated_at, "updated_at"))
    event.add("sequence", period.sequence)
    # All-day DATE values; DTEND is exclusive (RFC 5545 §3.6.1), so the last day needs + 1.
    event.add("dtstart", period.first_day)
    event.add("dtend", period.last_day + timedelta(days=1))
    event.add("summary", _text(period.title))
    event.add("description", _text(period.description))
    event.add("url", _uri(period.course_url))
    # Study is flexible: the days must not show as busy in anyone's free/busy.
    event.add("transp", "TRANSPARENT")
    return event


def _alarm(minutes: int, summary: str) -> Alarm:
    if minutes < 0:
        raise ValueError("alarm_minutes must not be negative")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)  # DISPLAY alarms require one (RFC 5545 §3.6.6)
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm


def _organizer(organizer: Organizer) -> vCalAddress:
    address = vCalAddress(_uri(f"mailto:{organizer.email}"))
    address.params["CN"] = _text(organizer.name)
    return address


def _attendee(attendee: Attendee, cancel: bool) -> vCalAddress:
    address = vCalAddress(_uri(f"mailto:{attendee.email}"))
    address.params["CN"] = _text(attendee.name)
    address.params["ROLE"] = "REQ-PARTICIPANT"
    if not cancel:  # a cancellation asks for no reply
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    return address


def _description(session: CalendarSession) -> str:
    description = _text(session.description).strip()
    if session.join_url and session.join_url not in description:
        description = f"{description}\n\n{session.join_url}".strip()
    return description


def _text(value: str) -> str:
    """Plain text fit for a TEXT value: line breaks become \\n (escaped by icalendar), and the other
    control characters, which RFC 5545 forbids in TEXT and which would corrupt a line, are dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")


def _uri(value: str) -> str:
    """URIs are written as they are (no TEXT escaping), so a line break in one would start a new
    property: refuse whitespace and control characters."""
    if any(c.isspace() or unicodedata.category(c) == "Cc" for c in value):
        raise ValueError(f"not a URI: {value!r}")
    return value


def _utc(instant: datetime, what: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return instant.astimezone(UTC)


def _check_times(session: CalendarSession) -> None:
    start, end = _utc(session.starts_at, "starts_at"), _utc(session.ends_at, "ends_at")
    if end <= start:
        raise ValueError(f"session {session.id} must end after it starts")


def _wall_time(instant: datetime, tz: ZoneInfo) -> datetime:
    """The instant as local time in the zone (written with TZID), or in UTC when the local time is the
    second of two identical ones (clocks going back): RFC 5545 §3.3.5 reads a repeated local time as
    the first, so only UTC can name the second."""
    local = instant.astimezone(tz)
    return instant.astimezone(UTC) if local.fold else local


def _check_unique_uids(cal: Calendar) -> None:
    uids = [str(event["UID"]) for event in cal.walk("VEVENT")]
    if len(uids) != len(set(uids)):
        raise ValueError("two events share a UID: each session and study period may appear once")


# --- VTIMEZONE ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Transition:
    at: datetime  # the instant, UTC
    offset_from: timedelta
    offset_to: timedelta
    daylight: bool
    tzname: str

    @property
    def onset(self) -> datetime:
        """DTSTART of an observance: the local time in the offset being left (RFC 5545 §3.6.5)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def _add_timezone(cal: Calendar, zone: str, instants: Sequence[datetime]) -> None:
    """Insert the VTIMEZONE for `zone`, once, before the events, if any event refers to it (none does
    when there are no sessions, or when icalendar wrote a UTC zone as ...Z)."""
    if zone not in cal.get_used_tzids():
        return
    first, last = min(instants), max(instants)
    start = datetime.combine((first.astimezone(UTC) - RULE_LOOKBACK).date(), datetime.min.time(), UTC)
    end = datetime.combine(last.astimezone(UTC).date() + timedelta(days=2), datetime.min.time(), UTC)
    cal.subcomponents.insert(0, _vtimezone(zone, start, end))


def _vtimezone(zone: str, start: datetime, end: datetime) -> Timezone:
    transitions = _transitions(zone, start, end)
    vtz = Timezone()
    vtz.add("tzid", zone)
    # The rules must have an onset before the first session (start + RULE_LOOKBACK) to describe it.
    rules = _yearly_rules(transitions, end) if transitions and transitions[0].at <= start + RULE_LOOKBACK else None
    if rules is not None:
        for transition, rule in rules:
            vtz.add_component(_observance(transition, rule))
        return vtz
    # No transitions (a zone without DST), or rules that do not repeat yearly within the course's
    # dates: one observance from the start of the range, then one per transition, each exact.
    tz = ZoneInfo(zone)
    local = start.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    initial = _Transition(start, offset, offset, bool(local.dst()), local.tzname() or "")
    for transition in (initial, *transitions):
        vtz.add_component(_observance(transition, None))
    return vtz


def _observance(transition: _Transition, rule: dict | None) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if transition.daylight else TimezoneStandard()
    observance.add("dtstart", transition.onset)
    if rule is not None:
        observance.add("rrule", rule)
    observance.add("tzoffsetfrom", transition.offset_from)
    observance.add("tzoffsetto", transition.offset_to)
    observance.add("tzname", transition.tzname)
    return observance


@lru_cache(maxsize=256)
def _transitions(zone: str, start: datetime, end: datetime) -> tuple[_Transition, ...]:
    """Every change of UTC offset in [start, end). zoneinfo does not list its transitions, so this
    steps an hour at a time (no zone changes twice within an hour) and bisects to the second."""
    tz = ZoneInfo(zone)
    step, found, at = timedelta(hours=1), [], start
    while at < end:
        nxt = at + step
        before, after = at.astimezone(tz).utcoffset(), nxt.astimezone(tz).utcoffset()
        if before != after:
            instant = _bisect(tz, at, nxt)
            local = instant.astimezone(tz)
            found.append(_Transition(instant, before, after, bool(local.dst()), local.tzname() or ""))
        at = nxt
    return tuple(found)


def _bisect(tz: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first instant in (low, high] with the offset of `high`."""
    offset = high.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def _yearly_rules(transitions: Sequence[_Transition], end: datetime) -> list[tuple[_Transition, dict]] | None:
    """One (first transition, RRULE) per kind of transition, if every kind repeats on the same
    weekday rule each year ("first Sunday of April") and the rules give exactly the transitions."""
    kinds: dict[tuple, list[_Transition]] = {}
    for transition in transitions:
        kinds.setdefault((transition.offset_from, transition.offset_to, transition.daylight), []).append(transition)
    rules = []
    for group in kinds.values():
        first = group[0]
        month, weekday, nth = _weekday_rule(first.onset.date())
        expected = [t.onset for t in group]
        generated = [
            datetime.combine(_nth_weekday(year, month, weekday, nth), first.onset.time())
            for year in range(first.onset.year, end.year + 1)
        ]
        last_onset = (end + first.offset_from).replace(tzinfo=None)
        if [t for t in generated if t < last_onset] != expected:
            return None
        rules.append((first, {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{nth}{WEEKDAYS[weekday]}"}))
    return rules


def _weekday_rule(day: date) -> tuple[int, int, int]:
    """(month, weekday, n) where n is 1..4 for "n-th weekday" or -1 for "last weekday of the month"."""
    last = calendar.monthrange(day.year, day.month)[1]
    nth = -1 if day.day + 7 > last else (day.day - 1) // 7 + 1
    return day.month, day.weekday(), nth


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)
