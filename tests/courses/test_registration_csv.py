"""Parsing bulk-registration CSV files: encodings, separators, every kind of bad row, and junk.

The files in csv_files/ are the fixtures: good_* in every encoding/separator/line-ending, bad_*
with one bad row on line 3 (line 2 is always good), file_* with a file-level problem.
"""

import codecs
import random
from pathlib import Path

import pytest

from trainer.courses import registration_csv
from trainer.courses.registration_csv import COLUMNS, Preview, RowValues, parse_registrations, template_csv

FILES = Path(__file__).parent / "csv_files"
SAVE_AS = "In Excel choose Save As → “CSV UTF-8 (Comma delimited)”, then upload that file."
ACCEPTED = "name, email, organisation, organisation_kind, position, country, timezone, language, role, focal_point"

# The six people of every good_* file, as parsed.
PEOPLE = (
    RowValues(
        name="สมชาย ใจดี",
        email="somchai.jaidee@example.org",
        organisation="กรุงเทพมหานคร",
        organisation_kind="city",
        position="นักวิเคราะห์นโยบาย",
        country="TH",
        timezone="Asia/Bangkok",
        language="en",
        role="participant",
        focal_point=True,
    ),
    RowValues(
        name="王秀英",
        email="wang.xiuying@example.org",
        organisation="成都市人民政府",
        organisation_kind="city",
        position="规划处处长",
        country="CN",
        timezone="Asia/Shanghai",
        language="en",
        role="participant",
        focal_point=False,
    ),
    RowValues(
        name="सीता शर्मा",
        email="sita.sharma@example.org",
        organisation="काठमाडौं महानगरपालिका",
        organisation_kind="municipality",
        position="योजना अधिकृत",
        country="NP",
        timezone="Asia/Kathmandu",
        language="en",
        role="trainer",
        focal_point=True,
    ),
    RowValues(
        name="عائشہ خان",
        email="ayesha.khan@example.org",
        organisation="لاہور میٹروپولیٹن کارپوریشن",
        organisation_kind="city",
        position="منصوبہ بندی افسر",
        country="PK",
        timezone="Asia/Karachi",
        language="en",
        role="participant",
        focal_point=False,
    ),
    RowValues(
        name="Nguyễn Thị Hương",
        email="huong.nguyen@example.org",
        organisation="Ủy ban nhân dân Thành phố Đà Nẵng",
        organisation_kind="city",
        position="Chuyên viên",
        country="VN",
        timezone="Asia/Ho_Chi_Minh",
        language="en",
        role="participant",
        focal_point=False,
    ),
    RowValues(
        name="Budi Santoso",
        email="budi.santoso@example.org",
        organisation="Kabupaten Sleman, DI Yogyakarta",
        organisation_kind="regency",
        position="Perencana; Bappeda",
        country="ID",
        timezone="Asia/Jakarta",
        language="id",
        role="participant",
        focal_point=True,
    ),
)


def load(name: str) -> bytes:
    return (FILES / name).read_bytes()


def parse(data: bytes, existing: set[str] | None = None) -> Preview:
    return parse_registrations(data, existing or set())


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# ------------------------------------------------------------------------------ good files


@pytest.mark.parametrize(
    ("name", "bom", "separator", "eol"),
    [
        ("good_bom_comma_crlf.csv", True, ",", b"\r\n"),
        ("good_comma_lf.csv", False, ",", b"\n"),
        ("good_bom_semicolon_crlf.csv", True, ";", b"\r\n"),
        ("good_semicolon_lf.csv", False, ";", b"\n"),
    ],
)
def test_good_files_parse_in_every_encoding_separator_and_line_ending(name, bom, separator, eol):
    data = load(name)
    # The fixture really is what its name says (an editor or git must not have changed it).
    assert data.startswith(codecs.BOM_UTF8) is bom
    assert data.split(b"\n")[0].endswith(b"\r") is (eol == b"\r\n")
    assert separator.encode() in data.splitlines()[0]

    preview = parse(data)

    assert preview.file_errors == ()
    assert preview.ok
    assert preview.counts == {"create": 6, "link": 0, "error": 0}
    assert [row.line for row in preview.rows] == [2, 3, 4, 5, 6, 7]
    assert tuple(row.values for row in preview.rows) == PEOPLE


