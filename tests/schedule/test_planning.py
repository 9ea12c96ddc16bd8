"""Patterns, drafts, rules and study periods: pure, without the database."""

from datetime import UTC, date, datetime, time, timedelta

from trainer.schedule.planning import Pattern, SessionDraft, default_agenda, generate, resolve, split_chapters
from trainer.schedule.rules import (
    PlannedSession,
    can_join,
    current_period,
    next_session,
    overlapping,
    schedule_warnings,
    study_periods,
)

CHAPTERS = ["c1", "c2", "c3", "c4", "c5", "c6"]


def test_three_day_pattern_like_november_2021():
    drafts = generate(Pattern.THREE_DAYS, date(2021, 11, 8), time(13), time(16), CHAPTERS, weeks_between=2)
    assert [d.day for d in drafts] == [date(2021, 11, 8), date(2021, 11, 22), date(2021, 11, 23)]
    assert [d.chapters for d in drafts] == [("c1", "c2"), ("c3", "c4"), ("c5", "c6")]
    assert [d.title for d in drafts] == ["Day 1", "Day 2", "Day 3"]
    assert sum(item.minutes for item in drafts[0].agenda) == 180


def test_weekly_and_single_day_patterns():
    weekly = generate(Pattern.WEEKLY, date(2026, 1, 5), time(9), time(11), CHAPTERS, sessions=3)
    assert [d.day for d in weekly] == [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]
    single = generate(Pattern.SINGLE_DAY, date(2026, 1, 5), time(8), time(17), CHAPTERS)
    assert len(single) == 1 and single[0].chapters == tuple(CHAPTERS)


def test_split_chapters_keeps_order_and_spreads_the_extra():
    assert split_chapters(CHAPTERS, 4) == [("c1", "c2"), ("c3", "c4"), ("c5",), ("c6",)]
    assert split_chapters(["a"], 2) == [("a",), ()]


def test_default_agenda_fills_the_session():
    agenda = default_agenda(time(13), time(15, 30))
    assert sum(item.minutes for item in agenda) == 150
    assert [item.title for item in agenda][0] == "Welcome and recap"


def test_resolve_converts_in_the_course_zone():
    draft = SessionDraft("Day 2", date(2026, 11, 25), time(13), time(16))
    assert resolve(draft, "Asia/Jakarta") == (
        datetime(2026, 11, 25, 6, tzinfo=UTC),
        datetime(2026, 11, 25, 9, tzinfo=UTC),
    )


def test_resolve_refuses_end_before_start():
    errors = resolve(SessionDraft("x", date(2026, 11, 25), time(16), time(13)), "Asia/Jakarta")
    assert errors.by_field == {"end": ["The end must be after the start."]}


def test_resolve_refuses_dst_gaps_and_overlaps_beside_the_field():
    gap = resolve(SessionDraft("x", date(2026, 10, 4), time(2, 30), time(4)), "Australia/Sydney")
    assert "does not exist" in gap.by_field["start"][0]
    twice = resolve(SessionDraft("x", date(2026, 4, 5), time(1), time(2, 30)), "Pacific/Auckland")
    assert "happens twice" in twice.by_field["end"][0]


def _session(id, day, start_hour, hours, chapters=(), cancelled=False):
    start = datetime(2026, 11, day, start_hour, tzinfo=UTC)
    return PlannedSession(id, f"S{id}", start, start + timedelta(hours=hours), tuple(chapters), cancelled)


def test_overlap_ignores_itself_and_cancelled_sessions():
    one, two = _session(1, 25, 6, 3), _session(2, 25, 8, 2)
    assert overlapping(two, [one]) == one
    assert overlapping(one, [one]) is None
    assert overlapping(two, [_session(1, 25, 6, 3, cancelled=True)]) is None
    assert overlapping(_session(3, 25, 9, 1), [one]) is None  # back to back is fine


def test_warnings_for_chapters_twice_never_and_out_of_order():
    sessions = [_session(1, 8, 6, 3, ["c3", "c4"]), _session(2, 25, 6, 3, ["c1", "c3"])]
    messages = [w.message for w in schedule_warnings(sessions, CHAPTERS, {})]
    assert "Chapter 3 is covered by more than one session." in messages
    assert "Chapter 2 is not covered by any session." in messages
    assert "The sessions cover the chapters out of their order." in messages


def test_warning_names_who_would_join_at_an_unkind_hour():
    # 06:00–09:00 UTC: 11:00 in Karachi, but 19:00–22:00 in Auckland and Tonga (fine),
    # while 01:00–04:00 UTC is 06:00 in Karachi (too early).
    people = {"Ayesha": "Asia/Karachi", "Aroha": "Pacific/Auckland", "Sione": "Pacific/Tongatapu"}
    assert schedule_warnings([_session(1, 25, 6, 3, CHAPTERS)], CHAPTERS, people) == []
    [warning] = schedule_warnings([_session(1, 25, 1, 3, CHAPTERS)], CHAPTERS, people)
    assert warning.people == ("Ayesha",) and warning.session_title == "S1"
    # 10:00–13:00 UTC ends at 02:00 next day in Auckland and Tonga: past midnight.
    [late] = schedule_warnings([_session(1, 25, 10, 3, CHAPTERS)], CHAPTERS, people)
    assert late.people == ("Aroha", "Sione")


def test_study_periods_and_what_to_study_now():
    sessions = [
        _session(1, 8, 6, 3, ["c1", "c2"]),
        _session(2, 25, 6, 3, ["c3", "c4"]),
        _session(3, 26, 6, 3, ["c5", "c6"]),
        _session(4, 27, 6, 3, ["c6"], cancelled=True),
    ]
    periods = study_periods(sessions, {"c1": 60, "c2": 90, "c3": 90, "c4": 100, "c5": 90, "c6": 100})
    assert [(p.session_title, p.chapters, p.minutes) for p in periods] == [
        ("S1", ("c1", "c2"), 150),
        ("S2", ("c3", "c4"), 190),
        ("S3", ("c5", "c6"), 190),
    ]
    assert periods[1].after == sessions[0].ends_at and periods[1].before == sessions[1].starts_at
    assert current_period(periods, datetime(2026, 11, 15, tzinfo=UTC)).session_title == "S2"
    assert current_period(periods, datetime(2026, 11, 27, tzinfo=UTC)) is None


def test_next_session_and_join_window():
    sessions = [_session(1, 8, 6, 3), _session(2, 25, 6, 3)]
    assert next_session(sessions, datetime(2026, 11, 15, tzinfo=UTC)).id == 2
    assert next_session(sessions, datetime(2026, 11, 25, 7, tzinfo=UTC)).id == 2  # under way
    assert next_session(sessions, datetime(2026, 11, 26, tzinfo=UTC)) is None
    two = sessions[1]
    assert not can_join(two, two.starts_at - timedelta(minutes=16))
    assert can_join(two, two.starts_at - timedelta(minutes=15))
    assert can_join(two, two.ends_at) and not can_join(two, two.ends_at + timedelta(seconds=1))
