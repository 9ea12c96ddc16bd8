"""Bulk registration from a CSV file: decode, split and check every row. Pure: no database.

The caller passes the emails that already have accounts and gets back a Preview: one RowResult
per line ("create", "link" or "error", with reasons) and the file-level problems. Nothing here
raises for bad input, because a coordinator's spreadsheet can be anything; every problem becomes
a message the coordinator can act on. Saving the rows is the importer's job.
"""

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from trainer.accounts.services import normalise_email
from trainer.countries import country_name, parse_country, suggested_zone
from trainer.courses.models import EnrolmentRole
from trainer.timezones import all_zones

COLUMNS = (
    "name",
    "email",
    "organisation",
    "organisation_kind",
    "position",
    "country",
    "timezone",
    "language",
    "role",
    "focal_point",
)
REQUIRED = ("name", "email", "country")
# regency = regency/district; province = province/region; association = local-government
# association; national = national body.
ORGANISATION_KINDS = ("city", "municipality", "regency", "province", "association", "national", "other")
LANGUAGES = ("en", "id")
ROLES = tuple(role.value for role in EnrolmentRole)
ACTIONS = ("create", "link", "error")
MAX_LENGTHS = {"name": 200, "email": 254, "organisation": 200, "position": 200}
# A course has tens of participants; a bigger file is a mistake (or a whole address book), and
# the preview page must stay readable.
MAX_ROWS = 5000

# Header names as _key() leaves them → column. Spreadsheets made by people use these variants.
_HEADER_ALIASES = {
    **{column.replace("_", " "): column for column in COLUMNS},
    "full name": "name",
    "e mail": "email",
    "email address": "email",
    "e mail address": "email",
    "organization": "organisation",
    "organisation type": "organisation_kind",
    "organization kind": "organisation_kind",
    "organization type": "organisation_kind",
    "job title": "position",
    "country code": "country",
    "time zone": "timezone",
    "locale": "language",
}
_KIND_ALIASES = {
    **{kind: kind for kind in ORGANISATION_KINDS},
    "regency/district": "regency",
    "district": "regency",
    "kabupaten": "regency",
    "province/region": "province",
    "region": "province",
    "provinsi": "province",
    "kota": "city",
    "local government association": "association",
    "national body": "national",
}
_LANGUAGE_ALIASES = {"en": "en", "english": "en", "id": "id", "indonesian": "id", "bahasa indonesia": "id"}
_ROLE_LOOKUP = {role: role for role in ROLES}
_BOOLEANS = {"": False, "yes": True, "no": False, "true": True, "false": False, "1": True, "0": False}
_TEXT_COLUMNS = ("name", "organisation", "position")
# Enough lines for csv.Sniffer to compare, small enough that its regular expressions stay fast.
_SNIFF_CHARS = 4096


@dataclass(frozen=True)
class RowValues:
    name: str
    email: str  # normalised (trimmed, lower case), as accounts store it
    organisation: str
    organisation_kind: str  # one of ORGANISATION_KINDS, or "" when not given
    position: str
    country: str  # ISO 3166-1 alpha-2
    timezone: str  # IANA name: given, or the country's most populous zone
    language: str  # "en", "id" or "" (not chosen)
    role: str  # "participant" or "trainer"
    focal_point: bool


@dataclass(frozen=True)
class RowResult:
    line: int  # physical line in the file where the row starts; the header is line 1
    action: str  # "create" | "link" | "error"
    values: RowValues | None  # None when there are errors
    errors: tuple[str, ...]
    raw: dict[str, str]  # every column in COLUMNS → the cell as written ("" when absent)


@dataclass(frozen=True)
class Preview:
    rows: tuple[RowResult, ...]
    file_errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(row.action != "error" for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        """{"create": n, "link": n, "error": n}, every key present."""
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts


class _FileProblem(Exception):
    """Stops parsing with messages for the coordinator."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = messages


# ---------------------------------------------------------------------------------- template


_TEMPLATE_ROWS = (
    (
        "Sita Sharma",
        "sita.sharma@example.org",
        "Kathmandu Metropolitan City",
        "city",
        "SDG focal point",
        "NP",
        "Asia/Kathmandu",
        "en",
        "participant",
        "yes",
    ),
    (
        "Budi Santoso",
        "budi.santoso@example.org",
        "Kabupaten Sleman",
        "regency",
        "Bappeda planner",
        "ID",
        "",
        "id",
        "",
        "no",
    ),
)


def template_csv() -> bytes:
    """The downloadable template: UTF-8 with a BOM and CRLF, the two things Excel needs to open
    it with the right characters in the right columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_TEMPLATE_ROWS)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


