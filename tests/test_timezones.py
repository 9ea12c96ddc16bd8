"""Time-zone helpers, across the zones of the course's participants and their DST changes."""

from datetime import UTC, date, datetime, time

import pytest

from trainer.timezones import (
    LocalTimeError,
    all_zones,
    is_valid_zone,
    local_to_utc,
    localise,
    utc_offset_label,
    zone_label,
)

# 13:00 in Jakarta on 25 Nov 2026 is 06:00 UTC.
DAY2 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "local", "offset"),
    [
        ("Asia/Karachi", "11:00", "UTC+05:00"),
        ("Asia/Kolkata", "11:30", "UTC+05:30"),
        ("Asia/Kathmandu", "11:45", "UTC+05:45"),
        ("Asia/Jakarta", "13:00", "UTC+07:00"),
        ("Asia/Manila", "14:00", "UTC+08:00"),
        ("Asia/Tokyo", "15:00", "UTC+09:00"),
        ("Australia/Sydney", "17:00", "UTC+11:00"),  # daylight saving in November
        ("Pacific/Auckland", "19:00", "UTC+13:00"),  # daylight saving in November
        ("Pacific/Tongatapu", "19:00", "UTC+13:00"),
    ],
)
def test_one_instant_in_every_participant_zone(zone, local, offset):
    assert localise(DAY2, zone).strftime("%H:%M") == local
    assert utc_offset_label(DAY2, zone) == offset


@pytest.mark.parametrize(("zone", "offset"), [("Australia/Sydney", "UTC+10:00"), ("Pacific/Auckland", "UTC+12:00")])
def test_standard_time_in_winter(zone, offset):
    assert utc_offset_label(datetime(2026, 7, 1, tzinfo=UTC), zone) == offset


def test_local_wall_clock_to_utc():
    assert local_to_utc(date(2026, 11, 25), time(13, 0), "Asia/Jakarta") == DAY2
    assert local_to_utc(date(2026, 11, 25), time(11, 45), "Asia/Kathmandu") == DAY2
    assert local_to_utc(date(2026, 11, 25), time(19, 0), "Pacific/Auckland") == DAY2


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        ("Australia/Sydney", date(2026, 10, 4), time(2, 30)),  # clocks jump 02:00 → 03:00
        ("Pacific/Auckland", date(2026, 9, 27), time(2, 15)),  # clocks jump 02:00 → 03:00
    ],
)
def test_a_time_skipped_by_daylight_saving_is_refused(zone, day, at):
    with pytest.raises(LocalTimeError) as caught:
        local_to_utc(day, at, zone)
    assert caught.value.kind == "nonexistent"


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30)),  # 03:00 → 02:00: 02:30 happens twice
        ("Pacific/Auckland", date(2026, 4, 5), time(2, 30)),
    ],
)
def test_a_time_that_happens_twice_is_refused(zone, day, at):
    with pytest.raises(LocalTimeError) as caught:
        local_to_utc(day, at, zone)
    assert caught.value.kind == "ambiguous"


def test_a_session_crossing_midnight_shows_the_next_date_in_the_east():
    # 20:00–22:00 in Kathmandu on 25 Nov is 03:15–05:15 on 26 Nov in Auckland.
    start = local_to_utc(date(2026, 11, 25), time(20, 0), "Asia/Kathmandu")
    assert localise(start, "Pacific/Auckland").date() == date(2026, 11, 26)
    assert localise(start, "Pacific/Auckland").strftime("%H:%M") == "03:15"


def test_zone_list_and_validation():
    zones = all_zones()
    assert "Asia/Kathmandu" in zones and "Pacific/Tongatapu" in zones and "UTC" in zones
    assert not any(zone.startswith(("posix/", "right/")) for zone in zones)
    assert is_valid_zone("Asia/Kolkata")
    for bad in ("Asia/Atlantis", "", None, "../etc/passwd", "EST5EDT"):
        assert not is_valid_zone(bad)


def test_zone_label():
    assert zone_label("Asia/Kathmandu", DAY2) == "Asia/Kathmandu (UTC+05:45)"
    assert zone_label("UTC", DAY2) == "UTC (UTC)"