def test_names_in_every_script_survive_exactly():
    for name in ("good_bom_comma_crlf.csv", "good_semicolon_lf.csv"):
        rows = parse(load(name)).rows
        names = [row.values.name for row in rows]
        assert names == ["สมชาย ใจดี", "王秀英", "सीता शर्मा", "عائشہ خان", "Nguyễn Thị Hương", "Budi Santoso"]
        assert [row.raw["name"] for row in rows] == names
    # Not normalised: a name typed in decomposed form (as some Mac tools write) is kept as typed.
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031bng"
    row = parse(csv_bytes("name,email,country", f"{decomposed},huong@example.org,VN")).rows[0]
    assert row.values.name == decomposed


def test_the_other_separator_inside_quoted_values_does_not_confuse_the_guess():
    # Kabupaten Sleman, DI Yogyakarta (a comma in a semicolon file) and Perencana; Bappeda.
    for name in ("good_semicolon_lf.csv", "good_comma_lf.csv"):
        budi = parse(load(name)).rows[-1].values
        assert (budi.organisation, budi.position) == ("Kabupaten Sleman, DI Yogyakarta", "Perencana; Bappeda")


def test_many_commas_in_a_semicolon_file_still_split_on_semicolons():
    data = csv_bytes(
        "name;email;country;organisation",
        *[f"Person {i};p{i}@example.org;ID;Kota Surabaya, Jawa Timur, Indonesia, Asia" for i in range(5)],
    )
    preview = parse(data)
    assert preview.ok
    assert preview.rows[0].values.organisation == "Kota Surabaya, Jawa Timur, Indonesia, Asia"


def test_blank_lines_and_separator_only_rows_are_skipped_but_counted():
    preview = parse(load("good_blank_lines.csv"))
    assert preview.ok
    assert [(row.line, row.values.name) for row in preview.rows] == [(2, "สมชาย ใจดี"), (4, "王秀英")]


def test_header_names_are_case_insensitive_trimmed_and_have_aliases():
    # "Full Name", " E-mail ", "Country Code", "Time Zone", "Organization"; existing emails link.
    preview = parse(load("good_aliases.csv"), existing={"Aroha@Example.org"})
    assert preview.ok
    aroha, sione = preview.rows
    assert (aroha.action, aroha.values.country, aroha.values.timezone) == ("link", "NZ", "Pacific/Auckland")
    assert aroha.values.organisation == "Wellington City Council"
    assert (sione.action, sione.values.country, sione.values.timezone) == ("create", "TO", "Pacific/Tongatapu")
    assert sione.raw["timezone"] == "pacific/tongatapu"


def test_excel_sep_hint_line_sets_the_separator():
    preview = parse(load("good_sep_hint.csv"))
    assert preview.ok
    assert [(row.line, row.values.name, row.values.country) for row in preview.rows] == [(3, "Dewi Lestari", "ID")]


def test_defaults_for_the_optional_columns():
    values = parse(csv_bytes("name,email,country", "Sita Sharma,Sita@Example.org ,Nepal")).rows[0].values
    assert values == RowValues(
        name="Sita Sharma",
        email="sita@example.org",
        organisation="",
        organisation_kind="",
        position="",
        country="NP",
        timezone="Asia/Kathmandu",
        language="",  # not chosen: the course's language for their emails, their browser's for pages
        role="participant",
        focal_point=False,
    )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("role", "Trainer", "trainer"),
        ("role", " PARTICIPANT ", "participant"),
        ("language", "ID", "id"),
        ("language", "en-GB", "en"),
        ("language", "id_ID", "id"),
        ("language", "Bahasa Indonesia", "id"),
        ("organisation_kind", "District", "regency"),
        ("organisation_kind", "Regency / District", "regency"),
        ("organisation_kind", "kabupaten", "regency"),
        ("organisation_kind", "Province/Region", "province"),
        ("organisation_kind", "Local-government association", "association"),
        ("organisation_kind", "National body", "national"),
        ("focal_point", "YES", True),
        ("focal_point", "False", False),
        ("focal_point", "1", True),
        ("timezone", "asia/ho chi minh", "Asia/Ho_Chi_Minh"),
        ("timezone", "Asia/Calcutta", "Asia/Calcutta"),
        ("country", "viet nam", "VN"),
        ("country", "in", "IN"),
    ],
)
def test_values_are_read_leniently(column, value, expected):
    data = csv_bytes(f"name,email,country,organisation,{column}", f"Sita,sita@example.org,NP,Kathmandu,{value}")
    if column == "country":
        data = csv_bytes("name,email,organisation,country", f"Sita,sita@example.org,Kathmandu,{value}")
    row = parse(data).rows[0]
    assert row.errors == ()
    assert getattr(row.values, column) == expected


