"""Zoom participant and attendee reports: read the CSV, then propose who attended a live session
and for how long. Pure: no database, no request; nothing is written anywhere.

parse_report() reads the layouts in shared/samples/zoom/README.md: the meeting participant report
of every era (with or without the meeting block and the waiting-room column), the webinar attendee
report (stacked sections padded with commas), Japanese headers (Korean ones only as far as they are
known), and files re-saved by Excel. Zoom writes times in the exporting host's zone without saying
so; the caller names that zone. Every problem with the file is a ZoomReportError whose message
names the line, when the problem has one.

propose_attendance() matches connections to people, by e-mail first and then by name; a name match
is a suggestion for a coordinator to confirm (matched_by="name"), never a silent merge.

Minutes: the union of a person's in-meeting intervals (waiting-room rows never count; two devices
at once count once), clipped to the session, computed from the timestamps in whole seconds and
rounded to the nearest minute, halves up: 181 min 22 s (181.4) → 181, 175 min 31 s (175.5) → 176.
Zoom's Duration column is not used for minutes: it rounds each row up, so rejoins over-count.
"""

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from trainer.timezones import LocalTimeError, is_valid_zone, local_to_utc


class ZoomReportError(ValueError):
    """A report this importer cannot read; the message is for the person who uploaded it."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Connection:
    """One row of the report: one device's stay in the meeting (or in its waiting room)."""

    line: int
    name: str  # the display name, without the bracketed original name
    original_name: str | None  # "Call-in User_1" in "Ram Shrestha - Lalitpur (Call-in User_1)"
    email: str | None
    joined: datetime  # aware, UTC
    left: datetime
    waiting_room: bool

    @property
    def display(self) -> str:
        """The name as the report wrote it."""
        return f"{self.name} ({self.original_name})" if self.original_name else self.name


@dataclass(frozen=True)
class ZoomReport:
    connections: tuple[Connection, ...]
    topic: str | None
    meeting_id: str | None  # digits only: "812 3456 7890" → "81234567890"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class MatchedAttendance:
    """A person's rows. first_join/last_leave span their in-meeting rows, or, for someone never
    admitted from the waiting room (minutes 0), their waiting-room rows, so a reviewer sees they tried."""

    person_id: int
    minutes: int
    first_join: datetime
    last_leave: datetime
    lines: tuple[int, ...]
    matched_by: str  # "email" when every row carried the person's e-mail, else "name" (to confirm)


@dataclass(frozen=True)
class UnmatchedRow:
    """Rows of one identity (same e-mail, or same name when there is none) that match nobody."""

    name: str
    email: str | None
    minutes: int
    lines: tuple[int, ...]


@dataclass(frozen=True)
class AttendanceProposal:
    matched: tuple[MatchedAttendance, ...]  # in the order of `people`
    unmatched: tuple[UnmatchedRow, ...]  # in the order of their first line


# ---------------------------------------------------------------------------------------------
# Reading the file

