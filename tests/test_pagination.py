"""The shared pager: pages of a list, the page asked for, and links that keep the filters."""

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string

from trainer.pagination import page_url, paginate, requested_page


def test_pages_cut_the_list_in_order_and_the_last_page_holds_the_rest():
    rows = list(range(1, 121))
    first, third = paginate(rows, 1, per_page=50), paginate(rows, 3, per_page=50)
    assert first.items == list(range(1, 51)) and (first.first, first.last, first.pages, first.total) == (1, 50, 3, 120)
    assert third.items == list(range(101, 121)) and (third.first, third.last) == (101, 120)
    assert not first.has_previous and first.has_next and third.has_previous and not third.has_next


@pytest.mark.parametrize("asked, shown", [(0, 1), (-4, 1), (99, 3)])
def test_a_page_out_of_range_gives_the_nearest_one(asked, shown):
    assert paginate(list(range(120)), asked, per_page=50).number == shown


def test_an_empty_list_is_one_empty_page():
    page = paginate([], 5)
    assert (page.items, page.number, page.pages, page.total, page.first, page.last) == ([], 1, 1, 0, 0, 0)


@pytest.mark.parametrize("query, page", [("", 1), ("page=4", 4), ("page=x", 1), ("page=²", 1), ("page=" + "9" * 30, 1)])
def test_the_page_asked_for_is_a_whole_number_or_the_first(app, query, page):
    with app.test_request_context(f"/?{query}"):
        assert requested_page() == page


def test_page_links_keep_every_filter_and_the_route_arguments(app):
    with app.test_request_context("/courses/7/people/?country=PH&role=participant&tag=a&tag=b&course_id=9&page=2"):
        parts = urlsplit(page_url(3, anchor="people"))
    assert parts.path == "/courses/7/people/" and parts.fragment == "people"
    query = parse_qs(parts.query)
    assert query == {"country": ["PH"], "role": ["participant"], "tag": ["a", "b"], "page": ["3"]}


def test_the_pager_shows_where_the_reader_is_and_links_only_to_pages_that_exist(app):
    template = '{% from "_macros.html" import pager %}{{ pager(page) }}'
    with app.test_request_context("/courses/7/people/?country=PH"):
        middle = render_template_string(template, page=paginate(list(range(120)), 2))
        first = render_template_string(template, page=paginate(list(range(120)), 1))
        single = render_template_string(template, page=paginate(list(range(10)), 1))
    assert "Page 2 of 3" in middle and "51–100 of 120" in middle
    assert 'rel="prev" href="/courses/7/people/?country=PH&amp;page=1"' in middle
    assert 'rel="next" href="/courses/7/people/?country=PH&amp;page=3"' in middle
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert single.strip() == ""