def test_values_at_the_length_limits_are_accepted():
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".org"
    assert len(email) == 254
    data = csv_bytes("name,email,country,organisation,position", f"{'N' * 200},{email},NP,{'O' * 200},{'P' * 200}")
    assert parse(data).ok


def test_action_is_link_for_existing_emails_and_create_otherwise():
    data = csv_bytes("name,email,country", "A,a@example.org,NP", "B,B@Example.org,NP", "C,c@example.org,NP")
    preview = parse(data, existing={"b@example.org", " A@EXAMPLE.ORG"})
    assert [row.action for row in preview.rows] == ["link", "link", "create"]
    assert preview.counts == {"create": 1, "link": 2, "error": 0}


def test_an_existing_account_is_linked_even_on_a_reserved_domain():
    # Test and demo accounts live on example.test; linking one creates no new address.
    data = csv_bytes("name,email,country", "A,a@example.test,NP", "B,b@example.test,NP")
    first, second = parse(data, existing={"a@example.test"}).rows
    assert (first.action, first.errors) == ("link", ())
    assert second.action == "error"
    assert "special-use or reserved name" in second.errors[0]


# ------------------------------------------------------------------------------- bad rows


BAD_ROWS = [
    ("bad_email.csv", "“sita.example.org” is not a valid email address: An email address must have an @-sign."),
    (
        "bad_email_reserved_domain.csv",
        "“sita@kathmandu.test” is not a valid email address: The part after the @-sign is a special-use or reserved "
        "name that cannot be used with email.",
    ),
    (
        "bad_unknown_country.csv",
        "Unknown country “Atlantis”: use a two-letter code such as NP, or a name such as Nepal.",
    ),
    (
        "bad_unknown_timezone.csv",
        "Unknown time zone “GMT+5:45”: use a name such as Asia/Kathmandu, or leave it empty for the country’s usual "
        "zone.",
    ),
    ("bad_missing_name.csv", "The name is missing."),
    ("bad_missing_email.csv", "The email is missing."),
    ("bad_missing_country.csv", "The country is missing."),
    ("bad_name_too_long.csv", "The name is too long: 201 characters, at most 200."),
    ("bad_email_too_long.csv", "The email is too long: 257 characters, at most 254."),
    ("bad_organisation_too_long.csv", "The organisation is too long: 201 characters, at most 200."),
    ("bad_position_too_long.csv", "The position is too long: 201 characters, at most 200."),
    ("bad_unknown_role.csv", "Unknown role “observer”: use one of participant, trainer."),
    ("bad_unknown_language.csv", "Unknown language “fr”: use one of en, id."),
    (
        "bad_unknown_kind.csv",
        "Unknown kind of organisation “village”: use one of city, municipality, regency, province, association, "
        "national, other.",
    ),
    ("bad_kind_without_organisation.csv", "The organisation_kind needs an organisation in the same row."),
    ("bad_focal_point.csv", "The focal_point must be yes or no (or true/false, 1/0), not “maybe”."),
    ("bad_line_break_in_name.csv", "The name contains a line break or another control character."),
    ("bad_value_without_header.csv", "There are values in columns with no name in the header: L."),
    ("bad_no_zone_for_country.csv", "Bouvet Island has no usual time zone: fill in the time zone."),
]


@pytest.mark.parametrize(("name", "message"), BAD_ROWS, ids=[name for name, _ in BAD_ROWS])
def test_each_kind_of_bad_row_is_reported_on_its_line(name, message):
    preview = parse(load(name))

    assert preview.file_errors == ()
    assert not preview.ok
    assert preview.counts == {"create": 1, "link": 0, "error": 1}
    good, bad = preview.rows
    assert (good.line, good.action) == (2, "create")
    assert (bad.line, bad.action, bad.values, bad.errors) == (3, "error", None, (message,))
    assert set(bad.raw) == set(COLUMNS)


def test_duplicate_email_names_the_first_line():
    # Line 4 repeats line 2's email with other case and spaces.
    preview = parse(load("bad_duplicate_email.csv"))
    assert [(row.line, row.action) for row in preview.rows] == [(2, "create"), (3, "create"), (4, "error")]
    assert preview.rows[2].errors == ("The email sita@example.org is already on line 2.",)
    assert preview.rows[2].raw["email"] == " SITA@Example.ORG "


