"""Country codes, names and zones for the people of the Asia-Pacific courses."""

import pytest

from trainer.countries import country_codes, country_name, parse_country, suggested_zone, zones_for_country
from trainer.timezones import is_valid_zone


def test_country_codes_are_the_iso_alpha2_countries_only():
    codes = country_codes()
    assert {"NP", "ID", "IN", "PH", "VN", "NZ", "AU", "FJ", "TL", "AQ"} <= set(codes)
    # Babel's regions, groupings and placeholders are not countries.
    assert not {"001", "150", "419", "ZZ", "EU", "UN", "EZ", "QO", "XA", "XB"} & set(codes)
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in codes)
    assert list(codes) == sorted(codes)
    assert len(codes) == 249


@pytest.mark.parametrize(
    ("code", "locale", "name"),
    [
        ("NP", "en", "Nepal"),
        ("np", "en", "Nepal"),
        ("VN", "en", "Vietnam"),
        ("KR", "en", "South Korea"),
        ("TL", "en", "Timor-Leste"),
        ("PH", "id", "Filipina"),
        ("KR", "id", "Korea Selatan"),
        ("NP", "not-a-locale", "Nepal"),
        ("ZZ", "en", "ZZ"),  # unknown codes come back as they are
        ("", "en", ""),
    ],
)
def test_country_name(code, locale, name):
    assert country_name(code, locale) == name


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("NP", "NP"),
        ("np", "NP"),
        (" Np ", "NP"),
        ("Nepal", "NP"),
        ("nepal", "NP"),
        ("NEPAL ", "NP"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("viet nam", "VN"),
        ("Lao PDR", "LA"),
        ("Laos", "LA"),
        ("Republic of Korea", "KR"),
        ("South Korea", "KR"),
        ("Korea", "KR"),
        ("North Korea", "KP"),
        ("Myanmar", "MM"),
        ("Burma", "MM"),
        ("Timor-Leste", "TL"),
        ("East Timor", "TL"),
        ("The Philippines", "PH"),
        ("Filipina", "PH"),  # Indonesian
        ("Amerika Serikat", "US"),  # Indonesian
        ("USA", "US"),
        ("UK", "GB"),
        ("Brunei Darussalam", "BN"),
        ("Côte d’Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Saint Kitts and Nevis", "KN"),  # Babel: "St. Kitts & Nevis"
        ("Samoa", "WS"),
        ("American Samoa", "AS"),
        ("Hong Kong", "HK"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Czech Republic", "CZ"),
    ],
)
def test_parse_country_accepts_codes_names_and_common_aliases(value, code):
    assert parse_country(value) == code


@pytest.mark.parametrize("value", ["", "  ", "Atlantis", "ZZ", "EU", "UN", "001", "XK", "Congo", "N/A", "x" * 1000])
def test_parse_country_returns_none_for_unknown_or_ambiguous_values(value):
    # "Congo" could be either Congo; a person must say which.
    assert parse_country(value) is None


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("ID", "Asia/Jakarta"),
        ("IN", "Asia/Kolkata"),
        ("NZ", "Pacific/Auckland"),
        ("AU", "Australia/Sydney"),  # zone.tab lists Lord Howe Island first
        ("NP", "Asia/Kathmandu"),
        ("PH", "Asia/Manila"),
        ("KH", "Asia/Phnom_Penh"),  # the country's own name, not Asia/Bangkok
        ("MY", "Asia/Kuala_Lumpur"),
        ("US", "America/New_York"),
        ("CA", "America/Toronto"),
        ("BR", "America/Sao_Paulo"),
        ("RU", "Europe/Moscow"),
        ("UA", "Europe/Kyiv"),
        ("np", "Asia/Kathmandu"),
    ],
)
def test_suggested_zone_is_the_most_populous(code, zone):
    assert suggested_zone(code) == zone


def test_zones_for_country_lists_every_zone_most_populous_first():
    assert zones_for_country("ID") == ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
    australia = zones_for_country("AU")
    assert australia[0] == "Australia/Sydney"
    assert {"Australia/Perth", "Australia/Lord_Howe", "Australia/Brisbane"} <= set(australia)
    assert len(australia) == len(set(australia))


def test_unknown_codes_and_countries_without_zones():
    assert zones_for_country("XX") == ()
    assert suggested_zone("XX") is None
    assert suggested_zone("") is None
    assert suggested_zone("BV") is None  # Bouvet Island: nobody lives there


def test_every_country_zone_is_one_the_app_accepts():
    for code in country_codes():
        assert all(is_valid_zone(zone) for zone in zones_for_country(code)), code