# Header cells as _key() leaves them (case-folded, NFKC, no whitespace) → field.
_NAME_HEADERS = {"name(originalname)", "username(originalname)", "名前(元の名前)", "사용자이름(원래이름)"}
_COLUMNS = {
    "name": _NAME_HEADERS | {"username", "name"},  # "User Name" heads the webinar's Other Attended
    "email": {"email", "useremail", "ユーザーメール"},
    "join": {"jointime", "参加時刻"},
    "leave": {"leavetime", "退出時刻"},
    "duration": {"duration(minutes)", "timeinsession(minutes)", "所要時間(分)", "세션기간(분)"},
    "waiting": {"inwaitingroom"},
    "attended": {"attended"},
    "total": {"totalduration(minutes)"},  # "Show unique users": no join or leave times
}
# Webinar section titles → read its rows or skip them (hosts and panelists are not participants).
_SECTIONS = {
    "attendeereport": "look",
    "hostdetails": "skip",
    "panelistdetails": "skip",
    "attendeedetails": "look",
    "참석자세부정보": "look",
    "otherattended": "look",
}
_YES = {"yes", "y", "true", "1", "はい", "예"}
_NO = {"no", "n", "false", "0", "いいえ", "아니요"}
_SIGNATURES = {
    b"\x89PNG": "image",
    b"\xff\xd8\xff": "image",
    b"GIF8": "image",
    b"PK\x03\x04": "workbook",
    b"\xd0\xcf\x11\xe0": "workbook",
    b"%PDF": "pdf",
}
_UNAMBIGUOUS_FORMATS = (
    "%b %d, %Y %H:%M:%S",  # webinar rows: "Nov 08, 2021 09:01:23"
    "%b %d, %Y %I:%M %p",  # webinar start time and Other Attended: "Nov 08, 2021 8:46 AM"
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y %H:%M",
    *(f"%Y{sep}%m{sep}%d {clock}" for sep in "/-" for clock in ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")),
)
_CLOCKS = ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M")  # Excel drops the seconds
_MONTH_FIRST = tuple(f"%m/%d/{year} {clock}" for year in ("%Y", "%y") for clock in _CLOCKS)
_DAY_FIRST = tuple(f"%d/%m/{year} {clock}" for year in ("%Y", "%y") for clock in _CLOCKS)
_BRACKETED = re.compile(r"(?P<name>.*?\S)\s*\((?P<original>[^()]*\S[^()]*)\)")


@dataclass(frozen=True)
class _Row:
    """A data row before its times are read (the date order is decided over the whole file)."""

    line: int
    name: str
    email: str | None
    join: str
    leave: str
    duration: int | None
    waiting_room: bool


def parse_report(data: bytes, zone: str) -> ZoomReport:
    """The connections in a Zoom report whose naive times are wall-clock times in `zone`.

    A webinar's Host and Panelist sections and its no-shows (Attended = No) are left out. A meeting
    report's host and staff rows stay: nothing but Guest = No marks them, and that also marks anyone
    signed in to the host's Zoom account, so they come back unmatched unless `people` names them.

    :raise ZoomReportError: for anything that is not a readable participant or attendee report.
    """
    if not is_valid_zone(zone):
        raise ZoomReportError(_("“%(zone)s” is not a time zone this site knows.", zone=zone))
    rows, topic, meeting_id = _read_rows(_decode(data))
    formats = _UNAMBIGUOUS_FORMATS + (_DAY_FIRST if _day_first(rows) else _MONTH_FIRST)
    return ZoomReport(tuple(_connection(row, zone, formats) for row in rows), topic, meeting_id)


def _save_as_csv() -> str:
    return _("Upload the .csv file Zoom downloads, or in Excel choose Save As → “CSV UTF-8”.")


def _decode(data: bytes) -> str:
    for magic, kind in _SIGNATURES.items():
        if data.startswith(magic):
            what = {
                "image": _("This file is an image, not a CSV report."),
                "workbook": _("This file is a spreadsheet workbook, not a CSV report."),
                "pdf": _("This file is a PDF, not a CSV report."),
            }[kind]
            raise ZoomReportError(what + " " + _save_as_csv())
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ZoomReportError(_("The file is saved as UTF-16 (“Unicode text”).") + " " + _save_as_csv())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ZoomReportError(_("Line %(line)s is not UTF-8 text.", line=line) + " " + _save_as_csv(), line) from None
    if "\x00" in text:  # binary data, or UTF-16 without its BOM
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ZoomReportError(_("Line %(line)s is not text.", line=line) + " " + _save_as_csv(), line)
    text = text.lstrip("\ufeff")  # some tools write the BOM twice
    if not text.strip(" \t\r\n,"):
        raise ZoomReportError(_("The file is empty."))
    if text.lstrip()[:15].casefold().startswith(("<!doctype html", "<html")):
        raise ZoomReportError(_("This file is a web page, not a CSV report.") + " " + _save_as_csv())
    return text


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, stripped cells) for every record that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = end + 1
            message = _("Line %(line)s cannot be read as CSV (%(reason)s).", line=line, reason=str(error))
            raise ZoomReportError(message, line) from None
        start, end = end + 1, reader.line_num
        cells = [cell.strip() for cell in cells]
        if any(cells):  # blank separators, and Excel's ",,,,,," version of them
            yield start, cells


def _key(cell: str) -> str:
    """'Join Time' and 'Join time' → 'jointime'; '所要時間（分）' → '所要時間(分)'."""
    return "".join(unicodedata.normalize("NFKC", cell.replace("\ufeff", "")).casefold().split())