def test_every_problem_of_a_row_is_reported_in_column_order():
    data = csv_bytes("name,email,country,timezone,role,focal_point", ",not-an-email,Atlantis,Mars/Olympus,boss,perhaps")
    errors = parse(data).rows[0].errors
    assert errors == (
        "The name is missing.",
        "“not-an-email” is not a valid email address: An email address must have an @-sign.",
        "Unknown country “Atlantis”: use a two-letter code such as NP, or a name such as Nepal.",
        "Unknown time zone “Mars/Olympus”: use a name such as Asia/Jakarta, or leave it empty for the country’s "
        "usual zone.",
        "Unknown role “boss”: use one of participant, trainer.",
        "The focal_point must be yes or no (or true/false, 1/0), not “perhaps”.",
    )


def test_line_numbers_are_physical_after_a_cell_with_line_breaks():
    data = csv_bytes(
        "name,email,country,position", 'A,a@example.org,NP,"Head of\nplanning\nand budget"', "B,b@x.org,NP"
    )
    first, second = parse(data).rows
    assert (first.line, first.errors) == (2, ("The position contains a line break or another control character.",))
    assert (second.line, second.action) == (5, "create")


def test_many_stray_values_make_one_message():
    data = csv_bytes("name,email,country,,", "A,a@example.org,NP,x," + ",y" * 1000)
    assert parse(data).rows[0].errors == ("There are values in columns with no name in the header: D, F, G, H, I, ….",)


def test_many_unknown_columns_make_a_few_messages():
    data = csv_bytes("name,email,country," + ",".join(f"extra{i % 50}" for i in range(1000)), "A,a@example.org,NP")
    errors = parse(data).file_errors
    assert errors[0] == f"Unknown column “extra0”. The columns are: {ACCEPTED}."
    assert errors[5:] == ("There are 45 more unknown columns.",)


def test_long_values_are_cut_short_in_messages():
    data = csv_bytes("name,email,country", f"A,a@example.org,{'X' * 500}")
    (message,) = parse(data).rows[0].errors
    assert "X" * 59 + "…”" in message
    assert len(message) < 200


# ----------------------------------------------------------------------------- bad files


BAD_FILES = [
    ("file_utf16.csv", f"The file is saved as UTF-16. {SAVE_AS}"),
    ("file_windows_1252.csv", f"The file is not UTF-8 text (the first problem is on line 2). {SAVE_AS}"),
    ("file_empty.csv", "The file is empty."),
    ("file_no_header.csv", f"The first line must be the header, with column names such as {ACCEPTED}."),
    ("file_missing_column.csv", "The required column country is missing."),
    ("file_duplicate_column.csv", "The column email appears more than once in the header."),
    ("file_header_only.csv", "The file has a header but no registrations."),
]


@pytest.mark.parametrize(("name", "message"), BAD_FILES, ids=[name for name, _ in BAD_FILES])
def test_each_kind_of_bad_file_is_reported(name, message):
    preview = parse(load(name))
    assert preview.file_errors == (message,)
    assert preview.rows == ()
    assert not preview.ok


def test_unknown_columns_are_errors_listing_the_accepted_ones():
    preview = parse(load("file_unknown_column.csv"))
    assert preview.file_errors == (
        f"Unknown column “emial”. The columns are: {ACCEPTED}.",
        "The required column email is missing.",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xef\xbb\xbf", "The file is empty."),
        (b" \r\n\r\n", "The file is empty."),
        (b",,,,\r\n,,\r\n", "The file is empty."),
        (codecs.BOM_UTF32_LE + "name".encode("utf-32-le"), f"The file is saved as UTF-32. {SAVE_AS}"),
        (codecs.BOM_UTF16_BE + "name".encode("utf-16-be"), f"The file is saved as UTF-16. {SAVE_AS}"),
        # UTF-16 without a BOM is valid UTF-8 full of NULs.
        ("name,email\n".encode("utf-16-le"), f"The file is not UTF-8 text (the first problem is on line 1). {SAVE_AS}"),
        (b"PK\x03\x04\x14\x00", f"This is a spreadsheet workbook, not a CSV file. {SAVE_AS}"),
        (b"sep=|\nname|email|country\n", "Separate the columns with commas or semicolons."),
    ],
)
def test_other_unreadable_files(data, message):
    assert parse(data).file_errors == (message,)


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(registration_csv, "MAX_ROWS", 3)
    data = csv_bytes("name,email,country", *[f"P{i},p{i}@example.org,NP" for i in range(4)])
    assert parse(data).file_errors == ("The file has more than 3 rows; split it into smaller files.",)
    assert parse(csv_bytes("name,email,country", *[f"P{i},p{i}@example.org,NP" for i in range(3)])).ok


