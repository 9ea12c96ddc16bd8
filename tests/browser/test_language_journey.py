from playwright.sync_api import Page, expect


def test_a_visitor_switches_to_bahasa_indonesia_from_the_header(page: Page):
    page.goto("/accounts/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