def _read_rows(text: str) -> tuple[list[_Row], str | None, str | None]:
    """The data rows under every participant header, and the meeting's topic and ID if given."""
    rows: list[_Row] = []
    topic = meeting_id = None
    columns: dict[str, int] | None = None
    mode = "look"  # "look" for a header, "data" under one, "skip" a section that is not attendance
    block: list[str] | None = None  # the meeting block's header, waiting for its values
    header_line = last_line = data_rows = 0
    for line, cells in _records(text):
        last_line = line
        section = _SECTIONS.get(_key(cells[0])) if not any(cells[1:]) else None
        if section:
            mode, columns = section, None
        elif mode == "skip":
            continue
        elif _is_header(cells):
            columns, mode, header_line = _columns(cells, line), "data", line
        elif mode == "data" and columns is not None:
            data_rows += 1
            if row := _row(cells, columns, line):
                rows.append(row)
        elif block is not None:
            (topic, meeting_id), block = _meeting(block, cells), None
        elif _key(cells[0]) == "topic" and topic is None:
            block = cells
    if not header_line:
        message = _(
            "No participant list in the %(count)s lines of this file: no row starts with “Name (original name)”"
            " or “User Name (Original Name)”. Is it a Zoom participant or attendee report?",
            count=last_line,
        )
        raise ZoomReportError(message)
    if not data_rows:
        message = _("Line %(line)s: the participant list has a header but no rows.", line=header_line)
        raise ZoomReportError(message, header_line)
    return rows, topic, meeting_id


def _is_header(cells: list[str]) -> bool:
    keys = {_key(cell) for cell in cells}
    return bool(keys & _NAME_HEADERS) or bool(keys & _COLUMNS["join"] and keys & _COLUMNS["leave"])