# ------------------------------------------------------------------------------ the file


def parse_registrations(data: bytes, existing_emails: set[str]) -> Preview:
    """Every row of an uploaded CSV, checked; `existing_emails` decides "link" versus "create"."""
    try:
        text = _decode(data)
        delimiter, text = _delimiter(text)
        records = _records(text, delimiter)
        columns = _header(records)
        existing = {normalise_email(email) for email in existing_emails}
        rows = _rows(records, columns, existing)
    except _FileProblem as problem:
        return Preview(rows=(), file_errors=problem.messages)
    return Preview(rows=rows)


def _save_as_utf8() -> str:
    return _("In Excel choose Save As → “CSV UTF-8 (Comma delimited)”, then upload that file.")


def _decode(data: bytes) -> str:
    if not isinstance(data, bytes | bytearray):
        raise _FileProblem(_("The file is empty."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _FileProblem(_("This is a spreadsheet workbook, not a CSV file.") + " " + _save_as_utf8())
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    for bom, encoding in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                          (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):  # fmt: skip
        if data.startswith(bom):
            raise _FileProblem(_("The file is saved as %(encoding)s.", encoding=encoding) + " " + _save_as_utf8())
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _FileProblem(
            _("The file is not UTF-8 text (the first problem is on line %(line)s).", line=line) + " " + _save_as_utf8()
        ) from None
    if "\x00" in text:  # UTF-16 without a BOM decodes as UTF-8 full of NUL characters
        line = text[: text.index("\x00")].count("\n") + 1
        raise _FileProblem(
            _("The file is not UTF-8 text (the first problem is on line %(line)s).", line=line) + " " + _save_as_utf8()
        )
    # Some tools write the BOM twice; nobody types one.
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _FileProblem(_("The file is empty."))
    return text


def _delimiter(text: str) -> tuple[str, str]:
    """(separator, text): comma or semicolon (Excel uses ';' where the decimal mark is ',')."""
    lines = text.splitlines()
    first = next(line for line in lines if line.strip())
    # Excel's own hint line; blanked rather than removed so line numbers stay physical.
    if match := re.fullmatch(r"\s*sep=(.)\s*", first, flags=re.IGNORECASE):
        if match.group(1) not in ",;":
            raise _FileProblem(_("Separate the columns with commas or semicolons."))
        return match.group(1), text.replace(first, "", 1)
    sample = text[:_SNIFF_CHARS]
    if "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        sniffed = ""
    # Column names never contain either separator, so the header line overrules a guess that
    # values such as "Kota Surabaya, Jawa Timur" in a semicolon file have misled.
    if sniffed and sniffed in first:
        return sniffed, text
    return (";" if first.count(";") > first.count(",") else ","), text


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _FileProblem(
                _("Line %(line)s could not be read as CSV: %(reason)s", line=end + 1, reason=str(exc))
            ) from None
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in cells):  # Excel leaves ",,,,," rows under the data
            yield start, cells


def _key(name: str) -> str:
    """'  E-mail ' → 'e mail', 'Focal_Point' → 'focal point'."""
    return " ".join(re.sub(r"[\s_\-]+", " ", name.replace("\ufeff", "").casefold()).split())


def _header(records: Iterator[tuple[int, list[str]]]) -> list[str | None]:
    """The column of each position (None for an unnamed one), or the header's problems."""
    first = next(records, None)
    if first is None:  # only separators, e.g. ",,,,"
        raise _FileProblem(_("The file is empty."))
    cells = first[1]
    columns = [_HEADER_ALIASES.get(_key(cell)) for cell in cells]
    accepted = ", ".join(COLUMNS)
    if not any(columns):
        raise _FileProblem(
            _("The first line must be the header, with column names such as %(columns)s.", columns=accepted)
        )
    # Unnamed columns are fine (Excel adds them); each misspelt name is reported once.
    unnamed = dict.fromkeys(cell.strip() for cell, column in zip(cells, columns, strict=True) if column is None)
    unknown = [name for name in unnamed if _key(name)]
    problems = [
        _("Unknown column “%(name)s”. The columns are: %(columns)s.", name=_shown(name), columns=accepted)
        for name in unknown[:5]
    ]
    if len(unknown) > 5:
        problems.append(_("There are %(count)s more unknown columns.", count=len(unknown) - 5))
    named = [column for column in columns if column]
    problems += [
        _("The column %(name)s appears more than once in the header.", name=column)
        for column in COLUMNS
        if named.count(column) > 1
    ]
    problems += [
        _("The required column %(name)s is missing.", name=column) for column in REQUIRED if column not in named
    ]
    if problems:
        raise _FileProblem(*problems)
    return columns


def _rows(
    records: Iterator[tuple[int, list[str]]], columns: list[str | None], existing: set[str]
) -> tuple[RowResult, ...]:
    first_line_of: dict[str, int] = {}  # normalised email → the line it first appeared on
    results = []
    for line, cells in records:
        if len(results) == MAX_ROWS:
            raise _FileProblem(_("The file has more than %(limit)s rows; split it into smaller files.", limit=MAX_ROWS))
        results.append(_row(line, cells, columns, existing, first_line_of))
    if not results:
        raise _FileProblem(_("The file has a header but no registrations."))
    return tuple(results)


# ------------------------------------------------------------------------------- one row


def _row(
    line: int, cells: list[str], columns: list[str | None], existing: set[str], first_line_of: dict[str, int]
) -> RowResult:
    raw = dict.fromkeys(COLUMNS, "")
    unnamed = []
    for index, cell in enumerate(cells):
        column = columns[index] if index < len(columns) else None
        if column:
            raw[column] = cell
        elif cell.strip():
            unnamed.append(index)
    errors = _unnamed_errors(unnamed)
    given = {column: value.strip() for column, value in raw.items()}
    errors += _text_errors(given)
    email, email_errors = _email(given["email"], line, first_line_of, existing)
    country, country_errors = _country(given["country"])
    zone, zone_errors = _zone(given["timezone"], country)
    kind, kind_errors = _kind(given["organisation_kind"], given["organisation"])
    language, language_errors = _language(given["language"])
    role, role_errors = _choice(given["role"], _ROLE_LOOKUP, "participant", "role", ROLES)
    focal_point, focal_errors = _focal_point(given["focal_point"])
    errors += email_errors + country_errors + zone_errors + kind_errors + language_errors + role_errors + focal_errors
    if errors:
        return RowResult(line=line, action="error", values=None, errors=tuple(errors), raw=raw)
    values = RowValues(
        name=given["name"],
        email=email,
        organisation=given["organisation"],
        organisation_kind=kind,
        position=given["position"],
        country=country,
        timezone=zone,
        language=language,
        role=role,
        focal_point=focal_point,
    )
    action = "link" if email in existing else "create"
    return RowResult(line=line, action=action, values=values, errors=(), raw=raw)


def _shown(value: str) -> str:
    """A value quoted in a message, cut short: a pasted paragraph must not swamp the preview."""
    return value if len(value) <= 60 else value[:59] + "…"


def _letter(index: int) -> str:
    """The spreadsheet's name for a column: 0 → 'A', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _unnamed_errors(indexes: list[int]) -> list[str]:
    if not indexes:
        return []
    # One message, whatever the number: a row of stray separators must not bury the others.
    letters = ", ".join(_letter(index) for index in indexes[:5]) + (", …" if len(indexes) > 5 else "")
    return [_("There are values in columns with no name in the header: %(columns)s.", columns=letters)]


def _text_errors(given: dict[str, str]) -> list[str]:
    errors = [_("The %(column)s is missing.", column=column) for column in REQUIRED if not given[column]]
    errors += [
        _(
            "The %(column)s is too long: %(length)s characters, at most %(limit)s.",
            column=column,
            length=len(given[column]),
            limit=limit,
        )
        for column, limit in MAX_LENGTHS.items()
        if len(given[column]) > limit
    ]
    # A line break typed into a cell (Alt+Enter) would break every page and email the name is on.
    errors += [
        _("The %(column)s contains a line break or another control character.", column=column)
        for column in _TEXT_COLUMNS
        if any(unicodedata.category(ch) == "Cc" for ch in given[column])
    ]
    return errors


def _email(value: str, line: int, first_line_of: dict[str, int], existing: set[str]) -> tuple[str, list[str]]:
    if not value or len(value) > MAX_LENGTHS["email"]:
        return "", []  # already reported as missing or too long
    errors = []
    email = normalise_email(value)
    # Syntax only: a DNS lookup per row would be slow and fail offline. test_environment=False
    # rejects special-use domains (.test, .local, localhost) that can never receive mail. An
    # existing account is linked as it is: it creates no address, and the account was accepted
    # when it was made (a roster exported and imported back must not fail on its own emails).
    if email not in existing:
        try:
            validate_email(value, check_deliverability=False, test_environment=False)
        except EmailNotValidError as exc:
            message = _("“%(email)s” is not a valid email address: %(reason)s", email=_shown(value), reason=str(exc))
            errors.append(message)
    first = first_line_of.setdefault(email, line)
    if first != line:
        errors.append(_("The email %(email)s is already on line %(line)s.", email=email, line=first))
    return email, errors


def _country(value: str) -> tuple[str, list[str]]:
    if not value:
        return "", []  # reported as missing
    code = parse_country(value)
    if code is None:
        return "", [
            _(
                "Unknown country “%(value)s”: use a two-letter code such as NP, or a name such as Nepal.",
                value=_shown(value),
            )
        ]
    return code, []


@cache
def _zone_lookup() -> dict[str, str]:
    # 'asia/ho chi minh' finds 'Asia/Ho_Chi_Minh': people type zone names as they read them.
    return {_zone_key(zone): zone for zone in all_zones()}


def _zone_key(value: str) -> str:
    return "_".join(value.split()).casefold()


def _zone(value: str, country: str) -> tuple[str, list[str]]:
    suggestion = suggested_zone(country) if country else None
    if value:
        zone = _zone_lookup().get(_zone_key(value))
        if zone is None:
            example = suggestion or "Asia/Jakarta"
            message = _(
                "Unknown time zone “%(value)s”: use a name such as %(example)s, or leave it empty for the "
                "country’s usual zone.",
                value=_shown(value),
                example=example,
            )
            return "", [message]
        return zone, []
    if not country:
        return "", []  # the country's problem is already reported
    if suggestion is None:
        return "", [_("%(country)s has no usual time zone: fill in the time zone.", country=country_name(country))]
    return suggestion, []


def _kind(value: str, organisation: str) -> tuple[str, list[str]]:
    if not value:
        return "", []
    kind = _KIND_ALIASES.get(_key(value).replace(" / ", "/"))
    if kind is None:
        return "", [
            _(
                "Unknown kind of organisation “%(value)s”: use one of %(kinds)s.",
                value=_shown(value),
                kinds=", ".join(ORGANISATION_KINDS),
            )
        ]
    if not organisation:
        return "", [_("The organisation_kind needs an organisation in the same row.")]
    return kind, []


def _language(value: str) -> tuple[str, list[str]]:
    key = _key(value)
    # Tags such as en-GB or id_ID, as locale settings write them, count as their language.
    if re.fullmatch(r"[a-z]{2} [a-z]{2}", key):
        key = key[:2]
    # Empty: not chosen; their emails use the course's language and their pages their browser's.
    return _choice(key, _LANGUAGE_ALIASES, "", "language", LANGUAGES, shown=value)


def _choice(
    value: str, lookup: dict[str, str], default: str, column: str, allowed: tuple[str, ...], shown: str = ""
) -> tuple[str, list[str]]:
    if not value:
        return default, []
    choice = lookup.get(_key(value))
    if choice is None:
        message = _(
            "Unknown %(column)s “%(value)s”: use one of %(allowed)s.",
            column=column,
            value=_shown(shown or value),
            allowed=", ".join(allowed),
        )
        return "", [message]
    return choice, []


def _focal_point(value: str) -> tuple[bool, list[str]]:
    answer = _BOOLEANS.get(value.casefold())
    if answer is None:
        return False, [
            _("The focal_point must be yes or no (or true/false, 1/0), not “%(value)s”.", value=_shown(value))
        ]
    return answer, []