# ------------------------------------------------------------------------------- template


def test_template_is_excel_friendly_and_parses_back_without_errors():
    data = template_csv()
    assert data.startswith(codecs.BOM_UTF8)
    assert data.count(b"\r\n") == 3 and b"\n" not in data.replace(b"\r\n", b"")
    assert data[3:].split(b"\r\n")[0].decode() == ",".join(COLUMNS)

    preview = parse(data)

    assert preview.ok
    assert preview.counts == {"create": 2, "link": 0, "error": 0}


# ---------------------------------------------------------------------------------- scale


def test_a_file_of_2000_rows_parses():
    lines = [",".join(COLUMNS)]
    countries = ("NP", "ID", "IN", "PH", "VN", "TH", "Malaysia", "Sri Lanka", "Viet Nam", "pk")
    for i in range(2000):
        country = countries[i % len(countries)]
        lines.append(f"Person {i},person{i}@example.org,City {i},city,Officer,{country},,en,participant,yes")
    existing = {f"person{i}@example.org" for i in range(0, 2000, 4)}

    preview = parse(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"), existing)

    assert preview.file_errors == ()
    assert preview.counts == {"create": 1500, "link": 500, "error": 0}
    assert preview.rows[-1].line == 2001


# ----------------------------------------------------------------------------------- junk


def _mutations(rng: random.Random, data: bytes) -> bytes:
    pieces = [b'"', b",", b";", b"\r", b"\n", b"\x00", b"\xef\xbb\xbf", b"\xe0\xb8", "ก".encode(), b"sep="]
    data = bytearray(data[: rng.randrange(len(data) + 1)])  # a truncation
    for _ in range(rng.randrange(6)):
        # Mostly below the header, so that most mutations reach the rows.
        start = data.find(b"\n") + 1 if rng.random() < 0.8 else 0
        at = rng.randrange(start, len(data) + 1)
        if rng.random() < 0.5:
            data[at:at] = rng.choice(pieces)
        else:
            del data[at : at + rng.randrange(1, 8)]
    return bytes(data)


def _junk_text(rng: random.Random) -> bytes:
    alphabet = ',;"\r\n \t@.-_x#=\u00a0\u200b\ufeffกनعệ中é\x85\u2028\x1c' + "".join(COLUMNS)
    header = rng.choice(["", "name,email,country\n", "name;email;country;timezone;focal_point\n", "sep=,\n"])
    body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(400)))
    return (header + body).encode("utf-8", errors="surrogatepass")


def _junk_row(rng: random.Random) -> bytes:
    """A good header and a row of odd values, to reach the per-column checks (email syntax above all)."""
    alphabet = "ab.-_@@..+ xn--ßİ\u0300\u200f\u200d＠。中ệนع\t\"'%\\/" + "yes" + "Asia/"
    cells = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(30))) for _ in COLUMNS]
    row = ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)
    return (",".join(COLUMNS) + "\n" + row + "\n").encode()


def _assert_consistent(preview: Preview) -> None:
    assert isinstance(preview, Preview)
    assert all(isinstance(message, str) and message for message in preview.file_errors)
    for row in preview.rows:
        assert (row.action == "error") == bool(row.errors) == (row.values is None)
        assert set(row.raw) == set(COLUMNS)


def test_junk_never_raises():
    rng = random.Random(20261125)
    sources = [load(path.name) for path in sorted(FILES.iterdir())] + [template_csv()]
    for _ in range(400):
        _assert_consistent(parse(_mutations(rng, rng.choice(sources)), {"sita@example.org"}))
    for _ in range(300):
        _assert_consistent(parse(_junk_text(rng)))
    for _ in range(300):
        _assert_consistent(parse(_junk_row(rng)))
    for _ in range(200):
        _assert_consistent(parse(rng.randbytes(rng.randrange(300))))