def _columns(cells: list[str], line: int) -> dict[str, int]:
    """Each field's position, found by name (the order differs between eras and screens)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _key(cell)
        field = next((field for field, names in _COLUMNS.items() if key in names), None)
        if field and field not in columns:
            columns[field] = index
    if "total" in columns and "join" not in columns:
        message = _(
            "Line %(line)s: this report was exported with “Show unique users” ticked, so it has no join and leave"
            " times. Export it again with that box unticked.",
            line=line,
        )
        raise ZoomReportError(message, line)
    labels = {"name": _("Name (original name)"), "join": _("Join time"), "leave": _("Leave time")}
    missing = [label for field, label in labels.items() if field not in columns]
    if missing:
        message = _(
            "Line %(line)s: the header row lacks %(columns)s. A Zoom participant report has the columns"
            " Name (original name), Join time and Leave time.",
            line=line,
            columns=", ".join(f"“{label}”" for label in missing),
        )
        raise ZoomReportError(message, line)
    return columns


def _row(cells: list[str], columns: dict[str, int], line: int) -> _Row | None:
    """A data row, or None for a webinar registrant who never came (Attended = No, times "--")."""

    def cell(field: str) -> str:
        index = columns.get(field)
        return cells[index] if index is not None and index < len(cells) else ""

    if _key(cell("attended")) in _NO:
        return None
    email = cell("email")
    duration = cell("duration")
    return _Row(
        line=line,
        name=" ".join(cell("name").split()),
        email=email if email and email != "--" else None,
        join=cell("join"),
        leave=cell("leave"),
        duration=int(duration) if duration.isdecimal() and len(duration) < 7 else None,
        waiting_room=_key(cell("waiting")) in _YES,
    )


def _meeting(header: list[str], values: list[str]) -> tuple[str | None, str | None]:
    """(topic, meeting ID) from the meeting block or the webinar summary."""
    found = {_key(name): value for name, value in zip(header, values, strict=False)}
    meeting_id = found.get("id") or found.get("meetingid") or found.get("webinarid")
    # Excel turns the ID into 8.35123E+10: the digits are lost, so there is no ID to give.
    digits = re.sub(r"[\s-]", "", meeting_id or "")
    return found.get("topic") or None, digits if digits.isdecimal() else None


# ---------------------------------------------------------------------------------------------
# Reading the times


def _day_first(rows: list[_Row]) -> bool:
    """Whether the file's d/m/y dates put the day first. Zoom writes month first; Excel, re-saving in
    a day-first locale, may not. Only a day above 12 tells: when every date reads both ways, month first."""
    values = [value for row in rows for value in (row.join, row.leave)]
    slashed = [value for value in values if _parse(value, _UNAMBIGUOUS_FORMATS) is None]
    if all(_parse(value, _MONTH_FIRST) for value in slashed):
        return False
    return all(_parse(value, _DAY_FIRST) for value in slashed)


@lru_cache(maxsize=4096)  # a report repeats its times (everyone leaves when the meeting ends)
def _parse(value: str, formats: tuple[str, ...]) -> datetime | None:
    value = " ".join(value.split())
    for form in formats:
        try:
            return datetime.strptime(value, form)
        except ValueError:
            continue
    return None


def _naive(value: str, column: str, line: int, formats: tuple[str, ...]) -> datetime:
    if not value:
        raise ZoomReportError(_("Line %(line)s: the %(column)s is empty.", line=line, column=column), line)
    parsed = _parse(value, formats)
    if parsed is None:
        message = _(
            "Line %(line)s: the %(column)s “%(value)s” is not a date and time this importer can read"
            " (Zoom writes 11/08/2021 09:01:23 AM or Nov 08, 2021 09:01:23).",
            line=line,
            column=column,
            value=value[:60],
        )
        raise ZoomReportError(message, line)
    return parsed


def _instants(naive: datetime, zone: str, line: int) -> tuple[datetime, ...]:
    """The UTC instants a wall-clock time can be: two in the hour repeated when clocks go back."""
    try:
        return (local_to_utc(naive.date(), naive.time(), zone),)
    except LocalTimeError as error:
        if error.kind == "ambiguous":
            tz = ZoneInfo(zone)
            return tuple(naive.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
        message = _(
            "Line %(line)s: %(time)s never happened in %(zone)s (the clocks skipped it for daylight saving)."
            " Was the report exported in another time zone?",
            line=line,
            time=naive.isoformat(" ", "minutes"),
            zone=zone,
        )
    except (OverflowError, ValueError):  # year 1 or 9999 pushed out of range by the zone's offset
        message = _("Line %(line)s: %(time)s is out of range.", line=line, time=naive.isoformat(" ", "minutes"))
    raise ZoomReportError(message, line)


def _connection(row: _Row, zone: str, formats: tuple[str, ...]) -> Connection:
    join = _naive(row.join, _("join time"), row.line, formats)
    leave = _naive(row.leave, _("leave time"), row.line, formats)
    pairs = [
        (joined, left)
        for joined in _instants(join, zone, row.line)
        for left in _instants(leave, zone, row.line)
        if left >= joined
    ]
    if not pairs:
        message = _(
            "Line %(line)s: the leave time %(leave)s is before the join time %(join)s.",
            line=row.line,
            leave=row.leave,
            join=row.join,
        )
        raise ZoomReportError(message, row.line)
    joined, left = _likeliest(pairs, row.duration)
    name, original = _split_name(row.name)
    return Connection(row.line, name, original, row.email, joined, left, row.waiting_room)


def _likeliest(pairs: list[tuple[datetime, datetime]], duration: int | None) -> tuple[datetime, datetime]:
    """Of the readings of a row that touches a repeated hour, the one that fits Zoom's Duration
    column (whole minutes, rounded up); without it, or on a tie, the earliest."""
    if duration is None:
        return pairs[0]
    return min(pairs, key=lambda pair: abs(math.ceil((pair[1] - pair[0]).total_seconds() / 60) - duration))


def _split_name(raw: str) -> tuple[str, str | None]:
    """'Ram Shrestha - Lalitpur (Call-in User_1)' → ('Ram Shrestha - Lalitpur', 'Call-in User_1')."""
    if match := _BRACKETED.fullmatch(raw):
        return match["name"], match["original"].strip()
    return raw, None


# ---------------------------------------------------------------------------------------------
# Matching and minutes

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "æ": "ae", "Æ": "AE"})
_JOINERS = set("-\u2010\u2011'\u2019")  # "Min-jun" and "Minjun", "O'Brien" and "OBrien" are one name
_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")  # "Minjun Kim - Suwon": a name, then a place or a role


def normalise_name(text: str) -> str:
    """Case-folded, without the accents of Latin letters, punctuation as spaces, spaces collapsed.

    Marks on other scripts stay: in Thai or Devanagari they are letters, not accents."""
    kept: list[str] = []
    latin = False
    for char in unicodedata.normalize("NFKD", text.translate(_LETTERS)):
        if unicodedata.combining(char):
            if not latin:
                kept.append(char)
            continue
        latin = char.isascii()
        category = unicodedata.category(char)
        if char in _JOINERS or category == "Cf":  # Cf: zero-width joiners inside Indic names
            continue
        kept.append(" " if category[0] in "PSZC" else char)
    return " ".join(unicodedata.normalize("NFKC", "".join(kept)).casefold().split())


def _name_key(text: str) -> str | None:
    """Word order ignored ("Minjun Kim" is "Kim Min-jun"); spaces ignored in scripts that may omit them."""
    words = sorted(normalise_name(text).split())
    joined = "".join(words)
    if len(joined) < 2:
        return None
    return " ".join(words) if re.search(r"[a-z]", joined) else joined


def _row_names(connection: Connection) -> list[str]:
    names = [connection.display, connection.name]
    if connection.original_name:
        names.append(connection.original_name)
    names.append(_DASH.split(connection.name, maxsplit=1)[0])
    return names


def _person_names(person: Person) -> list[str]:
    """'Kim Min-jun (김민준)' → the whole, 'Kim Min-jun' and '김민준'."""
    name, original = _split_name(" ".join(person.name.split()))
    return [person.name, name] + ([original] if original else [])


def _email_key(email: str | None) -> str | None:
    return (email.strip().lower() or None) if email else None


class _Matcher:
    """People indexed by e-mail and by every name key; a key two people share matches nobody."""

    def __init__(self, people: list[Person]):
        self.by_email: dict[str, set[int]] = {}
        self.by_name: dict[str, set[int]] = {}
        self.people = {person.id: person for person in people}
        for person in people:
            if email := _email_key(person.email):
                self.by_email.setdefault(email, set()).add(person.id)
            for name in _person_names(person):
                if key := _name_key(name):
                    self.by_name.setdefault(key, set()).add(person.id)

    def match(self, rows: list[Connection]) -> tuple[int, str] | None:
        """(person id, "email" or "name") for one identity's rows, or None."""
        email = _email_key(rows[0].email)
        if email and len(found := self.by_email.get(email, set())) == 1:
            return next(iter(found)), "email"
        keys = {key for row in rows for name in _row_names(row) if (key := _name_key(name))}
        candidates = [self.by_name.get(key, set()) for key in keys]
        found = set().union(*candidates)
        if len(found) == 1 and all(len(ids) <= 1 for ids in candidates):
            return next(iter(found)), "name"
        return None


