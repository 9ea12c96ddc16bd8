"""Countries: ISO 3166-1 alpha-2 codes, their names, and their time zones. Pure, no database.

Names come from Babel (CLDR), so they follow the reader's locale. The list of codes and the
country → zones table come from the tzdata package (iso3166.tab, zone.tab), which is pinned with
the rest of the dependencies, so the zones offered always exist in `zoneinfo`.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

from babel import Locale, UnknownLocaleError

from trainer.timezones import is_valid_zone

# Where zone.tab's geographical order puts a small zone first, the zone whose area has the most
# people (state/province populations from the national statistics offices, rounded):
_MOST_POPULOUS = {
    # New South Wales + ACT (~8.9 M) outnumber Victoria (Melbourne, ~7 M) and Queensland (~5.6 M).
    "AU": "Australia/Sydney",
    # São Paulo time covers the South-East, South and most of the North-East (~75% of Brazil).
    "BR": "America/Sao_Paulo",
    # Eastern time covers most of Ontario and Quebec (~24 M of ~41 M).
    "CA": "America/Toronto",
    # West Bank (~3.3 M) is larger than Gaza (~2.1 M).
    "PS": "Asia/Hebron",
    # Moscow time covers most of European Russia.
    "RU": "Europe/Moscow",
    # zone.tab lists Simferopol (Crimea) before Kyiv; Kyiv time covers the rest of Ukraine.
    "UA": "Europe/Kyiv",
    # Tashkent time covers the capital and the Fergana valley, more than Samarkand's west.
    "UZ": "Asia/Tashkent",
}

# Names people write that neither Babel (en, id) nor iso3166.tab spell the same way, keyed as
# _normalise() leaves them. These win over every other source.
_ALIASES = {
    "viet nam": "VN",
    "lao pdr": "LA",
    "lao": "LA",
    "lao peoples democratic republic": "LA",
    "korea": "KR",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "dprk": "KP",
    "burma": "MM",
    "myanmar": "MM",
    "east timor": "TL",
    "brunei darussalam": "BN",
    "usa": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "russian federation": "RU",
    "iran islamic republic of": "IR",
    "syrian arab republic": "SY",
    "china": "CN",
    "prc": "CN",
    "peoples republic of china": "CN",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
    "micronesia federated states of": "FM",
    "federated states of micronesia": "FM",
    "palestine": "PS",
    "state of palestine": "PS",
    "holy see": "VA",
    "vatican": "VA",
    "swaziland": "SZ",
    "cabo verde": "CV",
    "macedonia": "MK",
    "holland": "NL",
    "turkey": "TR",
    "ivory coast": "CI",
}

# Names in the app's languages are accepted as well as the English ones.
_LOOKUP_LOCALES = ("en", "id")


def _tab_rows(name: str) -> Iterator[list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@cache
def _iso_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → tzdata's English name (e.g. 'Korea (South)')."""
    return {row[0]: row[1] for row in _tab_rows("iso3166.tab") if len(row) >= 2}


@cache
def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code Babel can name, sorted.

    Babel alone also lists regions ("001", "150"), groupings (EU, UN) and "ZZ"; tzdata's
    iso3166.tab is the ISO list, so the intersection is exactly the real countries/territories.
    """
    named = Locale.parse("en").territories
    return tuple(sorted(code for code in _iso_names() if code in named))


@cache
def _locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def country_name(code: str, locale: str = "en") -> str:
    """The country's name in a locale ('NP' → 'Nepal'); the code itself when unknown."""
    code = (code or "").strip().upper()
    if code not in country_codes():
        return code
    return _locale(locale or "en").territories.get(code) or code


def _normalise(value: str) -> str:
    """'Côte d’Ivoire' → 'cote divoire', 'St. Kitts & Nevis' → 'saint kitts and nevis'."""
    decomposed = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’ʼ`]", "", text.replace("&", " and "))
    words = re.sub(r"[\W_]+", " ", text).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join("saint" if word == "st" else word for word in words)


def _without_brackets(name: str) -> str:
    # 'Myanmar (Burma)' → 'Myanmar', 'Korea (South)' → 'Korea' (dropped later if ambiguous).
    return re.sub(r"\s*\([^)]*\)", "", name)


def _unambiguous(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """name → code, leaving out names that point at two different codes."""
    found: dict[str, str] = {}
    clashes: set[str] = set()
    for name, code in pairs:
        key = _normalise(name)
        if not key:
            continue
        if found.setdefault(key, code) != code:
            clashes.add(key)
    return {key: code for key, code in found.items() if key not in clashes}


@cache
def _name_lookup() -> dict[str, str]:
    """Every spelling parse_country accepts, built once; earlier sources win over later ones."""
    codes = country_codes()
    babel_names = [
        [(_locale(loc).territories[code], code) for code in codes if code in _locale(loc).territories]
        for loc in _LOOKUP_LOCALES
    ]
    iso_names = [(_iso_names()[code], code) for code in codes]
    sources = [
        list(_ALIASES.items()),
        babel_names[0],
        iso_names,
        *babel_names[1:],
        [(_without_brackets(name), code) for source in (*babel_names, iso_names) for name, code in source],
    ]
    lookup: dict[str, str] = {}
    for source in sources:
        for key, code in _unambiguous(source).items():
            lookup.setdefault(key, code)
    return lookup


def parse_country(value: str) -> str | None:
    """The ISO code for a code or name as people write it ('np', 'Nepal', 'Viet Nam'); None if unknown."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) == 2 and text.upper() in country_codes():
        return text.upper()
    if len(text) > 100:  # no country name is this long; spare the normalisation
        return None
    return _name_lookup().get(_normalise(text))


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    # zone.tab (not zone1970.tab) because it has one row per country with the country's own
    # name for shared zones (Cambodia: Asia/Phnom_Penh rather than Asia/Bangkok), in tzdata's
    # order: geographical, most populous first where that does not contradict geography.
    zones: dict[str, list[str]] = {}
    for row in _tab_rows("zone.tab"):
        if len(row) >= 3 and is_valid_zone(row[2]):
            zones.setdefault(row[0], []).append(row[2])
    for code, first in _MOST_POPULOUS.items():
        if first in zones.get(code, []):
            zones[code].remove(first)
            zones[code].insert(0, first)
    return {code: tuple(names) for code, names in zones.items()}


def zones_for_country(code: str) -> tuple[str, ...]:
    """The country's IANA zones, the most populous first; () for an unknown code or no zones."""
    return _zones_by_country().get((code or "").strip().upper(), ())


def suggested_zone(code: str) -> str | None:
    """The zone most of the country's people live in ('ID' → 'Asia/Jakarta'), or None."""
    zones = zones_for_country(code)
    return zones[0] if zones else None
