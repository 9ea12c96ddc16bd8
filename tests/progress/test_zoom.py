"""Zoom report import: every layout in shared/samples/zoom (copied to zoom_files/), header variants,
broken uploads, DST-safe times, and matching rows to people. Pure functions: no app, no database."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from trainer.progress.zoom import (
    AttendanceProposal,
    Connection,
    Person,
    ZoomReport,
    ZoomReportError,
    attended_seconds,
    normalise_name,
    parse_report,
    propose_attendance,
)

FILES = Path(__file__).parent / "zoom_files"
CURRENT = "participants_83512345678_2021_11_08.csv"  # 2024+ portal, meeting block, waiting room
OLD = "participants_83512345678.csv"  # 2021 portal, no meeting block, no waiting-room column
WEBINAR = "attendee_81234567890_2021_11_08.csv"
SAMPLES = (CURRENT, OLD, WEBINAR)
JAKARTA = "Asia/Jakarta"
SYDNEY = "Australia/Sydney"

# The session: 8 Nov 2021, 09:00–12:00 WIB (UTC+7).
SESSION_START = datetime(2021, 11, 8, 2, 0, tzinfo=UTC)
SESSION_END = datetime(2021, 11, 8, 5, 0, tzinfo=UTC)
# Wide enough for every row: the README's figures are not clipped to the session.
WHOLE_DAY = (datetime(2021, 11, 7, 17, 0, tzinfo=UTC), datetime(2021, 11, 8, 17, 0, tzinfo=UTC))

# The registered participants of the samples README, with ids for Person.
REGISTERED = [
    ("ha.nguyen@danang.example.org", "Nguyễn Thị Thu Hà"),
    ("zhiming.wang@zhuhai.example.org", "Wang Zhiming (王志明)"),
    ("siti.nurhaliza@mbsa.example.org", "Siti Nurhaliza binti Ahmad"),
    ("dewi.anggraini@surabaya.example.org", "Dewi Anggraini"),
    ("minjun.kim@suwon.example.org", "Kim Min-jun (김민준)"),
    ("yui.tanaka@kitakyushu.example.org", "Tanaka Yui (田中 結衣)"),
    ("somchai.w@chiangmai.example.org", "Somchai Wongsawat (สมชาย วงศ์สวัสดิ์)"),
    ("mc.delacruz@naga.example.org", "Maria Cristina Dela Cruz"),
    ("ram.shrestha@lalitpur.example.org", "Ram Bahadur Shrestha (राम बहादुर श्रेष्ठ)"),
    ("litia.vuniwaqa@suva.example.org", "Litia Vuniwaqa"),
    ("rafiqul.islam@sylhet.example.org", "Mohammad Rafiqul Islam (মোহাম্মদ রফিকুল ইসলাম)"),
    ("batbayar.g@ulaanbaatar.example.org", "Batbayar Gantulga (Батбаяр Гантулга)"),
    ("ayesha.siddiqui@kmc.example.org", "Ayesha Siddiqui"),
]
PEOPLE = [Person(id=index, name=name, email=email) for index, (email, name) in enumerate(REGISTERED, start=1)]
ID = {person.email: person.id for person in PEOPLE}

# "By e-mail" minutes from the README, to 0.1; None = no row carries the registered e-mail.
README_MINUTES = {
    "ha.nguyen@danang.example.org": 181.4,
    "zhiming.wang@zhuhai.example.org": 179.9,
    "siti.nurhaliza@mbsa.example.org": 177.9,
    "dewi.anggraini@surabaya.example.org": 181.4,
    "minjun.kim@suwon.example.org": 175.5,
    "yui.tanaka@kitakyushu.example.org": 150.3,
    "somchai.w@chiangmai.example.org": 167.7,
    "rafiqul.islam@sylhet.example.org": 174.8,
    "batbayar.g@ulaanbaatar.example.org": 181.4,
    "ram.shrestha@lalitpur.example.org": None,
    "ayesha.siddiqui@kmc.example.org": None,
}


def read(name: str, zone: str = JAKARTA) -> ZoomReport:
    return parse_report((FILES / name).read_bytes(), zone)


def propose(report: ZoomReport, people: list[Person] = PEOPLE, window=(SESSION_START, SESSION_END)):
    return propose_attendance(report, people, *window)


def by_person(proposal: AttendanceProposal) -> dict:
    return {entry.person_id: entry for entry in proposal.matched}


def rows_of(report: ZoomReport, lines) -> list[Connection]:
    return [c for c in report.connections if c.line in lines]


def wib(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2021, 11, 8, hour, minute, second, tzinfo=UTC) - timedelta(hours=7)


# --- The three samples --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows", "topic", "meeting_id"),
    [
        (CURRENT, 42, "ToT Module 4 – Day 1: Localizing the SDGs through Decentralized Cooperation", "83512345678"),
        (OLD, 22, None, None),
        # 21 attendee rows less 3 no-shows, plus the one Other Attended row; hosts and panelists skipped
        (
            WEBINAR,
            19,
            "ToT Module 4 – Public Session: Localizing the SDGs through Decentralized Cooperation",
            "81234567890",
        ),
    ],
)
def test_every_sample_parses(name, rows, topic, meeting_id):
    report = read(name)
    assert len(report.connections) == rows
    assert (report.topic, report.meeting_id) == (topic, meeting_id)
    assert all(c.joined.tzinfo is UTC and c.left >= c.joined for c in report.connections)


def test_times_are_read_in_the_hosts_zone_and_lines_are_physical():
    report = read(CURRENT)
    dewi = next(c for c in report.connections if c.email == "dewi.anggraini@surabaya.example.org")
    # Line 7 of the file (after the meeting block and the blank line): 08:55:40 WIB is 01:55:40 UTC.
    assert dewi.line == 7
    assert (dewi.joined, dewi.left, dewi.waiting_room) == (wib(8, 55, 40), wib(8, 59, 48), True)
    webinar = read(WEBINAR)
    first = webinar.connections[0]
    assert (first.line, first.name, first.joined) == (14, "Dewi Anggraini", wib(8, 59, 48))


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize(("email", "expected"), README_MINUTES.items())
def test_minutes_by_email_match_the_readme(name, email, expected):
    """The README's figures (union of in-meeting intervals, to 0.1 min) and the rounding rule:
    minutes are whole, nearest, halves up (181.4 → 181, 175.5 → 176, 179.9 → 180)."""
    report = read(name)
    entry = by_person(propose(report, window=WHOLE_DAY)).get(ID[email])
    if expected is None:
        assert entry is None
        return
    assert entry.matched_by == "email"
    seconds = attended_seconds(rows_of(report, entry.lines), *WHOLE_DAY)
    assert round(seconds / 60, 1) == expected
    assert entry.minutes == int(expected + 0.5)


def test_minutes_are_clipped_to_the_session():
    entries = by_person(propose(read(CURRENT)))
    assert entries[ID["dewi.anggraini@surabaya.example.org"]].minutes == 180  # 08:59:48–12:01:10, two devices
    # 23:27 + 43:08 + 46:34 + 60:29 = 173 min 38 s over four connections
    assert entries[ID["rafiqul.islam@sylhet.example.org"]].minutes == 174
    assert entries[ID["zhiming.wang@zhuhai.example.org"]].minutes == 179  # 178 min 35 s: halves up


def test_two_devices_count_once():
    report = read(CURRENT)
    dewi = by_person(propose(report, window=WHOLE_DAY))[ID["dewi.anggraini@surabaya.example.org"]]
    in_meeting = [c for c in rows_of(report, dewi.lines) if not c.waiting_room]
    assert len(in_meeting) == 2
    summed = sum((c.left - c.joined).total_seconds() for c in in_meeting) / 60
    assert round(summed, 1) == 212.9
    assert dewi.minutes == 181


@pytest.mark.parametrize("name", SAMPLES)
def test_every_rejoin_counts(name):
    report = read(name)
    rafiqul = by_person(propose(report, window=WHOLE_DAY))[ID["rafiqul.islam@sylhet.example.org"]]
    in_meeting = [c for c in rows_of(report, rafiqul.lines) if not c.waiting_room]
    assert len(in_meeting) == 4
    assert (rafiqul.first_join, rafiqul.last_leave) == (wib(9, 2, 20), wib(12, 1, 10))


def test_waiting_room_never_counts():
    entries = by_person(propose(read(CURRENT)))
    litia = entries[ID["litia.vuniwaqa@suva.example.org"]]
    # Only ever in the waiting room: 0 minutes; the times show when she waited, for a reviewer.
    assert (litia.minutes, litia.lines) == (0, (31,))
    assert (litia.first_join, litia.last_leave) == (wib(9, 38, 12), wib(9, 51, 40))
    kim = entries[ID["minjun.kim@suwon.example.org"]]
    assert kim.lines == (22, 23, 34, 35)  # the waiting-room rows are listed…
    assert kim.first_join == wib(9, 4)  # …but the first join is his admission, not his knock at 09:03:15


def test_litia_is_not_in_the_old_file_and_a_no_show_in_the_webinar():
    for name in (OLD, WEBINAR):
        assert ID["litia.vuniwaqa@suva.example.org"] not in by_person(propose(read(name)))


def test_rows_nobody_matches_are_listed_for_review():
    proposal = propose(read(CURRENT))
    unmatched = {row.name: row for row in proposal.unmatched}
    assert list(unmatched) == [
        "Ratna Kusumawardani",  # the host and the co-trainer are not in `people`
        "Arjun Mehta",
        "Cris Dela Cruz",
        "Call-in User_1",
        "Ram Shrestha - Lalitpur (Call-in User_1)",
        "Galaxy A52",
    ]
    cris = unmatched["Cris Dela Cruz"]
    assert (cris.email, cris.lines, cris.minutes) == ("cris.delacruz@example.net", (11, 18), 180)
    assert unmatched["Galaxy A52"].minutes == 12  # 11 min 44 s
    assert unmatched["Call-in User_1"].minutes == 0  # waiting room
    assert unmatched["Ram Shrestha - Lalitpur (Call-in User_1)"].email is None


def test_webinar_sections():
    report = read(WEBINAR)
    emails = {c.email for c in report.connections}
    assert "ratna.k@uclg-aspac.example.org" not in emails  # Host Details
    assert "arjun.mehta@uclg-aspac.example.org" not in emails  # Panelist Details
    assert "ram.shrestha@lalitpur.example.org" not in emails  # Attended = No, times "--"
    caller = report.connections[-1]  # Other Attended: "Nov 08, 2021 9:06 AM", no e-mail column
    assert (caller.line, caller.name, caller.email) == (36, "Call-in User_1", None)
    assert (caller.joined, caller.left) == (wib(9, 6), wib(11, 50))
    proposal = propose(report)
    # The registration e-mail is on Cris's row, so the webinar matches her (the meetings cannot).
    assert by_person(proposal)[ID["mc.delacruz@naga.example.org"]].minutes == 180
    assert [(row.name, row.minutes) for row in proposal.unmatched] == [("Call-in User_1", 164)]
    assert all(not c.waiting_room for c in report.connections)


def test_a_webinar_nobody_attended_is_not_an_error():
    lines = (FILES / WEBINAR).read_bytes().split(b"\r\n")
    no_shows = b"\r\n".join(lines[:13] + [line for line in lines[13:34] if line.startswith(b"No,")])
    assert parse_report(no_shows, JAKARTA).connections == ()


# --- Layout and header variants -----------------------------------------------------------------


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def _no_bom(data: bytes) -> bytes:
    return data.removeprefix(b"\xef\xbb\xbf")


def _double_bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("change", [_lf, _no_bom, _double_bom, lambda data: _lf(_no_bom(data))])
def test_line_endings_and_bom_do_not_matter(name, change):
    data = (FILES / name).read_bytes()
    assert parse_report(change(data), JAKARTA) == parse_report(data, JAKARTA)


def test_old_era_headers_with_attentiveness_score():
    report = read("variant_2020_attentiveness.csv")  # LF, no BOM, extra column
    assert [c.line for c in report.connections] == [2, 3, 4]
    dewi = by_person(propose(report, window=(datetime(2020, 3, 12, tzinfo=UTC), datetime(2020, 3, 13, tzinfo=UTC))))
    assert dewi[ID["dewi.anggraini@surabaya.example.org"]].lines == (2, 4)  # e-mail in capitals too


def test_user_name_header_and_columns_in_another_order():
    report = read("variant_user_name_header.csv")
    assert [c.waiting_room for c in report.connections] == [True, False, False, False]
    assert {c.name for c in report.connections} == {"Siti Nurhaliza"}
    siti = by_person(propose(report, window=WHOLE_DAY))[ID["siti.nurhaliza@mbsa.example.org"]]
    assert siti.minutes == 178  # 177.9


def test_excel_resave_day_first_without_seconds():
    report = read("variant_excel_resaved.csv")
    assert report.topic == "ToT Module 4 – Day 2"
    assert report.meeting_id is None  # Excel wrote 8.35123E+10: the digits are gone
    first = report.connections[0]
    assert (first.line, first.joined) == (5, datetime(2021, 11, 13, 1, 55, tzinfo=UTC))
    window = (datetime(2021, 11, 13, 2, tzinfo=UTC), datetime(2021, 11, 13, 5, tzinfo=UTC))
    assert by_person(propose(report, window=window))[ID["dewi.anggraini@surabaya.example.org"]].minutes == 180


def test_month_first_wins_when_every_date_reads_both_ways():
    data = b"Name (Original Name),User Email,Join Time,Leave Time\nDewi,,11/08/2021 09:01,11/08/2021 10:01\n"
    assert parse_report(data, JAKARTA).connections[0].joined == wib(9, 1)


def test_japanese_portal_headers():
    report = read("variant_japanese.csv")
    tanaka = report.connections[0]
    assert (tanaka.name, tanaka.email) == ("田中 結衣", "yui.tanaka@kitakyushu.example.org")
    assert (tanaka.joined, tanaka.left) == (wib(8, 59, 48), wib(11, 30, 5))


def test_korean_webinar_is_recognised_and_says_which_columns_it_lacks():
    with pytest.raises(ZoomReportError) as caught:
        read("variant_korean_webinar.csv")
    assert caught.value.line == 3
    assert "Line 3" in str(caught.value) and "“Join time”, “Leave time”" in str(caught.value)


def test_show_unique_users_export_is_explained():
    with pytest.raises(ZoomReportError, match="Show unique users") as caught:
        read("variant_unique_users.csv")
    assert caught.value.line == 1


# --- Broken uploads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "says"),
    [
        ("broken_empty.csv", None, "The file is empty."),
        ("broken_no_header.csv", None, "No participant list in the 2 lines"),
        ("broken_missing_leave.csv", 4, "Line 4: the header row lacks “Leave time”."),
        ("broken_bad_time.csv", 3, "Line 3: the join time “11/08/2021 9h01” is not a date and time"),
        ("broken_leave_before_join.csv", 3, "Line 3: the leave time 11/08/2021 08:59:48 AM is before the join time"),
        ("broken_header_only.csv", 4, "Line 4: the participant list has a header but no rows."),
        ("broken_windows_1252.csv", 3, "Line 3 is not UTF-8 text."),
        ("broken_image.png", None, "This file is an image, not a CSV report."),
        ("broken_workbook.xlsx", None, "This file is a spreadsheet workbook, not a CSV report."),
    ],
)
def test_broken_files_say_what_and_where(name, line, says):
    with pytest.raises(ZoomReportError) as caught:
        read(name)
    assert caught.value.line == line
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xef\xbb\xbf", "The file is empty."),
        (b",,,,\r\n,,,,\r\n", "The file is empty."),
        (b"%PDF-1.7\n", "This file is a PDF"),
        (b"\xff\xfeN\x00a\x00", "UTF-16"),
        ("Name (Original Name),Join Time".encode("utf-16-le"), "Line 1 is not text."),
        (b"<!DOCTYPE html><html><body>Zoom</body></html>", "web page"),
        (b'Name (Original Name),Join Time,Leave Time\nDewi,"11/08/2021 09:01 AM",', "Line 2: the leave time is empty."),
        (b"Name (Original Name),Join Time,Leave Time\nDewi,12/31/9999 11:59 PM,12/31/9999 11:59 PM", "out of range"),
    ],
)
def test_more_bad_uploads(data, says):
    with pytest.raises(ZoomReportError, match=says):
        parse_report(data, "Pacific/Honolulu")


def test_unknown_zone_is_a_report_error():
    with pytest.raises(ZoomReportError, match="not a time zone"):
        parse_report((FILES / OLD).read_bytes(), "Mars/Olympus_Mons")


def _mutations(rng: random.Random, data: bytes) -> bytes:
    mutated = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(mutated) or 1)
        choice = rng.random()
        if choice < 0.3:
            mutated[at : at + 1] = bytes([rng.randrange(256)])
        elif choice < 0.5:
            del mutated[at : at + rng.randint(1, 40)]
        else:
            mutated[at:at] = rng.choice([b",", b'"', b"\r", b"\n", b"--", b" PM", b"Yes", b"Other Attended\n", b"\x00"])
    return bytes(mutated)


def test_random_bytes_and_truncations_only_ever_raise_zoom_report_error():
    rng = random.Random(20211108)
    samples = [(FILES / name).read_bytes() for name in SAMPLES]
    inputs = [bytes(rng.randrange(256) for _ in range(rng.randint(0, 400))) for _ in range(300)]
    inputs += [sample[:cut] for sample in samples for cut in range(0, len(sample) + 1, 7)]
    inputs += [_mutations(rng, rng.choice(samples)) for _ in range(1500)]
    for data in inputs:
        try:
            result = parse_report(data, SYDNEY)
        except ZoomReportError as error:
            assert str(error)
        else:
            assert isinstance(result, ZoomReport)


# --- Time zones and daylight saving -------------------------------------------------------------


def test_sydney_spring_forward():
    before, across, after = read("variant_sydney_dst_spring.csv", SYDNEY).connections
    assert before.joined == datetime(2021, 9, 30, 23, tzinfo=UTC)  # 09:00 AEST (UTC+10)
    assert after.joined == datetime(2021, 10, 3, 22, tzinfo=UTC)  # 09:00 AEDT (UTC+11)
    # 01:30 → 03:30 on the night the clocks skip 02:00–03:00 is one hour, not two.
    assert across.left - across.joined == timedelta(hours=1)


def test_sydney_autumn_repeated_hour_is_resolved_by_zoom_duration():
    across, first, second, back = read("variant_sydney_dst_autumn.csv", SYDNEY).connections
    assert across.left - across.joined == timedelta(hours=3)  # 01:30 → 03:30 with 02:00–03:00 twice
    assert first.left - first.joined == timedelta(minutes=30)  # left at the first 02:20 (Duration 30)
    assert second.left - second.joined == timedelta(minutes=90)  # left at the second 02:20 (Duration 90)
    # 02:40 then 02:10 looks backwards, but is the first 02:40 to the second 02:10.
    assert (back.joined, back.left) == (
        datetime(2022, 4, 2, 15, 40, tzinfo=UTC),
        datetime(2022, 4, 2, 16, 10, tzinfo=UTC),
    )
    window = (datetime(2022, 4, 2, 14, tzinfo=UTC), datetime(2022, 4, 2, 18, tzinfo=UTC))
    people = [Person(1, "Across", "across@example.org")]
    assert propose(read("variant_sydney_dst_autumn.csv", SYDNEY), people, window).matched[0].minutes == 180


def test_a_time_the_clocks_skipped_is_an_error():
    with pytest.raises(ZoomReportError, match="Line 3: 2021-10-03 02:30 never happened in Australia/Sydney"):
        read("broken_nonexistent_time.csv", SYDNEY)


def test_the_same_file_read_in_another_zone_moves_every_time():
    in_jakarta, in_sydney = read(OLD).connections[0], read(OLD, SYDNEY).connections[0]
    assert in_jakarta.joined - in_sydney.joined == timedelta(hours=4)  # UTC+7 versus UTC+11 (AEDT)


# --- Matching -----------------------------------------------------------------------------------


def test_email_matching_ignores_case_and_comes_before_names():
    people = [
        Person(1, "Someone Else Entirely", "DEWI.Anggraini@Surabaya.Example.ORG"),
        Person(2, "Dewi Anggraini", "dewi.personal@example.net"),  # same name, other e-mail
    ]
    entry = by_person(propose(read(OLD), people))[1]
    assert (entry.matched_by, entry.lines) == ("email", (4, 19))
    assert 2 not in by_person(propose(read(OLD), people))


def test_names_match_when_no_email_does():
    proposal = propose(read("variant_no_emails.csv"), window=WHOLE_DAY)
    entries = by_person(proposal)
    kim = entries[ID["minjun.kim@suwon.example.org"]]
    # "Minjun Kim - Suwon (김민준)" (original name in brackets, and the part before " - ") and "김민준"
    assert (kim.lines, kim.matched_by, kim.minutes) == ((2, 3, 9), "name", 176)
    assert entries[ID["ha.nguyen@danang.example.org"]].lines == (4,)  # without diacritics
    assert entries[ID["batbayar.g@ulaanbaatar.example.org"]].lines == (5,)  # Cyrillic, the bracketed name
    assert entries[ID["yui.tanaka@kitakyushu.example.org"]].lines == (6,)  # "田中結衣" without the space
    assert all(entry.matched_by == "name" for entry in proposal.matched)
    # "Ram Shrestha" is not "Ram Bahadur Shrestha": a coordinator decides.
    assert ID["ram.shrestha@lalitpur.example.org"] not in entries


@pytest.mark.parametrize(
    "registered",
    ["Kim Min-jun", "Minjun Kim", "KIM MINJUN", "김민준", "Kim Min Jun (김민준)"],
)
def test_kim_min_jun_by_any_of_his_names(registered):
    report = read("variant_no_emails.csv")
    entries = by_person(propose(report, [Person(7, registered, "minjun.kim@suwon.example.org")], WHOLE_DAY))
    assert 3 in entries[7].lines  # "Minjun Kim - Suwon (김민준)"


def test_an_email_group_matches_by_name_when_the_email_is_unknown():
    """A personal address, but the registered name: matched, for a coordinator to confirm."""
    people = [Person(1, "Cris Dela Cruz", "mc.delacruz@naga.example.org")]
    entry = propose(read(CURRENT), people).matched[0]
    assert (entry.lines, entry.matched_by) == ((11, 18), "name")


def test_a_name_shared_by_two_people_matches_neither():
    people = [Person(1, "Galaxy A52", "a@example.org"), Person(2, "galaxy a52", "b@example.org")]
    proposal = propose(read(OLD), people)
    assert proposal.matched == ()
    assert "Galaxy A52" in [row.name for row in proposal.unmatched]


def test_mixed_email_and_name_rows_need_confirmation():
    data = (FILES / OLD).read_bytes() + b"DEWI  ANGGRAINI,,11/08/2021 12:30:00 PM,11/08/2021 12:40:00 PM,10,Yes,\r\n"
    entry = by_person(propose(parse_report(data, JAKARTA), window=WHOLE_DAY))[ID["dewi.anggraini@surabaya.example.org"]]
    assert (entry.lines, entry.matched_by, entry.minutes) == ((4, 19, 24), "name", 191)


def test_unmatched_rows_are_grouped_by_email_or_normalised_name():
    proposal = propose(read("variant_no_emails.csv"), window=WHOLE_DAY)
    galaxy = next(row for row in proposal.unmatched if row.name == "Galaxy A52")
    assert (galaxy.lines, galaxy.minutes, galaxy.email) == ((8, 10), 17, None)  # 11:44 + 5:00
    assert [row.name for row in proposal.unmatched] == ["Ram Shrestha - Lalitpur (Call-in User_1)", "Galaxy A52"]


def test_nothing_matches_an_empty_roster():
    proposal = propose(read(CURRENT), [])
    assert proposal.matched == ()
    assert sum(len(row.lines) for row in proposal.unmatched) == 42


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [(0, 0), (29, 0), (30, 1), (89, 1), (90, 2), (181 * 60 + 22, 181), (175 * 60 + 31, 176)],
)
def test_rounding_rule_nearest_minute_halves_up(seconds, minutes):
    start = SESSION_START
    row = Connection(2, "A", None, "a@example.org", start, start + timedelta(seconds=seconds), False)
    report = ZoomReport((row,), None, None)
    assert propose(report, [Person(1, "A", "a@example.org")], WHOLE_DAY).matched[0].minutes == minutes


def test_attended_seconds_is_a_union_within_the_window():
    def row(start, end, waiting=False):
        return Connection(1, "A", None, None, wib(*start), wib(*end), waiting)

    rows = [row((8, 30), (9, 30)), row((9, 15), (9, 45)), row((10, 0), (10, 10), waiting=True), row((11, 50), (12, 30))]
    assert attended_seconds(rows, SESSION_START, SESSION_END) == (45 + 10) * 60


def test_session_times_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        propose_attendance(read(OLD), PEOPLE, datetime(2021, 11, 8, 9), datetime(2021, 11, 8, 12))


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("Nguyễn Thị Thu Hà", "nguyen thi thu ha"),
        ("  Đà   Nẵng ", "da nang"),
        ("Kim Min-jun", "kim minjun"),
        ("Ｔａｎａｋａ　Ｙｕｉ", "tanaka yui"),  # full-width letters and space
        ("สมชาย วงศ์สวัสดิ์", "สมชาย วงศ์สวัสดิ์"),  # Thai marks are letters, not accents
        ("김민준", "김민준"),
    ],
)
def test_normalise_name(name, normal):
    assert normalise_name(name) == normal
