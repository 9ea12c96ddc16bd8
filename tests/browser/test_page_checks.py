"""The checks every journey gets (conftest.PageChecks) catch what they are there to catch."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageChecks

BAD_PAGE = """<!doctype html>
<html><head><title>Bad</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main><h1>Bad</h1>
<img src="/static/missing.png">
<img src="https://cdn.example.org/pixel.png" alt="">
<p style="color: #bbb">Low contrast</p>
<!-- {padding} -->
</main></body></html>"""


def test_a_bad_page_is_reported_with_every_problem(page: Page, page_checks: PageChecks):
    html = BAD_PAGE.replace("{padding}", "x" * 100_000)
    page.route("**/bad-page", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto("/bad-page")
    expect(page.get_by_role("heading", name="Bad")).to_be_visible()  # the next call checks the page

    problems = "\n".join(page_checks.problems)
    page_checks.problems.clear()  # reported here, not as this test's failure
    page_checks.weights.clear()
    assert "/bad-page: axe critical image-alt" in problems
    assert "/bad-page: axe serious color-contrast" in problems
    assert "<html> has no lang attribute" in problems
    assert "request to another host: GET https://cdn.example.org/pixel.png" in problems
    assert "bytes transferred (budget 100,000)" in problems


def test_a_page_in_the_wrong_language_is_reported(page: Page, page_checks: PageChecks):
    page.route(
        "**/wrong-language",
        lambda route: route.fulfill(
            body='<!doctype html><html lang="en"><title>Masuk</title><main><h1>Masuk</h1></main></html>',
            content_type="text/html",
            headers={"Content-Language": "id"},
        ),
    )
    page.goto("/wrong-language")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    problems = list(page_checks.problems)
    page_checks.problems.clear()
    assert problems == ["/wrong-language: <html lang='en'> but the page is in 'id'"]


def test_every_page_of_a_journey_is_checked_even_the_last(page: Page, page_checks: PageChecks):
    page.goto("/accounts/login")
    page.get_by_role("button", name="Bahasa Indonesia").press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page_checks.finish()  # what the hook does after each journey
    assert page_checks.checked == ["/accounts/login", "/accounts/login"]
    assert not page_checks.problems