def attended_seconds(connections: Iterable[Connection], starts_at: datetime, ends_at: datetime) -> int:
    """Seconds covered by the union of the in-meeting connections, within [starts_at, ends_at]."""
    spans = sorted((max(c.joined, starts_at), min(c.left, ends_at)) for c in connections if not c.waiting_room)
    total = 0.0
    current: tuple[datetime, datetime] | None = None
    for start, end in spans:
        if end <= start:
            continue
        if current and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current:
            total += (current[1] - current[0]).total_seconds()
        current = (start, end)
    if current:
        total += (current[1] - current[0]).total_seconds()
    return round(total)


def _minutes(seconds: int) -> int:
    return (seconds + 30) // 60  # nearest minute, halves up


def propose_attendance(
    report: ZoomReport, people: list[Person], starts_at: datetime, ends_at: datetime
) -> AttendanceProposal:
    """Who in `people` attended the session [starts_at, ends_at], and the rows nobody matched.

    Rows are grouped by identity (e-mail, else normalised name) before matching, so a rejoin under a new
    display name still counts for the same person when it carries the same e-mail.
    """
    if starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at < starts_at:
        raise ValueError("starts_at and ends_at must be aware, and starts_at not after ends_at")
    groups: dict[str, list[Connection]] = {}
    for connection in sorted(report.connections, key=lambda c: c.line):
        email = _email_key(connection.email)
        identity = f"email:{email}" if email else f"name:{normalise_name(connection.display)}"
        groups.setdefault(identity, []).append(connection)
    matcher = _Matcher(people)
    found: dict[int, list[tuple[Connection, str]]] = {}
    unmatched: list[UnmatchedRow] = []
    for rows in groups.values():
        if match := matcher.match(rows):
            person_id, how = match
            found.setdefault(person_id, []).extend((row, how) for row in rows)
        else:
            minutes = _minutes(attended_seconds(rows, starts_at, ends_at))
            email = next((row.email for row in rows if row.email), None)
            unmatched.append(UnmatchedRow(rows[0].display, email, minutes, tuple(row.line for row in rows)))
    matched = tuple(
        _matched(person_id, found[person_id], starts_at, ends_at) for person_id in matcher.people if person_id in found
    )
    return AttendanceProposal(matched, tuple(unmatched))


def _matched(
    person_id: int, rows: list[tuple[Connection, str]], starts_at: datetime, ends_at: datetime
) -> MatchedAttendance:
    connections = [row for row, _how in rows]
    counted = [c for c in connections if not c.waiting_room] or connections
    return MatchedAttendance(
        person_id=person_id,
        minutes=_minutes(attended_seconds(connections, starts_at, ends_at)),
        first_join=min(c.joined for c in counted),
        last_leave=max(c.left for c in counted),
        lines=tuple(sorted(c.line for c in connections)),
        matched_by="email" if all(how == "email" for _row, how in rows) else "name",
    )
