"""Random query strings at the pages that search, filter, sort and page, and random values in every
URL's parts (ids out of every range, text where a token or slug goes). Never a 5xx."""

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config import TestingConfig
from tests.fuzz.conftest import Site, assert_no_server_error, fuzz_settings, page_of
from tests.fuzz.strategies import names, numbers, values
from trainer import create_app

C = "/courses/{course}"
FILTERS = ("country", "organisation", "role", "status")
DASHBOARD = ("sort", "desc", "group", "country", "organisation", "page")
CASES = ("country", "sdg", "kind", "chapter", "q")
# (who looks, the page, the parameters it reads): lists with filters, sorts and pages, and the
# pages that read a parameter. Other names are drawn too.
PAGES = (
    ("site_coordinator", C + "/people/", FILTERS),
    ("scoped_coordinator", C + "/people/", FILTERS),
    ("site_coordinator", "/accounts/organisations/", ("q", "country")),
    ("participant", "/library/", CASES),
    ("trainer", "/library/", CASES),
    ("participant", C + "/experiences/", CASES),
    ("trainer", C + "/experiences/", CASES),
    ("trainer", C + "/progress/", DASHBOARD),
    ("site_coordinator", C + "/progress.csv", DASHBOARD),
    ("site_coordinator", "/progress/", ("format",)),
    ("trainer", C + "/schedule/", ()),
    ("participant", "/calendar/", ()),
    ("participant", C + "/", ()),
    ("trainer", C + "/groups/", ()),
    ("site_coordinator", C + "/applications/", ("status",)),
    ("site_coordinator", "/reach/", ("course", "country")),
    ("participant", "/", ()),
    ("participant", "/modules/{module}/{chapter}", ("notes", "lang")),
    ("trainer", "/modules/{module}/print", ("notes",)),
    ("trainer", C + "/attendance/{session}", ()),
    ("site_coordinator", C + "/attendance/{session}/zoom/{zoom_token}", ("threshold",)),
    ("anonymous", "/accounts/login", ("next",)),
    ("anonymous", C + "/apply", ()),
    ("anonymous", "/certificates/{certificate}", ()),
)


@st.composite
def queries(draw, parameters: tuple[str, ...]) -> list[tuple[str, str]]:
    """Most of the page's own parameters (numbers or any value), a few other names, in any order."""
    pairs = [
        (name, draw(st.one_of(numbers, values)))
        for name in parameters
        if draw(st.integers(min_value=0, max_value=3))  # three times in four
    ]
    pairs += draw(st.lists(st.tuples(names, st.one_of(numbers, values)), max_size=2))
    return draw(st.permutations(pairs))


def _page_id(page: tuple) -> str:
    return f"{page[0]}:{page[1]}"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
@fuzz_settings(20)
@given(data=st.data())
def test_query_strings(site: Site, page: tuple, data):
    visitor, template, parameters = page
    query = data.draw(queries(parameters), label="query")
    response = site.client(visitor).get(template.format(**site.values(visitor)), query_string=query)
    assert_no_server_error(response, f"{template}?{query}")
    page_of(response)


@fuzz_settings(40)
@given(page=st.sampled_from(PAGES), raw=st.text(max_size=80))
def test_raw_query_strings(site: Site, page: tuple, raw: str):
    """What a person could paste after the `?`: any characters, percent signs that decode to nothing."""
    visitor, template, _parameters = page
    raw = raw.replace("#", "%23").replace("\x00", "")
    response = site.client(visitor).get(template.format(**site.values(visitor)) + "?" + raw)
    assert_no_server_error(response, f"{template}?{raw}")
    page_of(response)


PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _filled(rule: str, draw) -> str:
    """The rule with each placeholder drawn: an id anywhere up to 2**80, any text for the rest."""

    def value(match: re.Match) -> str:
        if match.group("converter") == "int":
            edges = (1, 2, 3, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30)  # past 32 and 64 bits
            return str(draw(st.one_of(st.sampled_from(edges), st.integers(min_value=0, max_value=2**80))))
        text = draw(st.one_of(values, st.text(min_size=1, max_size=60)))
        return quote(text.replace("\x00", ""), safe="") or "x"

    return PLACEHOLDER.sub(value, rule)


GET_RULES = sorted(
    rule.rule
    for rule in create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://"}).url_map.iter_rules()
    if "GET" in (rule.methods or ()) and rule.endpoint != "static" and "<" in rule.rule
)


@fuzz_settings(150)
@given(
    rule=st.sampled_from(GET_RULES),
    visitor=st.sampled_from(("anonymous", "participant", "site_coordinator")),
    data=st.data(),
)
def test_every_url_with_random_parts(site: Site, rule: str, visitor: str, data):
    path = _filled(rule, data.draw)
    response = site.client(visitor).get(path)
    assert_no_server_error(response, f"{visitor} {path}")
    page_of(response)
